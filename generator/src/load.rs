//! Load: read a spec file (YAML or JSON) into openapiv3 types.
//!
//! The version is sniffed from the text before the full parse, so a Swagger
//! 2.0 or OpenAPI 3.1 document gets a clear error instead of a confusing
//! shape error deep inside it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use openapiv3::OpenAPI;

use crate::config::line_col;
use crate::diag::{Code, Diagnostic, Location};

/// A loaded spec: the parsed document plus what is needed to point into it.
pub struct Spec {
    pub file: String,
    pub text: String,
    pub format: Format,
    pub api: OpenAPI,
    lines: OnceLock<HashMap<String, usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Spec {
    /// A location for a JSON pointer, with its line when the index finds it.
    pub fn locate(&self, pointer: &str) -> Location {
        let mut loc = Location::new(&self.file, pointer);
        let index = self.lines.get_or_init(|| match self.format {
            Format::Yaml => yaml_line_index(&self.text),
            Format::Json => json_line_index(&self.text),
        });
        // Fall back to the nearest enclosing node that the index knows.
        let mut p = pointer;
        loop {
            if let Some(line) = index.get(p) {
                let indent = self.text.lines().nth(line - 1).map(|l| l.len() - l.trim_start().len()).unwrap_or(0);
                loc.line = Some((*line, indent + 1));
                break;
            }
            match p.rfind('/') {
                Some(i) if i > 1 => p = &p[..i],
                _ => break,
            }
        }
        loc
    }
}

/// Reads and parses a spec file.
pub fn load_file(path: &Path) -> Result<Spec, Diagnostic> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(Code::Io, Location::new(&file, ""), format!("cannot read the spec: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(Code::Syntax, Location::new(&file, ""), format!("the spec is not UTF-8: {e}"))
    })?;
    load_str(&file, text)
}

