//! Tags as Cargo features (`tests/corpus/tag_features/`, `tag_features =
//! true`): one feature per tag, `full` (a default) enabling every one; an
//! operation compiles with its tag's feature, a type with the feature of
//! any tag that reaches it. A small crate depending on the corpus crate with
//! one tag is checked by a nested `cargo check` to show what compiles with
//! which feature.

use std::path::{Path, PathBuf};
use std::process::Command;

use atlasgen_corpus::{base_url, json_response, path_and_query, round_trip};
use corpus_tag_features::{Driver, EngineFuel, GetDriver, GetVehicle, Vehicle, Vin};
use serde_json::{json, Value};

fn crate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tag_features")
        .join("crate")
}

/// The features table of the corpus crate, as cargo reads its manifest.
fn features() -> serde_json::Map<String, Value> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
        ])
        .arg(crate_dir().join("Cargo.toml"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "corpus-tag-features")
        .and_then(|p| p["features"].as_object().cloned())
        .expect("the corpus crate is in the metadata")
}

#[test]
fn each_tag_is_a_feature_and_full_enables_them_all_by_default() {
    let features = features();
    let mut names: Vec<&str> = features.keys().map(String::as_str).collect();
    names.sort_unstable();
    // Beside the crate's own features (client, full, roundtrip, ...), one per tag.
    let own = ["cli", "client", "default", "full", "mock", "roundtrip"];
    for required in ["client", "default", "full"] {
        assert!(names.contains(&required), "{names:?}");
    }
    let tags: Vec<&str> = names.into_iter().filter(|n| !own.contains(n)).collect();
    assert_eq!(tags, ["drivers", "vehicles"]);
    assert_eq!(features["full"], json!(["drivers", "vehicles"]));
    assert_eq!(features["default"], json!(["client", "full"]));
    assert_eq!(features["drivers"], json!([]));
    assert_eq!(features["vehicles"], json!([]));
}

#[test]
fn with_every_feature_each_operation_decodes_its_tags_types() {
    let vehicle = json!({
        "vin": "1HGBH41JXMN109186",
        "position": {"lat": 52.37, "lon": 4.89},
        "engine": {"fuel": "HYDROGEN"}
    });
    let decoded: Vehicle = round_trip(&vehicle);
    assert_eq!(decoded.engine.map(|e| e.fuel), Some(EngineFuel::Hydrogen));
    let vin = Vin::new("1HGBH41JXMN109186").expect("a valid VIN");
    let request = GetVehicle::new(vin)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(path_and_query(&request), "/vehicles/1HGBH41JXMN109186");
    let driver = json!({"name": "Noor", "lastSeen": {"lat": 1.5, "lon": -0.25}});
    let decoded: Driver = GetDriver::new("d-1".to_owned())
        .parse_response(json_response(200, &driver))
        .expect("200 decodes");
    assert_eq!(decoded.last_seen.map(|p| p.lon), Some(-0.25));
}

/// Runs `cargo check` on a scratch crate that depends on the corpus crate
/// with only `features` and whose library is `lib_rs`; the target directory
/// is shared with the other tests that check generated crates, and kept.
fn check_with(name: &str, features: &[&str], lib_rs: &str) -> (bool, String) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tag-features-probe")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src")).expect("the probe directory is writable");
    let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let manifest = format!(
        "[package]\nname = \"tag-probe-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ncorpus-tag-features = {{ path = {:?}, default-features = false, features = [{}] }}\n\n\
         # Stand-alone: not a member of the workspace that holds the corpus.\n[workspace]\n",
        crate_dir().display().to_string(),
        features.join(", ")
    );
    std::fs::write(root.join("Cargo.toml"), manifest).expect("the manifest is written");
    std::fs::write(root.join("src/lib.rs"), lib_rs).expect("the library is written");
    // The workspace's lock file: the same dependency versions, so the shared
    // target directory already holds them.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    std::fs::copy(lock, root.join("Cargo.lock")).expect("the lock file is copied");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates-target");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn one_tag_alone_compiles_its_operations_and_the_types_they_reach_warning_free() {
    let (ok, stderr) = check_with(
        "vehicles",
        &["vehicles"],
        "pub use corpus_tag_features::{Engine, EngineFuel, GetVehicle, Position, Vehicle, Vin};\n",
    );
    assert!(ok, "with `vehicles` alone:\n{stderr}");
    let (ok, stderr) = check_with(
        "drivers",
        &["drivers"],
        "pub use corpus_tag_features::{Driver, GetDriver, Position};\n",
    );
    assert!(ok, "with `drivers` alone:\n{stderr}");
}

#[test]
fn without_its_tags_feature_an_operation_and_the_types_only_it_reaches_do_not_exist() {
    let (ok, stderr) = check_with(
        "drivers-without-vehicles",
        &["drivers"],
        "pub use corpus_tag_features::{Engine, GetVehicle, Vin};\n",
    );
    assert!(
        !ok,
        "`Engine`, `GetVehicle` and `Vin` compiled without `vehicles`"
    );
    for name in ["Engine", "GetVehicle", "Vin"] {
        assert!(
            stderr.contains(&format!("`{name}`")),
            "no error names {name}:\n{stderr}"
        );
    }
    let (ok, stderr) = check_with("no-tags", &[], "pub use corpus_tag_features::Position;\n");
    assert!(!ok, "`Position` compiled with no tag at all");
    assert!(stderr.contains("`Position`"), "{stderr}");
}
