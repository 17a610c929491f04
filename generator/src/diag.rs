//! Diagnostics: every problem the generator finds, located in the spec.
//!
//! Errors stop generation; warnings describe a quirk the generator worked
//! around. Both carry a location so a reader can find the construct.
//!
//! `Display` is one compact block (build scripts print it on one line);
//! [`Diagnostic::render`] and [`Failure::render`] add the source excerpt the
//! way rustc does, for the command line:
//!
//! ```text
//! error[reference]: `$ref: #/components/schemas/Missing` points to nothing
//!   --> spec.yaml:10:11 (#/components/schemas/Job/properties/owner/$ref)
//!    |
//!  9 |         owner:
//! 10 |           $ref: '#/components/schemas/Missing'
//!    |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    = help: the closest names: Mission
//! ```
//!
//! The renderer is hand-written (about a hundred lines) rather than miette or
//! ariadne: locations here are lines found by JSON pointer, not byte spans, and
//! it keeps the generator's dependency tree small.

use std::collections::HashMap;
use std::fmt;

use crate::position::{LineTable, PointerIndex};

/// Where in the input a diagnostic points.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, as given to the generator.
    pub file: String,
    /// JSON pointer into the document (`#/components/schemas/Foo/properties/bar`).
    pub pointer: String,
    /// 1-based line and column, when known.
    pub line: Option<(usize, usize)>,
}

impl Location {
    /// A location known by file and pointer; its line is found when it is rendered.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            pointer: pointer.into(),
            line: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " ({})", self.pointer)?;
        }
        Ok(())
    }
}

/// Whether a diagnostic stops generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A quirk the generator worked around.
    Warning,
    /// A problem that stops generation.
    Error,
}

/// The kind of problem, stable for tooling and for the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file could not be read.
    Io,
    /// YAML or JSON syntax error.
    Syntax,
    /// Not an OpenAPI 3.0 document (Swagger 2.0, OpenAPI 3.1, or no version).
    Version,
    /// The document is OpenAPI 3.0 but does not have the expected shape.
    Shape,
    /// A `$ref` that points nowhere, or outside the document.
    Reference,
    /// A `$ref` chain that loops without ever reaching a schema.
    Cycle,
    /// The selection names something the spec does not have.
    Selection,
    /// A pattern the validators cannot honour, or that looks mistaken.
    Pattern,
    /// Names that collide after conversion to Rust identifiers.
    Naming,
    /// A construct the generator does not support yet; it degrades.
    Unsupported,
    /// Anything else the spec says that the generator had to work around.
    Quirk,
    /// The configuration file is wrong.
    Config,
}

impl Code {
    /// The code as printed between brackets (`error[reference]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Syntax => "syntax",
            Code::Version => "version",
            Code::Shape => "shape",
            Code::Reference => "reference",
            Code::Cycle => "cycle",
            Code::Selection => "selection",
            Code::Pattern => "pattern",
            Code::Naming => "naming",
            Code::Unsupported => "unsupported",
            Code::Quirk => "quirk",
            Code::Config => "config",
        }
    }

    /// Process exit code for an error of this kind (0 and 1 are left to
    /// success and to generic failure).
    pub fn exit_code(self) -> i32 {
        match self {
            Code::Io => 10,
            Code::Syntax => 11,
            Code::Version => 12,
            Code::Shape => 13,
            Code::Reference => 14,
            Code::Cycle => 15,
            Code::Selection => 16,
            Code::Pattern => 17,
            Code::Naming => 18,
            Code::Unsupported => 19,
            Code::Quirk => 20,
            Code::Config => 21,
        }
    }
}

/// One problem found in the input: what, where, and advice.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub code: Code,
    /// Boxed: a diagnostic travels in `Result`s, and unboxed it makes every
    /// `Err` over clippy's `result_large_err` size.
    pub location: Box<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// An extra line of advice ("did you mean ...").
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error: generation stops.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            location: Box::new(location),
            message: message.into(),
            help: None,
        }
    }

    /// A warning: a quirk worked around.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            location: Box::new(location),
            message: message.into(),
            help: None,
        }
    }

    /// The diagnostic with a line of advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{level}[{}]: {}\n  --> {}",
            self.code.as_str(),
            self.message,
            self.location
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Widest excerpt line shown; longer lines (minified JSON) get a window
/// around the column.
const EXCERPT_WIDTH: usize = 100;

impl Diagnostic {
    /// The diagnostic with a source excerpt: `source` is the text of
    /// `location.file` (none for an unreadable file). A location known only by
    /// its JSON pointer is looked up in the text.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut index = None;
        let lines = source.map(LineTable::new);
        self.render_indexed(source, &mut index, lines.as_ref())
    }

    fn render_indexed(
        &self,
        source: Option<&str>,
        index: &mut Option<PointerIndex>,
        lines: Option<&LineTable>,
    ) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut location = self.location.clone();
        if let (None, Some(text), Some(lines)) = (location.line, source, lines) {
            if !location.pointer.is_empty() {
                location.line = index.get_or_insert_with(|| PointerIndex::new(text)).locate(
                    text,
                    lines,
                    &location.pointer,
                );
            }
        }
        let excerpt = match (location.line, source, lines) {
            (Some((line, col)), Some(text), Some(lines)) => {
                excerpt(text, lines, line, col, !location.pointer.is_empty())
            }
            _ => None,
        };
        let width = excerpt.as_ref().map(|e| e.gutter_width).unwrap_or(1);
        let pad = " ".repeat(width);
        let mut out = format!(
            "{level}[{}]: {}\n{pad}--> {location}",
            self.code.as_str(),
            self.message
        );
        if let Some(e) = excerpt {
            out.push_str(&format!("\n{pad} |"));
            for (n, text) in &e.lines {
                out.push_str(&format!("\n{n:>width$} | {text}"));
            }
            out.push_str(&format!("\n{pad} | {}", e.marker));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{pad} = help: {help}"));
        }
        out
    }
}

