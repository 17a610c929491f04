//! The `atlasgen` command line. See `atlasgen help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use atlasgen::{coverage, diag::Failure, write, Config};

const USAGE: &str = "\
atlasgen: OpenAPI 3.0 to Rust code generator

USAGE:
    atlasgen generate [CONFIG]      regenerate the crate CONFIG describes (default: spec/atlasgen.toml)
    atlasgen check [CONFIG]         exit 1 if the generated crate is stale, printing the fix
    atlasgen coverage SPEC [--json] report what of a whole spec can be generated
    atlasgen crate SPEC OUT_DIR [--operation ID]... [--crate-name NAME] [--runtime-path PATH]
                                    generate a crate from any spec into OUT_DIR
    atlasgen help                   this text

Exit codes: 0 success, 1 stale (check) or usage error, 10-21 a spec or
config error (see the error's code).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(config_arg(&args)),
        Some("check") => check(config_arg(&args)),
        Some("coverage") => coverage_cmd(&args[1..]),
        Some("crate") => crate_cmd(&args[1..]),
        Some("help") | Some("--help") | Some("-h") => {
            println!("{USAGE}");
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
            eprintln!("{failure}");
            let errors = failure.errors().count();
            eprintln!("error: generation failed with {errors} error{}", if errors == 1 { "" } else { "s" });
            ExitCode::from(u8::try_from(failure.exit_code()).unwrap_or(1))
        }
    }
}

fn config_arg(args: &[String]) -> PathBuf {
    args.get(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("spec/atlasgen.toml"))
}

fn print_warnings(warnings: &[atlasgen::Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

fn io_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::single(atlasgen::Diagnostic::error(
        atlasgen::diag::Code::Io,
        atlasgen::diag::Location::new(path.display().to_string(), ""),
        format!("cannot write the generated crate: {e}"),
    ))
}

fn generate(config: PathBuf) -> Result<u8, Failure> {
    let generated = atlasgen::generate_from_config(&config)?;
    print_warnings(&generated.warnings);
    let outcome = write::write(&generated.out_dir, &generated.files).map_err(|e| io_failure(&generated.out_dir, e))?;
    for p in &outcome.changed {
        eprintln!("wrote {}", p.display());
    }
    for p in &outcome.extra {
        eprintln!("removed {}", p.display());
    }
    eprintln!("{} files written, {} unchanged", outcome.changed.len(), outcome.unchanged.len());
    Ok(0)
}

fn check(config_path: PathBuf) -> Result<u8, Failure> {
    let config = Config::load(&config_path)?;
    let generated = atlasgen::generate(&config)?;
    let outcome = write::check(&generated.out_dir, &generated.files).map_err(|e| io_failure(&generated.out_dir, e))?;
    if outcome.is_fresh() {
        eprintln!("{} is fresh", generated.out_dir.display());
        return Ok(0);
    }
    for p in &outcome.changed {
        eprintln!("stale: {}", p.display());
    }
    for p in &outcome.extra {
        eprintln!("not generated any more: {}", p.display());
    }
    eprintln!("the generated crate is stale; run:\n    {}", config.output.regenerate_command);
    Ok(1)
}

fn coverage_cmd(args: &[String]) -> Result<u8, Failure> {
    let Some(spec) = args.first() else {
        eprintln!("{USAGE}");
        return Ok(1);
    };
    let json = args.iter().any(|a| a == "--json");
    let report = coverage::report_file(Path::new(spec))?;
    if json {
        println!("{}", report.to_json());
    } else {
        println!("{}", report.to_text());
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
        },
        ..Config::default()
    };
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().cloned().unwrap_or_default();
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
    print_warnings(&generated.warnings);
    eprintln!("{} warnings", generated.warnings.len());
    let outcome = write::write(&generated.out_dir, &generated.files).map_err(|e| io_failure(&generated.out_dir, e))?;
    eprintln!("{} files written, {} unchanged", outcome.changed.len(), outcome.unchanged.len());
    Ok(0)
}
