//! Layered, typed errors: a refused value, a failed transport, and the error of one API call.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// How many characters of a refused value an error message shows.
const VALUE_PREVIEW_CHARS: usize = 100;
/// How many bytes of a body an error's `Debug` shows.
const BODY_PREVIEW_BYTES: usize = 512;
/// How many allowed values a [`Rule::Enum`] message lists.
const ENUM_PREVIEW_VALUES: usize = 10;

/// A value the caller supplied broke a declared rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    role: &'static str,
    value: String,
    rule: Rule,
}

/// The rule a [`ValidationError`] says was broken.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The value must match this ECMA-262 pattern.
    Pattern(&'static str),
    /// The number must be at least this.
    Minimum(i64),
    /// The number must be at most this.
    Maximum(i64),
    /// The value must be at least this long (characters for strings, items for arrays).
    MinLength(u64),
    /// The value must be at most this long (characters for strings, items for arrays).
    MaxLength(u64),
    /// The value must be one of these.
    Enum(&'static [&'static str]),
    /// The value must be an integer (an integer enum's value given as text).
    Integer,
    /// A header or path value must not hold control characters (CR, LF, NUL and the like),
    /// which could end a header or split a request.
    ControlCharacter,
    /// The value must be a valid HTTP header name.
    HeaderName,
    /// The value must be a URL of the expected shape; the string says what is wrong.
    Url(String),
    /// The value could not be encoded for the wire (a request body as JSON).
    Encoding,
}

impl ValidationError {
    /// `value`, supplied as `role` (a parameter or type name such as `group_id`), broke `rule`.
    pub fn new(role: &'static str, value: impl Into<String>, rule: Rule) -> Self {
        Self {
            role,
            value: value.into(),
            rule,
        }
    }

    /// What the value was for: a parameter or type name such as `group_id` or `GroupId`.
    pub fn role(&self) -> &'static str {
        self.role
    }

    /// The refused value, whole.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The broken rule.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} ", self.role)?;
        // Shown escaped so control characters cannot forge log lines, and cut short so
        // a huge value cannot flood them.
        let total = self.value.chars().count();
        if total > VALUE_PREVIEW_CHARS {
            let head: String = self.value.chars().take(VALUE_PREVIEW_CHARS).collect();
            write!(f, "{head:?}... ({total} characters)")?;
        } else {
            write!(f, "{:?}", self.value)?;
        }
        write!(f, ": {}", self.rule)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Pattern(pattern) => write!(f, "does not match the pattern {pattern}"),
            Rule::Minimum(minimum) => write!(f, "is less than the minimum {minimum}"),
            Rule::Maximum(maximum) => write!(f, "is greater than the maximum {maximum}"),
            Rule::MinLength(length) => write!(f, "is shorter than the minimum length {length}"),
            Rule::MaxLength(length) => write!(f, "is longer than the maximum length {length}"),
            Rule::Enum(allowed) => {
                f.write_str("is not one of ")?;
                for (index, value) in allowed.iter().take(ENUM_PREVIEW_VALUES).enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value:?}")?;
                }
                if allowed.len() > ENUM_PREVIEW_VALUES {
                    write!(f, " and {} more", allowed.len() - ENUM_PREVIEW_VALUES)?;
                }
                Ok(())
            }
            Rule::ControlCharacter => {
                f.write_str("contains a control character (such as CR, LF or NUL)")
            }
            Rule::HeaderName => f.write_str("is not a valid HTTP header name"),
            Rule::Integer => f.write_str("is not an integer"),
            Rule::Url(reason) => write!(f, "is not a valid URL: {reason}"),
            Rule::Encoding => f.write_str("cannot be encoded for the wire"),
        }
    }
}

impl std::error::Error for ValidationError {}

