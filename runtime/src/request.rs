//! Sans-IO request plumbing used by generated request builders: a validated base URL,
//! path and query encoding, and the assembly of an [`http::Request`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Rule, ValidationError};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so an
/// encoded value can hold no delimiter of any URL part.
const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where the Atlas Administration API is served.
const ATLAS_BASE_URL: &str = "https://cloud.mongodb.com";

/// A validated base URL: `http` or `https`, has a host, no query or fragment; a trailing
/// `/` is trimmed so paths starting with `/` can be appended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks `s` is an absolute `http` or `https` URL with a host and optional port and
    /// path, and no user information, query or fragment.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let fail = |reason: &str| ValidationError::new("base_url", s, Rule::Url(reason.into()));
        if s.is_empty() {
            return Err(fail("it is empty"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("it contains whitespace or a control character"));
        }
        if !s.is_ascii() {
            // Hosts must already be in their ASCII (punycode) form and paths encoded.
            return Err(fail("it contains non-ASCII characters"));
        }
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(fail("it has no scheme (expected http:// or https://)"));
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(fail("the scheme must be http or https"));
        }
        if rest.contains('?') {
            return Err(fail("it has a query"));
        }
        if rest.contains('#') {
            return Err(fail("it has a fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        if authority.contains('@') {
            // Credentials belong to an authenticator, not to a URL that ends up in logs.
            return Err(fail("it has user information"));
        }
        check_authority(authority).map_err(fail)?;
        check_path(path).map_err(fail)?;
        let normalized = format!("{scheme}://{authority}{}", path.trim_end_matches('/'));
        // A last check by the parser the request will be built with.
        if http::Uri::try_from(normalized.as_str()).is_err() {
            return Err(fail("it is not a valid URI"));
        }
        Ok(BaseUrl(normalized))
    }

    /// The Atlas Administration API's base URL, `https://cloud.mongodb.com`.
    pub fn atlas() -> Self {
        BaseUrl(ATLAS_BASE_URL.to_owned())
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks `host[:port]`, where the host is a name, an IPv4 address or a bracketed IPv6
/// address.
fn check_authority(authority: &str) -> Result<(), &'static str> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err("its IPv6 host has no closing ']'");
        };
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("its IPv6 host is malformed");
        }
        match after {
            "" => (inside, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (inside, Some(port)),
                None => return Err("it has characters after its IPv6 host"),
            },
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err("its host has characters not allowed in a host name");
        }
        (host, port)
    };
    if host.is_empty() {
        return Err("it has no host");
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u16>().is_ok_and(|port| port != 0);
        if !valid {
            return Err("its port is not a number from 1 to 65535");
        }
    }
    Ok(())
}

/// Checks a base URL's path holds only characters allowed in a URL path, with well-formed
/// percent escapes.
fn check_path(path: &str) -> Result<(), &'static str> {
    let bytes = path.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let escape = bytes.get(index + 1..index + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return Err("its path has a malformed percent escape");
            }
            index += 3;
            continue;
        }
        let allowed = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            );
        if !allowed {
            return Err("its path has characters not allowed in a URL path");
        }
        index += 1;
    }
    Ok(())
}

impl FromStr for BaseUrl {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for BaseUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Percent-encodes one path segment so that it stays one segment: everything except RFC
/// 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so `/`, `?`, `#` and `%`
/// cannot end the segment, the path or an escape; a segment that is exactly `.` or `..` is
/// encoded as `%2E` or `%2E%2E` so it cannot move up the path.
///
/// An empty value stays empty, which makes an empty segment (`a//b`): refuse empty values
/// before (`minLength` on path parameters).
pub fn encode_path_segment(s: &str) -> Cow<'_, str> {
    match s {
        "." => Cow::Borrowed("%2E"),
        ".." => Cow::Borrowed("%2E%2E"),
        _ => utf8_percent_encode(s, UNRESERVED_ONLY).into(),
    }
}

