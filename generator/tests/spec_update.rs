//! Spec updates: extract, diff, check and the update script.
//!
//! Self-contained tests diff `data/diff/base.yaml` against one-change
//! variants of it. Tests on the published Atlas specs read them from
//! `../shared/atlas/` beside the checkout and skip, saying so, when absent.
//! The last test runs `scripts/spec-update.sh` end to end on a copy of the
//! repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use atlasgen::diff::{self, Bump, Change, Impact, Report};
use atlasgen::extract::{self, ExtractConfig};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/diff")
        .join(name)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn published(name: &str) -> Option<PathBuf> {
    let path = workspace().join("../shared/atlas").join(name);
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

fn load_config(path: &Path) -> ExtractConfig {
    ExtractConfig::load(path).unwrap_or_else(|d| panic!("{d}"))
}

fn diff_against_base(variant: &str) -> Report {
    diff::diff_files(&data("base.yaml"), &data(variant), None).unwrap_or_else(|f| panic!("{f}"))
}

/// The one change a variant makes, ignoring documentation-only entries.
fn the_change(report: &Report) -> &Change {
    let api: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.impact != Impact::Documentation)
        .collect();
    assert_eq!(
        api.len(),
        1,
        "expected one change:\n{}",
        report.to_markdown()
    );
    api[0]
}

fn assert_one(variant: &str, kind: &str, impact: Impact, bump: Bump) -> Report {
    let report = diff_against_base(variant);
    let change = the_change(&report);
    assert_eq!(
        (change.kind, change.impact),
        (kind, impact),
        "{}",
        report.to_markdown()
    );
    assert_eq!(report.bump(), bump, "{}", report.to_markdown());
    report
}

// ----- classification, from small specs -------------------------------------

#[test]
fn a_field_added_as_optional_is_non_breaking() {
    let r = assert_one(
        "field-added-optional.yaml",
        "field-added",
        Impact::NonBreaking,
        Bump::Patch,
    );
    assert_eq!(the_change(&r).subject, "Thing.label");
}

#[test]
fn a_removed_field_is_breaking() {
    let r = assert_one(
        "field-removed.yaml",
        "field-removed",
        Impact::Breaking,
        Bump::Minor,
    );
    assert_eq!(the_change(&r).subject, "Thing.note");
}

#[test]
fn a_field_turned_required_is_breaking() {
    let r = assert_one(
        "field-required.yaml",
        "field-required",
        Impact::Breaking,
        Bump::Minor,
    );
    assert!(
        the_change(&r).message.contains("`Option<i32>` → `i32`"),
        "{}",
        the_change(&r).message
    );
}

#[test]
fn a_changed_field_type_is_breaking() {
    assert_one(
        "type-changed.yaml",
        "field-type-changed",
        Impact::Breaking,
        Bump::Minor,
    );
}

#[test]
fn a_changed_format_is_a_breaking_type_change() {
    let r = assert_one(
        "format-changed.yaml",
        "field-type-changed",
        Impact::Breaking,
        Bump::Minor,
    );
    assert!(
        the_change(&r).message.contains("DateTime"),
        "{}",
        the_change(&r).message
    );
}

#[test]
fn a_new_value_in_a_response_enum_is_non_breaking() {
    let r = assert_one(
        "response-enum-value-added.yaml",
        "variant-added",
        Impact::NonBreaking,
        Bump::Patch,
    );
    assert_eq!(the_change(&r).subject, "ThingColor::Blue");
}

#[test]
fn a_new_value_at_the_end_of_a_request_enum_is_non_breaking() {
    // Before the last value it renumbers the later ones: see
    // a_value_inserted_before_the_last_of_a_closed_enum_renumbers_the_ones_after_it.
    assert_one(
        "request-enum-value-added.yaml",
        "variant-added",
        Impact::NonBreaking,
        Bump::Patch,
    );
}

#[test]
fn a_value_inserted_before_the_last_of_a_closed_enum_renumbers_the_ones_after_it() {
    let r = diff_against_base("request-enum-value-inserted.yaml");
    let kinds: Vec<(&str, Impact)> = r
        .changes
        .iter()
        .filter(|c| c.impact != Impact::Documentation)
        .map(|c| (c.kind, c.impact))
        .collect();
    assert_eq!(
        kinds,
        [
            ("variant-discriminant", Impact::Breaking),
            ("variant-added", Impact::NonBreaking)
        ],
        "{}",
        r.to_markdown()
    );
    let moved = &r.changes[0];
    assert_eq!(moved.subject, "NewThingSize");
    assert!(moved.message.contains("`Large` 1 → 2"), "{}", moved.message);
    assert_eq!(r.bump(), Bump::Minor);
}