/// The error of one API call. `E` is the documented error body type (e.g. the generated
/// `ApiError`).
#[non_exhaustive]
pub enum Error<E> {
    /// The request was refused before sending: a parameter broke its declared rule.
    InvalidRequest(ValidationError),
    /// The request could not be sent or its response could not be read (connect, timeout,
    /// TLS, body read, body over the size cap...).
    Transport(TransportError),
    /// The server answered a documented error status with a documented body.
    Api {
        /// The response status.
        status: StatusCode,
        /// The decoded error body (boxed, as are the headers: they keep every
        /// `Result` of this error small, so callers' own `Result`s stay cheap
        /// to move and clippy's `result_large_err` stays quiet).
        body: Box<E>,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// The body could not be decoded as the documented type: bytes kept.
    Undecodable {
        /// The response status.
        status: StatusCode,
        /// The response's `Content-Type`, if it had a readable one.
        content_type: Option<String>,
        /// The body exactly as received.
        body: Bytes,
        /// Why decoding failed.
        source: serde_json::Error,
    },
    /// A documented error status whose response the spec gives no body for (or a
    /// body that is not JSON): whatever came is kept.
    Status {
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The body exactly as received.
        body: Bytes,
    },
    /// A status the API does not document.
    UnexpectedStatus {
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The body exactly as received.
        body: Bytes,
    },
}

/// Whether a response with this status is worth sending again later: the server is
/// overloaded or a gateway failed, so the same request may well succeed.
fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

impl<E> Error<E> {
    /// The response status, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) | Error::Transport(_) => None,
            Error::Api { status, .. }
            | Error::Undecodable { status, .. }
            | Error::Status { status, .. }
            | Error::UnexpectedStatus { status, .. } => Some(*status),
        }
    }

    /// Whether sending the same request again may succeed: a connect, timeout or
    /// connection-level transport failure, or a 429, 502, 503 or 504 response.
    ///
    /// This says nothing of idempotency: whether a `POST` may safely be sent twice is
    /// the caller's decision.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::InvalidRequest(_) => false,
            Error::Transport(error) => error.is_retryable(),
            Error::Api { status, .. }
            | Error::Undecodable { status, .. }
            | Error::Status { status, .. }
            | Error::UnexpectedStatus { status, .. } => is_retryable_status(*status),
        }
    }

    /// The undecoded body, where it was kept.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        match self {
            Error::Undecodable { body, .. }
            | Error::Status { body, .. }
            | Error::UnexpectedStatus { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The decoded error body of a documented error status.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The response headers, where they were kept.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::Status { headers, .. }
            | Error::UnexpectedStatus { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// Converts the documented error body, keeping everything else.
    pub fn map_body<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::InvalidRequest(error) => Error::InvalidRequest(error),
            Error::Transport(error) => Error::Transport(error),
            Error::Api {
                status,
                body,
                headers,
            } => Error::Api {
                status,
                body: Box::new(f(*body)),
                headers,
            },
            Error::Undecodable {
                status,
                content_type,
                body,
                source,
            } => Error::Undecodable {
                status,
                content_type,
                body,
                source,
            },
            Error::Status {
                status,
                headers,
                body,
            } => Error::Status {
                status,
                headers,
                body,
            },
            Error::UnexpectedStatus {
                status,
                headers,
                body,
            } => Error::UnexpectedStatus {
                status,
                headers,
                body,
            },
        }
    }
}

impl<E> From<ValidationError> for Error<E> {
    fn from(error: ValidationError) -> Self {
        Error::InvalidRequest(error)
    }
}

impl<E> From<TransportError> for Error<E> {
    fn from(error: TransportError) -> Self {
        Error::Transport(error)
    }
}

/// Headers whose values are credentials and never appear in `Debug` output.
const SENSITIVE_HEADERS: [http::HeaderName; 5] = [
    http::header::AUTHORIZATION,
    http::header::COOKIE,
    http::header::SET_COOKIE,
    http::header::WWW_AUTHENTICATE,
    http::header::PROXY_AUTHORIZATION,
];

