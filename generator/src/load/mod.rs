//! Load: read a spec file (YAML or JSON) into openapiv3 types.
//!
//! The version is sniffed from the text before the full parse, so a Swagger
//! 2.0 or OpenAPI 3.1 document gets a clear error instead of a confusing
//! shape error deep inside it.

use std::path::Path;
use std::sync::OnceLock;

use openapiv3::OpenAPI;

use crate::diag::{cannot_read, Code, Diagnostic, Location};
use crate::position::{
    indent_column, line_col, lines_with_offsets, pointer_token, LineTable, PointerIndex,
};

mod numbers;

/// A loaded spec: the parsed document plus what is needed to point into it.
pub struct Spec {
    /// The file, as given (for locations).
    pub file: String,
    /// The whole text, for excerpts and the pointer index.
    pub text: String,
    /// YAML or JSON.
    pub format: Format,
    /// The parsed document.
    pub api: OpenAPI,
    /// Objects with a `$ref` beside other keys (which OpenAPI 3.0 ignores):
    /// their pointers and the ignored keys.
    pub ref_siblings: Vec<(String, Vec<String>)>,
    /// What loading worked around (numbers out of range), located.
    pub warnings: Vec<Diagnostic>,
    /// Pointer -> line, and where each line starts (so a line is found
    /// without rescanning the text for every diagnostic).
    lines: OnceLock<(PointerIndex, LineTable)>,
}

/// The syntax a spec is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML (block style, as specs are published).
    Yaml,
    /// JSON.
    Json,
}

impl Spec {
    /// A location for a JSON pointer, with its line when the index finds it.
    pub fn locate(&self, pointer: &str) -> Location {
        let mut loc = Location::new(&self.file, pointer);
        let (index, lines) = self.lines.get_or_init(|| {
            (
                PointerIndex::of(&self.text, self.format == Format::Json),
                LineTable::new(&self.text),
            )
        });
        loc.line = index.locate(&self.text, lines, pointer);
        loc
    }
}

/// Reads and parses a spec file.
pub fn load_file(path: &Path) -> Result<Spec, Diagnostic> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| cannot_read(&file, "spec", e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            Code::Syntax,
            Location::new(&file, ""),
            format!("the spec is not UTF-8: {e}"),
        )
    })?;
    load_str(&file, text)
}

/// Parses spec text; `file` is only used in locations.
pub fn load_str(file: &str, text: String) -> Result<Spec, Diagnostic> {
    let format = if file.ends_with(".json") || text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    };
    check_version(file, &text, format)?;
    let mut value = parse_value(file, &text, format)?;
    let mut settled = Vec::new();
    numbers::settle(&mut value, &mut String::from("#"), &mut settled);
    let mut walk = Walk::default();
    walk.doc(&value, &mut String::from("#"));
    walk.check(file, &text)?;
    let ref_siblings = std::mem::take(&mut walk.ref_siblings);
    drop(walk);
    // Reading the tree is as fast as reading the text; the text is read
    // again only when the tree does not fit, for the error's line.
    if let Ok(api) = serde_yaml::from_value::<OpenAPI>(value) {
        let mut spec = Spec {
            file: file.to_owned(),
            text,
            format,
            api,
            ref_siblings,
            warnings: Vec::new(),
            lines: OnceLock::new(),
        };
        spec.warnings = numbers::warnings(settled, |p| spec.locate(p));
        return Ok(spec);
    }
    let parsed = match format {
        Format::Json => serde_json::from_str::<OpenAPI>(&text).map_err(|e| {
            let mut loc = Location::new(file, "");
            loc.line = Some((e.line(), e.column()));
            let code = if e.is_syntax() || e.is_eof() {
                Code::Syntax
            } else {
                Code::Shape
            };
            Diagnostic::error(
                code,
                loc,
                format!("cannot parse the spec as OpenAPI 3.0 JSON: {e}"),
            )
        }),
        Format::Yaml => serde_yaml::from_str::<OpenAPI>(&text).map_err(|e| {
            let mut loc = Location::new(file, "");
            if let Some(l) = e.location() {
                loc.line = Some((l.line(), l.column()));
            }
            // serde_yaml reports syntax and shape errors alike; its message says which.
            let msg = e.to_string();
            let code = if msg.contains("did not find expected")
                || msg.contains("mapping values are not allowed")
                || msg.contains("found character")
                || msg.contains("while scanning")
                || msg.contains("while parsing")
            {
                Code::Syntax
            } else {
                Code::Shape
            };
            Diagnostic::error(
                code,
                loc,
                format!("cannot parse the spec as OpenAPI 3.0 YAML: {msg}"),
            )
        }),
    }?;
    let mut spec = Spec {
        file: file.to_owned(),
        text,
        format,
        api: parsed,
        ref_siblings,
        warnings: Vec::new(),
        lines: OnceLock::new(),
    };
    spec.warnings = numbers::warnings(settled, |p| spec.locate(p));
    Ok(spec)
}