/// Parses spec text; `file` is only used in locations.
pub fn load_str(file: &str, text: String) -> Result<Spec, Diagnostic> {
    let format = if file.ends_with(".json") || text.trim_start().starts_with('{') { Format::Json } else { Format::Yaml };
    check_version(file, &text, format)?;
    let parsed = match format {
        Format::Json => serde_json::from_str::<OpenAPI>(&text).map_err(|e| {
            let mut loc = Location::new(file, "");
            loc.line = Some((e.line(), e.column()));
            let code = if e.is_syntax() || e.is_eof() { Code::Syntax } else { Code::Shape };
            Diagnostic::error(code, loc, format!("cannot parse the spec as OpenAPI 3.0 JSON: {e}"))
        }),
        Format::Yaml => serde_yaml::from_str::<OpenAPI>(&text).map_err(|e| {
            let mut loc = Location::new(file, "");
            if let Some(l) = e.location() {
                loc.line = Some((l.line(), l.column()));
            }
            // serde_yaml reports syntax and shape errors alike; its message says which.
            let msg = e.to_string();
            let code = if msg.contains("did not find expected") || msg.contains("mapping values are not allowed") || msg.contains("found character") || msg.contains("while scanning") || msg.contains("while parsing") { Code::Syntax } else { Code::Shape };
            Diagnostic::error(code, loc, format!("cannot parse the spec as OpenAPI 3.0 YAML: {msg}"))
        }),
    }?;
    Ok(Spec { file: file.to_owned(), text, format, api: parsed, lines: OnceLock::new() })
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
    let lines = if found.is_none() { Some(line_offsets(text)) } else { None };
    for (offset, line) in lines.into_iter().flatten() {
        let candidate = match format {
            // Top-level keys start in column 0.
            Format::Yaml => line,
            Format::Json => line.trim_start(),
        };
        for key in ["openapi", "swagger"] {
            let rest = match format {
                Format::Yaml => candidate.strip_prefix(key).or_else(|| candidate.strip_prefix(&format!("\"{key}\"") as &str)).or_else(|| candidate.strip_prefix(&format!("'{key}'") as &str)),
                Format::Json => candidate.strip_prefix(&format!("\"{key}\"") as &str),
            };
            if let Some(rest) = rest {
                if let Some(value) = rest.trim_start().strip_prefix(':') {
                    let value = value.trim().trim_end_matches(',').trim().trim_matches(|c| c == '"' || c == '\'');
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
    Err(Diagnostic::error(Code::Version, loc, format!("unsupported OpenAPI version `{version}`; only 3.0.x is supported")))
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// Maps JSON pointers to 1-based lines for block-style YAML, the style specs
/// are published in. Best effort: flow collections and multi-line plain
/// scalars are not followed, and lookups fall back to the enclosing node.
struct Frame {
    indent: usize,
    token: String,
    /// Sequence items keep their index so the next `-` can count on.
    seq_index: Option<usize>,
}

fn pointer_of(stack: &[Frame]) -> String {
    let mut p = String::from("#");
    for f in stack {
        p.push('/');
        p.push_str(&crate::diag::pointer_token(&f.token));
    }
    p
}

pub fn yaml_line_index(text: &str) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut block_scalar_indent: Option<usize> = None;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = raw.trim_start();
        let indent = raw.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(bi) = block_scalar_indent {
            if indent > bi {
                continue;
            }
            block_scalar_indent = None;
        }
        if trimmed == "---" || trimmed == "..." {
            continue;
        }
        let mut indent = indent;
        let mut content = trimmed;
        // A sequence item, possibly with a mapping starting on the same line.
        while let Some(rest) = content.strip_prefix("- ").or_else(|| if content == "-" { Some("") } else { None }) {
            while stack.last().is_some_and(|f| f.indent > indent || (f.indent == indent && f.seq_index.is_none())) {
                stack.pop();
            }
            let next = match stack.last() {
                Some(f) if f.indent == indent && f.seq_index.is_some() => {
                    let i = f.seq_index.unwrap_or(0) + 1;
                    stack.pop();
                    i
                }
                _ => 0,
            };
            stack.push(Frame { indent, token: next.to_string(), seq_index: Some(next) });
            index.insert(pointer_of(&stack), line_no);
            let consumed = content.len() - rest.len();
            indent += consumed + (rest.len() - rest.trim_start().len());
            content = rest.trim_start();
        }
        if content.is_empty() {
            continue;
        }
        if let Some((key, value)) = split_key(content) {
            while stack.last().is_some_and(|f| f.indent >= indent) {
                stack.pop();
            }
            stack.push(Frame { indent, token: key, seq_index: None });
            index.insert(pointer_of(&stack), line_no);
            let v = value.trim();
            if v.starts_with('|') || v.starts_with('>') {
                block_scalar_indent = Some(indent);
            }
        }
    }
    index
}

/// Splits `key: value` (or `key:`) honouring quoted keys.
fn split_key(content: &str) -> Option<(String, &str)> {
    if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(q)? + 1;
        let key = content[1..end].to_owned();
        let rest = content[end + 1..].trim_start();
        let value = rest.strip_prefix(':')?;
        return Some((key, value));
    }
    let bytes = content.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some((content[..i].trim_end().to_owned(), &content[i + 1..]));
        }
        if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b'#') {
            return None;
        }
    }
    None
}

