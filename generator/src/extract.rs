//! Extract: cut the selected operations and their whole `$ref` closure out
//! of a full published spec, pin Rust names on them, and write the result
//! deterministically (sorted keys, one YAML style), so extracting the same
//! input twice changes no byte and a new input gives a minimal diff.
//!
//! Names are pinned by position, never by upstream name: an operation by
//! `METHOD path`, a schema by where it is reached from that operation
//! (`response 200 .delivery.methodName`). Extract writes the pinned name as
//! `x-rust-name` (which the generator honours), so upstream renames of
//! operationIds and schemas leave every Rust name as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::{read_toml, Selection};
use crate::diag::{cannot_read, Code, Diagnostic, Failure, Location};
use crate::extensions::{pin_rust_name, suggest, RUST_NAME};
use crate::naming::{type_name, value_name};
use crate::position::{pointer_token, unescape_pointer_token};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The committed extraction config (`spec/extract.toml`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExtractConfig {
    /// Where the latest published spec is downloaded from.
    #[serde(default)]
    pub upstream: String,
    /// The extracted spec, relative to the config file.
    pub out: PathBuf,
    /// The record of the published spec `out` was cut from.
    #[serde(default)]
    pub pinned: Option<PathBuf>,
    /// The generator config whose crate is built from `out`.
    #[serde(default)]
    pub generator_config: Option<PathBuf>,
    /// The operations to cut out.
    pub select: Selection,
    /// Extensions to leave out (`x-xgen-*`): they churn upstream and no
    /// generated code reads them.
    #[serde(default)]
    pub drop_extensions: Vec<String>,
    /// Names pinned per operation.
    #[serde(default, rename = "operation")]
    pub operations: Vec<OperationPins>,
}

/// The names pinned for one operation and the schemas it reaches (`[[operation]]`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OperationPins {
    /// `GET /api/atlas/v2/...`
    pub key: String,
    /// The operation's Rust name (its function in snake case, its request
    /// value in upper camel case).
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Position (`response 200 .delivery`) to Rust type name.
    #[serde(default)]
    pub schemas: BTreeMap<String, String>,
}

impl ExtractConfig {
    /// Reads the config; its paths become relative to its folder.
    pub fn load(path: &Path) -> Result<ExtractConfig, Diagnostic> {
        let (mut config, _) = read_toml::<ExtractConfig>(path, "extract config")?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.out = base.join(&config.out);
        config.pinned = config.pinned.map(|p| base.join(p));
        config.generator_config = config.generator_config.map(|p| base.join(p));
        Ok(config)
    }
}

/// What the published spec at a pinned position calls the construct, and
/// the Rust name the pin gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinOutcome {
    /// `GET /path`.
    pub operation: String,
    /// `response 200 .delivery`; `None` for the operation itself.
    pub position: Option<String>,
    /// The operationId, or the component schema's name; `None` for an
    /// inline schema (or an operation without an operationId).
    pub published: Option<String>,
    /// What the generator would call it without the pin.
    pub derived: Option<String>,
    /// The Rust name the pin gives.
    pub rust_name: String,
    /// The published name in the previous extraction, when it differs.
    pub previously: Option<String>,
    /// Where the name was written (JSON pointer).
    pub pointer: String,
}

impl PinOutcome {
    /// Whether the pin names the operation itself (not a schema it reaches).
    pub fn is_operation(&self) -> bool {
        self.position.is_none()
    }

    /// The pin keeps a Rust name the published name alone would change.
    pub fn absorbs_rename(&self) -> bool {
        self.derived
            .as_ref()
            .is_some_and(|d| d != &self.rust_derived())
            || self.previously.is_some()
    }

    /// The Rust name as the generator spells it (operations go through snake case).
    pub fn rust_derived(&self) -> String {
        if self.is_operation() {
            value_name(&self.rust_name)
        } else {
            self.rust_name.clone()
        }
    }

    /// The Rust names it pins, as a reader finds them in the crate.
    pub fn rust_text(&self) -> String {
        if self.is_operation() {
            let f = value_name(&self.rust_name);
            format!("`{}` / `Client::{f}`", type_name(&f))
        } else {
            format!("`{}`", self.rust_name)
        }
    }
}