/// Inline schemas nested deeper than this are refused (the published Atlas
/// specs nest 5 deep).
pub const MAX_SCHEMA_NESTING: usize = 32;

/// From this depth on, schemas are read one by one, innermost first, before
/// the whole document: openapiv3's parser retries alternatives level by
/// level, so an error deep in a nested schema would otherwise take time
/// exponential in the depth to report.
const INNERMOST_FIRST_FROM: usize = 6;

/// The document as an untyped tree: syntax errors, located.
fn parse_value(file: &str, text: &str, format: Format) -> Result<serde_yaml::Value, Diagnostic> {
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            let mut loc = Location::new(file, "");
            loc.line = Some((e.line(), e.column()));
            Diagnostic::error(
                Code::Syntax,
                loc,
                format!("cannot parse the spec as JSON: {e}"),
            )
        }),
        // Read loosely: an integer beyond 64 bits is marked, not an error.
        Format::Yaml => serde_yaml::from_str::<numbers::Loose>(text)
            .map(|loose| loose.0)
            .map_err(|e| {
                let mut loc = Location::new(file, "");
                loc.line = e.location().map(|l| (l.line(), l.column()));
                Diagnostic::error(
                    Code::Syntax,
                    loc,
                    format!("cannot parse the spec as YAML: {e}"),
                )
            }),
    }
}

/// One pass over the untyped tree: schema nesting and `$ref` siblings.
#[derive(Default)]
struct Walk<'v> {
    /// Every schema object: pointer, nesting depth, the node.
    schemas: Vec<(String, usize, &'v serde_yaml::Value)>,
    ref_siblings: Vec<(String, Vec<String>)>,
}

fn key_text(k: &serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

impl<'v> Walk<'v> {
    fn note_ref(&mut self, m: &serde_yaml::Mapping, pointer: &str) {
        if m.len() > 1 && m.contains_key("$ref") {
            let others = m.keys().map(key_text).filter(|k| k != "$ref").collect();
            self.ref_siblings.push((pointer.to_owned(), others));
        }
    }

    fn doc(&mut self, v: &'v serde_yaml::Value, pointer: &mut String) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                self.note_ref(m, pointer);
                let in_schemas = pointer == "#/components/schemas";
                for (k, child) in m {
                    let key = key_text(k);
                    // Example values are data, not spec.
                    if key == "example" || key == "value" {
                        continue;
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&pointer_token(&key));
                    if in_schemas || key == "schema" {
                        self.schema(child, pointer, 1);
                    } else {
                        self.doc(child, pointer);
                    }
                    pointer.truncate(len);
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    self.doc(child, pointer);
                    pointer.truncate(len);
                }
            }
            serde_yaml::Value::Tagged(t) => self.doc(&t.value, pointer),
            _ => {}
        }
    }

    fn schema(&mut self, v: &'v serde_yaml::Value, pointer: &mut String, depth: usize) {
        let serde_yaml::Value::Mapping(m) = v else {
            return;
        };
        self.note_ref(m, pointer);
        self.schemas.push((pointer.clone(), depth, v));
        if depth > MAX_SCHEMA_NESTING {
            return;
        }
        let child = |walk: &mut Self,
                     pointer: &mut String,
                     suffix: String,
                     value: &'v serde_yaml::Value| {
            let len = pointer.len();
            pointer.push_str(&suffix);
            walk.schema(value, pointer, depth + 1);
            pointer.truncate(len);
        };
        for (k, value) in m {
            let key = key_text(k);
            match (key.as_str(), value) {
                ("items" | "additionalProperties" | "not", _) => {
                    child(self, pointer, format!("/{key}"), value)
                }
                ("properties", serde_yaml::Value::Mapping(props)) => {
                    for (name, p) in props {
                        child(
                            self,
                            pointer,
                            format!("/properties/{}", pointer_token(&key_text(name))),
                            p,
                        );
                    }
                }
                ("allOf" | "oneOf" | "anyOf", serde_yaml::Value::Sequence(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        child(self, pointer, format!("/{key}/{i}"), item);
                    }
                }
                _ => {}
            }
        }
    }

    /// Refuses absurd nesting; in deep documents, reads each schema innermost
    /// first so an error is found (and located) in linear time.
    fn check(&self, file: &str, text: &str) -> Result<(), Diagnostic> {
        let located = |pointer: &str| {
            let mut loc = Location::new(file, pointer);
            let lines = LineTable::new(text);
            loc.line = PointerIndex::new(text)
                .line(pointer)
                .map(|l| (l, indent_column(lines.get(text, l).unwrap_or(""))));
            loc
        };
        if let Some((pointer, _, _)) = self.schemas.iter().find(|s| s.1 > MAX_SCHEMA_NESTING) {
            return Err(Diagnostic::error(
                Code::Shape,
                located(pointer),
                format!("inline schemas nested more than {MAX_SCHEMA_NESTING} deep"),
            )
            .with_help(
                "move inner schemas to `components/schemas` and refer to them with `$ref`",
            ));
        }
        if self.schemas.iter().all(|s| s.1 < INNERMOST_FIRST_FROM) {
            return Ok(());
        }
        let mut order: Vec<&(String, usize, &serde_yaml::Value)> = self.schemas.iter().collect();
        order.sort_by_key(|s| std::cmp::Reverse(s.1));
        for (pointer, _, value) in order {
            if let Err(e) = serde_yaml::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(
                (*value).clone(),
            ) {
                return Err(Diagnostic::error(
                    Code::Shape,
                    located(pointer),
                    format!("not an OpenAPI 3.0 schema: {e}"),
                ));
            }
        }
        Ok(())
    }
}

