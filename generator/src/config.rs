//! The generation config: which spec, which operations, where the output
//! goes, and the Rust names pinned for spec constructs.
//!
//! It lives beside the spec (`spec/atlasgen.toml`) and is committed, so the
//! selection and every pinned name are reviewed like code.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{cannot_read, Code, Diagnostic, Location};
use crate::position::line_col;

// Serialized by `to_toml` (the config a crate records of itself), so the
// fields are written in an order TOML accepts: values before tables.
/// The generation config (`atlasgen.toml`): the spec, the output, the selection and the names pinned.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec to read, relative to the config file.
    pub spec: PathBuf,
    /// The record of the published spec `spec` was extracted from
    /// (`PINNED.toml`), relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<PathBuf>,
    /// Where in the generated crate (relative to `output.dir`) this config
    /// is written as one of the generated files, so the crate carries what
    /// regenerates it (`atlasgen crate` sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_in_crate: Option<PathBuf>,
    /// Properties (JSON pointers) that carry credentials the names alone do
    /// not reveal; their `Debug` output is redacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    /// Where the crate goes and how it is made.
    pub output: Output,
    /// The operations to generate (every one when empty).
    #[serde(default, skip_serializing_if = "Selection::is_everything")]
    pub select: Selection,
    /// Rust names pinned per spec construct, keyed by JSON pointer
    /// (`#/components/schemas/ApiBSONTimestampView`) or, for validated
    /// strings, by role (`role:BackupRestoreJob.id`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// What the pinned record says, one line for the generated docs; read
    /// from `pinned` when the config is loaded.
    #[serde(skip)]
    pub spec_source: Option<String>,
    /// How list operations page through their results (Atlas's names by default).
    #[serde(default, skip_serializing_if = "Paging::is_default")]
    pub paging: Paging,
    /// The query parameter that asks the API to wrap every answer in an
    /// envelope (Atlas's `envelope` by default).
    #[serde(default, skip_serializing_if = "Envelope::is_default")]
    pub envelope: Envelope,
    /// What the generated crate's manifest says of it beyond its name and
    /// version: whether it is published, and the metadata a registry shows.
    #[serde(default, skip_serializing_if = "Package::is_default")]
    pub package: Package,
}

/// The generated crate as a package (`[package]` of the config). A crate
/// made to be published gets a README with a usage example, an `include`
/// list and docs.rs metadata; one that lives only in a workspace (the
/// construct corpus) is `publish = false` and gets none of them.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Package {
    /// Off: `publish = false`.
    pub publish: bool,
    /// The sources' public address; left out of the manifest when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The project's home page; left out of the manifest when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// At most five, as crates.io takes them.
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    pub categories: Vec<String>,
    /// The atlas-runtime version the crate asks for beside its path. Unset:
    /// the version in the manifest at `output.runtime_path`, so the runtime's
    /// version is written in one place only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<String>,
}

impl Package {
    fn is_default(&self) -> bool {
        *self == Package::default()
    }
}

impl Default for Package {
    fn default() -> Self {
        Package {
            publish: true,
            repository: None,
            homepage: None,
            keywords: ["openapi", "api-client", "http"]
                .map(str::to_owned)
                .to_vec(),
            categories: ["api-bindings", "web-programming::http-client"]
                .map(str::to_owned)
                .to_vec(),
            runtime_version: None,
        }
    }
}

/// The API's paging convention: a list operation has both query parameters
/// and a success body with the items field; it gets a page stream.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
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

