//! Fetches one legacy backup restore job and prints it as pretty JSON.
//!
//! ```text
//! fetch_restore_job GROUP_ID CLUSTER_NAME JOB_ID [--base-url URL]
//! ```
//!
//! Credentials come from the environment the Atlas tools use: `MONGODB_ATLAS_CLIENT_ID` and
//! `MONGODB_ATLAS_CLIENT_SECRET` (a service account), or `MONGODB_ATLAS_PUBLIC_API_KEY` and
//! `MONGODB_ATLAS_PRIVATE_API_KEY` (an API key). `--base-url` overrides
//! `https://cloud.mongodb.com` (a mock, a proxy). On any error it prints a readable message
//! to standard error and exits with status 1 (2 for a usage error).
//!
//! Run it with `cargo run -p atlasgen-tests --example fetch_restore_job -- ...`.

// The spec marks the operation deprecated; this example uses it all the same.
#![allow(deprecated)]

use atlas_admin::{ClusterName, GetGroupClusterRestoreJob, GroupId, JobId};
use atlas_runtime::auth::{Credentials, SecurityScheme};
use atlas_runtime::client::Client;

const USAGE: &str = "usage: fetch_restore_job GROUP_ID CLUSTER_NAME JOB_ID [--base-url URL]";

/// The API's security schemes, as `spec/openapi.yaml` declares them.
const SECURITY_SCHEMES: &[SecurityScheme] = &[
    SecurityScheme::HttpDigest,
    SecurityScheme::OAuth2ClientCredentials {
        token_url: "https://cloud.mongodb.com/api/oauth/token",
    },
];

/// Why the example failed: a usage error, or anything after.
#[derive(Debug)]
pub enum Failure {
    /// The command line is wrong (exit status 2).
    Usage(String),
    /// Configuration, transport or API error (exit status 1).
    Failed(String),
}

impl Failure {
    /// The process exit status for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
        }
    }

    /// The message to print.
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(message) | Failure::Failed(message) => message,
        }
    }
}

/// The example's whole work: reads `args` (without the program name) and the environment
/// through `env`, fetches the job and returns it as pretty JSON.
pub async fn run(
    args: Vec<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, Failure> {
    let mut positional = Vec::new();
    let mut base_url = atlas_admin::DEFAULT_BASE_URL.to_owned();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => {
                base_url = args
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("--base-url needs a URL\n{USAGE}")))?;
            }
            "-h" | "--help" => return Err(Failure::Usage(USAGE.to_owned())),
            _ if arg.starts_with("--") => {
                return Err(Failure::Usage(format!("unknown option {arg}\n{USAGE}")))
            }
            _ => positional.push(arg),
        }
    }
    let [group, cluster, job] = <[String; 3]>::try_from(positional)
        .map_err(|_| Failure::Usage(format!("expected three ids\n{USAGE}")))?;
    let invalid = |error: atlas_admin::ValidationError| Failure::Usage(error.to_string());
    let operation = GetGroupClusterRestoreJob::new(
        group.parse::<GroupId>().map_err(invalid)?,
        cluster.parse::<ClusterName>().map_err(invalid)?,
        job.parse::<JobId>().map_err(invalid)?,
    );

    let credentials =
        Credentials::from_lookup(env).map_err(|error| Failure::Failed(error.to_string()))?;
    let client = Client::builder()
        .base_url_str(&base_url)
        .security_schemes(SECURITY_SCHEMES)
        .credentials(credentials)
        .build()
        .map_err(|error| Failure::Failed(error.to_string()))?;
    let request = operation
        .to_request(client.base_url())
        .map_err(|error| Failure::Usage(error.to_string()))?;
    let job = client
        .execute(request, |response| operation.parse_response(response))
        .await
        .map_err(|error| Failure::Failed(format!("fetching the restore job failed: {error}")))?;
    serde_json::to_string_pretty(&job).map_err(|error| Failure::Failed(error.to_string()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = std::env::args().skip(1).collect();
    match run(args, |name| std::env::var(name).ok()).await {
        Ok(json) => println!("{json}"),
        Err(failure) => {
            eprintln!("error: {}", failure.message());
            std::process::exit(failure.exit_code());
        }
    }
}
