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

/// The documented example of the operation's `status` response: from
/// `spec/openapi.yaml` when it documents one, else from
/// `tests/data/restore-job-STATUS.json`. The published specs document no
/// 200 example (only examples of single properties); the fixture is the
/// example of the hand-written fragment `spec/` started as, and decodes with
/// every published spec's types.
pub fn documented_example(status: &str) -> serde_json::Value {
    let documented = spec_example(status);
    if !documented.is_null() {
        return documented;
    }
    let fixture = workspace_root()
        .join("tests")
        .join("data")
        .join(format!("restore-job-{status}.json"));
    std::fs::read_to_string(&fixture)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The example `spec/openapi.yaml` documents for the operation's `status`
/// response (`$ref`s followed); null when it documents none.
pub fn spec_example(status: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("spec").join("openapi.yaml"))
        .unwrap_or_default();
    let spec: serde_json::Value = atlasgen_yaml_to_json(&text);
    let response = &spec["paths"][OPERATION_PATH]["get"]["responses"][status];
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

/// A generated value as its JSON. Tests read fields by their wire names
/// through it where a spec update may turn a field optional or required
/// (`ApiError.errorCode` is optional in the 2023 spec, required since), so
/// they keep compiling and keep checking the same thing on either shape.
pub fn wire<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|error| panic!("a generated value encodes: {error}"))
}

/// The schema reached by property names from the operation's 200 response
/// body (`["delivery"]`; `"[]"` steps into array items), `$ref`s followed.
/// Walked from the operation, not from schema names, which upstream renames
/// (`BackupRestoreJob` is `ApiRestoreJobView` in the 2023 spec).
pub fn response_schema(steps: &[&str]) -> serde_json::Value {
    status_schema("200", steps)
}

/// The schema of the operation's `status` response body (its first media
/// type) in `spec/openapi.yaml`, `$ref`s resolved, then followed by property
/// names (`"[]"` for an array's items); `Null` where there is none.
pub fn status_schema(status: &str, steps: &[&str]) -> serde_json::Value {
    let spec = spec();
    let resolve = |node: &serde_json::Value| resolve_ref(&spec, node);
    let response = resolve(&operation()["responses"][status]);
    let mut node = response["content"]
        .as_object()
        .and_then(|content| content.values().next())
        .map(|m| resolve(&m["schema"]))
        .unwrap_or_default();
    for step in steps {
        node = match *step {
            "[]" => resolve(&node["items"]),
            name => resolve(&node["properties"][name]),
        };
    }
    node
}

/// The path of the operation every workspace test is about.
pub const OPERATION_PATH: &str =
    "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/restoreJobs/{jobId}";

/// The operation's object in `spec/openapi.yaml` (parameters, responses, ...).
pub fn operation() -> serde_json::Value {
    spec()["paths"][OPERATION_PATH]["get"].clone()
}

/// The values the spec lists for an enum of the operation's 200 response,
/// reached by property names from the response body (`["delivery",
/// "statusName"]`), in the spec's order.
pub fn response_enum(steps: &[&str]) -> Vec<String> {
    response_schema(steps)["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("no enum at {steps:?} of the 200 response in spec/openapi.yaml"))
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// `node` with its `$ref`s followed to what they name in `spec`.
pub fn resolve_ref(spec: &serde_json::Value, node: &serde_json::Value) -> serde_json::Value {
    let mut node = node.clone();
    while let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
        node = spec
            .pointer(r.trim_start_matches('#'))
            .cloned()
            .unwrap_or_default();
    }
    node
}

/// The error statuses (4xx and 5xx) the operation documents in
/// `spec/openapi.yaml`, ascending. Read from the spec because snapshots
/// differ: the hand-written fragment and the 2025-06-30 spec document 400,
/// 401, 403, 404 and 500; the 2023 and 2025-03 specs only 400, 404 and 500.
pub fn documented_error_statuses() -> Vec<u16> {
    let mut statuses: Vec<u16> = operation()["responses"]
        .as_object()
        .map(|responses| responses.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    statuses.retain(|s| *s >= 400);
    statuses.sort_unstable();
    assert!(
        !statuses.is_empty(),
        "spec/openapi.yaml documents no error status for the operation"
    );
    statuses
}

/// The operation's `operationId` in `spec/openapi.yaml`. The generated
/// command line names its command after it (kebab case, with the spec's
/// form as an alias), and upstream renames it (`returnOneLegacyBackupRestoreJob`
/// in the 2023 spec), so tests read it rather than name it.
pub fn operation_id() -> String {
    operation()["operationId"]
        .as_str()
        .expect("the operation has an operationId")
        .to_owned()
}

/// The generated command line's name for the operation: its pinned name (`x-rust-name`,
/// which extract writes when upstream renames the operationId) or else its operationId,
/// in kebab case. The operationId, as written and in kebab case, is an alias.
pub fn command_name() -> String {
    let operation = operation();
    let named = operation["x-rust-name"]
        .as_str()
        .or_else(|| operation["operationId"].as_str())
        .expect("the operation has an operationId");
    kebab(named)
}

/// `getGroupClusterRestoreJob` as the command line spells it:
/// `get-group-cluster-restore-job`.
pub fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

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
