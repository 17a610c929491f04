//! `feature_collisions` (`tests/corpus/feature_collisions/`): a tag whose
//! Cargo feature would be one the crate defines itself (`client`, `default`,
//! `full`, `untagged`) is renamed `<tag>-tag`, and a tag kebab-cased into
//! another tag's feature is numbered, deterministically and with a warning,
//! so Cargo accepts the manifest.

use std::process::Command;

fn crate_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("feature_collisions/crate")
}

#[test]
fn cargo_metadata_accepts_the_manifest_and_lists_the_renamed_features() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(crate_dir().join("Cargo.toml"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo metadata refuses the manifest:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let package = metadata["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "corpus-feature-collisions"))
        .expect("the package is listed");
    let features = package["features"].as_object().expect("features");
    for renamed in [
        "client-tag",
        "default-tag",
        "full-tag",
        "untagged-tag",
        "legacy-backup",
        "legacy-backup-2",
    ] {
        assert!(
            features.contains_key(renamed),
            "no feature {renamed}: {features:?}"
        );
    }
    // The crate's own features keep their meaning.
    assert_eq!(features["default"], serde_json::json!(["client", "full"]));
    assert_eq!(
        features["client"],
        serde_json::json!(["atlas-runtime/client"])
    );
    // Operations without a tag still have `untagged`.
    assert!(features["full"]
        .as_array()
        .is_some_and(|f| f.contains(&"untagged".into())));
}

#[test]
fn each_rename_is_a_warning_naming_the_tag_and_its_feature() {
    let generated = atlasgen::generate_from_config(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("feature_collisions/atlasgen.toml"),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    let renames: Vec<&str> = generated
        .warnings
        .iter()
        .filter(|w| w.message.contains("Cargo feature"))
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(renames.len(), 5, "{renames:#?}");
    assert!(renames
        .iter()
        .any(|m| m.contains("`Client`") && m.contains("`client-tag`")));
    assert!(renames
        .iter()
        .any(|m| m.contains("`legacy-backup`") && m.contains("`legacy-backup-2`")));
}

#[test]
fn the_renamed_tags_operations_compile_under_their_features() {
    // Through the default features (`full`), every operation is there.
    let _ = corpus_feature_collisions::ListClients::new();
    let _ = corpus_feature_collisions::GetLoose::new();
    let _ = corpus_feature_collisions::GetReallyLoose::new();
}
