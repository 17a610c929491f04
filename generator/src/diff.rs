//! Diff: the API change between two specs as a user of the generated crate
//! sees it, each change classified, and the semver bump that follows.
//!
//! Both specs are lowered by the generator itself (with the same pins, when
//! an extract config is given), and the two IRs are compared, so the report
//! speaks of Rust types, fields and functions, not of YAML.
//!
//! The classification (also in the report, under "How changes are classified"):
//! - breaking: something a caller wrote stops compiling or starts failing:
//!   removed or renamed operations, types, fields, variants, parameters;
//!   changed types or formats; a field or parameter turning required or
//!   optional; a new required parameter or field (in any struct: `new`
//!   takes the required fields); `new`'s arguments in another order; a
//!   closed enum's values renumbered (inserted before the last, removed or
//!   moved: its implicit discriminants change); a pattern that rejects
//!   values callers could build before; a removed status or media type;
//!   with tag features (the whole-API crate), a removed Cargo feature, or
//!   an item no longer compiled by a feature that compiled it.
//! - non-breaking: additions (operations, types, optional fields, enum
//!   values at the end of a closed enum or anywhere in an open one,
//!   statuses, media types, Cargo features), deprecations, patterns that
//!   only widen or only apply to responses, `Debug` redaction. This rests on the generated
//!   API: structs, enums and unions are `#[non_exhaustive]`, so values are
//!   built with `new` and matches need a `_` arm.
//!
//! The rule the classification keeps: nothing the compiler rejects (nor
//! cargo-semver-checks, which `scripts/spec-update.sh` runs beside it) is
//! called non-breaking.
//! - documentation: descriptions and documented constraints only.
//! - unchanged: an upstream rename a pinned name absorbed.
//!
//! Semver (the generated crate's version, from the generator config): while
//! the major version is 0, breaking → minor, anything else → patch (Cargo
//! treats 0.x.y → 0.x.z as compatible); from 1.0, breaking → major,
//! non-breaking → minor, documentation → patch.

use std::path::Path;

use serde_json::json;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Failure, Location};
use crate::extract::{self, ExtractConfig};
use crate::ir::Api;

mod compare;
pub mod patterns;

pub use compare::render;

/// What a change means to code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled against the old crate may not compile, or may
    /// behave differently, against the new one.
    Breaking,
    /// New API only: existing code compiles and behaves as before.
    NonBreaking,
    /// Doc comments only.
    Documentation,
    /// Upstream changed, the Rust API did not (a pin absorbed a rename).
    Unchanged,
}

impl Impact {
    /// The word the reports use (`breaking`, `non-breaking`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::NonBreaking => "non-breaking",
            Impact::Documentation => "documentation",
            Impact::Unchanged => "unchanged",
        }
    }
}

/// One difference between the old and the new generated API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// How it affects users of the crate.
    pub impact: Impact,
    /// Stable identifier of the kind of change (`field-removed`).
    pub kind: &'static str,
    /// The Rust item: `BackupRestoreJob.delivery`, `GetGroupClusterRestoreJob response 401`.
    pub subject: String,
    /// What changed, in a sentence for the report.
    pub message: String,
}

/// The semver bump a set of changes calls for (a 0.x crate shifts each one
/// place down: breaking is a minor bump there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing a user can see changed.
    None,
    /// Documentation only, or non-breaking changes of a 0.x crate.
    Patch,
    /// New API, or breaking changes of a 0.x crate.
    Minor,
    /// Breaking changes of a 1.0 or later crate.
    Major,
}

impl Bump {
    /// The word the reports use (`none`, `patch`, `minor`, `major`).
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The API change from one spec to another, as `atlasgen diff` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What the old side is called in the report (a file name or a date).
    pub old_label: String,
    /// What the new side is called in the report.
    pub new_label: String,
    /// The generated crate's current version, when a config names it.
    pub version: Option<String>,
    /// Sorted by impact, then in the order found.
    pub changes: Vec<Change>,
    /// Things worth a reviewer's eye that are not changes (pins that match nothing).
    pub notes: Vec<String>,
}

/// Compares two lowered APIs.
pub fn diff_apis(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = compare::compare(old, new);
    changes.sort_by_key(|c| c.impact);
    changes
}

