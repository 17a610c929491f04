//! A ready async HTTP client on reqwest, with seams for authentication and retries.
//!
//! The client sends the sans-IO requests built by [`crate::request::build_request`] and
//! hands back the status, headers and whole body for the generated parse functions.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH};

use crate::error::{Error, TransportError, TransportErrorKind};
use crate::request::BaseUrl;

/// A boxed future that can be sent between threads, as the seams' methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The most attempts one [`Client::send`] makes, whatever the retry policy says.
const MAX_ATTEMPTS: u32 = 10;
/// The default cap on a response body: far above any documented Atlas response, far
/// below what would hurt the process.
const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// The default time allowed to open a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for a whole exchange, body included.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The most body bytes reserved up front on the strength of a `Content-Length`.
const MAX_PREALLOCATION: u64 = 1024 * 1024;
/// The default `User-Agent`.
const DEFAULT_USER_AGENT: &str = concat!("atlas-runtime/", env!("CARGO_PKG_VERSION"));

/// Authentication seam: called before each attempt, and told about each response so a
/// challenge-response scheme (Digest) or a token refresh can ask for one more attempt.
pub trait Authenticate: Send + Sync + 'static {
    /// Adds credentials to `request` before it is sent.
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>>;

    /// Sees the response to `request` (as authorized). Return true to re-send the request
    /// once more (e.g. after a 401 challenge was answered); asked at most once per attempt.
    fn on_response<'a>(
        &'a self,
        request: &'a http::Request<Vec<u8>>,
        response: &'a http::Response<Bytes>,
    ) -> BoxFuture<'a, bool> {
        let _ = (request, response);
        Box::pin(std::future::ready(false))
    }
}

/// Retry seam: decides whether and when to retry an attempt's outcome.
pub trait RetryPolicy: Send + Sync + 'static {
    /// After attempt number `attempt` (1 for the first) ended with `outcome`, how long to
    /// wait before the next attempt; `None` stops and returns `outcome`.
    ///
    /// Whether a non-idempotent request (a `POST`) may be sent twice is for the policy to
    /// weigh: a timeout does not say whether the server acted on it.
    fn retry_after(
        &self,
        attempt: u32,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration>;
}

/// The policy that never retries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn retry_after(
        &self,
        _attempt: u32,
        _outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration> {
        None
    }
}

/// Bearer token authentication: sets `Authorization: Bearer <token>` on each request.
#[derive(Clone)]
pub struct BearerToken(String);

impl BearerToken {
    /// Authenticates with `token` (e.g. a service account's access token).
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

impl Authenticate for BearerToken {
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        let result = match HeaderValue::from_str(&format!("Bearer {}", self.0)) {
            Ok(mut value) => {
                // Keeps the token out of logs of the header map made by http-aware tools.
                value.set_sensitive(true);
                request.headers_mut().insert(AUTHORIZATION, value);
                Ok(())
            }
            // The message leaves the token out: it is a secret.
            Err(_) => Err(TransportError::new(
                TransportErrorKind::Other,
                "the bearer token holds characters not allowed in a header",
                None,
            )),
        };
        Box::pin(std::future::ready(result))
    }
}

/// A ready async HTTP client for the API. Cheap to clone: clones share connections.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: BaseUrl,
    auth: Option<Arc<dyn Authenticate>>,
    retry: Option<Arc<dyn RetryPolicy>>,
    max_body_bytes: u64,
    user_agent: String,
}

