//! Service accounts (OAuth 2.0 client credentials) against a real token endpoint:
//! oauth2-mock-server from npm, mounted at `/api/oauth/token` by
//! `tests/servers/oauth-server.mjs` in front of an API that only answers tokens it issued,
//! unexpired and unrevoked. Each test starts its own (node, 127.0.0.1, a free port) and
//! kills it by its process id when done. The server's `/_test/stats` tells what it saw.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

#[path = "servers/harness.rs"]
mod harness;

use std::io::Write as _;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, ClusterName, Error, GetGroupClusterRestoreJob, GroupId, JobId,
};
use atlas_runtime::auth::{Credentials, SecurityScheme};
use atlas_runtime::client::Client;
use atlas_runtime::http::StatusCode;
use atlas_runtime::TransportErrorKind;
use atlasgen_tests as support;
use harness::{free_port, require, ServerProcess, TempDir, OAUTH_READY};
use serde_json::{json, Value};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
const CLIENT_ID: &str = "mdb_sa_id_6650d2d0f7a1e54c2b2e3f4a";
const CLIENT_SECRET: &str = "mdb_sa_sk_s3cret/with+odd chars";
/// The spec's schemes (what the generated `SECURITY_SCHEMES` holds).
const SCHEMES: &[SecurityScheme] = &[
    SecurityScheme::HttpDigest,
    SecurityScheme::OAuth2ClientCredentials {
        token_url: "https://cloud.mongodb.com/api/oauth/token",
    },
];

/// The token server and the API behind it.
struct OAuthServer {
    process: ServerProcess,
    _dir: TempDir,
}

impl OAuthServer {
    /// Starts it with tokens living `ttl` seconds, serving the documented job; `None`
    /// (skipped) where node or the npm packages are missing outside CI.
    fn start(ttl: u32) -> Option<OAuthServer> {
        Self::start_on(ttl, std::iter::repeat_with(free_port))
    }

    /// [`OAuthServer::start`] on the given ports, in turn.
    fn start_on(ttl: u32, ports: impl IntoIterator<Item = u16>) -> Option<OAuthServer> {
        let node = harness::find_node()?;
        require(
            harness::npm_bin("oauth2-mock-server"),
            "oauth2-mock-server (npm, tests/servers)",
        )?;
        let dir = TempDir::new("oauth");
        let fixture = dir.path().join("job.json");
        std::fs::write(&fixture, support::documented_example_bytes("200")).unwrap();
        let process = ServerProcess::start_on("oauth2-mock-server", OAUTH_READY, ports, |port| {
            let mut command = harness::oauth_server(&node, port);
            command
                .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
                .args(["--ttl", &ttl.to_string()])
                .arg("--fixture")
                .arg(&fixture);
            command
        });
        Some(OAuthServer { process, _dir: dir })
    }

    fn client(&self, credentials: Credentials) -> Client {
        Client::builder()
            .base_url_str(&self.process.url())
            .security_schemes(SCHEMES)
            .credentials(credentials)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("the client builds")
    }

    fn service_account(&self) -> Client {
        self.client(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
    }

    /// What the server saw: token requests and API requests.
    fn stats(&self) -> Value {
        let output = raw_http(&self.process, "GET", "/_test/stats");
        let body = output.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|error| panic!("stats: {error}: {output}"))
    }

    fn token_requests(&self) -> Vec<Value> {
        self.stats()["tokenRequests"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The status of each API request, in order.
    fn api_statuses(&self) -> Vec<u64> {
        self.stats()["apiRequests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|request| request["status"].as_u64())
            .collect()
    }

    fn control(&self, path: &str) {
        let output = raw_http(&self.process, "POST", path);
        assert!(output.starts_with("HTTP/1.1 204"), "{output}");
    }
}

/// One HTTP/1.0 exchange with the test server's control endpoints, over a plain socket.
fn raw_http(server: &ServerProcess, method: &str, path: &str) -> String {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port()))
        .unwrap_or_else(|error| server.fail(&format!("{method} {path}: {error}")));
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut output = String::new();
    let _ = stream.read_to_string(&mut output);
    output.replace("HTTP/1.0", "HTTP/1.1")
}

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(JOB).unwrap(),
    )
}

