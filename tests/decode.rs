//! Decoding the documented responses of `getGroupClusterRestoreJob`: typed values,
//! leniency for values that break their declaration, strictness for required fields,
//! and re-encoding to the JSON that was received.

use atlas_admin::{
    ApiError, BackupRestoreJob, BatchId, Checked, ClusterId, ClusterName, DeliveryMethod,
    DeliveryStatus, GroupId, HashAlgorithm, JobId, RestoreJobStatus, SnapshotId,
};
use atlas_runtime::chrono::{DateTime, TimeZone, Utc};
use atlasgen_tests as support;
use serde_json::{json, Value};

/// The hex id every id of the documented example carries.
const EXAMPLE_ID: &str = "32b6e34b3d91647abb20e7b8";

fn example() -> Value {
    support::documented_example("200")
}

fn decode(value: &Value) -> BackupRestoreJob {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("decoding failed: {error}\n{value:#}"))
}

/// The example with the value at `pointer` (which must exist) replaced.
fn example_with(pointer: &str, replacement: Value) -> Value {
    let mut value = example();
    *value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the example has no {pointer}")) = replacement;
    value
}

/// The example with the key at `pointer` removed from its parent object.
fn example_without(pointer: &str) -> Value {
    let mut value = example();
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer has a slash");
    let removed = value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|object| object.remove(key));
    assert!(removed.is_some(), "the example has no {pointer}");
    value
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
        .single()
        .expect("a valid instant")
}

#[test]
fn documented_example_helper_returns_the_200_example_of_the_spec() {
    let value = example();
    assert_eq!(value["id"], json!(EXAMPLE_ID));
    assert_eq!(value["masterKeyUUID"], json!("string"));
    assert_eq!(value["delivery"]["methodName"], json!("CLIENT_PIT_HTTP"));
    assert_eq!(value["created"], json!("2025-05-04T09:42:00Z"));
    assert_eq!(value["timestamp"]["increment"], json!(1199145600));
    assert_eq!(value["hashes"][0]["typeName"], json!("SHA1"));
    // The raw spec agrees where it documents the example: the helper resolved
    // the right operation and response. The published specs document none;
    // then the helper gives the fixture, which is a valid body of the spec.
    let content = &support::operation()["responses"]["200"]["content"];
    let from_spec = content
        .as_object()
        .and_then(|c| c.values().next())
        .map(|m| m["example"].clone())
        .unwrap_or_default();
    if from_spec.is_null() {
        let fixture = std::fs::read_to_string(
            support::workspace_root().join("tests/data/restore-job-200.json"),
        )
        .expect("the fixture");
        let fixture: Value = serde_json::from_str(&fixture).expect("the fixture is JSON");
        assert_eq!(value, fixture);
    } else {
        assert_eq!(value, from_spec);
    }
}

#[test]
fn documented_example_helper_resolves_each_error_response_reference() {
    for status in support::documented_error_statuses() {
        let value = support::documented_example(&status.to_string());
        assert_eq!(value["error"], json!(status), "{status}: {value}");
        assert!(value["errorCode"].is_string(), "{status}: {value}");
    }
}

#[test]
fn documented_example_decodes_from_a_value_and_from_bytes_alike() {
    let from_value = decode(&example());
    let bytes = support::documented_example_bytes("200");
    let from_slice: BackupRestoreJob =
        serde_json::from_slice(&bytes).expect("the documented body decodes from bytes");
    assert_eq!(from_value, from_slice);
}

#[test]
fn master_key_uuid_that_is_not_a_uuid_is_kept_as_invalid_with_its_raw_value() {
    let job = decode(&example());
    let master_key = job.master_key_uuid.expect("masterKeyUUID is present");
    let invalid = master_key.invalid().expect("\"string\" is not a uuid");
    assert_eq!(invalid.raw(), &json!("string"));
    assert!(!invalid.reason().is_empty());
    assert_eq!(master_key.valid(), None);
}

