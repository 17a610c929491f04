//! No value a caller supplies can change a request's path or query beyond
//! its own segment, or add a header: the validated newtypes refuse path and
//! header delimiters, the encoder escapes whatever a looser type lets
//! through, and header values with CR, LF or NUL are refused. Checked on the
//! built `http::Request` and on what a real server (127.0.0.1) receives.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::{BaseUrl, ClusterName, GetGroupClusterRestoreJob, GroupId, JobId};
use atlas_runtime::http;
use atlas_runtime::request::{build_request, encode_path_segment, Query, RequestParts};
use atlas_runtime::{Credentials, Rule, SecurityScheme, TransportErrorKind};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const JOB: &str = "5a0a1e7e0f2912c554080adc";

/// Values that would leave their segment, end the path, start a query or
/// fragment, or split the request, were they written into a URL as is.
const HOSTILE: &[&str] = &[
    "..",
    ".",
    "/",
    "a/b",
    "../../admin",
    "%2F",
    "a%2Fb",
    "%2e%2e",
    "?",
    "a?b=c",
    "#",
    "a#frag",
    "&x=1",
    "a\r\nb",
    "\r\n",
    "\n",
    "a\0b",
    "\0",
    "",
    " ",
    "a b",
    "é",
    "a\\b",
    "a;b",
    "Cluster0\n",
    "\u{2028}",
    "%",
    "%zz",
];

#[test]
fn the_validated_path_types_refuse_every_delimiter() {
    for value in HOSTILE {
        let group = GroupId::new(*value);
        let cluster = ClusterName::new(*value);
        let job = JobId::new(*value);
        assert!(
            group.is_err() && cluster.is_err() && job.is_err(),
            "{value:?} was accepted"
        );
        assert!(value.parse::<ClusterName>().is_err(), "{value:?} parsed");
        assert!(
            serde_json::from_value::<ClusterName>(serde_json::json!(value)).is_err(),
            "{value:?} deserialized"
        );
        let error = cluster.err().map(|e| (e.role(), e.rule().clone()));
        assert_eq!(
            error,
            Some(("ClusterName", Rule::Pattern(ClusterName::PATTERN))),
            "{value:?}"
        );
    }
}

#[test]
fn a_trailing_newline_does_not_slip_past_an_anchored_pattern() {
    // ECMA-262 `$` (no multiline flag) matches only at the very end.
    assert!(ClusterName::new("Cluster0\n").is_err());
    assert!(GroupId::new(format!("{GROUP}\n")).is_err());
    assert!(ClusterName::new("Cluster0").is_ok());
}

/// RFC 3986 percent-decoding, to check the encoder loses nothing.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// One encoded segment: no delimiter, no dot segment, visible ASCII, and it
/// decodes back to exactly the value.
fn assert_one_segment(value: &str) {
    let encoded = encode_path_segment(value);
    assert!(
        !encoded.contains(['/', '?', '#', '\\', ';', '&', '=']),
        "{value:?} -> {encoded}"
    );
    assert!(encoded != "." && encoded != "..", "{value:?} -> {encoded}");
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
        "{value:?} -> {encoded}"
    );
    assert_eq!(
        percent_decode(&encoded).as_deref(),
        Some(value.as_bytes()),
        "{value:?} -> {encoded}"
    );
}

#[test]
fn the_encoder_keeps_every_hostile_value_inside_one_segment() {
    for value in HOSTILE {
        assert_one_segment(value);
    }
}

proptest! {
    #[test]
    fn any_string_is_encoded_as_one_segment_that_decodes_back(value in any::<String>()) {
        assert_one_segment(&value);
    }

    #[test]
    fn any_query_value_stays_one_pair(key in "[a-zA-Z]{1,8}", value in any::<String>()) {
        let mut query = Query::new();
        query.push(&key, &value);
        let text = query.as_str().to_owned();
        prop_assert_eq!(text.matches('=').count(), 1);
        prop_assert!(!text.contains(['&', '#', '?', ' ']));
        let (k, v) = text.split_once('=').unwrap_or_default();
        prop_assert_eq!(percent_decode(k), Some(key.into_bytes()));
        prop_assert_eq!(percent_decode(v), Some(value.into_bytes()));
    }
}

fn base() -> BaseUrl {
    BaseUrl::parse("https://cloud.mongodb.com").expect("a base URL")
}