#[test]
fn a_new_required_field_of_a_response_type_is_breaking() {
    // `Thing::new` takes the required fields: one more changes its arguments.
    let r = assert_one(
        "response-field-added-required.yaml",
        "field-added-required",
        Impact::Breaking,
        Bump::Minor,
    );
    assert_eq!(the_change(&r).subject, "Thing.owner");
}

#[test]
fn a_removed_enum_value_is_breaking() {
    assert_one(
        "enum-value-removed.yaml",
        "variant-removed",
        Impact::Breaking,
        Bump::Minor,
    );
}

#[test]
fn a_newly_documented_status_is_non_breaking() {
    let r = assert_one(
        "status-added.yaml",
        "status-added",
        Impact::NonBreaking,
        Bump::Patch,
    );
    assert_eq!(the_change(&r).subject, "GetThing response 403");
}

#[test]
fn a_status_no_longer_documented_is_breaking() {
    let r = diff_against_base("status-removed.yaml");
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == "status-removed" && c.impact == Impact::Breaking),
        "{}",
        r.to_markdown()
    );
    assert_eq!(r.bump(), Bump::Minor);
}

#[test]
fn a_removed_operation_is_breaking() {
    let r = diff_against_base("operation-removed.yaml");
    assert!(
        r.changes.iter().any(|c| c.kind == "operation-removed"
            && c.subject == "CreateThing"
            && c.impact == Impact::Breaking),
        "{}",
        r.to_markdown()
    );
    // Its request types go with it.
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == "type-removed" && c.subject == "NewThing"),
        "{}",
        r.to_markdown()
    );
    assert_eq!(r.bump(), Bump::Minor);
}

#[test]
fn a_deprecation_is_non_breaking() {
    assert_one(
        "deprecated.yaml",
        "deprecated",
        Impact::NonBreaking,
        Bump::Patch,
    );
}

#[test]
fn a_new_media_type_is_non_breaking() {
    let r = diff_against_base("media-type-added.yaml");
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == "media-type-added" && c.impact == Impact::NonBreaking),
        "{}",
        r.to_markdown()
    );
    assert_eq!(r.count(Impact::Breaking), 0, "{}", r.to_markdown());
    assert_eq!(r.bump(), Bump::Patch);
}

#[test]
fn a_narrowed_parameter_pattern_is_breaking_and_shows_a_value_it_now_rejects() {
    let r = assert_one(
        "pattern-narrowed.yaml",
        "pattern-changed",
        Impact::Breaking,
        Bump::Minor,
    );
    assert!(
        the_change(&r)
            .message
            .contains("now rejects values it accepted, e.g. \"0\""),
        "{}",
        the_change(&r).message
    );
}

#[test]
fn a_new_required_parameter_is_breaking() {
    assert_one(
        "required-param-added.yaml",
        "param-added-required",
        Impact::Breaking,
        Bump::Minor,
    );
}

/// The change of `kind` to `subject`; panics with the report when absent.
fn change<'r>(r: &'r Report, kind: &str, subject: &str) -> &'r Change {
    r.changes
        .iter()
        .find(|c| c.kind == kind && c.subject == subject)
        .unwrap_or_else(|| panic!("no {kind} of {subject}:\n{}", r.to_markdown()))
}

