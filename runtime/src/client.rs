//! A ready async HTTP client on reqwest, with seams for authentication, retries and
//! per-request hooks.
//!
//! The client sends the sans-IO requests built by [`crate::request::build_request`] and
//! hands back the status, headers and whole body for the generated parse functions.
//!
//! Each request is sent in attempts (the [`RetryPolicy`] decides on another after a
//! failure); each attempt is one exchange, or two when the [`Authenticate`]r answers a
//! challenge (Digest) or renews a refused token (OAuth). Every attempt runs in a `tracing`
//! span named `atlas_request` with the method, path, attempt number and final status.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use tracing::Instrument as _;

use crate::auth::{Credentials, DigestAuth, SecurityScheme, ServiceAccountAuth};
use crate::error::{Error, TransportError, TransportErrorKind, ValidationError};
use crate::request::BaseUrl;
use crate::response::ResponseValue;
use crate::retry::ExponentialBackoff;

// The seams' traits live with what they are about: authentication in `auth`, retries in
// `retry`. Named here too, where they were first, so `client::Authenticate` and the like
// keep working.
pub use crate::auth::{Authenticate, BearerToken, BoxFuture};
pub use crate::retry::{Attempt, NoRetry, RetryPolicy};

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

/// Hook seam: sees every exchange the client makes (each attempt, and the extra round of
/// an authentication challenge), for tracing, metrics or headers of your own.
pub trait RequestHook: Send + Sync + 'static {
    /// Called before the request is authorized and sent; may change it (add a header...).
    fn on_request(&self, request: &mut http::Request<Vec<u8>>) {
        let _ = request;
    }

    /// Called with the request as sent (credentials in it are marked sensitive: keep them
    /// out of logs) and what came back.
    fn on_response(
        &self,
        request: &http::Request<Vec<u8>>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) {
        let _ = (request, outcome);
    }
}

/// A ready async HTTP client for the API. Cheap to clone: clones share connections.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: BaseUrl,
    auth: Option<Arc<dyn Authenticate>>,
    retry: Option<Arc<dyn RetryPolicy>>,
    hooks: Arc<[Arc<dyn RequestHook>]>,
    headers: http::HeaderMap,
    max_body_bytes: u64,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    /// The user agent set on the builder, which replaces the one a request carries.
    user_agent_override: Option<HeaderValue>,
}

/// How the builder was told to authenticate; the last call wins.
enum AuthConfig {
    None,
    Custom(Arc<dyn Authenticate>),
    Credentials(Credentials),
}

/// Configures a [`Client`]. Defaults: base URL `https://cloud.mongodb.com`, connect timeout
/// 10 s, whole-request timeout 60 s, body cap 64 MiB, no authentication, no declared
/// security schemes, retries by [`ExponentialBackoff::default`] (idempotent requests only).
pub struct ClientBuilder {
    base_url: Result<BaseUrl, ValidationError>,
    connect_timeout: Duration,
    timeout: Duration,
    max_body_bytes: u64,
    auth: AuthConfig,
    security_schemes: &'static [SecurityScheme],
    retry: Option<Arc<dyn RetryPolicy>>,
    hooks: Vec<Arc<dyn RequestHook>>,
    headers: Vec<(String, String)>,
    user_agent: String,
    user_agent_set: bool,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: Ok(BaseUrl::atlas()),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            auth: AuthConfig::None,
            security_schemes: &[],
            retry: Some(Arc::new(ExponentialBackoff::default())),
            hooks: Vec::new(),
            headers: Vec::new(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            user_agent_set: false,
            http: None,
        }
    }
}

/// A configuration error, reported by [`ClientBuilder::build`].
fn config_error(message: impl Into<String>) -> TransportError {
    TransportError::new(TransportErrorKind::Config, message, None)
}

