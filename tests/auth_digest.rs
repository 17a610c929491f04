//! HTTP Digest against a real server: Apache httpd with mod_auth_digest (Debian's apache2
//! package), started by each test on 127.0.0.1 with a configuration of its own in a
//! temporary directory, serving the documented restore job behind Digest authentication,
//! and killed by its process id when the test ends.
//!
//! Apache's access log (status, method, path) counts the 401s the client met.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

#[path = "servers/harness.rs"]
mod harness;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, ClusterName, Error, GetGroupClusterRestoreJob, GroupId, JobId,
};
use atlas_runtime::auth::{Credentials, SecurityScheme};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::client::{Client, RequestHook};
use atlas_runtime::http::{self, header, StatusCode};
use atlas_runtime::TransportError;
use atlasgen_tests as support;
use harness::{require, Ready, ServerProcess, TempDir};
use md5::{Digest as _, Md5};
use serde_json::json;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
/// A second job, served in Atlas' envelope.
const ENVELOPED_JOB: &str = "5a0a1e7e0f2912c554080add";
/// A third job, served as an enveloped 404.
const ENVELOPED_MISSING_JOB: &str = "5a0a1e7e0f2912c554080ade";
const REALM: &str = "MMS Public API";
const PUBLIC_KEY: &str = "abcdefgh";
const PRIVATE_KEY: &str = "0b9a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d";
/// The spec's schemes (what the generated `SECURITY_SCHEMES` holds).
const SCHEMES: &[SecurityScheme] = &[
    SecurityScheme::HttpDigest,
    SecurityScheme::OAuth2ClientCredentials {
        token_url: "https://cloud.mongodb.com/api/oauth/token",
    },
];
/// Debian's apache2 package: the server and its loadable modules.
const APACHE: &str = "/usr/sbin/apache2";
const APACHE_MODULES: &str = "/usr/lib/apache2/modules";

/// A running Apache with Digest in front of the fixtures.
struct Apache {
    process: ServerProcess,
    dir: TempDir,
}

impl Apache {
    /// Starts Apache on a free port; `None` (skipped) where it is not installed outside CI.
    /// Everything under `/api` needs Digest with nonces living `nonce_lifetime` seconds.
    fn start(nonce_lifetime: u32) -> Option<Apache> {
        let binary = require(
            PathBuf::from(APACHE),
            "Apache httpd (Debian package apache2)",
        )?;
        let dir = TempDir::new("apache");
        let root = dir.path();
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(root.join(name), bytes).expect("a fixture file");
        };
        write("job.json", &support::documented_example_bytes("200"));
        let enveloped = json!({"status": 200, "content": support::documented_example("200")});
        write("enveloped.json", enveloped.to_string().as_bytes());
        let missing = json!({"status": 404, "content": support::documented_example("404")});
        write("enveloped-404.json", missing.to_string().as_bytes());
        // htdigest's format: user:realm:MD5(user:realm:password).
        let ha1 = Md5::digest(format!("{PUBLIC_KEY}:{REALM}:{PRIVATE_KEY}").as_bytes());
        let ha1: String = ha1.iter().map(|byte| format!("{byte:02x}")).collect();
        write(
            "digest.passwd",
            format!("{PUBLIC_KEY}:{REALM}:{ha1}\n").as_bytes(),
        );
        std::fs::create_dir_all(root.join("empty")).expect("a document root");
        let process = ServerProcess::start("apache2", Ready::Accepts, |port| {
            let dir_path = root.display().to_string();
            let mut conf = String::new();
            let _ = writeln!(conf, "ServerRoot \"{dir_path}\"");
            let _ = writeln!(conf, "Listen 127.0.0.1:{port}");
            for (module, file) in [
                ("mpm_event_module", "mod_mpm_event.so"),
                ("authn_core_module", "mod_authn_core.so"),
                ("authn_file_module", "mod_authn_file.so"),
                ("auth_digest_module", "mod_auth_digest.so"),
                ("authz_core_module", "mod_authz_core.so"),
                ("authz_user_module", "mod_authz_user.so"),
                ("alias_module", "mod_alias.so"),
                ("mime_module", "mod_mime.so"),
            ] {
                let _ = writeln!(conf, "LoadModule {module} {APACHE_MODULES}/{file}");
            }
            // As root (CI), Apache's workers must run as someone: Debian's unprivileged user.
            conf.push_str("User nobody\nGroup nogroup\nServerName 127.0.0.1\n");
            let _ = writeln!(conf, "PidFile \"{dir_path}/httpd.pid\"");
            let _ = writeln!(conf, "ErrorLog \"{dir_path}/error.log\"");
            conf.push_str("LogFormat \"%>s %m %U\" short\n");
            let _ = writeln!(conf, "CustomLog \"{dir_path}/access.log\" short");
            let _ = writeln!(conf, "DocumentRoot \"{dir_path}/empty\"");
            conf.push_str("TypesConfig /dev/null\nAddType application/json .json\n");
            for (job, file) in [
                (JOB, "job.json"),
                (ENVELOPED_JOB, "enveloped.json"),
                (ENVELOPED_MISSING_JOB, "enveloped-404.json"),
            ] {
                let _ = writeln!(conf, "Alias \"{}\" \"{dir_path}/{file}\"", job_path(job));
            }
            let _ = writeln!(
                conf,
                "<Location \"/api\">\n  AuthType Digest\n  AuthName \"{REALM}\"\n  \
                 AuthDigestProvider file\n  AuthUserFile \"{dir_path}/digest.passwd\"\n  \
                 AuthDigestNonceLifetime {nonce_lifetime}\n  Require valid-user\n</Location>"
            );
            let _ = writeln!(
                conf,
                "<Directory \"{dir_path}\">\n  Require all granted\n</Directory>"
            );
            write("httpd.conf", conf.as_bytes());
            make_world_readable(root);

            let mut command = Command::new(&binary);
            // -X: one process in the foreground, so the id we hold is the whole server.
            command
                .arg("-f")
                .arg(root.join("httpd.conf"))
                .arg("-X")
                .env_clear()
                .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            command
        });
        Some(Apache { process, dir })
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

