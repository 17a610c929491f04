//! Real HTTP round trips: the generated async `Client` against a local wiremock
//! server (127.0.0.1, an ephemeral port, shut down when the test drops it).

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, BaseUrl, Client, ClusterName, Error, GetGroupClusterRestoreJob,
    GroupId, JobId,
};
use atlas_runtime::http::{header, StatusCode};
use atlas_runtime::TransportErrorKind;
use atlasgen_tests as support;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
const JOB_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
const ERROR_MEDIA_TYPE: &str = "application/json";
/// Bounds every exchange, so a hung server fails the test instead of stalling it.
const TIMEOUT: Duration = Duration::from_secs(5);

fn operation_path() -> String {
    format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/restoreJobs/{JOB}")
}

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(JOB).unwrap(),
    )
}

/// A fresh server, not one from wiremock's shared pool, so dropping it stops it.
async fn start_server() -> MockServer {
    MockServer::builder().start().await
}

fn client_for(server: &MockServer, timeout: Duration) -> Client {
    let base_url = BaseUrl::parse(&server.uri()).expect("the mock server's URI is a base URL");
    let runtime = Client::builder()
        .base_url(base_url)
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
        .expect("the client builds");
    Client::from_runtime(runtime)
}

/// Matches when the request has exactly one `Accept` header with exactly this value.
// wiremock's own `header` matcher splits values on commas, which this value holds.
fn accept_is_exactly(expected: &'static str) -> impl Fn(&Request) -> bool + Send + Sync {
    move |request: &Request| {
        let values: Vec<_> = request.headers.get_all(header::ACCEPT).iter().collect();
        values.len() == 1 && values[0] == expected
    }
}

/// The operation's route: GET, the exact path, the exact `Accept`.
fn route() -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(operation_path()))
        .and(accept_is_exactly(GetGroupClusterRestoreJob::ACCEPT))
}

fn documented_job() -> BackupRestoreJob {
    serde_json::from_value(support::documented_example("200")).unwrap()
}

#[tokio::test]
async fn documented_200_response_is_decoded_into_the_restore_job() {
    let server = start_server().await;
    route()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(support::documented_example_bytes("200"), JOB_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    let job = client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation())
        .await
        .expect("the documented 200 decodes");
    assert_eq!(job, documented_job());
    assert!(job.master_key_uuid.is_some_and(|key| !key.is_valid()));
}

#[tokio::test]
async fn each_documented_error_status_is_decoded_into_a_typed_api_error() {
    for status in support::documented_error_statuses() {
        let server = start_server().await;
        let example = support::documented_example(&status.to_string());
        route()
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(serde_json::to_vec(&example).unwrap(), ERROR_MEDIA_TYPE),
            )
            .expect(1)
            .mount(&server)
            .await;
        let error = client_for(&server, TIMEOUT)
            .get_group_cluster_restore_job(&operation())
            .await
            .expect_err("a documented error status is an error");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(!error.is_retryable(), "{status}");
        match error {
            Error::Api {
                status: got,
                body,
                headers,
            } => {
                assert_eq!(got.as_u16(), status);
                let expected: ApiError = serde_json::from_value(example).unwrap();
                assert_eq!(*body, expected, "{status}");
                // By wire name: `error` and `errorCode` are optional in the 2023 spec.
                let fields = support::wire(&body);
                assert_eq!(fields["error"], json!(status));
                assert!(fields["errorCode"].as_str().is_some_and(|c| !c.is_empty()));
                assert_eq!(headers[header::CONTENT_TYPE], ERROR_MEDIA_TYPE);
            }
            other => panic!("{status}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn undocumented_418_is_an_unexpected_status_keeping_the_body() {
    let server = start_server().await;
    let teapot = br#"{"short":"and stout"}"#.as_slice();
    route()
        .respond_with(ResponseTemplate::new(418).set_body_raw(teapot, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation())
        .await
        .expect_err("418 is an error");
    assert!(!error.is_retryable());
    match error {
        Error::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status, StatusCode::IM_A_TEAPOT);
            assert_eq!(body, teapot);
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn query_flags_arrive_when_set_and_the_envelope_is_unwrapped() {
    let server = start_server().await;
    let enveloped = json!({"status": 200, "content": support::documented_example("200")});
    route()
        .and(query_param("envelope", "true"))
        .and(query_param("pretty", "false"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(serde_json::to_vec(&enveloped).unwrap(), JOB_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    let job = client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation().envelope(true).pretty(false))
        .await
        .expect("the enveloped job decodes");
    assert_eq!(job, documented_job());
    let received = server
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), operation_path());
    assert_eq!(received[0].url.query(), Some("envelope=true&pretty=false"));
}

#[tokio::test]
async fn query_flags_are_absent_when_not_set() {
    let server = start_server().await;
    route()
        .and(query_param_is_missing("envelope"))
        .and(query_param_is_missing("pretty"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(support::documented_example_bytes("200"), JOB_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation())
        .await
        .expect("the documented 200 decodes");
    let received = server
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), None);
}

#[tokio::test]
async fn enveloped_error_over_http_200_is_an_api_error_with_the_inner_status() {
    let server = start_server().await;
    let enveloped = json!({"status": 404, "content": support::documented_example("404")});
    route()
        .and(query_param("envelope", "true"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(serde_json::to_vec(&enveloped).unwrap(), ERROR_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation().envelope(true))
        .await
        .expect_err("the envelope carries a 404");
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error
            .api_body()
            .map(|body| support::wire(body)["errorCode"].clone()),
        Some(json!("RESOURCE_NOT_FOUND"))
    );
}

#[tokio::test]
async fn requests_carry_the_generated_user_agent_and_no_body() {
    let server = start_server().await;
    route()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(support::documented_example_bytes("200"), JOB_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server, TIMEOUT)
        .get_group_cluster_restore_job(&operation())
        .await
        .expect("the documented 200 decodes");
    let received = server
        .received_requests()
        .await
        .expect("requests are recorded");
    let user_agents: Vec<_> = received[0]
        .headers
        .get_all(header::USER_AGENT)
        .iter()
        .collect();
    assert_eq!(user_agents, [atlas_admin::USER_AGENT]);
    assert!(received[0].body.is_empty());
}

#[tokio::test]
async fn a_user_agent_configured_on_the_client_builder_is_the_one_sent() {
    let server = start_server().await;
    route()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(support::documented_example_bytes("200"), JOB_MEDIA_TYPE),
        )
        .mount(&server)
        .await;
    let runtime = Client::builder()
        .base_url(BaseUrl::parse(&server.uri()).unwrap())
        .timeout(TIMEOUT)
        .user_agent("my-app/1.2.3")
        .build()
        .unwrap();
    Client::from_runtime(runtime)
        .get_group_cluster_restore_job(&operation())
        .await
        .expect("the documented 200 decodes");
    let received = server
        .received_requests()
        .await
        .expect("requests are recorded");
    let user_agents: Vec<_> = received[0]
        .headers
        .get_all(header::USER_AGENT)
        .iter()
        .collect();
    assert_eq!(user_agents, ["my-app/1.2.3"]);
}

#[tokio::test]
async fn a_server_slower_than_the_client_timeout_is_a_retryable_timeout() {
    let server = start_server().await;
    route()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(support::documented_example_bytes("200"), JOB_MEDIA_TYPE)
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let error = client_for(&server, Duration::from_millis(200))
        .get_group_cluster_restore_job(&operation())
        .await
        .expect_err("the answer comes too late");
    assert!(error.is_retryable(), "{error:?}");
    match error {
        Error::Transport(transport) => assert_eq!(transport.kind(), TransportErrorKind::Timeout),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}