fn parts(path: String, headers: Vec<(&'static str, String)>) -> RequestParts<'static> {
    // A leaked base URL keeps the parts 'static for these short tests.
    let base: &'static BaseUrl = Box::leak(Box::new(base()));
    RequestParts {
        method: http::Method::GET,
        base_url: base,
        path,
        query: Query::new(),
        accept: "application/json",
        user_agent: "",
        headers,
        body: None,
    }
}

#[test]
fn a_request_built_from_encoded_segments_has_exactly_its_segments_and_no_query() {
    for value in HOSTILE {
        let path = format!(
            "/api/groups/{}/clusters/{}",
            encode_path_segment(value),
            encode_path_segment(value)
        );
        let request =
            build_request(parts(path, Vec::new())).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        let uri = request.uri();
        assert_eq!(uri.query(), None, "{value:?}: {uri}");
        let segments: Vec<&str> = uri.path().split('/').collect();
        assert_eq!(segments.len(), 6, "{value:?}: {uri}");
        assert_eq!(
            (segments[1], segments[2], segments[4]),
            ("api", "groups", "clusters"),
            "{value:?}: {uri}"
        );
        assert_eq!(
            percent_decode(segments[3]).as_deref(),
            Some(value.as_bytes())
        );
        assert_eq!(
            percent_decode(segments[5]).as_deref(),
            Some(value.as_bytes())
        );
    }
}

#[test]
fn an_unencoded_path_with_a_delimiter_or_control_character_is_refused() {
    for path in ["/a?b", "/a#b", "/a\r\nb", "/a b", "/a\0b", "relative"] {
        let error = build_request(parts(path.to_owned(), Vec::new())).expect_err(path);
        assert_eq!(error.role(), "path", "{path:?}");
    }
}

#[test]
fn the_operation_encodes_a_valid_but_odd_cluster_name_into_its_own_segment() {
    // Odd names the spec's pattern accepts (which ones differs between specs:
    // the 2023 pattern refuses a trailing hyphen and names over 64 characters).
    let pattern = regress::Regex::new(ClusterName::PATTERN).expect("the pattern compiles");
    let odd: Vec<String> = ["0", "a-", "A--B", "a_b", "a-b_c"]
        .into_iter()
        .map(str::to_owned)
        .chain(["x".repeat(64), "x".repeat(200)])
        .filter(|name| pattern.find(name).is_some())
        .collect();
    assert!(odd.len() >= 3, "{odd:?}");
    for cluster in odd.iter().map(String::as_str) {
        let operation = GetGroupClusterRestoreJob::new(
            GroupId::new(GROUP).expect("group"),
            ClusterName::new(cluster).expect("a valid cluster name"),
            JobId::new(JOB).expect("job"),
        );
        let request = operation.pretty(true).to_request(&base()).expect("builds");
        assert_eq!(
            request.uri().path(),
            format!("/api/atlas/v2/groups/{GROUP}/clusters/{cluster}/restoreJobs/{JOB}")
        );
        assert_eq!(request.uri().query(), Some("pretty=true"));
    }
}

#[test]
fn header_values_with_cr_lf_or_nul_are_refused() {
    for value in [
        "v\r\nX-Injected: 1",
        "v\nX-Injected: 1",
        "v\rX",
        "v\0",
        "\r\n\r\nGET / HTTP/1.1",
    ] {
        let error = build_request(parts("/a".to_owned(), vec![("X-Thing", value.to_owned())]))
            .expect_err(value);
        assert_eq!(
            (error.role(), error.rule()),
            ("header", &Rule::ControlCharacter),
            "{value:?}"
        );
    }
}

#[test]
fn client_headers_and_user_agents_with_cr_or_lf_fail_to_build() {
    let built = atlas_runtime::client::Client::builder()
        .with_header("X-Source", "app\r\nX-Injected: 1")
        .build();
    assert_eq!(
        built.map(|_| ()).map_err(|e| e.kind()),
        Err(TransportErrorKind::Config)
    );
    let built = atlas_runtime::client::Client::builder()
        .user_agent("app/1\r\nX-Injected: 1")
        .build();
    assert_eq!(
        built.map(|_| ()).map_err(|e| e.kind()),
        Err(TransportErrorKind::Config)
    );
    assert!(BaseUrl::parse("https://cloud.mongodb.com/\r\nX-Injected: 1").is_err());
}

/// Accepts connections on 127.0.0.1, records each request head, answers 404.
async fn recording_server() -> (u16, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await
                    {
                        Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => break,
                    }
                }
                seen.lock()
                    .map(|mut s| s.push(String::from_utf8_lossy(&head).into_owned()))
                    .ok();
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    (port, heads, task)
}

#[tokio::test]
async fn a_credential_with_cr_lf_never_puts_an_extra_header_on_the_wire() {
    let (port, heads, task) = recording_server().await;
    static BEARER: [SecurityScheme; 1] = [SecurityScheme::HttpBearer];
    let built = atlas_runtime::client::Client::builder()
        .base_url_str(&format!("http://127.0.0.1:{port}"))
        .security_schemes(&BEARER)
        .credentials(Credentials::bearer("token\r\nX-Injected: 1"))
        .timeout(Duration::from_secs(5))
        .no_retries()
        .build();
    if let Ok(client) = built {
        let request = GetGroupClusterRestoreJob::new(
            GroupId::new(GROUP).expect("group"),
            ClusterName::new("c").expect("cluster"),
            JobId::new(JOB).expect("job"),
        )
        .to_request(client.base_url())
        .expect("builds");
        let outcome = tokio::time::timeout(Duration::from_secs(10), client.send(request))
            .await
            .expect("answers in time");
        assert!(outcome.is_err(), "a token with CR/LF was sent: {outcome:?}");
    }
    let heads = heads.lock().map(|h| h.clone()).unwrap_or_default();
    task.abort();
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("x-injected")),
        "{heads:?}"
    );
}

#[tokio::test]
async fn what_the_server_receives_is_the_encoded_path_and_nothing_else() {
    let (port, heads, task) = recording_server().await;
    let client = atlas_runtime::client::Client::builder()
        .base_url_str(&format!("http://127.0.0.1:{port}/prefix"))
        .timeout(Duration::from_secs(5))
        .no_retries()
        .build()
        .expect("builds");
    let hostile = "../../admin?x=1#y\r\n";
    let request = build_request(RequestParts {
        base_url: client.base_url(),
        ..parts(
            format!("/groups/{}/jobs", encode_path_segment(hostile)),
            Vec::new(),
        )
    })
    .expect("an encoded path builds");
    let _ = tokio::time::timeout(Duration::from_secs(10), client.send(request))
        .await
        .expect("answers in time");
    let heads = heads.lock().map(|h| h.clone()).unwrap_or_default();
    task.abort();
    let first_line = heads
        .first()
        .and_then(|h| h.lines().next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        first_line,
        "GET /prefix/groups/..%2F..%2Fadmin%3Fx%3D1%23y%0D%0A/jobs HTTP/1.1"
    );
}
