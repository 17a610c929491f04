//! The round-trip property on the crate generated from `spec/`: for every
//! schema that became a model, seeded random valid instances (made by
//! `atlasgen::instances` from the spec itself, not from the generated code)
//! decode into the model with no lenient fallback and re-encode to equal
//! JSON. Set `ATLAS_ROUNDTRIP_SEEDS=N` to try N seeds instead of three.

use atlasgen::instances::Options;
use atlasgen::{load, Config, Lowered};
use atlasgen_tests::config_path;
use serde_json::json;

fn lowered() -> (load::Spec, Lowered) {
    let mut config = Config::load(&config_path()).unwrap_or_else(|d| panic!("{d}"));
    config.output.all_schemas = false;
    let spec = load::load_file(&config.spec).unwrap_or_else(|f| panic!("{f}"));
    let lowered = atlasgen::lower(&spec, &config).unwrap_or_else(|f| panic!("{f}"));
    (spec, lowered)
}

#[test]
fn every_instance_of_every_schema_decodes_and_re_encodes_unchanged() {
    let (spec, lowered) = lowered();
    let seeds: u64 = std::env::var("ATLAS_ROUNDTRIP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut tried = 0;
    let mut failures = Vec::new();
    let mut schemas = 0;
    for seed in 0..seeds {
        let opts = Options {
            seed,
            count: 20,
            ..Options::default()
        };
        let cases = lowered.roundtrip_cases(&spec, &opts);
        assert!(
            cases.skipped.is_empty(),
            "schemas without instances: {:?}",
            cases.skipped
        );
        schemas = cases.schemas;
        for case in &cases.cases {
            tried += 1;
            match atlas_admin::roundtrip::check(&case.type_name, &case.instance) {
                Some(Ok(())) => {}
                Some(Err(e)) => failures.push(format!(
                    "{} ({} {:?}, seed {seed}): {e}\n    {}",
                    case.type_name, case.pointer, case.direction, case.instance
                )),
                None => failures.push(format!("{}: no such model", case.type_name)),
            }
        }
    }
    println!(
        "{schemas} schemas, {tried} instances, {} failures",
        failures.len()
    );
    // Every model of the crate is some schema's type.
    let orphans = lowered.models_without_schema();
    assert!(
        orphans.is_empty(),
        "models with no schema to draw instances from: {orphans:?}"
    );
    assert!(tried > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The documented example, made valid (it writes `"string"` for a UUID).
fn valid_job() -> serde_json::Value {
    let mut job = atlasgen_tests::documented_example("200");
    job["masterKeyUUID"] = json!("72b4a5b6-7c1d-4e2f-8a9b-0c1d2e3f4a5b");
    job
}

#[test]
fn a_valid_documented_job_round_trips() {
    assert_eq!(
        atlas_admin::roundtrip::check("BackupRestoreJob", &valid_job()),
        Some(Ok(()))
    );
}

#[test]
fn the_check_fails_on_a_property_the_model_would_drop() {
    // The gate above can fail: an undeclared property is dropped on decoding.
    let mut job = valid_job();
    job["somethingNew"] = json!(1);
    let outcome = atlas_admin::roundtrip::check("BackupRestoreJob", &job);
    assert!(
        matches!(&outcome, Some(Err(e)) if e.contains("somethingNew")),
        "{outcome:?}"
    );
}

#[test]
fn the_check_fails_on_a_value_decoded_leniently() {
    let mut job = valid_job();
    job["statusName"] = json!("A_STATUS_NOT_IN_THE_SPEC");
    let outcome = atlas_admin::roundtrip::check("BackupRestoreJob", &job);
    assert!(
        matches!(&outcome, Some(Err(e)) if e.contains("lenient")),
        "{outcome:?}"
    );
}
