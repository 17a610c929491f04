//! Names the spec gives beyond OpenAPI, and names it does not have.
//!
//! Two spec extensions steer the generator: `x-rust-name` pins the Rust name
//! of a schema or an operation (extract writes it, lowering honours it), and
//! `x-rust-secret: true` marks a property as a credential whose name does not
//! say so (its `Debug` output is redacted). When a selection or a `$ref`
//! names something the spec lacks, [`closest`] finds the names meant.

use indexmap::IndexMap;
use serde_json::Value;

use crate::diag::Diagnostic;

/// The spec extension that pins a Rust name on a schema or an operation.
pub(crate) const RUST_NAME: &str = "x-rust-name";

/// The spec extension that marks a property as a credential (`Debug` redacts it).
pub(crate) const RUST_SECRET: &str = "x-rust-secret";

/// The Rust name an object's extensions pin, if any (a string).
pub(crate) fn rust_name(extensions: &IndexMap<String, Value>) -> Option<&str> {
    extensions.get(RUST_NAME).and_then(Value::as_str)
}

/// Whether an object's extensions mark it a credential (`x-rust-secret: true`).
pub(crate) fn is_marked_secret(extensions: &IndexMap<String, Value>) -> bool {
    extensions
        .get(RUST_SECRET)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Pins `name` as the Rust name of a JSON object of the spec.
pub(crate) fn pin_rust_name(object: &mut serde_json::Map<String, Value>, name: &str) {
    object.insert(RUST_NAME.to_owned(), Value::String(name.to_owned()));
}

/// Up to `n` candidates nearest to `wanted` by edit distance (ignoring case),
/// the nearest first; none further than half of `wanted`'s length (at least 3).
pub(crate) fn closest<'a>(wanted: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (edit_distance(&w, &c.to_lowercase()), *c))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let limit = (wanted.chars().count() / 2).max(3);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(n)
        .map(|(_, c)| c)
        .collect()
}

/// `d` with the three names of `candidates` closest to `wanted` as its help
/// (`{lead}: a, b, c`), or unchanged when none is close.
pub(crate) fn suggest(d: Diagnostic, lead: &str, wanted: &str, candidates: &[&str]) -> Diagnostic {
    let close = closest(wanted, candidates, 3);
    if close.is_empty() {
        d
    } else {
        d.with_help(format!("{lead}: {}", close.join(", ")))
    }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_names_come_nearest_first_and_ignore_case() {
        let names = ["Mission", "Cluster", "Missing", "group"];
        assert_eq!(closest("missing", &names, 3), ["Missing", "Mission"]);
        assert_eq!(closest("GROUP", &names, 1), ["group"]);
        assert!(closest("somethingelse", &names, 3).is_empty());
    }

    #[test]
    fn extensions_pin_names_and_mark_secrets() {
        let mut ext = IndexMap::new();
        assert_eq!(rust_name(&ext), None);
        assert!(!is_marked_secret(&ext));
        ext.insert(RUST_NAME.to_owned(), Value::from("Pinned"));
        ext.insert(RUST_SECRET.to_owned(), Value::from(true));
        assert_eq!(rust_name(&ext), Some("Pinned"));
        assert!(is_marked_secret(&ext));
    }
}
