//! The generated command line of the fragment crate (`atlas-admin`, feature `cli`), run
//! as a process: the `atlas-admin-cli` binary of this package is the generated
//! `atlas_admin::cli::main` and nothing else (`bin/atlas_admin_cli.rs`).
//!
//! Help text at every level, exit statuses for invalid input (nothing is sent), transport
//! errors and API errors, and the fragment's operation end to end against Prism (started
//! by each test on 127.0.0.1 and killed by its process id when done).

#[path = "servers/harness.rs"]
mod harness;

use std::process::{Command, Output};

use atlas_admin::BackupRestoreJob;
use atlasgen_tests as support;
use harness::{free_port, require, Ready, ServerProcess};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_atlas-admin-cli");
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "5a0a1e7e0f2912c554080adc";
const TOKEN: &str = "prism-test-token";

/// The CLI with `args` and a clean credentials environment plus `env`.
fn cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(CLI);
    command.args(args);
    for name in [
        "MONGODB_ATLAS_CLIENT_ID",
        "MONGODB_ATLAS_CLIENT_SECRET",
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_ACCESS_TOKEN",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("the CLI runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("the CLI exits with a status")
}

/// The operation's command, in kebab case: named after its pinned name or operationId.
fn command() -> String {
    support::command_name()
}

/// The operation's arguments, in kebab case, against `base`.
fn get_job(base: &str, group: &str) -> Vec<String> {
    let command = command();
    [
        "--base-url",
        base,
        "legacy-backup",
        &command,
        "--group-id",
        group,
        "--cluster-name",
        CLUSTER,
        "--job-id",
        JOB,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn start_prism() -> Option<ServerProcess> {
    let prism = require(
        harness::npm_bin("prism"),
        "Prism (npm @stoplight/prism-cli)",
    )?;
    Some(ServerProcess::start("prism", Ready::Accepts, |port| {
        let mut command = Command::new(&prism);
        command
            .arg("mock")
            .arg(harness::workspace_root().join("spec").join("openapi.yaml"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-v", "warn"]);
        command
    }))
}

#[test]
fn help_at_every_level_comes_from_the_spec() {
    let root = cli(&["--help"], &[]);
    assert_eq!(code(&root), 0, "{}", stderr(&root));
    let text = stdout(&root);
    assert!(text.contains("MongoDB Atlas Administration API"), "{text}");
    assert!(text.contains("legacy-backup"), "{text}");
    assert!(text.contains("--base-url"), "{text}");
    assert!(text.contains("MONGODB_ATLAS_PUBLIC_API_KEY"), "{text}");
    assert!(text.contains("Exit status"), "{text}");

    let group = cli(&["legacy-backup", "--help"], &[]);
    assert_eq!(code(&group), 0);
    let text = stdout(&group);
    assert!(text.contains(&command()), "{text}");
    assert!(
        text.contains("[deprecated] Return One Legacy Backup Restore Job"),
        "{text}"
    );

    let op = cli(&["legacy-backup", &command(), "--help"], &[]);
    assert_eq!(code(&op), 0);
    let text = stdout(&op);
    for expected in [
        "Returns one legacy backup restore job",
        "Deprecated: the API marks this operation deprecated.",
        "GET /api/atlas/v2/groups/{groupId}/clusters/{clusterName}/restoreJobs/{jobId}",
        "--group-id <GROUP_ID>",
        "Pattern: ^([a-f0-9]{24})$.",
        "Required.",
        "Default: false.",
        "--envelope",
        format!("Operation ID: {}.", support::operation_id()).as_str(),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Required flags are in the usage line; the short help marks them and defaults.
    let short = stdout(&cli(&["legacy-backup", &command(), "-h"], &[]));
    assert!(
        short.contains("--group-id <GROUP_ID> --cluster-name <CLUSTER_NAME> --job-id <JOB_ID>"),
        "{short}"
    );
    assert!(short.contains("[required]"), "{short}");
    assert!(short.contains("[default: false]"), "{short}");
}

#[test]
fn the_version_is_the_crates() {
    let o = cli(&["--version"], &[]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o).trim(), "atlas-admin 0.1.0");
}

#[test]
fn invalid_input_exits_2_with_the_generated_types_message_and_sends_nothing() {
    // Nothing listens on this port: a request would be a transport error (3), not 2.
    let base = format!("http://127.0.0.1:{}", free_port());
    let bad = cli(&refs(&get_job(&base, "not-a-group")), &[]);
    assert_eq!(code(&bad), 2, "{}", stderr(&bad));
    let expected = atlas_admin::GroupId::new("not-a-group")
        .expect_err("the pattern refuses it")
        .to_string();
    assert!(stderr(&bad).contains(&expected), "{}", stderr(&bad));
    assert!(stdout(&bad).is_empty());

    let missing = cli(
        &[
            "--base-url",
            &base,
            "legacy-backup",
            &command(),
            "--group-id",
            GROUP,
        ],
        &[],
    );
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("--cluster-name"),
        "{}",
        stderr(&missing)
    );

    let mut unknown = get_job(&base, GROUP);
    unknown.push("--no-such-flag".to_owned());
    assert_eq!(code(&cli(&refs(&unknown), &[])), 2);

    let bool_flag = {
        let mut a = get_job(&base, GROUP);
        a.extend(["--envelope".to_owned(), "maybe".to_owned()]);
        cli(&refs(&a), &[])
    };
    assert_eq!(code(&bool_flag), 2, "{}", stderr(&bool_flag));

    let half_pair = cli(
        &refs(&get_job(&base, GROUP)),
        &[("MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh")],
    );
    assert_eq!(code(&half_pair), 2, "{}", stderr(&half_pair));
    assert!(
        stderr(&half_pair).contains("MONGODB_ATLAS_PRIVATE_API_KEY"),
        "{}",
        stderr(&half_pair)
    );

    let bad_url = cli(&refs(&get_job("not a url", GROUP)), &[]);
    assert_eq!(code(&bad_url), 2, "{}", stderr(&bad_url));

    let no_command = cli(&[], &[]);
    assert_eq!(code(&no_command), 2);
}

#[test]
fn a_refused_connection_exits_3() {
    let base = format!("http://127.0.0.1:{}", free_port());
    let o = cli(&refs(&get_job(&base, GROUP)), &[]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
}

#[test]
fn against_prism_the_kebab_and_camel_case_forms_fetch_the_documented_job() {
    let Some(prism) = start_prism() else { return };
    let documented: BackupRestoreJob =
        serde_json::from_value(support::documented_example("200")).expect("the example decodes");
    let env = [("MONGODB_ATLAS_ACCESS_TOKEN", TOKEN)];

    let kebab = cli(&refs(&get_job(&prism.url(), GROUP)), &env);
    assert_eq!(code(&kebab), 0, "{}\n{}", stderr(&kebab), prism.output());
    // Not a terminal: one line of JSON.
    assert_eq!(stdout(&kebab).lines().count(), 1, "{}", stdout(&kebab));
    let job: BackupRestoreJob = serde_json::from_str(&stdout(&kebab)).expect("JSON of the job");
    assert_eq!(job, documented);

    let camel = cli(
        &[
            "--base-url",
            &prism.url(),
            "legacyBackup",
            &support::operation_id(),
            "--groupId",
            GROUP,
            "--clusterName",
            CLUSTER,
            "--jobId",
            JOB,
            "--output",
            "pretty",
            "--envelope",
            "false",
        ],
        &env,
    );
    assert_eq!(code(&camel), 0, "{}\n{}", stderr(&camel), prism.output());
    assert!(stdout(&camel).lines().count() > 1, "pretty is indented");
    let job: BackupRestoreJob = serde_json::from_str(&stdout(&camel)).expect("JSON of the job");
    assert_eq!(job, documented);
}

#[test]
fn against_prism_an_api_error_exits_4_with_its_body_as_json_on_stderr() {
    let Some(prism) = start_prism() else { return };
    // No credentials: Prism answers the documented 401.
    let o = cli(&refs(&get_job(&prism.url(), GROUP)), &[]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let body: Value = serde_json::from_str(&stderr(&o)).expect("the error body as JSON");
    assert_eq!(body["error"], 401, "{body}");
    assert!(body["errorCode"].is_string(), "{body}");
}

#[test]
fn the_generator_and_the_runtime_reserve_the_same_flags() {
    // A parameter flag never takes a name the runtime gives every command.
    assert_eq!(atlasgen::RESERVED_FLAGS, atlas_runtime::cli::RESERVED_FLAGS);
}
