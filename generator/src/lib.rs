//! atlasgen: an OpenAPI 3.0 to Rust code generator.
//!
//! [`generate_from_config`] (or [`generate`], [`generate_from_spec`]) runs
//! the whole pipeline and returns the files of a crate, which
//! [`write`](mod@write) puts on disk and [`freshness`] compares with the
//! committed ones. Inside, the spec is loaded ([`load`]), its operations
//! selected and `$ref`s followed, lowered to an intermediate representation
//! that decides everything, and printed as Rust; those steps are private,
//! and [`lower()`] with [`Lowered`] is the one view into the middle (for
//! fuzzing and round-trip tests).
//!
//! The public modules are what the `atlasgen` command and the tests use:
//! [`config`] and [`diag`] (located diagnostics, with [`position`] for
//! pointers and lines), [`pattern`] (ECMA-262 patterns compiled to
//! validators), [`instances`] (valid JSON for any schema, the round-trip
//! oracle), [`coverage`] (what a whole spec generates), [`diff`] (the semver
//! bump between two specs) and [`extract`] (a fragment cut out of a
//! published spec).
#![warn(missing_docs)]

pub mod config;
pub mod coverage;
pub mod diag;
pub mod diff;
mod emit;
mod examples;
mod extensions;
pub mod extract;
pub mod freshness;
pub mod instances;
mod ir;
pub mod load;
mod lower;
mod naming;
pub mod pattern;
pub mod position;
mod resolve;
mod roundtrip;
mod traps;
pub mod write;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use diag::{Diagnostic, Failure};
pub use emit::File;
pub use lower::cli::RESERVED_FLAGS;
pub use lower::is_secret_name;
pub use roundtrip::{Case as RoundTripCase, Cases as RoundTripCases};

/// The files of a generated crate, not yet written.
pub struct Generated {
    /// Every file of the crate, by its path inside it.
    pub files: Vec<File>,
    /// Warnings: quirks of the spec the generator worked around.
    pub warnings: Vec<Diagnostic>,
    /// Where the config says the crate goes.
    pub out_dir: PathBuf,
    /// Operations left out because of their errors (`skip_invalid`).
    pub skipped: Vec<SkippedOperation>,
}

/// An operation `skip_invalid` left out, and why.
pub struct SkippedOperation {
    /// `METHOD path (operationId)`.
    pub operation: String,
    /// The errors lowering it alone gives.
    pub errors: Vec<Diagnostic>,
}

/// Loads the config at `config_path` and generates the crate it describes.
pub fn generate_from_config(config_path: &Path) -> Result<Generated, Failure> {
    let config = Config::load(config_path)?;
    generate(&config)
}

/// Generates the crate a config describes.
pub fn generate(config: &Config) -> Result<Generated, Failure> {
    let spec = timed("load", || load::load_file(&config.spec))?;
    generate_from_spec(&spec, config)
}

/// Generates from an already loaded spec.
pub fn generate_from_spec(spec: &load::Spec, config: &Config) -> Result<Generated, Failure> {
    let selected = timed("resolve", || resolve::select(spec, &config.select))?;
    let all_schemas = config.output.all_schemas;
    let mut lowered = timed("lower", || {
        lower::lower(spec, config, &selected, all_schemas)
    });
    let mut skipped = Vec::new();
    if config.output.skip_invalid && lowered.diagnostics.iter().any(Diagnostic::is_error) {
        // Each operation alone: the ones with errors of their own are left
        // out, the rest lowered again together.
        let mut keep = Vec::new();
        for sel in &selected {
            let alone = lower::lower(spec, config, std::slice::from_ref(sel), false);
            let errors: Vec<Diagnostic> = alone
                .diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            if errors.is_empty() {
                keep.push(*sel);
            } else {
                let id = sel
                    .operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("no operationId");
                skipped.push(SkippedOperation {
                    operation: format!("{} {} ({id})", sel.method.to_uppercase(), sel.path),
                    errors,
                });
            }
        }
        // Errors no single operation has (or every one has) still refuse.
        if !keep.is_empty() && !skipped.is_empty() {
            lowered = timed("lower", || lower::lower(spec, config, &keep, all_schemas));
        } else {
            skipped.clear();
        }
    }
    if lowered.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure {
            diagnostics: lowered.diagnostics,
        });
    }
    let mut files = timed("emit+format", || emit_files(&lowered, config)).map_err(|e| {
        Failure::single(Diagnostic::error(
            diag::Code::Shape,
            diag::Location::new(&spec.file, ""),
            e,
        ))
    })?;
    if config.output.roundtrip_tests > 0 {
        let opts = instances::Options {
            count: config.output.roundtrip_tests,
            ..instances::Options::default()
        };
        let cases = timed("roundtrip cases", || {
            roundtrip::cases(spec, &lowered, &opts)
        });
        files.push(File {
            path: "tests/roundtrip.jsonl".to_owned(),
            contents: cases.to_jsonl(),
        });
    }
    if let Some(place) = &config.config_in_crate {
        files.push(config_file(config, place)?);
    }
    Ok(Generated {
        files,
        warnings: lowered.diagnostics,
        out_dir: config.output.dir.clone(),
        skipped,
    })
}