/// What the generated client method does: build, send, parse.
async fn fetch(client: &Client) -> Result<BackupRestoreJob, Error<ApiError>> {
    let operation = operation();
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

#[tokio::test]
async fn a_service_account_posts_client_credentials_to_the_token_url_and_sends_the_bearer() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let job = fetch(&server.service_account())
        .await
        .expect("the job, with a token from the token endpoint");
    assert_eq!(job, documented_job());
    let tokens = server.token_requests();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    // HTTP Basic with the (form-encoded) id and secret, which the server decoded back.
    assert_eq!(tokens[0]["clientId"], CLIENT_ID);
    assert_eq!(tokens[0]["accepted"], true);
    assert_eq!(tokens[0]["grantType"], "client_credentials");
    assert_eq!(
        tokens[0]["contentType"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(server.api_statuses(), [200]);
}

#[tokio::test]
async fn the_token_is_kept_until_shortly_before_it_expires_then_renewed() {
    let Some(server) = OAuthServer::start(2) else {
        return;
    };
    let client = server.service_account();
    for _ in 0..3 {
        fetch(&client).await.expect("the job");
    }
    assert_eq!(server.token_requests().len(), 1);
    // Tokens live 2 s and are renewed a tenth of that early.
    tokio::time::sleep(Duration::from_millis(1900)).await;
    fetch(&client).await.expect("the job, with a renewed token");
    assert_eq!(server.token_requests().len(), 2);
    // The expired token was never sent: no request was refused.
    assert_eq!(server.api_statuses(), [200, 200, 200, 200]);
}

#[tokio::test]
async fn twenty_concurrent_calls_share_one_token_request() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let client = server.service_account();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { fetch(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("the job");
    }
    assert_eq!(server.token_requests().len(), 1);
    assert_eq!(server.api_statuses().len(), 20);
}

#[tokio::test]
async fn a_401_to_a_kept_token_renews_it_once_and_retries_once() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let client = server.service_account();
    fetch(&client).await.expect("the job");
    // The server forgets every token issued so far, as after a revocation.
    server.control("/_test/revoke");
    let job = fetch(&client)
        .await
        .expect("the job, after renewing the refused token");
    assert_eq!(job, documented_job());
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(server.api_statuses(), [200, 401, 200]);
}

#[tokio::test]
async fn a_server_whose_port_is_taken_starts_on_another_and_is_never_mistaken_for_the_taker() {
    // Something else listens on the first port offered: it accepts connections, so only
    // the server's own "listening" line tells the harness the port is not the server's.
    let taker = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to take");
    let taken = taker.local_addr().expect("its address").port();
    let Some(server) = OAuthServer::start_on(3600, [taken, free_port()]) else {
        return;
    };
    assert_ne!(server.process.port(), taken);
    let job = fetch(&server.service_account()).await.expect("the job");
    assert_eq!(job, documented_job());
}

#[tokio::test]
async fn a_401_to_a_renewed_token_is_returned_as_the_typed_api_error() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let client = server.service_account();
    server.control("/_test/refuse-all");
    let error = fetch(&client).await.expect_err("every token is refused");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        error
            .api_body()
            .map(|body| support::wire(body)["errorCode"].clone()),
        Some(json!("NOT_ORG_GROUP_CREATOR"))
    );
    // One renewal, one retry, no more.
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(server.api_statuses(), [401, 401]);
}

#[tokio::test]
async fn a_refused_client_secret_is_an_auth_error_quoting_the_oauth_error_not_the_secret() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let client = server.client(Credentials::service_account(CLIENT_ID, "wrong-s3cret"));
    let error = fetch(&client)
        .await
        .expect_err("the token endpoint refuses");
    match &error {
        Error::Transport(transport) => {
            assert_eq!(transport.kind(), TransportErrorKind::Auth);
            assert!(!transport.is_retryable());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(!shown.contains("wrong-s3cret"), "{shown}");
    // Refused credentials are final: asked once, not retried, the API never called.
    assert_eq!(server.token_requests().len(), 1);
    assert!(server.api_statuses().is_empty());
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
async fn no_secret_or_token_reaches_trace_output_or_debug() {
    let Some(server) = OAuthServer::start(3600) else {
        return;
    };
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let client = server.service_account();
    let _guard = tracing::subscriber::set_default(subscriber);
    fetch(&client).await.expect("the job");
    server.control("/_test/revoke");
    fetch(&client).await.expect("the job, after a renewal");
    drop(_guard);
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("atlas_request"), "{output}");
    let shown = format!("{output} {client:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(!shown.contains("eyJ"), "a JWT was logged: {shown}");
    assert!(!shown.contains("Bearer"), "{shown}");
}

#[test]
fn the_generated_cli_gets_a_token_beside_the_base_url_with_the_service_account_from_the_environment(
) {
    let Some(server) = OAuthServer::start(300) else {
        return;
    };
    // The spec's token URL is on cloud.mongodb.com; with --base-url it moves to the
    // given server, where Atlas (and this server) serve it.
    let output = Command::new(env!("CARGO_BIN_EXE_atlas-admin-cli"))
        .args(["--base-url", &server.process.url()])
        // The spec's own camelCase forms, as the Atlas docs write the command
        // (the operationId read from the spec: upstream renames it).
        .args(["legacyBackup", &support::operation_id()])
        .args(["--groupId", GROUP, "--clusterName", CLUSTER, "--jobId", JOB])
        .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .env_remove("MONGODB_ATLAS_ACCESS_TOKEN")
        .env("MONGODB_ATLAS_CLIENT_ID", CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stderr}\n{}",
        server.process.output()
    );
    let job: BackupRestoreJob = serde_json::from_slice(&output.stdout).expect("JSON of the job");
    assert_eq!(job, documented_job());
    assert_eq!(server.token_requests().len(), 1);
    assert_eq!(server.api_statuses(), vec![200]);

    // A wrong secret: the token endpoint refuses, which is a transport (auth) error: 3.
    let refused = Command::new(env!("CARGO_BIN_EXE_atlas-admin-cli"))
        .args(["--base-url", &server.process.url()])
        .args(["legacy-backup", &support::command_name()])
        .args([
            "--group-id",
            GROUP,
            "--cluster-name",
            CLUSTER,
            "--job-id",
            JOB,
        ])
        .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .env_remove("MONGODB_ATLAS_ACCESS_TOKEN")
        .env("MONGODB_ATLAS_CLIENT_ID", CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", "not-the-secret")
        .output()
        .expect("the CLI runs");
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(refused.stdout.is_empty());
}
