//! Sans-IO request building and response parsing for `getGroupClusterRestoreJob`:
//! no network, requests and responses are built and inspected by hand.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use atlas_admin::{
    ApiError, BackupRestoreJob, BaseUrl, ClusterName, Error, GetGroupClusterRestoreJob, GroupId,
    JobId,
};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::http::{self, header, Method, StatusCode};
use atlasgen_tests as support;
use serde_json::{json, Value};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
const ATLAS: &str = "https://cloud.mongodb.com";

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(JOB).unwrap(),
    )
}

fn build(operation: &GetGroupClusterRestoreJob, base: &str) -> http::Request<Vec<u8>> {
    let base_url = BaseUrl::parse(base).unwrap_or_else(|error| panic!("{base}: {error}"));
    operation
        .to_request(&base_url)
        .unwrap_or_else(|error| panic!("building against {base}: {error}"))
}

fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn documented_job() -> BackupRestoreJob {
    serde_json::from_value(support::documented_example("200")).unwrap()
}

fn documented_error(status: u16) -> ApiError {
    serde_json::from_value(support::documented_example(&status.to_string())).unwrap()
}

#[test]
fn request_is_a_get_to_the_exact_operation_url_without_a_query() {
    let request = build(&operation(), ATLAS);
    assert_eq!(request.method(), Method::GET);
    assert_eq!(
        request.uri().to_string(),
        format!("{ATLAS}/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/restoreJobs/{JOB}")
    );
    assert_eq!(request.uri().query(), None);
    assert!(!request.uri().to_string().contains('?'));
}

#[test]
fn envelope_true_and_pretty_false_are_sent_as_exactly_that_query() {
    let request = build(&operation().envelope(true).pretty(false), ATLAS);
    assert_eq!(request.uri().query(), Some("envelope=true&pretty=false"));
    assert_eq!(
        request.uri().to_string(),
        format!(
            "{ATLAS}/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/restoreJobs/{JOB}?envelope=true&pretty=false"
        )
    );
}

#[test]
fn each_query_flag_set_alone_is_the_only_parameter_sent() {
    let request = build(&operation().envelope(false), ATLAS);
    assert_eq!(request.uri().query(), Some("envelope=false"));
    let request = build(&operation().pretty(true), ATLAS);
    assert_eq!(request.uri().query(), Some("pretty=true"));
}

#[test]
fn accept_header_is_exactly_the_versioned_media_type_then_json() {
    let request = build(&operation(), ATLAS);
    let accept: Vec<_> = request.headers().get_all(header::ACCEPT).iter().collect();
    assert_eq!(
        accept,
        ["application/vnd.atlas.2023-01-01+json, application/json"]
    );
    assert_eq!(GetGroupClusterRestoreJob::ACCEPT, accept[0]);
}

#[test]
fn user_agent_is_atlas_admin_slash_the_crate_version() {
    let request = build(&operation(), ATLAS);
    let user_agent: Vec<_> = request
        .headers()
        .get_all(header::USER_AGENT)
        .iter()
        .collect();
    assert_eq!(user_agent, [atlas_admin::USER_AGENT]);
    let version = atlas_admin::USER_AGENT
        .strip_prefix("atlas-admin/")
        .unwrap_or_else(|| {
            panic!(
                "{:?} does not start with atlas-admin/",
                atlas_admin::USER_AGENT
            )
        });
    let numeric = version
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        numeric && version.split('.').count() == 3,
        "version {version:?}"
    );
}

#[test]
fn request_has_no_body_and_no_headers_but_accept_and_user_agent() {
    let request = build(&operation().envelope(true), ATLAS);
    assert!(request.body().is_empty());
    assert_eq!(request.headers().get(header::CONTENT_TYPE), None);
    let mut names: Vec<_> = request.headers().keys().map(|name| name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["accept", "user-agent"]);
}

#[test]
fn base_url_override_keeps_its_path_prefix_before_the_operation_path() {
    let expected = format!(
        "http://127.0.0.1:8080/prefix/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/restoreJobs/{JOB}"
    );
    for base in [
        "http://127.0.0.1:8080/prefix",
        "http://127.0.0.1:8080/prefix/",
    ] {
        let request = build(&operation(), base);
        assert_eq!(request.uri().to_string(), expected, "{base}");
    }
    let request = build(&operation().pretty(true), "http://127.0.0.1:8080/prefix");
    assert_eq!(request.uri().to_string(), format!("{expected}?pretty=true"));
}

