//! Whether decoding fell back anywhere: a recorder a test (or a cautious caller) turns on
//! around a decode to learn which lenient fallbacks it took.
//!
//! Responses decode leniently: a value breaking its format or pattern is kept as
//! [`Checked::Invalid`](crate::Checked::Invalid), an unlisted enum value arrives as the
//! enum's `Unknown` variant, a union value no variant reads as the union's `Unknown`. That
//! keeps a client working when the server drifts from its spec, and hides the drift.
//! [`collect`] shows it:
//!
//! ```
//! use atlas_runtime::{audit, Checked};
//!
//! let (id, findings) = audit::collect(|| serde_json::from_str::<Checked<uuid::Uuid>>("\"x\""));
//! assert!(id.is_ok());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].kind, audit::Kind::Invalid);
//! ```
//!
//! Findings are noted where the fallback is made: `Checked` notes its `Invalid` itself, and
//! generated code calls [`note`] when it decodes an `Unknown`. Outside [`collect`] a note
//! is one thread-local read and nothing else: no allocation, no lock. The recorder is per
//! thread, so a decode must run on the thread that called [`collect`] (as a decode of a
//! body in memory does).

use std::cell::{Cell, RefCell};
use std::fmt;

/// What kind of lenient fallback a decode made.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A value broke its declared format or pattern and was kept as `Checked::Invalid`.
    Invalid,
    /// An open enum got a value the spec does not list: its `Unknown` variant.
    UnknownEnumValue,
    /// An open union got a value none of its variants reads: its `Unknown` variant.
    UnknownVariant,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Invalid => "a value breaking its format or pattern, kept as Checked::Invalid",
            Kind::UnknownEnumValue => "an enum value the spec does not list, kept as Unknown",
            Kind::UnknownVariant => "a value no variant of the union reads, kept as Unknown",
        })
    }
}

/// One fallback: its kind and the Rust type that made it (`std::any::type_name` of the
/// checked type, the enum or the union).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// What fallback was made.
    pub kind: Kind,
    /// The type that made it, as `std::any::type_name` spells it.
    pub type_name: &'static str,
}

impl Finding {
    /// A finding of `kind` in `type_name`.
    pub fn new(kind: Kind, type_name: &'static str) -> Self {
        Self { kind, type_name }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.type_name, self.kind)
    }
}

thread_local! {
    /// Whether a recorder is on: the one thing a note reads when none is. A `Cell<bool>`
    /// needs no destructor, so touching it never registers one for the thread.
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    /// The findings of the innermost [`collect`] running on this thread.
    static FINDINGS: RefCell<Vec<Finding>> = const { RefCell::new(Vec::new()) };
}

/// Records a fallback of `kind` made by `type_name`, if a [`collect`] is running on this
/// thread; otherwise does nothing (one thread-local read).
#[inline]
pub fn note(kind: Kind, type_name: &'static str) {
    if RECORDING.try_with(Cell::get).unwrap_or(false) {
        record(Finding::new(kind, type_name));
    }
}

/// The slow path of [`note`], kept out of line so the check inlines small.
#[cold]
fn record(finding: Finding) {
    // A note while the list is borrowed cannot happen (nothing runs while it is); if it
    // did, dropping the finding beats a panic. During thread teardown it is dropped too.
    let _ = FINDINGS.try_with(|findings| {
        if let Ok(mut findings) = findings.try_borrow_mut() {
            findings.push(finding);
        }
    });
}

/// Whether a [`collect`] is running on this thread.
pub fn is_recording() -> bool {
    RECORDING.try_with(Cell::get).unwrap_or(false)
}

/// Runs `f` with a recorder on and returns its result with the fallbacks it made, in the
/// order they were made.
///
/// Nested, the inner `collect` gets the findings made inside it and the outer one gets
/// them too, after its own earlier ones. If `f` panics the recorder is put back as it was.
pub fn collect<R>(f: impl FnOnce() -> R) -> (R, Vec<Finding>) {
    let mut scope = Scope::begin();
    let result = f();
    let findings = scope.end();
    (result, findings)
}

/// Runs `f`, a decode that may be abandoned (one variant of a union tried after
/// another), keeping the fallbacks it made only if it succeeds: a value thrown away made
/// no fallback that reached the caller. Outside [`collect`] it is just `f()`.
pub fn tentative<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    if !is_recording() {
        return f();
    }
    let mut scope = Scope::begin();
    let result = f();
    let findings = scope.end();
    if result.is_err() {
        // Taken back out of the enclosing recorder, which `end` handed them to.
        let _ = FINDINGS.try_with(|outer| {
            if let Ok(mut outer) = outer.try_borrow_mut() {
                let kept = outer.len().saturating_sub(findings.len());
                outer.truncate(kept);
            }
        });
    }
    result
}

