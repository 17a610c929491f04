//! Hand-written support for the generated MongoDB Atlas Admin API bindings.
//!
//! The generated crate depends on this crate (and serde's derive) only:
//!
//! - [`auth`]: the security schemes an API declares, the credentials a user holds and
//!   (feature `client`) HTTP Digest and OAuth 2.0 client credentials authenticators;
//! - [`checked`]: response values decoded leniently against a declared format or pattern;
//! - [`audit`]: which lenient fallbacks a decode made (`Checked::Invalid`, `Unknown`
//!   values), for tests and cautious callers;
//! - [`error`]: the layered error of one API call and the validation error of one value;
//! - [`fit`]: how well a JSON value fits a type, to pick the variant of an untagged union;
//! - [`request`] and [`response`]: sans-IO plumbing to build an [`http::Request`] and to
//!   decode the status, headers and body of a response, with any HTTP client, and
//!   [`ResponseValue`], a decoded value with the status and headers it came with;
//! - [`redact`]: credentials hidden from the body previews errors print;
//! - [`pattern`]: ECMA-262 regular expressions for patterns no simpler check covers;
//! - [`de`] and [`ser`]: (de)serialization helpers the generated types share;
//! - [`wire`]: the string forms of values sent in paths, queries and headers;
//! - `client` (feature `client`, on by default): a ready async client on reqwest, with
//!   seams for authentication (`auth::Authenticate`), retries (`retry`: the
//!   `RetryPolicy` seam and its policies) and hooks;
//! - [`mock`] (feature `mock`, for tests): the mock server and request matching the
//!   generated typed mocks build on.
//! - `cli` (feature `cli`): what a generated command line shares (global options, value
//!   parsers, request bodies from a file or stdin, output, exit statuses).

#![warn(missing_docs)]

// The README's example is compiled with the doctests.
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub mod audit;
pub mod auth;
pub mod checked;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "client")]
pub mod client;
pub mod de;
pub mod error;
pub mod fit;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "client")]
pub mod paginate;
pub mod pattern;
pub mod redact;
pub mod request;
pub mod response;
#[cfg(feature = "client")]
pub mod retry;
pub mod roundtrip;
pub mod ser;
pub mod wire;

#[cfg(feature = "client")]
pub use auth::{Authenticate, BearerToken, BoxFuture};
pub use auth::{Credentials, CredentialsError, SecurityScheme};
pub use checked::{Checked, Invalid};
#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, RequestHook};
pub use error::{BuildError, Error, Rule, TransportError, TransportErrorKind, ValidationError};
pub use pattern::EcmaPattern;
pub use request::{build_request, encode_path_segment, BaseUrl, Query, RequestParts};
pub use response::{
    decode_error, decode_json, unexpected_status, unwrap_envelope, with_metadata, ResponseValue,
};
#[cfg(feature = "client")]
pub use retry::{Attempt, ExponentialBackoff, NoRetry, RetryPolicy};

// Re-exported so generated code can name these crates through this one and
// never falls out of step with the versions the runtime was built against.
pub use bytes;
pub use chrono;
pub use http;
pub use serde;
pub use serde_json;
pub use uuid;
