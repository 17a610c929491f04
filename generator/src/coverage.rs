//! Coverage: run the generator over a whole spec and report what it can
//! generate, what degrades, and how each known trap of real specs is handled.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::diag::{Failure, Severity};
use crate::load::{self, Spec};
use crate::lower;
use crate::resolve;

/// What generating a whole spec gives: operations and schemas generated and fully typed, what degraded, errors, warnings and traps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The spec's file, as given.
    pub spec: String,
    /// Operations in the spec.
    pub operations_total: usize,
    /// Operations that generate (a request value and a response decoder).
    pub operations_generated: usize,
    /// Of those, operations whose parameters and bodies are typed all the way down.
    pub operations_fully_typed: usize,
    /// Component schemas in the spec.
    pub schemas_total: usize,
    /// Component schemas that lower without an error.
    pub schemas_generated: usize,
    /// Of those, schemas typed all the way down (nothing degraded to JSON).
    pub schemas_fully_typed: usize,
    /// Degraded constructs by kind: how many places.
    pub unsupported: BTreeMap<String, usize>,
    /// The errors lowering the whole spec gives, as printed.
    pub errors: Vec<String>,
    /// Warnings counted by their code.
    pub warnings_by_code: BTreeMap<String, usize>,
    /// The known traps the spec holds.
    pub traps: Vec<Trap>,
}

/// A construct of real specs that breaks established generators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trap {
    /// The trap's name.
    pub name: String,
    /// How many times the spec has it.
    pub found: usize,
    /// What this generator does with it.
    pub handling: String,
}

/// Loads the spec at `path` and reports on it; a spec that does not load is the error.
pub fn report_file(path: &Path) -> Result<Report, Failure> {
    let spec = load::load_file(path)?;
    Ok(report(&spec))
}

/// Reports on a loaded spec: every operation and every component schema, lowered together.
pub fn report(spec: &Spec) -> Report {
    let config = Config::default();
    let selected = resolve::all_operations(spec);
    let lowered = lower::lower(spec, &config, &selected, true);
    let mut r = Report {
        spec: spec.file.clone(),
        operations_total: selected.len(),
        ..Report::default()
    };

    // A model is fully typed when neither it nor anything it uses degraded.
    let mut degraded_models: BTreeSet<String> = BTreeSet::new();
    for (name, node) in &lowered.graph {
        if node.own_degraded > 0 {
            degraded_models.insert(name.clone());
        }
    }
    loop {
        let before = degraded_models.len();
        for (name, node) in &lowered.graph {
            if !degraded_models.contains(name)
                && node.uses.iter().any(|u| degraded_models.contains(u))
            {
                degraded_models.insert(name.clone());
            }
        }
        if degraded_models.len() == before {
            break;
        }
    }
    // Other representations of an operation are not operations of the spec.
    r.operations_generated = lowered
        .api
        .operations
        .iter()
        .filter(|op| op.representation.is_none())
        .count();
    r.operations_fully_typed = lowered
        .api
        .operations
        .iter()
        .filter(|op| op.representation.is_none() && !degraded_models.contains(&op.struct_name))
        .count();

    let error_pointers: Vec<&str> = lowered
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.location.pointer.as_str())
        .collect();
    if let Some(components) = &spec.api.components {
        r.schemas_total = components.schemas.len();
        for name in components.schemas.keys() {
            let pointer = format!(
                "#/components/schemas/{}",
                crate::position::pointer_token(name)
            );
            let prefix = format!("{pointer}/");
            let within = |p: &str| p == pointer || p.starts_with(&prefix);
            if error_pointers.iter().any(|p| within(p)) {
                continue;
            }
            r.schemas_generated += 1;
            let degraded = match lowered.named.get(&pointer) {
                Some(model) => degraded_models.contains(model),
                None => lowered.degraded.iter().any(|d| within(&d.pointer)),
            };
            if !degraded {
                r.schemas_fully_typed += 1;
            }
        }
    }
    for d in &lowered.degraded {
        *r.unsupported.entry(d.kind.to_owned()).or_default() += 1;
    }
    for d in &lowered.diagnostics {
        match d.severity {
            Severity::Error => r.errors.push(d.to_string()),
            Severity::Warning => {
                *r.warnings_by_code
                    .entry(d.code.as_str().to_owned())
                    .or_default() += 1
            }
        }
    }
    r.traps = traps(spec);
    r
}

/// Finds the known traps in the spec. Filled in by `traps` below.
fn traps(spec: &Spec) -> Vec<Trap> {
    crate::traps::find(spec)
}

impl Report {
    /// The report as the command prints it, for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("coverage of {}\n", self.spec));
        out.push_str(&format!(
            "operations: {}/{} generated, {} fully typed\n",
            self.operations_generated, self.operations_total, self.operations_fully_typed
        ));
        out.push_str(&format!(
            "schemas: {}/{} generated, {} fully typed\n",
            self.schemas_generated, self.schemas_total, self.schemas_fully_typed
        ));
        if !self.unsupported.is_empty() {
            out.push_str(
                "constructs not supported yet (degraded to serde_json::Value), by kind:\n",
            );
            for (k, n) in &self.unsupported {
                out.push_str(&format!("  {n:>5}  {k}\n"));
            }
        }
        if !self.warnings_by_code.is_empty() {
            out.push_str("warnings by kind:\n");
            for (k, n) in &self.warnings_by_code {
                out.push_str(&format!("  {n:>5}  {k}\n"));
            }
        }
        if !self.traps.is_empty() {
            out.push_str("known traps:\n");
            for t in &self.traps {
                out.push_str(&format!("  {:>5}  {}: {}\n", t.found, t.name, t.handling));
            }
        }
        out.push_str(&format!("errors: {}\n", self.errors.len()));
        for e in self.errors.iter().take(20) {
            out.push_str(&format!("{e}\n"));
        }
        out
    }

    /// The report as one JSON object, for scripts.
    pub fn to_json(&self) -> String {
        let traps: Vec<serde_json::Value> = self
            .traps
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "found": t.found, "handling": t.handling}))
            .collect();
        let v = serde_json::json!({
            "spec": self.spec,
            "operations": {"total": self.operations_total, "generated": self.operations_generated, "fully_typed": self.operations_fully_typed},
            "schemas": {"total": self.schemas_total, "generated": self.schemas_generated, "fully_typed": self.schemas_fully_typed},
            "unsupported": self.unsupported,
            "warnings": self.warnings_by_code,
            "errors": self.errors,
            "traps": traps,
        });
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }
}
