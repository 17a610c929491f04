//! The `atlasgen` command line, run as a user runs it: help for every
//! command, the version, usage errors with exit code 1, shell completions,
//! and a crate made by `atlasgen crate` that regenerates from the config it
//! records in itself.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every command and the flags its help must document.
const COMMANDS: &[(&str, &[&str])] = &[
    (
        "generate",
        &["CONFIG", "spec/atlasgen.toml", "--skip-invalid"],
    ),
    ("check", &["CONFIG", "--pinned", "--extract-config"]),
    (
        "extract",
        &["--config", "--spec", "--out", "--report", "--date", "--url"],
    ),
    (
        "diff",
        &[
            "OLD",
            "NEW",
            "--config",
            "--format",
            "markdown",
            "json",
            "--old-label",
            "--new-label",
        ],
    ),
    ("coverage", &["SPEC", "--json"]),
    (
        "crate",
        &[
            "SPEC",
            "OUT_DIR",
            "--runtime-path",
            "--operation",
            "--crate-name",
            "--example-tests",
            "--skip-invalid",
            "atlasgen.toml",
        ],
    ),
    (
        "completions",
        &["SHELL", "bash", "zsh", "fish", "elvish", "powershell"],
    ),
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn atlasgen_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_atlasgen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run atlasgen: {e}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn atlasgen(args: &[&str]) -> Run {
    atlasgen_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A folder under the target's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("cli")
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn small_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("bad")
        .join("small.yaml")
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_command_has_help_that_exits_0_and_documents_its_flags() {
    for (command, flags) in COMMANDS {
        let run = atlasgen(&[command, "--help"]);
        assert_eq!(run.code, 0, "atlasgen {command} --help: {}", run.stderr);
        for flag in *flags {
            assert!(
                run.stdout.contains(flag),
                "atlasgen {command} --help does not mention {flag}:\n{}",
                run.stdout
            );
        }
        // `help COMMAND` says the same.
        let help = atlasgen(&["help", command]);
        assert_eq!(help.code, 0, "atlasgen help {command}: {}", help.stderr);
        assert_eq!(help.stdout, run.stdout, "atlasgen help {command}");
    }
}

#[test]
fn the_top_level_help_lists_every_command_and_the_exit_codes() {
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let run = atlasgen(args);
        assert_eq!(run.code, 0, "atlasgen {args:?}: {}", run.stderr);
        for (command, _) in COMMANDS {
            assert!(
                run.stdout.contains(command),
                "atlasgen {args:?} does not list {command}:\n{}",
                run.stdout
            );
        }
        assert!(run.stdout.contains("Exit codes"), "{}", run.stdout);
    }
}

#[test]
fn no_command_prints_the_usage_and_exits_1() {
    let run = atlasgen(&[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("Usage: atlasgen"), "{}", run.stderr);
}

#[test]
fn version_prints_the_package_version() {
    let run = atlasgen(&["--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        format!("atlasgen {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_flag_exits_1_naming_the_flag() {
    let run = atlasgen(&["check", "--frobnicate"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("unexpected argument '--frobnicate'"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_flag_without_its_value_exits_1_naming_the_flag() {
    let run = atlasgen(&["diff", "a.yaml", "b.yaml", "--format"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--format"), "{}", run.stderr);
}

#[test]
fn an_unknown_diff_format_exits_1_listing_the_known_ones() {
    let run = atlasgen(&["diff", "a.yaml", "b.yaml", "--format", "xml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("'xml'") && run.stderr.contains("markdown, json"),
        "{}",
        run.stderr
    );
}

#[test]
fn crate_without_runtime_path_exits_1_naming_it() {
    let run = atlasgen(&["crate", "spec.yaml", "out"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--runtime-path <PATH>"),
        "{}",
        run.stderr
    );
}

#[test]
fn completions_print_a_script_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = atlasgen(&["completions", shell]);
        assert_eq!(run.code, 0, "completions {shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("atlasgen") && run.stdout.contains("runtime-path"),
            "completions {shell}:\n{}",
            run.stdout
        );
    }
    assert!(atlasgen(&["completions", "bash"])
        .stdout
        .contains("complete -F"));
    assert_eq!(atlasgen(&["completions", "tcsh"]).code, 1);
}

#[test]
fn generate_with_a_missing_config_exits_10_with_the_located_error() {
    let run = atlasgen(&["generate", "no-such-config.toml"]);
    assert_eq!(run.code, 10, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[io]: cannot read the config: No such file or directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(" --> no-such-config.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_crate_records_its_invocation_and_regenerates_from_it_unchanged() {
    let tmp = TempDir::new("replay");
    let spec = small_spec().display().to_string();
    let made = atlasgen_in(
        &tmp.0,
        &[
            "crate",
            &spec,
            "jobs",
            "--runtime-path",
            "../runtime",
            "--operation",
            "listGroupJobs",
            "--crate-name",
            "jobs-api",
        ],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);

    let config = std::fs::read_to_string(tmp.0.join("jobs").join("atlasgen.toml"))
        .unwrap_or_else(|e| panic!("no atlasgen.toml in the crate: {e}"));
    // The spec, relative to the crate.
    let spec_line = config
        .lines()
        .find_map(|l| l.strip_prefix("spec = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("atlasgen.toml names no spec:\n{config}"));
    assert!(spec_line.starts_with("../"), "{config}");
    assert_eq!(
        std::fs::canonicalize(tmp.0.join("jobs").join(spec_line)).ok(),
        std::fs::canonicalize(small_spec()).ok(),
        "{config}"
    );
    for line in [
        "config_in_crate = \"atlasgen.toml\"",
        "dir = \".\"",
        "crate_name = \"jobs-api\"",
        "runtime_path = \"../runtime\"",
        "regenerate_command = \"atlasgen generate jobs/atlasgen.toml\"",
        "tag_features = true",
        "example_tests = false",
        "operation_ids = [\"listGroupJobs\"]",
    ] {
        assert!(
            config.lines().any(|l| l == line),
            "atlasgen.toml lacks `{line}`:\n{config}"
        );
    }
    let lib = std::fs::read_to_string(tmp.0.join("jobs").join("src").join("lib.rs"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lib.contains("Regenerate with: atlasgen generate jobs/atlasgen.toml"),
        "{}",
        &lib[..lib.len().min(400)]
    );

    let before = snapshot(&tmp.0);
    let regenerated = atlasgen_in(&tmp.0, &["generate", "jobs/atlasgen.toml"]);
    assert_eq!(regenerated.code, 0, "{}", regenerated.stderr);
    assert!(
        regenerated.stderr.contains("0 files written"),
        "{}",
        regenerated.stderr
    );
    assert_eq!(snapshot(&tmp.0), before, "generate changed the crate");
    let checked = atlasgen_in(&tmp.0, &["check", "jobs/atlasgen.toml"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(
        checked.stderr.contains("jobs is fresh"),
        "{}",
        checked.stderr
    );
}

#[test]
fn check_of_a_recorded_crate_exits_1_after_a_hand_edit_and_generate_undoes_it() {
    let tmp = TempDir::new("hand-edit");
    let spec = small_spec().display().to_string();
    let made = atlasgen_in(
        &tmp.0,
        &["crate", &spec, "out", "--runtime-path", "../runtime"],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let before = snapshot(&tmp.0);

    let lib = tmp.0.join("out").join("src").join("lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap_or_else(|e| panic!("{e}"));
    text.push_str("// a hand edit\n");
    std::fs::write(&lib, text).unwrap_or_else(|e| panic!("{e}"));
    let stale = atlasgen_in(&tmp.0, &["check", "out/atlasgen.toml"]);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("stale: out/src/lib.rs")
            && stale.stderr.contains("atlasgen generate out/atlasgen.toml"),
        "{}",
        stale.stderr
    );

    assert_eq!(
        atlasgen_in(&tmp.0, &["generate", "out/atlasgen.toml"]).code,
        0
    );
    assert_eq!(snapshot(&tmp.0), before);
}

#[test]
fn check_of_a_recorded_crate_exits_1_after_a_hand_edit_of_its_config_and_generate_keeps_its_values()
{
    let tmp = TempDir::new("config-edit");
    let spec = small_spec().display().to_string();
    let made = atlasgen_in(
        &tmp.0,
        &["crate", &spec, "out", "--runtime-path", "../runtime"],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let config = tmp.0.join("out").join("atlasgen.toml");
    let text = std::fs::read_to_string(&config).unwrap_or_else(|e| panic!("{e}"));

    // The config is one of the generated files: even a comment makes it stale.
    std::fs::write(&config, format!("{text}# a note\n")).unwrap_or_else(|e| panic!("{e}"));
    let stale = atlasgen_in(&tmp.0, &["check", "out/atlasgen.toml"]);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("stale: out/atlasgen.toml"),
        "{}",
        stale.stderr
    );

    std::fs::write(&config, text.replace("atlas-admin-full", "renamed"))
        .unwrap_or_else(|e| panic!("{e}"));

    let stale = atlasgen_in(&tmp.0, &["check", "out/atlasgen.toml"]);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("stale: out/Cargo.toml"),
        "{}",
        stale.stderr
    );
    // The edited value is kept: it is the config's, and it regenerates.
    assert_eq!(
        atlasgen_in(&tmp.0, &["generate", "out/atlasgen.toml"]).code,
        0
    );
    let cargo = std::fs::read_to_string(tmp.0.join("out").join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(cargo.contains("name = \"renamed\""), "{cargo}");
    assert_eq!(atlasgen_in(&tmp.0, &["check", "out/atlasgen.toml"]).code, 0);
}

#[test]
fn a_recorded_crate_moved_with_its_spec_is_still_fresh_and_regenerates() {
    let tmp = TempDir::new("moved");
    let before_move = tmp.0.join("before");
    std::fs::create_dir_all(before_move.join("spec")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(small_spec(), before_move.join("spec").join("small.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let made = atlasgen_in(
        &before_move,
        &[
            "crate",
            "spec/small.yaml",
            "crates/jobs",
            "--runtime-path",
            "../../runtime",
        ],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let config = std::fs::read_to_string(before_move.join("crates/jobs/atlasgen.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        config.contains("spec = \"../../spec/small.yaml\""),
        "{config}"
    );

    let after_move = tmp.0.join("after");
    std::fs::rename(&before_move, &after_move).unwrap_or_else(|e| panic!("{e}"));
    let checked = atlasgen_in(&tmp.0, &["check", "after/crates/jobs/atlasgen.toml"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    let before = snapshot(&after_move);
    let regenerated = atlasgen_in(&tmp.0, &["generate", "after/crates/jobs/atlasgen.toml"]);
    assert_eq!(regenerated.code, 0, "{}", regenerated.stderr);
    assert_eq!(snapshot(&after_move), before);
}

#[test]
fn a_config_placing_itself_outside_its_crate_is_a_config_error() {
    let tmp = TempDir::new("escape");
    std::fs::write(
        tmp.0.join("atlasgen.toml"),
        "spec = \"spec.yaml\"\nconfig_in_crate = \"../atlasgen.toml\"\n\n[output]\ndir = \"out\"\ncrate_name = \"x\"\nruntime_path = \"../runtime\"\nregenerate_command = \"atlasgen generate atlasgen.toml\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = atlasgen_in(&tmp.0, &["generate", "atlasgen.toml"]);
    assert_eq!(run.code, 21, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`config_in_crate` must be a path inside")
            && run.stderr.contains("atlasgen.toml:2:1"),
        "{}",
        run.stderr
    );
}

/// `atlasgen crate` of a spec with errors in two of its three operations,
/// into `tmp/out`, with `extra` flags.
fn crate_of_partly_invalid(tmp: &TempDir, extra: &[&str]) -> Run {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("bad")
        .join("partly_invalid.yaml")
        .display()
        .to_string();
    let mut args = vec!["crate", &spec, "out", "--runtime-path", "../runtime"];
    args.extend_from_slice(extra);
    atlasgen_in(&tmp.0, &args)
}

fn assert_mentions(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "no `{w}` in:\n{text}");
    }
}

#[test]
fn a_spec_with_errors_in_some_operations_is_refused_listing_every_error() {
    let tmp = TempDir::new("refused");
    let run = crate_of_partly_invalid(&tmp, &[]);
    assert_eq!(run.code, 14, "{}", run.stderr);
    assert_mentions(
        &run.stderr,
        &[
            "`$ref: #/components/schemas/Reprot` points to nothing",
            "partly_invalid.yaml:37:17",
            "invalid ECMA-262 pattern `^(a`",
            "partly_invalid.yaml:48:17",
            "generation failed with 2 errors",
        ],
    );
    assert!(!tmp.0.join("out").exists(), "a refused spec wrote a crate");
}

#[test]
fn skip_invalid_generates_the_rest_lists_each_skipped_operation_and_exits_3() {
    let tmp = TempDir::new("skip-invalid");
    let run = crate_of_partly_invalid(&tmp, &["--skip-invalid"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_mentions(
        &run.stderr,
        &[
            "skipped GET /reports/{reportId} (getReport):",
            "partly_invalid.yaml:37:17",
            "skipped GET /audits (listAudits):",
            "partly_invalid.yaml:48:17",
            "2 operations skipped for errors of their own; the rest is generated",
        ],
    );
    let client = std::fs::read_to_string(tmp.0.join("out").join("src").join("client.rs"))
        .unwrap_or_else(|e| panic!("no client.rs: {e}"));
    assert!(
        client.contains("fn get_job<"),
        "the valid operation is missing"
    );
    assert!(
        !client.contains("fn get_report"),
        "a skipped operation was generated"
    );
    assert!(
        !client.contains("fn list_audits"),
        "a skipped operation was generated"
    );
    // The recorded invocation keeps the flag, so regenerating skips again.
    let again = atlasgen_in(&tmp.0, &["generate", "out/atlasgen.toml"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(again.stderr.contains("0 files written"), "{}", again.stderr);
}
