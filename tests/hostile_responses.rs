//! The generated client against broken and hostile servers: every answer is
//! either a decoded value (where the leniency rules say so) or a typed error
//! that keeps the status and the first bytes of the body; never a panic, a
//! hang or unbounded memory.
//!
//! The server is a few lines of tokio written here, on 127.0.0.1 with an
//! ephemeral port, because it must send what no well-behaved server library
//! would: wrong `Content-Length`, invalid UTF-8, a body that is not HTTP.
//! Each connection gets the scripted bytes, then is closed; the server task
//! is aborted when the test drops it.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, Checked, Client, ClusterName, DeliveryMethod, Error,
    GetGroupClusterRestoreJob, GroupId, JobId, RestoreJobStatus,
};
use atlas_runtime::http::StatusCode;
use atlas_runtime::TransportErrorKind;
use atlasgen_tests as support;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Bounds every call, so a client that hung would fail the test instead.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);
const JOB_TYPE: &str = "application/vnd.atlas.2023-01-01+json";

/// A server that answers every connection with the same raw bytes.
struct RawServer {
    port: u16,
    task: JoinHandle<()>,
}

impl RawServer {
    async fn start(answer: Vec<u8>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    // Read the request head (a GET has no body), then answer and close.
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 64 * 1024 {
                        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
                            .await
                        {
                            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
                            _ => return,
                        }
                    }
                    let _ = stream.write_all(&answer).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        RawServer { port, task }
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A full HTTP/1.1 response with a correct `Content-Length`.
fn response(status: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    if let Some(t) = content_type {
        head.push_str(&format!("content-type: {t}\r\n"));
    }
    head.push_str("\r\n");
    [head.into_bytes(), body.to_vec()].concat()
}

fn client(server: &RawServer, max_body: u64) -> Client {
    let runtime = atlas_runtime::client::Client::builder()
        .base_url_str(&format!("http://127.0.0.1:{}", server.port))
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .max_body_bytes(max_body)
        .no_retries()
        .build()
        .expect("the client builds");
    Client::from_runtime(runtime)
}

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new("32b6e34b3d91647abb20e7b8").expect("valid group id"),
        ClusterName::new("Cluster0").expect("valid cluster name"),
        JobId::new("5a0a1e7e0f2912c554080adc").expect("valid job id"),
    )
}

/// One call through the generated client against a server sending `answer`.
async fn call(answer: Vec<u8>, max_body: u64) -> Result<BackupRestoreJob, Error<ApiError>> {
    let server = RawServer::start(answer).await;
    let client = client(&server, max_body);
    tokio::time::timeout(
        CALL_TIMEOUT,
        client.get_group_cluster_restore_job(&operation()),
    )
    .await
    .expect("the client answers within the timeout")
}