impl Paging {
    fn is_default(&self) -> bool {
        *self == Paging::default()
    }
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
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Envelope {
    /// Off: no answer is ever unwrapped.
    pub enabled: bool,
    /// The boolean query parameter's wire name.
    pub param: String,
}

impl Envelope {
    fn is_default(&self) -> bool {
        *self == Envelope::default()
    }
}

impl Default for Envelope {
    fn default() -> Self {
        Envelope {
            enabled: true,
            param: "envelope".to_owned(),
        }
    }
}

/// The `[output]` table: the generated crate and its options.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// The generated crate's directory, relative to the config file.
    pub dir: PathBuf,
    /// The generated crate's package name.
    pub crate_name: String,
    /// The generated crate's version (`0.1.0` by default).
    #[serde(default = "default_version")]
    pub version: String,
    /// Path from the generated crate to the runtime crate.
    pub runtime_path: String,
    /// Ignored, so older configs still load. It named the package whose
    /// build script regenerates the crate, for a `regenerate` feature that
    /// made the crate depend on it; a generated crate no longer names the
    /// generator's workspace, so it can be packaged and published.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub regen_path: String,
    /// The command a reader runs to regenerate, quoted in every header.
    pub regenerate_command: String,
    /// One Cargo feature per tag (for a crate covering many API areas).
    #[serde(default)]
    pub tag_features: bool,
    /// Also emit a conformance test over the spec's own examples.
    #[serde(default)]
    pub example_tests: bool,
    /// Generate every component schema, reached by an operation or not
    /// (those no operation reaches compile with the `full` feature). Request
    /// types of every schema are then named as twins (`FooRequest`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_schemas: bool,
    /// Leave out the operations that have errors of their own (listing
    /// each with its errors) instead of refusing the whole spec.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_invalid: bool,
    /// Also emit `tests/roundtrip.rs` and this many instances of every
    /// schema beside it (`tests/roundtrip.jsonl`); 0 for none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub roundtrip_tests: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

/// Operations to generate. Empty everywhere means every operation.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Operations by `operationId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operation_ids: Vec<String>,
    /// Every operation with one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `"GET /api/atlas/v2/groups/{groupId}"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

impl Selection {
    /// Whether the selection names nothing, and so selects every operation.
    pub fn is_everything(&self) -> bool {
        self.operation_ids.is_empty() && self.tags.is_empty() && self.paths.is_empty()
    }
}

impl Config {
    /// Reads a config file; relative paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, Diagnostic> {
        let file = path.display().to_string();
        let (mut config, text) = read_toml::<Config>(path, "config")?;
        if let Some(place) = &config.config_in_crate {
            if !place
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            {
                let mut loc = Location::new(&file, "");
                if let Some(offset) = text.find("config_in_crate") {
                    loc.line = Some(line_col(&text, offset));
                }
                return Err(Diagnostic::error(
                    Code::Config,
                    loc,
                    format!(
                        "`config_in_crate` must be a path inside the generated crate, not `{}`",
                        place.display()
                    ),
                ));
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        config.spec = base.join(&config.spec);
        // Through components, so `dir = "."` is the config's folder itself
        // (`out`, not `out/.`) in every path printed.
        config.output.dir = base.join(&config.output.dir).components().collect();
        if let Some(pinned) = &config.pinned {
            let pinned = base.join(pinned);
            config.spec_source = Some(crate::extract::PinRecord::load(&pinned)?.describe());
            config.pinned = Some(pinned);
        }
        Ok(config)
    }

    /// The version of atlas-runtime the generated crate depends on: the
    /// config's `package.runtime_version`, else the `package.version` of the
    /// runtime's own manifest (`output.runtime_path` from the output folder).
    /// `None` when neither says: the dependency is then by path alone, which
    /// builds but cannot be packaged.
    pub fn runtime_version(&self) -> Option<String> {
        if let Some(version) = &self.package.runtime_version {
            return Some(version.clone());
        }
        let manifest = self
            .output
            .dir
            .join(&self.output.runtime_path)
            .join("Cargo.toml");
        let text = std::fs::read_to_string(manifest).ok()?;
        let table: toml::Table = toml::from_str(&text).ok()?;
        let version = table.get("package")?.get("version")?.as_str()?;
        Some(version.to_owned())
    }

    /// This config as the TOML of a config file in `folder`, its paths
    /// relative to that folder (as [`Config::load`] reads them), so a crate
    /// moved together with its spec still regenerates. The header names the
    /// command that regenerates the crate (and this file).
    pub fn to_toml(&self, folder: &Path) -> Result<String, String> {
        let mut relative = self.clone();
        relative.spec = relative_path(folder, &self.spec);
        relative.output.dir = relative_path(folder, &self.output.dir);
        relative.pinned = self.pinned.as_deref().map(|p| relative_path(folder, p));
        let body =
            toml::to_string(&relative).map_err(|e| format!("cannot write the config: {e}"))?;
        Ok(format!(
            "# @generated by atlasgen: the config the crate in this folder is generated from.\n\
             # Regenerate with `{}`:\n\
             # it keeps the values changed here, not comments.\n\n{body}",
            self.output.regenerate_command
        ))
    }
}

/// Reads the TOML file at `path` as a `T`, with its text (for checks that
/// point into it). A file that cannot be read is an `io` error; text that is
/// not a `T` is a `config` error at the line TOML names. `what` names the
/// file in the messages (`config`, `extract config`).
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<(T, String), Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| cannot_read(&file, what, e))?;
    let value = toml::from_str(&text).map_err(|e| {
        let mut loc = Location::new(&file, "");
        if let Some(span) = e.span() {
            loc.line = Some(line_col(&text, span.start));
        }
        Diagnostic::error(
            Code::Config,
            loc,
            format!("invalid {what}: {}", e.message()),
        )
    })?;
    Ok((value, text))
}

