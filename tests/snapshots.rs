//! The generated crate, pinned file by file. A change to the spec or the
//! generator shows up here as a reviewable snapshot diff
//! (`cargo insta review`, or accept with `INSTA_UPDATE=always`).

use atlasgen_tests::config_path;

fn generated_file(path: &str) -> String {
    let generated = match atlasgen::generate_from_config(&config_path()) {
        Ok(g) => g,
        Err(failure) => panic!("generation failed:\n{failure}"),
    };
    match generated.files.into_iter().find(|f| f.path == path) {
        Some(f) => f.contents,
        None => panic!("the generator no longer produces {path}"),
    }
}

fn assert_file_snapshot(path: &str) {
    let contents = generated_file(path);
    let name = path.replace(['/', '.'], "_");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, contents);
    });
}

#[test]
fn cargo_manifest_matches_snapshot() {
    assert_file_snapshot("Cargo.toml");
}

#[test]
fn crate_root_matches_snapshot() {
    assert_file_snapshot("src/lib.rs");
}

#[test]
fn models_match_snapshot() {
    assert_file_snapshot("src/models.rs");
}

#[test]
fn validated_strings_match_snapshot() {
    assert_file_snapshot("src/validated.rs");
}

#[test]
fn operations_match_snapshot() {
    assert_file_snapshot("src/operations.rs");
}

#[test]
fn client_matches_snapshot() {
    assert_file_snapshot("src/client.rs");
}

#[test]
fn generation_is_deterministic() {
    let first = atlasgen::generate_from_config(&config_path()).map(|g| g.files);
    let second = atlasgen::generate_from_config(&config_path()).map(|g| g.files);
    assert!(first.is_ok());
    assert_eq!(
        first, second,
        "two runs on the same spec gave different bytes"
    );
}