/// An extraction, not yet written.
pub struct Extracted {
    /// The extracted spec as a JSON value.
    pub document: Value,
    /// The extracted spec as written: sorted keys, one YAML style.
    pub yaml: String,
    /// Every pin and what it named in this spec.
    pub pins: Vec<PinOutcome>,
    /// Pins that matched nothing, and the like.
    pub warnings: Vec<Diagnostic>,
}

/// The SHA-256 of a file's bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a spec (YAML or JSON) as an untyped document.
pub fn read_document(path: &Path) -> Result<(Value, Vec<u8>), Diagnostic> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| cannot_read(&file, "spec", e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Diagnostic::error(
            Code::Syntax,
            Location::new(&file, ""),
            format!("the spec is not UTF-8: {e}"),
        )
    })?;
    let doc = parse_document(&file, text)?;
    Ok((doc, bytes))
}

/// Parses spec text into an untyped document; `file` is for locations.
pub fn parse_document(file: &str, text: &str) -> Result<Value, Diagnostic> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut loc = Location::new(file, "");
        if let Some(l) = e.location() {
            loc.line = Some((l.line(), l.column()));
        }
        Diagnostic::error(Code::Syntax, loc, format!("cannot parse the spec: {e}"))
    })?;
    let doc = serde_json::to_value(yaml).map_err(|e| {
        Diagnostic::error(
            Code::Shape,
            Location::new(file, ""),
            format!("the spec is not a JSON-compatible document: {e}"),
        )
    })?;
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(doc),
        Some(v) => Err(Diagnostic::error(
            Code::Version,
            Location::new(file, "#/openapi"),
            format!("unsupported OpenAPI version `{v}`; only 3.0.x is supported"),
        )),
        None => Err(Diagnostic::error(
            Code::Version,
            Location::new(file, ""),
            "the document has no `openapi: 3.0.x` field",
        )),
    }
}

/// Cuts the selection out of `doc`, pins the names, and renders it.
/// `previous` is the last extraction, for reporting renames since then.
pub fn extract(
    file: &str,
    doc: &Value,
    config: &ExtractConfig,
    previous: Option<&Value>,
) -> Result<Extracted, Failure> {
    let ops = select(file, doc, &config.select)?;
    let mut document = cut(doc, &ops);
    prune_extensions(&mut document, &config.drop_extensions, false);
    let mut warnings = Vec::new();
    let pins = pin(file, &mut document, config, previous, &mut warnings)?;
    let yaml = to_yaml(&document).map_err(|e| {
        Failure::single(Diagnostic::error(
            Code::Shape,
            Location::new(file, ""),
            format!("cannot render the extracted spec: {e}"),
        ))
    })?;
    Ok(Extracted {
        document,
        yaml,
        pins,
        warnings,
    })
}

// ----- selection ------------------------------------------------------------

/// `(path, method)` of each selected operation, in path then method order.
fn select(
    file: &str,
    doc: &Value,
    selection: &Selection,
) -> Result<Vec<(String, &'static str)>, Failure> {
    let mut all = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|o| o.is_object()) {
                    all.push((path.clone(), method, op));
                }
            }
        }
    }
    all.sort_by(|a, b| (&a.0, method_rank(a.1)).cmp(&(&b.0, method_rank(b.1))));
    let key = |path: &str, method: &str| format!("{} {path}", method.to_uppercase());
    let loc = Location::new(file, "#/paths");
    let mut errors = Vec::new();
    let ids: Vec<&str> = all
        .iter()
        .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str))
        .collect();
    for wanted in &selection.operation_ids {
        if !ids.contains(&wanted.as_str()) {
            errors.push(not_found("operationId", wanted, &ids, &loc));
        }
    }
    let tags: BTreeSet<&str> = all
        .iter()
        .flat_map(|(_, _, op)| strings(op.get("tags")))
        .collect();
    let tag_list: Vec<&str> = tags.iter().copied().collect();
    for wanted in &selection.tags {
        if !tags.contains(wanted.as_str()) {
            errors.push(not_found("tag", wanted, &tag_list, &loc));
        }
    }
    let keys: Vec<String> = all.iter().map(|(p, m, _)| key(p, m)).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    for wanted in &selection.paths {
        if !key_refs.iter().any(|k| k.eq_ignore_ascii_case(wanted)) {
            errors.push(not_found(
                "operation (method and path)",
                wanted,
                &key_refs,
                &loc,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Failure {
            diagnostics: errors,
        });
    }
    Ok(all
        .iter()
        .filter(|(p, m, op)| {
            selection.is_everything()
                || op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .is_some_and(|id| selection.operation_ids.iter().any(|w| w == id))
                || strings(op.get("tags")).any(|t| selection.tags.iter().any(|w| w == t))
                || selection
                    .paths
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(&key(p, m)))
        })
        .map(|(p, m, _)| (p.clone(), *m))
        .collect())
}

