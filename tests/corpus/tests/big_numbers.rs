//! `big_numbers` (`tests/corpus/big_numbers/`): a schema keyword holding a
//! number beyond what it can hold (`minimum: -9223372036854776000`) is a
//! located warning and the keyword is dropped; the document is not refused.

use atlasgen_corpus::round_trip;
use corpus_big_numbers::Balance;
use serde_json::json;

#[test]
fn the_spec_generates_with_a_located_warning_per_dropped_keyword() {
    let generated = atlasgen::generate_from_config(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("big_numbers/atlasgen.toml"),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    let dropped: Vec<String> = generated
        .warnings
        .iter()
        .filter(|w| w.message.contains("the keyword is dropped"))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(dropped.len(), 2, "{dropped:#?}");
    assert!(dropped
        .iter()
        .any(|w| w.contains("minimum") && w.contains("openapi.yaml:")));
    assert!(dropped.iter().any(|w| w.contains("maxLength")));
}

#[test]
fn the_field_keeps_its_type_and_takes_the_extremes() {
    let balance: Balance = round_trip(&json!({"cents": i64::MIN, "memo": "m"}));
    assert_eq!(balance.cents, i64::MIN);
}
