//! Decoding and encoding the documented 200 response (issue 5, measurement 4).
//!
//! `small` is the spec's example; `large` is the same document with its
//! `hashes` and `links` arrays grown until it is 1,000 times the bytes.
//!
//! Floors, measured in the same run on the same bytes:
//! - decode: `serde_json::from_slice::<IgnoredAny>`, the parse alone (every
//!   byte scanned and validated, nothing built);
//! - encode: `serde_json::to_vec` of the same document held as a
//!   `serde_json::Value`, the writer alone (the same bytes escaped and written,
//!   by a serializer with no per-type logic). A memcpy of the bytes would be no
//!   floor for an encoder: it writes nothing the encoder has to write.
//!
//! A second reference, `decode_plain`: the same document into the plainest
//! serde model of it (`Plain` below: derived, every string a `String`, no
//! validation, no enums, no dates), to tell the cost of decoding into owned
//! values at all from what the generated model adds to it.

use atlas_admin::BackupRestoreJob;
use divan::{black_box, Bencher};
use serde_json::Value;

fn main() {
    divan::main();
}

const SIZES: &[&str] = &["small", "large"];

fn example() -> Value {
    serde_json::from_slice(&atlasgen_tests::documented_example_bytes("200"))
        .expect("the example is JSON")
}

/// The example, or the example grown to 1,000 times its size.
fn document(size: &str) -> Vec<u8> {
    let small = example();
    let small_len = serde_json::to_vec(&small).expect("serializes").len();
    if size == "small" {
        return serde_json::to_vec(&small).expect("serializes");
    }
    let hash = small["hashes"][0].clone();
    let link = small["links"][0].clone();
    let per_pair = serde_json::to_vec(&hash).expect("serializes").len()
        + serde_json::to_vec(&link).expect("serializes").len()
        + 2;
    let n = (999 * small_len).div_ceil(per_pair) + 1;
    let mut large = small;
    large["hashes"] = Value::Array(vec![hash; n]);
    large["links"] = Value::Array(vec![link; n]);
    let bytes = serde_json::to_vec(&large).expect("serializes");
    assert!(
        bytes.len() >= 1000 * small_len,
        "{} < 1000 x {small_len}",
        bytes.len()
    );
    bytes
}

#[divan::bench(args = SIZES)]
fn decode_typed(bencher: Bencher, size: &str) {
    let bytes = document(size);
    // The model decodes every field of the example as Valid, and re-encodes it to the same length.
    let job: BackupRestoreJob = serde_json::from_slice(&bytes).expect("decodes");
    assert_eq!(
        serde_json::to_vec(&job).expect("encodes").len(),
        bytes.len()
    );
    bencher.bench_local(|| {
        serde_json::from_slice::<BackupRestoreJob>(black_box(&bytes)).expect("decodes")
    });
}

#[divan::bench(args = SIZES)]
fn decode_plain(bencher: Bencher, size: &str) {
    let bytes = document(size);
    let plain: Plain = serde_json::from_slice(&bytes).expect("decodes");
    assert_eq!(
        serde_json::to_vec(&plain).expect("encodes").len(),
        bytes.len()
    );
    bencher.bench_local(|| serde_json::from_slice::<Plain>(black_box(&bytes)).expect("decodes"));
}

#[divan::bench(args = SIZES)]
fn decode_floor(bencher: Bencher, size: &str) {
    let bytes = document(size);
    bencher.bench_local(|| {
        serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)).expect("parses")
    });
}

#[divan::bench(args = SIZES)]
fn encode_typed(bencher: Bencher, size: &str) {
    let bytes = document(size);
    let job: BackupRestoreJob = serde_json::from_slice(&bytes).expect("decodes");
    bencher.bench_local(|| serde_json::to_vec(black_box(&job)).expect("encodes"));
}

#[divan::bench(args = SIZES)]
fn encode_floor(bencher: Bencher, size: &str) {
    let bytes = document(size);
    let value: Value = serde_json::from_slice(&bytes).expect("parses");
    assert_eq!(
        serde_json::to_vec(&value).expect("encodes").len(),
        bytes.len()
    );
    bencher.bench_local(|| serde_json::to_vec(black_box(&value)).expect("encodes"));
}

/// The response as the plainest serde model would have it.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Plain {
    batch_id: Option<String>,
    cluster_id: Option<String>,
    cluster_name: Option<String>,
    created: Option<String>,
    delivery: PlainDelivery,
    encryption_enabled: Option<bool>,
    group_id: Option<String>,
    hashes: Option<Vec<PlainHash>>,
    id: Option<String>,
    links: Option<Vec<PlainLink>>,
    #[serde(rename = "masterKeyUUID")]
    master_key_uuid: Option<String>,
    snapshot_id: Option<String>,
    status_name: Option<String>,
    timestamp: Option<PlainTimestamp>,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainDelivery {
    auth_header: Option<String>,
    auth_value: Option<String>,
    expiration_hours: Option<i32>,
    expires: Option<String>,
    max_downloads: Option<i32>,
    method_name: String,
    status_name: Option<String>,
    target_cluster_id: Option<String>,
    target_cluster_name: Option<String>,
    target_group_id: Option<String>,
    url: Option<String>,
    url_v2: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainHash {
    file_name: Option<String>,
    hash: Option<String>,
    links: Option<Vec<PlainLink>>,
    type_name: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
struct PlainLink {
    href: Option<String>,
    rel: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
struct PlainTimestamp {
    date: Option<String>,
    increment: Option<i32>,
}
