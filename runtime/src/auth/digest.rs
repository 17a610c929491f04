//! HTTP Digest authentication (RFC 7616, as Atlas uses it: MD5, `qop=auth`).
//!
//! The first request goes out without credentials; the server's `401` carries a
//! `WWW-Authenticate: Digest` challenge (realm, nonce, opaque, qop, algorithm), which is
//! kept. Later requests answer the kept nonce straight away with an increasing nonce count
//! and a fresh client nonce, so the handshake costs one round trip per nonce, not per
//! request. A `401` that carries a new challenge (`stale=true` when the nonce merely
//! expired) replaces the kept one and the request is sent once more.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use http::StatusCode;
use md5::{Digest as _, Md5};

use super::Redacted;
use super::{Authenticate, BoxFuture};
use crate::error::{TransportError, TransportErrorKind};

/// HTTP Digest authentication with a user name and password (for Atlas: the public and
/// private halves of an API key). Cheap to share: one kept challenge serves all requests.
pub struct DigestAuth {
    username: String,
    password: String,
    session: Mutex<Option<Session>>,
}

/// The challenge being answered and how many requests answered it so far.
#[derive(Clone, Debug)]
struct Session {
    challenge: Challenge,
    nonce_count: u32,
}

/// The parts of a `Digest` challenge the answer needs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// Whether the server offered `qop=auth` (else the RFC 2069 form is answered).
    qop_auth: bool,
    /// Whether the server wrote `algorithm=` (it is then echoed).
    algorithm_named: bool,
    stale: bool,
}

/// The digest algorithms answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Md5Sess,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
        }
    }
}

impl DigestAuth {
    /// Digest authentication as `username` with `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            session: Mutex::new(None),
        }
    }

    /// The `Authorization` value answering the kept challenge for `request`, if one is kept.
    fn answer(&self, request: &http::Request<Vec<u8>>) -> Option<String> {
        let (challenge, nonce_count) = {
            let mut guard = self.session.lock().unwrap_or_else(PoisonError::into_inner);
            let session = guard.as_mut()?;
            session.nonce_count = session.nonce_count.wrapping_add(1);
            (session.challenge.clone(), session.nonce_count)
        };
        let uri = request
            .uri()
            .path_and_query()
            .map_or("/", |path| path.as_str());
        Some(authorization(
            &self.username,
            &self.password,
            &challenge,
            request.method().as_str(),
            uri,
            nonce_count,
            &client_nonce(),
        ))
    }

    /// Keeps `challenge` as the one to answer from now on.
    fn keep(&self, challenge: Challenge) {
        let mut guard = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        *guard = Some(Session {
            challenge,
            nonce_count: 0,
        });
    }
}

impl fmt::Debug for DigestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let answering = self
            .session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("DigestAuth")
            .field("username", &self.username)
            .field("password", &Redacted)
            .field("challenge_kept", &answering)
            .finish()
    }
}

impl Authenticate for DigestAuth {
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        let result = match self.answer(request) {
            // Without a kept challenge the request goes out bare and the 401 starts the
            // handshake.
            None => Ok(()),
            Some(value) => match HeaderValue::from_str(&value) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    request.headers_mut().insert(AUTHORIZATION, value);
                    Ok(())
                }
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Auth,
                    "the Digest credentials or challenge hold characters not allowed in a header",
                    None,
                )),
            },
        };
        Box::pin(std::future::ready(result))
    }

    fn on_response<'a>(
        &'a self,
        _request: &'a http::Request<Vec<u8>>,
        response: &'a http::Response<Bytes>,
    ) -> BoxFuture<'a, bool> {
        let again = if response.status() == StatusCode::UNAUTHORIZED {
            match digest_challenge(response.headers()) {
                Some(challenge) => {
                    if challenge.stale {
                        tracing::debug!("the Digest nonce is stale; answering the new one");
                    } else {
                        tracing::debug!("answering a Digest challenge");
                    }
                    self.keep(challenge);
                    true
                }
                None => false,
            }
        } else {
            false
        };
        Box::pin(std::future::ready(again))
    }
}

/// The first `Digest` challenge in the response's `WWW-Authenticate` headers that this
/// client can answer (MD5 or MD5-sess; `qop` absent or offering `auth`).
fn digest_challenge(headers: &http::HeaderMap) -> Option<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(parse_challenges)
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("digest"))
        .find_map(|(_, params)| challenge_from(&params))
}

fn challenge_from(params: &[(String, String)]) -> Option<Challenge> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    let algorithm = match get("algorithm") {
        None => Algorithm::Md5,
        Some(name) if name.eq_ignore_ascii_case("MD5") => Algorithm::Md5,
        Some(name) if name.eq_ignore_ascii_case("MD5-sess") => Algorithm::Md5Sess,
        Some(_) => return None,
    };
    let qop_auth = match get("qop") {
        None => false,
        Some(offered) => {
            if offered
                .split(',')
                .any(|qop| qop.trim().eq_ignore_ascii_case("auth"))
            {
                true
            } else {
                // Only auth-int (body integrity) is offered: not answered here.
                return None;
            }
        }
    };
    Some(Challenge {
        realm: get("realm")?.to_owned(),
        nonce: get("nonce")?.to_owned(),
        opaque: get("opaque").map(str::to_owned),
        algorithm,
        qop_auth,
        algorithm_named: get("algorithm").is_some(),
        stale: get("stale").is_some_and(|stale| stale.eq_ignore_ascii_case("true")),
    })
}