fn method_rank(m: &str) -> usize {
    METHODS
        .iter()
        .position(|x| *x == m)
        .unwrap_or(METHODS.len())
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn not_found(what: &str, wanted: &str, candidates: &[&str], loc: &Location) -> Diagnostic {
    let d = Diagnostic::error(
        Code::Selection,
        loc.clone(),
        format!("the selection names {what} `{wanted}`, which the spec does not have"),
    );
    suggest(d, "the closest names in the spec", wanted, candidates)
}

// ----- the cut --------------------------------------------------------------

/// The document holding only the selected operations and what they reach.
fn cut(doc: &Value, ops: &[(String, &'static str)]) -> Value {
    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security", "externalDocs"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    // Top-level extensions travel too (pruned later like every other).
    if let Some(obj) = doc.as_object() {
        for (k, v) in obj.iter().filter(|(k, _)| k.starts_with("x-")) {
            out.insert(k.clone(), v.clone());
        }
    }
    let mut paths = Map::new();
    let mut used_tags = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    let mut schemes: BTreeSet<String> = BTreeSet::new();
    collect_security(doc.get("security"), &mut schemes);
    for (path, method) in ops {
        let Some(item) = doc
            .get("paths")
            .and_then(|p| p.get(path.as_str()))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let entry = paths.entry(path.clone()).or_insert_with(|| {
            // The path item's own fields (shared parameters, summary), no other methods.
            Value::Object(
                item.iter()
                    .filter(|(k, _)| !METHODS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        });
        let Some(op) = item.get(*method) else {
            continue;
        };
        if let Some(e) = entry.as_object_mut() {
            e.insert((*method).to_owned(), op.clone());
        }
        refs_in(op, &mut pending);
        if let Some(shared) = item.get("parameters") {
            refs_in(shared, &mut pending);
        }
        collect_security(op.get("security"), &mut schemes);
        used_tags.extend(strings(op.get("tags")).map(str::to_owned));
    }
    out.insert("paths".to_owned(), Value::Object(paths));
    if let Some(tags) = doc.get("tags").and_then(Value::as_array) {
        let kept: Vec<Value> = tags
            .iter()
            .filter(|t| {
                t.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| used_tags.contains(n))
            })
            .cloned()
            .collect();
        if !kept.is_empty() {
            out.insert("tags".to_owned(), Value::Array(kept));
        }
    }
    // The closure: every component a kept construct references, transitively.
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        let Some((section, name)) = component_of_ref(&reference) else {
            continue;
        };
        if !seen.insert((section.clone(), name.clone())) {
            continue;
        }
        if let Some(target) = doc
            .get("components")
            .and_then(|c| c.get(section.as_str()))
            .and_then(|s| s.get(name.as_str()))
        {
            refs_in(target, &mut pending);
            components
                .entry(section)
                .or_default()
                .insert(name, target.clone());
        }
    }
    for scheme in schemes {
        if let Some(target) = doc
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
            .and_then(|s| s.get(scheme.as_str()))
        {
            components
                .entry("securitySchemes".to_owned())
                .or_default()
                .insert(scheme, target.clone());
        }
    }
    if !components.is_empty() {
        out.insert(
            "components".to_owned(),
            Value::Object(
                components
                    .into_iter()
                    .map(|(k, v)| (k, Value::Object(v)))
                    .collect(),
            ),
        );
    }
    Value::Object(out)
}

fn collect_security(requirements: Option<&Value>, out: &mut BTreeSet<String>) {
    for req in requirements.and_then(Value::as_array).into_iter().flatten() {
        if let Some(obj) = req.as_object() {
            out.extend(obj.keys().cloned());
        }
    }
}

/// Every local reference in a value: `$ref`s and discriminator mappings.
fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(obj) => {
            for (k, child) in obj {
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    ("discriminator", Value::Object(d)) => {
                        for target in d
                            .get("mapping")
                            .and_then(Value::as_object)
                            .into_iter()
                            .flat_map(|m| m.values())
                        {
                            if let Some(r) = target.as_str() {
                                out.push(r.to_owned());
                            }
                        }
                    }
                    // Examples are data: a `$ref` key there is not a reference.
                    ("example" | "default" | "enum", _) => {}
                    _ => refs_in(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs_in(i, out)),
        _ => {}
    }
}

/// `#/components/schemas/Foo/properties/x` -> (`schemas`, `Foo`).
fn component_of_ref(reference: &str) -> Option<(String, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let mut parts = rest.split('/');
    let section = parts.next()?;
    let name = parts.next()?;
    Some((section.to_owned(), unescape_pointer_token(name)))
}

/// Keys of these objects are names (of properties, paths, media types,
/// headers), not OpenAPI fields, so an `x-` there is not an extension.
const NAMED_MAPS: &[&str] = &[
    "properties",
    "paths",
    "responses",
    "content",
    "headers",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "examples",
    "links",
    "callbacks",
    "encoding",
    "mapping",
    "scopes",
    "variables",
];
/// Values that are data, left untouched.
const DATA: &[&str] = &["example", "default", "enum", "value", "const"];

fn prune_extensions(v: &mut Value, patterns: &[String], names: bool) {
    match v {
        Value::Object(obj) => {
            if !names {
                obj.retain(|k, _| !(k.starts_with("x-") && patterns.iter().any(|p| glob(p, k))));
            }
            for (k, child) in obj.iter_mut() {
                if names {
                    prune_extensions(child, patterns, false);
                } else if DATA.contains(&k.as_str()) {
                    continue;
                } else {
                    // `parameters` is a list in operations and a map in components;
                    // a list's items are objects either way.
                    prune_extensions(
                        child,
                        patterns,
                        NAMED_MAPS.contains(&k.as_str()) && child.is_object(),
                    );
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| prune_extensions(i, patterns, false)),
        _ => {}
    }
}

/// `x-xgen-*` style globs: one trailing `*`, else an exact name.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// Sorted keys, serde_yaml's one style: the same document gives the same bytes.
pub fn to_yaml(doc: &Value) -> Result<String, String> {
    serde_yaml::to_string(&sorted_yaml(doc)).map_err(|e| e.to_string())
}

fn sorted_yaml(v: &Value) -> serde_yaml::Value {
    match v {
        Value::Null => serde_yaml::Value::Null,
        Value::Bool(b) => serde_yaml::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_yaml::Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                serde_yaml::Value::Number(u.into())
            } else {
                serde_yaml::Value::Number(n.as_f64().unwrap_or(0.0).into())
            }
        }
        Value::String(s) => serde_yaml::Value::String(s.clone()),
        Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(sorted_yaml).collect()),
        Value::Object(obj) => {
            let mut keys: Vec<&String> = obj.keys().collect();
            keys.sort();
            let mut m = serde_yaml::Mapping::new();
            for k in keys {
                if let Some(child) = obj.get(k) {
                    m.insert(serde_yaml::Value::String(k.clone()), sorted_yaml(child));
                }
            }
            serde_yaml::Value::Mapping(m)
        }
    }
}

// ----- pins -----------------------------------------------------------------

/// Where a pinned schema starts, within its operation.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Anchor {
    Response(String),
    RequestBody,
    Param(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Property(String),
    Items,
    Values,
}

/// Parses `response 200 .delivery.hashes[]`.
fn parse_position(text: &str) -> Result<(Anchor, Vec<Step>), String> {
    let mut words = text.split_whitespace();
    let anchor = match (words.next(), words.next()) {
        (Some("response"), Some(status)) => Anchor::Response(status.to_owned()),
        (Some("request"), Some("body")) => Anchor::RequestBody,
        (Some("param"), Some(name)) => Anchor::Param(name.to_owned()),
        _ => {
            return Err(
                "a position starts with `response STATUS`, `request body` or `param NAME`"
                    .to_owned(),
            )
        }
    };
    let rest: String = words.collect::<Vec<_>>().join("");
    let mut steps = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' || n == '{' {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                if name.is_empty() {
                    return Err("`.` must be followed by a property name".to_owned());
                }
                steps.push(Step::Property(name));
            }
            '[' if chars.next() == Some(']') => steps.push(Step::Items),
            '{' if chars.next() == Some('}') => steps.push(Step::Values),
            other => return Err(format!("unexpected `{other}`: steps are `.name`, `[]` (array items) and `{{}}` (map values)")),
        }
    }
    Ok((anchor, steps))
}

