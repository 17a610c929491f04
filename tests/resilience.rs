//! Retries, timeouts and the body cap against a small HTTP server written here on tokio
//! (127.0.0.1, an ephemeral port, stopped when the test drops it): it answers each
//! connection as scripted (a response, a hang, a dropped connection, an endless body) and
//! records when each request arrived and what it carried.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use atlas_admin::{
    ApiError, BackupRestoreJob, ClusterName, Error, GetGroupClusterRestoreJob, GroupId, JobId,
};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::client::{Client, ClientBuilder, RequestHook};
use atlas_runtime::http;
use atlas_runtime::retry::ExponentialBackoff;
use atlas_runtime::{TransportError, TransportErrorKind};
use atlasgen_tests as support;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
/// Bounds every test's wait on the client.
const TEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the server does with one connection.
#[derive(Clone)]
enum Action {
    /// Answers with these bytes, then closes.
    Reply(Vec<u8>),
    /// Reads the request and says nothing for this long.
    Hang(Duration),
    /// Reads the request and closes the connection without answering.
    Drop,
    /// Sends these headers, then body bytes until the client goes away (at most 256 MiB).
    Endless(String),
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    at: Instant,
    head: String,
}

struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Body bytes the `Endless` actions managed to write.
    streamed: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves the connections in order, one action each; later ones get the last action.
    async fn start(actions: Vec<Action>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(AtomicUsize::new(0));
        let (seen_by_task, streamed_by_task) = (Arc::clone(&seen), Arc::clone(&streamed));
        let task = tokio::spawn(async move {
            let mut index = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let action = actions
                    .get(index)
                    .or(actions.last())
                    .cloned()
                    .unwrap_or(Action::Drop);
                index += 1;
                let (seen, streamed) = (Arc::clone(&seen_by_task), Arc::clone(&streamed_by_task));
                tokio::spawn(serve(stream, action, seen, streamed));
            }
        });
        Server {
            port,
            seen,
            streamed,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    action: Action,
    seen: Arc<Mutex<Vec<Seen>>>,
    streamed: Arc<AtomicUsize>,
) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(Seen {
        at: Instant::now(),
        head,
    });
    match action {
        Action::Reply(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Action::Hang(duration) => tokio::time::sleep(duration).await,
        Action::Drop => drop(stream),
        Action::Endless(head) => {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            for _ in 0..4096 {
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
                streamed.fetch_add(64 * 1024, Ordering::Relaxed);
            }
        }
    }
}

/// Reads a request's head (bodies are not sent by these tests' GETs; a POST's is ignored).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if read == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Some(String::from_utf8_lossy(&buffer).into_owned())
}

fn reply(status: &str, headers: &[&str], body: &[u8]) -> Action {
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
    Action::Reply(bytes)
}

fn job_reply() -> Action {
    reply(
        "200 OK",
        &["content-type: application/vnd.atlas.2023-01-01+json"],
        &support::documented_example_bytes("200"),
    )
}

fn error_reply(status: &str, code: u16) -> Action {
    let example = support::documented_example(&code.to_string());
    let body = if example.is_object() {
        serde_json::to_vec(&example).unwrap()
    } else {
        b"{}".to_vec()
    };
    reply(status, &["content-type: application/json"], &body)
}

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(JOB).unwrap(),
    )
}

/// A client for `server` with quick backoff, so tests do not sleep long.
fn builder(server: &Server) -> ClientBuilder {
    Client::builder()
        .base_url_str(&server.url())
        .timeout(Duration::from_secs(5))
        .retry_policy(
            ExponentialBackoff::default()
                .initial_delay(Duration::from_millis(20))
                .max_delay(Duration::from_millis(100)),
        )
}

/// What the generated client method does: build, send, parse; bounded by [`TEST_TIMEOUT`].
async fn fetch(client: &Client) -> Result<BackupRestoreJob, Error<ApiError>> {
    let operation = operation();
    let request = operation
        .to_request(client.base_url())
        .map_err(Error::InvalidRequest)?;
    let call = client.execute(request, |response| operation.parse_response(response));
    tokio::time::timeout(TEST_TIMEOUT, call)
        .await
        .expect("the client gives up within the test timeout")
}

