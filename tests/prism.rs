//! The client against Stoplight Prism (npm `@stoplight/prism-cli` 5.14.2) mocking
//! `spec/openapi.yaml`. Each test starts its own Prism with
//! `tests/servers/node_modules/.bin/prism mock spec/openapi.yaml -h 127.0.0.1 -p <free port>`
//! and kills it by its process id when done.
//!
//! Prism validates every request against the spec (path patterns, query types, `Accept`,
//! security), so an answer of 400, 401, 406 or 422 to a valid call would be a client bug.
//! The spec's schemes are Digest and OAuth 2.0; Prism accepts `Authorization: Bearer` for the
//! OAuth 2.0 one (and cannot answer a Digest handshake), so the client sends a test token.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

#[path = "servers/harness.rs"]
mod harness;

#[path = "examples/fetch_restore_job.rs"]
#[allow(dead_code)] // its `main` is for the example binary
mod fetch_restore_job;

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, ClusterName, Error, GetGroupClusterRestoreJob, GroupId, JobId,
};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::client::{BearerToken, Client, ClientBuilder, RequestHook};
use atlas_runtime::http;
use atlas_runtime::TransportError;
use atlasgen_tests as support;
use harness::{require, Ready, ServerProcess};
use serde_json::Value;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
const TEST_TOKEN: &str = "prism-test-token";

/// Starts Prism on `spec/openapi.yaml` with `extra` arguments; `None` (skipped) where it is
/// not installed outside CI.
fn start_prism(extra: &[&str]) -> Option<ServerProcess> {
    let prism = require(
        harness::npm_bin("prism"),
        "Prism (npm @stoplight/prism-cli)",
    )?;
    Some(ServerProcess::start("prism", Ready::Accepts, |port| {
        let mut command = Command::new(&prism);
        command
            .arg("mock")
            .arg(harness::workspace_root().join("spec").join("openapi.yaml"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-v", "warn"])
            .args(extra);
        command
    }))
}

fn builder(prism: &ServerProcess) -> ClientBuilder {
    Client::builder()
        .base_url_str(&prism.url())
        .authenticate(BearerToken::new(TEST_TOKEN))
        .timeout(Duration::from_secs(10))
}

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(JOB).unwrap(),
    )
}

/// What the generated client method does: build, send, parse.
async fn fetch(
    client: &Client,
    operation: &GetGroupClusterRestoreJob,
) -> Result<BackupRestoreJob, Error<ApiError>> {
    let request = operation
        .to_request(client.base_url())
        .map_err(Error::InvalidRequest)?;
    client
        .execute(request, |response| operation.parse_response(response))
        .await
}

fn documented_job() -> BackupRestoreJob {
    serde_json::from_value(support::documented_example("200")).unwrap()
}

/// Records the violations Prism reports about each request (its `sl-violations` header).
#[derive(Clone, Default)]
struct RequestViolations(Arc<Mutex<Vec<Value>>>);

impl RequestHook for RequestViolations {
    fn on_response(
        &self,
        _request: &http::Request<Vec<u8>>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) {
        let Ok(response) = outcome else { return };
        for value in response.headers().get_all("sl-violations") {
            let parsed: Value = serde_json::from_slice(value.as_bytes()).unwrap_or(Value::Null);
            for violation in parsed.as_array().into_iter().flatten() {
                if violation["location"][0] == "request" {
                    self.0.lock().unwrap().push(violation.clone());
                }
            }
        }
    }
}

#[tokio::test]
async fn valid_calls_pass_prism_validation_and_decode_the_documented_job() {
    let Some(prism) = start_prism(&[]) else {
        return;
    };
    let violations = RequestViolations::default();
    let client = builder(&prism)
        .request_hook(violations.clone())
        .build()
        .unwrap();
    for (name, operation) in [
        ("plain", operation()),
        ("pretty=true", operation().pretty(true)),
        ("pretty=false", operation().pretty(false)),
        // Prism knows no envelope: the body comes bare, and still decodes.
        ("envelope=true", operation().envelope(true)),
        ("envelope=false", operation().envelope(false)),
    ] {
        let job = fetch(&client, &operation)
            .await
            .unwrap_or_else(|error| panic!("{name}: {error:?}\n{}", prism.output()));
        assert_eq!(job, documented_job(), "{name}");
    }
    let violations = violations.0.lock().unwrap().clone();
    assert!(violations.is_empty(), "{violations:?}");
}