/// Prints a lowered spec as the files of the crate `config` describes
/// (without the round-trip instances and the config file).
fn emit_files(lowered: &lower::Lowered, config: &Config) -> Result<Vec<File>, String> {
    let spec_name = spec_display_name(config);
    let runtime_version = config.runtime_version();
    let settings = emit::Settings {
        crate_name: &config.output.crate_name,
        version: &config.output.version,
        runtime_path: &config.output.runtime_path,
        spec_name: &spec_name,
        regenerate_command: &config.output.regenerate_command,
        example_tests: config.output.example_tests,
        roundtrip_tests: config.output.roundtrip_tests > 0,
        spec_source: config.spec_source.as_deref(),
        runtime_version: runtime_version.as_deref(),
        package: &config.package,
    };
    emit::emit(&lowered.api, &settings)
}

/// A spec lowered to the generator's intermediate representation: the
/// middle of [`generate_from_spec`], for tools that look at it (the fuzzer
/// prints it, the corpus round trips draw instances of its types).
pub struct Lowered {
    inner: lower::Lowered,
}

/// Selects the operations `config` names and lowers them (and, with
/// `output.all_schemas`, every component schema). A selection naming what the
/// spec lacks is the error; everything lowering finds is in
/// [`Lowered::diagnostics`].
pub fn lower(spec: &load::Spec, config: &Config) -> Result<Lowered, Failure> {
    let selected = resolve::select(spec, &config.select)?;
    Ok(Lowered {
        inner: lower::lower(spec, config, &selected, config.output.all_schemas),
    })
}

impl Lowered {
    /// Errors first, then warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.inner.diagnostics
    }

    /// The crate's files as [`generate_from_spec`] prints them for `config`
    /// (without the round-trip instances and the config file). An `Err` is
    /// generated code that does not parse: a bug of the generator.
    pub fn emit(&self, config: &Config) -> Result<Vec<File>, String> {
        emit_files(&self.inner, config)
    }

    /// `options.count` valid instances of every schema that became a named
    /// type, each with the type it must round-trip through.
    pub fn roundtrip_cases(
        &self,
        spec: &load::Spec,
        options: &instances::Options,
    ) -> RoundTripCases {
        roundtrip::cases(spec, &self.inner, options)
    }

    /// The models no schema became, so no round-trip case reaches them
    /// (none, when every model is some schema's type).
    pub fn models_without_schema(&self) -> Vec<&str> {
        self.inner
            .api
            .types
            .iter()
            .filter(|t| {
                !self
                    .inner
                    .schema_types
                    .iter()
                    .any(|(_, _, ty)| ty.key() == t.name)
            })
            .map(|t| t.name.as_str())
            .collect()
    }
}

/// The config as a file of the crate, at `place` inside it: a generated file
/// like the others, so `check` notices an edit and `write` keeps it.
fn config_file(config: &Config, place: &Path) -> Result<File, Failure> {
    let path = config.output.dir.join(place);
    let folder = path.parent().unwrap_or(&config.output.dir);
    let contents = config.to_toml(folder).map_err(|e| {
        Failure::single(Diagnostic::error(
            diag::Code::Config,
            diag::Location::new(path.display().to_string(), ""),
            e,
        ))
    })?;
    Ok(File {
        path: place.to_string_lossy().replace('\\', "/"),
        contents,
    })
}

/// Runs `f`; with `ATLASGEN_TIMINGS` set, prints how long it took to stderr
/// (how scripts/bench.sh splits a generation into phases).
pub fn timed<R>(phase: &str, f: impl FnOnce() -> R) -> R {
    if std::env::var_os("ATLASGEN_TIMINGS").is_none() {
        return f();
    }
    let start = std::time::Instant::now();
    let result = f();
    eprintln!(
        "atlasgen timing: {phase} {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    result
}

/// The spec's name in headers: its folder and file name, so the bytes do not
/// depend on where the generator was run from.
fn spec_display_name(config: &Config) -> String {
    let canonical = std::fs::canonicalize(&config.spec).unwrap_or_else(|_| config.spec.clone());
    let file = canonical
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    match canonical.parent().and_then(Path::file_name) {
        Some(dir) => format!("{}/{file}", dir.to_string_lossy()),
        None => file,
    }
}
