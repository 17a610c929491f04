//! Generated code always compiles: random specs in the supported subset
//! (objects, arrays, maps, enums with odd values, patterns, formats,
//! oneOf with and without discriminators, allOf, recursion, parameters in
//! path, query and header, request bodies, keyword-ish and colliding names)
//! generate without errors into a crate that `cargo check`s warning-free.
//!
//! Bounded: one crate per run holding three random specs' worth of
//! operations and schemas, checked with `--no-default-features` in a target
//! directory shared with the other generated-crate tests. The seed is fixed
//! (`ATLASGEN_RANDOM_SPEC_SEED` picks another; the spec is kept under the
//! target directory for a failing seed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Property and parameter names that are Rust keywords, start with digits,
/// hold symbols or collide after conversion.
const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "match",
    "crate",
    "super",
    "fn",
    "async",
    "await",
    "dyn",
    "gen",
    "try",
    "1st",
    "2fa",
    "a-b",
    "a_b",
    "aB",
    "AB",
    "<",
    ">=",
    "x.y",
    "name",
    "id",
    "ID",
    "Id",
    "value",
    "unknown",
    "Unknown",
    "none",
    "None",
    "Some",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "Option",
    "Result",
    "new",
    "body",
    "path",
    "query",
    "media_type",
    "to_request",
    "parse_response",
    "groupId",
    "group_id",
    "GroupID",
    "url",
    "authValue",
    "password",
    "token",
    "clientSecret",
    "Client",
    "Error",
    "éclair",
];

/// Enum values: keywords, symbols, numbers as strings, case-only variants.
const ENUM_VALUES: &[&str] = &[
    "IN_PROGRESS",
    "in-progress",
    "InProgress",
    "<",
    ">",
    ">=",
    "",
    " ",
    "4.4",
    "44",
    "self",
    "Self",
    "type",
    "Unknown",
    "UNKNOWN",
    "none",
    "a b",
    "a/b",
    "+",
    "-",
    "✓",
    "ok",
    "OK",
    "Ok",
    "3DES",
    "null",
];

/// Patterns the validators honour: the DFA subset and engine-only ones.
const PATTERNS: &[&str] = &[
    "^([a-f0-9]{24})$",
    "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
    "^\\d{4}-\\d{2}$",
    "^(?!admin).+$",
    "[a-z]+",
    "^$|^x$",
    "^\\p{L}+$",
    "^[^/]+$",
    "^(a|b|c){1,3}$",
];

const OPERATION_IDS: &[&str] = &[
    "type",
    "match",
    "self",
    "new",
    "getGroup",
    "get_group",
    "GetGroup",
    "list",
    "1stOperation",
    "client",
    "error",
    "toRequest",
];

struct Gen {
    rng: Rng,
    schemas: Map<String, Value>,
    names: Vec<String>,
}

impl Gen {
    fn name(&mut self) -> String {
        self.rng.pick_copy(NAMES).to_owned()
    }

    fn string_schema(&mut self) -> Value {
        match self.rng.below(6) {
            0 => json!({"type": "string", "pattern": self.rng.pick_copy(PATTERNS)}),
            1 => {
                json!({"type": "string", "format": self.rng.pick_copy(&["date-time", "uuid", "password", "date", "byte", "email"])})
            }
            2 => {
                let n = 1 + self.rng.below(5);
                let values: Vec<&str> = (0..n).map(|_| self.rng.pick_copy(ENUM_VALUES)).collect();
                json!({"type": "string", "enum": values})
            }
            3 => json!({"type": "string", "minLength": 1, "maxLength": 64}),
            _ => json!({"type": "string"}),
        }
    }

    fn leaf(&mut self) -> Value {
        match self.rng.below(7) {
            0 | 1 => self.string_schema(),
            2 => {
                json!({"type": "integer", "format": self.rng.pick_copy(&["int32", "int64"]), "minimum": 0})
            }
            3 => json!({"type": "number", "format": self.rng.pick_copy(&["float", "double"])}),
            4 => json!({"type": "boolean"}),
            5 if !self.names.is_empty() => {
                json!({"$ref": format!("#/components/schemas/{}", self.rng.pick_copy(&self.names.iter().map(String::as_str).collect::<Vec<_>>()))})
            }
            _ => json!({}),
        }
    }