/// The generator config a diff lowers with: the extract config's selection,
/// and the names, secrets and version of the generator config it names.
/// Without one, the whole spec as `atlasgen crate` generates it: every
/// operation, one Cargo feature per tag.
pub fn generator_config(config: Option<&ExtractConfig>) -> Result<Config, Failure> {
    let Some(c) = config else {
        let mut whole = Config::default();
        whole.output.tag_features = true;
        return Ok(whole);
    };
    let mut gen = match &c.generator_config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    gen.select = c.select.clone();
    Ok(gen)
}

/// Lowers the spec at `path` as the generated crate would see it: cut and
/// pinned when an extract config is given. Returns the API and any notes.
pub fn lower_file(
    path: &Path,
    config: Option<&ExtractConfig>,
    gen: &Config,
) -> Result<(Api, Vec<String>), Failure> {
    let file = path.display().to_string();
    let (spec, notes) = match config {
        Some(c) => {
            let (doc, _) = extract::read_document(path)?;
            let extracted = extract::extract(&file, &doc, c, None)?;
            let name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.clone());
            let notes = extracted
                .warnings
                .iter()
                .map(|w| format!("`{name}`: {}", w.message))
                .collect();
            (crate::load::load_str(&file, extracted.yaml)?, notes)
        }
        None => (crate::load::load_file(path)?, Vec::new()),
    };
    let mut notes = notes;
    let mut selected = crate::resolve::select(&spec, &gen.select)?;
    let mut lowered = crate::lower::lower(&spec, gen, &selected, false);
    if gen.output.skip_invalid && lowered.diagnostics.iter().any(Diagnostic::is_error) {
        // As `generate --skip-invalid` does: operations with errors of their
        // own are left out (and named in the notes), the rest lowered again.
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.clone());
        let before = selected.len();
        selected.retain(|sel| {
            let alone = crate::lower::lower(&spec, gen, std::slice::from_ref(sel), false);
            let fine = !alone.diagnostics.iter().any(Diagnostic::is_error);
            if !fine {
                let id = sel
                    .operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("no operationId");
                notes.push(format!(
                    "`{name}`: {} {} (`{id}`) left out for errors of its own (--skip-invalid)",
                    sel.method.to_uppercase(),
                    sel.path
                ));
            }
            fine
        });
        if !selected.is_empty() && selected.len() < before {
            lowered = crate::lower::lower(&spec, gen, &selected, false);
        }
    }
    if lowered.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure {
            diagnostics: lowered.diagnostics,
        });
    }
    Ok((lowered.api, notes))
}

/// The diff of two spec files.
pub fn diff_files(
    old: &Path,
    new: &Path,
    config: Option<&ExtractConfig>,
) -> Result<Report, Failure> {
    diff_files_skipping(old, new, config, false)
}

/// The diff of two spec files; with `skip_invalid`, of the crates
/// `--skip-invalid` generates from them (operations with errors of their
/// own left out).
pub fn diff_files_skipping(
    old: &Path,
    new: &Path,
    config: Option<&ExtractConfig>,
    skip_invalid: bool,
) -> Result<Report, Failure> {
    let mut gen = generator_config(config)?;
    gen.output.skip_invalid |= skip_invalid;
    let (old_api, mut notes) = lower_file(old, config, &gen)?;
    let (new_api, new_notes) = lower_file(new, config, &gen)?;
    notes.extend(new_notes);
    let label = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    Ok(Report {
        old_label: label(old),
        new_label: label(new),
        version: Some(gen.output.version.clone()).filter(|v| !v.is_empty()),
        changes: diff_apis(&old_api, &new_api),
        notes,
    })
}

/// `major.minor.patch` of a version, ignoring pre-release and build parts.
fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