/// Splits a `WWW-Authenticate` value into its challenges: each a scheme and its
/// `name=value` parameters (quoted values unescaped). Malformed tails are dropped.
fn parse_challenges(value: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut challenges: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            break;
        }
        let (token, after) = split_token(rest);
        if token.is_empty() {
            break;
        }
        let after_spaces = after.trim_start_matches([' ', '\t']);
        if let Some(after_equals) = after_spaces.strip_prefix('=') {
            // A parameter of the current challenge.
            let (value, after_value) = parse_value(after_equals.trim_start_matches([' ', '\t']));
            let Some(value) = value else { break };
            if let Some((_, params)) = challenges.last_mut() {
                params.push((token.to_owned(), value));
            }
            rest = after_value;
        } else {
            // A new challenge's scheme.
            challenges.push((token.to_owned(), Vec::new()));
            rest = after;
        }
    }
    challenges
}

/// Splits off a leading HTTP token.
fn split_token(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)))
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Reads a parameter value: a quoted string (backslash escapes undone) or a token.
fn parse_value(s: &str) -> (Option<String>, &str) {
    if let Some(quoted) = s.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '"' => return (Some(value), &quoted[index + 1..]),
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => return (None, ""),
                },
                c => value.push(c),
            }
        }
        (None, "")
    } else {
        let (token, rest) = split_token(s);
        if token.is_empty() {
            (None, rest)
        } else {
            (Some(token.to_owned()), rest)
        }
    }
}

