//! Redaction of credentials in the body previews errors print.
//!
//! An error keeps the bytes of a body it could not decode, and its `Debug`
//! shows the first of them: that is what makes a decoding failure
//! diagnosable from a log line. A response can carry credentials (a
//! delivery's `authValue`, a pre-signed download URL), so the preview goes
//! through [`redact_preview`] first. The bytes themselves stay untouched in
//! the error for a caller who asks for them.

use std::borrow::Cow;

/// What a redacted value prints as.
pub const REDACTED: &str = "<redacted>";

/// Key fragments that mark a credential (case-insensitive). The generator
/// marks model fields with the same rule, so a model's `Debug` and an error's
/// body preview hide the same values.
const SECRET_KEY_PARTS: [&str; 8] = [
    "password",
    "secret",
    "token",
    "authvalue",
    "privatekey",
    "apikey",
    "credential",
    "signature",
];

/// Whether a JSON property name names a credential: it contains one of the
/// fragments above and is not merely the name, id, type or expiry of one
/// (`tokenType`, `secretId` and `apiKeyName` are safe to show).
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
        && !["name", "id", "type", "expiresat"]
            .iter()
            .any(|suffix| key.ends_with(suffix))
}

/// The text of a (possibly truncated, possibly not JSON) body with the string
/// values of secret-looking keys replaced by `<redacted>`, and the query of
/// every `http(s)://` URL in a string value replaced too: pre-signed URLs
/// carry their signature there. Everything else is kept as it was, so the
/// preview still shows which field failed to decode.
pub fn redact_preview(text: &str) -> Cow<'_, str> {
    if !text.contains('"') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // The last string literal seen, while it may still turn out to be a key.
    let mut pending_key: Option<&str> = None;
    // Whether the value about to start belongs to a secret key.
    let mut secret_value = false;
    while let Some(c) = rest.chars().next() {
        match c {
            '"' => {
                let (literal, after) = split_string(rest);
                let content = if is_closed(literal) {
                    &literal[1..literal.len() - 1]
                } else {
                    &literal[1..]
                };
                if secret_value {
                    out.push('"');
                    out.push_str(REDACTED);
                    if is_closed(literal) {
                        out.push('"');
                    }
                    secret_value = false;
                    pending_key = None;
                } else {
                    out.push_str(&redact_url_query(literal));
                    pending_key = Some(content);
                }
                rest = after;
            }
            ':' => {
                secret_value = pending_key.is_some_and(is_secret_key);
                pending_key = None;
                out.push(c);
                rest = &rest[1..];
            }
            c if c.is_whitespace() => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
            c => {
                pending_key = None;
                secret_value = false;
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Cow::Owned(out)
}

/// Splits `text` (which starts with `"`) into the string literal, quotes
/// included, and what follows. An unterminated literal runs to the end.
fn split_string(text: &str) -> (&str, &str) {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return text.split_at(i + 1),
            _ => i += 1,
        }
    }
    (text, "")
}

/// Whether a literal from [`split_string`] has its closing quote.
fn is_closed(literal: &str) -> bool {
    let bytes = literal.as_bytes();
    if bytes.len() < 2 || bytes[bytes.len() - 1] != b'"' {
        return false;
    }
    // The closing quote is real unless an odd run of backslashes escapes it.
    let backslashes = bytes[1..bytes.len() - 1]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 0
}

/// A string literal with the query of an `http(s)://` URL redacted.
fn redact_url_query(literal: &str) -> Cow<'_, str> {
    let inner = &literal[1..];
    let is_url = inner.starts_with("http://") || inner.starts_with("https://");
    match inner.find('?') {
        Some(at) if is_url => {
            let closing = if is_closed(literal) { "\"" } else { "" };
            Cow::Owned(format!("\"{}?{REDACTED}{closing}", &inner[..at]))
        }
        _ => Cow::Borrowed(literal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_recognised_but_their_names_and_ids_are_not() {
        for key in [
            "authValue",
            "password",
            "clientSecret",
            "access_token",
            "privateKey",
            "apiKey",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "tokenType",
            "secretId",
            "apiKeyName",
            "username",
            "url",
            "tokenExpiresAt",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn the_string_value_of_a_secret_key_is_redacted_and_the_rest_kept() {
        let body = r#"{"delivery": {"methodName": "HTTP", "authValue": "hunter2"}, "encryptionEnabled": "yes"}"#;
        assert_eq!(
            redact_preview(body),
            r#"{"delivery": {"methodName": "HTTP", "authValue": "<redacted>"}, "encryptionEnabled": "yes"}"#
        );
    }

    #[test]
    fn the_query_of_a_url_is_redacted_wherever_it_appears() {
        let body = r#"{"url": "https://bucket.example/x.tgz?X-Amz-Signature=abc", "links": ["http://h/p?k=v"]}"#;
        assert_eq!(
            redact_preview(body),
            r#"{"url": "https://bucket.example/x.tgz?<redacted>", "links": ["http://h/p?<redacted>"]}"#
        );
    }

    #[test]
    fn a_secret_cut_off_by_the_preview_limit_is_still_redacted() {
        assert_eq!(
            redact_preview(r#"{"password": "hun"#),
            r#"{"password": "<redacted>"#
        );
        assert_eq!(
            redact_preview(r#"{"u": "https://h/p?sig=ab"#),
            r#"{"u": "https://h/p?<redacted>"#
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_a_secret_early() {
        assert_eq!(
            redact_preview(r#"{"token": "a\"b", "n": 1}"#),
            r#"{"token": "<redacted>", "n": 1}"#
        );
    }

    #[test]
    fn a_secret_key_followed_by_a_non_string_value_leaves_later_strings_alone() {
        assert_eq!(
            redact_preview(r#"{"token": null, "name": "kept"}"#),
            r#"{"token": null, "name": "kept"}"#
        );
    }

    #[test]
    fn text_without_strings_is_returned_as_is() {
        assert!(matches!(
            redact_preview("<html>502</html>"),
            Cow::Borrowed(_)
        ));
    }
}