/// A path from its literal pieces and its parameter values, interleaved:
/// `pieces[0]`, `params[0]` encoded by [`encode_path_segment`], `pieces[1]`,
/// and so on; pieces past the parameters are appended as they are.
pub fn path(pieces: &[&str], params: &[&str]) -> String {
    let mut out =
        String::with_capacity(pieces.iter().chain(params).map(|s| s.len()).sum::<usize>() + 16);
    let mut params = params.iter();
    for piece in pieces {
        out.push_str(piece);
        if let Some(param) = params.next() {
            out.push_str(&encode_path_segment(param));
        }
    }
    // A template never has more parameters than gaps; keep any extra rather
    // than drop it silently.
    for param in params {
        out.push_str(&encode_path_segment(param));
    }
    out
}

/// A query string built from `key=value` pairs, each key and value percent-encoded except
/// for RFC 3986 unreserved characters (so a space is `%20`, never `+`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    encoded: String,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `key=value`, both encoded.
    pub fn push(&mut self, key: &str, value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        self.encoded
            .extend(utf8_percent_encode(key, UNRESERVED_ONLY));
        self.encoded.push('=');
        self.encoded
            .extend(utf8_percent_encode(value, UNRESERVED_ONLY));
    }

    /// Appends `key=value` with `value` written by its [`Display`](fmt::Display), encoded.
    pub fn push_display(&mut self, key: &str, value: impl fmt::Display) {
        self.push(key, &value.to_string());
    }

    /// Whether no pair was pushed.
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    /// The encoded query, without a leading `?`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encoded)
    }
}

/// What [`build_request`] assembles into an [`http::Request`].
#[derive(Clone, Debug)]
pub struct RequestParts<'a> {
    /// The HTTP method.
    pub method: http::Method,
    /// The API's base URL.
    pub base_url: &'a BaseUrl,
    /// The path, already encoded (see [`encode_path_segment`]), starting with `/`.
    pub path: String,
    /// The query string (may be empty).
    pub query: Query,
    /// The `Accept` header: the media type (with the API version) expected back.
    pub accept: &'a str,
    /// The `User-Agent` header; none is set if empty.
    pub user_agent: &'a str,
    /// Header parameters, in order; a name may repeat.
    pub headers: Vec<(&'static str, String)>,
    /// The body and its content type, if any.
    pub body: Option<(&'a str, Vec<u8>)>,
}

/// Assembles an [`http::Request`]: URL from base, path and query; `Accept`, `User-Agent`,
/// the header parameters, and `Content-Type` when there is a body.
///
/// Fails with role `header` if a header name is invalid or a header value holds a
/// character a header cannot carry (CR, LF, NUL or another control character), and with
/// role `path` or `url` if the path or resulting URL is malformed.
pub fn build_request(parts: RequestParts<'_>) -> Result<http::Request<Vec<u8>>, ValidationError> {
    let RequestParts {
        method,
        base_url,
        path,
        query,
        accept,
        user_agent,
        headers,
        body,
    } = parts;
    check_encoded_path(&path)?;
    let mut url =
        String::with_capacity(base_url.as_str().len() + path.len() + query.as_str().len() + 1);
    url.push_str(base_url.as_str());
    url.push_str(&path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query.as_str());
    }
    let uri = http::Uri::try_from(url.as_str())
        .map_err(|error| ValidationError::new("url", url.as_str(), Rule::Url(error.to_string())))?;

    let (content_type, body) = match body {
        Some((content_type, body)) => (Some(content_type), body),
        None => (None, Vec::new()),
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    map.insert(ACCEPT, header_value(accept)?);
    if !user_agent.is_empty() {
        map.insert(USER_AGENT, header_value(user_agent)?);
    }
    if let Some(content_type) = content_type {
        map.insert(CONTENT_TYPE, header_value(content_type)?);
    }
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ValidationError::new("header", name, Rule::HeaderName))?;
        map.append(name, header_value(&value)?);
    }
    Ok(request)
}

/// A header value, refused if it holds a character that could end the header.
fn header_value(value: &str) -> Result<HeaderValue, ValidationError> {
    // `HeaderValue` refuses CR, LF, NUL and the other control characters except tab.
    HeaderValue::from_str(value)
        .map_err(|_| ValidationError::new("header", value, Rule::ControlCharacter))
}

