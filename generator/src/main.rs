//! The `atlasgen` command line. See `atlasgen help`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use atlasgen::extract::{self, ExtractConfig, PinRecord};
use atlasgen::{coverage, diag::Failure, diff, write, Config};

const USAGE: &str = "\
atlasgen: OpenAPI 3.0 to Rust code generator

USAGE:
    atlasgen generate [CONFIG]      regenerate the crate CONFIG describes (default: spec/atlasgen.toml)
    atlasgen check [CONFIG] [--pinned SPEC] [--extract-config EXTRACT]
                                    exit 1 if the generated crate is stale, printing the fix;
                                    with --pinned, also if SPEC is not the pinned published
                                    spec or spec/ is not what extract makes of it
    atlasgen extract --config EXTRACT --spec SPEC [--out OUT] [--report FILE] [--date YYYY-MM-DD] [--url URL]
                                    cut the operations EXTRACT selects out of the published SPEC,
                                    pin their Rust names, write OUT (default: the config's `out`,
                                    which also records the pinned spec); --report writes the pins
                                    and the upstream renames they absorbed (Markdown)
    atlasgen diff OLD NEW [--config EXTRACT] [--format markdown|json] [--old-label L] [--new-label L]
                                    the API change from OLD to NEW for Rust users, each change
                                    classified, and the semver bump it implies
    atlasgen coverage SPEC [--json] report what of a whole spec can be generated
    atlasgen crate SPEC OUT_DIR --runtime-path PATH [--operation ID]... [--crate-name NAME] [--example-tests]
                                    generate a crate from any spec into OUT_DIR, one Cargo
                                    feature per tag (--example-tests adds a conformance
                                    test over the spec's examples)
    atlasgen help                   this text

Exit codes: 0 success, 1 stale (check) or usage error, 10-21 a spec or
config error (see the error's code).";

fn main() -> ExitCode {
    atlasgen::timed("total", run)
}

fn run() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(config_arg(&args)),
        Some("check") => check(&args[1..]),
        Some("extract") => extract_cmd(&args[1..]),
        Some("diff") => diff_cmd(&args[1..]),
        Some("coverage") => coverage_cmd(&args[1..]),
        Some("crate") => crate_cmd(&args[1..]),
        Some("help") | Some("--help") | Some("-h") => {
            print_out(USAGE);
            Ok(0)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(1)
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
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{text}");
}

fn config_arg(args: &[String]) -> PathBuf {
    args.get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("spec/atlasgen.toml"))
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
            loc.line = Some(atlasgen::config::line_col(&text, offset));
            d.location = loc;
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

fn generate(config: PathBuf) -> Result<u8, Failure> {
    let generated =
        atlasgen::generate_from_config(&config).map_err(|f| selection_in_config(f, &config))?;
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
    Ok(0)
}

/// Splits `--flag value` pairs from positional arguments; `None` for a flag
/// without its value or one not in `known`.
fn parse_flags<'a>(
    args: &'a [String],
    known: &[&str],
) -> Option<(Vec<&'a str>, BTreeMap<&'a str, &'a str>)> {
    let mut positional = Vec::new();
    let mut flags = BTreeMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with("--") {
            if !known.contains(&a.as_str()) {
                eprintln!("unknown option {a}");
                return None;
            }
            let Some(v) = it.next() else {
                eprintln!("{a} needs a value");
                return None;
            };
            flags.insert(a.as_str(), v.as_str());
        } else {
            positional.push(a.as_str());
        }
    }
    Some((positional, flags))
}

fn check(args: &[String]) -> Result<u8, Failure> {
    let Some((positional, flags)) = parse_flags(args, &["--pinned", "--extract-config"]) else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let config_path = positional
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("spec/atlasgen.toml"));
    let config = Config::load(&config_path)?;
    let mut stale = false;
    if let Some(published) = flags.get("--pinned") {
        let extract_path = flags
            .get("--extract-config")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                config_path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join("extract.toml")
            });
        stale |= !pinned_fresh(Path::new(published), &extract_path)?;
    }
    let generated =
        atlasgen::generate(&config).map_err(|f| selection_in_config(f, &config_path))?;
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

