//! OAuth 2.0 client credentials (RFC 6749 section 4.4), as Atlas service accounts use it.
//!
//! The token is asked for with `POST <token URL>`, the client id and secret in HTTP Basic
//! (each form-encoded first, as section 2.3.1 says) and `grant_type=client_credentials` as
//! a form body. It is kept until shortly before `expires_in` runs out; when it must be
//! renewed, one caller asks for it while the others wait for that answer (no thundering
//! herd). A `401` to a request carrying the kept token drops it, and the request is sent
//! once more with a new one.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::StatusCode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;

use super::Redacted;
use super::{Authenticate, BoxFuture};
use crate::error::{TransportError, TransportErrorKind};

/// The most bytes of a token response read.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;
/// How long a token is kept when the server does not say (`expires_in` absent).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The longest margin before expiry at which a token is renewed.
const MAX_RENEWAL_MARGIN: Duration = Duration::from_secs(60);
/// Time allowed for a token request when this authenticator builds its own HTTP client.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// What `application/x-www-form-urlencoded` leaves as is (`*-._` and alphanumerics).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// OAuth 2.0 client credentials authentication for a service account: fetches, keeps and
/// renews an access token and sends it as `Authorization: Bearer`.
pub struct ServiceAccountAuth {
    token_url: String,
    client_id: String,
    client_secret: String,
    http: reqwest::Client,
    /// The token in use; read without waiting.
    current: Mutex<Option<Arc<Token>>>,
    /// Held by the one caller renewing the token.
    renewal: tokio::sync::Mutex<()>,
}

/// A kept access token.
struct Token {
    /// `Bearer <token>`, marked sensitive.
    header: HeaderValue,
    /// When to stop using it and renew.
    renew_at: Instant,
}

/// The fields of a successful token response this client reads.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: String,
    expires_in: Option<u64>,
}

/// The fields of an error response (RFC 6749 section 5.2).
#[derive(Deserialize)]
struct TokenError {
    error: String,
    error_description: Option<String>,
}

impl ServiceAccountAuth {
    /// Authenticates as the service account `client_id` / `client_secret`, asking
    /// `token_url` (a full URL) for tokens with an HTTP client of its own.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, TransportError> {
        let http = reqwest::Client::builder()
            .timeout(TOKEN_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                TransportError::new(
                    TransportErrorKind::Config,
                    format!("the HTTP client for tokens could not be built: {error}"),
                    Some(Box::new(error)),
                )
            })?;
        Ok(Self::with_http_client(
            token_url,
            client_id,
            client_secret,
            http,
        ))
    }

    /// As [`ServiceAccountAuth::new`], asking for tokens with `http` (its timeouts apply).
    pub fn with_http_client(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        http: reqwest::Client,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            http,
            current: Mutex::new(None),
            renewal: tokio::sync::Mutex::new(()),
        }
    }

    /// Where tokens are asked for.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The kept token if it is still fresh.
    fn fresh(&self) -> Option<Arc<Token>> {
        let guard = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|token| Instant::now() < token.renew_at)
            .cloned()
    }

    /// A fresh token: the kept one, or a new one asked for by exactly one caller at a time.
    async fn token(&self) -> Result<Arc<Token>, TransportError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _renewing = self.renewal.lock().await;
        // Whoever held the lock before may have renewed it meanwhile.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let token = Arc::new(self.request_token().await?);
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&token));
        Ok(token)
    }

    /// Drops the kept token if it is the one `used` carried; true if `used` carried a
    /// bearer token at all (so a retry with a renewed one makes sense).
    fn forget(&self, used: Option<&HeaderValue>) -> bool {
        let Some(used) = used else { return false };
        if !used.as_bytes().starts_with(b"Bearer ") {
            return false;
        }
        let mut guard = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if guard.as_ref().is_some_and(|token| token.header == used) {
            *guard = None;
        }
        true
    }

    /// Asks the token endpoint for a new token.
    async fn request_token(&self) -> Result<Token, TransportError> {
        tracing::debug!(token_url = %self.token_url, "requesting an OAuth access token");
        let username = utf8_percent_encode(&self.client_id, FORM).to_string();
        let password = utf8_percent_encode(&self.client_secret, FORM).to_string();
        let asked_at = Instant::now();
        let mut response = self
            .http
            .post(&self.token_url)
            .basic_auth(username, Some(password))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|error| token_transport_error(&self.token_url, error))?;
        let status = response.status();
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| token_transport_error(&self.token_url, error))?
        {
            if body.len().saturating_add(chunk.len()) > MAX_TOKEN_RESPONSE_BYTES {
                return Err(auth_error(format!(
                    "the token endpoint's answer is larger than {MAX_TOKEN_RESPONSE_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        parse_token_response(status, &body.freeze(), asked_at)
    }
}

/// A failure to reach the token endpoint, of the kind the failure was.
fn token_transport_error(url: &str, error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Io
    };
    TransportError::new(
        kind,
        format!("the token endpoint {url} could not be reached: {error}"),
        Some(Box::new(error)),
    )
}

fn auth_error(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::Auth, message, None)
}

/// Reads a token response: a usable bearer token, or an error saying why not (never
/// quoting the token or the secret).
fn parse_token_response(
    status: StatusCode,
    body: &Bytes,
    asked_at: Instant,
) -> Result<Token, TransportError> {
    if !status.is_success() {
        let reason = match serde_json::from_slice::<TokenError>(body) {
            Ok(TokenError {
                error,
                error_description: Some(description),
            }) => format!("{error}: {description}"),
            Ok(TokenError { error, .. }) => error,
            Err(_) => "no OAuth error in the body".to_owned(),
        };
        return Err(auth_error(format!(
            "the token endpoint refused the service account ({status}): {reason}"
        )));
    }
    let parsed: TokenResponse = serde_json::from_slice(body).map_err(|error| {
        auth_error(format!(
            "the token endpoint's answer is not a token response: {error}"
        ))
    })?;
    if !parsed.token_type.eq_ignore_ascii_case("bearer") {
        return Err(auth_error(format!(
            "the token endpoint issued a {:?} token; only bearer tokens are supported",
            parsed.token_type
        )));
    }
    let mut header =
        HeaderValue::from_str(&format!("Bearer {}", parsed.access_token)).map_err(|_| {
            auth_error("the issued token holds characters not allowed in a header".to_owned())
        })?;
    header.set_sensitive(true);
    let lifetime = parsed
        .expires_in
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok(Token {
        header,
        renew_at: asked_at + lifetime.saturating_sub(renewal_margin(lifetime)),
    })
}

/// How long before expiry a token is renewed: a tenth of its lifetime, at most a minute,
/// so a request never leaves with a token about to lapse on the way.
fn renewal_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_RENEWAL_MARGIN)
}

