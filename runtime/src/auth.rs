//! Authentication: the security schemes a spec declares, the credentials a user holds, and
//! (feature `client`) the authenticators that answer them.
//!
//! - [`SecurityScheme`]: what the spec's `components.securitySchemes` allow; generated crates
//!   emit them as a constant for [`crate::client::ClientBuilder::security_schemes`].
//! - [`Credentials`]: an API key pair, a service account, or a bearer token, from code or
//!   from the environment the Atlas tools use ([`Credentials::from_env`]).
//! - [`Authenticate`] (feature `client`): the seam the client authorizes each request
//!   through, with [`DigestAuth`] (HTTP Digest, RFC 7616 with MD5 and `qop=auth`, as Atlas
//!   answers API keys), [`ServiceAccountAuth`] (OAuth 2.0 client credentials with a cached,
//!   single-flight refreshed token) and [`BearerToken`] (a token obtained elsewhere).
//!
//! Secrets never appear in `Debug` or `Display` output, and every `Authorization` header
//! these authenticators set is marked sensitive.

use std::fmt;
#[cfg(feature = "client")]
use std::future::Future;
#[cfg(feature = "client")]
use std::pin::Pin;

#[cfg(feature = "client")]
use bytes::Bytes;

#[cfg(feature = "client")]
use crate::error::TransportError;

#[cfg(feature = "client")]
mod bearer;
#[cfg(feature = "client")]
mod digest;
#[cfg(feature = "client")]
mod oauth;

#[cfg(feature = "client")]
pub use bearer::BearerToken;
#[cfg(feature = "client")]
pub use digest::DigestAuth;
#[cfg(feature = "client")]
pub use oauth::ServiceAccountAuth;

#[cfg(feature = "client")]
/// A boxed future that can be sent between threads, as [`Authenticate`]'s methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[cfg(feature = "client")]
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

/// The environment variable holding a service account's client id.
pub const ENV_CLIENT_ID: &str = "MONGODB_ATLAS_CLIENT_ID";
/// The environment variable holding a service account's client secret.
pub const ENV_CLIENT_SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
/// The environment variable holding an API key's public key (the Digest user name).
pub const ENV_PUBLIC_API_KEY: &str = "MONGODB_ATLAS_PUBLIC_API_KEY";
/// The environment variable holding an API key's private key (the Digest password).
pub const ENV_PRIVATE_API_KEY: &str = "MONGODB_ATLAS_PRIVATE_API_KEY";

/// One security scheme an API declares (OpenAPI `components.securitySchemes`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `type: http`, `scheme: digest`.
    HttpDigest,
    /// `type: http`, `scheme: basic`.
    HttpBasic,
    /// `type: http`, `scheme: bearer`.
    HttpBearer,
    /// `type: oauth2` with a `clientCredentials` flow.
    OAuth2ClientCredentials {
        /// The flow's `tokenUrl`, as the spec writes it. Only its path is used: it is
        /// joined onto the client's base URL, so a base-URL override moves it too.
        token_url: &'static str,
    },
    /// `type: apiKey`, `in: header`.
    ApiKeyHeader {
        /// The header's name.
        name: &'static str,
    },
}

/// What a user authenticates with. `Debug` shows the public key or client id and redacts
/// the private key, client secret and token.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// An Atlas programmatic API key, sent with HTTP Digest: the public key is the user
    /// name, the private key the password.
    ApiKey {
        /// The public key.
        public_key: String,
        /// The private key (secret).
        private_key: String,
    },
    /// An Atlas service account, exchanged for a bearer token with the OAuth 2.0 client
    /// credentials flow.
    ServiceAccount {
        /// The client id.
        client_id: String,
        /// The client secret (secret).
        client_secret: String,
    },
    /// An access token obtained elsewhere, sent as `Authorization: Bearer <token>`.
    Bearer(String),
}

impl Credentials {
    /// An API key pair (HTTP Digest).
    pub fn api_key(public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        Credentials::ApiKey {
            public_key: public_key.into(),
            private_key: private_key.into(),
        }
    }

    /// A service account (OAuth 2.0 client credentials).
    pub fn service_account(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// A bearer access token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer(token.into())
    }

