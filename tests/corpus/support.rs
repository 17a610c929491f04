//! Helpers shared by the corpus tests: requests built against one base URL
//! and read back, responses built by hand, JSON round trips.

use atlas_runtime::bytes::Bytes;
use atlas_runtime::http::{self, header};
use atlas_runtime::BaseUrl;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The base URL every corpus request is built against.
pub const BASE: &str = "https://api.example.test";

pub fn base_url() -> BaseUrl {
    BaseUrl::parse(BASE).unwrap_or_else(|error| panic!("{BASE}: {error}"))
}

/// A response with `status`, `Content-Type: content_type` and `body`.
pub fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("a valid response")
}

/// A response with `status` and `body` as `application/json`.
pub fn json_response(status: u16, body: &Value) -> http::Response<Bytes> {
    response(
        status,
        "application/json",
        serde_json::to_vec(body).expect("JSON encodes"),
    )
}

/// The only value of header `name`; fails when it is absent or repeated.
pub fn header<'a>(request: &'a http::Request<Vec<u8>>, name: &str) -> &'a str {
    let values: Vec<_> = request.headers().get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "{name}: {values:?}");
    values[0].to_str().expect("an ASCII header value")
}

/// The request's body as JSON; fails when there is none.
pub fn body_json(request: &http::Request<Vec<u8>>) -> Value {
    assert!(!request.body().is_empty(), "the request has no body");
    serde_json::from_slice(request.body())
        .unwrap_or_else(|error| panic!("the body is not JSON: {error}"))
}

/// The request's path and query, as sent.
pub fn path_and_query(request: &http::Request<Vec<u8>>) -> String {
    request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default()
}

/// Decodes `value` as `T` (failing with the reason if it does not decode).
pub fn decode<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("does not decode: {error}\n{value:#}"))
}

/// The reason `value` does not decode as `T`; fails if it does.
pub fn refused<T: DeserializeOwned + std::fmt::Debug>(value: &Value) -> String {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(decoded) => panic!("decoded, and should not have: {decoded:?}\n{value:#}"),
        Err(error) => error.to_string(),
    }
}

/// Encodes `value` as JSON.
pub fn encode<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| panic!("does not encode: {error}"))
}

/// Decodes `value` as `T` and checks that it encodes back to exactly `value`.
pub fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let decoded: T = decode(value);
    assert_eq!(&encode(&decoded), value, "re-encoding changed the JSON");
    decoded
}
