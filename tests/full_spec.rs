//! The generator against the full published Atlas spec (skipped, with the
//! reason printed, when the published specs are not beside the checkout).

use std::path::Path;
use std::process::Command;

use atlasgen_tests::{published_spec, workspace_root};

const JUNE_2025: &str = "atlas-api-2025-06-30.yaml";

#[test]
fn the_operation_cut_from_the_full_spec_generates_a_crate_that_compiles() {
    let Some(spec) = published_spec(JUNE_2025) else {
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("legacy-restore-job-crate");
    let runtime = workspace_root().join("runtime");
    let config = atlasgen::Config {
        spec,
        output: atlasgen::config::Output {
            dir: dir.clone(),
            crate_name: "atlas-legacy-restore-job".to_owned(),
            version: "0.1.0".to_owned(),
            runtime_path: runtime.display().to_string(),
            regen_path: String::new(),
            regenerate_command: "atlasgen crate".to_owned(),
            tag_features: false,
            example_tests: false,
            roundtrip_tests: 0,
            all_schemas: false,
            skip_invalid: false,
        },
        select: atlasgen::config::Selection {
            operation_ids: vec!["getLegacyBackupRestoreJob".to_owned()],
            ..Default::default()
        },
        ..Default::default()
    };
    let generated = match atlasgen::generate(&config) {
        Ok(g) => g,
        Err(failure) => panic!("generation failed:\n{failure}"),
    };
    let models = generated
        .files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .map(|f| f.contents.clone())
        .unwrap_or_default();
    assert!(
        models.contains("pub struct BackupRestoreJob"),
        "the published schema name survives"
    );
    if let Err(e) = atlasgen::write::write(&dir, &generated.files) {
        panic!("cannot write {}: {e}", dir.display());
    }
    // Stand-alone crate: not part of this workspace, pinned to its lock file.
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap_or_default();
    text.push_str("\n[workspace]\n");
    assert!(std::fs::write(&manifest, text).is_ok());
    let _ = std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates-target");
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--no-default-features",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => panic!("cannot run cargo: {e}"),
    };
    assert!(
        output.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_whole_spec_generates_without_panicking_and_reports_its_coverage() {
    let Some(spec) = published_spec(JUNE_2025) else {
        return;
    };
    let report = match atlasgen::coverage::report_file(&spec) {
        Ok(r) => r,
        Err(failure) => panic!("the whole spec does not load:\n{failure}"),
    };
    println!("{}", report.to_text());
    assert_eq!(report.operations_total, 454);
    assert_eq!(report.schemas_total, 824);
    // Pins: coverage may grow, never shrink unnoticed.
    assert_eq!(report.operations_generated, 454, "{}", report.to_text());
    assert_eq!(report.schemas_generated, 824, "{}", report.to_text());
    assert_eq!(report.operations_fully_typed, 454, "{}", report.to_text());
    assert_eq!(report.schemas_fully_typed, 824, "{}", report.to_text());
    assert!(report.unsupported.is_empty(), "{}", report.to_text());
    assert!(report.errors.is_empty(), "{}", report.to_text());
}

#[test]
fn the_coverage_report_names_how_each_known_trap_is_handled() {
    let Some(spec) = published_spec(JUNE_2025) else {
        return;
    };
    let report = match atlasgen::coverage::report_file(&spec) {
        Ok(r) => r,
        Err(failure) => panic!("the whole spec does not load:\n{failure}"),
    };
    let expected = [
        "parent lists children in oneOf, children include parent through allOf",
        "enum value with no identifier characters",
        "enum on an array schema",
        "inline enum property named like its own schema",
        "oneOf members sharing a title",
        "error responses mixing bodies and no bodies",
        "application/json without a schema",
        "vendor media types",
        "several dated versions of one body",
    ];
    for name in expected {
        let trap = report.traps.iter().find(|t| t.name == name);
        match trap {
            Some(t) => {
                // This snapshot offers no operation two dated versions of one body.
                if name != "several dated versions of one body" {
                    assert!(t.found > 0, "the spec should contain the trap `{name}`");
                }
                assert!(!t.handling.is_empty(), "no handling stated for `{name}`");
            }
            None => panic!(
                "the report does not mention the trap `{name}`:\n{}",
                report.to_text()
            ),
        }
    }
}
