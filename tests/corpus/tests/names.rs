//! `names` (`tests/corpus/names/`): a keyword and its capitalised twin
//! (`self`, `Self`) give the plainer wire name the plainer Rust name
//! (`self_`, then `self_2`), whatever their order; non-ASCII letters are
//! kept, since Rust identifiers are XID; symbols are spelled out.

use atlasgen_corpus::{base_url, path_and_query, round_trip};
use corpus_names::{Café, Entry, EntryMood, GetEntry};
use serde_json::json;

#[test]
fn the_plainer_wire_name_gets_the_plainer_rust_name() {
    let entry: Entry = round_trip(&json!({"self": "lower", "Self": "upper", "type": "t"}));
    assert_eq!(entry.self_, "lower");
    assert_eq!(entry.self_2.as_deref(), Some("upper"));
    assert_eq!(entry.type_.as_deref(), Some("t"));
}

#[test]
fn non_ascii_letters_are_kept_in_names() {
    let entry: Entry = round_trip(&json!({
        "self": "s", "größe": 3, "名前": "ナ", "café": {"crème": true}, "mood": "heiß"
    }));
    assert_eq!(entry.größe, Some(3));
    assert_eq!(entry.名前.as_deref(), Some("ナ"));
    assert_eq!(entry.café.and_then(|c: Café| c.crème), Some(true));
    assert_eq!(entry.mood, Some(EntryMood::Heiß));
}

#[test]
fn symbols_are_spelled_out_and_the_wire_keeps_them() {
    let entry: Entry = round_trip(&json!({"self": "s", "mood": ">="}));
    assert_eq!(entry.mood, Some(EntryMood::GtEq));
}

#[test]
fn a_non_ascii_query_parameter_is_percent_encoded_under_its_wire_name() {
    let request = GetEntry::new("e1".to_owned())
        .größe(5)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(path_and_query(&request), "/entries/e1?gr%C3%B6%C3%9Fe=5");
}

#[test]
fn no_diagnostic_says_a_name_with_letters_has_none() {
    let generated = atlasgen::generate_from_config(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("names/atlasgen.toml"),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    for w in &generated.warnings {
        assert!(
            !(w.message.contains("größe")
                || w.message.contains("名前")
                || w.message.contains("heiß")),
            "{w}"
        );
    }
    // Only the symbols are reported as spelled out.
    assert!(generated
        .warnings
        .iter()
        .any(|w| w.message.contains("`<` is `Lt`")));
}