    /// Credentials from the environment the Atlas tools use: a service account from
    /// `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET` if either is set, else an
    /// API key from `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY`.
    ///
    /// An empty variable counts as unset. Fails, naming the variables, when none is set or
    /// only one of a pair is.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Credentials::from_env`], reading each variable with `lookup` instead (for tests,
    /// or a configuration file mapped onto the same names).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let read = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let pair = |first: &'static str, second: &'static str| match (read(first), read(second)) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (Some(_), None) => Err(CredentialsError::Incomplete {
                set: first,
                missing: second,
            }),
            (None, Some(_)) => Err(CredentialsError::Incomplete {
                set: second,
                missing: first,
            }),
            (None, None) => Ok(None),
        };
        if let Some((client_id, client_secret)) = pair(ENV_CLIENT_ID, ENV_CLIENT_SECRET)? {
            return Ok(Credentials::ServiceAccount {
                client_id,
                client_secret,
            });
        }
        if let Some((public_key, private_key)) = pair(ENV_PUBLIC_API_KEY, ENV_PRIVATE_API_KEY)? {
            return Ok(Credentials::ApiKey {
                public_key,
                private_key,
            });
        }
        Err(CredentialsError::Missing)
    }

    /// What kind of credentials these are, in words, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::ApiKey { .. } => "an API key (HTTP Digest)",
            Credentials::ServiceAccount { .. } => {
                "a service account (OAuth 2.0 client credentials)"
            }
            Credentials::Bearer(_) => "a bearer token",
        }
    }

    /// The scheme these credentials answer, among `schemes` (in the spec's order of
    /// preference); `None` if the API declares none they fit.
    pub fn matching_scheme(&self, schemes: &[SecurityScheme]) -> Option<SecurityScheme> {
        schemes.iter().copied().find(|scheme| {
            matches!(
                (self, scheme),
                (Credentials::ApiKey { .. }, SecurityScheme::HttpDigest)
                    | (
                        Credentials::ServiceAccount { .. },
                        SecurityScheme::OAuth2ClientCredentials { .. }
                    )
                    | (
                        Credentials::Bearer(_),
                        SecurityScheme::HttpBearer | SecurityScheme::OAuth2ClientCredentials { .. }
                    )
            )
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey { public_key, .. } => f
                .debug_struct("ApiKey")
                .field("public_key", public_key)
                .field("private_key", &Redacted)
                .finish(),
            Credentials::ServiceAccount { client_id, .. } => f
                .debug_struct("ServiceAccount")
                .field("client_id", client_id)
                .field("client_secret", &Redacted)
                .finish(),
            Credentials::Bearer(_) => f.debug_tuple("Bearer").field(&Redacted).finish(),
        }
    }
}

/// Shows `<redacted>` in place of a secret.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// No usable credentials in the environment.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialsError {
    /// None of the four variables is set.
    Missing,
    /// One variable of a pair is set, its partner is not.
    Incomplete {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Missing => write!(
                f,
                "no Atlas credentials in the environment: set {ENV_CLIENT_ID} and \
                 {ENV_CLIENT_SECRET} (a service account), or {ENV_PUBLIC_API_KEY} and \
                 {ENV_PRIVATE_API_KEY} (an API key)"
            ),
            CredentialsError::Incomplete { set, missing } => {
                write!(f, "{set} is set but {missing} is not: set both, or neither")
            }
        }
    }
}

impl std::error::Error for CredentialsError {}

