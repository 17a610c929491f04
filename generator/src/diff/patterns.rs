//! Whether a changed pattern accepts less or more than before, with a
//! shortest example either way when one can be found.
//!
//! Two patterns that both compile to automata are compared exactly (a
//! breadth-first walk of their product). Otherwise short strings over the
//! characters the patterns mention are tried; not finding an example then
//! proves nothing.

use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::pattern::{compile, Dfa};

/// A string that shows how two patterns differ, if there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Witness {
    /// A shortest string showing the difference.
    Found(String),
    /// There is none: proven on the automata.
    NoneExists,
    /// None found, nothing proven.
    Unknown,
}

/// How a pattern change moves the set of accepted strings, both ways.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Accepted by the old pattern, rejected by the new.
    pub newly_rejected: Witness,
    /// Rejected by the old pattern, accepted by the new.
    pub newly_accepted: Witness,
}

/// Compares two ECMA-262 patterns on their automata: which strings the new
/// one rejects that the old accepted, and the other way round.
pub fn compare(old: &str, new: &str) -> Verdict {
    let unknown = Verdict {
        newly_rejected: Witness::Unknown,
        newly_accepted: Witness::Unknown,
    };
    let (Ok(o), Ok(n)) = (compile(old), compile(new)) else {
        return unknown;
    };
    match (o.dfa(), n.dfa()) {
        (Some(a), Some(b)) => exact(a, b),
        _ => {
            let m = |source: &str, dfa: Option<&Dfa>| match dfa {
                Some(d) => Some(Matcher::Dfa(d.clone())),
                None => regress::Regex::new(source).ok().map(Matcher::Engine),
            };
            match (m(old, o.dfa()), m(new, n.dfa())) {
                (Some(a), Some(b)) => sampled(&a, &b, &[old, new]),
                _ => unknown,
            }
        }
    }
}

/// Where one automaton is: in a state, past any match (`Dead`), or past a
/// point where it matched whatever follows (`Done`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum At {
    Live(usize),
    Dead,
    Done,
}

fn settle(d: &Dfa, at: At) -> At {
    match at {
        At::Live(i) => match d.states().get(i) {
            Some(s) if s.accept_now => At::Done,
            Some(_) => at,
            None => At::Dead,
        },
        other => other,
    }
}

fn advance(d: &Dfa, at: At, c: char) -> At {
    match at {
        At::Live(i) => settle(d, d.step(i, c).map_or(At::Dead, At::Live)),
        other => other,
    }
}

fn accepts(d: &Dfa, at: At) -> bool {
    match at {
        At::Live(i) => d
            .states()
            .get(i)
            .is_some_and(|s| s.accept_at_end || s.accept_now),
        At::Dead => false,
        At::Done => true,
    }
}

/// Readable characters to stand for a range, in order of preference.
const PREFERRED: &str = "a0A-_.zZ9 ";

/// One character per range of characters both automata treat alike.
fn representatives(a: &Dfa, at_a: At, b: &Dfa, at_b: At) -> Vec<char> {
    let mut points: BTreeSet<u32> = BTreeSet::from([0]);
    for (d, at) in [(a, at_a), (b, at_b)] {
        if let At::Live(i) = at {
            for t in d
                .states()
                .get(i)
                .map(|s| s.transitions.as_slice())
                .unwrap_or(&[])
            {
                points.insert(t.lo as u32);
                points.insert(t.hi as u32 + 1);
            }
        }
    }
    let points: Vec<u32> = points.into_iter().filter(|p| *p <= 0x10FFFF).collect();
    let mut out = Vec::new();
    for (i, lo) in points.iter().enumerate() {
        let hi = points.get(i + 1).map(|p| p - 1).unwrap_or(0x10FFFF);
        let pick = PREFERRED
            .chars()
            .find(|c| (*lo..=hi).contains(&(*c as u32)))
            .or_else(|| {
                (*lo..=hi)
                    .take(4096)
                    .find_map(|u| char::from_u32(u).filter(|c| !c.is_control()))
            })
            .or_else(|| (*lo..=hi).find_map(char::from_u32));
        if let Some(c) = pick {
            out.push(c);
        }
    }
    out
}

