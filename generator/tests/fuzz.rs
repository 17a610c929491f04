//! No input makes the generator panic, overflow its stack or hang: arbitrary
//! bytes and structure-aware mutations of real specs go through
//! load → resolve → lower → emit, and every diagnostic is rendered.
//!
//! A stable-toolchain harness (no nightly, no libFuzzer): a deterministic
//! mutation loop seeded by `ATLASGEN_FUZZ_SEED`, running for
//! `ATLASGEN_FUZZ_SECONDS`:
//!
//! ```text
//! ATLASGEN_FUZZ_SECONDS=60 cargo test -p atlasgen --test fuzz -- --ignored --nocapture
//! ```
//!
//! A panic is caught and its input saved under the target directory
//! (`fuzz/crashes/`); a stack overflow aborts the process, so the input being
//! run is always in `fuzz/current.*` first. Inputs that produced a diagnostic
//! not seen before go to `fuzz/new/`, candidates for the committed corpus in
//! `generator/fuzz/corpus/`, which every `cargo test` replays.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use atlasgen::config::{Config, Output, Selection};
use atlasgen::diag::Diagnostic;
use atlasgen::{emit, load, lower, resolve};
use serde_json::{json, Map, Value};

// ----- the pipeline under test ----------------------------------------------

/// What one run of the pipeline decided, for the "new behaviour" corpus.
#[derive(Default)]
struct Outcome {
    /// (code, first words of the message) of every diagnostic.
    kinds: BTreeSet<String>,
    emitted: bool,
}

fn kind_of(d: &Diagnostic) -> String {
    // Numbers and quoted names vary; the first words say which check fired.
    let words: Vec<&str> = d
        .message
        .split_whitespace()
        .filter(|w| !w.contains('`') && !w.contains('#'))
        .take(4)
        .collect();
    format!("{:?}/{}/{}", d.severity, d.code.as_str(), words.join(" "))
}

fn config(selection: Selection, names: Vec<(String, String)>, secrets: Vec<String>) -> Config {
    Config {
        spec: PathBuf::from("fuzz.yaml"),
        output: Output {
            dir: PathBuf::from("unused"),
            crate_name: "fuzzed".to_owned(),
            version: "0.1.0".to_owned(),
            runtime_path: "../runtime".to_owned(),
            regen_path: String::new(),
            regenerate_command: "atlasgen".to_owned(),
            tag_features: false,
            example_tests: false,
            roundtrip_tests: 0,
            all_schemas: false,
            skip_invalid: false,
        },
        select: selection,
        names: names.into_iter().collect(),
        secrets,
        ..Config::default()
    }
}

/// load → resolve → lower → emit, as the command does, twice: the selection
/// given, then every component schema (the coverage report's view), emitting
/// with and without tag features.
fn pipeline(file: &str, text: &str, config: &Config) -> Outcome {
    let mut out = Outcome::default();
    let spec = match load::load_str(file, text.to_owned()) {
        Ok(spec) => spec,
        Err(d) => {
            out.kinds.insert(kind_of(&d));
            let _ = d.render(Some(text));
            return out;
        }
    };
    let report = |diags: &[Diagnostic], out: &mut Outcome| {
        out.kinds.extend(diags.iter().map(kind_of));
        let _ = atlasgen::diag::render_all(diags, |_| Some(text.to_owned()));
        for d in diags {
            let _ = d.to_string();
        }
    };
    let selected = match resolve::select(&spec, &config.select) {
        Ok(s) => s,
        Err(f) => {
            report(&f.diagnostics, &mut out);
            resolve::all_operations(&spec)
        }
    };
    for all_schemas in [false, true] {
        // The whole-spec run also gates items by tag features.
        let mut config = config.clone();
        config.output.tag_features = all_schemas;
        let lowered = lower::lower(&spec, &config, &selected, all_schemas);
        report(&lowered.diagnostics, &mut out);
        if lowered.diagnostics.iter().any(Diagnostic::is_error) {
            continue;
        }
        let settings = emit::Settings {
            crate_name: "fuzzed",
            version: "0.1.0",
            runtime_path: "../runtime",
            regen_path: "",
            spec_name: "fuzz.yaml",
            regenerate_command: "atlasgen",
            example_tests: all_schemas,
            roundtrip_tests: all_schemas,
            spec_source: None,
            runtime_version: Some("0.1.0"),
            package: &config.package,
        };
        match emit::emit(&lowered.api, &settings) {
            Ok(_) => out.emitted = true,
            // A spec that lowers without errors must emit: an `Err` here is a
            // generator bug (tokens that do not parse), reported like a panic.
            Err(e) => panic!("lowered without errors but emit failed: {e}"),
        }
    }
    let _ = atlasgen::coverage::report(&spec);
    out
}

