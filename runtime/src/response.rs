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

use crate::error::{Error, RedactedHeaders};

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
            body: Box::new(body),
            headers: Box::new(headers),
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
        headers: Box::new(headers),
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
        headers: Box::new(headers),
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

/// A decoded response value together with the status and headers it came with.
///
/// Operations return just the decoded body, which is all most callers need. Ask for a
/// `ResponseValue` (sans-IO with [`with_metadata`], or with the client's
/// `Client::call_with_metadata`) when the headers matter too:
///
/// - rate limiting: how much of the quota is left (`RateLimit-Limit`, `RateLimit-Remaining`
///   where they are sent), or how long a `Retry-After` asks to wait;
/// - `Location`, where a `201 Created` or `202 Accepted` says the new resource lives;
/// - request ids (`X-Request-Id`) and what proxies on the way add (`X-Envoy-...` headers), to
///   quote in a support case or match with the server's logs;
/// - which of several documented success statuses (`200` or `202`, say) was sent.
///
/// With `envelope(true)` the status is the HTTP status (Atlas then always answers `200`);
/// the one in the envelope has already decided how the body was decoded.
///
/// Derefs to the value, so fields and methods are reached as on the value itself. `Debug`
/// shows the status, the headers (credential-bearing ones such as `Set-Cookie` redacted)
/// and the value.
#[derive(Clone, PartialEq)]
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    /// `value`, decoded from a response with `status` and `headers`.
    pub fn new(value: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            value,
            status,
            headers,
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded value, dropping the status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The decoded value, the status and the headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.value, self.status, self.headers)
    }

    /// Converts the value, keeping the status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("value", &self.value)
            .finish()
    }
}

/// Decodes `response` with `parse` (a generated `parse_response`) and keeps its status and
/// headers beside the value. They are taken before `parse` runs, so they are the
/// response's own whatever `parse` does with it; on failure the error keeps them as
/// usual (see [`Error::status`] and [`Error::headers`]).
pub fn with_metadata<T, E>(
    response: http::Response<Bytes>,
    parse: impl FnOnce(http::Response<Bytes>) -> Result<T, Error<E>>,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    parse(response).map(|value| ResponseValue::new(value, status, headers))
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
                    *body,
                    ApiError {
                        error: 404,
                        detail: "No group".into()
                    }
                );
                assert_eq!(*headers, json_headers());
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

    fn response(
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: &'static [u8],
    ) -> http::Response<Bytes> {
        let mut response = http::Response::new(Bytes::from_static(body));
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        for (name, value) in headers {
            response
                .headers_mut()
                .insert(*name, http::HeaderValue::from_static(value));
        }
        response
    }

    #[test]
    fn with_metadata_keeps_the_status_and_headers_beside_the_decoded_value() {
        let response = response(
            201,
            &[("x-request-id", "req-1"), ("location", "/groups/1")],
            br#"{"a":1}"#,
        );
        let value = with_metadata(response, |response| {
            let (parts, body) = response.into_parts();
            decode_json::<Value, ApiError>(parts.status, &parts.headers, body)
        })
        .unwrap();
        assert_eq!(value.status(), StatusCode::CREATED);
        assert_eq!(value.headers()["x-request-id"], "req-1");
        assert_eq!(value.headers()["location"], "/groups/1");
        // Deref reaches the value itself.
        assert_eq!(value["a"], 1);
        let (inner, status, headers) = value.into_parts();
        assert_eq!(
            (inner, status, headers.len()),
            (json!({"a": 1}), StatusCode::CREATED, 2)
        );
    }

    #[test]
    fn with_metadata_hands_a_failure_on_as_the_parse_function_made_it() {
        let response = response(
            404,
            &[("x-request-id", "req-2")],
            br#"{"error": 404, "detail": "No group"}"#,
        );
        let error = with_metadata(response, |response| {
            let (parts, body) = response.into_parts();
            decode_error::<ApiError, Value>(parts.status, parts.headers, body)
        })
        .unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.headers().unwrap()["x-request-id"], "req-2");
    }

    #[test]
    fn a_response_value_maps_its_value_and_keeps_status_and_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-3".parse().unwrap());
        let value = ResponseValue::new(vec![1, 2, 3], StatusCode::ACCEPTED, headers);
        assert_eq!(value.len(), 3);
        let mapped = value.map(|items| items.len());
        assert_eq!(*mapped, 3);
        assert_eq!(mapped.status(), StatusCode::ACCEPTED);
        assert_eq!(mapped.headers()["x-request-id"], "req-3");
        assert_eq!(mapped.into_inner(), 3);
    }

    #[test]
    fn response_value_debug_shows_status_headers_and_value_but_no_credential_header() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::SET_COOKIE, "session=s3cret".parse().unwrap());
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer s3cret".parse().unwrap(),
        );
        headers.insert("x-request-id", "req-4".parse().unwrap());
        let shown = format!(
            "{:?}",
            ResponseValue::new("the value", StatusCode::OK, headers)
        );
        assert!(!shown.contains("s3cret"), "{shown}");
        for part in ["200", "req-4", "the value", "set-cookie", "<redacted>"] {
            assert!(shown.contains(part), "{part} missing from {shown}");
        }
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
