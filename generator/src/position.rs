//! Source positions: how a place in an input file is named and found.
//!
//! A place in a spec is named by a JSON pointer (RFC 6901,
//! `#/components/schemas/Foo/properties/bar`) and shown as a 1-based line
//! and column. This module holds everything between the two: escaping
//! pointer tokens, a line table (where each line starts), the index from
//! pointers to lines for YAML and JSON text, and byte offsets turned into
//! lines and columns. Loading, diagnostics and the config reader all find
//! positions through it.

use std::collections::HashMap;

/// Escapes one JSON-pointer token (RFC 6901): `~` as `~0`, `/` as `~1`.
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`pointer_token`].
pub fn unescape_pointer_token(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// The pointer (`#/a/b`) made of `tokens`, each escaped.
pub(crate) fn pointer<S: AsRef<str>>(tokens: impl IntoIterator<Item = S>) -> String {
    let mut p = String::from("#");
    for token in tokens {
        p.push('/');
        p.push_str(&pointer_token(token.as_ref()));
    }
    p
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Each line of `text` with the byte offset where it starts, without its
/// line ending.
pub(crate) fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// The 1-based column of a line's first non-blank character.
pub(crate) fn indent_column(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count() + 1
}

/// Where each line of a text starts, computed once per file: a spec is
/// megabytes and a run can print a hundred warnings, each wanting a line.
#[derive(Debug, Default)]
pub(crate) struct LineTable {
    starts: Vec<usize>,
}

impl LineTable {
    /// The table of `text`.
    pub(crate) fn new(text: &str) -> Self {
        if text.is_empty() {
            return LineTable::default();
        }
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        // A final newline ends the last line rather than starting one.
        if starts.len() > 1 && starts.last() == Some(&text.len()) {
            starts.pop();
        }
        LineTable { starts }
    }

    /// How many lines the text has.
    pub(crate) fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `n` (1-based) of `text` (the text the table was made of),
    /// without its line ending, as `str::lines` gives it.
    pub(crate) fn get<'t>(&self, text: &'t str, n: usize) -> Option<&'t str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(text.len(), |next| next - 1);
        let line = text.get(start..end)?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// JSON pointer → 1-based line, for every key and sequence item of a
/// document.
#[derive(Debug, Default)]
pub(crate) struct PointerIndex {
    lines: HashMap<String, usize>,
}

impl PointerIndex {
    /// The index of a document, read as JSON when it starts with `{` and as
    /// YAML otherwise.
    pub(crate) fn new(text: &str) -> Self {
        Self::of(text, text.trim_start().starts_with('{'))
    }

    /// The index of a document known to be JSON (`json`) or YAML.
    pub(crate) fn of(text: &str, json: bool) -> Self {
        PointerIndex {
            lines: if json {
                json_line_index(text)
            } else {
                yaml_line_index(text)
            },
        }
    }

    /// The line where the node at exactly `pointer` starts.
    pub(crate) fn line(&self, pointer: &str) -> Option<usize> {
        self.lines.get(pointer).copied()
    }

    /// The line where the node at `pointer` starts, falling back to the
    /// nearest enclosing node the index knows.
    pub(crate) fn nearest(&self, pointer: &str) -> Option<usize> {
        let mut p = pointer;
        loop {
            if let Some(line) = self.line(p) {
                return Some(line);
            }
            match p.rfind('/') {
                Some(i) if i > 1 => p = &p[..i],
                _ => return None,
            }
        }
    }

    /// The line and column (of its first non-blank character) where the
    /// node at `pointer` starts, or its nearest enclosing node.
    pub(crate) fn locate(
        &self,
        text: &str,
        lines: &LineTable,
        pointer: &str,
    ) -> Option<(usize, usize)> {
        let line = self.nearest(pointer)?;
        Some((line, indent_column(lines.get(text, line).unwrap_or(""))))
    }
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
    pointer(stack.iter().map(|f| f.token.as_str()))
}

fn yaml_line_index(text: &str) -> HashMap<String, usize> {
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
        while let Some(rest) =
            content
                .strip_prefix("- ")
                .or_else(|| if content == "-" { Some("") } else { None })
        {
            while stack
                .last()
                .is_some_and(|f| f.indent > indent || (f.indent == indent && f.seq_index.is_none()))
            {
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
            stack.push(Frame {
                indent,
                token: next.to_string(),
                seq_index: Some(next),
            });
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
            stack.push(Frame {
                indent,
                token: key,
                seq_index: None,
            });
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
fn json_line_index(text: &str) -> HashMap<String, usize> {
    enum Container {
        Object(Option<String>),
        Array(usize),
    }
    let mut index = HashMap::new();
    let mut stack: Vec<Container> = Vec::new();
    let mut line = 1;
    let mut chars = text.char_indices().peekable();
    let pointer_here = |stack: &[Container]| {
        pointer(stack.iter().filter_map(|c| match c {
            Container::Object(Some(k)) => Some(k.clone()),
            Container::Object(None) => None,
            Container::Array(i) => Some(i.to_string()),
        }))
    };
    // Set when the next value in an array starts, so its line is recorded once.
    let mut expect_value = false;
    while let Some((_, c)) = chars.next() {
        if expect_value && !c.is_whitespace() && c != ']' {
            index.entry(pointer_here(&stack)).or_insert(line);
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
                while chars
                    .peek()
                    .is_some_and(|(_, c)| c.is_whitespace() && *c != '\n')
                {
                    chars.next();
                }
                if chars.peek().is_some_and(|(_, c)| *c == ':') {
                    if let Some(Container::Object(key)) = stack.last_mut() {
                        *key = Some(s);
                        index.insert(pointer_here(&stack), line);
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
    fn a_line_table_reads_the_same_lines_as_str_lines() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\n",
            "x\n\ny\n",
            "é\nü",
        ] {
            let table = LineTable::new(text);
            let want: Vec<&str> = text.lines().collect();
            let got: Vec<&str> = (1..=table.count())
                .filter_map(|n| table.get(text, n))
                .collect();
            assert_eq!(got, want, "{text:?}");
            assert_eq!(table.get(text, table.count() + 1), None);
            assert_eq!(table.get(text, 0), None);
        }
    }

    #[test]
    fn yaml_index_finds_nested_keys_and_sequence_items() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - $ref: '#/components/parameters/y'\n      description: |\n        text: not a key\n      operationId: op\n";
        let index = PointerIndex::of(text, false);
        assert_eq!(index.line("#/paths/~1a~1{b}/get"), Some(4));
        assert_eq!(
            index.line("#/paths/~1a~1{b}/get/parameters/0/name"),
            Some(6)
        );
        assert_eq!(index.line("#/paths/~1a~1{b}/get/parameters/0/in"), Some(7));
        assert_eq!(
            index.line("#/paths/~1a~1{b}/get/parameters/1/$ref"),
            Some(8)
        );
        assert_eq!(index.line("#/paths/~1a~1{b}/get/operationId"), Some(11));
        assert_eq!(index.line("#/paths/~1a~1{b}/get/description/text"), None);
        assert_eq!(
            index.nearest("#/paths/~1a~1{b}/get/description/text"),
            Some(9)
        );
    }

    #[test]
    fn json_index_finds_keys_and_array_items() {
        let text = "{\n  \"openapi\": \"3.0.3\",\n  \"tags\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\"}\n  ]\n}";
        let index = PointerIndex::new(text);
        assert_eq!(index.line("#/openapi"), Some(2));
        assert_eq!(index.line("#/tags/1/name"), Some(5));
    }

    #[test]
    fn pointer_tokens_escape_and_unescape() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
        assert_eq!(unescape_pointer_token("a~1b~0c"), "a/b~c");
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "#/paths/~1a~1{b}/get");
    }

    #[test]
    fn an_offset_is_a_line_and_a_column_in_characters() {
        assert_eq!(line_col("ab\ncé\nd", 0), (1, 1));
        assert_eq!(line_col("ab\ncé\nd", 3), (2, 1));
        assert_eq!(line_col("ab\ncé\nd", 7), (3, 1));
        assert_eq!(line_col("ab\ncé\nd", 6), (2, 3));
    }
}