// ----- randomness -------------------------------------------------------------

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const WEIRD_STRINGS: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "r#type",
    "_",
    "__",
    "1",
    "1abc",
    "-",
    "<",
    ">=",
    "a/b",
    "..",
    ".",
    "%2F",
    "?",
    "#",
    "a\r\nb",
    "\0",
    "\u{7f}",
    "é",
    "日本語",
    "🦀",
    "Error",
    "Client",
    "Box",
    "Option",
    "String",
    "Result",
    "Vec",
    "Unknown",
    "a b",
    "{",
    "}",
    "[",
    "(?<=a)b",
    "\\d",
    "\\\\d",
    "^(a+)+$",
    "[z-a]",
    "\\p{L}",
    "(?i)x",
    "$ref",
    "#/components/schemas/",
    "~0~1",
    "'",
    "\"",
    "\\",
    "null",
    "true",
    "3.1.0",
    "2.0",
    "3.0.0",
    "default",
    "2XX",
    "999",
    "x-rust-name",
    "get",
    "GET /",
    "application/json",
    "*/*",
    "text/html",
    "application/vnd.atlas.2023-01-01+json",
    "{id}",
    "/a/{b}",
    "/{",
    "int32",
    "uuid",
    "date-time",
    "password",
    "binary",
    "ab\u{300}c",
    "\u{202e}rtl",
    "CamelCase",
    "snake_case",
    "SCREAMING_CASE",
    "kebab-case",
];

const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "pattern",
    "enum",
    "items",
    "properties",
    "additionalProperties",
    "required",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "nullable",
    "readOnly",
    "writeOnly",
    "discriminator",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "example",
    "default",
    "x-rust-name",
    "title",
    "description",
    "minLength",
    "maxLength",
    "deprecated",
    "$ref",
    "minItems",
    "uniqueItems",
];

const OTHER_KEYS: &[&str] = &[
    "in",
    "name",
    "required",
    "schema",
    "content",
    "style",
    "explode",
    "operationId",
    "tags",
    "requestBody",
    "responses",
    "parameters",
    "servers",
    "security",
    "securitySchemes",
    "components",
    "paths",
    "openapi",
    "swagger",
    "info",
    "examples",
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "mapping",
    "propertyName",
    "flows",
    "scheme",
];

fn weird_string(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "x".repeat(rng.below(3000)),
        1 => {
            let len = rng.below(12);
            (0..len)
                .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'))
                .collect()
        }
        2 => format!("{}{}", rng.pick(WEIRD_STRINGS), rng.pick(WEIRD_STRINGS)),
        _ => (*rng.pick(WEIRD_STRINGS)).to_owned(),
    }
}

fn weird_number(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => json!(u64::MAX),
        1 => json!(i64::MIN),
        2 => json!(1e308),
        3 => json!(-1e308),
        4 => json!(0.5),
        5 => json!(-0.0),
        6 => json!(2147483648u64),
        7 => json!(1199145600.25),
        8 => json!(-1),
        _ => json!(rng.below(1000)),
    }
}

fn weird_scalar(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 | 3 => weird_number(rng),
        4 => json!([]),
        5 => json!({}),
        _ => Value::String(weird_string(rng)),
    }
}

