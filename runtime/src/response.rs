//! Sans-IO decoding helpers used by generated parse functions.
//!
//! JSON is decoded with serde_json's default recursion limit (128 levels) left on, so a
//! deeply nested body is refused rather than overflowing the stack.

// An API call's error is large by design (status, headers and body kept) and on the cold
// path: boxing it would only add an allocation to every failure.
#![allow(clippy::result_large_err)]

use std::fmt;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde::de::{DeserializeOwned, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::Error;

/// The response's `Content-Type`, if present and readable as text.
fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Decodes a JSON body; on failure returns [`Error::Undecodable`] keeping the bytes, status
/// and content type. An empty body or invalid UTF-8 is undecodable too.
pub fn decode_json<T: DeserializeOwned, E>(
    status: StatusCode,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<T, Error<E>> {
    serde_json::from_slice(&body).map_err(|source| Error::Undecodable {
        status,
        content_type: content_type(headers),
        body,
        source,
    })
}

/// Decodes a documented error body into `Err(Error::Api { .. })`, or
/// `Err(Error::Undecodable { .. })` if the body is not the documented shape. Always `Err`.
pub fn decode_error<E: DeserializeOwned, T>(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Result<T, Error<E>> {
    match decode_json::<E, E>(status, &headers, body) {
        Ok(body) => Err(Error::Api {
            status,
            body,
            headers,
        }),
        Err(error) => Err(error),
    }
}

/// Decodes a JSON body that may be empty (the status declares no schema):
/// `None` for an empty body, else the decoded value; a non-empty body that does
/// not decode is [`Error::Undecodable`], bytes kept.
pub fn decode_json_or_empty<T: DeserializeOwned, E>(
    status: StatusCode,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Option<T>, Error<E>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    decode_json(status, headers, body).map(Some)
}

/// Reports a documented error status that documents no body (or a body that is not
/// JSON). Always `Err(Error::Status { .. })`, status, headers and bytes kept.
pub fn error_status<T, E>(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Result<T, Error<E>> {
    Err(Error::Status {
        status,
        headers,
        body,
    })
}

/// Reports a status the API does not document. Always `Err(Error::UnexpectedStatus { .. })`.
pub fn unexpected_status<T, E>(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Result<T, Error<E>> {
    Err(Error::UnexpectedStatus {
        status,
        headers,
        body,
    })
}

/// Unwraps Atlas' envelope (`?envelope=true`): `{"status": <int>, "content": <the body>}`.
///
/// If `body` is a JSON object with exactly the keys `status` (an integer from 0 to 65535)
/// and `content` (any JSON), returns the status and the bytes of `content` exactly as
/// sent, for the caller to decode as usual; otherwise `None`.
pub fn unwrap_envelope(body: &[u8]) -> Option<(u16, Bytes)> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    Some((
        envelope.status,
        Bytes::copy_from_slice(envelope.content.get().as_bytes()),
    ))
}

/// The status and body to decode: with `envelope` set to `Some(true)` the
/// API answers 200 and wraps the real status and body in
/// `{"status": ..., "content": ...}`; anything that is not such an envelope is
/// taken as it came.
pub fn unwrap_envelope_if(
    envelope: Option<bool>,
    status: StatusCode,
    body: Bytes,
) -> (StatusCode, Bytes) {
    match (envelope, unwrap_envelope(&body)) {
        (Some(true), Some((inner, content))) => {
            (StatusCode::from_u16(inner).unwrap_or(status), content)
        }
        _ => (status, body),
    }
}

/// An envelope with exactly the keys `status` and `content`.
struct Envelope {
    status: u16,
    content: Box<RawValue>,
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

/// Reads an envelope, refusing extra, missing or repeated keys: anything else is a body
/// that merely looks like one.
struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with exactly the keys status and content")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        let mut status = None;
        let mut content = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" if status.is_none() => status = Some(map.next_value::<u16>()?),
                "content" if content.is_none() => {
                    content = Some(map.next_value::<Box<RawValue>>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    return Err(A::Error::custom("not an envelope"));
                }
            }
        }
        match (status, content) {
            (Some(status), Some(content)) => Ok(Envelope { status, content }),
            _ => Err(A::Error::custom("not an envelope")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        headers
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct ApiError {
        error: u16,
        detail: String,
    }

    #[derive(Debug, Deserialize)]
    struct Group {
        #[allow(dead_code)]
        id: String,
    }

    fn undecodable_parts(error: Error<ApiError>) -> (StatusCode, Option<String>, Bytes) {
        match error {
            Error::Undecodable {
                status,
                content_type,
                body,
                ..
            } => (status, content_type, body),
            other => panic!("expected Undecodable, got {other:?}"),
        }
    }

    #[test]
    fn a_well_formed_body_decodes() {
        let value: Value = decode_json::<Value, ApiError>(
            StatusCode::OK,
            &json_headers(),
            Bytes::from_static(b"{\"a\":1}"),
        )
        .unwrap();
        assert_eq!(value, json!({"a": 1}));
    }

    #[test]
    fn truncated_json_is_undecodable_and_keeps_status_content_type_and_bytes() {
        let body = Bytes::from_static(b"{\"id\": \"abc");
        let error = decode_json::<Group, ApiError>(StatusCode::OK, &json_headers(), body.clone())
            .unwrap_err();
        assert_eq!(
            undecodable_parts(error),
            (StatusCode::OK, Some("application/json".into()), body)
        );
    }

    #[test]
    fn an_empty_body_is_undecodable() {
        let error = decode_json::<Group, ApiError>(StatusCode::OK, &HeaderMap::new(), Bytes::new())
            .unwrap_err();
        assert_eq!(
            undecodable_parts(error),
            (StatusCode::OK, None, Bytes::new())
        );
    }

    #[test]
    fn invalid_utf8_is_undecodable() {
        let body = Bytes::from_static(b"{\"id\": \"\xff\xfe\"}");
        let error = decode_json::<Group, ApiError>(StatusCode::OK, &json_headers(), body.clone())
            .unwrap_err();
        assert_eq!(undecodable_parts(error).2, body);
    }

    #[test]
    fn the_wrong_shape_is_undecodable() {
        let body = Bytes::from_static(b"{\"name\": 1}");
        let error = decode_json::<Group, ApiError>(StatusCode::OK, &json_headers(), body.clone())
            .unwrap_err();
        assert_eq!(undecodable_parts(error).2, body);
    }

    #[test]
    fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
        let mut nested = "[".repeat(100_000);
        nested.push_str(&"]".repeat(100_000));
        let body = Bytes::from(nested);
        let error = decode_json::<Value, ApiError>(StatusCode::OK, &json_headers(), body.clone())
            .unwrap_err();
        assert_eq!(undecodable_parts(error).2.len(), body.len());
        let error = decode_json::<crate::Checked<Value>, ApiError>(
            StatusCode::OK,
            &json_headers(),
            body.clone(),
        )
        .unwrap_err();
        assert!(matches!(error, Error::Undecodable { .. }));
    }

    #[test]
    fn deeply_nested_envelope_content_is_passed_on_and_then_refused_by_the_decoder() {
        let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let body = format!("{{\"status\":200,\"content\":{nested}}}");
        let (status, content) = unwrap_envelope(body.as_bytes()).unwrap();
        assert_eq!((status, content.len()), (200, nested.len()));
        let error =
            decode_json::<Value, ApiError>(StatusCode::OK, &json_headers(), content).unwrap_err();
        assert!(matches!(error, Error::Undecodable { .. }));
    }

    #[test]
    fn a_documented_error_body_becomes_an_api_error_with_headers() {
        let body = Bytes::from_static(br#"{"error": 404, "detail": "No group"}"#);
        let result: Result<(), Error<ApiError>> =
            decode_error(StatusCode::NOT_FOUND, json_headers(), body);
        match result.unwrap_err() {
            Error::Api {
                status,
                body,
                headers,
            } => {
                assert_eq!(status, StatusCode::NOT_FOUND);
                assert_eq!(
                    body,
                    ApiError {
                        error: 404,
                        detail: "No group".into()
                    }
                );
                assert_eq!(headers, json_headers());
            }
            other => panic!("expected Api, got {other:?}"),
        }
    }

    #[test]
    fn an_error_body_of_another_shape_is_undecodable() {
        let body = Bytes::from_static(b"<html>Bad Gateway</html>");
        let result: Result<(), Error<ApiError>> =
            decode_error(StatusCode::BAD_GATEWAY, HeaderMap::new(), body.clone());
        let error = result.unwrap_err();
        assert!(error.is_retryable());
        assert_eq!(
            undecodable_parts(error),
            (StatusCode::BAD_GATEWAY, None, body)
        );
    }

    #[test]
    fn an_undocumented_status_is_unexpected_with_everything_kept() {
        let result: Result<(), Error<ApiError>> = unexpected_status(
            StatusCode::IM_A_TEAPOT,
            json_headers(),
            Bytes::from_static(b"tea"),
        );
        let error = result.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::IM_A_TEAPOT));
        assert_eq!(error.body_bytes(), Some(&b"tea"[..]));
        assert_eq!(error.headers(), Some(&json_headers()));
    }

    #[test]
    fn an_envelope_yields_its_status_and_the_exact_content_bytes() {
        let body = br#"{"status": 201, "content": {"id": "abc", "n": 1.000000000000000000001}}"#;
        let (status, content) = unwrap_envelope(body).unwrap();
        assert_eq!(status, 201);
        assert_eq!(
            &content[..],
            br#"{"id": "abc", "n": 1.000000000000000000001}"#
        );
        let (_, content) = unwrap_envelope(br#"{"content": null, "status": 204}"#).unwrap();
        assert_eq!(&content[..], b"null");
    }

    #[test]
    fn a_body_that_is_not_exactly_an_envelope_is_left_alone() {
        for body in [
            &br#"{"status": 200}"#[..],
            br#"{"content": {}}"#,
            br#"{"status": 200, "content": {}, "extra": 1}"#,
            br#"{"status": 200, "status": 201, "content": {}}"#,
            br#"{"status": "200", "content": {}}"#,
            br#"{"status": 70000, "content": {}}"#,
            br#"{"status": -1, "content": {}}"#,
            br#"[200, {}]"#,
            br#"{"status": 200, "content": "#,
            b"",
            b"\xff",
        ] {
            assert!(
                unwrap_envelope(body).is_none(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
