//! `allOf` merges (`tests/corpus/all_of/`): one struct holding every member's
//! properties, required where any member requires them; a later member
//! refining a property (here adding a pattern) wins; an alias (`allOf` with
//! one `$ref` and a description) is the schema it names.

use atlasgen_corpus::{
    base_url, body_json, decode, header, json_response, path_and_query, refused, round_trip,
};
use corpus_all_of::{
    Checked, Code, GetWarehouseSummary, ReplaceWarehouse, ValidationError, Warehouse,
    WarehouseRequest,
};
use serde_json::{json, Value};

fn full() -> Value {
    json!({
        "capacity": 1200,
        "code": "DEP-7",
        "createdBy": "ada",
        "label": "Harbour depot",
        "note": "night shifts"
    })
}

fn without(key: &str) -> Value {
    let mut value = full();
    value.as_object_mut().expect("an object").remove(key);
    value
}

#[test]
fn every_members_properties_decode_into_one_struct_and_re_encode_unchanged() {
    let warehouse: Warehouse = round_trip(&full());
    assert_eq!(warehouse.capacity, 1200);
    assert_eq!(warehouse.created_by, "ada");
    assert_eq!(warehouse.label.as_deref(), Some("Harbour depot"));
    assert_eq!(warehouse.note.as_deref(), Some("night shifts"));
    assert_eq!(warehouse.code.valid().map(Code::as_str), Some("DEP-7"));
}

#[test]
fn a_field_required_by_any_member_is_required_in_the_merge() {
    for (key, member) in [
        ("createdBy", "Audited"),
        ("code", "Named"),
        ("capacity", "the inline member"),
    ] {
        let reason = refused::<Warehouse>(&without(key));
        assert!(
            reason.contains(key),
            "{key} (required by {member}): {reason}"
        );
    }
}

#[test]
fn optional_fields_of_every_member_may_be_absent() {
    let mut minimal = without("label");
    minimal.as_object_mut().expect("an object").remove("note");
    let warehouse: Warehouse = round_trip(&minimal);
    assert_eq!((warehouse.label, warehouse.note), (None, None));
}

#[test]
fn the_later_member_refines_the_property_with_its_pattern_leniently_on_responses() {
    let mut lowercase = full();
    lowercase["code"] = json!("dep-7");
    let warehouse: Warehouse = round_trip(&lowercase);
    match &warehouse.code {
        Checked::Invalid(invalid) => assert_eq!(invalid.raw(), &json!("dep-7")),
        Checked::Valid(code) => panic!("{code:?} broke the refined pattern and was accepted"),
    }
}

#[test]
fn the_request_twin_enforces_the_refined_pattern() {
    let mut lowercase = full();
    lowercase["code"] = json!("dep-7");
    let reason = refused::<WarehouseRequest>(&lowercase);
    assert!(reason.contains("^[A-Z]{3}-[0-9]+$"), "{reason}");
    let error: ValidationError = Code::new("dep-7").expect_err("the pattern is enforced");
    assert_eq!(error.value(), "dep-7");
    assert_eq!(Code::PATTERN, "^[A-Z]{3}-[0-9]+$");
    let body: WarehouseRequest = decode(&full());
    assert_eq!(body.code.as_str(), "DEP-7");
}

#[test]
fn replace_warehouse_puts_the_merged_body_as_json() {
    let body = WarehouseRequest::new(
        300,
        Code::new("NOR-1").expect("a valid code"),
        "grace".to_owned(),
    );
    let request = ReplaceWarehouse::new("wh-1".to_owned(), body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "PUT");
    assert_eq!(path_and_query(&request), "/warehouses/wh-1");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(
        body_json(&request),
        json!({"capacity": 300, "code": "NOR-1", "createdBy": "grace"})
    );
    let stored = ReplaceWarehouse::new("wh-1".to_owned(), decode(&full()))
        .parse_response(json_response(200, &full()))
        .expect("200 decodes");
    assert_eq!(stored.capacity, 1200);
}

#[test]
fn an_alias_all_of_is_the_schema_it_names() {
    // The summary endpoint's type is `Warehouse` itself, not a copy of it.
    let summary: Result<Warehouse, _> =
        GetWarehouseSummary::new("wh-1".to_owned()).parse_response(json_response(200, &full()));
    assert_eq!(summary.expect("200 decodes"), decode::<Warehouse>(&full()));
}