/// Finds the top-level `openapi` or `swagger` version without a full parse.
fn check_version(file: &str, text: &str, format: Format) -> Result<(), Diagnostic> {
    let mut found: Option<(&str, String, usize)> = None;
    if format == Format::Json {
        // JSON may sit on one line; read just the two version keys.
        #[derive(serde::Deserialize)]
        struct Version {
            openapi: Option<serde_json::Value>,
            swagger: Option<serde_json::Value>,
        }
        if let Ok(v) = serde_json::from_str::<Version>(text) {
            let as_text = |v: serde_json::Value| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let key_offset = |k: &str| text.find(&format!("\"{k}\"")).unwrap_or(0);
            if let Some(s) = v.swagger {
                found = Some(("swagger", as_text(s), key_offset("swagger")));
            } else if let Some(o) = v.openapi {
                found = Some(("openapi", as_text(o), key_offset("openapi")));
            }
        }
    }
    let lines = if found.is_none() {
        Some(lines_with_offsets(text))
    } else {
        None
    };
    for (offset, line) in lines.into_iter().flatten() {
        let candidate = match format {
            // Top-level keys start in column 0.
            Format::Yaml => line,
            Format::Json => line.trim_start(),
        };
        for key in ["openapi", "swagger"] {
            let rest = match format {
                Format::Yaml => candidate
                    .strip_prefix(key)
                    .or_else(|| candidate.strip_prefix(&format!("\"{key}\"") as &str))
                    .or_else(|| candidate.strip_prefix(&format!("'{key}'") as &str)),
                Format::Json => candidate.strip_prefix(&format!("\"{key}\"") as &str),
            };
            if let Some(rest) = rest {
                if let Some(value) = rest.trim_start().strip_prefix(':') {
                    let value = value
                        .trim()
                        .trim_end_matches(',')
                        .trim()
                        .trim_matches(|c| c == '"' || c == '\'');
                    found = Some((key, value.to_owned(), offset));
                    break;
                }
            }
        }
        if found.is_some() {
            break;
        }
    }
    let Some((key, version, offset)) = found else {
        return Err(Diagnostic::error(
            Code::Version,
            Location::new(file, ""),
            "the document has no top-level `openapi` field: it is not an OpenAPI 3.0 document",
        )
        .with_help("an OpenAPI 3.0 document starts with `openapi: 3.0.x`"));
    };
    let mut loc = Location::new(file, format!("#/{key}"));
    loc.line = Some(line_col(text, offset));
    if key == "swagger" {
        return Err(Diagnostic::error(Code::Version, loc, format!("this is a Swagger {version} document; only OpenAPI 3.0 is supported"))
            .with_help("convert it to OpenAPI 3.0 first (for example with the swagger2openapi tool), then generate from the result"));
    }
    if version.starts_with("3.0") {
        return Ok(());
    }
    if version.starts_with("3.1") {
        return Err(Diagnostic::error(Code::Version, loc, format!("this is an OpenAPI {version} document; only OpenAPI 3.0 is supported yet"))
            .with_help("OpenAPI 3.1 changes `nullable`, `exclusiveMinimum` and `$ref` siblings; publish or convert a 3.0 version of the spec"));
    }
    Err(Diagnostic::error(
        Code::Version,
        loc,
        format!("unsupported OpenAPI version `{version}`; only 3.0.x is supported"),
    ))
}

/// Parses YAML (or JSON, a subset of YAML) text into a JSON value, for tools
/// and tests that want to walk a spec untyped.
pub fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swagger_two_is_refused_with_advice() {
        let err = load_str("x.yaml", "swagger: '2.0'\ninfo: {}\n".to_owned())
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(err.contains("Swagger 2.0"), "{err}");
        assert!(err.contains("x.yaml:1:1"), "{err}");
    }

    #[test]
    fn openapi_three_one_is_refused_with_advice() {
        let err = load_str("x.json", "{\"openapi\": \"3.1.0\"}".to_owned())
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(err.contains("OpenAPI 3.1.0"), "{err}");
    }

    #[test]
    fn malformed_yaml_is_located() {
        let d = load_str("x.yaml", "openapi: 3.0.3\ninfo: [\n".to_owned()).err();
        assert!(
            d.as_ref().is_some_and(|d| d.location.line.is_some()),
            "{d:?}"
        );
    }
}