/// The URL of an OAuth token endpoint for a client at `base_url`: the path (and query) of
/// the spec's `token_url` joined onto the base URL, so the token is asked of the same
/// server the API calls go to.
pub fn token_url_on(base_url: &crate::request::BaseUrl, token_url: &str) -> String {
    let after_scheme = token_url
        .split_once("://")
        .map_or(token_url, |(_, rest)| rest);
    let path = match after_scheme.find(['/', '?']) {
        // An absolute URL: what follows the authority. A bare path is taken whole.
        Some(index) if token_url.contains("://") => &after_scheme[index..],
        None if token_url.contains("://") => "/",
        _ => token_url,
    };
    let mut url = base_url.as_str().to_owned();
    if !path.starts_with('/') {
        url.push('/');
    }
    url.push_str(path);
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::BaseUrl;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_environment_prefers_a_service_account_over_an_api_key() {
        let found = Credentials::from_lookup(lookup(&[
            (ENV_CLIENT_ID, "id"),
            (ENV_CLIENT_SECRET, "secret"),
            (ENV_PUBLIC_API_KEY, "pub"),
            (ENV_PRIVATE_API_KEY, "priv"),
        ]))
        .unwrap();
        assert_eq!(found, Credentials::service_account("id", "secret"));
    }

    #[test]
    fn the_environment_gives_an_api_key_when_no_service_account_is_set() {
        let found = Credentials::from_lookup(lookup(&[
            (ENV_CLIENT_ID, ""),
            (ENV_PUBLIC_API_KEY, "pub"),
            (ENV_PRIVATE_API_KEY, "priv"),
        ]))
        .unwrap();
        assert_eq!(found, Credentials::api_key("pub", "priv"));
    }

    #[test]
    fn no_credentials_in_the_environment_is_an_error_naming_all_four_variables() {
        let error = Credentials::from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(error, CredentialsError::Missing);
        let message = error.to_string();
        for name in [
            ENV_CLIENT_ID,
            ENV_CLIENT_SECRET,
            ENV_PUBLIC_API_KEY,
            ENV_PRIVATE_API_KEY,
        ] {
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn half_a_pair_in_the_environment_is_an_error_naming_the_missing_variable() {
        let error = Credentials::from_lookup(lookup(&[(ENV_PRIVATE_API_KEY, "priv")])).unwrap_err();
        assert_eq!(
            error,
            CredentialsError::Incomplete {
                set: ENV_PRIVATE_API_KEY,
                missing: ENV_PUBLIC_API_KEY
            }
        );
        assert!(error.to_string().contains(ENV_PUBLIC_API_KEY));
        assert!(!error.to_string().contains("priv\""));
        let error = Credentials::from_lookup(lookup(&[
            (ENV_CLIENT_ID, "id"),
            (ENV_PUBLIC_API_KEY, "pub"),
            (ENV_PRIVATE_API_KEY, "priv"),
        ]))
        .unwrap_err();
        assert!(error.to_string().contains(ENV_CLIENT_SECRET));
    }

    #[test]
    fn credentials_debug_redacts_every_secret() {
        let shown = format!(
            "{:?} {:?} {:?}",
            Credentials::api_key("pub-key", "s3cret-1"),
            Credentials::service_account("client-id", "s3cret-2"),
            Credentials::bearer("s3cret-3"),
        );
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("pub-key") && shown.contains("client-id"),
            "{shown}"
        );
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn each_kind_of_credentials_matches_its_scheme_in_the_declared_order() {
        const ATLAS: &[SecurityScheme] = &[
            SecurityScheme::HttpDigest,
            SecurityScheme::OAuth2ClientCredentials {
                token_url: "https://cloud.mongodb.com/api/oauth/token",
            },
        ];
        assert_eq!(
            Credentials::api_key("a", "b").matching_scheme(ATLAS),
            Some(SecurityScheme::HttpDigest)
        );
        assert_eq!(
            Credentials::service_account("a", "b").matching_scheme(ATLAS),
            Some(ATLAS[1])
        );
        assert_eq!(
            Credentials::bearer("t").matching_scheme(ATLAS),
            Some(ATLAS[1])
        );
        assert_eq!(
            Credentials::api_key("a", "b").matching_scheme(&[SecurityScheme::HttpBearer]),
            None
        );
        assert_eq!(Credentials::bearer("t").matching_scheme(&[]), None);
    }

    #[test]
    fn the_token_url_path_is_joined_onto_the_base_url() {
        let base = BaseUrl::parse("http://127.0.0.1:4010/prefix").unwrap();
        assert_eq!(
            token_url_on(&base, "https://cloud.mongodb.com/api/oauth/token"),
            "http://127.0.0.1:4010/prefix/api/oauth/token"
        );
        assert_eq!(
            token_url_on(&base, "/api/oauth/token"),
            "http://127.0.0.1:4010/prefix/api/oauth/token"
        );
        assert_eq!(
            token_url_on(&BaseUrl::atlas(), "https://cloud.mongodb.com"),
            "https://cloud.mongodb.com/"
        );
        assert_eq!(
            token_url_on(&BaseUrl::atlas(), "https://x.test?a=1"),
            "https://cloud.mongodb.com/?a=1"
        );
    }
}