/// The `Authorization` value answering `challenge` for a request of `method` to `uri`.
fn authorization(
    username: &str,
    password: &str,
    challenge: &Challenge,
    method: &str,
    uri: &str,
    nonce_count: u32,
    cnonce: &str,
) -> String {
    let nc = format!("{nonce_count:08x}");
    let mut ha1 = md5_hex(&format!("{username}:{}:{password}", challenge.realm));
    if challenge.algorithm == Algorithm::Md5Sess {
        ha1 = md5_hex(&format!("{ha1}:{}:{cnonce}", challenge.nonce));
    }
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let response = if challenge.qop_auth {
        md5_hex(&format!(
            "{ha1}:{}:{nc}:{cnonce}:auth:{ha2}",
            challenge.nonce
        ))
    } else {
        md5_hex(&format!("{ha1}:{}:{ha2}", challenge.nonce))
    };
    let mut value = format!(
        "Digest username={}, realm={}, nonce={}, uri={}, response=\"{response}\"",
        quote(username),
        quote(&challenge.realm),
        quote(&challenge.nonce),
        quote(uri),
    );
    if challenge.algorithm_named || challenge.algorithm == Algorithm::Md5Sess {
        value.push_str(", algorithm=");
        value.push_str(challenge.algorithm.name());
    }
    if challenge.qop_auth {
        value.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(opaque) = &challenge.opaque {
        value.push_str(", opaque=");
        value.push_str(&quote(opaque));
    }
    value
}

/// `s` as an HTTP quoted string.
fn quote(s: &str) -> String {
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

fn md5_hex(s: &str) -> String {
    let digest = Md5::digest(s.as_bytes());
    let mut hex = String::with_capacity(32);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// A fresh client nonce: 128 bits from the standard library's randomly keyed hasher, mixed
/// with a process-wide counter so no two are alike.
fn client_nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut words = [0u64; 2];
    for (index, word) in words.iter_mut().enumerate() {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_usize(index);
        *word = hasher.finish();
    }
    format!("{:016x}{:016x}", words[0], words[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(qop: bool) -> Challenge {
        Challenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            algorithm: Algorithm::Md5,
            qop_auth: qop,
            algorithm_named: false,
            stale: false,
        }
    }

    #[test]
    fn the_answer_matches_the_worked_example_of_rfc_2617() {
        // RFC 2617 section 3.5: Mufasa / "Circle Of Life".
        let value = authorization(
            "Mufasa",
            "Circle Of Life",
            &challenge(true),
            "GET",
            "/dir/index.html",
            1,
            "0a4f113b",
        );
        assert_eq!(
            value,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
             response=\"6629fae49393a05397450978507c4ef1\", qop=auth, nc=00000001, \
             cnonce=\"0a4f113b\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    #[test]
    fn without_qop_the_rfc_2069_answer_is_given() {
        let value = authorization("u", "p", &challenge(false), "GET", "/x", 1, "c");
        let expected = md5_hex(&format!(
            "{}:dcd98b7102dd2f0e8b11d0f600bfb0c093:{}",
            md5_hex("u:testrealm@host.com:p"),
            md5_hex("GET:/x")
        ));
        assert!(
            value.contains(&format!("response=\"{expected}\"")),
            "{value}"
        );
        assert!(!value.contains("nc="), "{value}");
    }

    #[test]
    fn md5_sess_hashes_the_nonces_into_ha1_and_names_the_algorithm() {
        let mut sess = challenge(true);
        sess.algorithm = Algorithm::Md5Sess;
        let value = authorization("u", "p", &sess, "GET", "/x", 2, "cn");
        let ha1 = md5_hex(&format!(
            "{}:{}:cn",
            md5_hex("u:testrealm@host.com:p"),
            sess.nonce
        ));
        let expected = md5_hex(&format!(
            "{ha1}:{}:00000002:cn:auth:{}",
            sess.nonce,
            md5_hex("GET:/x")
        ));
        assert!(
            value.contains(&format!("response=\"{expected}\"")),
            "{value}"
        );
        assert!(value.contains("algorithm=MD5-sess"), "{value}");
    }

    #[test]
    fn challenges_are_parsed_from_apache_and_multi_scheme_headers() {
        let parsed = parse_challenges(
            r#"Digest realm="Atlas", nonce="GKPhRFZhBgA=87dd", algorithm=MD5, qop="auth""#,
        );
        assert_eq!(parsed.len(), 1);
        let found = challenge_from(&parsed[0].1).unwrap();
        assert_eq!(found.realm, "Atlas");
        assert_eq!(found.nonce, "GKPhRFZhBgA=87dd");
        assert!(found.qop_auth && found.algorithm_named && !found.stale);

        let parsed = parse_challenges(
            r#"Basic realm="a, b", Digest realm="r\"q", nonce=abc, qop="auth,auth-int", stale=TRUE, opaque="o""#,
        );
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].0, "Basic");
        assert_eq!(parsed[0].1, vec![("realm".to_owned(), "a, b".to_owned())]);
        let found = challenge_from(&parsed[1].1).unwrap();
        assert_eq!(found.realm, "r\"q");
        assert_eq!(found.nonce, "abc");
        assert_eq!(found.opaque.as_deref(), Some("o"));
        assert!(found.qop_auth && found.stale);
    }

    #[test]
    fn challenges_that_cannot_be_answered_are_skipped() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Digest realm="r", nonce="n1", algorithm=SHA-512-256"#),
        );
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Digest realm="r", nonce="n2", qop="auth-int""#),
        );
        assert_eq!(digest_challenge(&headers), None);
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Digest realm="r", nonce="n3", algorithm=MD5"#),
        );
        assert_eq!(digest_challenge(&headers).unwrap().nonce, "n3");
        assert!(challenge_from(&[("nonce".into(), "n".into())]).is_none());
        assert!(parse_challenges(r#"Digest realm="unterminated"#)[0]
            .1
            .is_empty());
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn client_nonces_are_32_hex_digits_and_differ() {
        let a = client_nonce();
        let b = client_nonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    fn unauthorized(challenge: &'static str) -> http::Response<Bytes> {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        response
    }

    fn get(uri: &str) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(Vec::new());
        *request.uri_mut() = uri.parse().unwrap();
        request
    }

    #[tokio::test]
    async fn nonce_counts_increase_on_one_nonce_and_restart_on_a_new_one() {
        let auth = DigestAuth::new("pub", "priv");
        let mut first = get("http://h/a?x=1");
        auth.authorize(&mut first).await.unwrap();
        assert!(first.headers().get(AUTHORIZATION).is_none());
        assert!(
            auth.on_response(
                &first,
                &unauthorized(r#"Digest realm="r", nonce="n1", qop="auth""#)
            )
            .await
        );
        for expected in ["nc=00000001", "nc=00000002"] {
            let mut request = get("http://h/a?x=1");
            auth.authorize(&mut request).await.unwrap();
            let value = &request.headers()[AUTHORIZATION];
            assert!(value.is_sensitive());
            let text = value.to_str().unwrap();
            assert!(
                text.contains(expected) && text.contains("nonce=\"n1\""),
                "{text}"
            );
            assert!(text.contains("uri=\"/a?x=1\""), "{text}");
        }
        assert!(
            auth.on_response(
                &first,
                &unauthorized(r#"Digest realm="r", nonce="n2", qop="auth", stale=true"#)
            )
            .await
        );
        let mut request = get("http://h/a");
        auth.authorize(&mut request).await.unwrap();
        let text = request.headers()[AUTHORIZATION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            text.contains("nonce=\"n2\"") && text.contains("nc=00000001"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_401_without_a_digest_challenge_or_a_success_asks_for_nothing() {
        let auth = DigestAuth::new("pub", "priv");
        let request = get("http://h/a");
        assert!(!auth.on_response(&request, &unauthorized("Bearer")).await);
        assert!(
            !auth
                .on_response(&request, &http::Response::new(Bytes::new()))
                .await
        );
    }

    #[test]
    fn digest_debug_hides_the_password() {
        let shown = format!("{:?}", DigestAuth::new("pub", "s3cret"));
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("pub"), "{shown}");
    }
}
