//! Diagnostics: every problem the generator finds, located in the spec.
//!
//! Errors stop generation; warnings describe a quirk the generator worked
//! around. Both carry a location so a reader can find the construct.

use std::fmt;

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
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: pointer.into(), line: None }
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
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

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub location: Location,
    pub message: String,
    /// An extra line of advice ("did you mean ...").
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, location, message: message.into(), help: None }
    }

    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, code, location, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

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
        write!(f, "{level}[{}]: {}\n  --> {}", self.code.as_str(), self.message, self.location)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// A failed generation: at least one error, plus any warnings met before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    pub fn single(diagnostic: Diagnostic) -> Self {
        Failure { diagnostics: vec![diagnostic] }
    }

    /// The exit code of the first error.
    pub fn exit_code(&self) -> i32 {
        self.diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.code.exit_code())
            .unwrap_or(1)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
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

/// Escapes one JSON-pointer token (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`pointer_token`].
pub fn unescape_pointer_token(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}