    fn schema(&mut self, depth: usize) -> Value {
        if depth > 2 || self.rng.chance(40) {
            return self.leaf();
        }
        let mut s = match self.rng.below(6) {
            0 | 1 => self.object(depth),
            2 => json!({"type": "array", "items": self.schema(depth + 1)}),
            3 => json!({"type": "object", "additionalProperties": self.schema(depth + 1)}),
            4 => json!({"allOf": [self.object(depth + 1), self.object(depth + 1)]}),
            _ => json!({"oneOf": [self.object(depth + 1), self.leaf()]}),
        };
        if self.rng.chance(15) {
            s["nullable"] = json!(true);
        }
        if self.rng.chance(20) {
            s["description"] = json!("A description with `code`, <b>html</b> and */ comment ends.");
        }
        s
    }

    fn object(&mut self, depth: usize) -> Value {
        let mut props = Map::new();
        for _ in 0..1 + self.rng.below(5) {
            let name = self.name();
            let mut schema = self.schema(depth + 1);
            if self.rng.chance(10) {
                schema["readOnly"] = json!(true);
            }
            props.insert(name, schema);
        }
        let required: Vec<String> = props
            .keys()
            .filter(|_| self.rng.chance(40))
            .cloned()
            .collect();
        let mut o = json!({"type": "object", "properties": props});
        if !required.is_empty() {
            o["required"] = json!(required);
        }
        if self.rng.chance(20) {
            o["title"] = json!(self.rng.pick_copy(&["Shared Title", "Item", "Self"]));
        }
        o
    }

    /// Named schemas, some recursive, some unions with discriminators.
    fn components(&mut self, prefix: &str, count: usize) {
        for i in 0..count {
            let name = format!(
                "{prefix}{}{i}",
                self.rng
                    .pick_copy(&["Job", "job_", "Self", "Type", "Box", "Item"])
            );
            self.names.push(name.clone());
            let mut schema = self.object(1);
            if self.rng.chance(30) {
                // Recursion: a parent link and a list of children.
                let me = format!("#/components/schemas/{name}");
                schema["properties"]["parent"] = json!({"$ref": me});
                schema["properties"]["children"] = json!({"type": "array", "items": {"$ref": me}});
            }
            self.schemas.insert(name, schema);
        }
        if count >= 2 && self.rng.chance(60) {
            let (a, b) = (
                self.names[self.names.len() - 1].clone(),
                self.names[self.names.len() - 2].clone(),
            );
            for n in [&a, &b] {
                if let Some(props) = self
                    .schemas
                    .get_mut(n)
                    .and_then(|s| s.get_mut("properties"))
                    .and_then(Value::as_object_mut)
                {
                    props.insert("kind".to_owned(), json!({"type": "string"}));
                }
            }
            let union = json!({
                "oneOf": [{"$ref": format!("#/components/schemas/{a}")}, {"$ref": format!("#/components/schemas/{b}")}],
                "discriminator": {"propertyName": "kind", "mapping": {"a": format!("#/components/schemas/{a}"), "b-b": format!("#/components/schemas/{b}")}},
            });
            let name = format!("{prefix}Union");
            self.schemas.insert(name.clone(), union);
            self.names.push(name);
        }
    }

