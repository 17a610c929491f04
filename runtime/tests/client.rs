//! The client against a tiny local HTTP/1.1 server that answers canned responses.
//!
//! The server binds 127.0.0.1 only, serves a fixed list of replies (one connection each),
//! bounds every read and wait with a timeout, and is stopped when the test drops it.
#![cfg(feature = "client")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_runtime::bytes::Bytes;
use atlas_runtime::{
    build_request, decode_json, Attempt, Authenticate, BaseUrl, BearerToken, BoxFuture, Client,
    Error, Query, RequestParts, RetryPolicy, TransportError, TransportErrorKind,
};
use atlas_runtime::{http, serde_json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// The longest any test waits for the server or the client.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head and body the server reads.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// One canned reply: bytes to write, then how long to hold the connection open.
struct Reply {
    bytes: Vec<u8>,
    hold: Duration,
}

impl Reply {
    fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Reply {
            bytes: bytes.into(),
            hold: Duration::ZERO,
        }
    }

    fn then_hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }
}

/// A complete response with a `Content-Length` body.
fn response(status: &str, headers: &[&str], body: &[u8]) -> Reply {
    let mut bytes = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for header in headers {
        bytes.push_str(header);
        bytes.push_str("\r\n");
    }
    bytes.push_str("\r\n");
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    Reply::new(bytes)
}

