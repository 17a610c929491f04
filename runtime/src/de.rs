//! Deserialization helpers for generated code.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// Deserializes a JSON string through `parse`, borrowing where the input
/// allows, so known enum values and validated strings cost no extra copy.
/// `expecting` names what was wanted in the error message.
pub fn string_with<'de, D, T, E, F>(
    deserializer: D,
    expecting: &'static str,
    parse: F,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, E>,
    E: fmt::Display,
{
    struct StrVisitor<F, T, E> {
        expecting: &'static str,
        parse: F,
        marker: PhantomData<fn() -> (T, E)>,
    }

    impl<'de, F, T, E> Visitor<'de> for StrVisitor<F, T, E>
    where
        F: FnOnce(&str) -> Result<T, E>,
        E: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a string: {}", self.expecting)
        }

        fn visit_str<Er: de::Error>(self, v: &str) -> Result<T, Er> {
            (self.parse)(v).map_err(Er::custom)
        }
    }

    deserializer.deserialize_str(StrVisitor {
        expecting,
        parse,
        marker: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_upper(s: &str) -> Result<String, String> {
        if s.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(s.to_owned())
        } else {
            Err(format!("`{s}` is not upper case"))
        }
    }

    #[test]
    fn a_string_goes_through_the_parser() {
        let mut de = serde_json::Deserializer::from_str("\"ABC\"");
        assert_eq!(
            string_with(&mut de, "upper case", parse_upper).ok(),
            Some("ABC".to_owned())
        );
    }

    #[test]
    fn the_parser_error_becomes_the_deserialization_error() {
        let mut de = serde_json::Deserializer::from_str("\"abc\"");
        let err = string_with(&mut de, "upper case", parse_upper)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`abc` is not upper case"), "{err}");
    }

    #[test]
    fn a_non_string_is_refused_with_what_was_expected() {
        let mut de = serde_json::Deserializer::from_str("42");
        let err = string_with(&mut de, "upper case", parse_upper)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("a string: upper case"), "{err}");
    }
}