/// Runs `f` with notes dropped: for decodes made only to look (how well a value would
/// fit), whose values are never handed on.
pub(crate) fn silenced<R>(f: impl FnOnce() -> R) -> R {
    /// Puts the recorder back on when the silenced run ends, panicking or not.
    struct Unmute(bool);

    impl Drop for Unmute {
        fn drop(&mut self) {
            let _ = RECORDING.try_with(|on| on.set(self.0));
        }
    }

    let _unmute = Unmute(RECORDING.try_with(|on| on.replace(false)).unwrap_or(false));
    f()
}

/// A recorder turned on for the length of one [`collect`], restoring the one around it
/// when it ends, or when it is dropped by a panic.
struct Scope {
    /// Whether a recorder was on before, and what it had found; `None` once ended.
    outer: Option<(bool, Vec<Finding>)>,
}

impl Scope {
    fn begin() -> Self {
        let was_recording = RECORDING.try_with(|on| on.replace(true)).unwrap_or(false);
        let earlier = FINDINGS
            .try_with(|findings| {
                findings
                    .try_borrow_mut()
                    .map(|mut findings| std::mem::take(&mut *findings))
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        Scope {
            outer: Some((was_recording, earlier)),
        }
    }

    /// Turns this recorder off and returns what it found; the enclosing recorder, if
    /// any, gets the same findings after its own.
    fn end(&mut self) -> Vec<Finding> {
        let Some((was_recording, mut earlier)) = self.outer.take() else {
            return Vec::new();
        };
        let _ = RECORDING.try_with(|on| on.set(was_recording));
        FINDINGS
            .try_with(|findings| {
                let Ok(mut findings) = findings.try_borrow_mut() else {
                    return Vec::new();
                };
                let found = std::mem::take(&mut *findings);
                if was_recording {
                    earlier.extend_from_slice(&found);
                    *findings = earlier;
                }
                found
            })
            .unwrap_or_default()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(kind: Kind) {
        note(kind, "T");
    }

    #[test]
    fn notes_inside_collect_are_returned_in_order() {
        let (value, findings) = collect(|| {
            noted(Kind::Invalid);
            noted(Kind::UnknownEnumValue);
            7
        });
        assert_eq!(value, 7);
        assert_eq!(
            findings,
            [
                Finding::new(Kind::Invalid, "T"),
                Finding::new(Kind::UnknownEnumValue, "T")
            ]
        );
        assert!(!is_recording());
    }

    #[test]
    fn notes_outside_collect_are_not_kept_for_a_later_one() {
        noted(Kind::Invalid);
        assert!(!is_recording());
        let ((), findings) = collect(|| ());
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_nested_collect_gets_its_own_findings_and_the_outer_one_gets_all() {
        let (inner, outer) = collect(|| {
            noted(Kind::Invalid);
            let ((), inner) = collect(|| noted(Kind::UnknownVariant));
            assert!(is_recording(), "the outer recorder is back on");
            noted(Kind::UnknownEnumValue);
            inner
        });
        assert_eq!(inner, [Finding::new(Kind::UnknownVariant, "T")]);
        let kinds: Vec<Kind> = outer.iter().map(|finding| finding.kind).collect();
        assert_eq!(
            kinds,
            [Kind::Invalid, Kind::UnknownVariant, Kind::UnknownEnumValue]
        );
    }

    #[test]
    fn a_panic_inside_collect_turns_the_recorder_off_again() {
        let outcome = std::panic::catch_unwind(|| {
            collect(|| {
                noted(Kind::Invalid);
                panic!("a test panic");
            })
        });
        assert!(outcome.is_err());
        assert!(!is_recording());
        let ((), findings) = collect(|| ());
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_tentative_decode_keeps_its_findings_only_if_it_succeeds() {
        let ((), findings) = collect(|| {
            noted(Kind::Invalid);
            let failed: Result<(), ()> = tentative(|| {
                noted(Kind::UnknownEnumValue);
                Err(())
            });
            assert!(failed.is_err());
            let kept: Result<(), ()> = tentative(|| {
                noted(Kind::UnknownVariant);
                Ok(())
            });
            assert!(kept.is_ok());
        });
        let kinds: Vec<Kind> = findings.iter().map(|finding| finding.kind).collect();
        assert_eq!(kinds, [Kind::Invalid, Kind::UnknownVariant]);
        // Outside `collect` it only runs the closure.
        assert_eq!(tentative(|| Ok::<_, ()>(3)), Ok(3));
    }

    #[test]
    fn a_silenced_run_notes_nothing_and_turns_the_recorder_back_on() {
        let ((), findings) = collect(|| {
            silenced(|| noted(Kind::Invalid));
            assert!(is_recording());
            noted(Kind::UnknownVariant);
        });
        assert_eq!(findings, [Finding::new(Kind::UnknownVariant, "T")]);
    }

    #[test]
    fn the_recorder_is_per_thread() {
        let ((), findings) = collect(|| {
            std::thread::spawn(|| noted(Kind::Invalid))
                .join()
                .expect("the thread ends");
        });
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_finding_displays_its_type_and_kind() {
        let shown = Finding::new(Kind::Invalid, "my::GroupId").to_string();
        assert!(shown.starts_with("my::GroupId: "), "{shown}");
        assert!(shown.contains("Checked::Invalid"), "{shown}");
    }
}