/// The test server: its address, the requests it received (as text), and its task.
struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            for reply in replies {
                let Ok(Ok((stream, _))) = timeout(TEST_TIMEOUT, listener.accept()).await else {
                    return;
                };
                if let Some(request) = serve_one(stream, reply).await {
                    seen.lock().unwrap().push(request);
                }
            }
        });
        Server {
            addr,
            requests,
            task,
        }
    }

    fn base_url(&self) -> BaseUrl {
        BaseUrl::parse(&format!("http://{}", self.addr)).unwrap()
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request (head and `Content-Length` body), writes the reply, holds, closes.
async fn serve_one(mut stream: TcpStream, reply: Reply) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&received, b"\r\n\r\n") {
            break end + 4;
        }
        if received.len() > MAX_REQUEST_BYTES {
            return None;
        }
        let read = timeout(TEST_TIMEOUT, stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_string();
    let body_length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(MAX_REQUEST_BYTES);
    while received.len() < head_end + body_length {
        let read = timeout(TEST_TIMEOUT, stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    // The client may hang up early (a refused body): write errors are expected then.
    let _ = timeout(TEST_TIMEOUT, stream.write_all(&reply.bytes)).await;
    let _ = stream.flush().await;
    if !reply.hold.is_zero() {
        tokio::time::sleep(reply.hold).await;
    }
    let _ = stream.shutdown().await;
    Some(String::from_utf8_lossy(&received).to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn get(client: &Client, path: &str) -> http::Request<Vec<u8>> {
    build_request(RequestParts {
        method: http::Method::GET,
        base_url: client.base_url(),
        path: path.into(),
        query: Query::new(),
        accept: "application/json",
        user_agent: client.user_agent(),
        headers: Vec::new(),
        body: None,
    })
    .unwrap()
}

/// A client for `server` that makes one attempt per request, so each test sees exactly
/// what one exchange gives (tests of retries set a policy).
fn client_for(server: &Server) -> atlas_runtime::ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .no_retries()
}

async fn send(
    client: &Client,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Bytes>, TransportError> {
    timeout(TEST_TIMEOUT, client.send(request))
        .await
        .expect("the client answers within the test timeout")
}

#[tokio::test]
async fn a_200_response_is_returned_with_status_headers_and_whole_body() {
    let server = Server::start(vec![response(
        "200 OK",
        &["content-type: application/json", "x-thing: 1"],
        br#"{"id":"abc"}"#,
    )])
    .await;
    let client = client_for(&server).build().unwrap();
    let response = send(&client, get(&client, "/api/atlas/v2/groups"))
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.headers()["x-thing"], "1");
    assert_eq!(&response.body()[..], br#"{"id":"abc"}"#);
    let request = &server.requests()[0];
    assert!(
        request.starts_with("GET /api/atlas/v2/groups HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains("accept: application/json\r\n"),
        "{request}"
    );
    assert!(
        request.contains(&format!("user-agent: {}\r\n", client.user_agent())),
        "{request}"
    );
}

#[tokio::test]
async fn a_user_agent_set_on_the_builder_replaces_the_one_the_request_carries() {
    let replies = vec![response("200 OK", &[], b""), response("200 OK", &[], b"")];
    let server = Server::start(replies).await;
    let mut request = get(&client_for(&server).build().unwrap(), "/a");
    request.headers_mut().insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static("generated/1"),
    );
    let kept = client_for(&server).build().unwrap();
    send(&kept, request.clone()).await.unwrap();
    let replaced = client_for(&server).user_agent("my-app/2").build().unwrap();
    send(&replaced, request).await.unwrap();
    let requests = server.requests();
    assert!(
        requests[0].contains("user-agent: generated/1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].contains("user-agent: my-app/2\r\n"),
        "{}",
        requests[1]
    );
    assert!(!requests[1].contains("generated/1"), "{}", requests[1]);
}

#[tokio::test]
async fn a_request_body_is_sent_with_its_content_type() {
    let server = Server::start(vec![response("201 Created", &[], b"{}")]).await;
    let client = client_for(&server).build().unwrap();
    let request = build_request(RequestParts {
        method: http::Method::POST,
        base_url: client.base_url(),
        path: "/things".into(),
        query: Query::new(),
        accept: "application/json",
        user_agent: client.user_agent(),
        headers: Vec::new(),
        body: Some(("application/json", br#"{"name":"n"}"#.to_vec())),
    })
    .unwrap();
    let response = send(&client, request).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::CREATED);
    let request = &server.requests()[0];
    assert!(
        request.contains("content-type: application/json\r\n"),
        "{request}"
    );
    assert!(request.ends_with("\r\n\r\n{\"name\":\"n\"}"), "{request}");
}

#[tokio::test]
#[allow(clippy::result_large_err)] // the API call's error, as the client returns it
async fn execute_hands_the_response_to_the_parse_function() {
    let server = Server::start(vec![response("200 OK", &[], br#"{"n":7}"#)]).await;
    let client = client_for(&server).build().unwrap();
    let parsed: Result<serde_json::Value, Error<String>> = timeout(
        TEST_TIMEOUT,
        client.execute(get(&client, "/n"), |response| {
            let (parts, body) = response.into_parts();
            decode_json(parts.status, &parts.headers, body)
        }),
    )
    .await
    .unwrap();
    assert_eq!(parsed.unwrap()["n"], 7);
}

#[tokio::test]
#[allow(clippy::result_large_err)] // the API call's error, as the client returns it
async fn call_with_metadata_returns_the_status_and_headers_beside_the_value() {
    let server = Server::start(vec![response(
        "201 Created",
        &[
            "content-type: application/json",
            "x-request-id: 5f0a1b2c-req",
            "location: /api/atlas/v2/groups/32b6e34b3d91647abb20e7b8",
        ],
        br#"{"n":7}"#,
    )])
    .await;
    let client = client_for(&server).build().unwrap();
    let parsed = timeout(
        TEST_TIMEOUT,
        client.call_with_metadata(Ok(get(&client, "/n")), |response| {
            // What the parse function does with the response cannot change what was kept.
            let (parts, body) = response.into_parts();
            decode_json::<serde_json::Value, String>(parts.status, &parts.headers, body)
        }),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(parsed.status(), http::StatusCode::CREATED);
    assert_eq!(parsed.headers()["x-request-id"], "5f0a1b2c-req");
    assert_eq!(
        parsed.headers()[http::header::LOCATION],
        "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8"
    );
    assert_eq!(parsed["n"], 7);
}

#[tokio::test]
#[allow(clippy::result_large_err)] // the API call's error, as the client returns it
async fn call_with_metadata_sends_nothing_for_an_invalid_request() {
    let server = Server::start(vec![response("200 OK", &[], b"{}")]).await;
    let client = client_for(&server).build().unwrap();
    let refused = atlas_runtime::ValidationError::new(
        "group_id",
        "x",
        atlas_runtime::Rule::Pattern("^([a-f0-9]{24})$"),
    );
    let outcome = client
        .call_with_metadata(Err(refused), |response| {
            let (parts, body) = response.into_parts();
            decode_json::<serde_json::Value, String>(parts.status, &parts.headers, body)
        })
        .await;
    assert!(matches!(outcome, Err(Error::InvalidRequest(_))));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_body_declared_larger_than_the_cap_is_refused_before_reading_it() {
    // The server declares a large body, sends a little and stalls: reading it would time
    // out, so only an up-front refusal gives BodyTooLarge.
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\n0123456789";
    let server = Server::start(vec![Reply::new(head).then_hold(Duration::from_secs(8))]).await;
    let client = client_for(&server)
        .max_body_bytes(1000)
        .timeout(Duration::from_secs(4))
        .build()
        .unwrap();
    let error = send(&client, get(&client, "/big")).await.unwrap_err();
    assert_eq!(
        error.kind(),
        TransportErrorKind::BodyTooLarge { limit: 1000 }
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_chunked_body_growing_past_the_cap_is_refused() {
    let mut bytes =
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for _ in 0..3 {
        bytes.extend_from_slice(b"258\r\n");
        bytes.extend_from_slice(&[b'x'; 600]);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = Server::start(vec![Reply::new(bytes)]).await;
    let client = client_for(&server).max_body_bytes(1000).build().unwrap();
    let error = send(&client, get(&client, "/chunked")).await.unwrap_err();
    assert_eq!(
        error.kind(),
        TransportErrorKind::BodyTooLarge { limit: 1000 }
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_accepted() {
    let body = vec![b'y'; 1000];
    let server = Server::start(vec![response("200 OK", &[], &body)]).await;
    let client = client_for(&server).max_body_bytes(1000).build().unwrap();
    let response = send(&client, get(&client, "/exact")).await.unwrap();
    assert_eq!(response.body().len(), 1000);
}

#[tokio::test]
async fn bearer_token_adds_the_authorization_header() {
    let server = Server::start(vec![response("200 OK", &[], b"{}")]).await;
    let client = client_for(&server)
        .authenticate(BearerToken::new("tok123"))
        .build()
        .unwrap();
    send(&client, get(&client, "/me")).await.unwrap();
    let request = &server.requests()[0];
    assert!(
        request.contains("authorization: Bearer tok123\r\n"),
        "{request}"
    );
}

/// Answers a 401 challenge on the next round, as a Digest scheme would.
#[derive(Default)]
struct ChallengeAnswerer {
    answer: Mutex<Option<String>>,
    challenges_seen: AtomicU32,
}

impl Authenticate for ChallengeAnswerer {
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async move {
            if let Some(answer) = self.answer.lock().unwrap().clone() {
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, answer.parse().unwrap());
            }
            Ok(())
        })
    }

    fn on_response<'a>(
        &'a self,
        _request: &'a http::Request<Vec<u8>>,
        response: &'a http::Response<Bytes>,
    ) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let Some(challenge) = response.headers().get(http::header::WWW_AUTHENTICATE) else {
                return false;
            };
            self.challenges_seen.fetch_add(1, Ordering::SeqCst);
            let nonce = challenge
                .to_str()
                .unwrap()
                .trim_start_matches("Digest nonce=");
            *self.answer.lock().unwrap() = Some(format!("Digest response={nonce}"));
            true
        })
    }
}

#[tokio::test]
async fn an_answered_challenge_resends_the_request_once_with_the_answer() {
    let server = Server::start(vec![
        response(
            "401 Unauthorized",
            &["www-authenticate: Digest nonce=n1"],
            b"",
        ),
        response("200 OK", &[], b"{}"),
    ])
    .await;
    let client = client_for(&server)
        .authenticate(ChallengeAnswerer::default())
        .build()
        .unwrap();
    let response = send(&client, get(&client, "/digest")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].contains("authorization:"), "{}", requests[0]);
    assert!(
        requests[1].contains("authorization: Digest response=n1\r\n"),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn a_second_challenge_in_the_same_attempt_is_returned_not_answered() {
    let auth = Arc::new(ChallengeAnswerer::default());
    let server = Server::start(vec![
        response(
            "401 Unauthorized",
            &["www-authenticate: Digest nonce=n1"],
            b"",
        ),
        response(
            "401 Unauthorized",
            &["www-authenticate: Digest nonce=n2"],
            b"",
        ),
        response("200 OK", &[], b"{}"),
    ])
    .await;
    let client = client_for(&server)
        .authenticate(SharedAuth(Arc::clone(&auth)))
        .build()
        .unwrap();
    let response = send(&client, get(&client, "/digest")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(auth.challenges_seen.load(Ordering::SeqCst), 1);
}

/// Lets a test keep a handle on the authenticator it gave the client.
struct SharedAuth(Arc<ChallengeAnswerer>);

impl Authenticate for SharedAuth {
    fn authorize<'a>(
        &'a self,
        request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        self.0.authorize(request)
    }

    fn on_response<'a>(
        &'a self,
        request: &'a http::Request<Vec<u8>>,
        response: &'a http::Response<Bytes>,
    ) -> BoxFuture<'a, bool> {
        self.0.on_response(request, response)
    }
}

/// Retries 503s right away, recording the attempt numbers it was asked about.
#[derive(Clone, Default)]
struct RetryUnavailable {
    asked: Arc<Mutex<Vec<u32>>>,
    always: bool,
}

impl RetryPolicy for RetryUnavailable {
    fn retry_after(
        &self,
        attempt: &Attempt<'_>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration> {
        self.asked.lock().unwrap().push(attempt.number);
        let unavailable = matches!(outcome, Ok(response) if response.status() == 503);
        (self.always || unavailable).then_some(Duration::from_millis(1))
    }
}

#[tokio::test]
async fn the_retry_policy_is_asked_after_each_attempt_and_can_retry() {
    let server = Server::start(vec![
        response("503 Service Unavailable", &[], b""),
        response("503 Service Unavailable", &[], b""),
        response("200 OK", &[], b"{}"),
    ])
    .await;
    let policy = RetryUnavailable::default();
    let client = client_for(&server)
        .retry_policy(policy.clone())
        .build()
        .unwrap();
    let response = send(&client, get(&client, "/flaky")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(*policy.asked.lock().unwrap(), [1, 2, 3]);
}

#[tokio::test]
async fn attempts_stop_at_ten_whatever_the_policy_says() {
    let replies = (0..11)
        .map(|_| response("503 Service Unavailable", &[], b""))
        .collect();
    let server = Server::start(replies).await;
    let policy = RetryUnavailable {
        always: true,
        ..RetryUnavailable::default()
    };
    let client = client_for(&server)
        .retry_policy(policy.clone())
        .build()
        .unwrap();
    let response = send(&client, get(&client, "/down")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 10);
    assert_eq!(policy.asked.lock().unwrap().len(), 9);
}

#[tokio::test]
async fn without_a_policy_a_failure_is_returned_after_one_attempt() {
    let server = Server::start(vec![
        response("503 Service Unavailable", &[], b""),
        response("200 OK", &[], b""),
    ])
    .await;
    let client = client_for(&server).no_retries().build().unwrap();
    let response = send(&client, get(&client, "/once")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_connect_error() {
    // Bind, note the port, close it: nothing listens there any more.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(BaseUrl::parse(&format!("http://{addr}")).unwrap())
        .connect_timeout(Duration::from_secs(2))
        .no_retries()
        .build()
        .unwrap();
    let error = send(&client, get(&client, "/")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_retryable_timeout() {
    let server = Server::start(vec![Reply::new("").then_hold(Duration::from_secs(5))]).await;
    let client = client_for(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = send(&client, get(&client, "/slow")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_retryable_io_error() {
    let server = Server::start(vec![Reply::new(
        "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly a little",
    )])
    .await;
    let client = client_for(&server).build().unwrap();
    let error = send(&client, get(&client, "/cut")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    let server = Server::start(vec![
        response(
            "302 Found",
            &["location: http://127.0.0.1:9/elsewhere"],
            b"",
        ),
        response("200 OK", &[], b""),
    ])
    .await;
    let client = client_for(&server)
        .authenticate(BearerToken::new("tok"))
        .build()
        .unwrap();
    let response = send(&client, get(&client, "/moved")).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::FOUND);
    assert_eq!(server.requests().len(), 1);
}

/// Never lets a request out, as an authenticator whose credentials are gone would.
struct FailingAuth;

impl Authenticate for FailingAuth {
    fn authorize<'a>(
        &'a self,
        _request: &'a mut http::Request<Vec<u8>>,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async {
            Err(TransportError::new(
                TransportErrorKind::Other,
                "no credentials",
                None,
            ))
        })
    }
}

#[tokio::test]
async fn an_authenticator_failure_stops_the_request_before_sending() {
    let server = Server::start(vec![response("200 OK", &[], b"")]).await;
    let client = client_for(&server)
        .authenticate(FailingAuth)
        .build()
        .unwrap();
    let error = send(&client, get(&client, "/")).await.unwrap_err();
    assert_eq!(error.to_string(), "request failed: no credentials");
    assert!(server.requests().is_empty());
}

#[test]
fn the_seams_keep_their_old_paths_beside_their_module_homes() {
    // Each line compiles only if the two paths name the same item.
    let token: atlas_runtime::auth::BearerToken = atlas_runtime::client::BearerToken::new("t");
    let _: &dyn atlas_runtime::auth::Authenticate =
        &token as &dyn atlas_runtime::client::Authenticate;
    let _: &dyn atlas_runtime::Authenticate = &token;
    let policy: atlas_runtime::retry::NoRetry = atlas_runtime::client::NoRetry;
    let _: &dyn atlas_runtime::retry::RetryPolicy =
        &policy as &dyn atlas_runtime::client::RetryPolicy;
    let _: &dyn atlas_runtime::RetryPolicy = &policy;
    let method = http::Method::GET;
    let _: atlas_runtime::retry::Attempt<'_> =
        atlas_runtime::client::Attempt::new(1, &method, Duration::ZERO);
    let future: atlas_runtime::client::BoxFuture<'_, ()> =
        Box::pin(async {}) as atlas_runtime::auth::BoxFuture<'_, ()>;
    drop(future);
}
