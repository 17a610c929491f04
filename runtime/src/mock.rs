//! Typed test doubles (feature `mock`): the plumbing the generated `mock` module of a
//! crate builds on. A [`Server`] is an in-process HTTP server on `127.0.0.1` ([`wiremock`]
//! underneath); an [`Expect`] describes the requests one operation's mock answers, by the
//! operation's path, query, headers, `Accept` media type and body, and mounts the answer.
//!
//! The generated crate wraps both in typed builders, one per operation, whose setters take
//! the operation's parameter types and whose answers take its model types, encoded by
//! their own `Serialize` impls: what a mock sends is what the client decodes.
//!
//! A request that no mock matches is answered `501 Not Implemented` with a text body that
//! names it and lists the mounted mocks; the server remembers it, and dropping the server
//! (or [`Server::verify`]) fails the test that sent it. Expectations set with
//! [`Expect::expect`] are checked the same way.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use percent_encoding::percent_decode_str;
use serde::Serialize;

use crate::BaseUrl;

pub use wiremock;

use wiremock::{Match, Mock, ResponseTemplate, Times};

/// The status a request no mock matches is answered with.
pub const UNMATCHED_STATUS: u16 = 501;

/// What the server remembers: the mocks mounted and the requests none matched.
#[derive(Default)]
struct Log {
    mounted: Vec<String>,
    unmatched: Vec<String>,
}

/// A mock HTTP server on `127.0.0.1`, on a port of its own, stopped when dropped.
pub struct Server {
    inner: wiremock::MockServer,
    log: Arc<Mutex<Log>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("uri", &self.inner.uri())
            .finish()
    }
}