    /// The access log: one `(status, path)` per request Apache answered, once `count` are
    /// there (Apache logs just after answering).
    fn access_log(&self, count: usize) -> Vec<(u16, String)> {
        let path = self.dir.path().join("access.log");
        let read = || -> Vec<(u16, String)> {
            std::fs::read_to_string(&path)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let mut parts = line.split(' ');
                    let status = parts.next()?.parse().ok()?;
                    let _method = parts.next()?;
                    Some((status, parts.next()?.to_owned()))
                })
                .collect()
        };
        harness::eventually(Duration::from_secs(5), || {
            let lines = read();
            (lines.len() >= count).then_some(lines)
        })
        .unwrap_or_else(|| {
            panic!(
                "Apache logged {:?}, expected {count} requests; its output:\n{}",
                read(),
                self.process.output()
            )
        })
    }

    fn statuses(&self, count: usize) -> Vec<u16> {
        self.access_log(count)
            .into_iter()
            .map(|(status, _)| status)
            .collect()
    }
}

/// Apache's workers run as `nobody`: every file and directory of the fixture must be
/// readable by it, the directories above it traversable.
fn make_world_readable(root: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &std::path::Path, mode| {
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    };
    set(root, 0o755);
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let mode = if entry.path().is_dir() { 0o755 } else { 0o644 };
        set(&entry.path(), mode);
    }
}

fn job_path(job: &str) -> String {
    format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/restoreJobs/{job}")
}

fn operation(job: &str) -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new(GROUP).unwrap(),
        ClusterName::new(CLUSTER).unwrap(),
        JobId::new(job).unwrap(),
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

fn api_key() -> Credentials {
    Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY)
}

/// Records the `WWW-Authenticate` challenges the client met.
#[derive(Clone, Default)]
struct Challenges(Arc<Mutex<Vec<String>>>);

impl RequestHook for Challenges {
    fn on_response(
        &self,
        _request: &http::Request<Vec<u8>>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) {
        if let Ok(response) = outcome {
            for value in response.headers().get_all(header::WWW_AUTHENTICATE) {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                self.0.lock().unwrap().push(text);
            }
        }
    }
}

#[tokio::test]
async fn an_api_key_answers_apache_digest_challenge_and_the_job_decodes() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let job = fetch(&apache.client(api_key()), &operation(JOB))
        .await
        .expect("Apache serves the job once the Digest challenge is answered");
    assert_eq!(job, documented_job());
    assert_eq!(
        apache.access_log(2),
        [(401, job_path(JOB)), (200, job_path(JOB))]
    );
}

#[tokio::test]
async fn the_nonce_is_reused_so_later_requests_meet_no_challenge() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let client = apache.client(api_key());
    for _ in 0..3 {
        fetch(&client, &operation(JOB)).await.expect("the job");
    }
    // Concurrent requests share the nonce too, each with its own nonce count.
    let concurrent: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { fetch(&client, &operation(JOB)).await })
        })
        .collect();
    for task in concurrent {
        task.await.unwrap().expect("the job");
    }
    let statuses = apache.statuses(12);
    assert_eq!(statuses[0], 401, "{statuses:?}");
    assert!(
        statuses[1..].iter().all(|&status| status == 200),
        "{statuses:?}"
    );
    assert_eq!(statuses.len(), 12);
}