#[test]
fn documented_200_body_parses_into_the_restore_job() {
    let body = support::documented_example_bytes("200");
    let parsed = operation()
        .parse_response(response(200, "application/vnd.atlas.2023-01-01+json", body))
        .expect("the documented 200 body parses");
    assert_eq!(parsed, documented_job());
}

#[test]
fn documented_404_body_is_a_typed_api_error_that_is_not_retryable() {
    let body = support::documented_example_bytes("404");
    let error = operation()
        .parse_response(response(404, "application/json", body))
        .expect_err("404 is an error");
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(!error.is_retryable());
    match error {
        Error::Api {
            status,
            body,
            headers,
        } => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert_eq!(*body, documented_error(404));
            // By wire name: `error` and `errorCode` are optional in the 2023 spec.
            let fields = support::wire(&body);
            assert_eq!(fields["error"], json!(404));
            assert_eq!(fields["errorCode"], json!("RESOURCE_NOT_FOUND"));
            assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[test]
fn each_documented_error_status_with_its_example_is_a_typed_api_error() {
    for status in support::documented_error_statuses() {
        let body = support::documented_example_bytes(&status.to_string());
        let error = operation()
            .parse_response(response(status, "application/json", body))
            .expect_err("a documented error status is an error");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(
            error.api_body(),
            Some(&documented_error(status)),
            "{status}"
        );
    }
}

#[test]
fn undocumented_503_is_an_unexpected_status_keeping_the_bytes_and_is_retryable() {
    let body = b"<html><body>Service Unavailable</body></html>".as_slice();
    let error = operation()
        .parse_response(response(503, "text/html", body))
        .expect_err("503 is an error");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.is_retryable());
    match error {
        Error::UnexpectedStatus {
            status,
            body: kept,
            headers,
        } => {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(kept, body);
            assert_eq!(headers[header::CONTENT_TYPE], "text/html");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[test]
fn html_body_on_200_is_undecodable_keeping_status_content_type_and_bytes() {
    let body = b"<!DOCTYPE html><html><body>Maintenance</body></html>".as_slice();
    let error = operation()
        .parse_response(response(200, "text/html; charset=utf-8", body))
        .expect_err("HTML is not a restore job");
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert!(!error.is_retryable());
    match error {
        Error::Undecodable {
            status,
            content_type,
            body: kept,
            ..
        } => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert_eq!(kept, body);
        }
        other => panic!("expected Error::Undecodable, got {other:?}"),
    }
}

#[test]
fn documented_error_status_with_a_body_of_another_shape_is_undecodable() {
    let body = b"Not Found".as_slice();
    let error = operation()
        .parse_response(response(404, "text/plain", body))
        .expect_err("404 is an error");
    match error {
        Error::Undecodable {
            status, body: kept, ..
        } => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert_eq!(kept, body);
        }
        other => panic!("expected Error::Undecodable, got {other:?}"),
    }
}

#[test]
fn enveloped_404_is_an_api_error_with_the_inner_status() {
    let error_body = support::documented_example("404");
    let body = json_bytes(&json!({"status": 404, "content": error_body}));
    let error = operation()
        .envelope(true)
        .parse_response(response(200, "application/json", body))
        .expect_err("the envelope carries a 404");
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    match error {
        Error::Api { status, body, .. } => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert_eq!(*body, documented_error(404));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[test]
fn enveloped_200_is_the_restore_job_it_contains() {
    let body = json_bytes(&json!({"status": 200, "content": support::documented_example("200")}));
    let parsed = operation()
        .envelope(true)
        .parse_response(response(200, "application/vnd.atlas.2023-01-01+json", body))
        .expect("the envelope carries the job");
    assert_eq!(parsed, documented_job());
}

#[test]
fn an_envelope_shaped_body_is_not_unwrapped_when_no_envelope_was_asked_for() {
    let body = json_bytes(&json!({"status": 200, "content": support::documented_example("200")}));
    for operation in [operation(), operation().envelope(false)] {
        let error = operation
            .parse_response(response(200, "application/json", body.clone()))
            .expect_err("an envelope is not a restore job");
        assert!(matches!(error, Error::Undecodable { .. }), "{error:?}");
    }
}
