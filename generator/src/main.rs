//! The `atlasgen` command line. See `atlasgen help`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use atlasgen::extract::{self, ExtractConfig, PinRecord};
use atlasgen::{coverage, diag::Failure, diff, write, Config};

const EXIT_CODES: &str = "\
Exit codes: 0 success; 1 a stale crate (check) or a usage error; 3 generated,
but --skip-invalid left operations out (each listed with its errors); 10-21 a
spec or config error (each kind of error has its own code, printed with it).";

/// OpenAPI 3.0 to Rust code generator
///
/// Errors are printed with the file, line and column and the JSON pointer of
/// the construct. In the workspace, run it as `cargo run -p atlasgen -- <COMMAND>`.
// Verbatim: without clap's `wrap_help` (and the terminal-size crates it
// brings) the long texts print as written here, so they are wrapped here.
#[derive(Parser)]
#[command(name = "atlasgen", version, after_help = EXIT_CODES, verbatim_doc_comment)]
#[command(arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crate CONFIG describes, writing only the files whose bytes change
    Generate {
        /// The generator config (`spec`, `[output]`, `[select]`, `[names]`)
        #[arg(default_value = "spec/atlasgen.toml")]
        config: PathBuf,
        /// Leave out operations with errors of their own, list each with its
        /// errors, and exit 3; without it any error refuses the whole spec
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Exit 1 if the generated crate is stale, printing the command that fixes it
    ///
    /// Generates in memory and compares with what is on disk, writing nothing.
    /// With --pinned, also exit 1 if SPEC is not the pinned published spec or
    /// the extracted spec is not what `extract` makes of it.
    #[command(verbatim_doc_comment)]
    Check {
        /// The generator config
        #[arg(default_value = "spec/atlasgen.toml")]
        config: PathBuf,
        /// A published spec that must be the one the extract config's `pinned` record names
        #[arg(long, value_name = "SPEC")]
        pinned: Option<PathBuf>,
        /// The extract config for --pinned [default: extract.toml beside CONFIG]
        #[arg(long, value_name = "EXTRACT")]
        extract_config: Option<PathBuf>,
    },
    /// Cut the operations an extract config selects out of a published spec
    ///
    /// Pins their Rust names (as `x-rust-name`) and writes the result. Without
    /// --out it updates spec/ in place: the extracted spec at the config's `out`
    /// and the record of the published spec (date and sha256) at its `pinned`.
    #[command(verbatim_doc_comment)]
    Extract(ExtractArgs),
    /// The API change from OLD to NEW for Rust users, classified, with the semver bump it implies
    Diff(DiffArgs),
    /// Report what of a whole spec can be generated, and the traps in it
    Coverage {
        /// The spec to examine
        spec: PathBuf,
        /// Print the report as JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Generate a crate from any spec into OUT_DIR, one Cargo feature per tag
    ///
    /// Also writes OUT_DIR/atlasgen.toml, the config of this invocation, so
    /// that `atlasgen generate OUT_DIR/atlasgen.toml` regenerates the crate
    /// and `atlasgen check OUT_DIR/atlasgen.toml` tells whether it is fresh.
    #[command(verbatim_doc_comment)]
    Crate(CrateArgs),
    /// Print a completion script for SHELL to stdout
    ///
    /// For example, for bash:
    ///     atlasgen completions bash > ~/.local/share/bash-completion/completions/atlasgen
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct ExtractArgs {
    /// The extract config (selection, pins, `out`, `pinned`)
    #[arg(long, value_name = "EXTRACT")]
    config: PathBuf,
    /// The published spec to cut from
    #[arg(long, value_name = "SPEC")]
    spec: PathBuf,
    /// Write the extracted spec here instead, leaving the config's `out` and its record alone
    #[arg(long, value_name = "OUT")]
    out: Option<PathBuf>,
    /// Also write the pins and the upstream renames they absorbed, as Markdown
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// The publication date to record [default: the record's for the same
    /// bytes, else the date in SPEC's name, else today]
    #[arg(long, value_name = "YYYY-MM-DD", verbatim_doc_comment)]
    date: Option<String>,
    /// The URL to record [default: the config's `upstream`]
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

#[derive(Args)]
struct DiffArgs {
    /// The spec before
    old: PathBuf,
    /// The spec after
    new: PathBuf,
    /// Cut both specs and pin their names with this extract config, as the crate sees them
    #[arg(long, value_name = "EXTRACT")]
    config: Option<PathBuf>,
    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// The name of OLD in the report [default: its file name]
    #[arg(long, value_name = "L")]
    old_label: Option<String>,
    /// The name of NEW in the report [default: its file name]
    #[arg(long, value_name = "L")]
    new_label: Option<String>,
    /// Leave out operations with errors of their own, as `generate
    /// --skip-invalid` does (each is named in the report's notes)
    #[arg(long)]
    skip_invalid: bool,
}

#[derive(Args)]
struct CrateArgs {
    /// The spec (OpenAPI 3.0, YAML or JSON)
    spec: PathBuf,
    /// Where the crate goes
    out_dir: PathBuf,
    /// The path from OUT_DIR to the atlas-runtime crate, written into its Cargo.toml
    #[arg(long, value_name = "PATH", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    runtime_path: String,
    /// Generate only this operation (repeat for more) [default: every operation]
    #[arg(long = "operation", value_name = "ID")]
    operations: Vec<String>,
    /// The crate's package name
    #[arg(long, value_name = "NAME", default_value = "atlas-admin-full")]
    crate_name: String,
    /// Add a conformance test that decodes every example of the spec into its type
    #[arg(long)]
    example_tests: bool,
    /// Generate every component schema, reached by an operation or not
    #[arg(long)]
    all_schemas: bool,
    /// Leave out operations with errors of their own (exit 3, listing them)
    #[arg(long)]
    skip_invalid: bool,
    /// Add a round-trip test over N generated instances of every schema
    /// (tests/roundtrip.rs, feature `roundtrip`)
    #[arg(long, value_name = "N", default_value_t = 0)]
    roundtrip_tests: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    #[value(alias = "md")]
    Markdown,
    Json,
}

fn main() -> ExitCode {
    atlasgen::timed("total", run)
}

fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout and succeed; usage errors exit 1,
            // as they always have here (clap's own code is 2).
            let _ = e.print();
            return ExitCode::from(if e.exit_code() == 0 { 0 } else { 1 });
        }
    };
    let result = match cli.command {
        Command::Generate {
            config,
            skip_invalid,
        } => generate(config, skip_invalid),
        Command::Check {
            config,
            pinned,
            extract_config,
        } => check(&config, pinned.as_deref(), extract_config),
        Command::Extract(args) => extract_cmd(args),
        Command::Diff(args) => diff_cmd(args),
        Command::Coverage { spec, json } => coverage_cmd(&spec, json),
        Command::Crate(args) => crate_cmd(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "atlasgen", &mut script);
            let _ = std::io::stdout().write_all(&script);
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("{}", failure.render(atlasgen::diag::read_source));
            let errors = failure.errors().count();
            eprintln!(
                "error: generation failed with {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::from(u8::try_from(failure.exit_code()).unwrap_or(1))
        }
    }
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print_out(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

fn print_warnings(warnings: &[atlasgen::Diagnostic]) {
    if !warnings.is_empty() {
        eprintln!(
            "{}\n",
            atlasgen::diag::render_all(warnings, atlasgen::diag::read_source)
        );
    }
}

/// A selection naming what the spec lacks is a mistake in the config:
/// point at the config line that names it.
fn selection_in_config(mut failure: Failure, config: &Path) -> Failure {
    let Ok(text) = std::fs::read_to_string(config) else {
        return failure;
    };
    for d in failure
        .diagnostics
        .iter_mut()
        .filter(|d| d.code == atlasgen::diag::Code::Selection)
    {
        let Some(wanted) = d.message.split('`').nth(1) else {
            continue;
        };
        if let Some(offset) = text.find(&format!("\"{wanted}\"")) {
            let mut loc = atlasgen::diag::Location::new(config.display().to_string(), "");
            loc.line = Some(atlasgen::position::line_col(&text, offset));
            *d.location = loc;
        }
    }
    failure
}

fn io_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::single(atlasgen::Diagnostic::error(
        atlasgen::diag::Code::Io,
        atlasgen::diag::Location::new(path.display().to_string(), ""),
        format!("cannot write the generated crate: {e}"),
    ))
}

fn generate(config_path: PathBuf, skip_invalid: bool) -> Result<u8, Failure> {
    let mut config = Config::load(&config_path)?;
    config.output.skip_invalid |= skip_invalid;
    let generated =
        atlasgen::generate(&config).map_err(|f| selection_in_config(f, &config_path))?;
    print_warnings(&generated.warnings);
    let outcome = atlasgen::timed("write", || {
        write::write(&generated.out_dir, &generated.files)
    })
    .map_err(|e| io_failure(&generated.out_dir, e))?;
    for p in &outcome.changed {
        eprintln!("wrote {}", p.display());
    }
    for p in &outcome.extra {
        eprintln!("removed {}", p.display());
    }
    eprintln!(
        "{} files written, {} unchanged",
        outcome.changed.len(),
        outcome.unchanged.len()
    );
    Ok(report_skipped(&generated.skipped))
}

fn check(
    config_path: &Path,
    pinned: Option<&Path>,
    extract_config: Option<PathBuf>,
) -> Result<u8, Failure> {
    let config = Config::load(config_path)?;
    let mut stale = false;
    if let Some(published) = pinned {
        let extract_path = extract_config.unwrap_or_else(|| {
            config_path
                .parent()
                .unwrap_or(Path::new("."))
                .join("extract.toml")
        });
        stale |= !pinned_fresh(published, &extract_path)?;
    }
    let generated = atlasgen::generate(&config).map_err(|f| selection_in_config(f, config_path))?;
    let outcome = atlasgen::timed("check", || {
        write::check(&generated.out_dir, &generated.files)
    })
    .map_err(|e| io_failure(&generated.out_dir, e))?;
    if outcome.is_fresh() {
        eprintln!("{} is fresh", generated.out_dir.display());
    } else {
        for p in &outcome.changed {
            eprintln!("stale: {}", p.display());
        }
        for p in &outcome.extra {
            eprintln!("not generated any more: {}", p.display());
        }
        eprintln!(
            "the generated crate is stale; run:\n    {}",
            config.output.regenerate_command
        );
        stale = true;
    }
    Ok(u8::from(stale))
}

/// Whether `published` is the pinned spec and the extracted spec is what
/// extract makes of it; says what to run when not.
fn pinned_fresh(published: &Path, extract_path: &Path) -> Result<bool, Failure> {
    let config = ExtractConfig::load(extract_path)?;
    let Some(record_path) = &config.pinned else {
        eprintln!(
            "{} names no `pinned` record; nothing to check against",
            extract_path.display()
        );
        return Ok(false);
    };
    let record = PinRecord::load(record_path)?;
    let (doc, bytes) = extract::read_document(published)?;
    let sha = extract::sha256_hex(&bytes);
    let update = format!("scripts/spec-update.sh {}", published.display());
    if !record.is_pinned() {
        eprintln!(
            "{} pins no published spec ({}); to pin {} run:\n    {update}",
            record_path.display(),
            record.describe(),
            published.display()
        );
        return Ok(false);
    }
    if record.sha256 != sha {
        eprintln!(
            "{} is not the pinned spec: {} pins the spec published {} (sha256 {}), this one has sha256 {sha}; to move to it run:\n    {update}",
            published.display(),
            record_path.display(),
            record.date,
            record.sha256
        );
        return Ok(false);
    }
    let extracted = extract::extract(&published.display().to_string(), &doc, &config, None)?;
    let current = std::fs::read(&config.out).unwrap_or_default();
    if current != extracted.yaml.as_bytes() {
        eprintln!(
            "{} is stale: it is not what extract makes of the pinned spec; run:\n    cargo run -p atlasgen -- extract --config {} --spec {}",
            config.out.display(),
            extract_path.display(),
            published.display()
        );
        return Ok(false);
    }
    eprintln!(
        "{} is the pinned spec (published {}), and {} is extracted from it",
        published.display(),
        record.date,
        config.out.display()
    );
    Ok(true)
}

fn write_file(path: &Path, contents: &str) -> Result<bool, Failure> {
    if std::fs::read(path).ok().as_deref() == Some(contents.as_bytes()) {
        return Ok(false);
    }
    let fail = |e: std::io::Error| {
        Failure::single(atlasgen::Diagnostic::error(
            atlasgen::diag::Code::Io,
            atlasgen::diag::Location::new(path.display().to_string(), ""),
            format!("cannot write: {e}"),
        ))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, contents).map_err(fail)?;
    Ok(true)
}

fn extract_cmd(args: ExtractArgs) -> Result<u8, Failure> {
    let config = ExtractConfig::load(&args.config)?;
    let spec_path = args.spec.as_path();
    let (doc, bytes) = extract::read_document(spec_path)?;
    // Without --out, spec/ is updated in place: the extraction and its record.
    let in_place = args.out.is_none();
    let out = args.out.unwrap_or_else(|| config.out.clone());
    let previous = extract::previous_extraction(&out);
    let extracted = extract::extract(
        &spec_path.display().to_string(),
        &doc,
        &config,
        previous.as_ref(),
    )?;
    let changed = write_file(&out, &extracted.yaml)?;
    eprintln!(
        "{} {}",
        if changed { "wrote" } else { "unchanged:" },
        out.display()
    );
    if in_place {
        if let Some(record_path) = &config.pinned {
            let sha = extract::sha256_hex(&bytes);
            let existing = PinRecord::load(record_path).ok();
            let date = args
                .date
                .or_else(|| {
                    existing
                        .as_ref()
                        .filter(|r| r.sha256 == sha)
                        .map(|r| r.date.clone())
                })
                .or_else(|| extract::date_in_name(spec_path))
                .unwrap_or_else(extract::today);
            let url = args.url.unwrap_or_else(|| config.upstream.clone());
            let record = PinRecord {
                date,
                sha256: sha,
                url,
                note: String::new(),
            };
            let changed = write_file(record_path, &record.to_toml())?;
            eprintln!(
                "{} {}",
                if changed { "wrote" } else { "unchanged:" },
                record_path.display()
            );
        }
    }
    // After the record is written: the generator config reads it.
    let mut warnings = extracted.warnings.clone();
    if let Some(gen_path) = &config.generator_config {
        match Config::load(gen_path) {
            Ok(gen) => warnings.extend(extract::stale_config_keys(
                &extracted.document,
                &gen,
                &gen_path.display().to_string(),
            )),
            Err(d) => warnings.push(atlasgen::Diagnostic::warning(
                d.code,
                *d.location,
                format!("cannot check the generator config's pins: {}", d.message),
            )),
        }
    }
    print_warnings(&warnings);
    if let Some(report) = &args.report {
        write_file(report, &extract::pins_markdown(&extracted.pins, &warnings))?;
    }
    for p in extracted.pins.iter().filter(|p| p.absorbs_rename()) {
        let at = p
            .position
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        eprintln!(
            "pinned: {}{at}: `{}` stays {} in Rust",
            p.operation,
            p.published.as_deref().unwrap_or("(inline)"),
            p.rust_text()
        );
    }
    Ok(0)
}

fn diff_cmd(args: DiffArgs) -> Result<u8, Failure> {
    let config = match args.config {
        Some(p) => Some(ExtractConfig::load(&p)?),
        None => None,
    };
    let mut report =
        diff::diff_files_skipping(&args.old, &args.new, config.as_ref(), args.skip_invalid)?;
    if let Some(l) = args.old_label {
        report.old_label = l;
    }
    if let Some(l) = args.new_label {
        report.new_label = l;
    }
    print_out(&match args.format {
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    });
    Ok(0)
}

fn coverage_cmd(spec: &Path, json: bool) -> Result<u8, Failure> {
    let report = coverage::report_file(spec)?;
    if json {
        print_out(&report.to_json());
    } else {
        print_out(&report.to_text());
    }
    Ok(0)
}

/// Where `atlasgen crate` records its invocation, inside OUT_DIR.
const CRATE_CONFIG: &str = "atlasgen.toml";

fn crate_cmd(args: CrateArgs) -> Result<u8, Failure> {
    // Named as the user spelled OUT_DIR, so the command reads as theirs.
    let regenerate_command = format!(
        "atlasgen generate {}",
        shell_word(&args.out_dir.join(CRATE_CONFIG).display().to_string())
    );
    let config = Config {
        spec: args.spec,
        config_in_crate: Some(PathBuf::from(CRATE_CONFIG)),
        output: atlasgen::config::Output {
            dir: args.out_dir,
            crate_name: args.crate_name,
            version: "0.1.0".to_owned(),
            runtime_path: args.runtime_path,
            regen_path: String::new(),
            regenerate_command,
            tag_features: true,
            example_tests: args.example_tests,
            roundtrip_tests: args.roundtrip_tests,
            all_schemas: args.all_schemas,
            skip_invalid: args.skip_invalid,
        },
        select: atlasgen::config::Selection {
            operation_ids: args.operations,
            ..Default::default()
        },
        ..Config::default()
    };
    generate_config(&config)
}

/// `word` as one shell word: quoted when it holds anything but the
/// characters paths are usually made of.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=,@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Exit status 3 (and each operation with its errors on stderr) when
/// `skip_invalid` left operations out; 0 otherwise.
fn report_skipped(skipped: &[atlasgen::SkippedOperation]) -> u8 {
    if skipped.is_empty() {
        return 0;
    }
    for s in skipped {
        eprintln!("skipped {}:", s.operation);
        eprintln!(
            "{}",
            atlasgen::diag::render_all(&s.errors, atlasgen::diag::read_source)
        );
    }
    eprintln!(
        "{} operation{} skipped for errors of {} own; the rest is generated",
        skipped.len(),
        if skipped.len() == 1 { "" } else { "s" },
        if skipped.len() == 1 { "its" } else { "their" }
    );
    SKIPPED
}

/// The exit status of a generation that left operations out (`--skip-invalid`).
const SKIPPED: u8 = 3;

fn generate_config(config: &Config) -> Result<u8, Failure> {
    let generated = atlasgen::generate(config)?;
    atlasgen::timed("warnings", || print_warnings(&generated.warnings));
    eprintln!("{} warnings", generated.warnings.len());
    let outcome = atlasgen::timed("write", || {
        write::write(&generated.out_dir, &generated.files)
    })
    .map_err(|e| io_failure(&generated.out_dir, e))?;
    eprintln!(
        "{} files written, {} unchanged",
        outcome.changed.len(),
        outcome.unchanged.len()
    );
    Ok(report_skipped(&generated.skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_passes_clap_s_own_checks() {
        Cli::command().debug_assert();
    }
}