/// Product walk, shortest strings first.
fn exact(a: &Dfa, b: &Dfa) -> Verdict {
    let start = (settle(a, At::Live(0)), settle(b, At::Live(0)));
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([(start, String::new())]);
    let (mut rejected, mut accepted) = (None, None);
    while let Some(((x, y), s)) = queue.pop_front() {
        match (accepts(a, x), accepts(b, y)) {
            (true, false) if rejected.is_none() => rejected = Some(s.clone()),
            (false, true) if accepted.is_none() => accepted = Some(s.clone()),
            _ => {}
        }
        if rejected.is_some() && accepted.is_some() {
            break;
        }
        // Both settled for good: nothing further can differ.
        if !matches!(x, At::Live(_)) && !matches!(y, At::Live(_)) {
            continue;
        }
        for c in representatives(a, x, b, y) {
            let next = (advance(a, x, c), advance(b, y, c));
            if seen.insert(next) {
                let mut t = s.clone();
                t.push(c);
                queue.push_back((next, t));
            }
        }
    }
    let found = |w: Option<String>| w.map_or(Witness::NoneExists, Witness::Found);
    Verdict {
        newly_rejected: found(rejected),
        newly_accepted: found(accepted),
    }
}

enum Matcher {
    Dfa(Dfa),
    Engine(regress::Regex),
}

impl Matcher {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Dfa(d) => d.is_match(s),
            Matcher::Engine(re) => re.find(s).is_some(),
        }
    }
}

/// Longest sample tried, and how many samples at most.
const SAMPLE_LENGTH: usize = 4;
const SAMPLE_BUDGET: usize = 40_000;

fn sampled(a: &Matcher, b: &Matcher, sources: &[&str]) -> Verdict {
    let mut alphabet: BTreeSet<char> = PREFERRED.chars().collect();
    for s in sources {
        alphabet.extend(
            s.chars()
                .filter(|c| c.is_ascii_graphic() && !"^$()[]{}*+?|\\".contains(*c)),
        );
    }
    let alphabet: Vec<char> = alphabet.into_iter().collect();
    let (mut rejected, mut accepted) = (None, None);
    let mut layer = vec![String::new()];
    let mut tried = 0;
    'outer: for _ in 0..=SAMPLE_LENGTH {
        let mut next = Vec::new();
        for s in &layer {
            tried += 1;
            match (a.is_match(s), b.is_match(s)) {
                (true, false) if rejected.is_none() => rejected = Some(s.clone()),
                (false, true) if accepted.is_none() => accepted = Some(s.clone()),
                _ => {}
            }
            if (rejected.is_some() && accepted.is_some()) || tried >= SAMPLE_BUDGET {
                break 'outer;
            }
            for c in &alphabet {
                let mut t = s.clone();
                t.push(*c);
                next.push(t);
            }
        }
        layer = next;
    }
    let found = |w: Option<String>| w.map_or(Witness::Unknown, Witness::Found);
    Verdict {
        newly_rejected: found(rejected),
        newly_accepted: found(accepted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrower_pattern_shows_a_value_it_now_rejects() {
        let v = compare("^[a-z0-9]+$", "^[a-z]+$");
        assert_eq!(v.newly_rejected, Witness::Found("0".to_owned()));
        assert_eq!(v.newly_accepted, Witness::NoneExists);
    }

    #[test]
    fn a_wider_pattern_shows_a_value_it_now_accepts() {
        let v = compare("^([a-f0-9]{24})$", "^[a-f0-9]{24}$|^x$");
        assert_eq!(v.newly_rejected, Witness::NoneExists);
        assert_eq!(v.newly_accepted, Witness::Found("x".to_owned()));
    }

    #[test]
    fn patterns_beyond_automata_are_sampled() {
        let v = compare(
            "^([a-zA-Z0-9]([a-zA-Z0-9-]){0,21}(?<!-)([\\w]{0,42}))$",
            "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
        );
        assert!(
            matches!(v.newly_rejected, Witness::Found(ref s) if s.contains('_')),
            "{v:?}"
        );
        assert!(
            matches!(v.newly_accepted, Witness::Found(ref s) if s.ends_with('-')),
            "{v:?}"
        );
    }
}