#[test]
fn an_item_another_tag_feature_compiles_now_is_breaking_for_builds_of_the_old_feature() {
    // Without an extract config the whole spec is diffed as `atlasgen crate`
    // generates it: one Cargo feature per tag (`untagged` without one).
    let r = diff_against_base("tag-added.yaml");
    // GetThing and what only it reaches (Problem, ThingId) leave `untagged`:
    // a build with `features = ["untagged"]` loses them.
    for subject in ["GetThing", "Problem", "ThingId"] {
        let c = change(&r, "features-lost", subject);
        assert_eq!(c.impact, Impact::Breaking, "{}", c.message);
        assert!(
            c.message
                .contains("compiled by the feature `reads` (was `untagged`)")
                && c.message.contains("a build enabling only `untagged`"),
            "{}",
            c.message
        );
    }
    // Thing is reached from both operations: every build that had it keeps it.
    let c = change(&r, "features-added", "Thing");
    assert_eq!(c.impact, Impact::NonBreaking, "{}", c.message);
    assert_eq!(
        change(&r, "feature-added", "feature reads").impact,
        Impact::NonBreaking
    );
    // CreateThing and NewThing stay where they were.
    assert!(
        !r.changes
            .iter()
            .any(|c| c.kind.starts_with("feature") && c.subject.contains("New")),
        "{}",
        r.to_markdown()
    );
    assert_eq!(r.bump(), Bump::Minor, "{}", r.to_markdown());
}

#[test]
fn a_cargo_feature_that_disappears_is_breaking() {
    let r = diff::diff_files(&data("tag-added.yaml"), &data("base.yaml"), None)
        .unwrap_or_else(|f| panic!("{f}"));
    let c = change(&r, "feature-removed", "feature reads");
    assert_eq!(c.impact, Impact::Breaking, "{}", c.message);
    assert_eq!(
        change(&r, "features-lost", "GetThing").impact,
        Impact::Breaking
    );
    assert_eq!(r.bump(), Bump::Minor);
}

#[test]
fn features_are_not_compared_for_a_crate_without_tag_features() {
    // The extract config's generator config turns tag features off: the
    // fragment crate has none, so a tag moving changes nothing for it.
    let config = load_config(&data("extract.toml"));
    let r = diff::diff_files(&data("base.yaml"), &data("tag-added.yaml"), Some(&config))
        .unwrap_or_else(|f| panic!("{f}"));
    assert!(
        !r.changes.iter().any(|c| c.kind.starts_with("feature")),
        "{}",
        r.to_markdown()
    );
}

#[test]
fn without_a_pin_an_upstream_rename_renames_the_rust_api() {
    let r = diff_against_base("schema-renamed.yaml");
    let kinds: Vec<&str> = r.changes.iter().map(|c| c.kind).collect();
    assert!(
        kinds.contains(&"operation-renamed") && kinds.contains(&"type-renamed"),
        "{}",
        r.to_markdown()
    );
    assert_eq!(r.bump(), Bump::Minor);
}

