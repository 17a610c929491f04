//! `untagged_unions` (`tests/corpus/untagged_unions/`): a `oneOf`/`anyOf`
//! without a discriminator decodes into the variant the value fits best:
//! fewest lenient fallbacks (an unlisted enum value, a broken format), then
//! fewest properties the variant does not declare, then most properties and
//! constraints it matches; the first of equals. Never simply the first that
//! accepts the value, so nothing is lost on re-encoding.

use atlasgen_corpus::{base_url, body_json, json_response, round_trip};
use corpus_untagged_unions::{
    Checked, Color, GetContact, Lookup, LookupRequest, PutContact, Reach, ReachRequest, Size, Tag,
};
use serde_json::json;

#[test]
fn an_object_decodes_into_the_variant_whose_properties_it_has() {
    let phone = json!({"number": "+4912345678", "label": "work"});
    let Reach::Phone(p) = round_trip::<Reach>(&phone) else {
        panic!("not the phone variant");
    };
    assert_eq!(p.label.as_deref(), Some("work"));
    assert!(matches!(
        round_trip::<Reach>(&json!({"address": "ada@example.test"})),
        Reach::Email(_)
    ));
}

#[test]
fn a_variant_with_required_properties_takes_the_value_that_has_them() {
    let post = json!({"street": "1 Main St", "city": "Springfield", "label": "home"});
    assert!(matches!(round_trip::<Reach>(&post), Reach::Post(_)));
}

#[test]
fn an_undeclared_property_counts_against_the_variants_that_would_drop_more() {
    // Email would drop `number` and `extra`; Phone only `extra`.
    let value = json!({"number": "+4912345678", "extra": true});
    let decoded: Reach = atlasgen_corpus::decode(&value);
    assert!(matches!(decoded, Reach::Phone(_)), "{decoded:?}");
}

#[test]
fn a_value_every_variant_fits_equally_decodes_as_the_first_and_re_encodes_unchanged() {
    // Only `label`, which all three declare (Post lacks its required keys).
    let value = json!({"label": "spare"});
    assert!(matches!(round_trip::<Reach>(&value), Reach::Email(_)));
}

#[test]
fn a_response_no_variant_accepts_is_kept_as_unknown_and_re_encodes_unchanged() {
    let value = json!(["not", "an", "object"]);
    assert_eq!(round_trip::<Reach>(&value), Reach::Unknown(value.clone()));
}

#[test]
fn a_request_union_refuses_a_value_no_variant_accepts() {
    let error = atlasgen_corpus::refused::<ReachRequest>(&json!(5));
    assert!(error.contains("no variant"), "{error}");
}

#[test]
fn strings_decode_into_the_enum_or_format_they_belong_to() {
    assert_eq!(round_trip::<Tag>(&json!("green")), Tag::Color(Color::Green));
    assert_eq!(round_trip::<Tag>(&json!("large")), Tag::Size(Size::Large));
    assert!(matches!(
        round_trip::<Tag>(&json!("2024-02-29T12:00:00Z")),
        Tag::DateTime(Checked::Valid(_))
    ));
}

#[test]
fn numbers_decode_as_integers_when_whole_and_as_floats_otherwise() {
    assert_eq!(round_trip::<Tag>(&json!(7)), Tag::Integer(7));
    assert_eq!(round_trip::<Tag>(&json!(2.5)), Tag::Number(2.5));
    assert_eq!(round_trip::<Tag>(&json!(true)), Tag::Boolean(true));
}

#[test]
fn a_string_no_variant_lists_is_kept_as_sent() {
    // Every string variant takes it only leniently; the first of equals
    // keeps it, and it re-encodes as it came.
    let decoded = round_trip::<Tag>(&json!("purple"));
    assert_eq!(decoded, Tag::Color(Color::Unknown("purple".to_owned())));
}

#[test]
fn any_of_objects_are_told_apart_by_their_required_properties() {
    assert!(matches!(
        round_trip::<Lookup>(&json!({"id": 4})),
        Lookup::ById(_)
    ));
    assert!(matches!(
        round_trip::<Lookup>(&json!({"name": "ada", "note": "n"})),
        Lookup::ByName(_)
    ));
}

#[test]
fn get_contact_decodes_the_union_from_the_response() {
    let body = json!({"number": "+4912345678"});
    let reach = GetContact::new("c1".to_owned())
        .parse_response(json_response(200, &body))
        .expect("200 decodes");
    assert!(matches!(reach, Reach::Phone(_)));
}

#[test]
fn put_contact_sends_the_variant_as_its_own_json() {
    let body: ReachRequest =
        atlasgen_corpus::decode(&json!({"street": "1 Main St", "city": "Springfield"}));
    let request = PutContact::new("c1".to_owned(), body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        body_json(&request),
        json!({"street": "1 Main St", "city": "Springfield"})
    );
    let lookup: LookupRequest = atlasgen_corpus::decode(&json!({"id": 9}));
    assert!(
        matches!(lookup, LookupRequest::ByIdRequest(_)),
        "{lookup:?}"
    );
}

#[test]
fn variants_no_value_can_tell_apart_are_a_located_warning_at_generation() {
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("untagged_unions/atlasgen.toml");
    let generated = atlasgen::generate_from_config(&config).unwrap_or_else(|f| panic!("{f}"));
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("`Left` and `Right` of `Twins`"))
        .unwrap_or_else(|| panic!("no warning about Twins: {:?}", generated.warnings));
    assert!(warning.to_string().contains("openapi.yaml:"), "{warning}");
    // Reach's variants differ, and are not warned about.
    assert!(!generated
        .warnings
        .iter()
        .any(|w| w.message.contains("of `Reach`")));
}