impl Server {
    /// Starts a server on `127.0.0.1`, on a free port. Needs a Tokio runtime.
    ///
    /// # Panics
    ///
    /// When no port on `127.0.0.1` can be bound.
    pub async fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("the mock server cannot bind 127.0.0.1: {e}"));
        let inner = wiremock::MockServer::builder()
            .listener(listener)
            .start()
            .await;
        let log = Arc::new(Mutex::new(Log::default()));
        let seen = Arc::clone(&log);
        // Below every mock (they have wiremock's default priority, 5): answers what
        // none of them matched, and remembers it.
        Mock::given(wiremock::matchers::any())
            .respond_with(move |request: &wiremock::Request| {
                let line = format!("{} {}", request.method, path_and_query(&request.url));
                let mut log = seen.lock().unwrap_or_else(PoisonError::into_inner);
                let mut text = format!("no mock matches {line}\nmounted mocks:\n");
                for m in &log.mounted {
                    let _ = writeln!(text, "  {m}");
                }
                if log.mounted.is_empty() {
                    text.push_str("  (none)\n");
                }
                log.unmatched.push(line);
                ResponseTemplate::new(UNMATCHED_STATUS)
                    .set_body_raw(text.into_bytes(), "text/plain; charset=utf-8")
            })
            .with_priority(u8::MAX)
            .named("requests no mock matches")
            .mount(&inner)
            .await;
        Server { inner, log }
    }

    /// The server's address, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.inner.uri()
    }

    /// The server's address as a base URL for a client.
    pub fn base_url(&self) -> BaseUrl {
        // `uri()` is always `http://127.0.0.1:PORT`, which parses.
        BaseUrl::parse(&self.inner.uri()).unwrap_or_else(|_| BaseUrl::atlas())
    }

    /// The wiremock server underneath, for what the typed mocks do not cover.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.inner
    }

    /// The requests no mock matched so far (`METHOD /path?query`), oldest first.
    pub fn unmatched(&self) -> Vec<String> {
        self.lock().unmatched.clone()
    }

    /// Forgets the requests no mock matched (a test that sends one on purpose).
    pub fn clear_unmatched(&self) {
        self.lock().unmatched.clear();
    }

    /// Checks every expectation set with [`Expect::expect`] and that every request was
    /// matched by a mock.
    ///
    /// # Panics
    ///
    /// With a report of what was not met.
    pub async fn verify(&self) {
        self.check_unmatched();
        self.inner.verify().await;
    }

    fn check_unmatched(&self) {
        let unmatched = self.unmatched();
        if !unmatched.is_empty() {
            let log = self.lock();
            panic!(
                "{} request(s) matched no mock:\n  {}\nmounted mocks:\n  {}",
                unmatched.len(),
                unmatched.join("\n  "),
                if log.mounted.is_empty() {
                    "(none)".to_owned()
                } else {
                    log.mounted.join("\n  ")
                }
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The wiremock server checks its expectations when dropped, after this.
        if !std::thread::panicking() {
            self.check_unmatched();
        }
    }
}

fn path_and_query(url: &wiremock::http::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The requests one operation's mock answers, and how often: built by the generated
/// builders, mounted on a [`Server`] with its answer.
#[must_use = "a mock answers nothing until one of its `respond_*` methods mounts it"]
pub struct Expect<'a> {
    server: &'a Server,
    operation: &'static str,
    matcher: OperationMatcher,
    times: Option<Times>,
    up_to: Option<u64>,
    name: Option<String>,
}

impl std::fmt::Debug for Expect<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl<'a> Expect<'a> {
    /// Requests of `operation` (its ID): `method` to the path made of `pieces` and
    /// `params` path parameters (as [`crate::request::path`] interleaves them), any
    /// value for each until set. `accept`: the media types one of which the request's
    /// `Accept` must list (none: any `Accept`).
    pub fn new(
        server: &'a Server,
        operation: &'static str,
        method: &'static str,
        pieces: &'static [&'static str],
        params: usize,
        accept: &'static [&'static str],
    ) -> Self {
        Expect {
            server,
            operation,
            matcher: OperationMatcher {
                method,
                pieces,
                params: vec![None; params],
                query: Vec::new(),
                headers: Vec::new(),
                accept,
                pinned: None,
                body: None,
            },
            times: None,
            up_to: None,
            name: None,
        }
    }

    /// Only requests whose `index`th path parameter is `value` (compared decoded).
    pub fn path_param(&mut self, index: usize, value: &str) {
        if let Some(slot) = self.matcher.params.get_mut(index) {
            *slot = Some(value.to_owned());
        }
    }

    /// Only requests whose query has `name=value` (one of its values, for a list).
    pub fn query(&mut self, name: &'static str, value: &str) {
        self.matcher.query.push((name, value.to_owned()));
    }

    /// Only requests with the header `name: value`.
    pub fn header(&mut self, name: &'static str, value: &str) {
        self.matcher.headers.push((name, value.to_owned()));
    }

    /// Only requests whose `Accept` lists `media_type` (one of the operation's versions);
    /// the answer is sent as `media_type`.
    pub fn media_type(&mut self, media_type: &'static str) {
        self.matcher.pinned = Some(media_type);
    }

    /// Only requests whose body is this value's JSON (compared as JSON values).
    ///
    /// # Panics
    ///
    /// When the value does not encode as JSON.
    pub fn body_json<T: Serialize + ?Sized>(&mut self, value: &T) {
        let value = serde_json::to_value(value).unwrap_or_else(|e| {
            panic!(
                "{}: the expected body does not encode as JSON: {e}",
                self.operation
            )
        });
        self.matcher.body = Some(value);
    }

    /// Exactly (or within) this many matching requests, checked when the server is
    /// verified or dropped.
    pub fn expect(&mut self, times: impl Into<Times>) {
        self.times = Some(times.into());
    }

    /// Answers at most `n` requests; later ones fall through to the mocks mounted after
    /// this one (a sequence of answers).
    pub fn up_to_n_times(&mut self, n: u64) {
        self.up_to = Some(n);
    }

    /// A name for this mock in failure reports.
    pub fn named(&mut self, name: impl Into<String>) {
        self.name = Some(name.into());
    }

    /// Mounts the mock with a JSON answer: `value` encoded by its `Serialize` impl, sent
    /// with `status` as `content_type` (the pinned media type instead, if one was set).
    ///
    /// # Panics
    ///
    /// When the value does not encode as JSON.
    pub async fn respond_json<T: Serialize + ?Sized>(
        self,
        status: u16,
        content_type: &'static str,
        value: &T,
    ) {
        let body = serde_json::to_vec(value).unwrap_or_else(|e| {
            panic!(
                "{}: the answer does not encode as JSON: {e}",
                self.operation
            )
        });
        let content_type = self.matcher.pinned.unwrap_or(content_type);
        let template = ResponseTemplate::new(status).set_body_raw(body, content_type);
        self.respond_with(template).await;
    }

    /// Mounts the mock with these bytes as the body, sent with `status` as `content_type`.
    pub async fn respond_bytes(self, status: u16, content_type: &'static str, body: Vec<u8>) {
        let template = ResponseTemplate::new(status).set_body_raw(body, content_type);
        self.respond_with(template).await;
    }

    /// Mounts the mock with an empty answer of `status`.
    pub async fn respond_empty(self, status: u16) {
        self.respond_with(ResponseTemplate::new(status)).await;
    }

    /// Mounts the mock with any answer (an undocumented status, a delay, headers).
    pub async fn respond_with(self, template: ResponseTemplate) {
        let description = self.describe();
        let mut mock = Mock::given(self.matcher).respond_with(template);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        if let Some(n) = self.up_to {
            mock = mock.up_to_n_times(n);
        }
        mock = mock.named(description.clone());
        self.server.lock().mounted.push(description);
        mock.mount(&self.server.inner).await;
    }

    /// `name (operation): METHOD /path/{unset}?query`, for reports.
    fn describe(&self) -> String {
        let m = &self.matcher;
        let mut path = String::new();
        let mut params = m.params.iter().enumerate();
        for piece in m.pieces {
            path.push_str(piece);
            if let Some((i, p)) = params.next() {
                match p {
                    Some(v) => path.push_str(&crate::request::encode_path_segment(v)),
                    None => {
                        let _ = write!(path, "{{{i}}}");
                    }
                }
            }
        }
        let mut text = match &self.name {
            Some(n) => format!("{n} ({}): {} {path}", self.operation, m.method),
            None => format!("{}: {} {path}", self.operation, m.method),
        };
        for (i, (k, v)) in m.query.iter().enumerate() {
            let _ = write!(text, "{}{k}={v}", if i == 0 { '?' } else { '&' });
        }
        for (k, v) in &m.headers {
            let _ = write!(text, ", {k}: {v}");
        }
        match (m.pinned, m.accept) {
            (Some(p), _) => {
                let _ = write!(text, ", Accept lists {p}");
            }
            (None, []) => {}
            (None, list) => {
                let _ = write!(text, ", Accept lists one of {}", list.join(" | "));
            }
        }
        if m.body.is_some() {
            text.push_str(", with the expected body");
        }
        if let Some(n) = self.up_to {
            let _ = write!(text, ", at most {n} time(s)");
        }
        text
    }
}