impl fmt::Debug for ServiceAccountAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("ServiceAccountAuth")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted)
            .field("token_kept", &kept)
            .finish()
    }
}

impl Authenticate for ServiceAccountAuth {
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async move {
            let token = self.token().await?;
            request
                .headers_mut()
                .insert(AUTHORIZATION, token.header.clone());
            Ok(())
        })
    }

    fn on_response<'a>(
        &'a self,
        request: &'a http::Request<Vec<u8>>,
        response: &'a http::Response<Bytes>,
    ) -> BoxFuture<'a, bool> {
        let again = response.status() == StatusCode::UNAUTHORIZED
            && self.forget(request.headers().get(AUTHORIZATION));
        if again {
            tracing::debug!("the access token was refused; renewing it once");
        }
        Box::pin(std::future::ready(again))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> Result<Token, TransportError> {
        parse_token_response(
            StatusCode::OK,
            &Bytes::from(body.to_owned()),
            Instant::now(),
        )
    }

    #[test]
    fn a_token_response_gives_a_sensitive_bearer_header_renewed_before_expiry() {
        let asked_at = Instant::now();
        let token = parse_token_response(
            StatusCode::OK,
            &Bytes::from_static(
                br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
            ),
            asked_at,
        )
        .ok()
        .unwrap();
        assert_eq!(token.header, "Bearer abc");
        assert!(token.header.is_sensitive());
        assert_eq!(token.renew_at - asked_at, Duration::from_secs(3540));
    }

    #[test]
    fn short_lived_tokens_are_renewed_a_tenth_of_their_life_early() {
        assert_eq!(
            renewal_margin(Duration::from_secs(2)),
            Duration::from_millis(200)
        );
        assert_eq!(
            renewal_margin(Duration::from_secs(36000)),
            MAX_RENEWAL_MARGIN
        );
    }

    #[test]
    fn a_token_without_expires_in_is_kept_for_the_default_lifetime() {
        let before = Instant::now();
        let token = ok(r#"{"access_token":"abc","token_type":"bearer"}"#).unwrap();
        assert!(token.renew_at >= before + Duration::from_secs(269));
    }

    #[test]
    fn refusals_and_unusable_answers_are_auth_errors_without_secrets() {
        let refused = parse_token_response(
            StatusCode::UNAUTHORIZED,
            &Bytes::from_static(br#"{"error":"invalid_client","error_description":"bad secret"}"#),
            Instant::now(),
        )
        .err()
        .unwrap();
        assert_eq!(refused.kind(), TransportErrorKind::Auth);
        assert!(
            refused.to_string().contains("invalid_client: bad secret"),
            "{refused}"
        );
        for body in [
            r#"{"access_token":"s3cret","token_type":"mac"}"#,
            r#"{"token_type":"Bearer"}"#,
            r#"{"access_token":"s3cret\n","token_type":"Bearer"}"#,
            "not json",
        ] {
            let error = ok(body).err().unwrap();
            assert_eq!(error.kind(), TransportErrorKind::Auth, "{body}");
            assert!(!error.to_string().contains("s3cret"), "{error}");
        }
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_auth() {
        assert_eq!(
            utf8_percent_encode("mdb_sa_id:a b/é", FORM).to_string(),
            "mdb_sa_id%3Aa%20b%2F%C3%A9"
        );
    }

    #[test]
    fn service_account_debug_hides_the_secret() {
        let auth = ServiceAccountAuth::new("http://127.0.0.1:9/t", "id", "s3cret").unwrap();
        let shown = format!("{auth:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("id"), "{shown}");
    }

    #[tokio::test]
    async fn a_401_drops_the_token_it_carried_and_asks_for_one_more_round() {
        let auth = ServiceAccountAuth::new("http://127.0.0.1:9/t", "id", "s").unwrap();
        let token = Arc::new(
            ok(r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#).unwrap(),
        );
        *auth.current.lock().unwrap() = Some(Arc::clone(&token));
        let mut request = http::Request::new(Vec::new());
        auth.authorize(&mut request).await.unwrap();
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer abc");
        let mut refused = http::Response::new(Bytes::new());
        *refused.status_mut() = StatusCode::UNAUTHORIZED;
        assert!(auth.on_response(&request, &refused).await);
        assert!(auth.fresh().is_none());
        let bare = http::Request::new(Vec::new());
        assert!(!auth.on_response(&bare, &refused).await);
    }
}