fn transport_kind(error: &Error<ApiError>) -> TransportErrorKind {
    match error {
        Error::Transport(transport) => transport.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn documented_job() -> BackupRestoreJob {
    serde_json::from_value(support::documented_example("200")).unwrap()
}

#[tokio::test]
async fn a_429_is_retried_after_the_seconds_its_retry_after_names() {
    let server = Server::start(vec![
        reply("429 Too Many Requests", &["retry-after: 1"], b"{}"),
        job_reply(),
    ])
    .await;
    let job = fetch(&builder(&server).build().unwrap())
        .await
        .expect("the job, on the second attempt");
    assert_eq!(job, documented_job());
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_millis(1900), "{waited:?}");
}

/// `Retry-After` as an HTTP date, `seconds` from now (rounded up to whole seconds).
fn http_date_in(seconds: u64) -> String {
    let at = SystemTime::now() + Duration::from_secs(seconds);
    let since_epoch = at.duration_since(SystemTime::UNIX_EPOCH).unwrap();
    let secs = i64::try_from(since_epoch.as_secs()).unwrap() + 1;
    let date = atlas_runtime::chrono::DateTime::from_timestamp(secs, 0).unwrap();
    date.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test]
async fn a_503_is_retried_at_the_http_date_its_retry_after_names() {
    let date = http_date_in(1);
    let header = format!("retry-after: {date}");
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[&header], b""),
        job_reply(),
    ])
    .await;
    fetch(&builder(&server).build().unwrap())
        .await
        .expect("the job, on the second attempt");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(900),
        "{waited:?} for {date}"
    );
    assert!(
        waited <= Duration::from_millis(2900),
        "{waited:?} for {date}"
    );
}

#[tokio::test]
async fn a_503_then_200_backs_off_and_succeeds() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[], b""),
        reply("503 Service Unavailable", &[], b""),
        job_reply(),
    ])
    .await;
    let job = fetch(&builder(&server).build().unwrap())
        .await
        .expect("the job, on the third attempt");
    assert_eq!(job, documented_job());
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    // Backoff 20 ms then 40 ms, each drawn between half and all of it.
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(10));
    assert!(seen[2].at - seen[1].at >= Duration::from_millis(20));
}

