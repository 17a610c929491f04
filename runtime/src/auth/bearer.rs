//! Bearer token authentication: an access token obtained elsewhere.

use std::fmt;

use http::header::{HeaderValue, AUTHORIZATION};

use super::{Authenticate, BoxFuture};
use crate::error::{TransportError, TransportErrorKind};

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
            // An unusable credential, as Digest and OAuth class theirs.
            Err(_) => Err(TransportError::new(
                TransportErrorKind::Auth,
                "the bearer token holds characters not allowed in a header",
                None,
            )),
        };
        Box::pin(std::future::ready(result))
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
        assert_eq!(error.kind(), TransportErrorKind::Auth);
        assert!(!error.is_retryable());
        assert!(request.headers().get(AUTHORIZATION).is_none());
    }
}