fn ptr_get<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    doc.pointer(pointer.strip_prefix('#').unwrap_or(pointer))
}

/// Follows `$ref` chains from `pointer`, returning the pointer of the target.
fn follow(doc: &Value, pointer: &str) -> Option<String> {
    let mut at = pointer.to_owned();
    for _ in 0..64 {
        let v = ptr_get(doc, &at)?;
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => at = r.to_owned(),
            Some(_) => return None,
            None => return Some(at),
        }
    }
    None
}

/// The schema the generator lowers for the schema at `pointer`: `$ref`s
/// followed, and an `allOf` of one member with nothing beside it (an alias).
fn schema_target(doc: &Value, pointer: &str) -> Option<String> {
    let mut at = follow(doc, pointer)?;
    for _ in 0..64 {
        let s = ptr_get(doc, &at)?;
        let members = s.get("allOf").and_then(Value::as_array);
        let alias = members.is_some_and(|m| m.len() == 1)
            && s.get("properties").is_none()
            && s.get("discriminator").is_none();
        if !alias {
            return Some(at);
        }
        at = follow(doc, &format!("{at}/allOf/0"))?;
    }
    None
}

/// The newest JSON media type's schema under `content` at `pointer`.
fn content_schema(doc: &Value, pointer: &str) -> Option<String> {
    let content = ptr_get(doc, &format!("{pointer}/content"))?.as_object()?;
    let mut media: Vec<&String> = content
        .keys()
        .filter(|m| {
            m.contains("json") && content.get(*m).is_some_and(|c| c.get("schema").is_some())
        })
        .collect();
    media.sort();
    let newest = media.last()?;
    Some(format!(
        "{pointer}/content/{}/schema",
        pointer_token(newest)
    ))
}