impl Report {
    /// How many changes have `impact`.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    fn major_is_zero(&self) -> bool {
        // No version known: the generated crate is 0.x until it says otherwise.
        self.version
            .as_deref()
            .and_then(parse_version)
            .is_none_or(|(major, _, _)| major == 0)
    }

    /// The bump the changes call for, given the crate's current version.
    pub fn bump(&self) -> Bump {
        let zero = self.major_is_zero();
        if self.count(Impact::Breaking) > 0 {
            if zero {
                Bump::Minor
            } else {
                Bump::Major
            }
        } else if self.count(Impact::NonBreaking) > 0 {
            if zero {
                Bump::Patch
            } else {
                Bump::Minor
            }
        } else if self.count(Impact::Documentation) > 0 {
            Bump::Patch
        } else {
            Bump::None
        }
    }

    /// The version after the bump, when the current one is known.
    pub fn next_version(&self) -> Option<String> {
        let (major, minor, patch) = parse_version(self.version.as_deref()?)?;
        Some(match self.bump() {
            Bump::None => format!("{major}.{minor}.{patch}"),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        })
    }

    /// The report as JSON, for scripts (`atlasgen diff --format json`).
    pub fn to_json(&self) -> String {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| json!({"impact": c.impact.as_str(), "kind": c.kind, "subject": c.subject, "message": c.message}))
            .collect();
        let value = json!({
            "old": self.old_label,
            "new": self.new_label,
            "semver": {"bump": self.bump().as_str(), "from": self.version, "to": self.next_version()},
            "summary": {
                "breaking": self.count(Impact::Breaking),
                "non-breaking": self.count(Impact::NonBreaking),
                "documentation": self.count(Impact::Documentation),
                "unchanged": self.count(Impact::Unchanged),
            },
            "changes": changes,
            "notes": self.notes,
        });
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// The report as Markdown, for a pull request body.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "## API change for Rust users: `{}` → `{}`\n\n",
            self.old_label, self.new_label
        );
        let versions = match (&self.version, self.next_version()) {
            (Some(from), Some(to)) if self.bump() != Bump::None => format!(" ({from} → {to})"),
            (Some(from), _) => format!(" (stays {from})"),
            _ => " (no crate version given; 0.x rules)".to_owned(),
        };
        out.push_str(&format!(
            "**Semver: {}**{versions}: {} breaking, {} non-breaking, {} documentation, {} upstream renames absorbed.\n",
            self.bump().as_str(),
            self.count(Impact::Breaking),
            self.count(Impact::NonBreaking),
            self.count(Impact::Documentation),
            self.count(Impact::Unchanged),
        ));
        if self.changes.is_empty() {
            out.push_str("\nNo change for Rust users.\n");
        }
        let section = |out: &mut String, impact: Impact, title: &str| {
            let items: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if items.is_empty() {
                return;
            }
            out.push_str(&format!("\n### {title} ({})\n\n", items.len()));
            for c in items {
                out.push_str(&format!("- `{}`: {}\n", c.subject, c.message));
            }
        };
        section(&mut out, Impact::Breaking, "Breaking");
        section(&mut out, Impact::NonBreaking, "Non-breaking");
        section(
            &mut out,
            Impact::Unchanged,
            "Renamed upstream, Rust names stable",
        );
        let docs: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Documentation)
            .collect();
        if !docs.is_empty() {
            out.push_str(&format!(
                "\n<details><summary>Documentation only ({})</summary>\n\n",
                docs.len()
            ));
            for c in docs {
                out.push_str(&format!("- `{}`: {}\n", c.subject, c.message));
            }
            out.push_str("\n</details>\n");
        }
        if !self.notes.is_empty() {
            out.push_str("\n### Notes\n\n");
            for n in &self.notes {
                out.push_str(&format!("- {n}\n"));
            }
        }
        out.push_str(CLASSIFICATION);
        out
    }
}

const CLASSIFICATION: &str = "
<details><summary>How changes are classified</summary>

- **Breaking**: code using the crate stops compiling or starts failing: removed or renamed operations, types, fields, variants or parameters; a changed type or format; a field or parameter turning required or optional; a new required parameter or field (`new` takes the required fields, of responses too); `new`'s arguments in another order; a closed enum's values renumbered (a value inserted before the last, removed or moved changes the implicit discriminants `as isize` reads); a pattern that now rejects values callers could build; a removed status or media type; with tag features, a removed Cargo feature or an item a feature no longer compiles (it moved to another tag's feature: builds that enable only the old one lose it).
- **Non-breaking**: additions (operations, types, optional fields, enum values at the end of a closed enum or anywhere in an open one, statuses, media types, Cargo features, more features compiling an item), deprecations, widened patterns or patterns only checked on responses, `Debug` redaction. Structs, enums and unions are `#[non_exhaustive]`: values are built with `new`, matches need a `_` arm, and open enums keep unknown values as `Unknown`.
- **Documentation**: descriptions and documented constraints only.
- **Renamed upstream, Rust names stable**: the published spec renamed a schema or an operationId; the pinned Rust name did not move.
- **Semver**: while the major version is 0, breaking → minor, anything else → patch; from 1.0, breaking → major, non-breaking → minor, documentation → patch.

</details>
";

/// A diagnostic for a report that cannot be written.
pub fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        Location::new(path.display().to_string(), ""),
        format!("cannot write the report: {e}"),
    )
}