    fn parameter(&mut self, location: &str, name: &str) -> Value {
        let schema = match (location, self.rng.below(4)) {
            ("path", 0) => json!({"type": "integer", "format": "int64"}),
            ("path", _) => json!({"type": "string", "pattern": self.rng.pick_copy(&PATTERNS[..3])}),
            (_, 0) => json!({"type": "boolean"}),
            (_, 1) => json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 500}),
            (_, 2) => {
                let values: Vec<&str> = (0..3).map(|_| self.rng.pick_copy(ENUM_VALUES)).collect();
                json!({"type": "string", "enum": values})
            }
            _ => json!({"type": "string"}),
        };
        json!({"name": name, "in": location, "required": location == "path" || self.rng.chance(30), "schema": schema})
    }

    fn operation(&mut self, id: &str, path_params: &[String]) -> Value {
        let mut params: Vec<Value> = path_params
            .iter()
            .map(|p| self.parameter("path", p))
            .collect();
        let mut used: Vec<String> = path_params.to_vec();
        for _ in 0..self.rng.below(4) {
            let location = self.rng.pick_copy(&["query", "header"]);
            let name = if location == "header" {
                self.rng
                    .pick_copy(&["X-Request-Id", "x-request-id", "If-Match", "X-Type"])
                    .to_owned()
            } else {
                self.name()
            };
            if used.contains(&name) {
                continue;
            }
            used.push(name.clone());
            params.push(self.parameter(location, &name));
        }
        let body = self.schema(1);
        let mut responses = Map::new();
        match self.rng.below(3) {
            0 => {
                responses.insert("204".to_owned(), json!({"description": "No Content"}));
            }
            _ => {
                let media = self
                    .rng
                    .pick_copy(&["application/json", "application/vnd.atlas.2023-01-01+json"]);
                responses.insert(
                    "200".to_owned(),
                    json!({"description": "OK", "content": {media: {"schema": body}}}),
                );
            }
        }
        responses.insert("404".to_owned(), json!({"description": "Not Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}));
        let mut op = json!({"operationId": id, "parameters": params, "responses": responses, "tags": [self.rng.pick_copy(&["Jobs", "Self Tests", "type", "1st Area"])]});
        if self.rng.chance(30) {
            op["requestBody"] = json!({"required": self.rng.chance(50), "content": {"application/json": {"schema": self.schema(1)}}});
        }
        if self.rng.chance(20) {
            op["deprecated"] = json!(true);
        }
        op
    }
}

/// Three specs' worth of schemas and operations, in one document.
fn random_spec(seed: u64) -> Value {
    let mut g = Gen {
        rng: Rng(seed),
        schemas: Map::new(),
        names: Vec::new(),
    };
    g.schemas.insert(
        "ApiError".to_owned(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "integer", "format": "int32"}, "detail": {"type": "string"}}}),
    );
    let mut paths = Map::new();
    let mut ids: Vec<String> = Vec::new();
    for part in ["A", "B", "C"] {
        let count = 2 + g.rng.below(4);
        g.components(part, count);
        for i in 0..2 + g.rng.below(3) {
            let mut id = format!("{}{part}{i}", g.rng.pick_copy(OPERATION_IDS));
            if ids.contains(&id) {
                id.push('x');
            }
            ids.push(id.clone());
            let params: Vec<String> = (0..g.rng.below(3))
                .map(|k| {
                    format!(
                        "{}{k}",
                        g.rng.pick_copy(&["groupId", "type", "self", "name"])
                    )
                })
                .collect();
            let path: String = std::iter::once(format!("/{part}/{i}"))
                .chain(params.iter().map(|p| format!("/{{{p}}}")))
                .collect();
            let method = g.rng.pick_copy(&["get", "post", "put", "delete", "patch"]);
            let op = g.operation(&id, &params);
            paths.insert(path, json!({ method: op }));
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Random \"quoted\" API", "version": "0.0.1-rc.1"},
        "servers": [{"url": "https://example.test/api/"}],
        "paths": paths,
        "components": {"schemas": g.schemas},
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn random_specs_in_the_supported_subset_generate_crates_that_compile() {
    let seed: u64 = std::env::var("ATLASGEN_RANDOM_SPEC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("random-specs");
    let dir = root.join(format!("seed-{seed}"));
    let _ = std::fs::remove_dir_all(&dir);
    let spec_path = dir.join("openapi.json");
    let spec = random_spec(seed);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    std::fs::write(
        &spec_path,
        serde_json::to_string_pretty(&spec).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("cannot write the spec: {e}"));

    let out = dir.join("crate");
    let config = atlasgen::Config {
        spec: spec_path.clone(),
        output: atlasgen::config::Output {
            dir: out.clone(),
            crate_name: format!("random-spec-{seed}"),
            version: "0.1.0".to_owned(),
            runtime_path: workspace_root().join("runtime").display().to_string(),
            regen_path: String::new(),
            regenerate_command: "atlasgen crate".to_owned(),
            tag_features: true,
            // The conformance test must compile for a spec without examples,
            // and every schema must round-trip.
            example_tests: true,
            roundtrip_tests: 4,
            all_schemas: false,
            skip_invalid: false,
        },
        names: BTreeMap::new(),
        ..Default::default()
    };
    let generated = atlasgen::generate(&config).unwrap_or_else(|failure| {
        panic!(
            "seed {seed}: a spec in the supported subset failed to generate ({}):\n{}",
            spec_path.display(),
            failure.render(|_| std::fs::read_to_string(&spec_path).ok())
        )
    });
    atlasgen::write::write(&out, &generated.files)
        .unwrap_or_else(|e| panic!("cannot write the crate: {e}"));
    // Stand-alone: not a member of this workspace, on this workspace's lock file.
    let manifest = out.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap_or_default();
    text.push_str("\n[workspace]\n");
    std::fs::write(&manifest, text)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", manifest.display()));
    let _ = std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates-target");
    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--quiet",
            "--no-default-features",
            "--features",
            "full,roundtrip",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        output.status.success(),
        "seed {seed}: the crate generated from {} does not compile or its tests fail:\n{}{}",
        spec_path.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The typed mocks (feature `mock`, which brings the client) compile
    // warning-free for any spec's operations too.
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--lib",
            "--no-default-features",
            "--features",
            "full,mock",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        output.status.success(),
        "seed {seed}: the mocks of the crate generated from {} do not compile:\n{}{}",
        spec_path.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