impl ClientBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the API is served.
    pub fn base_url(mut self, base_url: BaseUrl) -> Self {
        self.base_url = Ok(base_url);
        self
    }

    /// Where the API is served, as text (`https://host[:port][/prefix]`); if it is not a
    /// valid base URL, [`ClientBuilder::build`] fails saying why.
    pub fn base_url_str(mut self, base_url: &str) -> Self {
        self.base_url = BaseUrl::parse(base_url);
        self
    }

    /// The time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one whole exchange, reading the body included (default 60 s).
    /// Each attempt of a retried request gets this time anew.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 64 MiB); a larger one fails
    /// with [`TransportErrorKind::BodyTooLarge`], without being read whole.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The security schemes the API declares (a generated crate's `SECURITY_SCHEMES`),
    /// which [`ClientBuilder::credentials`] are matched against.
    pub fn security_schemes(mut self, schemes: &'static [SecurityScheme]) -> Self {
        self.security_schemes = schemes;
        self
    }

    /// Authenticates with `credentials`, by the declared security scheme they fit: an API
    /// key by HTTP Digest, a service account by OAuth 2.0 client credentials (the token URL's
    /// path joined onto the base URL), a bearer token by `HttpBearer` or OAuth 2.0.
    /// [`ClientBuilder::build`] fails if the API declares no scheme they fit. Replaces an
    /// earlier [`ClientBuilder::authenticate`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.auth = AuthConfig::Credentials(credentials);
        self
    }

    /// Authenticates each request with `auth`, whatever the declared schemes. Replaces
    /// earlier [`ClientBuilder::credentials`].
    pub fn authenticate(mut self, auth: impl Authenticate) -> Self {
        self.auth = AuthConfig::Custom(Arc::new(auth));
        self
    }

    /// Retries as `policy` decides (at most 10 attempts in all), instead of the default
    /// [`ExponentialBackoff`].
    pub fn retry_policy(mut self, policy: impl RetryPolicy) -> Self {
        self.retry = Some(Arc::new(policy));
        self
    }

    /// Never retries.
    pub fn no_retries(mut self) -> Self {
        self.retry = None;
        self
    }

    /// Calls `hook` around every exchange; hooks run in the order added.
    pub fn request_hook(mut self, hook: impl RequestHook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Sends this header with every request, replacing a header of the same name the
    /// request would carry (e.g. `Prefer`, or a tracing id); [`ClientBuilder::build`] fails
    /// if the name or value cannot be a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `User-Agent` the client reports. Set here, it replaces the one each request
    /// carries (a generated crate's own); otherwise a request's is kept, and
    /// `atlas-runtime/<version>` is sent only for requests that carry none.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self.user_agent_set = true;
        self
    }

    /// Sends with this reqwest client (for a proxy or custom TLS, say) instead of one
    /// built here; the builder's timeouts then do not apply, the client's own do.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Fails with [`TransportErrorKind::Config`] if the base URL, the
    /// user agent or an extra header is invalid, or the credentials fit no declared scheme,
    /// and with [`TransportErrorKind::Other`] if the TLS setup cannot be loaded.
    pub fn build(self) -> Result<Client, TransportError> {
        let base_url = self.base_url.map_err(|error| {
            TransportError::new(
                TransportErrorKind::Config,
                error.to_string(),
                Some(Box::new(error)),
            )
        })?;
        let user_agent_header = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| config_error("the user agent is not a valid header value"))?;
        let mut headers = http::HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| config_error(format!("{name:?} is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                config_error(format!(
                    "the value for header {name} is not a valid header value"
                ))
            })?;
            headers.insert(name, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .user_agent(user_agent_header.clone())
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
        let auth = match self.auth {
            AuthConfig::None => None,
            AuthConfig::Custom(auth) => Some(auth),
            AuthConfig::Credentials(credentials) => Some(authenticator_for(
                credentials,
                self.security_schemes,
                &base_url,
                &http,
            )?),
        };
        Ok(Client {
            http,
            base_url,
            auth,
            retry: self.retry,
            hooks: self.hooks.into(),
            headers,
            max_body_bytes: self.max_body_bytes,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            user_agent: self.user_agent,
            user_agent_override: self.user_agent_set.then(|| user_agent_header.clone()),
        })
    }
}