/// `to` as a path relative to the folder `from`. Both are resolved the same
/// way whether or not they exist yet (symlinks in the part that exists, `.`
/// and `..` after it), so the answer does not change once a folder is
/// created. Paths with no root in common (Windows drives) stay absolute.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from = resolved(from);
    let to = resolved(to);
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to;
    }
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to_parts[common..] {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

/// `path` absolute: its longest existing ancestor canonicalized, the rest
/// applied lexically.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = loop {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            break real;
        }
        match existing.components().next_back() {
            Some(c @ (Component::Normal(_) | Component::CurDir | Component::ParentDir)) => {
                rest.push(c.as_os_str().to_owned());
                existing.pop();
            }
            _ => break existing,
        }
    };
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                base.pop();
            }
            Some(Component::Normal(name)) => base.push(name),
            _ => {}
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    // Under a root folder that does not exist, so the answers are lexical.
    const NOWHERE: &str = "/atlasgen-config-tests-nowhere";

    fn at(rest: &str) -> PathBuf {
        Path::new(NOWHERE).join(rest)
    }

    #[test]
    fn a_relative_path_climbs_out_of_the_folder_and_down_to_the_target() {
        assert_eq!(
            relative_path(&at("crates/jobs"), &at("spec/openapi.yaml")),
            Path::new("../../spec/openapi.yaml")
        );
    }

    #[test]
    fn a_relative_path_reads_dots_in_either_path_before_comparing() {
        assert_eq!(
            relative_path(&at("a/./b/../c"), &at("a/c/d/../e.yaml")),
            Path::new("e.yaml")
        );
    }

    #[test]
    fn a_folder_relative_to_itself_is_dot() {
        assert_eq!(relative_path(&at("out"), &at("out/.")), Path::new("."));
    }

    #[test]
    fn a_config_written_as_toml_reads_back_with_its_paths_relative_to_its_folder() {
        let mut config = Config {
            spec: at("spec/openapi.yaml"),
            config_in_crate: Some(PathBuf::from("atlasgen.toml")),
            secrets: vec!["#/components/schemas/A/properties/key".to_owned()],
            output: Output {
                dir: at("out"),
                crate_name: "jobs".to_owned(),
                version: "0.2.0".to_owned(),
                runtime_path: "../runtime".to_owned(),
                regenerate_command: "atlasgen generate out/atlasgen.toml".to_owned(),
                tag_features: true,
                ..Output::default()
            },
            select: Selection {
                tags: vec!["Backup Jobs".to_owned()],
                ..Selection::default()
            },
            ..Config::default()
        };
        config
            .names
            .insert("#/components/schemas/A".to_owned(), "Alpha".to_owned());
        let text = config.to_toml(&at("out")).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            text.starts_with("# @generated by atlasgen")
                && text.contains("`atlasgen generate out/atlasgen.toml`"),
            "{text}"
        );
        let read: Config = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        config.spec = PathBuf::from("../spec/openapi.yaml");
        config.output.dir = PathBuf::from(".");
        assert_eq!(read, config, "{text}");
    }
}
