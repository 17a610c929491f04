//! Sets of Unicode scalar values as sorted, disjoint, inclusive ranges.

/// Largest Unicode code point.
pub(crate) const MAX_CP: u32 = 0x10_FFFF;
const SURROGATE_LO: u32 = 0xD800;
const SURROGATE_HI: u32 = 0xDFFF;

/// A set of code points. Invariant: ranges sorted, disjoint, non-adjacent,
/// and never containing surrogates (a `&str` cannot hold them, so keeping them
/// out makes every range endpoint a valid `char`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct CharSet {
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    pub(crate) fn empty() -> Self {
        CharSet { ranges: Vec::new() }
    }

    pub(crate) fn single(c: u32) -> Self {
        Self::from_ranges(&[(c, c)])
    }

    pub(crate) fn from_ranges(ranges: &[(u32, u32)]) -> Self {
        let mut set = CharSet::empty();
        for &(lo, hi) in ranges {
            set.add_range(lo, hi);
        }
        set
    }

    pub(crate) fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub(crate) fn add_range(&mut self, lo: u32, hi: u32) {
        if lo > hi {
            return;
        }
        let hi = hi.min(MAX_CP);
        // Split around the surrogate block so it never enters the set.
        if lo < SURROGATE_LO && hi >= SURROGATE_LO {
            self.insert(lo, SURROGATE_LO - 1);
            if hi > SURROGATE_HI {
                self.insert(SURROGATE_HI + 1, hi);
            }
        } else if (SURROGATE_LO..=SURROGATE_HI).contains(&lo) {
            if hi > SURROGATE_HI {
                self.insert(SURROGATE_HI + 1, hi);
            }
        } else {
            self.insert(lo, hi);
        }
    }

    fn insert(&mut self, lo: u32, hi: u32) {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let (mut nlo, mut nhi) = (lo, hi);
        let mut placed = false;
        for &(a, b) in &self.ranges {
            if b.saturating_add(1) < nlo {
                out.push((a, b));
            } else if nhi.saturating_add(1) < a {
                if !placed {
                    out.push((nlo, nhi));
                    placed = true;
                }
                out.push((a, b));
            } else {
                nlo = nlo.min(a);
                nhi = nhi.max(b);
            }
        }
        if !placed {
            out.push((nlo, nhi));
        }
        // Ranges on either side of the surrogate gap are not adjacent code
        // points, so nothing else to merge.
        out.sort_unstable();
        self.ranges = out;
    }

    pub(crate) fn add_set(&mut self, other: &CharSet) {
        for &(lo, hi) in &other.ranges {
            self.insert(lo, hi);
        }
    }

    /// Every scalar value not in `self`.
    pub(crate) fn complement(&self) -> CharSet {
        let mut out = CharSet::empty();
        let mut next = 0u32;
        for &(lo, hi) in &self.ranges {
            if lo > next {
                out.add_range(next, lo - 1);
            }
            next = hi + 1;
        }
        if next <= MAX_CP {
            out.add_range(next, MAX_CP);
        }
        out
    }

    pub(crate) fn contains(&self, c: u32) -> bool {
        self.ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// `\d`: ECMA-262 digits are ASCII only.
    pub(crate) fn digits() -> CharSet {
        Self::from_ranges(&[(0x30, 0x39)])
    }

    /// `\w`: ECMA-262 word characters without the `u`/`i` flags.
    pub(crate) fn word() -> CharSet {
        Self::from_ranges(&[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
    }

    /// `\s`: WhiteSpace plus LineTerminator.
    pub(crate) fn space() -> CharSet {
        Self::from_ranges(&[
            (0x09, 0x0D),
            (0x20, 0x20),
            (0xA0, 0xA0),
            (0x1680, 0x1680),
            (0x2000, 0x200A),
            (0x2028, 0x2029),
            (0x202F, 0x202F),
            (0x205F, 0x205F),
            (0x3000, 0x3000),
            (0xFEFF, 0xFEFF),
        ])
    }

    /// `.` without the `s` flag: anything but a LineTerminator.
    pub(crate) fn dot() -> CharSet {
        Self::from_ranges(&[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)]).complement()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_merges_and_skips_surrogates() {
        let mut s = CharSet::empty();
        s.add_range(10, 20);
        s.add_range(30, 40);
        s.add_range(21, 29);
        assert_eq!(s.ranges(), &[(10, 40)]);
        s.add_range(0xD000, 0xE100);
        assert_eq!(s.ranges(), &[(10, 40), (0xD000, 0xD7FF), (0xE000, 0xE100)]);
        let all = CharSet::empty().complement();
        assert_eq!(all.ranges(), &[(0, 0xD7FF), (0xE000, MAX_CP)]);
        assert!(all.complement().ranges().is_empty());
        assert!(CharSet::dot().contains('a' as u32));
        assert!(!CharSet::dot().contains('\n' as u32));
    }
}