/// The authenticator for `credentials` under the first declared scheme they fit.
fn authenticator_for(
    credentials: Credentials,
    schemes: &[SecurityScheme],
    base_url: &BaseUrl,
    http: &reqwest::Client,
) -> Result<Arc<dyn Authenticate>, TransportError> {
    let Some(scheme) = credentials.matching_scheme(schemes) else {
        let declared = if schemes.is_empty() {
            "none (set them with ClientBuilder::security_schemes)".to_owned()
        } else {
            format!("{schemes:?}")
        };
        return Err(config_error(format!(
            "the API declares no security scheme for {}; declared: {declared}",
            credentials.kind()
        )));
    };
    Ok(match (credentials, scheme) {
        (
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            },
            SecurityScheme::OAuth2ClientCredentials { token_url },
        ) => Arc::new(ServiceAccountAuth::with_http_client(
            crate::auth::token_url_on(base_url, token_url),
            client_id,
            client_secret,
            http.clone(),
        )),
        (
            Credentials::ApiKey {
                public_key,
                private_key,
            },
            _,
        ) => Arc::new(DigestAuth::new(public_key, private_key)),
        (Credentials::Bearer(token), _) => Arc::new(BearerToken::new(token)),
        (credentials, scheme) => {
            return Err(config_error(format!(
                "{} cannot be used with {scheme:?}",
                credentials.kind()
            )))
        }
    })
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            AuthConfig::None => "none",
            AuthConfig::Custom(_) => "custom",
            AuthConfig::Credentials(credentials) => credentials.kind(),
        };
        // Extra headers are shown by name only: one may carry a credential.
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("authenticate", &auth)
            .field("security_schemes", &self.security_schemes)
            .field("retry_policy", &self.retry.is_some())
            .field("request_hooks", &self.hooks.len())
            .field("headers", &header_names)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authenticator is not shown: it holds credentials.
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("authenticate", &self.auth.is_some())
            .field("retry_policy", &self.retry.is_some())
            .field("request_hooks", &self.hooks.len())
            .field("headers", &header_names)
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

    /// The time allowed to open a connection (unless a reqwest client of your own was given).
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time allowed for one exchange (unless a reqwest client of your own was given).
    pub fn timeout(&self) -> Duration {
        self.timeout
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
        let started = Instant::now();
        let mut number: u32 = 1;
        loop {
            let span = tracing::info_span!(
                "atlas_request",
                http.method = %request.method(),
                url.path = request.uri().path(),
                attempt = number,
                http.status = tracing::field::Empty,
                error = tracing::field::Empty,
            );
            let outcome = self.attempt(&request).instrument(span.clone()).await;
            match &outcome {
                Ok(response) => {
                    span.record("http.status", response.status().as_u16());
                }
                Err(error) => {
                    span.record("error", tracing::field::display(error));
                }
            }
            let attempt = Attempt::new(number, request.method(), started.elapsed());
            let delay = match &self.retry {
                Some(policy) if number < MAX_ATTEMPTS => policy.retry_after(&attempt, &outcome),
                _ => None,
            };
            match delay {
                Some(delay) => {
                    tracing::debug!(
                        parent: &span,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    number += 1;
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

    /// Sends a built request (or returns its validation error as
    /// [`Error::InvalidRequest`], sending nothing) and decodes the response with
    /// `parse`. Generated clients call this from plain functions, so an
    /// operation adds no async state machine of its own to compile.
    pub async fn call<T, E>(
        &self,
        request: Result<http::Request<Vec<u8>>, crate::error::ValidationError>,
        parse: impl FnOnce(http::Response<Bytes>) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let request = request.map_err(Error::InvalidRequest)?;
        self.execute(request, parse).await
    }

    /// As [`Client::call`], but the value comes back as a [`ResponseValue`] with the
    /// response's status and headers, taken before `parse` runs: for rate-limit headers,
    /// a `Location`, a request id to quote, or which documented success status was sent.
    /// A failure keeps them in the error already ([`Error::status`], [`Error::headers`]).
    ///
    /// With a generated client, pass its request and parse function as it does itself:
    ///
    /// ```ignore
    /// let runtime = client.runtime();
    /// let job = runtime
    ///     .call_with_metadata(request.to_request(runtime.base_url()), |response| {
    ///         request.parse_response(response)
    ///     })
    ///     .await?;
    /// println!("{} {:?}", job.status(), job.headers().get("x-request-id"));
    /// ```
    pub async fn call_with_metadata<T, E>(
        &self,
        request: Result<http::Request<Vec<u8>>, crate::error::ValidationError>,
        parse: impl FnOnce(http::Response<Bytes>) -> Result<T, Error<E>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let request = request.map_err(Error::InvalidRequest)?;
        let response = self.send(request).await?;
        crate::response::with_metadata(response, parse)
    }

    /// One attempt: extra headers and hooks, authorize, exchange, and at most one more
    /// round if the authenticator answered a challenge.
    async fn attempt(
        &self,
        original: &http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let mut answered_challenge = false;
        loop {
            let mut request = original.clone();
            if let Some(user_agent) = &self.user_agent_override {
                request
                    .headers_mut()
                    .insert(http::header::USER_AGENT, user_agent.clone());
            }
            for (name, value) in &self.headers {
                request.headers_mut().insert(name, value.clone());
            }
            for hook in self.hooks.iter() {
                hook.on_request(&mut request);
            }
            if let Some(auth) = &self.auth {
                auth.authorize(&mut request).await?;
            }
            let outcome = self.exchange(request.clone()).await;
            for hook in self.hooks.iter() {
                hook.on_response(&request, &outcome);
            }
            let response = outcome?;
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
    fn the_builder_defaults_are_atlas_sane_timeouts_and_backoff_retries() {
        let client = Client::builder().build().unwrap();
        assert_eq!(client.base_url(), &BaseUrl::atlas());
        assert_eq!(client.max_body_bytes(), 64 * 1024 * 1024);
        assert_eq!(client.connect_timeout(), Duration::from_secs(10));
        assert_eq!(client.timeout(), Duration::from_secs(60));
        assert!(client.user_agent().starts_with("atlas-runtime/"));
        assert!(client.retry.is_some());
        assert!(client.auth.is_none());
        assert!(Client::builder()
            .no_retries()
            .build()
            .unwrap()
            .retry
            .is_none());
    }

    #[test]
    fn timeouts_and_the_body_cap_are_configurable() {
        let client = Client::builder()
            .connect_timeout(Duration::from_millis(250))
            .timeout(Duration::from_secs(3))
            .max_body_bytes(1024)
            .build()
            .unwrap();
        assert_eq!(client.connect_timeout(), Duration::from_millis(250));
        assert_eq!(client.timeout(), Duration::from_secs(3));
        assert_eq!(client.max_body_bytes(), 1024);
    }

    const ATLAS_SCHEMES: &[SecurityScheme] = &[
        SecurityScheme::HttpDigest,
        SecurityScheme::OAuth2ClientCredentials {
            token_url: "https://cloud.mongodb.com/api/oauth/token",
        },
    ];

    #[test]
    fn credentials_pick_the_declared_scheme_they_fit() {
        for credentials in [
            Credentials::api_key("pub", "priv"),
            Credentials::service_account("id", "secret"),
            Credentials::bearer("token"),
        ] {
            let client = Client::builder()
                .security_schemes(ATLAS_SCHEMES)
                .credentials(credentials)
                .build()
                .unwrap();
            assert!(client.auth.is_some());
        }
    }

    #[test]
    fn credentials_without_a_declared_scheme_they_fit_are_refused_at_build() {
        let error = Client::builder()
            .security_schemes(&[SecurityScheme::HttpBearer])
            .credentials(Credentials::api_key("pub", "s3cret"))
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Config);
        assert!(error.to_string().contains("API key"), "{error}");
        assert!(!error.to_string().contains("s3cret"), "{error}");
        let error = Client::builder()
            .credentials(Credentials::service_account("id", "s3cret"))
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("security_schemes"), "{error}");
    }

    #[test]
    fn the_last_of_credentials_and_authenticate_wins() {
        let client = Client::builder()
            .credentials(Credentials::api_key("pub", "priv"))
            .authenticate(BearerToken::new("t"))
            .build()
            .unwrap();
        assert!(client.auth.is_some());
    }

    #[test]
    fn an_invalid_base_url_or_extra_header_is_refused_at_build() {
        let error = Client::builder()
            .base_url_str("ftp://x")
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Config);
        assert!(error.to_string().contains("base_url"), "{error}");
        let client = Client::builder()
            .base_url_str("http://127.0.0.1:4010/")
            .build()
            .unwrap();
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:4010");
        for (name, value) in [("Bad Name", "v"), ("X-Ok", "a\nb")] {
            let error = Client::builder()
                .with_header(name, value)
                .build()
                .unwrap_err();
            assert_eq!(error.kind(), TransportErrorKind::Config, "{name}");
        }
    }

    #[test]
    fn client_debug_shows_extra_header_names_but_not_their_values() {
        let client = Client::builder()
            .with_header("X-Api-Token", "s3cret")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(
            shown.contains("x-api-token") && !shown.contains("s3cret"),
            "{shown}"
        );
        let shown = format!(
            "{:?}",
            Client::builder()
                .with_header("X-Api-Token", "s3cret")
                .credentials(Credentials::api_key("pub", "s3cret"))
        );
        assert!(!shown.contains("s3cret"), "{shown}");
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
        assert_eq!(error.kind(), TransportErrorKind::Config);
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
}
