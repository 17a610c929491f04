//! The generation config: which spec, which operations, where the output
//! goes, and the Rust names pinned for spec constructs.
//!
//! It lives beside the spec (`spec/atlasgen.toml`) and is committed, so the
//! selection and every pinned name are reviewed like code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Code, Diagnostic, Location};

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec to read, relative to the config file.
    pub spec: PathBuf,
    pub output: Output,
    #[serde(default)]
    pub select: Selection,
    /// Rust names pinned per spec construct, keyed by JSON pointer
    /// (`#/components/schemas/ApiBSONTimestampView`) or, for validated
    /// strings, by role (`role:BackupRestoreJob.id`).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Properties (JSON pointers) that carry credentials the names alone do
    /// not reveal; their `Debug` output is redacted.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// The record of the published spec `spec` was extracted from
    /// (`PINNED.toml`), relative to the config file.
    #[serde(default)]
    pub pinned: Option<PathBuf>,
    /// What the pinned record says, one line for the generated docs; read
    /// from `pinned` when the config is loaded.
    #[serde(skip)]
    pub spec_source: Option<String>,
    /// How list operations page through their results (Atlas's names by default).
    #[serde(default)]
    pub paging: Paging,
    /// The query parameter that asks the API to wrap every answer in an
    /// envelope (Atlas's `envelope` by default).
    #[serde(default)]
    pub envelope: Envelope,
}

/// The API's paging convention: a list operation has both query parameters
/// and a success body with the items field; it gets a page stream.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Paging {
    /// Off: no operation gets a page stream.
    pub enabled: bool,
    /// The integer query parameter holding the page number (1-based).
    pub page: String,
    /// The query parameter holding the page size.
    pub page_size: String,
    /// The array field of the success body holding one page of items.
    pub items: String,
    /// The integer field of the success body holding the total item count.
    pub total: String,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            enabled: true,
            page: "pageNum".to_owned(),
            page_size: "itemsPerPage".to_owned(),
            items: "results".to_owned(),
            total: "totalCount".to_owned(),
        }
    }
}

/// The API's envelope convention: a boolean query parameter that makes the
/// API answer 200 with `{"status": <status>, "content": <body>}`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Envelope {
    /// Off: no answer is ever unwrapped.
    pub enabled: bool,
    /// The boolean query parameter's wire name.
    pub param: String,
}

impl Default for Envelope {
    fn default() -> Self {
        Envelope {
            enabled: true,
            param: "envelope".to_owned(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// The generated crate's directory, relative to the config file.
    pub dir: PathBuf,
    /// The generated crate's package name.
    pub crate_name: String,
    #[serde(default = "default_version")]
    pub version: String,
    /// Path from the generated crate to the runtime crate.
    pub runtime_path: String,
    /// Path from the generated crate to the package whose build script
    /// regenerates it (see the `regenerate` feature); empty for none.
    #[serde(default)]
    pub regen_path: String,
    /// The command a reader runs to regenerate, quoted in every header.
    pub regenerate_command: String,
    /// One Cargo feature per tag (for a crate covering many API areas).
    #[serde(default)]
    pub tag_features: bool,
    /// Also emit a conformance test over the spec's own examples.
    #[serde(default)]
    pub example_tests: bool,
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

/// Operations to generate. Empty everywhere means every operation.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    #[serde(default)]
    pub operation_ids: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// `"GET /api/atlas/v2/groups/{groupId}"`.
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        self.operation_ids.is_empty() && self.tags.is_empty() && self.paths.is_empty()
    }
}

impl Config {
    /// Reads a config file; relative paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, Diagnostic> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(
                Code::Io,
                Location::new(&file, ""),
                format!("cannot read the config: {e}"),
            )
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let mut loc = Location::new(&file, "");
            if let Some(span) = e.span() {
                loc.line = Some(line_col(&text, span.start));
            }
            Diagnostic::error(
                Code::Config,
                loc,
                format!("invalid config: {}", e.message()),
            )
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.spec = base.join(&config.spec);
        config.output.dir = base.join(&config.output.dir);
        if let Some(pinned) = &config.pinned {
            let pinned = base.join(pinned);
            config.spec_source = Some(crate::extract::PinRecord::load(&pinned)?.describe());
            config.pinned = Some(pinned);
        }
        Ok(config)
    }
}

/// 1-based line and column of a byte offset.
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