/// Checks an already-encoded path: starts with `/`, has no query or fragment delimiter and
/// only visible ASCII.
fn check_encoded_path(path: &str) -> Result<(), ValidationError> {
    let fail = |rule| ValidationError::new("path", path, rule);
    if path.bytes().any(|byte| byte.is_ascii_control()) {
        return Err(fail(Rule::ControlCharacter));
    }
    if !path.starts_with('/') {
        return Err(fail(Rule::Url("the path must start with '/'".into())));
    }
    if path.contains(['?', '#']) {
        return Err(fail(Rule::Url(
            "the path must not contain '?' or '#' (encode path segments)".into(),
        )));
    }
    if !path.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(fail(Rule::Url(
            "the path must be encoded (visible ASCII only)".into(),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> BaseUrl {
        BaseUrl::parse(s).unwrap()
    }

    fn parts<'a>(base_url: &'a BaseUrl) -> RequestParts<'a> {
        RequestParts {
            method: http::Method::GET,
            base_url,
            path: "/api/atlas/v2/groups".into(),
            query: Query::new(),
            accept: "application/vnd.atlas.2023-01-01+json",
            user_agent: "atlas-test/1",
            headers: Vec::new(),
            body: None,
        }
    }

    #[test]
    fn a_path_interleaves_pieces_and_encoded_parameters() {
        assert_eq!(
            path(&["/groups/", "/clusters/", ""], &["g1", "a/b"]),
            "/groups/g1/clusters/a%2Fb"
        );
        assert_eq!(
            path(&["/groups/", "/restore"], &[".."]),
            "/groups/%2E%2E/restore"
        );
        assert_eq!(path(&["/health"], &[]), "/health");
    }

    #[test]
    fn base_url_accepts_http_and_https_with_host_port_and_path() {
        assert_eq!(
            base("https://cloud.mongodb.com").as_str(),
            "https://cloud.mongodb.com"
        );
        assert_eq!(
            base("http://127.0.0.1:8080/").as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base("HTTPS://example.com/prefix//").as_str(),
            "https://example.com/prefix"
        );
        assert_eq!(base("http://[::1]:9/").as_str(), "http://[::1]:9");
        assert_eq!(
            "https://x.test".parse::<BaseUrl>().unwrap().to_string(),
            "https://x.test"
        );
    }

    #[test]
    fn the_atlas_base_url_is_a_valid_base_url() {
        assert_eq!(BaseUrl::atlas(), base("https://cloud.mongodb.com"));
    }

    #[test]
    fn base_url_rejects_other_schemes_queries_fragments_and_non_urls() {
        for bad in [
            "ftp://x",
            "",
            "https://x?q",
            "https://x/#f",
            "not a url",
            "cloud.mongodb.com",
            "https://",
            "https:///path",
            "https://user:pw@x",
            "https://x:0",
            "https://x:65536",
            "https://x:",
            "https://x:8a",
            "https://exa mple.com",
            "https://x/a b",
            "https://x/\r\n",
            "https://x/%zz",
            "https://x/<script>",
            "https://bücher.example",
            "https://[::1",
            "https://[zz]",
            "https://[::1]x",
        ] {
            let error = BaseUrl::parse(bad).unwrap_err();
            assert_eq!(error.role(), "base_url", "{bad:?}");
            assert!(matches!(error.rule(), Rule::Url(_)), "{bad:?}");
        }
    }

    #[test]
    fn path_segments_with_delimiters_are_encoded_into_one_segment() {
        let cases = [
            ("..", "%2E%2E"),
            (".", "%2E"),
            ("a/b", "a%2Fb"),
            ("%2F", "%252F"),
            ("?x", "%3Fx"),
            ("#f", "%23f"),
            ("\r\n", "%0D%0A"),
            ("\0", "%00"),
            ("é", "%C3%A9"),
            ("a b+c", "a%20b%2Bc"),
            ("...", "..."),
            ("a.b-c_d~e", "a.b-c_d~e"),
        ];
        for (raw, encoded) in cases {
            let got = encode_path_segment(raw);
            assert_eq!(got, encoded, "{raw:?}");
            assert!(!got.contains(['/', '?', '#']), "{raw:?}");
            assert!(got != "." && got != "..", "{raw:?}");
        }
    }

    #[test]
    fn a_segment_needing_no_encoding_is_borrowed() {
        assert!(matches!(
            encode_path_segment("abc123"),
            Cow::Borrowed("abc123")
        ));
    }

    #[test]
    fn query_pairs_are_joined_and_encoded() {
        let mut query = Query::new();
        assert!(query.is_empty());
        query.push("itemsPerPage", "100");
        query.push("name", "a b&c=d");
        query.push_display("includeCount", true);
        query.push("é", "/?#+");
        assert!(!query.is_empty());
        assert_eq!(
            query.as_str(),
            "itemsPerPage=100&name=a%20b%26c%3Dd&includeCount=true&%C3%A9=%2F%3F%23%2B"
        );
    }

    #[test]
    fn build_request_sets_url_method_and_headers_exactly() {
        let base_url = base("https://cloud.mongodb.com/");
        let mut query = Query::new();
        query.push("pageNum", "2");
        let request = build_request(RequestParts {
            method: http::Method::POST,
            path: format!(
                "/api/atlas/v2/groups/{}/clusters",
                encode_path_segment("a/b")
            ),
            query,
            headers: vec![("X-Request-Id", "r1".into()), ("x-request-id", "r2".into())],
            body: Some(("application/vnd.atlas.2023-01-01+json", b"{}".to_vec())),
            ..parts(&base_url)
        })
        .unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(
            request.uri().to_string(),
            "https://cloud.mongodb.com/api/atlas/v2/groups/a%2Fb/clusters?pageNum=2"
        );
        let headers = request.headers();
        assert_eq!(headers[ACCEPT], "application/vnd.atlas.2023-01-01+json");
        assert_eq!(headers[USER_AGENT], "atlas-test/1");
        assert_eq!(
            headers[CONTENT_TYPE],
            "application/vnd.atlas.2023-01-01+json"
        );
        let ids: Vec<_> = headers.get_all("x-request-id").iter().collect();
        assert_eq!(ids, ["r1", "r2"]);
        assert_eq!(headers.len(), 5);
        assert_eq!(request.body(), b"{}");
    }

    #[test]
    fn build_request_without_body_or_user_agent_sets_neither_content_type_nor_user_agent() {
        let base_url = base("http://127.0.0.1:8080");
        let request = build_request(RequestParts {
            user_agent: "",
            ..parts(&base_url)
        })
        .unwrap();
        assert_eq!(
            request.uri().to_string(),
            "http://127.0.0.1:8080/api/atlas/v2/groups"
        );
        assert!(request.headers().get(CONTENT_TYPE).is_none());
        assert!(request.headers().get(USER_AGENT).is_none());
        assert!(request.body().is_empty());
    }

    #[test]
    fn header_values_with_cr_lf_or_nul_are_refused() {
        let base_url = base("https://x.test");
        for bad in ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"] {
            let error = build_request(RequestParts {
                headers: vec![("X-Thing", bad.into())],
                ..parts(&base_url)
            })
            .unwrap_err();
            assert_eq!(error.role(), "header");
            assert_eq!(error.rule(), &Rule::ControlCharacter);
            assert_eq!(error.value(), bad);
        }
        let error = build_request(RequestParts {
            accept: "application/json\r\n",
            ..parts(&base_url)
        })
        .unwrap_err();
        assert_eq!(error.role(), "header");
    }

    #[test]
    fn invalid_header_names_are_refused() {
        let base_url = base("https://x.test");
        let error = build_request(RequestParts {
            headers: vec![("Bad Name", "v".into())],
            ..parts(&base_url)
        })
        .unwrap_err();
        assert_eq!(error.rule(), &Rule::HeaderName);
    }

    #[test]
    fn malformed_paths_are_refused() {
        let base_url = base("https://x.test");
        for bad in ["no-slash", "/a?b", "/a#b", "/a b", "/a\r\nb", "/é"] {
            let error = build_request(RequestParts {
                path: bad.into(),
                ..parts(&base_url)
            })
            .unwrap_err();
            assert_eq!(error.role(), "path", "{bad:?}");
        }
    }
}