/// The same for JSON: tracks keys and array positions by bracket depth.
pub fn json_line_index(text: &str) -> HashMap<String, usize> {
    enum Container {
        Object(Option<String>),
        Array(usize),
    }
    let mut index = HashMap::new();
    let mut stack: Vec<Container> = Vec::new();
    let mut line = 1;
    let mut chars = text.char_indices().peekable();
    let pointer = |stack: &[Container]| {
        let mut p = String::from("#");
        for c in stack {
            match c {
                Container::Object(Some(k)) => {
                    p.push('/');
                    p.push_str(&crate::diag::pointer_token(k));
                }
                Container::Object(None) => {}
                Container::Array(i) => {
                    p.push('/');
                    p.push_str(&i.to_string());
                }
            }
        }
        p
    };
    // Set when the next value in an array starts, so its line is recorded once.
    let mut expect_value = false;
    while let Some((_, c)) = chars.next() {
        if expect_value && !c.is_whitespace() && c != ']' {
            index.entry(pointer(&stack)).or_insert(line);
            expect_value = false;
        }
        match c {
            '\n' => line += 1,
            '{' => stack.push(Container::Object(None)),
            '[' => {
                stack.push(Container::Array(0));
                expect_value = true;
            }
            '}' | ']' => {
                stack.pop();
                expect_value = false;
            }
            ',' => {
                if let Some(Container::Array(i)) = stack.last_mut() {
                    *i += 1;
                    expect_value = true;
                }
            }
            '"' => {
                let mut s = String::new();
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        s.push(c);
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    } else {
                        if c == '\n' {
                            line += 1;
                        }
                        s.push(c);
                    }
                }
                // A string followed by `:` inside an object is a key.
                while chars.peek().is_some_and(|(_, c)| c.is_whitespace() && *c != '\n') {
                    chars.next();
                }
                if chars.peek().is_some_and(|(_, c)| *c == ':') {
                    if let Some(Container::Object(key)) = stack.last_mut() {
                        *key = Some(s);
                        index.insert(pointer(&stack), line);
                    }
                }
            }
            _ => {}
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_index_finds_nested_keys_and_sequence_items() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - $ref: '#/components/parameters/y'\n      description: |\n        text: not a key\n      operationId: op\n";
        let index = yaml_line_index(text);
        assert_eq!(index.get("#/paths/~1a~1{b}/get"), Some(&4));
        assert_eq!(index.get("#/paths/~1a~1{b}/get/parameters/0/name"), Some(&6));
        assert_eq!(index.get("#/paths/~1a~1{b}/get/parameters/0/in"), Some(&7));
        assert_eq!(index.get("#/paths/~1a~1{b}/get/parameters/1/$ref"), Some(&8));
        assert_eq!(index.get("#/paths/~1a~1{b}/get/operationId"), Some(&11));
        assert!(!index.contains_key("#/paths/~1a~1{b}/get/description/text"));
    }

    #[test]
    fn json_index_finds_keys_and_array_items() {
        let text = "{\n  \"openapi\": \"3.0.3\",\n  \"tags\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\"}\n  ]\n}";
        let index = json_line_index(text);
        assert_eq!(index.get("#/openapi"), Some(&2));
        assert_eq!(index.get("#/tags/1/name"), Some(&5));
    }

    #[test]
    fn swagger_two_is_refused_with_advice() {
        let err = load_str("x.yaml", "swagger: '2.0'\ninfo: {}\n".to_owned()).err().map(|d| d.to_string()).unwrap_or_default();
        assert!(err.contains("Swagger 2.0"), "{err}");
        assert!(err.contains("x.yaml:1:1"), "{err}");
    }

    #[test]
    fn openapi_three_one_is_refused_with_advice() {
        let err = load_str("x.json", "{\"openapi\": \"3.1.0\"}".to_owned()).err().map(|d| d.to_string()).unwrap_or_default();
        assert!(err.contains("OpenAPI 3.1.0"), "{err}");
    }

    #[test]
    fn malformed_yaml_is_located() {
        let d = load_str("x.yaml", "openapi: 3.0.3\ninfo: [\n".to_owned()).err();
        assert!(d.as_ref().is_some_and(|d| d.location.line.is_some()), "{d:?}");
    }
}

/// Parses YAML (or JSON, a subset of YAML) text into a JSON value, for tools
/// and tests that want to walk a spec untyped.
pub fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(value).map_err(|e| e.to_string())
}