/// A small random schema, valid or nearly so.
fn random_schema(rng: &mut Rng, depth: usize) -> Value {
    if depth > 3 || rng.chance(30) {
        return match rng.below(7) {
            0 => json!({"type": "string", "pattern": weird_string(rng)}),
            1 => json!({"type": "string", "enum": [weird_string(rng), weird_string(rng)]}),
            2 => {
                json!({"type": "integer", "minimum": weird_number(rng), "format": rng.pick(&["int32", "int64", "weird"])})
            }
            3 => json!({"$ref": format!("#/components/schemas/{}", weird_string(rng))}),
            4 => {
                json!({"type": rng.pick(&["string", "number", "boolean", "object", "array", "null", "weird"])})
            }
            5 => {
                json!({"type": "string", "format": rng.pick(&["date-time", "uuid", "password", "byte", "binary", "date", "weird"])})
            }
            _ => weird_scalar(rng),
        };
    }
    match rng.below(6) {
        0 => {
            let mut props = Map::new();
            for _ in 0..rng.below(4) {
                props.insert(weird_string(rng), random_schema(rng, depth + 1));
            }
            json!({"type": "object", "properties": props, "required": [weird_string(rng)]})
        }
        1 => json!({"type": "array", "items": random_schema(rng, depth + 1)}),
        2 => json!({"allOf": [random_schema(rng, depth + 1), random_schema(rng, depth + 1)]}),
        3 => {
            json!({"oneOf": [random_schema(rng, depth + 1), random_schema(rng, depth + 1)], "discriminator": {"propertyName": weird_string(rng)}})
        }
        4 => {
            json!({"anyOf": [random_schema(rng, depth + 1)], "properties": {"a": random_schema(rng, depth + 1)}})
        }
        _ => json!({"type": "object", "additionalProperties": random_schema(rng, depth + 1)}),
    }
}

// ----- structure-aware mutation --------------------------------------------

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn all_paths(v: &Value, cur: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(cur.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                cur.push(Seg::Key(k.clone()));
                all_paths(child, cur, out);
                cur.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                cur.push(Seg::Index(i));
                all_paths(child, cur, out);
                cur.pop();
            }
        }
        _ => {}
    }
}