#[test]
fn ids_matching_their_pattern_decode_as_valid_typed_ids() {
    let job = decode(&example());
    assert_eq!(
        job.group_id,
        Some(Checked::Valid(GroupId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        job.id,
        Some(Checked::Valid(JobId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        job.batch_id,
        Some(Checked::Valid(BatchId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        job.cluster_id,
        Some(Checked::Valid(ClusterId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        job.snapshot_id,
        Some(Checked::Valid(SnapshotId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        job.cluster_name,
        Some(Checked::Valid(ClusterName::new("string").unwrap()))
    );
    let delivery = &job.delivery;
    assert_eq!(
        delivery.target_group_id,
        Some(Checked::Valid(GroupId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        delivery.target_cluster_id,
        Some(Checked::Valid(ClusterId::new(EXAMPLE_ID).unwrap()))
    );
    assert_eq!(
        delivery.target_cluster_name,
        Some(Checked::Valid(ClusterName::new("string").unwrap()))
    );
}

#[test]
fn date_times_decode_as_utc_instants() {
    let job = decode(&example());
    let expected = utc(2025, 5, 4, 9, 42, 0);
    assert_eq!(job.created.and_then(Checked::into_valid), Some(expected));
    assert_eq!(
        job.delivery.expires.and_then(Checked::into_valid),
        Some(expected)
    );
    let date = job.timestamp.and_then(|timestamp| timestamp.date);
    assert_eq!(date.and_then(Checked::into_valid), Some(expected));
}

#[test]
fn plain_fields_of_the_documented_example_decode_to_their_values() {
    let job = decode(&example());
    assert_eq!(job.encryption_enabled, Some(true));
    assert_eq!(job.status_name, Some(RestoreJobStatus::InProgress));
    assert_eq!(
        job.timestamp.as_ref().and_then(|t| t.increment),
        Some(1199145600)
    );
    let delivery = &job.delivery;
    assert_eq!(delivery.method_name, DeliveryMethod::ClientPitHttp);
    assert_eq!(delivery.status_name, Some(DeliveryStatus::NotStarted));
    assert_eq!(delivery.expiration_hours, Some(42));
    assert_eq!(delivery.max_downloads, Some(42));
    assert_eq!(delivery.auth_header.as_deref(), Some("string"));
    assert_eq!(delivery.url_v2.as_deref(), Some("string"));
    let hashes = job.hashes.as_deref().expect("hashes are present");
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].type_name, Some(HashAlgorithm::Sha1));
    assert_eq!(hashes[0].file_name.as_deref(), Some("string"));
    let links = job.links.as_deref().expect("links are present");
    assert_eq!(
        links[0].href.as_deref(),
        Some("https://cloud.mongodb.com/api/atlas")
    );
    assert_eq!(links[0].rel.as_deref(), Some("self"));
}

#[test]
fn documented_example_re_encodes_to_equal_json() {
    let input = example();
    let encoded = serde_json::to_value(decode(&input)).expect("a decoded job encodes");
    assert_eq!(encoded, input);
}

#[test]
fn known_enum_values_map_to_their_variants() {
    // The values come from the spec, not from the generated code, and no
    // variant is named: a spec update that drops a value (`PENDING` is not in
    // the 2023 spec) changes what is checked, not whether the test compiles.
    fn check<E: PartialEq + std::fmt::Debug>(
        steps: &[&str],
        pointer: &str,
        known: &[E],
        read: impl Fn(&BackupRestoreJob) -> Option<E>,
        wire: impl Fn(&E) -> String,
        is_unknown: impl Fn(&E) -> bool,
    ) {
        let listed = support::response_enum(steps);
        assert!(!listed.is_empty(), "{pointer}: the spec lists no values");
        let known_wire: Vec<String> = known.iter().map(&wire).collect();
        assert_eq!(known_wire, listed, "{pointer}: KNOWN is the spec's list");
        for (value, variant) in listed.iter().zip(known) {
            let job = decode(&example_with(pointer, json!(value)));
            let decoded = read(&job).unwrap_or_else(|| panic!("{pointer} = {value}: absent"));
            assert!(!is_unknown(&decoded), "{pointer} = {value}: {decoded:?}");
            assert_eq!(&decoded, variant, "{pointer} = {value}");
            assert_eq!(wire(&decoded), *value, "{pointer}");
        }
    }
    check(
        &["delivery", "methodName"],
        "/delivery/methodName",
        DeliveryMethod::KNOWN,
        |job| Some(job.delivery.method_name.clone()),
        |v| v.as_str().to_owned(),
        DeliveryMethod::is_unknown,
    );
    check(
        &["delivery", "statusName"],
        "/delivery/statusName",
        DeliveryStatus::KNOWN,
        |job| job.delivery.status_name.clone(),
        |v| v.as_str().to_owned(),
        DeliveryStatus::is_unknown,
    );
    check(
        &["statusName"],
        "/statusName",
        RestoreJobStatus::KNOWN,
        |job| job.status_name.clone(),
        |v| v.as_str().to_owned(),
        RestoreJobStatus::is_unknown,
    );
    check(
        &["hashes", "[]", "typeName"],
        "/hashes/0/typeName",
        HashAlgorithm::KNOWN,
        |job| job.hashes.as_ref()?.first()?.type_name.clone(),
        |v| v.as_str().to_owned(),
        HashAlgorithm::is_unknown,
    );
}

#[test]
fn unknown_enum_values_are_kept_as_unknown_and_re_encode_to_the_same_string() {
    // Lower case is not a known value either: enum values are case-sensitive.
    for unknown in ["SOMETHING_NEW", "in_progress", ""] {
        let cases = [
            "/statusName",
            "/delivery/methodName",
            "/delivery/statusName",
            "/hashes/0/typeName",
        ];
        for pointer in cases {
            let input = example_with(pointer, json!(unknown));
            let job = decode(&input);
            let kept = match pointer {
                "/statusName" => job
                    .status_name
                    .clone()
                    .map(|v| v == RestoreJobStatus::Unknown(unknown.into())),
                "/delivery/methodName" => {
                    Some(job.delivery.method_name == DeliveryMethod::Unknown(unknown.into()))
                }
                "/delivery/statusName" => job
                    .delivery
                    .status_name
                    .clone()
                    .map(|v| v == DeliveryStatus::Unknown(unknown.into())),
                _ => job
                    .hashes
                    .as_ref()
                    .and_then(|hashes| hashes[0].type_name.clone())
                    .map(|v| v == HashAlgorithm::Unknown(unknown.into())),
            };
            assert_eq!(kept, Some(true), "{pointer} = {unknown:?}: {job:?}");
            let encoded = serde_json::to_value(&job).unwrap();
            assert_eq!(encoded.pointer(pointer), Some(&json!(unknown)), "{pointer}");
            assert_eq!(encoded, input, "{pointer} = {unknown:?}");
        }
    }
}

#[test]
fn unknown_fields_at_top_level_and_nested_are_ignored() {
    let mut input = example();
    input["addedLater"] = json!({"any": ["shape", 1, null]});
    input["delivery"]["addedLater"] = json!(7);
    input["hashes"][0]["addedLater"] = json!("x");
    input["hashes"][0]["links"][0]["addedLater"] = json!(true);
    input["links"][0]["addedLater"] = json!(null);
    input["timestamp"]["addedLater"] = json!([]);
    let job = decode(&input);
    assert_eq!(job, decode(&example()));
}

/// What a test needs to know of one `Checked` field, whatever its type.
#[derive(Debug, PartialEq)]
struct Seen {
    valid: bool,
    raw: Option<Value>,
}

fn seen<T>(field: &Option<Checked<T>>) -> Option<Seen> {
    field.as_ref().map(|checked| Seen {
        valid: checked.valid().is_some(),
        raw: checked.invalid().map(|invalid| invalid.raw().clone()),
    })
}

fn seen_at(job: &BackupRestoreJob, pointer: &str) -> Option<Seen> {
    let delivery = &job.delivery;
    match pointer {
        "/batchId" => seen(&job.batch_id),
        "/clusterId" => seen(&job.cluster_id),
        "/clusterName" => seen(&job.cluster_name),
        "/created" => seen(&job.created),
        "/groupId" => seen(&job.group_id),
        "/id" => seen(&job.id),
        "/masterKeyUUID" => seen(&job.master_key_uuid),
        "/snapshotId" => seen(&job.snapshot_id),
        "/delivery/expires" => seen(&delivery.expires),
        "/delivery/targetClusterId" => seen(&delivery.target_cluster_id),
        "/delivery/targetClusterName" => seen(&delivery.target_cluster_name),
        "/delivery/targetGroupId" => seen(&delivery.target_group_id),
        "/timestamp/date" => job.timestamp.as_ref().and_then(|t| seen(&t.date)),
        other => panic!("no accessor for {other}"),
    }
}

#[test]
fn values_breaking_their_pattern_or_format_are_kept_invalid_and_round_trip_unchanged() {
    let cases = [
        ("/groupId", json!("xyz")),
        ("/groupId", json!("32B6E34B3D91647ABB20E7B8")),
        ("/groupId", json!("32b6e34b3d91647abb20e7b8\n")),
        ("/id", json!(12345)),
        ("/batchId", json!(true)),
        ("/clusterId", json!(["32b6e34b3d91647abb20e7b8"])),
        ("/snapshotId", json!({"$oid": EXAMPLE_ID})),
        ("/clusterName", json!("-leading-hyphen")),
        ("/clusterName", json!("with space")),
        ("/created", json!("yesterday")),
        ("/created", json!("2025-13-04T09:42:00Z")),
        ("/created", json!(1746351720000_i64)),
        ("/masterKeyUUID", json!(42)),
        ("/masterKeyUUID", json!("string")),
        ("/delivery/expires", json!("2025-05-04")),
        ("/delivery/targetGroupId", json!("xyz")),
        ("/delivery/targetClusterId", json!("")),
        ("/delivery/targetClusterName", json!("a/b")),
        ("/timestamp/date", json!("yesterday")),
    ];
    for (pointer, bad) in cases {
        let input = example_with(pointer, bad.clone());
        let job = decode(&input);
        assert_eq!(
            seen_at(&job, pointer),
            Some(Seen {
                valid: false,
                raw: Some(bad.clone())
            }),
            "{pointer} = {bad}"
        );
        let encoded = serde_json::to_value(&job).unwrap();
        assert_eq!(encoded, input, "{pointer} = {bad}");
    }
}

#[test]
fn a_valid_uuid_in_master_key_uuid_decodes_as_valid() {
    let uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let input = example_with("/masterKeyUUID", json!(uuid));
    let job = decode(&input);
    let decoded = job
        .master_key_uuid
        .as_ref()
        .and_then(Checked::valid)
        .map(ToString::to_string);
    assert_eq!(decoded.as_deref(), Some(uuid));
    assert_eq!(serde_json::to_value(&job).unwrap(), input);
}

#[test]
fn null_optional_fields_decode_as_absent() {
    let job = decode(&example_with("/groupId", Value::Null));
    assert_eq!(job.group_id, None);
    let job = decode(&example_with("/delivery/statusName", Value::Null));
    assert_eq!(job.delivery.status_name, None);
}

#[test]
fn a_missing_required_delivery_makes_the_response_undecodable() {
    let error = serde_json::from_value::<BackupRestoreJob>(example_without("/delivery"))
        .expect_err("delivery is required");
    assert!(error.to_string().contains("delivery"), "{error}");
}

#[test]
fn a_missing_required_delivery_method_name_makes_the_response_undecodable() {
    let error = serde_json::from_value::<BackupRestoreJob>(example_without("/delivery/methodName"))
        .expect_err("delivery.methodName is required");
    assert!(error.to_string().contains("methodName"), "{error}");
}

#[test]
fn a_null_where_the_required_delivery_object_belongs_makes_the_response_undecodable() {
    let result = serde_json::from_value::<BackupRestoreJob>(example_with("/delivery", Value::Null));
    assert!(result.is_err(), "{result:?}");
    let result = serde_json::from_value::<BackupRestoreJob>(example_with(
        "/delivery/methodName",
        Value::Null,
    ));
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn a_body_with_only_the_required_fields_decodes() {
    let input = json!({"delivery": {"methodName": "HTTP"}});
    let job = decode(&input);
    assert_eq!(job.delivery.method_name, DeliveryMethod::Http);
    assert_eq!(job.id, None);
    assert_eq!(serde_json::to_value(&job).unwrap(), input);
}

#[test]
fn each_documented_error_example_decodes_into_api_error_and_round_trips() {
    for status in support::documented_error_statuses() {
        let input = support::documented_example(&status.to_string());
        assert!(input.is_object(), "{status}: no documented example");
        let error: ApiError = serde_json::from_value(input.clone())
            .unwrap_or_else(|e| panic!("{status}: {e}\n{input}"));
        // By wire name: `error` and `errorCode` are optional in the 2023 spec.
        let fields = support::wire(&error);
        assert_eq!(fields["error"], json!(status));
        assert!(
            fields["errorCode"].as_str().is_some_and(|c| !c.is_empty()),
            "{status}: {fields}"
        );
        assert_eq!(fields["errorCode"], input["errorCode"], "{status}");
        for key in ["reason", "detail"] {
            assert!(input[key].is_string(), "{status}: no {key} in {input}");
            assert_eq!(fields[key], input[key], "{status}");
        }
        assert!(fields["detail"]
            .as_str()
            .is_some_and(|d| d.contains("just an example")));
        assert_eq!(serde_json::to_value(&error).unwrap(), input, "{status}");
    }
}

#[test]
fn a_field_sent_twice_makes_the_response_undecodable() {
    let body = r#"{"delivery": {"methodName": "HTTP", "methodName": "HTTP"}}"#;
    let error = serde_json::from_str::<BackupRestoreJob>(body).expect_err("a duplicate field");
    assert!(
        error.to_string().contains("duplicate field `methodName`"),
        "{error}"
    );
}

#[test]
fn a_json_array_is_not_read_as_a_model_by_position() {
    let error = serde_json::from_str::<BackupRestoreJob>(r#"[{"methodName": "HTTP"}]"#)
        .expect_err("an array");
    assert!(
        error
            .to_string()
            .contains("expected struct BackupRestoreJob"),
        "{error}"
    );
}

#[test]
fn field_names_with_escapes_decode_like_plain_ones() {
    // `\u0064elivery` is `delivery`: the key is unescaped before it is matched.
    let body = r#"{"\u0064elivery": {"method\u004eame": "HTTP"}, "snapshotId": "32b6e34b3d91647abb20e7b8"}"#;
    let job = serde_json::from_str::<BackupRestoreJob>(body).expect("decodes");
    assert_eq!(job.delivery.method_name, DeliveryMethod::Http);
}