#[tokio::test]
async fn a_stale_nonce_is_answered_with_a_new_handshake() {
    let Some(apache) = Apache::start(1) else {
        return;
    };
    let challenges = Challenges::default();
    let client = Client::builder()
        .base_url_str(&apache.process.url())
        .security_schemes(SCHEMES)
        .credentials(api_key())
        .request_hook(challenges.clone())
        .build()
        .unwrap();
    fetch(&client, &operation(JOB)).await.expect("the job");
    // Apache's nonces now live one second.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let job = fetch(&client, &operation(JOB))
        .await
        .expect("the job, after answering the stale nonce's new challenge");
    assert_eq!(job, documented_job());
    assert_eq!(apache.statuses(4), [401, 200, 401, 200]);
    let seen = challenges.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(!seen[0].contains("stale=true"), "{seen:?}");
    assert!(seen[1].contains("stale=true"), "{seen:?}");
}

#[tokio::test]
async fn a_wrong_private_key_gets_the_401_back_after_one_answer() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let error = fetch(
        &apache.client(Credentials::api_key(PUBLIC_KEY, "not-the-key")),
        &operation(JOB),
    )
    .await
    .expect_err("Apache refuses a wrong key");
    // Apache's 401 page is HTML, not the documented ApiError: kept undecoded.
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(!error.is_retryable());
    assert_eq!(apache.statuses(2), [401, 401]);
    let shown = format!("{error:?}");
    assert!(!shown.contains("not-the-key"), "{shown}");
}

#[tokio::test]
async fn an_enveloped_body_from_a_real_server_decodes_into_the_same_job() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let client = apache.client(api_key());
    let job = fetch(&client, &operation(ENVELOPED_JOB).envelope(true))
        .await
        .expect("the enveloped job decodes");
    assert_eq!(job, documented_job());
    let error = fetch(&client, &operation(ENVELOPED_MISSING_JOB).envelope(true))
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

/// Records how the requests as sent print with `Debug`.
#[derive(Clone, Default)]
struct SentHeaders(Arc<Mutex<Vec<(bool, String)>>>);

impl RequestHook for SentHeaders {
    fn on_response(
        &self,
        request: &http::Request<Vec<u8>>,
        _outcome: &Result<http::Response<Bytes>, TransportError>,
    ) {
        let sensitive = request
            .headers()
            .get(header::AUTHORIZATION)
            .is_some_and(|value| value.is_sensitive());
        let shown = format!("{:?}", request.headers());
        self.0.lock().unwrap().push((sensitive, shown));
    }
}

#[tokio::test]
async fn digest_authorization_headers_are_sensitive_and_no_debug_output_shows_the_key() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let sent = SentHeaders::default();
    let client = Client::builder()
        .base_url_str(&apache.process.url())
        .security_schemes(SCHEMES)
        .credentials(api_key())
        .request_hook(sent.clone())
        .build()
        .unwrap();
    fetch(&client, &operation(JOB)).await.expect("the job");
    let sent = sent.0.lock().unwrap().clone();
    // The bare first request, then the answer to the challenge.
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(!sent[0].0 && sent[1].0, "{sent:?}");
    assert!(!sent[1].1.contains("Digest username"), "{}", sent[1].1);
    let shown = format!("{client:?} {:?}", api_key());
    assert!(!shown.contains(PRIVATE_KEY), "{shown}");
}

/// The generated command line (`atlas-admin-cli`, see tests/cli_generated.rs) against
/// Apache with the API key from the environment `Credentials::from_env` reads.
fn cli_get_job(apache: &Apache, private_key: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_atlas-admin-cli"))
        .args(["--base-url", &apache.process.url()])
        // The command is the operationId in kebab case, which upstream renames.
        .args(["legacy-backup", &support::command_name()])
        .args([
            "--group-id",
            GROUP,
            "--cluster-name",
            CLUSTER,
            "--job-id",
            JOB,
        ])
        .env_remove("MONGODB_ATLAS_CLIENT_ID")
        .env_remove("MONGODB_ATLAS_CLIENT_SECRET")
        .env_remove("MONGODB_ATLAS_ACCESS_TOKEN")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", PUBLIC_KEY)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", private_key)
        .output()
        .expect("the CLI runs")
}

#[test]
fn the_generated_cli_answers_the_digest_challenge_with_the_api_key_from_the_environment() {
    let Some(apache) = Apache::start(300) else {
        return;
    };
    let output = cli_get_job(&apache, PRIVATE_KEY);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stderr}\n{}",
        apache.process.output()
    );
    let job: BackupRestoreJob = serde_json::from_slice(&output.stdout).expect("JSON of the job");
    assert_eq!(job, documented_job());
    // One challenge, then the answered request.
    assert_eq!(apache.statuses(2), vec![401, 200]);

    // A wrong private key: the API's refusal, exit status 4, no answer on stdout.
    let refused = cli_get_job(&apache, "wrong-key");
    assert_eq!(
        refused.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(refused.stdout.is_empty());
}