fn depth_of(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn pointer_of(path: &[Seg]) -> String {
    let mut p = String::from("#");
    for seg in path {
        p.push('/');
        match seg {
            Seg::Key(k) => p.push_str(&atlasgen::diag::pointer_token(k)),
            Seg::Index(i) => p.push_str(&i.to_string()),
        }
    }
    p
}

fn component_names(doc: &Value, section: &str) -> Vec<String> {
    doc.pointer(&format!("/components/{section}"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    let components = components.as_object_mut()?;
    components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
}

/// Applies one random mutation to the document tree.
fn mutate(rng: &mut Rng, doc: &mut Value, donors: &[Value]) {
    let mut paths = Vec::new();
    all_paths(doc, &mut Vec::new(), &mut paths);
    let target = rng.pick(&paths).clone();
    match rng.below(16) {
        // Delete a key or an item.
        0 | 1 => {
            if let Some((last, parent)) = target.split_last() {
                match (last, get_mut(doc, parent)) {
                    (Seg::Key(k), Some(Value::Object(m))) => {
                        m.remove(k);
                    }
                    (Seg::Index(i), Some(Value::Array(a))) if *i < a.len() => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        // Swap a node's type.
        2 => {
            let scalar = weird_scalar(rng);
            if let Some(v) = get_mut(doc, &target) {
                *v = scalar;
            }
        }
        // Copy another node over it (real shapes in wrong places).
        3 => {
            let source = rng.pick(&paths).clone();
            let copy = get_mut(doc, &source).map(|v| v.clone());
            if let (Some(copy), Some(v)) = (copy, get_mut(doc, &target)) {
                *v = copy;
            }
        }
        // A `$ref` to nowhere, to an existing component, to itself, or off-document;
        // sometimes beside the node's other keys.
        4 | 5 => {
            let names = component_names(doc, "schemas");
            let reference = match rng.below(7) {
                0 => "#/components/schemas/Nowhere".to_owned(),
                1 if !names.is_empty() => format!("#/components/schemas/{}", rng.pick(&names)),
                2 => pointer_of(&target),
                3 => "other.yaml#/components/schemas/X".to_owned(),
                4 => format!(
                    "#/components/{}/{}",
                    rng.pick(&["parameters", "responses", "requestBodies", "schemas", "x"]),
                    weird_string(rng)
                ),
                5 => "#".to_owned(),
                _ => weird_string(rng),
            };
            let keep = rng.chance(40);
            if let Some(v) = get_mut(doc, &target) {
                match v {
                    Value::Object(m) if keep => {
                        m.insert("$ref".to_owned(), Value::String(reference));
                    }
                    _ => *v = json!({ "$ref": reference }),
                }
            }
        }
        // A cycle of references, pure aliases or through arrays, allOf or maps.
        6 => {
            let a = format!("Cyc{}", rng.below(1000));
            let b = format!("Cyc{}", rng.below(1000));
            let ra = format!("#/components/schemas/{a}");
            let rb = format!("#/components/schemas/{b}");
            let (va, vb) = match rng.below(6) {
                0 => (json!({"$ref": rb}), json!({"$ref": ra})),
                1 => (
                    json!({"type": "array", "items": {"$ref": ra}}),
                    json!({"$ref": ra}),
                ),
                2 => (
                    json!({"allOf": [{"$ref": rb}]}),
                    json!({"allOf": [{"$ref": ra}]}),
                ),
                3 => (
                    json!({"type": "object", "additionalProperties": {"$ref": rb}}),
                    json!({"type": "array", "items": {"$ref": ra}}),
                ),
                4 => (
                    json!({"oneOf": [{"$ref": rb}]}),
                    json!({"anyOf": [{"$ref": ra}]}),
                ),
                _ => (
                    json!({"type": "object", "properties": {"next": {"$ref": rb}}}),
                    json!({"allOf": [{"$ref": ra}], "properties": {"prev": {"$ref": ra}}}),
                ),
            };
            if let Some(schemas) = schemas_mut(doc) {
                schemas.insert(a, va);
                schemas.insert(b, vb);
            }
            if let Some(v) = get_mut(doc, &target) {
                *v = json!({ "$ref": ra });
            }
        }
        // Deep nesting.
        7 => {
            // Past the parsers' limit (128) sometimes; never so deep that the
            // harness's own recursive walks are what overflows.
            let depth = if rng.chance(20) {
                rng.below(160)
            } else {
                rng.below(40)
            };
            let kind = rng.below(4);
            if let Some(v) = get_mut(doc, &target) {
                let mut node = v.take();
                for _ in 0..depth {
                    node = match kind {
                        0 => json!({"type": "object", "properties": {"x": node}}),
                        1 => json!({"type": "array", "items": node}),
                        2 => json!({"allOf": [node]}),
                        _ => json!({"oneOf": [node, {"type": "string"}]}),
                    };
                }
                *v = node;
            }
        }
        // A schema keyword (or another spec key) with an odd value.
        8 | 9 => {
            let key = if rng.chance(70) {
                *rng.pick(SCHEMA_KEYS)
            } else {
                *rng.pick(OTHER_KEYS)
            };
            let value = if rng.chance(50) {
                random_schema(rng, 0)
            } else {
                weird_scalar(rng)
            };
            if let Some(Value::Object(m)) = get_mut(doc, &target) {
                m.insert(key.to_owned(), value);
            }
        }
        // Rename a key (property, component, path, status code).
        10 => {
            if let Some((Seg::Key(k), parent)) = target.split_last() {
                let new_key = weird_string(rng);
                if let Some(Value::Object(m)) = get_mut(doc, parent) {
                    if let Some(v) = m.remove(k) {
                        m.insert(new_key, v);
                    }
                }
            }
        }
        // Extreme numbers.
        11 => {
            let n = weird_number(rng);
            if let Some(v) = get_mut(doc, &target) {
                if v.is_number() || rng.chance(20) {
                    *v = n;
                }
            }
        }
        // Duplicate an operation under another path (same operationId).
        12 => {
            let paths_obj = doc
                .get("paths")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Some((_, item)) = paths_obj.iter().next() {
                let new_path = match rng.below(3) {
                    0 => format!("/dup/{}", rng.below(100)),
                    1 => format!("/{}", weird_string(rng)),
                    _ => {
                        "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/restoreJobs/{jobId}/"
                            .to_owned()
                    }
                };
                if let Some(Value::Object(p)) = doc.get_mut("paths") {
                    p.insert(new_path, item.clone());
                }
            }
        }
        // A random schema component, used somewhere.
        13 => {
            let name = weird_string(rng);
            let schema = random_schema(rng, 0);
            if let Some(schemas) = schemas_mut(doc) {
                schemas.insert(name.clone(), schema);
            }
            if let Some(v) = get_mut(doc, &target) {
                if v.is_object() {
                    *v = json!({ "$ref": format!("#/components/schemas/{}", atlasgen::diag::pointer_token(&name)) });
                }
            }
        }
        // A real schema from the published spec, with what it references.
        14 if !donors.is_empty() => {
            let donor = rng.pick(donors).clone();
            if let (Some(Value::Object(d)), Some(schemas)) =
                (donor.get("schemas").cloned(), schemas_mut(doc))
            {
                for (k, v) in d {
                    schemas.insert(k, v);
                }
            }
            if let Some(first) = donor.get("root").and_then(Value::as_str) {
                let reference = format!(
                    "#/components/schemas/{}",
                    atlasgen::diag::pointer_token(first)
                );
                if let Some(v) = get_mut(doc, &target) {
                    *v = json!({ "$ref": reference });
                }
            }
        }
        // An odd parameter on the operation.
        _ => {
            let param = json!({
                "name": weird_string(rng),
                "in": rng.pick(&["path", "query", "header", "cookie", "body", "weird"]),
                "required": rng.chance(50),
                "schema": random_schema(rng, 1),
            });
            if let Some(Value::Object(p)) = doc.get_mut("paths") {
                if let Some(item) = p.values_mut().next() {
                    if let Some(Value::Object(op)) = item.get_mut("get") {
                        if let Some(Value::Array(params)) = op.get_mut("parameters") {
                            params.push(param);
                        }
                    }
                }
            }
        }
    }
}

/// Byte-level damage to serialized text: flips, cuts, insertions, lines moved.
fn damage(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes.truncate(at),
            2 => {
                const INSERTS: [&[u8]; 15] = [
                    b"{",
                    b"[",
                    b":",
                    b"- ",
                    b"\t",
                    b"\n  ",
                    b"'",
                    b"\"",
                    b"&a",
                    b"*a",
                    b"!!binary ",
                    b"\xff",
                    b"#",
                    b"? ",
                    b"---\n",
                ];
                let insert: &[u8] = INSERTS[rng.below(INSERTS.len())];
                bytes.splice(at..at, insert.iter().copied());
            }
            3 => {
                let end = (at + rng.below(200)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(200)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, chunk);
            }
            _ => bytes[at] = b' ',
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(400);
    let alphabet = b"openapi: 3.0.3\n{}[]\"':-#&*!|>?,$ref/\\ \t\r0123456789abcxyz\x00\xff";
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            if rng.chance(80) {
                alphabet[rng.below(alphabet.len())]
            } else {
                rng.next() as u8
            }
        })
        .collect();
    let prefix = if rng.chance(50) {
        "openapi: 3.0.3\n"
    } else {
        ""
    };
    format!("{prefix}{}", String::from_utf8_lossy(&bytes))
}

// ----- one case -------------------------------------------------------------

struct Case {
    file: &'static str,
    text: String,
    config: Config,
}

fn random_config(rng: &mut Rng, doc: &Value) -> Config {
    let mut selection = Selection::default();
    let ids: Vec<String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    match rng.below(6) {
        0 | 1 => {}
        2 if !ids.is_empty() => selection.operation_ids.push(rng.pick(&ids).clone()),
        3 => selection.operation_ids.push(weird_string(rng)),
        4 => selection.tags.push(if rng.chance(50) {
            "Legacy Backup".to_owned()
        } else {
            weird_string(rng)
        }),
        _ => selection.paths.push(format!(
            "{} {}",
            rng.pick(&["GET", "get", "POST", ""]),
            weird_string(rng)
        )),
    }
    let mut names = Vec::new();
    let mut secrets = Vec::new();
    if rng.chance(15) {
        let mut paths = Vec::new();
        all_paths(doc, &mut Vec::new(), &mut paths);
        let pointer = pointer_of(&paths[rng.below(paths.len())]);
        names.push((pointer.clone(), weird_string(rng)));
        secrets.push(pointer);
    }
    if rng.chance(5) {
        names.push((format!("role:{}", weird_string(rng)), weird_string(rng)));
    }
    config(selection, names, secrets)
}

fn make_case(rng: &mut Rng, seeds: &[Value], donors: &[Value]) -> Case {
    if rng.chance(8) {
        return Case {
            file: "fuzz.yaml",
            text: random_bytes(rng),
            config: config(Selection::default(), Vec::new(), Vec::new()),
        };
    }
    let mut doc = rng.pick(seeds).clone();
    for _ in 0..1 + rng.below(6) {
        mutate(rng, &mut doc, donors);
        if depth_of(&doc) > 200 {
            break;
        }
    }
    let config = random_config(rng, &doc);
    let (file, mut text) = if rng.chance(25) {
        (
            "fuzz.json",
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
    } else {
        ("fuzz.yaml", serde_yaml::to_string(&doc).unwrap_or_default())
    };
    if rng.chance(15) {
        text = damage(rng, &text);
    }
    Case { file, text, config }
}

// ----- running and recording -------------------------------------------------

fn workdir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz")
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join("corpus")
}

/// The published specs, when beside the checkout: a source of real schemas.
fn published_spec() -> Option<PathBuf> {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/atlas/atlas-api-2025-06-30.yaml");
    p.is_file().then_some(p)
}

fn seed_documents() -> Vec<Value> {
    let mut seeds = Vec::new();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    if let Ok(v) = std::fs::read_to_string(&spec)
        .map_err(|e| e.to_string())
        .and_then(|t| load::yaml_to_json(&t))
    {
        seeds.push(v);
    }
    for entry in corpus_files() {
        if let Ok(v) = std::fs::read_to_string(&entry)
            .map_err(|e| e.to_string())
            .and_then(|t| load::yaml_to_json(&t))
        {
            if v.is_object() {
                seeds.push(v);
            }
        }
    }
    assert!(
        !seeds.is_empty(),
        "no seed documents: spec/openapi.yaml is missing"
    );
    seeds
}

/// Component schemas of the published spec, each with the components it
/// references (transitively, at most 40), keyed `schemas` and `root`.
fn donor_schemas(rng: &mut Rng, count: usize) -> Vec<Value> {
    let Some(path) = published_spec() else {
        return Vec::new();
    };
    let Ok(doc) = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| load::yaml_to_json(&t))
    else {
        return Vec::new();
    };
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let names: Vec<&String> = all.keys().collect();
    let mut donors = Vec::new();
    for _ in 0..count {
        let root = rng.pick(&names).to_string();
        let mut picked = Map::new();
        let mut todo = vec![root.clone()];
        while let Some(name) = todo.pop() {
            if picked.len() >= 40 || picked.contains_key(&name) {
                continue;
            }
            let Some(schema) = all.get(&name) else {
                continue;
            };
            let mut refs = Vec::new();
            collect_refs(schema, &mut refs);
            todo.extend(refs.into_iter().filter_map(|r| {
                r.strip_prefix("#/components/schemas/")
                    .map(atlasgen::diag::unescape_pointer_token)
            }));
            picked.insert(name, schema.clone());
        }
        donors.push(json!({ "root": root, "schemas": picked }));
    }
    donors
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            if let Some(Value::Object(mapping)) = m.get("mapping") {
                out.extend(
                    mapping
                        .values()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                );
            }
            m.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f`, turning a panic into `Err(message with location)`.
fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        if let Ok(mut slot) = PANIC_MESSAGE.lock() {
            *slot = Some(info.to_string());
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| {
        PANIC_MESSAGE
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_else(|| "panic".to_owned())
    })
}

/// The config, written as a comment line a replay can read back.
fn config_line(config: &Config) -> String {
    let value = json!({
        "operation_ids": config.select.operation_ids,
        "tags": config.select.tags,
        "paths": config.select.paths,
        "names": config.names,
        "secrets": config.secrets,
    });
    value.to_string()
}

/// A saved case: the first line `# atlasgen-fuzz-config: {...}` (YAML) or a
/// `.config.json` beside it (other files) gives the config.
fn read_case(path: &Path) -> Case {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let file = if path.extension().is_some_and(|e| e == "json") {
        "fuzz.json"
    } else {
        "fuzz.yaml"
    };
    let mut cfg = config(Selection::default(), Vec::new(), Vec::new());
    let header = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# atlasgen-fuzz-config: "))
        .map(str::to_owned);
    let sidecar = std::fs::read_to_string(path.with_extension("config")).ok();
    if let Some(Ok(v)) = header
        .or(sidecar)
        .map(|h| serde_json::from_str::<Value>(&h))
    {
        let strings = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        cfg.select = Selection {
            operation_ids: strings("operation_ids"),
            tags: strings("tags"),
            paths: strings("paths"),
        };
        cfg.secrets = strings("secrets");
        if let Some(m) = v.get("names").and_then(Value::as_object) {
            cfg.names = m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect();
        }
    }
    Case {
        file,
        text,
        config: cfg,
    }
}

fn save_case(dir: &Path, case: &Case, tag: &str) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let ext = if case.file.ends_with(".json") {
        "json"
    } else {
        "yaml"
    };
    let path = dir.join(format!("{tag}.{ext}"));
    if ext == "yaml" {
        let _ = std::fs::write(
            &path,
            format!(
                "# atlasgen-fuzz-config: {}\n{}",
                config_line(&case.config),
                case.text
            ),
        );
    } else {
        let _ = std::fs::write(&path, &case.text);
        let _ = std::fs::write(path.with_extension("config"), config_line(&case.config));
    }
    path
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable file names for saved inputs.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

struct Findings {
    crashes: Vec<(PathBuf, String)>,
    slow: Vec<(PathBuf, Duration)>,
    runs: usize,
    new_kinds: usize,
}

/// Deep inputs need a real stack: the command's main thread has 8 MiB, a
/// test thread 2 MiB; the fuzz runs where the command runs.
fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match std::thread::Builder::new().stack_size(8 << 20).spawn(f) {
        Ok(handle) => match handle.join() {
            Ok(v) => v,
            Err(_) => panic!("the fuzz thread panicked outside a case"),
        },
        Err(e) => panic!("cannot start the fuzz thread: {e}"),
    }
}

fn fuzz(seed: u64, budget: Duration, max_runs: usize, save_new: bool) -> Findings {
    let mut rng = Rng(seed);
    let seeds = seed_documents();
    let donors = if save_new {
        donor_schemas(&mut rng, 300)
    } else {
        Vec::new()
    };
    // The short run and the long one may run at once (`--include-ignored`).
    let dir = if save_new {
        workdir()
    } else {
        workdir().join("short")
    };
    let _ = std::fs::create_dir_all(&dir);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut findings = Findings {
        crashes: Vec::new(),
        slow: Vec::new(),
        runs: 0,
        new_kinds: 0,
    };
    let start = Instant::now();
    while start.elapsed() < budget && findings.runs < max_runs {
        let case = make_case(&mut rng, &seeds, &donors);
        // Written first: if the stack overflows, the process dies with it here.
        let current = save_case(&dir, &case, "current");
        let began = Instant::now();
        let result = catching(|| pipeline(case.file, &case.text, &case.config));
        let took = began.elapsed();
        findings.runs += 1;
        match result {
            Ok(outcome) => {
                let fresh: Vec<String> = outcome
                    .kinds
                    .into_iter()
                    .filter(|k| !seen.contains(k))
                    .collect();
                if !fresh.is_empty() && save_new && case.text.len() < 20_000 {
                    save_case(
                        &dir.join("new"),
                        &case,
                        &format!("{:016x}", hash(&case.text)),
                    );
                }
                findings.new_kinds += fresh.len();
                seen.extend(fresh);
            }
            Err(message) => {
                let saved = save_case(
                    &dir.join("crashes"),
                    &case,
                    &format!("crash-{:016x}", hash(&case.text)),
                );
                eprintln!("CRASH ({}): {message}", saved.display());
                findings.crashes.push((saved, message));
            }
        }
        if took > Duration::from_secs(5) {
            let saved = save_case(
                &dir.join("slow"),
                &case,
                &format!("slow-{:016x}", hash(&case.text)),
            );
            findings.slow.push((saved, took));
        }
        let _ = std::fs::remove_file(&current);
    }
    findings
}

fn report(findings: &Findings, seed: u64, elapsed: Duration) {
    println!(
        "fuzz: seed {seed}, {} cases in {:.1} s, {} distinct diagnostics, {} crashes, {} slow",
        findings.runs,
        elapsed.as_secs_f64(),
        findings.new_kinds,
        findings.crashes.len(),
        findings.slow.len()
    );
    let crashes: Vec<String> = findings
        .crashes
        .iter()
        .map(|(p, m)| format!("{}: {m}", p.display()))
        .collect();
    let slow: Vec<String> = findings
        .slow
        .iter()
        .map(|(p, d)| format!("{}: {:.1} s", p.display(), d.as_secs_f64()))
        .collect();
    assert!(
        crashes.is_empty(),
        "inputs that make the generator panic:\n{}",
        crashes.join("\n")
    );
    assert!(
        slow.is_empty(),
        "inputs that take the generator more than 5 s:\n{}",
        slow.join("\n")
    );
}

// ----- the tests ------------------------------------------------------------

#[test]
fn every_corpus_input_goes_through_the_pipeline_without_panicking() {
    let files = corpus_files();
    assert!(
        files.len() >= 10,
        "the committed corpus is missing: {}",
        corpus_dir().display()
    );
    let failures = with_big_stack(move || {
        let mut failures = Vec::new();
        for path in files
            .iter()
            .filter(|p| p.extension().is_none_or(|e| e != "config"))
        {
            let case = read_case(path);
            let began = Instant::now();
            if let Err(message) = catching(|| pipeline(case.file, &case.text, &case.config)) {
                failures.push(format!("{}: {message}", path.display()));
            }
            if began.elapsed() > Duration::from_secs(20) {
                failures.push(format!(
                    "{}: took {:.1} s",
                    path.display(),
                    began.elapsed().as_secs_f64()
                ));
            }
        }
        failures
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_short_deterministic_fuzz_run_finds_nothing() {
    let started = Instant::now();
    let findings = with_big_stack(|| fuzz(1, Duration::from_secs(20), 500, false));
    report(&findings, 1, started.elapsed());
}

/// The long run: `ATLASGEN_FUZZ_SECONDS` (default 60), `ATLASGEN_FUZZ_SEED`
/// (default 6). `.ci/run` runs it for a minute.
#[test]
#[ignore = "bounded fuzz run; .ci/run runs it, or run it with --ignored"]
fn fuzz_for_a_while() {
    let seconds = std::env::var("ATLASGEN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60u64);
    let seed = std::env::var("ATLASGEN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6u64);
    let started = Instant::now();
    let findings =
        with_big_stack(move || fuzz(seed, Duration::from_secs(seconds), usize::MAX, true));
    report(&findings, seed, started.elapsed());
}

/// Replays one saved input: `ATLASGEN_FUZZ_REPLAY=path cargo test -p atlasgen
/// --test fuzz replay -- --ignored --nocapture`.
#[test]
#[ignore = "replays the file ATLASGEN_FUZZ_REPLAY names"]
fn replay() {
    let Some(path) = std::env::var_os("ATLASGEN_FUZZ_REPLAY").map(PathBuf::from) else {
        return;
    };
    let case = read_case(&path);
    let outcome =
        with_big_stack(move || catching(|| pipeline(case.file, &case.text, &case.config)));
    match outcome {
        Ok(o) => println!(
            "ok: emitted {}, diagnostics:\n{}",
            o.emitted,
            o.kinds.into_iter().collect::<Vec<_>>().join("\n")
        ),
        Err(message) => panic!("{message}"),
    }
}