fn resolve_step(doc: &Value, schema: &str, step: &Step) -> Option<String> {
    match step {
        Step::Items => schema_target(doc, &format!("{schema}/items")),
        Step::Values => schema_target(doc, &format!("{schema}/additionalProperties")),
        Step::Property(name) => property(doc, schema, name, 0),
    }
}

/// A property, looked up in the schema and the `allOf` members it merges.
fn property(doc: &Value, schema: &str, name: &str, depth: usize) -> Option<String> {
    let s = ptr_get(doc, schema)?;
    if s.get("properties").and_then(|p| p.get(name)).is_some() {
        return schema_target(doc, &format!("{schema}/properties/{}", pointer_token(name)));
    }
    if depth > 16 {
        return None;
    }
    let count = s
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    (0..count).find_map(|i| {
        follow(doc, &format!("{schema}/allOf/{i}")).and_then(|m| property(doc, &m, name, depth + 1))
    })
}

/// The pointer of the operation `METHOD path` in `doc`.
fn operation_pointer(doc: &Value, key: &str) -> Option<String> {
    let (method, path) = key.trim().split_once(' ')?;
    let method = method.to_ascii_lowercase();
    let pointer = format!("#/paths/{}/{method}", pointer_token(path.trim()));
    ptr_get(doc, &pointer)
        .filter(|v| v.is_object())
        .map(|_| pointer)
}

/// Resolves a position within the operation at `op` to a schema pointer.
fn resolve_position(doc: &Value, op: &str, anchor: &Anchor, steps: &[Step]) -> Option<String> {
    let start = match anchor {
        Anchor::Response(status) => {
            let response = follow(doc, &format!("{op}/responses/{}", pointer_token(status)))?;
            schema_target(doc, &content_schema(doc, &response)?)?
        }
        Anchor::RequestBody => {
            let body = follow(doc, &format!("{op}/requestBody"))?;
            schema_target(doc, &content_schema(doc, &body)?)?
        }
        Anchor::Param(name) => {
            // The operation's own parameters, then the path item's shared ones.
            let item = op.rsplit_once('/').map(|(i, _)| i.to_owned())?;
            [format!("{op}/parameters"), format!("{item}/parameters")]
                .iter()
                .find_map(|list| {
                    let count = ptr_get(doc, list)?.as_array()?.len();
                    (0..count).find_map(|i| {
                        let p = follow(doc, &format!("{list}/{i}"))?;
                        (ptr_get(doc, &p)?.get("name")?.as_str()? == name).then_some(p)
                    })
                })
                .and_then(|p| schema_target(doc, &format!("{p}/schema")))?
        }
    };
    steps
        .iter()
        .try_fold(start, |at, step| resolve_step(doc, &at, step))
}