/// `Debug` for a header map with credential-bearing values redacted.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || SENSITIVE_HEADERS.contains(name) {
                map.entry(&name.as_str(), &format_args!("<redacted>"));
            } else {
                map.entry(&name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

/// `Debug` for a body: its first bytes (lossy UTF-8, credentials redacted) and
/// its total length.
pub(crate) struct BodyPreview<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for BodyPreview<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.0.len();
        let head = &self.0[..total.min(BODY_PREVIEW_BYTES)];
        let text = String::from_utf8_lossy(head);
        let text = crate::redact::redact_preview(&text);
        if total > BODY_PREVIEW_BYTES {
            write!(f, "{text:?}... ({total} bytes)")
        } else {
            write!(f, "{text:?} ({total} bytes)")
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(error) => f.debug_tuple("InvalidRequest").field(error).finish(),
            Error::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
            Error::Api {
                status,
                body,
                headers,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("body", body)
                .field("headers", &RedactedHeaders(headers))
                .finish(),
            Error::Undecodable {
                status,
                content_type,
                body,
                source,
            } => f
                .debug_struct("Undecodable")
                .field("status", status)
                .field("content_type", content_type)
                .field("body", &BodyPreview(body))
                .field("source", source)
                .finish(),
            Error::Status {
                status,
                headers,
                body,
            } => f
                .debug_struct("Status")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &BodyPreview(body))
                .finish(),
            Error::UnexpectedStatus {
                status,
                headers,
                body,
            } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &BodyPreview(body))
                .finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(error) => write!(f, "request not sent: {error}"),
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Api { status, body, .. } => write!(f, "HTTP {status} from the API: {body}"),
            Error::Undecodable {
                status,
                content_type,
                body,
                source,
            } => {
                write!(f, "HTTP {status} from the API with an undecodable body (")?;
                match content_type {
                    Some(content_type) => write!(f, "{content_type:?}, ")?,
                    None => f.write_str("no content type, ")?,
                }
                write!(f, "{} bytes): {source}", body.len())
            }
            Error::Status { status, body, .. } => write!(
                f,
                "HTTP {status} from the API ({} bytes of body)",
                body.len()
            ),
            Error::UnexpectedStatus { status, body, .. } => write!(
                f,
                "unexpected HTTP {status} from the API ({} bytes of body)",
                body.len()
            ),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::Undecodable { source, .. } => Some(source),
            Error::Api { .. } | Error::Status { .. } | Error::UnexpectedStatus { .. } => None,
        }
    }
}

/// The request could not be sent or its response could not be read.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What sort of failure a [`TransportError`] is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No connection could be made (refused, DNS, TLS handshake...).
    Connect,
    /// The request or the connection took longer than allowed.
    Timeout,
    /// The connection failed while the request or response was under way (reset, closed
    /// early...).
    Io,
    /// The response body was larger than the client accepts.
    BodyTooLarge {
        /// The largest body accepted, in bytes.
        limit: u64,
    },
    /// The credentials were refused where they are exchanged (an OAuth token endpoint), the
    /// exchange gave nothing usable, or they hold characters a header cannot carry (a
    /// bearer token or Digest key with a line break...). A `401` from the API itself is a
    /// response, not this.
    Auth,
    /// The client was configured wrongly: an invalid base URL, header or user agent,
    /// credentials the API declares no scheme for... (No credentials in the environment is
    /// a [`BuildError::Credentials`], not this.)
    Config,
    /// Anything else (an unusable request, a client that could not be built...).
    Other,
}