/// Everything one operation's mock compares.
struct OperationMatcher {
    method: &'static str,
    pieces: &'static [&'static str],
    params: Vec<Option<String>>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    accept: &'static [&'static str],
    pinned: Option<&'static str>,
    body: Option<serde_json::Value>,
}

impl Match for OperationMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.method.as_str() == self.method
            && path_matches(self.pieces, &self.params, request.url.path())
            && self.query.iter().all(|(k, v)| {
                request
                    .url
                    .query_pairs()
                    .any(|(rk, rv)| rk == *k && rv == v.as_str())
            })
            && self.headers.iter().all(|(k, v)| {
                request
                    .headers
                    .get_all(*k)
                    .iter()
                    .any(|h| h.to_str().is_ok_and(|h| h == v))
            })
            && self.accept_matches(request)
            && self.body.as_ref().is_none_or(|expected| {
                serde_json::from_slice::<serde_json::Value>(&request.body)
                    .is_ok_and(|got| &got == expected)
            })
    }
}

impl OperationMatcher {
    fn accept_matches(&self, request: &wiremock::Request) -> bool {
        let wanted: &[&str] = match &self.pinned {
            Some(p) => std::slice::from_ref(p),
            None => self.accept,
        };
        if wanted.is_empty() {
            return true;
        }
        request
            .headers
            .get_all(http::header::ACCEPT)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(','))
            .map(|m| m.split(';').next().unwrap_or("").trim())
            .any(|m| wanted.iter().any(|w| w.eq_ignore_ascii_case(m)))
    }
}

