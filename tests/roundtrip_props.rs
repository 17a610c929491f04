//! Any response body the spec allows decodes, and re-encoding the decoded
//! value gives the body back. The strategies are written by hand from
//! `spec/openapi.yaml` (`BackupRestoreJob`, `ApiError` and what they use);
//! besides valid values they produce what the leniency rules promise to
//! keep: unknown enum values, strings breaking their pattern or format,
//! and values of the wrong JSON type where a `Checked` field keeps them raw.

// The spec marks the operation deprecated; these tests exercise it all the same.
#![allow(deprecated)]

use atlas_admin::{
    ApiError, BackupRestoreJob, ClusterName, Error, GetGroupClusterRestoreJob, GroupId, JobId,
};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::http;
use atlasgen_tests as support;
use proptest::prelude::*;
use serde_json::{Map, Value};

// ----- leaves -------------------------------------------------------------------

/// `^([a-f0-9]{24})$`, or (leniency) something else kept raw.
fn hex24() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => "[a-f0-9]{24}".prop_map(Value::from),
        1 => "[g-z/. ]{1,30}".prop_map(Value::from),
        1 => any::<i32>().prop_map(Value::from),
    ]
    .boxed()
}

/// `^[a-zA-Z0-9][a-zA-Z0-9-]*$`, or something else kept raw.
fn cluster_name() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => "[a-zA-Z0-9][a-zA-Z0-9-]{0,40}".prop_map(Value::from),
        1 => "-[a-z]{0,5}|[a-z]{0,3}[/ _.][a-z]{0,3}".prop_map(Value::from),
        1 => Just(Value::Bool(true)),
    ]
    .boxed()
}

/// `format: date-time`, written the way chrono writes it back (UTC, `Z`,
/// whole seconds or milliseconds), or not a date at all.
fn date_time() -> BoxedStrategy<Value> {
    let valid = (
        1970i32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        prop::option::of(1u32..1000),
    )
        .prop_map(|(y, mo, d, h, mi, s, ms)| {
            let fraction = ms
                .filter(|ms| ms % 10 != 0)
                .map(|ms| format!(".{ms:03}"))
                .unwrap_or_default();
            Value::from(format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}Z"
            ))
        });
    prop_oneof![8 => valid, 1 => "[a-z ]{0,12}".prop_map(Value::from), 1 => Just(Value::from(20250504))].boxed()
}

/// `format: uuid`, lowercase as written back, or not a UUID.
fn uuid() -> BoxedStrategy<Value> {
    let valid =
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".prop_map(Value::from);
    prop_oneof![8 => valid, 1 => "[g-z]{0,10}".prop_map(Value::from)].boxed()
}

/// An open enum: a listed value or one the spec does not know yet.
fn open_enum(known: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![8 => prop::sample::select(known).prop_map(Value::from), 1 => "[A-Z_]{1,16}".prop_map(Value::from)].boxed()
}

fn text() -> BoxedStrategy<Value> {
    any::<String>().prop_map(Value::from).boxed()
}

fn int32() -> BoxedStrategy<Value> {
    any::<i32>().prop_map(Value::from).boxed()
}

/// Any JSON, a few levels deep (`items: {}`).
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Short decimals: serde_json, built without `float_roundtrip`, may
        // read a 17-digit float back one unit in the last place off.
        (-1_000_000_000i64..1_000_000_000).prop_map(|n| Value::from(n as f64 / 1000.0)),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An object from (name, optional value) pairs: `None` leaves the property out.
fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
    let map: Map<String, Value> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Value::Object(map)
}

// ----- the schemas --------------------------------------------------------------

fn link() -> BoxedStrategy<Value> {
    (prop::option::of(text()), prop::option::of(text()))
        .prop_map(|(href, rel)| object(vec![("href", href), ("rel", rel)]))
        .boxed()
}

fn file_hash() -> BoxedStrategy<Value> {
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(prop::collection::vec(link(), 0..3)),
        prop::option::of(open_enum(&["SHA1"])),
    )
        .prop_map(|(file_name, hash, links, type_name)| {
            object(vec![
                ("fileName", file_name),
                ("hash", hash),
                ("links", links.map(Value::from)),
                ("typeName", type_name),
            ])
        })
        .boxed()
}

fn delivery() -> BoxedStrategy<Value> {
    let methods = &[
        "CLIENT_PIT_HTTP",
        "QUERY",
        "AUTOMATED_RESTORE",
        "HTTP",
        "THIRD_PARTY_COPY",
        "CLIENT_PIT_SCP",
        "SCP",
    ];
    let statuses = &[
        "NOT_STARTED",
        "IN_PROGRESS",
        "READY",
        "FAILED",
        "INTERRUPTED",
        "EXPIRED",
        "MAX_DOWNLOADS_EXCEEDED",
        "PENDING",
    ];
    (
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(int32()),
            prop::option::of(date_time()),
            prop::option::of(int32()),
        ),
        (
            open_enum(methods),
            prop::option::of(open_enum(statuses)),
            prop::option::of(hex24()),
            prop::option::of(cluster_name()),
            prop::option::of(hex24()),
        ),
        (prop::option::of(text()), prop::option::of(text())),
    )
        .prop_map(
            |(
                (auth_header, auth_value, expiration_hours, expires, max_downloads),
                (method, status, target_cluster_id, target_cluster_name, target_group_id),
                (url, url_v2),
            )| {
                object(vec![
                    ("authHeader", auth_header),
                    ("authValue", auth_value),
                    ("expirationHours", expiration_hours),
                    ("expires", expires),
                    ("maxDownloads", max_downloads),
                    ("methodName", Some(method)),
                    ("statusName", status),
                    ("targetClusterId", target_cluster_id),
                    ("targetClusterName", target_cluster_name),
                    ("targetGroupId", target_group_id),
                    ("url", url),
                    ("urlV2", url_v2),
                ])
            },
        )
        .boxed()
}

