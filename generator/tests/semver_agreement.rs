//! cargo-semver-checks agrees with `atlasgen diff` on the fragment crate:
//! for each pair of consecutive published Atlas specs, the crate generated
//! from each (extracted and pinned as `scripts/spec-update.sh` does) is
//! checked with `scripts/semver-checks.sh`, which fails when an item
//! semver-checks finds broken is not among the diff's breaking changes (to
//! the item itself or to the type it belongs to): agreement item by item,
//! not only on the bump.
//!
//! Skips, saying why, when the published specs are not beside the checkout
//! or cargo-semver-checks is not installed; under CI (`CI` set) a missing
//! cargo-semver-checks is a failure (`.ci/install-semver-checks.sh`). The
//! first run builds the crates' dependencies for rustdoc into a target
//! directory of its own, kept between runs (minutes on 2 cores).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap_or_else(|e| panic!("the workspace: {e}"))
}

const SNAPSHOTS: [&str; 3] = ["2023-02-06", "2025-03-20", "2025-06-30"];

fn published(date: &str) -> Option<PathBuf> {
    let path = workspace().join(format!("../shared/atlas/atlas-api-{date}.yaml"));
    if path.is_file() {
        Some(path)
    } else {
        println!(
            "skipped: {} not found (the published specs are not beside this checkout)",
            path.display()
        );
        None
    }
}

fn semver_checks_installed() -> bool {
    let found = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but cargo-semver-checks is not installed: run .ci/install-semver-checks.sh"
        );
        println!("skipped: cargo-semver-checks is not installed (.ci/install-semver-checks.sh installs it)");
    }
    found
}

fn run(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// The fragment crate of one published spec, as the update script makes it:
/// `spec/` and `generated/` under `dir`, with the committed configs.
fn fragment_crate(dir: &Path, spec: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("spec")).unwrap_or_else(|e| panic!("{e}"));
    let root = workspace();
    for file in ["extract.toml", "PINNED.toml"] {
        std::fs::copy(root.join("spec").join(file), dir.join("spec").join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let config = std::fs::read_to_string(root.join("spec/atlasgen.toml"))
        .unwrap_or_else(|e| panic!("spec/atlasgen.toml: {e}"));
    let runtime = root.join("runtime");
    let config = config.replace(
        "runtime_path = \"../runtime\"",
        &format!("runtime_path = {:?}", runtime.display().to_string()),
    );
    assert!(
        config.contains("runtime_path = \"/"),
        "no runtime_path to point at the runtime"
    );
    std::fs::write(dir.join("spec/atlasgen.toml"), config).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec.display().to_string();
    let atlasgen = env!("CARGO_BIN_EXE_atlasgen");
    for args in [
        &["extract", "--config", "spec/extract.toml", "--spec", &spec][..],
        &["generate", "spec/atlasgen.toml"][..],
    ] {
        let out = run(dir, atlasgen, args);
        assert!(
            out.status.success(),
            "atlasgen {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir.join("generated")
}

#[test]
fn cargo_semver_checks_finds_no_breaking_change_the_diff_calls_non_breaking() {
    let Some(specs) = SNAPSHOTS
        .iter()
        .map(|d| published(d))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    if !semver_checks_installed() {
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semver-agreement");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semver-agreement-target");
    let crates: Vec<PathBuf> = SNAPSHOTS
        .iter()
        .zip(&specs)
        .map(|(date, spec)| fragment_crate(&tmp.join(date), spec))
        .collect();
    let root = workspace();
    let script = root.join("scripts/semver-checks.sh").display().to_string();
    let mut verdicts = Vec::new();
    for i in 1..SNAPSHOTS.len() {
        let pair = format!("{} → {}", SNAPSHOTS[i - 1], SNAPSHOTS[i]);
        let json = tmp.join(format!("diff-{i}.json"));
        let out = run(
            &root,
            env!("CARGO_BIN_EXE_atlasgen"),
            &[
                "diff",
                &specs[i - 1].display().to_string(),
                &specs[i].display().to_string(),
                "--config",
                "spec/extract.toml",
                "--format",
                "json",
            ],
        );
        assert!(
            out.status.success(),
            "{pair}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&json, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
        let section = tmp.join(format!("semver-{i}.md"));
        let out = Command::new("bash")
            .arg(&script)
            .arg(&crates[i - 1])
            .arg(&crates[i])
            .arg(&json)
            .arg(&section)
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .unwrap_or_else(|e| panic!("cannot run the script: {e}"));
        let body = std::fs::read_to_string(&section).unwrap_or_default();
        let log = String::from_utf8_lossy(&out.stderr);
        println!("{pair}:\n{body}");
        match out.status.code() {
            Some(0) => {}
            Some(3) => panic!("{pair}: cargo-semver-checks finds breaking changes the diff does not call breaking:\n{body}"),
            other => panic!("{pair}: the script failed ({other:?}):\n{body}\n{log}"),
        }
        assert!(
            body.contains("cargo-semver-checks 0.51.0"),
            "{pair}: {body}"
        );
        verdicts.push((pair, body.contains(": breaking**"), body));
    }
    // What the published specs hold: 2023 → 2025-03 changes `ApiError::new`
    // (its fields turned required); 2025-03 → 2025-06 only adds.
    assert_eq!(
        verdicts.iter().map(|(_, b, _)| *b).collect::<Vec<_>>(),
        [true, false],
        "{verdicts:?}"
    );
    // Item by item: `ApiError::new`'s new arguments are the diff's
    // `ApiError.error` and `ApiError.error_code` turning required.
    let first = &verdicts[0].2;
    assert!(
        first.contains("| `method_parameter_count_changed` | atlas_admin::ApiError::new takes 0 parameters, but now takes 2 parameters | breaking: `ApiError.error")
            && first.contains("0 of those items not among them"),
        "{first}"
    );
}