/// Whether `path` (as sent, percent-encoded) is `pieces` interleaved with one non-empty
/// segment per parameter, equal (decoded) to the parameter's value where it is set.
fn path_matches(pieces: &[&str], params: &[Option<String>], path: &str) -> bool {
    let mut rest = path;
    let mut params = params.iter();
    let mut pieces = pieces.iter().peekable();
    while let Some(piece) = pieces.next() {
        let Some(after) = rest.strip_prefix(piece) else {
            return false;
        };
        rest = after;
        let Some(expected) = params.next() else {
            continue;
        };
        // The parameter runs to the end of its segment, less the text of the next
        // piece that shares the segment (`{id}:migrate`).
        let end = rest.find('/').unwrap_or(rest.len());
        let next = pieces
            .peek()
            .map_or("", |p| p.split('/').next().unwrap_or(""));
        let Some(value) = rest[..end].strip_suffix(next) else {
            return false;
        };
        if value.is_empty() {
            return false;
        }
        if let Some(expected) = expected {
            if percent_decode_str(value).decode_utf8_lossy() != expected.as_str() {
                return false;
            }
        }
        rest = &rest[value.len()..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIECES: &[&str] = &["/groups/", "/jobs/", ":cancel"];

    #[test]
    fn paths_match_their_template_and_set_values() {
        let any = [None, None];
        assert!(path_matches(PIECES, &any, "/groups/abc/jobs/j%201:cancel"));
        assert!(!path_matches(PIECES, &any, "/groups//jobs/j1:cancel"));
        assert!(!path_matches(PIECES, &any, "/groups/abc/jobs/j1"));
        assert!(!path_matches(
            PIECES,
            &any,
            "/groups/abc/def/jobs/j1:cancel"
        ));
        assert!(!path_matches(
            PIECES,
            &any,
            "/groups/abc/jobs/j1:cancel/more"
        ));
        let set = [Some("abc".to_owned()), Some("j 1".to_owned())];
        assert!(path_matches(PIECES, &set, "/groups/abc/jobs/j%201:cancel"));
        assert!(!path_matches(PIECES, &set, "/groups/abd/jobs/j%201:cancel"));
        // A value holding a slash travels encoded and still matches.
        let slash = [Some("a/b".to_owned()), None];
        assert!(path_matches(PIECES, &slash, "/groups/a%2Fb/jobs/x:cancel"));
    }

    #[test]
    fn a_trailing_parameter_runs_to_the_end() {
        let pieces: &[&str] = &["/items/"];
        assert!(path_matches(pieces, &[None], "/items/42"));
        assert!(!path_matches(pieces, &[None], "/items/"));
        assert!(path_matches(pieces, &[Some("42".into())], "/items/42"));
        assert!(!path_matches(pieces, &[Some("42".into())], "/items/43"));
        assert!(path_matches(&["/status"], &[], "/status"));
        assert!(!path_matches(&["/status"], &[], "/status/x"));
    }
}