fn extract_cmd(args: &[String]) -> Result<u8, Failure> {
    let Some((positional, flags)) = parse_flags(
        args,
        &["--config", "--spec", "--out", "--report", "--date", "--url"],
    ) else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let (Some(config_path), Some(spec_path), true) = (
        flags.get("--config"),
        flags.get("--spec"),
        positional.is_empty(),
    ) else {
        eprintln!("extract needs --config and --spec\n{USAGE}");
        return Ok(1);
    };
    let config = ExtractConfig::load(Path::new(config_path))?;
    let spec_path = Path::new(spec_path);
    let (doc, bytes) = extract::read_document(spec_path)?;
    // Without --out, spec/ is updated in place: the extraction and its record.
    let in_place = !flags.contains_key("--out");
    let out = flags
        .get("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| config.out.clone());
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
            let date = flags
                .get("--date")
                .map(|d| (*d).to_owned())
                .or_else(|| {
                    existing
                        .as_ref()
                        .filter(|r| r.sha256 == sha)
                        .map(|r| r.date.clone())
                })
                .or_else(|| extract::date_in_name(spec_path))
                .unwrap_or_else(extract::today);
            let url = flags
                .get("--url")
                .map(|u| (*u).to_owned())
                .unwrap_or_else(|| config.upstream.clone());
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
                d.location,
                format!("cannot check the generator config's pins: {}", d.message),
            )),
        }
    }
    print_warnings(&warnings);
    if let Some(report) = flags.get("--report") {
        write_file(
            Path::new(report),
            &extract::pins_markdown(&extracted.pins, &warnings),
        )?;
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

fn diff_cmd(args: &[String]) -> Result<u8, Failure> {
    let Some((positional, flags)) = parse_flags(
        args,
        &["--config", "--format", "--old-label", "--new-label"],
    ) else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let [old, new] = positional.as_slice() else {
        eprintln!("diff needs OLD and NEW\n{USAGE}");
        return Ok(1);
    };
    let config = match flags.get("--config") {
        Some(p) => Some(ExtractConfig::load(Path::new(p))?),
        None => None,
    };
    let mut report = diff::diff_files(Path::new(old), Path::new(new), config.as_ref())?;
    if let Some(l) = flags.get("--old-label") {
        report.old_label = (*l).to_owned();
    }
    if let Some(l) = flags.get("--new-label") {
        report.new_label = (*l).to_owned();
    }
    let text = match flags.get("--format").copied().unwrap_or("markdown") {
        "markdown" | "md" => report.to_markdown(),
        "json" => report.to_json(),
        other => {
            eprintln!("unknown format {other}: markdown or json");
            return Ok(1);
        }
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(0)
}

fn coverage_cmd(args: &[String]) -> Result<u8, Failure> {
    let Some(spec) = args.first() else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let json = args.iter().any(|a| a == "--json");
    let report = coverage::report_file(Path::new(spec))?;
    if json {
        print_out(&report.to_json());
    } else {
        print_out(&report.to_text());
    }
    Ok(0)
}

fn crate_cmd(args: &[String]) -> Result<u8, Failure> {
    let (Some(spec), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let mut config = Config {
        spec: PathBuf::from(spec),
        output: atlasgen::config::Output {
            dir: PathBuf::from(out),
            crate_name: "atlas-admin-full".to_owned(),
            version: "0.1.0".to_owned(),
            runtime_path: String::new(),
            regen_path: String::new(),
            regenerate_command: format!("atlasgen crate {spec} {out}"),
            tag_features: true,
            example_tests: false,
        },
        ..Config::default()
    };
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        if flag == "--example-tests" {
            config.output.example_tests = true;
            continue;
        }
        let Some(value) = rest.next().cloned() else {
            eprintln!("{flag} needs a value\n{USAGE}");
            return Ok(1);
        };
        match flag.as_str() {
            "--operation" => config.select.operation_ids.push(value),
            "--crate-name" => config.output.crate_name = value,
            "--runtime-path" => config.output.runtime_path = value,
            other => {
                eprintln!("unknown option {other}\n{USAGE}");
                return Ok(1);
            }
        }
    }
    if config.output.runtime_path.is_empty() {
        eprintln!("--runtime-path is required: the path from OUT_DIR to the atlas-runtime crate");
        return Ok(1);
    }
    generate_config(&config)
}

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
    Ok(0)
}