fn restore_job() -> BoxedStrategy<Value> {
    let statuses = &["IN_PROGRESS", "BROKEN", "KILLED", "FINISHED"];
    let timestamp = (prop::option::of(date_time()), prop::option::of(int32()))
        .prop_map(|(date, increment)| object(vec![("date", date), ("increment", increment)]));
    (
        (
            prop::option::of(hex24()),
            prop::option::of(hex24()),
            prop::option::of(cluster_name()),
            prop::option::of(date_time()),
            delivery(),
        ),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(hex24()),
            prop::option::of(prop::collection::vec(file_hash(), 0..3)),
            prop::option::of(hex24()),
        ),
        (
            prop::option::of(prop::collection::vec(link(), 0..3)),
            prop::option::of(uuid()),
            prop::option::of(hex24()),
            prop::option::of(open_enum(statuses)),
            prop::option::of(timestamp),
        ),
    )
        .prop_map(
            |(
                (batch_id, cluster_id, cluster_name, created, delivery),
                (encryption, group_id, hashes, id),
                (links, master_key, snapshot_id, status, timestamp),
            )| {
                object(vec![
                    ("batchId", batch_id),
                    ("clusterId", cluster_id),
                    ("clusterName", cluster_name),
                    ("created", created),
                    ("delivery", Some(delivery)),
                    ("encryptionEnabled", encryption.map(Value::from)),
                    ("groupId", group_id),
                    ("hashes", hashes.map(Value::from)),
                    ("id", id),
                    ("links", links.map(Value::from)),
                    ("masterKeyUUID", master_key),
                    ("snapshotId", snapshot_id),
                    ("statusName", status),
                    ("timestamp", timestamp),
                ])
            },
        )
        .boxed()
}

/// `ApiError` property by property as `spec/openapi.yaml` defines it, read
/// from the spec rather than written out: its shape moves between published
/// specs (the 2023 spec has no `badRequestDetail`, optional `error` and
/// `errorCode`, and string `parameters`), and the property holds for any.
fn api_error() -> BoxedStrategy<Value> {
    let spec = support::spec();
    let schema = support::status_schema("404", &[]);
    assert!(
        schema.get("properties").is_some(),
        "the 404 response of spec/openapi.yaml has no object schema"
    );
    from_schema(&spec, &schema)
}

/// Values of a (plain) schema: objects with their required properties always
/// present, the others sometimes; arrays; strings, integers, booleans; any
/// JSON where the schema says nothing.
fn from_schema(spec: &Value, schema: &Value) -> BoxedStrategy<Value> {
    let schema = support::resolve_ref(spec, schema);
    if let Some(properties) = schema["properties"].as_object() {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields: Vec<BoxedStrategy<(String, Option<Value>)>> = properties
            .iter()
            .map(|(name, property)| {
                let name = name.clone();
                let values = from_schema(spec, property);
                if required.contains(&name.as_str()) {
                    values.prop_map(move |v| (name.clone(), Some(v))).boxed()
                } else {
                    prop::option::of(values)
                        .prop_map(move |v| (name.clone(), v))
                        .boxed()
                }
            })
            .collect();
        return fields
            .prop_map(|fields| {
                Value::Object(
                    fields
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| (k, v)))
                        .collect(),
                )
            })
            .boxed();
    }
    match schema["type"].as_str() {
        Some("string") => text(),
        Some("integer") => int32(),
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("array") => prop::collection::vec(from_schema(spec, &schema["items"]), 0..3)
            .prop_map(Value::from)
            .boxed(),
        _ => any_json(),
    }
}

// ----- the properties -----------------------------------------------------------

fn operation() -> GetGroupClusterRestoreJob {
    GetGroupClusterRestoreJob::new(
        GroupId::new("32b6e34b3d91647abb20e7b8").expect("group"),
        ClusterName::new("Cluster0").expect("cluster"),
        JobId::new("5a0a1e7e0f2912c554080adc").expect("job"),
    )
}

fn http_response(status: u16, content_type: &str, body: &Value) -> http::Response<Bytes> {
    let bytes = serde_json::to_vec(body).expect("JSON encodes");
    let mut response = http::Response::new(Bytes::from(bytes));
    *response.status_mut() = http::StatusCode::from_u16(status).expect("a status");
    response.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_str(content_type).expect("a header"),
    );
    response
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_restore_job_the_schema_allows_decodes_and_reencodes_to_the_same_json(body in restore_job()) {
        let decoded = operation()
            .parse_response(http_response(200, "application/vnd.atlas.2023-01-01+json", &body))
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let again = serde_json::to_value(&decoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &body);
        // And the re-encoded value decodes to the same model.
        let twice: BackupRestoreJob = serde_json::from_value(again).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(twice, decoded);
    }

    #[test]
    fn any_api_error_the_schema_allows_decodes_as_the_documented_error_and_reencodes(body in api_error(), status in prop::sample::select(support::documented_error_statuses())) {
        let result = operation().parse_response(http_response(status, "application/json", &body));
        let decoded = match result {
            Err(Error::Api { status: got, body: decoded, .. }) => {
                prop_assert_eq!(got.as_u16(), status);
                *decoded
            }
            other => return Err(TestCaseError::fail(format!("expected Error::Api, got {other:?}"))),
        };
        let again = serde_json::to_value(&decoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &body);
        let twice: ApiError = serde_json::from_value(again).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(twice, decoded);
    }
}