async fn call_with(
    status: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<BackupRestoreJob, Error<ApiError>> {
    call(response(status, content_type, body), 1024 * 1024).await
}

/// Asserts `Undecodable` with this status, the body kept byte for byte, and
/// a `Debug` that shows at most the first bytes.
fn assert_undecodable(result: Result<BackupRestoreJob, Error<ApiError>>, status: u16, body: &[u8]) {
    let error = match result {
        Ok(job) => panic!("expected an undecodable body, got {job:?}"),
        Err(e) => e,
    };
    assert!(matches!(error, Error::Undecodable { .. }), "{error:?}");
    assert_eq!(
        error.status(),
        Some(StatusCode::from_u16(status).expect("a status"))
    );
    assert_eq!(error.body_bytes(), Some(body));
    let debug = format!("{error:?}");
    assert!(
        debug.len() < 2_000,
        "Debug is bounded, got {} bytes",
        debug.len()
    );
    // Display names the status and the size, and never dumps the body.
    let display = error.to_string();
    assert!(
        display.contains(&status.to_string()) && display.contains(&format!("{} bytes", body.len())),
        "{display}"
    );
}

fn transport_kind(result: Result<BackupRestoreJob, Error<ApiError>>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(t)) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

const MINIMAL_JOB: &[u8] = br#"{"delivery": {"methodName": "HTTP"}}"#;

#[tokio::test]
async fn truncated_json_is_undecodable_and_keeps_status_and_bytes() {
    let body = br#"{"delivery": {"methodName": "HT"#;
    assert_undecodable(call_with("200 OK", Some(JOB_TYPE), body).await, 200, body);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let mut answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n".to_vec();
    answer.extend_from_slice(MINIMAL_JOB);
    assert_eq!(
        transport_kind(call(answer, 1024 * 1024).await),
        TransportErrorKind::Io
    );
}

#[tokio::test]
async fn a_body_longer_than_its_content_length_is_cut_at_the_declared_length() {
    // HTTP framing wins: the extra bytes are not part of this response.
    let mut answer = format!("HTTP/1.1 200 OK\r\ncontent-type: {JOB_TYPE}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", MINIMAL_JOB.len()).into_bytes();
    answer.extend_from_slice(MINIMAL_JOB);
    answer.extend_from_slice(b"GARBAGE AFTER THE BODY");
    let job = call(answer, 1024 * 1024)
        .await
        .expect("the declared body decodes");
    assert_eq!(job.delivery.method_name, DeliveryMethod::Http);
}

#[tokio::test]
async fn a_wrong_content_type_does_not_stop_a_json_body_from_decoding() {
    // Leniency: the body is what counts; proxies mislabel.
    let job = call_with("200 OK", Some("text/plain; charset=latin1"), MINIMAL_JOB)
        .await
        .expect("decodes");
    assert_eq!(job.delivery.method_name, DeliveryMethod::Http);
}

#[tokio::test]
async fn an_html_error_page_sent_with_200_is_undecodable_and_names_its_content_type() {
    let body = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>";
    let result = call_with("200 OK", Some("text/html"), body).await;
    if let Err(Error::Undecodable { content_type, .. }) = &result {
        assert_eq!(content_type.as_deref(), Some("text/html"));
    }
    assert_undecodable(result, 200, body);
}

#[tokio::test]
async fn an_html_page_with_a_documented_error_status_is_undecodable_with_that_status() {
    let body = b"<html><body><h1>404 Not Found</h1></body></html>";
    assert_undecodable(
        call_with("404 Not Found", Some("text/html"), body).await,
        404,
        body,
    );
}

#[tokio::test]
async fn an_empty_body_is_undecodable() {
    assert_undecodable(call_with("200 OK", Some(JOB_TYPE), b"").await, 200, b"");
}

#[tokio::test]
async fn a_body_declared_larger_than_the_cap_is_refused() {
    let body = vec![b' '; 64 * 1024];
    let kind = transport_kind(call(response("200 OK", Some(JOB_TYPE), &body), 1024).await);
    assert_eq!(kind, TransportErrorKind::BodyTooLarge { limit: 1024 });
}

#[tokio::test]
async fn a_chunked_body_larger_than_the_cap_is_refused_while_reading() {
    let mut answer = format!("HTTP/1.1 200 OK\r\ncontent-type: {JOB_TYPE}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n").into_bytes();
    for _ in 0..64 {
        answer.extend_from_slice(b"400\r\n");
        answer.extend_from_slice(&[b' '; 0x400]);
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"0\r\n\r\n");
    let kind = transport_kind(call(answer, 4096).await);
    assert_eq!(kind, TransportErrorKind::BodyTooLarge { limit: 4096 });
}

#[tokio::test]
async fn deeply_nested_json_is_undecodable_without_overflowing_the_stack() {
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    assert_undecodable(call_with("200 OK", Some(JOB_TYPE), &body).await, 200, &body);
    // The same depth inside a field the model leaves open (`parameters: [{}]`).
    let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error_body =
        format!(r#"{{"error": 400, "errorCode": "X", "parameters": [{inner}]}}"#).into_bytes();
    let result = call_with("400 Bad Request", Some("application/json"), &error_body).await;
    assert_undecodable(result, 400, &error_body);
}

#[tokio::test]
async fn invalid_utf8_in_a_string_is_undecodable() {
    let body = b"{\"delivery\": {\"methodName\": \"HTTP\"}, \"clusterName\": \"\xff\xfe\xfd\"}";
    assert_undecodable(call_with("200 OK", Some(JOB_TYPE), body).await, 200, body);
}

#[tokio::test]
async fn null_where_an_object_is_required_is_undecodable() {
    for body in [
        &b"null"[..],
        br#"{"delivery": null}"#,
        br#"[]"#,
        br#""job""#,
    ] {
        assert_undecodable(call_with("200 OK", Some(JOB_TYPE), body).await, 200, body);
    }
}

#[tokio::test]
async fn a_missing_required_field_is_undecodable() {
    for body in [&b"{}"[..], br#"{"delivery": {}}"#] {
        assert_undecodable(call_with("200 OK", Some(JOB_TYPE), body).await, 200, body);
    }
    // The 404 body leaves out a field its schema requires; which fields are
    // required differs between specs (none of ApiError's in the 2023 one).
    let spec = support::spec();
    let schema = support::status_schema("404", &[]);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str())
        .collect();
    let result = call_with("404 Not Found", Some("application/json"), b"{}").await;
    if required.is_empty() {
        // Nothing is required: an empty object is a whole error body.
        assert!(
            matches!(result, Err(Error::Api { ref body, .. }) if support::wire(&**body) == serde_json::json!({})),
            "{result:?}"
        );
    } else {
        assert_undecodable(result, 404, b"{}");
        // All but one required field is not enough either.
        let mut partial = serde_json::Map::new();
        for name in &required[1..] {
            let property = support::resolve_ref(&spec, &schema["properties"][*name]);
            let value = match property["type"].as_str() {
                Some("integer") => serde_json::json!(404),
                Some("boolean") => serde_json::json!(true),
                Some("array") => serde_json::json!([]),
                Some("object") => serde_json::json!({}),
                _ => serde_json::json!("x"),
            };
            partial.insert((*name).to_owned(), value);
        }
        let body = serde_json::to_vec(&partial).expect("JSON");
        assert_undecodable(
            call_with("404 Not Found", Some("application/json"), &body).await,
            404,
            &body,
        );
    }
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept_as_unknown() {
    let body = br#"{"delivery": {"methodName": "CARRIER_PIGEON"}, "statusName": "EXPLODED"}"#;
    let job = call_with("200 OK", Some(JOB_TYPE), body)
        .await
        .expect("open enums decode");
    assert_eq!(
        job.delivery.method_name,
        DeliveryMethod::Unknown("CARRIER_PIGEON".to_owned())
    );
    assert_eq!(
        job.status_name,
        Some(RestoreJobStatus::Unknown("EXPLODED".to_owned()))
    );
}

#[tokio::test]
async fn unknown_extra_fields_are_ignored() {
    let body = br#"{"delivery": {"methodName": "HTTP", "newField": [1, {"a": null}]}, "surprise": {"deep": {"er": true}}, "id": "5a0a1e7e0f2912c554080adc"}"#;
    let job = call_with("200 OK", Some(JOB_TYPE), body)
        .await
        .expect("unknown fields are ignored");
    assert!(matches!(job.id, Some(Checked::Valid(_))), "{:?}", job.id);
}

#[tokio::test]
async fn a_value_breaking_its_pattern_or_format_is_kept_as_invalid() {
    let body = br#"{"delivery": {"methodName": "HTTP", "expires": "yesterday"}, "groupId": "../../etc/passwd", "masterKeyUUID": 42}"#;
    let job = call_with("200 OK", Some(JOB_TYPE), body)
        .await
        .expect("lenient on server values");
    assert!(
        matches!(job.group_id, Some(Checked::Invalid(_))),
        "{:?}",
        job.group_id
    );
    assert!(
        matches!(job.master_key_uuid, Some(Checked::Invalid(_))),
        "{:?}",
        job.master_key_uuid
    );
    assert!(
        matches!(job.delivery.expires, Some(Checked::Invalid(_))),
        "{:?}",
        job.delivery.expires
    );
}

#[tokio::test]
async fn a_number_out_of_its_range_is_undecodable() {
    for body in [
        &br#"{"delivery": {"methodName": "HTTP", "maxDownloads": 99999999999}}"#[..],
        br#"{"delivery": {"methodName": "HTTP", "maxDownloads": 1e999}}"#,
        br#"{"delivery": {"methodName": "HTTP", "maxDownloads": 1.5}}"#,
    ] {
        assert_undecodable(call_with("200 OK", Some(JOB_TYPE), body).await, 200, body);
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_body() {
    let body = b"I'm a teapot";
    let error = call_with("418 I'm a teapot", Some("text/plain"), body)
        .await
        .expect_err("418 is not documented");
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(error.body_bytes(), Some(&body[..]));
    assert_eq!(
        error
            .headers()
            .and_then(|h| h.get("content-type"))
            .map(|v| v.as_bytes()),
        Some(&b"text/plain"[..])
    );
}

#[tokio::test]
async fn a_huge_error_body_is_kept_whole_but_debug_shows_only_its_start() {
    let detail = "x".repeat(200_000);
    let body = format!("<html>{detail}</html>").into_bytes();
    let error = call_with("500 Internal Server Error", Some("text/html"), &body)
        .await
        .expect_err("HTML is not ApiError");
    assert_eq!(error.body_bytes().map(<[u8]>::len), Some(body.len()));
    let debug = format!("{error:?}");
    assert!(
        debug.len() < 2_000 && debug.contains("<html>xxx") && debug.contains("200013 bytes"),
        "{debug}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_a_transport_error() {
    for answer in [
        &b"SSH-2.0-OpenSSH_9.6\r\n"[..],
        b"\x00\x01\x02\xff",
        b"HTTP/1.1 999999 Nope\r\n\r\n",
        b"",
    ] {
        let result = call(answer.to_vec(), 1024 * 1024).await;
        assert!(
            matches!(result, Err(Error::Transport(_))),
            "{:?}: {result:?}",
            String::from_utf8_lossy(answer)
        );
    }
}

#[tokio::test]
async fn response_headers_with_control_characters_are_refused_or_survive_intact() {
    let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-evil: a\x01b\r\ncontent-length: 36\r\nconnection: close\r\n\r\n{\"delivery\": {\"methodName\": \"HTTP\"}}".to_vec();
    match call(answer, 1024 * 1024).await {
        Ok(job) => assert_eq!(job.delivery.method_name, DeliveryMethod::Http),
        Err(Error::Transport(_)) => {}
        Err(other) => panic!("unexpected {other:?}"),
    }
}
