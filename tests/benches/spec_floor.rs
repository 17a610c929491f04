//! The floor for generating from the full published spec (issue 5,
//! measurement 2): reading the file and parsing it into openapiv3 types, from
//! YAML and from a JSON copy, and nothing else. scripts/bench.sh times the
//! whole `atlasgen crate` process on the same files and divides.
//!
//! A second reference, `reformat_output`: parsing the crate generated from
//! the spec (`ATLASGEN_BENCH_GENERATED`, its directory) with syn and printing
//! it with prettyplease, the formatting the generator does; it shows what
//! that step alone costs against the floor.
//!
//! `ATLASGEN_BENCH_SPEC` names the YAML spec (default: the published spec
//! beside the checkout) and `ATLASGEN_BENCH_SPEC_JSON` its JSON copy. With
//! `ATLASGEN_BENCH_WRITE_JSON=1` the binary only writes that copy (keys in
//! document order, pretty-printed like the published JSON) and exits.

use std::path::PathBuf;

use divan::black_box;
use openapiv3::OpenAPI;

fn yaml_path() -> Option<PathBuf> {
    match std::env::var_os("ATLASGEN_BENCH_SPEC") {
        Some(p) => Some(PathBuf::from(p)),
        None => atlasgen_tests::published_spec("atlas-api-2025-06-30.yaml"),
    }
}

fn json_path() -> Option<PathBuf> {
    std::env::var_os("ATLASGEN_BENCH_SPEC_JSON").map(PathBuf::from)
}

fn main() {
    let Some(yaml) = yaml_path() else {
        println!("skipped: no published spec");
        return;
    };
    if std::env::var_os("ATLASGEN_BENCH_WRITE_JSON").is_some() {
        let out = json_path().expect("ATLASGEN_BENCH_SPEC_JSON names the JSON copy");
        let text = std::fs::read_to_string(&yaml).expect("the spec reads");
        let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
        let json = serde_json::to_string_pretty(&value).expect("the spec converts to JSON");
        std::fs::write(&out, json).expect("the JSON copy writes");
        return;
    }
    divan::main();
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_yaml() -> OpenAPI {
    let path = yaml_path().expect("checked in main");
    let text = std::fs::read_to_string(black_box(&path)).expect("the spec reads");
    serde_yaml::from_str::<OpenAPI>(&text).expect("the spec parses")
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_json() -> Option<OpenAPI> {
    let path = json_path()?;
    let text = std::fs::read_to_string(black_box(&path)).expect("the JSON copy reads");
    Some(serde_json::from_str::<OpenAPI>(&text).expect("the JSON copy parses"))
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn reformat_output() -> Option<usize> {
    let dir = std::env::var_os("ATLASGEN_BENCH_GENERATED")?;
    let mut printed = 0;
    for entry in
        std::fs::read_dir(PathBuf::from(dir).join("src")).expect("the generated crate has src/")
    {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).expect("a generated file reads");
        let file = syn::parse_file(&text).expect("generated code parses");
        printed += prettyplease::unparse(&file).len();
    }
    Some(printed)
}