struct Excerpt {
    /// (line number, text as shown), the offending line last.
    lines: Vec<(usize, String)>,
    /// Spaces then `^`s, under the offending line.
    marker: String,
    gutter_width: usize,
}

/// Up to two lines ending at `line`, and a marker under `col`: one caret for
/// a parser's position, an underline to the end of the line for a construct.
fn excerpt(
    text: &str,
    lines: &LineTable,
    line: usize,
    col: usize,
    construct: bool,
) -> Option<Excerpt> {
    let count = lines.count();
    if count == 0 {
        return None;
    }
    let line = line.max(1);
    let (line, col) = if line <= count {
        (line, col.max(1))
    } else {
        // A parser may point one past the end (an unexpected end of input).
        (count, lines.get(text, count)?.chars().count() + 1)
    };
    let this = lines.get(text, line)?;
    // None for the first line: there is no line 0.
    let before = lines.get(text, line - 1);
    let chars: Vec<char> = this.chars().map(printable).collect();
    let col = col.min(chars.len() + 1);
    // A window around the column, so a minified document shows a line, not a megabyte.
    let start = if chars.len() > EXCERPT_WIDTH {
        (col - 1)
            .saturating_sub(EXCERPT_WIDTH / 3)
            .min(chars.len() - EXCERPT_WIDTH)
    } else {
        0
    };
    let end = (start + EXCERPT_WIDTH).min(chars.len());
    let lead = if start > 0 { "..." } else { "" };
    let tail = if end < chars.len() { "..." } else { "" };
    let shown: String = chars[start..end].iter().collect();
    let at = col - 1 - start + lead.len();
    let underline = if construct {
        let content_end = chars[..end]
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map(|i| i + 1)
            .unwrap_or(0);
        content_end.saturating_sub(col - 1).max(1)
    } else {
        1
    };
    let mut lines = Vec::new();
    if let Some(before) =
        before.filter(|b| !b.trim().is_empty() && b.chars().count() <= EXCERPT_WIDTH)
    {
        lines.push((line - 1, before.chars().map(printable).collect()));
    }
    lines.push((line, format!("{lead}{shown}{tail}")));
    Some(Excerpt {
        lines,
        marker: format!("{}{}", " ".repeat(at), "^".repeat(underline)),
        gutter_width: line.to_string().len(),
    })
}

/// Tabs and control characters as one visible column each, so the marker lines up.
fn printable(c: char) -> char {
    match c {
        '\t' => ' ',
        c if c.is_control() => '\u{FFFD}',
        c => c,
    }
}

/// A file's text (none if unreadable), its pointer index built on demand and
/// where its lines start.
type Source = (Option<String>, Option<PointerIndex>, Option<LineTable>);

/// The error for a file that cannot be read: `cannot read the {what}: {error}`,
/// located at the file.
pub(crate) fn cannot_read(file: &str, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        Location::new(file, ""),
        format!("cannot read the {what}: {e}"),
    )
}

/// Renders diagnostics with excerpts, reading each file once through `load`.
pub fn render_all<'d>(
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    mut load: impl FnMut(&str) -> Option<String>,
) -> String {
    let mut sources: HashMap<String, Source> = HashMap::new();
    let mut out = Vec::new();
    for d in diagnostics {
        let file = d.location.file.clone();
        let (text, index, lines) = sources.entry(file.clone()).or_insert_with(|| {
            let text = if file.is_empty() { None } else { load(&file) };
            let lines = text.as_deref().map(LineTable::new);
            (text, None, lines)
        });
        out.push(d.render_indexed(text.as_deref(), index, lines.as_ref()));
    }
    out.join("\n\n")
}

/// Reads a diagnostic's file for its excerpt; an unreadable or non-UTF-8
/// file just has none.
pub fn read_source(file: &str) -> Option<String> {
    std::fs::read_to_string(file).ok()
}

/// A failed generation: at least one error, plus any warnings met before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The errors, and the warnings met before them.
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    /// A failure of one diagnostic.
    pub fn single(diagnostic: Diagnostic) -> Self {
        Failure {
            diagnostics: vec![diagnostic],
        }
    }

    /// The exit code of the first error.
    pub fn exit_code(&self) -> i32 {
        self.diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.code.exit_code())
            .unwrap_or(1)
    }

    /// The errors alone.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// Every diagnostic with its source excerpt (see [`render_all`]).
    pub fn render(&self, load: impl FnMut(&str) -> Option<String>) -> String {
        render_all(&self.diagnostics, load)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::single(d)
    }
}
