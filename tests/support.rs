//! Shared helpers for the workspace's tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The generation config the workspace uses.
pub fn config_path() -> PathBuf {
    workspace_root().join("spec").join("atlasgen.toml")
}

/// The published Atlas specs, beside the workspace; `None` (with the reason
/// printed) when they are absent, so tests that need them skip.
pub fn published_spec(name: &str) -> Option<PathBuf> {
    let path = workspace_root()
        .join("..")
        .join("shared")
        .join("atlas")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        println!(
            "skipped: {} not found (the published specs are not beside this checkout)",
            path.display()
        );
        None
    }
}

/// The documented 200 example of the operation, from `spec/openapi.yaml`.
pub fn documented_example(status: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("spec").join("openapi.yaml"))
        .unwrap_or_default();
    let spec: serde_json::Value = atlasgen_yaml_to_json(&text);
    let op = &spec["paths"]
        ["/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/restoreJobs/{jobId}"]["get"];
    let response = &op["responses"][status];
    let response = match response.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            spec["components"]["responses"][name].clone()
        }
        None => response.clone(),
    };
    let content = response["content"].as_object().cloned().unwrap_or_default();
    content
        .values()
        .next()
        .map(|m| m["example"].clone())
        .unwrap_or(serde_json::Value::Null)
}

fn atlasgen_yaml_to_json(text: &str) -> serde_json::Value {
    atlasgen::load::yaml_to_json(text).unwrap_or(serde_json::Value::Null)
}

/// The error statuses the operation documents, each with an `ApiError` example.
pub const DOCUMENTED_ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 500];

/// `spec/openapi.yaml` as JSON; panics (naming the cause) if it cannot be read.
pub fn spec() -> serde_json::Value {
    let path = workspace_root().join("spec").join("openapi.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    atlasgen::load::yaml_to_json(&text)
        .unwrap_or_else(|error| panic!("parsing {}: {error}", path.display()))
}

/// The documented example of `status`, serialized as a response body.
pub fn documented_example_bytes(status: &str) -> Vec<u8> {
    let example = documented_example(status);
    assert!(example.is_object(), "no documented example for {status}");
    serde_json::to_vec(&example).expect("a JSON value serializes")
}

/// The README's Rust example, compiled as a doctest of this crate.
#[doc = include_str!("../README.md")]
pub mod readme {}