/// The name a pointer gives a schema: its component name, if it is one.
fn component_name(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/components/schemas/")?;
    (!rest.contains('/')).then(|| unescape_pointer_token(rest))
}

fn published_at(doc: &Value, op_key: &str, position: Option<&str>) -> Option<String> {
    let op = operation_pointer(doc, op_key)?;
    match position {
        None => ptr_get(doc, &op)?
            .get("operationId")?
            .as_str()
            .map(str::to_owned),
        Some(p) => {
            let (anchor, steps) = parse_position(p).ok()?;
            component_name(&resolve_position(doc, &op, &anchor, &steps)?)
        }
    }
}

fn pin(
    file: &str,
    doc: &mut Value,
    config: &ExtractConfig,
    previous: Option<&Value>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<PinOutcome>, Failure> {
    let mut outcomes = Vec::new();
    let mut errors = Vec::new();
    // Pointer -> (position, name), so two pins meeting on one schema must agree.
    let mut claimed: BTreeMap<String, (String, String)> = BTreeMap::new();
    for op_pins in &config.operations {
        let Some(op) = operation_pointer(doc, &op_pins.key) else {
            warnings.push(Diagnostic::warning(
                Code::Selection,
                Location::new(file, "#/paths"),
                format!(
                    "names are pinned for `{}`, which the extracted spec does not have",
                    op_pins.key
                ),
            ));
            continue;
        };
        if let Some(rust_name) = &op_pins.rust_name {
            let published = ptr_get(doc, &op)
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let previously = previous
                .and_then(|p| published_at(p, &op_pins.key, None))
                .filter(|p| Some(p) != published.as_ref());
            if let Some(obj) = doc
                .pointer_mut(op.trim_start_matches('#'))
                .and_then(Value::as_object_mut)
            {
                pin_rust_name(obj, rust_name);
            }
            outcomes.push(PinOutcome {
                operation: op_pins.key.clone(),
                position: None,
                derived: published.as_deref().map(value_name),
                published,
                rust_name: rust_name.clone(),
                previously,
                pointer: op.clone(),
            });
        }
        for (position, rust_name) in &op_pins.schemas {
            let full = format!("{} {position}", op_pins.key);
            let (anchor, steps) = match parse_position(position) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(Diagnostic::error(
                        Code::Config,
                        Location::new(file, ""),
                        format!("pin `{full}`: {e}"),
                    ));
                    continue;
                }
            };
            let Some(target) = resolve_position(doc, &op, &anchor, &steps) else {
                warnings.push(Diagnostic::warning(
                    Code::Selection,
                    Location::new(file, &op),
                    format!("pin `{full}` = `{rust_name}` matches nothing in this spec"),
                ));
                continue;
            };
            if let Some((other, name)) = claimed.get(&target) {
                if name != rust_name {
                    errors.push(Diagnostic::error(Code::Naming, Location::new(file, &target), format!("pins `{other}` = `{name}` and `{full}` = `{rust_name}` name the same schema")));
                }
                continue;
            }
            claimed.insert(target.clone(), (full.clone(), rust_name.clone()));
            let published = component_name(&target);
            let previously = previous
                .and_then(|p| published_at(p, &op_pins.key, Some(position)))
                .filter(|p| Some(p) != published.as_ref());
            if let Some(obj) = doc
                .pointer_mut(target.trim_start_matches('#'))
                .and_then(Value::as_object_mut)
            {
                pin_rust_name(obj, rust_name);
            }
            outcomes.push(PinOutcome {
                operation: op_pins.key.clone(),
                position: Some(position.clone()),
                derived: published.as_deref().map(type_name),
                published,
                rust_name: rust_name.clone(),
                previously,
                pointer: target,
            });
        }
    }
    if errors.is_empty() {
        Ok(outcomes)
    } else {
        Err(Failure {
            diagnostics: errors,
        })
    }
}

// ----- reports and the pin record --------------------------------------------

