//! ECMA-262 regular expressions, the dialect OpenAPI patterns are written in, for the
//! patterns the generator could not turn into a simpler check.

use std::fmt;
use std::sync::OnceLock;

/// An ECMA-262 regular expression compiled on first use (by regress), with search
/// semantics like `RegExp.prototype.test`: it matches if it matches anywhere in the string,
/// unless the pattern itself anchors with `^` or `$`.
///
/// Meant for `static` items in generated code, so each pattern is compiled at most once.
pub struct EcmaPattern {
    source: &'static str,
    compiled: OnceLock<Option<regress::Regex>>,
}

impl EcmaPattern {
    /// A pattern from its ECMA-262 source (without slashes or flags); not compiled yet.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern's source.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the pattern matches somewhere in `s`. A pattern that fails to compile
    /// matches nothing (the generator already refused uncompilable patterns).
    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| regress::Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.find(s).is_some())
    }
}

impl fmt::Debug for EcmaPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EcmaPattern").field(&self.source).finish()
    }
}

impl fmt::Display for EcmaPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NOT_EMPTY_THEN_X: EcmaPattern = EcmaPattern::new("^(?!$)x");
    static NO_LEADING_DASH: EcmaPattern = EcmaPattern::new(r"^(?!-)[a-z0-9-]{1,10}$");

    #[test]
    fn negative_lookahead_is_supported() {
        assert!(NOT_EMPTY_THEN_X.is_match("x"));
        assert!(NOT_EMPTY_THEN_X.is_match("xyz"));
        assert!(!NOT_EMPTY_THEN_X.is_match(""));
        assert!(!NOT_EMPTY_THEN_X.is_match("yx"));
        assert!(NO_LEADING_DASH.is_match("ab-c"));
        assert!(!NO_LEADING_DASH.is_match("-abc"));
    }

    #[test]
    fn an_unanchored_pattern_matches_anywhere_like_regexp_test() {
        let pattern = EcmaPattern::new("[0-9]+");
        assert!(pattern.is_match("abc123def"));
        assert!(!pattern.is_match("abcdef"));
    }

    #[test]
    fn a_pattern_that_does_not_compile_matches_nothing() {
        let pattern = EcmaPattern::new("(unclosed");
        assert!(!pattern.is_match("(unclosed"));
        assert!(!pattern.is_match(""));
    }

    #[test]
    fn source_and_formatting_show_the_pattern() {
        assert_eq!(NOT_EMPTY_THEN_X.source(), "^(?!$)x");
        assert_eq!(NOT_EMPTY_THEN_X.to_string(), "^(?!$)x");
        assert_eq!(format!("{NOT_EMPTY_THEN_X:?}"), "EcmaPattern(\"^(?!$)x\")");
    }
}