impl TransportError {
    /// A failure of `kind`, described by `message`, caused by `source` if known.
    pub fn new(
        kind: TransportErrorKind,
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source,
        }
    }

    /// What sort of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The description given when the error was made.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether sending again may succeed: connect, timeout and connection-level failures.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportErrorKind::Connect => f.write_str("connection failed"),
            TransportErrorKind::Timeout => f.write_str("timed out"),
            TransportErrorKind::Io => f.write_str("connection error"),
            TransportErrorKind::BodyTooLarge { limit } => {
                write!(f, "response body larger than the limit of {limit} bytes")
            }
            TransportErrorKind::Auth => f.write_str("authentication failed"),
            TransportErrorKind::Config => f.write_str("invalid client configuration"),
            TransportErrorKind::Other => f.write_str("request failed"),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Why a client could not be made with credentials (a generated `Client::from_env` or
/// `Client::with_credentials`): the credentials themselves, or building the client.
///
/// The two call for different fixes: [`BuildError::Credentials`] means the environment
/// holds no usable credentials (set the variables it names), [`BuildError::Transport`]
/// that the client's configuration was refused (see [`TransportError::kind`]; credentials
/// the API declares no scheme for are [`TransportErrorKind::Config`]).
#[non_exhaustive]
#[derive(Debug)]
pub enum BuildError {
    /// No usable credentials: none in the environment, or only half of a pair.
    Credentials(crate::auth::CredentialsError),
    /// The client could not be built: an invalid configuration, credentials the API
    /// declares no scheme for, or a TLS setup that would not load.
    Transport(TransportError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Credentials(error) => write!(f, "no usable credentials: {error}"),
            BuildError::Transport(error) => write!(f, "the client could not be built: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Credentials(error) => Some(error),
            BuildError::Transport(error) => Some(error),
        }
    }
}

impl From<crate::auth::CredentialsError> for BuildError {
    fn from(error: crate::auth::CredentialsError) -> Self {
        BuildError::Credentials(error)
    }
}

impl From<TransportError> for BuildError {
    fn from(error: TransportError) -> Self {
        BuildError::Transport(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::CredentialsError;
    use std::error::Error as _;

    #[derive(Debug, PartialEq)]
    struct ApiError {
        detail: String,
    }

    impl fmt::Display for ApiError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.detail)
        }
    }

    fn api(status: u16) -> Error<ApiError> {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap(),
            body: Box::new(ApiError {
                detail: "nope".into(),
            }),
            headers: Box::new(HeaderMap::new()),
        }
    }

    fn undecodable(status: u16, body: &[u8]) -> Error<ApiError> {
        Error::Undecodable {
            status: StatusCode::from_u16(status).unwrap(),
            content_type: Some("application/json".into()),
            body: Bytes::copy_from_slice(body),
            source: serde_json::from_slice::<serde_json::Value>(body).unwrap_err(),
        }
    }

    fn unexpected(status: u16) -> Error<ApiError> {
        Error::UnexpectedStatus {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Box::new(HeaderMap::new()),
            body: Bytes::from_static(b"teapot"),
        }
    }

    fn transport(kind: TransportErrorKind) -> Error<ApiError> {
        Error::Transport(TransportError::new(kind, "x", None))
    }

    #[test]
    fn status_is_the_response_status_and_none_when_no_response_came() {
        assert_eq!(api(404).status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(undecodable(200, b"{").status(), Some(StatusCode::OK));
        assert_eq!(unexpected(418).status(), Some(StatusCode::IM_A_TEAPOT));
        assert_eq!(transport(TransportErrorKind::Timeout).status(), None);
        let invalid: Error<ApiError> =
            ValidationError::new("group_id", "abc", Rule::Pattern("^x$")).into();
        assert_eq!(invalid.status(), None);
    }

    #[test]
    fn retryable_errors_are_connection_failures_and_overload_or_gateway_statuses() {
        let table: Vec<(Error<ApiError>, bool)> = vec![
            (transport(TransportErrorKind::Connect), true),
            (transport(TransportErrorKind::Timeout), true),
            (transport(TransportErrorKind::Io), true),
            (
                transport(TransportErrorKind::BodyTooLarge { limit: 1 }),
                false,
            ),
            (transport(TransportErrorKind::Other), false),
            (
                ValidationError::new("x", "y", Rule::ControlCharacter).into(),
                false,
            ),
            (api(429), true),
            (api(502), true),
            (api(503), true),
            (api(504), true),
            (api(500), false),
            (api(400), false),
            (api(401), false),
            (api(404), false),
            (undecodable(503, b"<html>"), true),
            (undecodable(200, b"{"), false),
            (unexpected(429), true),
            (unexpected(418), false),
        ];
        for (error, retryable) in table {
            assert_eq!(error.is_retryable(), retryable, "{error:?}");
        }
    }

    #[test]
    fn debug_redacts_credential_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer s3cret".parse().unwrap(),
        );
        headers.insert(http::header::SET_COOKIE, "session=s3cret".parse().unwrap());
        headers.insert(
            http::header::WWW_AUTHENTICATE,
            "Digest nonce=s3cret".parse().unwrap(),
        );
        headers.insert(http::header::COOKIE, "a=s3cret".parse().unwrap());
        headers.insert(
            http::header::PROXY_AUTHORIZATION,
            "Basic s3cret".parse().unwrap(),
        );
        headers.insert("x-request-id", "abc123".parse().unwrap());
        let error: Error<ApiError> = Error::UnexpectedStatus {
            status: StatusCode::UNAUTHORIZED,
            headers: Box::new(headers.clone()),
            body: Bytes::new(),
        };
        let shown = format!("{error:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("abc123"), "{shown}");
        let api: Error<ApiError> = Error::Api {
            status: StatusCode::UNAUTHORIZED,
            body: Box::new(ApiError {
                detail: "no".into(),
            }),
            headers: Box::new(headers),
        };
        assert!(!format!("{api:?}").contains("s3cret"));
    }

    #[test]
    fn debug_shows_only_the_start_of_a_large_body_and_its_length() {
        let body = vec![b'a'; 10 * 1024];
        let error: Error<ApiError> = Error::UnexpectedStatus {
            status: StatusCode::BAD_GATEWAY,
            headers: Box::new(HeaderMap::new()),
            body: Bytes::from(body),
        };
        let shown = format!("{error:?}");
        assert!(shown.len() < 1024, "{} characters shown", shown.len());
        assert!(shown.contains(&"a".repeat(512)));
        assert!(!shown.contains(&"a".repeat(513)));
        assert!(shown.contains("10240 bytes"), "{shown}");
    }

    #[test]
    fn debug_of_a_body_cut_inside_a_utf8_character_does_not_fail() {
        let mut body = vec![b'a'; 511];
        body.extend_from_slice("é".as_bytes());
        let shown = format!("{:?}", BodyPreview(&body));
        assert!(shown.contains("513 bytes"), "{shown}");
    }

    #[test]
    fn display_is_one_line_naming_the_status_and_the_body() {
        assert_eq!(
            api(404).to_string(),
            "HTTP 404 Not Found from the API: nope"
        );
        assert_eq!(
            unexpected(418).to_string(),
            "unexpected HTTP 418 I'm a teapot from the API (6 bytes of body)"
        );
        let shown = undecodable(200, b"{").to_string();
        assert!(
            shown.starts_with("HTTP 200 OK from the API with an undecodable body (\"application/json\", 1 bytes): "),
            "{shown}"
        );
    }

    #[test]
    fn validation_error_display_names_role_value_and_rule() {
        let error = ValidationError::new("group_id", "abc", Rule::Pattern("^([a-f0-9]{24})$"));
        assert_eq!(
            error.to_string(),
            "invalid group_id \"abc\": does not match the pattern ^([a-f0-9]{24})$"
        );
        let cases = [
            (Rule::Minimum(1), "is less than the minimum 1"),
            (Rule::Maximum(500), "is greater than the maximum 500"),
            (Rule::MinLength(1), "is shorter than the minimum length 1"),
            (Rule::MaxLength(64), "is longer than the maximum length 64"),
            (Rule::Enum(&["A", "B"]), "is not one of \"A\", \"B\""),
            (
                Rule::ControlCharacter,
                "contains a control character (such as CR, LF or NUL)",
            ),
            (Rule::Url("no host".into()), "is not a valid URL: no host"),
        ];
        for (rule, message) in cases {
            let shown = ValidationError::new("v", "x", rule).to_string();
            assert_eq!(shown, format!("invalid v \"x\": {message}"));
        }
    }

    #[test]
    fn validation_error_escapes_control_characters_and_truncates_long_values() {
        let error = ValidationError::new("name", "a\r\nb", Rule::ControlCharacter);
        assert!(error.to_string().starts_with("invalid name \"a\\r\\nb\": "));
        let long = "x".repeat(250);
        let shown = ValidationError::new("name", long.clone(), Rule::MaxLength(64)).to_string();
        assert!(
            shown.contains(&format!("\"{}\"... (250 characters)", "x".repeat(100))),
            "{shown}"
        );
        assert_eq!(
            ValidationError::new("name", long.clone(), Rule::MaxLength(64)).value(),
            long
        );
    }

    #[test]
    fn a_long_enum_list_is_cut_short() {
        static ALLOWED: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        let shown = Rule::Enum(&ALLOWED).to_string();
        assert!(shown.ends_with("\"j\" and 2 more"), "{shown}");
    }

    #[test]
    fn map_body_converts_only_the_documented_body() {
        let mapped = api(400).map_body(|body| body.detail.len());
        assert_eq!(mapped.api_body(), Some(&4));
        let kept = unexpected(418).map_body(|body| body.detail.len());
        assert_eq!(kept.body_bytes(), Some(&b"teapot"[..]));
    }

    #[test]
    fn error_sources_chain_to_the_cause() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let error: Error<ApiError> = Error::Transport(TransportError::new(
            TransportErrorKind::Io,
            "reading the body",
            Some(Box::new(inner)),
        ));
        let transport = error.source().unwrap();
        assert_eq!(transport.to_string(), "connection error: reading the body");
        assert_eq!(transport.source().unwrap().to_string(), "reset");
        assert!(undecodable(200, b"{").source().is_some());
    }

    #[test]
    fn the_body_too_large_kind_names_its_limit() {
        let error = TransportError::new(TransportErrorKind::BodyTooLarge { limit: 10 }, "", None);
        assert_eq!(
            error.to_string(),
            "response body larger than the limit of 10 bytes"
        );
        assert!(!error.is_retryable());
    }

    #[test]
    fn missing_credentials_are_a_credentials_error_not_a_transport_error() {
        fn from_env(found: Result<(), CredentialsError>) -> Result<(), BuildError> {
            found?;
            Ok(())
        }
        let error = from_env(Err(CredentialsError::Missing)).unwrap_err();
        assert!(
            matches!(error, BuildError::Credentials(CredentialsError::Missing)),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with("no usable credentials: "),
            "{error}"
        );
        let source = error.source().unwrap();
        assert_eq!(source.to_string(), CredentialsError::Missing.to_string());
        assert!(source.downcast_ref::<CredentialsError>().is_some());
    }

    #[test]
    fn a_client_that_cannot_be_built_is_a_transport_error_keeping_its_kind() {
        let error = BuildError::from(TransportError::new(
            TransportErrorKind::Config,
            "bad base_url",
            None,
        ));
        match &error {
            BuildError::Transport(transport) => {
                assert_eq!(transport.kind(), TransportErrorKind::Config)
            }
            other => panic!("expected Transport, got {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "the client could not be built: invalid client configuration: bad base_url"
        );
        assert!(error
            .source()
            .unwrap()
            .downcast_ref::<TransportError>()
            .is_some());
    }
}
