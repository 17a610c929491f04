//! Formats and patterns (`tests/corpus/formats/`): `uuid` and `date-time`
//! are `Uuid` and `DateTime<Utc>`, a pattern is a validated string type,
//! `int32`/`int64`/`float`/`double` are `i32`/`i64`/`f32`/`f64`, `boolean` is
//! `bool`. Responses wrap formats and patterns in `Checked`, keeping a value
//! that breaks them; requests and parameters refuse such values.

use atlas_runtime::chrono::{DateTime, TimeZone, Utc};
use atlas_runtime::uuid::Uuid;
use atlasgen_corpus::{
    base_url, body_json, decode, encode, json_response, path_and_query, refused, round_trip,
};
use corpus_formats::{
    Checked, Error, GetLatestReading, Label, Reading, ReadingRequest, RecordReading, Serial,
};
use serde_json::{json, Value};

const ID: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

fn reading() -> Value {
    json!({
        "id": ID,
        "takenAt": "2025-03-01T08:30:00.250Z",
        "serial": "SN-004217",
        "sequence": 2147483647,
        "total": 9007199254740993i64,
        "ratio": 0.5,
        "value": 0.1,
        "calibrated": true,
        "label": "north-wall"
    })
}

fn utc(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, h, m, s)
        .single()
        .expect("a valid instant")
}

#[test]
fn each_format_decodes_into_its_rust_type_and_re_encodes_unchanged() {
    let r: Reading = round_trip(&reading());
    assert_eq!(r.id.valid(), Some(&Uuid::parse_str(ID).expect("a uuid")));
    assert_eq!(
        r.taken_at.valid().copied(),
        Some(utc(8, 30, 0) + atlas_runtime::chrono::Duration::milliseconds(250))
    );
    assert_eq!(r.serial.valid().map(Serial::as_str), Some("SN-004217"));
    assert_eq!((r.sequence, r.total), (i32::MAX, 9_007_199_254_740_993));
    assert_eq!((r.ratio, r.value, r.calibrated), (0.5f32, 0.1f64, true));
    assert_eq!(
        r.label.as_ref().and_then(Checked::valid).map(Label::as_str),
        Some("north-wall")
    );
}

#[test]
fn a_response_value_breaking_its_format_or_pattern_is_kept_as_invalid_and_re_encodes_unchanged() {
    let mut odd = reading();
    odd["id"] = json!("sensor-17");
    odd["takenAt"] = json!("yesterday");
    odd["serial"] = json!("SN-12");
    odd["label"] = json!("North Wall");
    let r: Reading = round_trip(&odd);
    for (field, checked_raw) in [
        ("id", r.id.invalid().map(|i| i.raw())),
        ("takenAt", r.taken_at.invalid().map(|i| i.raw())),
        ("serial", r.serial.invalid().map(|i| i.raw())),
        (
            "label",
            r.label.as_ref().and_then(Checked::invalid).map(|i| i.raw()),
        ),
    ] {
        assert_eq!(checked_raw, Some(&odd[field]), "{field}");
    }
    let reason = r
        .serial
        .invalid()
        .map(|i| i.reason().to_owned())
        .unwrap_or_default();
    assert!(reason.contains("^SN-[0-9]{6}$"), "{reason}");
    // Not even a string: kept all the same.
    let mut number = reading();
    number["id"] = json!(42);
    let r: Reading = round_trip(&number);
    assert_eq!(r.id.invalid().map(|i| i.raw()), Some(&json!(42)));
}

#[test]
fn a_date_time_with_an_offset_is_the_same_instant_and_re_encodes_in_utc() {
    let mut offset = reading();
    offset["takenAt"] = json!("2025-03-01T10:30:00+02:00");
    let r: Reading = decode(&offset);
    assert_eq!(r.taken_at.valid().copied(), Some(utc(8, 30, 0)));
    assert_eq!(encode(&r)["takenAt"], json!("2025-03-01T08:30:00Z"));
}

#[test]
fn numbers_out_of_their_formats_range_and_wrong_json_types_make_a_body_undecodable() {
    for (field, value) in [
        ("sequence", json!(2147483648i64)),
        ("sequence", json!(1.5)),
        ("total", json!("12")),
        ("calibrated", json!("yes")),
        ("value", json!(null)),
    ] {
        let mut bad = reading();
        bad[field] = value.clone();
        match GetLatestReading::new(Serial::new("SN-004217").expect("valid"))
            .parse_response(json_response(200, &bad))
        {
            Err(Error::Undecodable { .. }) => {}
            other => panic!("{field} = {value}: {other:?}"),
        }
    }
}

#[test]
fn the_request_twin_refuses_values_breaking_formats_and_patterns() {
    decode::<ReadingRequest>(&reading());
    for (field, value) in [
        ("id", "sensor-17"),
        ("takenAt", "yesterday"),
        ("serial", "SN-12"),
        ("label", "North Wall"),
    ] {
        let mut bad = reading();
        bad[field] = json!(value);
        let reason = refused::<ReadingRequest>(&bad);
        assert!(!reason.is_empty(), "{field}");
    }
    assert!(Serial::new("SN-12").is_err());
    assert!(Label::new("north--wall").is_err());
    assert_eq!(
        Label::new("north-wall")
            .map(|l| l.as_str().to_owned())
            .ok()
            .as_deref(),
        Some("north-wall")
    );
}

#[test]
fn record_reading_encodes_each_type_in_its_wire_form() {
    let mut body = ReadingRequest::new(
        false,
        Uuid::parse_str(ID).expect("a uuid"),
        0.1,
        7,
        Serial::new("SN-004217").expect("valid"),
        utc(8, 30, 0),
        -5,
        2.5,
    );
    body.label = Some(Label::new("north-wall").expect("valid"));
    let request = RecordReading::new(Serial::new("SN-004217").expect("valid"), body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(path_and_query(&request), "/sensors/SN-004217/readings");
    // The f32 0.1 is written as the shortest text that reads back as it.
    let text = String::from_utf8(request.body().clone()).expect("UTF-8");
    assert!(text.contains("\"ratio\":0.1,"), "{text}");
    assert_eq!(
        body_json(&request),
        json!({
            "calibrated": false, "id": ID, "label": "north-wall", "ratio": 0.1,
            "sequence": 7, "serial": "SN-004217", "takenAt": "2025-03-01T08:30:00Z",
            "total": -5, "value": 2.5
        })
    );
}

#[test]
fn query_parameters_are_written_in_their_formats_wire_form() {
    let request = GetLatestReading::new(Serial::new("SN-004217").expect("valid"))
        .since(utc(8, 30, 0))
        .limit(-1)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        path_and_query(&request),
        "/sensors/SN-004217/readings/latest?since=2025-03-01T08%3A30%3A00Z&limit=-1"
    );
}