/// The pins as a Markdown section: every pinned name, the renames absorbed.
pub fn pins_markdown(pins: &[PinOutcome], warnings: &[Diagnostic]) -> String {
    let mut out = String::from("### Pinned Rust names\n\n");
    let absorbed: Vec<&PinOutcome> = pins.iter().filter(|p| p.absorbs_rename()).collect();
    if absorbed.is_empty() {
        out.push_str("No published name differs from its pinned Rust name.\n\n");
    } else {
        out.push_str("Published names the pins keep out of the Rust API:\n\n");
        for p in &absorbed {
            let what = if p.is_operation() {
                "operationId"
            } else {
                "schema"
            };
            let published = p.published.as_deref().unwrap_or("(inline)");
            let at = p
                .position
                .as_deref()
                .map(|r| format!(" at `{r}`"))
                .unwrap_or_default();
            match &p.previously {
                Some(before) => out.push_str(&format!("- {what} `{before}` → `{published}` upstream since the previous extraction{at}: Rust {} stays\n", p.rust_text())),
                None => out.push_str(&format!("- {what} `{published}`{at} would be `{}` in Rust; pinned as {}\n", p.derived.as_deref().unwrap_or("?"), p.rust_text())),
            }
        }
        out.push('\n');
    }
    let mut operations: Vec<&str> = pins.iter().map(|p| p.operation.as_str()).collect();
    operations.dedup();
    for op in operations {
        out.push_str(&format!(
            "`{op}`:\n\n| position | published name | Rust name |\n| --- | --- | --- |\n"
        ));
        for p in pins.iter().filter(|p| p.operation == op) {
            let position = p
                .position
                .as_deref()
                .map(|r| format!("`{r}`"))
                .unwrap_or_else(|| "the operation".to_owned());
            let published = p
                .published
                .as_deref()
                .map(|n| format!("`{n}`"))
                .unwrap_or_else(|| "(inline)".to_owned());
            out.push_str(&format!(
                "| {position} | {published} | {} |\n",
                p.rust_text()
            ));
        }
        out.push('\n');
    }
    if !warnings.is_empty() {
        out.push_str("Warnings:\n\n");
        for w in warnings {
            out.push_str(&format!("- {}\n", w.message));
        }
    }
    out
}

/// The published spec `spec/` was cut from (`spec/PINNED.toml`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PinRecord {
    /// The published spec's date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// SHA-256 of the published file's bytes; empty while nothing is pinned.
    #[serde(default)]
    pub sha256: String,
    /// Where it was published.
    #[serde(default)]
    pub url: String,
    /// What `spec/` is when nothing is pinned.
    #[serde(default)]
    pub note: String,
}

impl PinRecord {
    /// Reads a record (`PINNED.toml`).
    pub fn load(path: &Path) -> Result<PinRecord, Diagnostic> {
        read_toml(path, "pinned spec record").map(|(record, _)| record)
    }

    /// Whether a published spec is pinned (the record has its hash).
    pub fn is_pinned(&self) -> bool {
        !self.sha256.is_empty()
    }

    /// One line for the generated crate's docs.
    pub fn describe(&self) -> String {
        if self.is_pinned() {
            format!(
                "Generated from the Atlas Administration API spec published {} (sha256 `{}`).",
                self.date, self.sha256
            )
        } else if self.note.is_empty() {
            "No published spec is pinned.".to_owned()
        } else {
            self.note.clone()
        }
    }

    /// The record as the TOML file `atlasgen extract` writes, with its header.
    pub fn to_toml(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::from("# The published spec spec/ was extracted from. Written by `atlasgen extract`;\n# `atlasgen check --pinned FILE` verifies FILE and spec/ against it.\n");
        out.push_str(&format!(
            "date = {}\nsha256 = {}\nurl = {}\n",
            q(&self.date),
            q(&self.sha256),
            q(&self.url)
        ));
        if !self.note.is_empty() {
            out.push_str(&format!("note = {}\n", q(&self.note)));
        }
        out
    }
}

/// A `YYYY-MM-DD` in a file name (`atlas-api-2025-06-30.yaml`).
pub fn date_in_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = name.get(i..i + 10)?;
        let ok = s.bytes().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        ok.then(|| s.to_owned())
    })
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads the previous extraction at `path`, if there is a readable one.
pub fn previous_extraction(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    parse_document(&path.display().to_string(), &text).ok()
}

