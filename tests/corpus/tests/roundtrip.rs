//! The round-trip property on every construct of the corpus: for every
//! schema that became a type, seeded random valid instances (made by
//! `atlasgen::instances` from the spec itself) decode into the type with no
//! lenient fallback and re-encode to equal JSON. Set
//! `ATLAS_ROUNDTRIP_SEEDS=N` to try N seeds instead of three.

use std::path::Path;

use atlasgen::instances::Options;
use atlasgen::{load, Config};
use serde_json::Value;

type Check = fn(&str, &Value) -> Option<Result<(), String>>;

/// Every corpus crate, by its folder.
const CORPUS: &[(&str, Check)] = &[
    ("all_of", corpus_all_of::roundtrip::check),
    ("big_numbers", corpus_big_numbers::roundtrip::check),
    ("dated_versions", corpus_dated_versions::roundtrip::check),
    (
        "discriminated_unions",
        corpus_discriminated_unions::roundtrip::check,
    ),
    ("empty_responses", corpus_empty_responses::roundtrip::check),
    ("error_bodies", corpus_error_bodies::roundtrip::check),
    (
        "feature_collisions",
        corpus_feature_collisions::roundtrip::check,
    ),
    ("formats", corpus_formats::roundtrip::check),
    ("integer_enums", corpus_integer_enums::roundtrip::check),
    ("maps", corpus_maps::roundtrip::check),
    ("media_types", corpus_media_types::roundtrip::check),
    ("names", corpus_names::roundtrip::check),
    ("nullable", corpus_nullable::roundtrip::check),
    ("pagination", corpus_pagination::roundtrip::check),
    ("read_write_only", corpus_read_write_only::roundtrip::check),
    ("recursion", corpus_recursion::roundtrip::check),
    ("tag_features", corpus_tag_features::roundtrip::check),
    ("untagged_unions", corpus_untagged_unions::roundtrip::check),
    (
        "versioned_schemas",
        corpus_versioned_schemas::roundtrip::check,
    ),
];

#[test]
fn every_construct_of_the_corpus_is_listed_here() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(root)
        .expect("the corpus folder reads")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("atlasgen.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(dir, _)| *dir).collect();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_instance_of_every_schema_of_every_construct_round_trips() {
    let seeds: u64 = std::env::var("ATLAS_ROUNDTRIP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut schemas, mut tried) = (0, 0);
    let mut failures = Vec::new();
    for (dir, check) in CORPUS {
        let config =
            Config::load(&root.join(dir).join("atlasgen.toml")).unwrap_or_else(|d| panic!("{d}"));
        let spec = load::load_file(&config.spec).unwrap_or_else(|f| panic!("{f}"));
        let lowered = atlasgen::lower(&spec, &config).unwrap_or_else(|f| panic!("{f}"));
        for seed in 0..seeds {
            let cases = lowered.roundtrip_cases(
                &spec,
                &Options {
                    seed,
                    count: 12,
                    ..Options::default()
                },
            );
            if seed == 0 {
                schemas += cases.schemas;
                for skip in &cases.skipped {
                    // Only what no value can tell apart may go without instances.
                    assert!(
                        skip.kind.label().contains("overlap"),
                        "{dir}: a schema got no instances: {skip}"
                    );
                }
            }
            for case in &cases.cases {
                tried += 1;
                match check(&case.type_name, &case.instance) {
                    Some(Ok(())) => {}
                    Some(Err(e)) => failures.push(format!(
                        "{dir}: {} ({} {:?}, seed {seed}): {e}\n    {}",
                        case.type_name, case.pointer, case.direction, case.instance
                    )),
                    None => failures.push(format!("{dir}: {}: no such type", case.type_name)),
                }
            }
        }
    }
    println!(
        "{} constructs, {schemas} schemas, {tried} instances, {} failures",
        CORPUS.len(),
        failures.len()
    );
    assert!(tried > 1000, "only {tried} instances");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