#[tokio::test]
async fn gateway_errors_502_and_504_are_retried() {
    let server = Server::start(vec![
        reply("502 Bad Gateway", &[], b"<html>bad gateway</html>"),
        reply("504 Gateway Timeout", &[], b""),
        job_reply(),
    ])
    .await;
    fetch(&builder(&server).build().unwrap())
        .await
        .expect("the job, on the third attempt");
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_and_the_next_attempt_succeeds() {
    let server = Server::start(vec![Action::Drop, job_reply()]).await;
    fetch(&builder(&server).build().unwrap())
        .await
        .expect("the job, on the second attempt");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_hanging_server_times_out_each_attempt_and_ends_in_a_timeout_error() {
    let server = Server::start(vec![Action::Hang(Duration::from_secs(10))]).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .retry_policy(
            ExponentialBackoff::default()
                .max_attempts(2)
                .initial_delay(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let error = fetch(&client).await.expect_err("nothing ever answers");
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
    assert!(error.is_retryable());
    assert_eq!(server.seen().len(), 2);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_server_that_never_accepts_hits_the_connect_timeout() {
    // A listening socket with the smallest backlog, filled by connections never accepted:
    // the kernel drops further handshakes, so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address)).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let client = Client::builder()
        .base_url_str(&format!("http://{address}"))
        .connect_timeout(Duration::from_millis(300))
        // Far longer than the connect timeout, so only that can end it within 3 s.
        .timeout(Duration::from_secs(5))
        .no_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let error = fetch(&client)
        .await
        .expect_err("the connection never opens");
    let kind = transport_kind(&error);
    assert!(
        matches!(
            kind,
            TransportErrorKind::Timeout | TransportErrorKind::Connect
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop((fillers, listener));
}

#[tokio::test]
async fn other_4xx_and_500_are_never_retried() {
    for (status, code) in [
        ("400 Bad Request", 400),
        ("401 Unauthorized", 401),
        ("403 Forbidden", 403),
        ("404 Not Found", 404),
        ("409 Conflict", 409),
        ("500 Internal Server Error", 500),
    ] {
        let server = Server::start(vec![error_reply(status, code), job_reply()]).await;
        let error = fetch(&builder(&server).build().unwrap())
            .await
            .expect_err(status);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert_eq!(server.seen().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn a_post_is_not_retried_by_the_default_policy() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &["retry-after: 0"], b""),
        reply("200 OK", &[], b"{}"),
    ])
    .await;
    let client = builder(&server).build().unwrap();
    let mut request = http::Request::new(b"{}".to_vec());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = format!("{}/api/atlas/v2/groups", server.url())
        .parse()
        .unwrap();
    let response = tokio::time::timeout(TEST_TIMEOUT, client.send(request))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_the_maximum_number_of_attempts() {
    let server = Server::start(vec![reply("503 Service Unavailable", &[], b"")]).await;
    let client = builder(&server)
        .retry_policy(
            ExponentialBackoff::default()
                .max_attempts(3)
                .initial_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let error = fetch(&client).await.expect_err("always unavailable");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_overall_deadline_is_not_waited_for() {
    let server = Server::start(vec![
        reply("429 Too Many Requests", &["retry-after: 30"], b"{}"),
        job_reply(),
    ])
    .await;
    let client = builder(&server)
        .retry_policy(ExponentialBackoff::default().max_elapsed(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = fetch(&client).await.expect_err("the 429 comes back");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn with_retries_turned_off_one_attempt_is_made() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[], b""),
        job_reply(),
    ])
    .await;
    let client = builder(&server).no_retries().build().unwrap();
    let error = fetch(&client).await.expect_err("the 503 comes back");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_body_declared_larger_than_the_cap_is_refused_unread() {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10485760\r\n\r\n";
    let server = Server::start(vec![Action::Endless(head.to_owned())]).await;
    let client = builder(&server)
        .max_body_bytes(1024 * 1024)
        .build()
        .unwrap();
    let error = fetch(&client).await.expect_err("too large");
    assert_eq!(
        transport_kind(&error),
        TransportErrorKind::BodyTooLarge { limit: 1024 * 1024 }
    );
    assert!(!error.is_retryable());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_endless_chunked_body_is_refused_at_the_cap_without_reading_it_whole() {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let server = Server::start(vec![Action::Endless(head.to_owned())]).await;
    let client = builder(&server)
        .max_body_bytes(1024 * 1024)
        .build()
        .unwrap();
    let error = fetch(&client).await.expect_err("too large");
    assert_eq!(
        transport_kind(&error),
        TransportErrorKind::BodyTooLarge { limit: 1024 * 1024 }
    );
    // The server offered 256 MiB; the client stopped reading just past 1 MiB (socket
    // buffers hold a few more).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let streamed = server.streamed.load(Ordering::Relaxed);
    assert!(streamed < 64 * 1024 * 1024, "{streamed} bytes were sent");
}

/// Counts what it sees and adds a header of its own.
#[derive(Clone, Default)]
struct Counting {
    requests: Arc<AtomicUsize>,
    statuses: Arc<Mutex<Vec<u16>>>,
}

impl RequestHook for Counting {
    fn on_request(&self, request: &mut http::Request<Vec<u8>>) {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        request.headers_mut().insert(
            "x-hook-count",
            http::HeaderValue::from_str(&number.to_string()).unwrap(),
        );
    }

    fn on_response(
        &self,
        _request: &http::Request<Vec<u8>>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) {
        if let Ok(response) = outcome {
            self.statuses
                .lock()
                .unwrap()
                .push(response.status().as_u16());
        }
    }
}

#[tokio::test]
async fn extra_headers_and_request_hooks_apply_to_every_attempt() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[], b""),
        job_reply(),
    ])
    .await;
    let hook = Counting::default();
    let client = builder(&server)
        .with_header("X-Request-Source", "resilience-test")
        .with_header("Prefer", "code=200")
        .request_hook(hook.clone())
        .build()
        .unwrap();
    fetch(&client).await.expect("the job");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for (index, request) in seen.iter().enumerate() {
        let head = request.head.to_ascii_lowercase();
        assert!(head.contains("x-request-source: resilience-test"), "{head}");
        assert!(head.contains("prefer: code=200"), "{head}");
        assert!(
            head.contains(&format!("x-hook-count: {}", index + 1)),
            "{head}"
        );
    }
    assert_eq!(*hook.statuses.lock().unwrap(), [503, 200]);
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_attempt_runs_in_its_own_tracing_span() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[], b""),
        job_reply(),
    ])
    .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let client = builder(&server).build().unwrap();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        fetch(&client).await.expect("the job");
    }
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = output
        .lines()
        .filter(|line| line.contains("atlas_request") && line.contains("close"))
        .collect();
    assert_eq!(closes.len(), 2, "{output}");
    assert!(
        closes[0].contains("attempt=1") && closes[0].contains("http.status=503"),
        "{output}"
    );
    assert!(
        closes[1].contains("attempt=2") && closes[1].contains("http.status=200"),
        "{output}"
    );
    assert!(
        closes[0].contains(&format!("url.path=\"/api/atlas/v2/groups/{GROUP}")),
        "{output}"
    );
    assert!(output.contains("retrying"), "{output}");
}