#[test]
fn with_pins_an_upstream_rename_keeps_every_rust_name_and_is_reported() {
    let config = load_config(&data("extract.toml"));
    let r = diff::diff_files(
        &data("base.yaml"),
        &data("schema-renamed.yaml"),
        Some(&config),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    assert!(
        r.changes.iter().all(|c| c.impact == Impact::Unchanged),
        "{}",
        r.to_markdown()
    );
    let messages: Vec<&str> = r.changes.iter().map(|c| c.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("operationId `getThing` renamed upstream to `getThingView`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("schema `Thing` renamed upstream to `ThingView`")),
        "{messages:?}"
    );
    assert_eq!(r.bump(), Bump::None);
    // A parameter's pattern type is pinned too.
    let gen = diff::generator_config(Some(&config)).unwrap_or_else(|f| panic!("{f}"));
    let (api, _) = diff::lower_file(&data("schema-renamed.yaml"), Some(&config), &gen)
        .unwrap_or_else(|f| panic!("{f}"));
    assert!(
        api.strings.iter().any(|s| s.name == "ThingKey"),
        "{:?}",
        api.strings.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
}

#[test]
fn a_spec_compared_with_itself_has_no_changes_and_no_bump() {
    let r = diff_against_base("base.yaml");
    assert!(r.changes.is_empty(), "{}", r.to_markdown());
    assert_eq!(r.bump(), Bump::None);
    assert!(r.to_markdown().contains("No change for Rust users"));
}

#[test]
fn semver_follows_the_zero_major_rules_then_the_usual_ones() {
    let change = |impact| Change {
        impact,
        kind: "k",
        subject: "s".to_owned(),
        message: "m".to_owned(),
    };
    let report = |version: &str, impact| Report {
        old_label: "a".into(),
        new_label: "b".into(),
        version: Some(version.into()),
        changes: vec![change(impact)],
        notes: vec![],
    };
    assert_eq!(
        report("0.1.0", Impact::Breaking).next_version().as_deref(),
        Some("0.2.0")
    );
    assert_eq!(
        report("0.1.0", Impact::NonBreaking)
            .next_version()
            .as_deref(),
        Some("0.1.1")
    );
    assert_eq!(
        report("0.1.0", Impact::Documentation)
            .next_version()
            .as_deref(),
        Some("0.1.1")
    );
    assert_eq!(
        report("1.2.3", Impact::Breaking).next_version().as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        report("1.2.3", Impact::NonBreaking)
            .next_version()
            .as_deref(),
        Some("1.3.0")
    );
    assert_eq!(
        report("1.2.3", Impact::Documentation)
            .next_version()
            .as_deref(),
        Some("1.2.4")
    );
    assert_eq!(report("1.2.3", Impact::Unchanged).bump(), Bump::None);
}

#[test]
fn the_json_report_carries_the_bump_and_every_change() {
    let r = diff_against_base("field-removed.yaml");
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
    assert_eq!(json["semver"]["bump"], "minor");
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["changes"][0]["kind"], "field-removed");
    assert_eq!(json["changes"][0]["subject"], "Thing.note");
}

#[test]
fn a_pin_position_that_does_not_parse_is_a_config_error_not_a_panic() {
    let mut config = load_config(&data("extract.toml"));
    config.operations[0]
        .schemas
        .insert("responses 200".to_owned(), "X".to_owned());
    let (doc, _) = extract::read_document(&data("base.yaml")).unwrap_or_else(|d| panic!("{d}"));
    let err = extract::extract("base.yaml", &doc, &config, None)
        .err()
        .map(|f| f.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("responses 200") && err.contains("error[config]"),
        "{err}"
    );
}

#[test]
fn two_pins_naming_one_schema_differently_are_an_error() {
    let mut config = load_config(&data("extract.toml"));
    config.operations[1]
        .schemas
        .insert("response 201".to_owned(), "OtherThing".to_owned());
    let (doc, _) = extract::read_document(&data("base.yaml")).unwrap_or_else(|d| panic!("{d}"));
    let err = extract::extract("base.yaml", &doc, &config, None)
        .err()
        .map(|f| f.to_string())
        .unwrap_or_default();
    assert!(err.contains("name the same schema"), "{err}");
}

// ----- the published specs ------------------------------------------------------

fn committed_config() -> ExtractConfig {
    load_config(&workspace().join("spec/extract.toml"))
}

#[test]
fn march_to_june_2025_reports_the_401_and_403_additions_as_non_breaking() {
    let (Some(march), Some(june)) = (
        published("atlas-api-2025-03-20.yaml"),
        published("atlas-api-2025-06-30.yaml"),
    ) else {
        return;
    };
    let r = diff::diff_files(&march, &june, Some(&committed_config()))
        .unwrap_or_else(|f| panic!("{f}"));
    println!("{}", r.to_markdown());
    for status in ["401", "403"] {
        let subject = format!("GetGroupClusterRestoreJob response {status}");
        assert!(
            r.changes.iter().any(|c| c.kind == "status-added"
                && c.subject == subject
                && c.impact == Impact::NonBreaking),
            "{subject} not reported as a non-breaking addition:\n{}",
            r.to_markdown()
        );
    }
    assert_eq!(r.count(Impact::Breaking), 0, "{}", r.to_markdown());
    assert_eq!(r.bump(), Bump::Patch);
    assert_eq!(r.next_version().as_deref(), Some("0.1.1"));
}

#[test]
fn from_2023_to_2025_every_rust_name_stays_stable_and_the_renames_are_reported() {
    let (Some(old), Some(new)) = (
        published("atlas-api-2023-02-06.yaml"),
        published("atlas-api-2025-06-30.yaml"),
    ) else {
        return;
    };
    let config = committed_config();
    let gen = diff::generator_config(Some(&config)).unwrap_or_else(|f| panic!("{f}"));
    let names = |path: &Path| {
        let (api, _) =
            diff::lower_file(path, Some(&config), &gen).unwrap_or_else(|f| panic!("{f}"));
        let mut names: Vec<String> = api
            .types
            .iter()
            .map(|t| t.name.clone())
            .chain(api.strings.iter().map(|s| s.name.clone()))
            .collect();
        names.extend(
            api.operations
                .iter()
                .flat_map(|o| [o.fn_name.clone(), o.struct_name.clone()]),
        );
        names
    };
    let (before, after) = (names(&old), names(&new));
    // Every Rust name generated from the 2023 spec is generated from 2025 too
    // (2025 adds BadRequestDetail and FieldViolation).
    let lost: Vec<&String> = before.iter().filter(|n| !after.contains(n)).collect();
    assert!(lost.is_empty(), "Rust names that changed: {lost:?}");
    for name in [
        "get_group_cluster_restore_job",
        "GetGroupClusterRestoreJob",
        "BackupRestoreJob",
        "BackupRestoreJobDelivery",
        "RestoreJobFileHash",
        "BsonTimestamp",
        "DeliveryMethod",
        "DeliveryStatus",
        "RestoreJobStatus",
        "HashAlgorithm",
        "ApiError",
        "Link",
        "JobId",
    ] {
        assert!(
            before.iter().any(|n| n == name),
            "2023 does not generate {name}: {before:?}"
        );
    }
    let r = diff::diff_files(&old, &new, Some(&config)).unwrap_or_else(|f| panic!("{f}"));
    println!("{}", r.to_markdown());
    assert!(
        !r.changes.iter().any(|c| c.kind.ends_with("-renamed")),
        "{}",
        r.to_markdown()
    );
    let renames: Vec<&str> = r
        .changes
        .iter()
        .filter(|c| c.kind == "upstream-rename")
        .map(|c| c.message.as_str())
        .collect();
    for (from, to) in [
        (
            "returnOneLegacyBackupRestoreJob",
            "getLegacyBackupRestoreJob",
        ),
        ("ApiRestoreJobView", "BackupRestoreJob"),
        ("ApiRestoreJobDeliveryView", "BackupRestoreJobDelivery"),
        ("ApiRestoreJobFileHashView", "RestoreJobFileHash"),
    ] {
        assert!(
            renames
                .iter()
                .any(|m| m.contains(&format!("`{from}` renamed upstream to `{to}`"))),
            "rename {from} → {to} not reported: {renames:?}"
        );
    }
    // Extracting 2025 over the 2023 extraction names what moved since then.
    let (old_doc, _) = extract::read_document(&old).unwrap_or_else(|d| panic!("{d}"));
    let previous = extract::extract("2023", &old_doc, &config, None)
        .unwrap_or_else(|f| panic!("{f}"))
        .document;
    let (new_doc, _) = extract::read_document(&new).unwrap_or_else(|d| panic!("{d}"));
    let pins = extract::extract("2025", &new_doc, &config, Some(&previous))
        .unwrap_or_else(|f| panic!("{f}"))
        .pins;
    let moved: Vec<(Option<&str>, Option<&str>)> = pins
        .iter()
        .filter(|p| p.previously.is_some())
        .map(|p| (p.previously.as_deref(), p.published.as_deref()))
        .collect();
    assert!(
        moved.contains(&(Some("ApiRestoreJobView"), Some("BackupRestoreJob"))),
        "{moved:?}"
    );
    assert!(
        moved.contains(&(
            Some("returnOneLegacyBackupRestoreJob"),
            Some("getLegacyBackupRestoreJob")
        )),
        "{moved:?}"
    );
    let report = extract::pins_markdown(&pins, &[]);
    assert!(
        report.contains("`ApiRestoreJobView` → `BackupRestoreJob`"),
        "{report}"
    );
}

#[test]
fn extracting_the_same_input_again_changes_no_byte_and_diffs_empty() {
    let Some(june) = published("atlas-api-2025-06-30.yaml") else {
        return;
    };
    let config = committed_config();
    let (doc, _) = extract::read_document(&june).unwrap_or_else(|d| panic!("{d}"));
    let first = extract::extract("june", &doc, &config, None).unwrap_or_else(|f| panic!("{f}"));
    let second = extract::extract("june", &doc, &config, Some(&first.document))
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(first.yaml, second.yaml);
    // Extracting an extraction is the identity too.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec-update-idempotent.yaml");
    std::fs::write(&out, &first.yaml).unwrap_or_else(|e| panic!("{e}"));
    let (again, _) = extract::read_document(&out).unwrap_or_else(|d| panic!("{d}"));
    let third = extract::extract("again", &again, &config, None).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(first.yaml, third.yaml);
    assert!(!first.yaml.contains("x-xgen-"), "dropped extensions remain");
    let r = diff::diff_files(&june, &june, Some(&config)).unwrap_or_else(|f| panic!("{f}"));
    assert!(r.changes.is_empty(), "{}", r.to_markdown());
    assert_eq!(r.bump(), Bump::None);
}

/// The update script's nested cargo rewrites the `atlasgen` binary these
/// tests run (the target directory is shared); they take turns.
static BINARY: Mutex<()> = Mutex::new(());

fn binary_lock() -> MutexGuard<'static, ()> {
    BINARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the CLI in `dir`; returns the exit code and stderr.
fn atlasgen(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_atlasgen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run atlasgen: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn extract_then_generate_then_check_passes_and_a_rerun_changes_nothing() {
    let Some(june) = published("atlas-api-2025-06-30.yaml") else {
        return;
    };
    let _turn = binary_lock();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec-update-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("spec")).unwrap_or_else(|e| panic!("{e}"));
    let committed =
        std::fs::read_to_string(workspace().join("spec/extract.toml")).unwrap_or_default();
    std::fs::write(
        dir.join("spec/extract.toml"),
        committed.replace(
            "generator_config = \"atlasgen.toml\"",
            "generator_config = \"gen.toml\"",
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let runtime = workspace()
        .join("runtime")
        .canonicalize()
        .unwrap_or_default();
    let gen = format!(
        "spec = \"openapi.yaml\"\npinned = \"PINNED.toml\"\n[output]\ndir = \"../generated\"\ncrate_name = \"x\"\nruntime_path = {:?}\nregenerate_command = \"atlasgen generate spec/gen.toml\"\n[select]\npaths = [\"GET /api/atlas/v2/groups/{{groupId}}/clusters/{{clusterName}}/restoreJobs/{{jobId}}\"]\n",
        runtime.display().to_string()
    );
    std::fs::write(dir.join("spec/gen.toml"), gen).unwrap_or_else(|e| panic!("{e}"));
    let june = june.display().to_string();
    let (code, err) = atlasgen(
        &dir,
        &[
            "extract",
            "--config",
            "spec/extract.toml",
            "--spec",
            &june,
            "--report",
            "pins.md",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let record = std::fs::read_to_string(dir.join("spec/PINNED.toml")).unwrap_or_default();
    assert!(
        record.contains("date = \"2025-06-30\"") && record.contains("sha256 = \"a1b5953a"),
        "{record}"
    );
    let (code, err) = atlasgen(&dir, &["generate", "spec/gen.toml"]);
    assert_eq!(code, 0, "{err}");
    let spec_before = std::fs::read(dir.join("spec/openapi.yaml")).unwrap_or_default();
    let (code, err) = atlasgen(&dir, &["check", "spec/gen.toml", "--pinned", &june]);
    assert_eq!(code, 0, "check fails right after an update:\n{err}");
    let (code, err) = atlasgen(
        &dir,
        &["extract", "--config", "spec/extract.toml", "--spec", &june],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("unchanged: spec/openapi.yaml") && err.contains("unchanged: spec/PINNED.toml"),
        "{err}"
    );
    assert_eq!(
        spec_before,
        std::fs::read(dir.join("spec/openapi.yaml")).unwrap_or_default()
    );
    // A different published spec, or a hand edit of spec/, makes check fail with the fix.
    if let Some(march) = published("atlas-api-2025-03-20.yaml") {
        let (code, err) = atlasgen(
            &dir,
            &[
                "check",
                "spec/gen.toml",
                "--pinned",
                &march.display().to_string(),
            ],
        );
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("scripts/spec-update.sh"), "{err}");
    }
    std::fs::write(
        dir.join("spec/openapi.yaml"),
        [spec_before.as_slice(), b"# edited\n"].concat(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = atlasgen(&dir, &["check", "spec/gen.toml", "--pinned", &june]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("atlasgen -- extract --config"), "{err}");
}

// ----- the update script, end to end ------------------------------------------

/// Copies the checkout's files (tracked, and new ones not ignored) to `to`.
fn copy_checkout(to: &Path) -> Result<(), String> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(workspace())
        .output()
        .map_err(|e| format!("git is not available: {e}"))?;
    if !out.status.success() {
        return Err("not a git checkout".to_owned());
    }
    for file in out.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let rel = String::from_utf8_lossy(file).into_owned();
        let from = workspace().join(&rel);
        // Deleted but not yet staged: nothing to copy.
        if !from.is_file() {
            continue;
        }
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::copy(&from, &dest).map_err(|e| format!("{rel}: {e}"))?;
    }
    Ok(())
}

/// Runs in CI with `cargo test --workspace`. It builds the copy's workspace
/// into a target directory of its own, so on a fresh machine it compiles
/// every dependency once more (several minutes on 2 cores); the test prints
/// its time.
#[test]
fn the_update_script_leaves_a_regenerated_tree_passing_tests_and_a_report() {
    let Some(june) = published("atlas-api-2025-06-30.yaml") else {
        return;
    };
    let _turn = binary_lock();
    let started = Instant::now();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec-update-e2e");
    let _ = std::fs::remove_dir_all(&root);
    let repo = root.join("repo");
    if let Err(reason) = copy_checkout(&repo) {
        println!("skipped: cannot copy the checkout ({reason})");
        return;
    }
    // A target directory of its own: cargo names a workspace's artifacts by
    // their path relative to the workspace root, so the copy built into the
    // workspace's target directory would overwrite the workspace's own test
    // binaries (and run them with the copy's spec). Kept between runs.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec-update-e2e-target");
    // What the update must report, from the diff of the copy's spec/ (the
    // hand-written fragment, or whatever published spec the last update
    // extracted) to the snapshot: the test holds on any tree, not only on
    // the one it was written on.
    let june_arg = june.display().to_string();
    let expected = Command::new(env!("CARGO_BIN_EXE_atlasgen"))
        .args(["diff", "spec/openapi.yaml", &june_arg])
        .args(["--config", "spec/extract.toml", "--format", "json"])
        .current_dir(&repo)
        .output()
        .unwrap_or_else(|e| panic!("cannot run atlasgen: {e}"));
    assert!(
        expected.status.success(),
        "{}",
        String::from_utf8_lossy(&expected.stderr)
    );
    let expected: serde_json::Value = serde_json::from_slice(&expected.stdout).unwrap_or_default();
    let bump = expected["semver"]["bump"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!bump.is_empty(), "no bump in the diff: {expected}");
    let report = root.join("report.md");
    let out = Command::new("bash")
        .arg("scripts/spec-update.sh")
        // cargo-semver-checks has a test of its own (semver_agreement.rs).
        .args(["--quick", "--semver-checks", "skip", "--report"])
        .arg(&report)
        .arg(&june)
        .current_dir(&repo)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the script: {e}"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the update script failed:\n{log}");
    let body = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(
        body.starts_with("# Atlas Administration API spec update: published 2025-06-30"),
        "{body}"
    );
    assert!(
        body.contains("Tests: passed") && body.contains(&format!("**Semver: {bump}**")),
        "{body}"
    );
    // Every change the diff finds is in the pull-request body.
    for change in expected["changes"].as_array().into_iter().flatten() {
        let message = change["message"].as_str().unwrap_or_default();
        assert!(
            body.contains(message),
            "not in the report: {message}\n{body}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("report.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(json["semver"]["bump"], bump.as_str());
    assert_eq!(json["changes"], expected["changes"]);
    let pinned = std::fs::read_to_string(repo.join("spec/PINNED.toml")).unwrap_or_default();
    assert!(
        pinned.contains("2025-06-30") && pinned.contains("a1b5953ae599fc6d"),
        "{pinned}"
    );
    let spec = std::fs::read_to_string(repo.join("spec/openapi.yaml")).unwrap_or_default();
    assert!(
        spec.contains("x-rust-name: getGroupClusterRestoreJob"),
        "spec/ is not the extraction"
    );
    // The regenerated tree is fresh and matches the pinned spec.
    let (code, err) = atlasgen(
        &repo,
        &["check", "spec/atlasgen.toml", "--pinned", &june_arg],
    );
    assert_eq!(code, 0, "{err}");
    println!(
        "the update script ran end to end in {:.0?}",
        started.elapsed()
    );
}