/// Configures a [`Client`]. Defaults: base URL `https://cloud.mongodb.com`, connect timeout
/// 10 s, whole-request timeout 60 s, body cap 64 MiB, no authentication, no retries.
pub struct ClientBuilder {
    base_url: BaseUrl,
    connect_timeout: Duration,
    timeout: Duration,
    max_body_bytes: u64,
    auth: Option<Arc<dyn Authenticate>>,
    retry: Option<Arc<dyn RetryPolicy>>,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: BaseUrl::atlas(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            auth: None,
            retry: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the API is served.
    pub fn base_url(mut self, base_url: BaseUrl) -> Self {
        self.base_url = base_url;
        self
    }

    /// The time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one whole exchange, reading the body included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 64 MiB); a larger one fails
    /// with [`TransportErrorKind::BodyTooLarge`].
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Authenticates each request with `auth`.
    pub fn authenticate(mut self, auth: impl Authenticate) -> Self {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// Retries as `policy` decides (at most 10 attempts in all).
    pub fn retry_policy(mut self, policy: impl RetryPolicy) -> Self {
        self.retry = Some(Arc::new(policy));
        self
    }

    /// Never retries (the default).
    pub fn no_retries(mut self) -> Self {
        self.retry = None;
        self
    }

    /// The `User-Agent` the client reports (default `atlas-runtime/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends with this reqwest client (for a proxy or custom TLS, say) instead of one
    /// built here; the builder's timeouts then do not apply, the client's own do.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client; fails if the user agent is not a valid header value or the TLS
    /// setup cannot be loaded.
    pub fn build(self) -> Result<Client, TransportError> {
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|error| {
            TransportError::new(
                TransportErrorKind::Other,
                "the user agent is not a valid header value",
                Some(Box::new(error)),
            )
        })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .user_agent(user_agent)
                // A redirect would be followed with the request's credentials to wherever
                // it points; the API does not redirect, so a 3xx is reported instead.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| {
                    TransportError::new(
                        TransportErrorKind::Other,
                        format!("the HTTP client could not be built: {}", describe(&error)),
                        Some(Box::new(error)),
                    )
                })?,
        };
        Ok(Client {
            http,
            base_url: self.base_url,
            auth: self.auth,
            retry: self.retry,
            max_body_bytes: self.max_body_bytes,
            user_agent: self.user_agent,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("authenticate", &self.auth.is_some())
            .field("retry_policy", &self.retry.is_some())
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authenticator is not shown: it holds credentials.
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("authenticate", &self.auth.is_some())
            .field("retry_policy", &self.retry.is_some())
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Where the API is served.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The `User-Agent` the client reports, for [`crate::request::RequestParts::user_agent`].
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_bytes
    }

    /// Sends one sans-IO request; returns the status, headers and the whole body (read in
    /// chunks, refused with [`TransportErrorKind::BodyTooLarge`] as soon as it would exceed
    /// the cap, or up front if `Content-Length` does).
    ///
    /// Each attempt is authorized, and the authenticator may ask for one more round after
    /// seeing the response; the retry policy then decides on another attempt, up to 10.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let mut attempt: u32 = 1;
        loop {
            let outcome = self.attempt(&request).await;
            let delay = match &self.retry {
                Some(policy) if attempt < MAX_ATTEMPTS => policy.retry_after(attempt, &outcome),
                _ => None,
            };
            match delay {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }

    /// Sends `request` and hands the response to `parse` (a generated parse function),
    /// turning a transport failure into [`Error::Transport`].
    pub async fn execute<T, E>(
        &self,
        request: http::Request<Vec<u8>>,
        parse: impl FnOnce(http::Response<Bytes>) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let response = self.send(request).await?;
        parse(response)
    }

    /// One attempt: authorize, exchange, and at most one more round if the authenticator
    /// answered a challenge.
    async fn attempt(
        &self,
        original: &http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let mut answered_challenge = false;
        loop {
            let mut request = original.clone();
            if let Some(auth) = &self.auth {
                auth.authorize(&mut request).await?;
            }
            let response = self.exchange(request.clone()).await?;
            if let Some(auth) = &self.auth {
                if !answered_challenge && auth.on_response(&request, &response).await {
                    answered_challenge = true;
                    continue;
                }
            }
            return Ok(response);
        }
    }

    /// Sends the request over reqwest and reads the whole body within the cap.
    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = reqwest::Request::try_from(request).map_err(|error| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("the request could not be sent: {}", describe(&error)),
                Some(Box::new(error)),
            )
        })?;
        let mut response = self.http.execute(request).await.map_err(from_reqwest)?;
        let limit = self.max_body_bytes;
        let too_large = |seen: &str| {
            TransportError::new(
                TransportErrorKind::BodyTooLarge { limit },
                format!("the response body {seen} more than {limit} bytes"),
                None,
            )
        };
        let declared = declared_length(response.headers());
        if declared.is_some_and(|length| length > limit) {
            return Err(too_large("declares"));
        }
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let capacity = declared.unwrap_or(0).min(MAX_PREALLOCATION);
        let mut body = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
            let length = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if length > limit {
                return Err(too_large("holds"));
            }
            body.extend_from_slice(&chunk);
        }
        let mut out = http::Response::new(body.freeze());
        *out.status_mut() = status;
        *out.version_mut() = version;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// The `Content-Length` a response declares, if it declares a readable one.
fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

/// A reqwest error as a transport error of the matching kind.
fn from_reqwest(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() || root_io_kind(&error) == Some(std::io::ErrorKind::TimedOut) {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_body()
        || error.is_decode()
        || error.is_request()
        || root_io_kind(&error).is_some()
    {
        // The connection failed mid-exchange (reset, closed early, malformed framing).
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, describe(&error), Some(Box::new(error)))
}

/// The kind of the first I/O error in `error`'s chain of causes.
fn root_io_kind(error: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = current.source();
    }
    None
}

/// An error and its innermost cause, on one line: reqwest's own message rarely says why.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut root = error.source();
    while let Some(next) = root.and_then(|cause| cause.source()) {
        root = Some(next);
    }
    match root {
        Some(root) => format!("{error}: {root}"),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_debug_hides_the_token() {
        let token = BearerToken::new("s3cret");
        assert_eq!(format!("{token:?}"), "BearerToken(<redacted>)");
    }

    #[tokio::test]
    async fn bearer_token_sets_a_sensitive_authorization_header() {
        let mut request = http::Request::new(Vec::new());
        BearerToken::new("tok")
            .authorize(&mut request)
            .await
            .unwrap();
        let value = &request.headers()[AUTHORIZATION];
        assert_eq!(value, "Bearer tok");
        assert!(value.is_sensitive());
    }

    #[tokio::test]
    async fn a_bearer_token_that_cannot_be_a_header_fails_without_showing_it() {
        let mut request = http::Request::new(Vec::new());
        let error = BearerToken::new("s3cret\r\n")
            .authorize(&mut request)
            .await
            .unwrap_err();
        assert!(!error.to_string().contains("s3cret"));
        assert!(request.headers().get(AUTHORIZATION).is_none());
    }

    #[test]
    fn the_builder_defaults_are_atlas_and_no_retries() {
        let client = Client::builder().build().unwrap();
        assert_eq!(client.base_url(), &BaseUrl::atlas());
        assert_eq!(client.max_body_bytes(), 64 * 1024 * 1024);
        assert!(client.user_agent().starts_with("atlas-runtime/"));
        assert!(client.retry.is_none());
    }

    #[test]
    fn client_debug_does_not_show_credentials() {
        let client = Client::builder()
            .authenticate(BearerToken::new("s3cret"))
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("authenticate: true"), "{shown}");
    }

    #[test]
    fn an_invalid_user_agent_is_refused_at_build() {
        let error = Client::builder().user_agent("a\nb").build().unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Other);
    }

    #[test]
    fn declared_length_reads_content_length_and_ignores_garbage() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(declared_length(&headers), None);
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("42"));
        assert_eq!(declared_length(&headers), Some(42));
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("x"));
        assert_eq!(declared_length(&headers), None);
    }

    #[test]
    fn no_retry_never_retries() {
        let outcome = Err(TransportError::new(TransportErrorKind::Timeout, "", None));
        assert_eq!(NoRetry.retry_after(1, &outcome), None);
    }
}