#[tokio::test]
async fn prefer_code_404_and_500_decode_into_the_typed_api_error() {
    let Some(prism) = start_prism(&[]) else {
        return;
    };
    for status in support::documented_error_statuses() {
        // The Prefer header goes through the client's own header seam.
        let client = builder(&prism)
            .with_header("Prefer", format!("code={status}"))
            .no_retries()
            .build()
            .unwrap();
        let error = fetch(&client, &operation())
            .await
            .expect_err("Prism answers the preferred error");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let expected: ApiError =
            serde_json::from_value(support::documented_example(&status.to_string())).unwrap();
        match error {
            Error::Api { body, .. } => assert_eq!(*body, expected, "{status}"),
            other => panic!("{status}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn fifty_dynamically_generated_responses_all_decode() {
    const FAKER: &str = "--json-schema-faker-fillProperties=false";
    // Seeded, as the issue asks: Prism re-seeds for each request, so all 50 answers are one
    // reproducible body. Unseeded: 50 different bodies (a failure prints the body).
    let (seeded, unseeded) = std::thread::scope(|scope| {
        let seeded = scope.spawn(|| start_prism(&["-d", "--seed", "1", FAKER]));
        let unseeded = scope.spawn(|| start_prism(&["-d", FAKER]));
        (seeded.join().unwrap(), unseeded.join().unwrap())
    });
    let (Some(seeded), Some(unseeded)) = (seeded, unseeded) else {
        return;
    };
    for (prism, name) in [(&seeded, "seed 1"), (&unseeded, "unseeded")] {
        let client = builder(prism).build().unwrap();
        let mut distinct = std::collections::HashSet::new();
        for index in 0..50 {
            let job = fetch(&client, &operation()).await.unwrap_or_else(|error| {
                panic!("{name}, response {index}: {error:?}\n{}", prism.output())
            });
            assert_ne!(job, documented_job(), "{name}: generated, not the example");
            distinct.insert(serde_json::to_string(&job).unwrap());
        }
        if name == "seed 1" {
            assert_eq!(distinct.len(), 1, "{name}: {distinct:?}");
        } else {
            assert!(distinct.len() > 40, "{name}: {} distinct", distinct.len());
        }
    }
}

/// The example binary `cargo test --workspace` builds beside this test, if it is there and
/// newer than its source (a lone `cargo test --test prism` does not build it).
fn built_example() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let binary = exe
        .parent()?
        .parent()?
        .join("examples")
        .join("fetch_restore_job");
    let source = harness::workspace_root()
        .join("tests")
        .join("examples")
        .join("fetch_restore_job.rs");
    let modified = |path: &PathBuf| std::fs::metadata(path).and_then(|meta| meta.modified());
    match (modified(&binary), modified(&source)) {
        (Ok(built), Ok(written)) if built >= written => Some(binary),
        _ => {
            println!(
                "the example binary {} is missing or older than its source; \
                 checked its logic only (cargo test --workspace builds it)",
                binary.display()
            );
            None
        }
    }
}

#[tokio::test]
async fn the_example_fetches_a_job_from_prism_with_a_service_account_from_the_environment() {
    let Some(prism) = start_prism(&[]) else {
        return;
    };
    // Atlas' token endpoint sits on the same base URL as the API: oauth2-mock-server at
    // /api/oauth/token, forwarding API calls with a token it issued to Prism.
    let Some(node) = harness::find_node() else {
        return;
    };
    if require(
        harness::npm_bin("oauth2-mock-server"),
        "oauth2-mock-server (npm, tests/servers)",
    )
    .is_none()
    {
        return;
    }
    let front = ServerProcess::start("oauth2-mock-server", harness::OAUTH_READY, |port| {
        let mut command = harness::oauth_server(&node, port);
        command
            .args(["--client-id", "example-id"])
            .args(["--client-secret", "example-secret"])
            .args(["--upstream", &prism.url()]);
        command
    });

    let env = |name: &str| match name {
        "MONGODB_ATLAS_CLIENT_ID" => Some("example-id".to_owned()),
        "MONGODB_ATLAS_CLIENT_SECRET" => Some("example-secret".to_owned()),
        _ => None,
    };
    let args = |base_url: &str| {
        vec![
            GROUP.to_owned(),
            CLUSTER.to_owned(),
            JOB.to_owned(),
            "--base-url".to_owned(),
            base_url.to_owned(),
        ]
    };
    let printed = fetch_restore_job::run(args(&front.url()), env)
        .await
        .unwrap_or_else(|failure| panic!("{}\n{}", failure.message(), front.output()));
    let job: BackupRestoreJob = serde_json::from_str(&printed).unwrap();
    assert_eq!(job, documented_job());
    assert!(printed.contains("\n  \""), "pretty JSON: {printed}");

    // Without credentials: a readable error naming the variables to set.
    let failure = fetch_restore_job::run(args(&front.url()), |_| None)
        .await
        .expect_err("no credentials");
    assert_eq!(failure.exit_code(), 1);
    assert!(failure.message().contains("MONGODB_ATLAS_PUBLIC_API_KEY"));
    // A malformed id: a usage error naming the rule, nothing sent.
    let failure = fetch_restore_job::run(vec!["not-hex".into(), CLUSTER.into(), JOB.into()], env)
        .await
        .expect_err("a malformed group id");
    assert_eq!(failure.exit_code(), 2);
    assert!(
        failure.message().contains("not-hex"),
        "{}",
        failure.message()
    );

    let Some(binary) = built_example() else {
        return;
    };
    let run = |with_credentials: bool| {
        let mut command = Command::new(&binary);
        command
            .args(args(&front.url()))
            .env_remove("MONGODB_ATLAS_CLIENT_ID")
            .env_remove("MONGODB_ATLAS_CLIENT_SECRET")
            .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
            .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY");
        if with_credentials {
            command
                .env("MONGODB_ATLAS_CLIENT_ID", "example-id")
                .env("MONGODB_ATLAS_CLIENT_SECRET", "example-secret");
        }
        command.output().expect("the example runs")
    };
    let output = run(true);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let job: BackupRestoreJob = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(job, documented_job());
    let output = run(false);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: no Atlas credentials"),
        "{stderr}"
    );
}