/// Whether `pointer` (`#/components/...`) names something in `doc`.
pub fn has_pointer(doc: &Value, pointer: &str) -> bool {
    ptr_get(doc, pointer).is_some()
}

/// Whether `pointer` names a property of a schema by the schema's pinned Rust
/// name (`x-rust-name`), as a `secrets` key may: `#/components/schemas/<Rust
/// name>/properties/<property>`.
fn names_by_rust_name(doc: &Value, pointer: &str) -> bool {
    let Some(rest) = pointer.strip_prefix("#/components/schemas/") else {
        return false;
    };
    let Some((rust, property)) = rest.split_once("/properties/") else {
        return false;
    };
    let schemas = ptr_get(doc, "#/components/schemas");
    schemas.and_then(Value::as_object).is_some_and(|m| {
        m.values().any(|schema| {
            schema.get(RUST_NAME).and_then(Value::as_str) == Some(rust)
                && schema
                    .get("properties")
                    .and_then(|p| p.get(property))
                    .is_some()
        })
    })
}

/// Keys of the generator config (`[names]` pointers, `secrets`) that name
/// nothing in the extracted spec: pins an upstream rename left behind.
pub fn stale_config_keys(doc: &Value, config: &crate::Config, file: &str) -> Vec<Diagnostic> {
    let names = config
        .names
        .keys()
        .filter(|k| k.starts_with("#/"))
        .map(|k| ("[names]", k));
    let secrets = config.secrets.iter().map(|k| ("secrets", k));
    names
        .chain(secrets)
        .filter(|(what, k)| {
            let by_rust_name = *what == "secrets" && names_by_rust_name(doc, k);
            !(has_pointer(doc, k) || by_rust_name)
        })
        .map(|(what, k)| {
            Diagnostic::warning(
                Code::Config,
                Location::new(file, ""),
                format!(
                    "{what} key `{k}` names nothing in the extracted spec; it no longer applies"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_named_by_the_pinned_rust_name_survives_an_upstream_schema_rename() {
        let doc = serde_json::json!({"components": {"schemas": {
            "ApiRestoreJobDeliveryView": {
                "x-rust-name": "BackupRestoreJobDelivery",
                "properties": {"url": {"type": "string"}}
            }
        }}});
        let config = crate::Config {
            secrets: vec![
                "#/components/schemas/BackupRestoreJobDelivery/properties/url".to_owned(),
                "#/components/schemas/BackupRestoreJobDelivery/properties/gone".to_owned(),
            ],
            ..crate::Config::default()
        };
        let stale = stale_config_keys(&doc, &config, "atlasgen.toml");
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert!(stale[0].message.contains("properties/gone"), "{stale:?}");
    }

    #[test]
    fn positions_parse_into_an_anchor_and_steps() {
        let (a, s) = parse_position("response 200 .hashes[].typeName")
            .unwrap_or((Anchor::RequestBody, vec![]));
        assert_eq!(a, Anchor::Response("200".to_owned()));
        assert_eq!(
            s,
            vec![
                Step::Property("hashes".to_owned()),
                Step::Items,
                Step::Property("typeName".to_owned())
            ]
        );
        assert!(parse_position("responses 200").is_err());
        assert!(parse_position("response 200 delivery").is_err());
    }

    #[test]
    fn dates_come_from_file_names() {
        assert_eq!(
            date_in_name(Path::new("../x/atlas-api-2025-06-30.yaml")).as_deref(),
            Some("2025-06-30")
        );
        assert_eq!(date_in_name(Path::new("atlas-api.yaml")), None);
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn extension_globs_match_prefixes_or_exact_names() {
        assert!(glob("x-xgen-*", "x-xgen-version"));
        assert!(!glob("x-xgen-*", "x-rust-name"));
        assert!(glob("x-codeSamples", "x-codeSamples"));
    }

    #[test]
    fn property_names_that_look_like_extensions_are_kept() {
        let mut v = serde_json::json!({"x-xgen-a": 1, "properties": {"x-xgen-b": {"type": "string", "x-xgen-c": 2}}, "example": {"x-xgen-d": 3}});
        prune_extensions(&mut v, &["x-xgen-*".to_owned()], false);
        assert_eq!(
            v,
            serde_json::json!({"properties": {"x-xgen-b": {"type": "string"}}, "example": {"x-xgen-d": 3}})
        );
    }
}
