//! Regenerates the committed generated crates (`generated/` from `spec/`, and
//! each crate of the construct corpus under `tests/corpus/`) when a spec, a
//! config or the generator changed. With `CI` set it writes nothing and only
//! warns, so that the freshness test (`tests/freshness.rs`) catches a stale
//! commit. See README.md, "How `cargo build` keeps the bindings fresh".

use std::path::Path;

use atlasgen::freshness::{self, Error, Mode, Target};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=spec");
    // A new construct comes with a new workspace member and a new dependency
    // of the corpus tests.
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=tests/corpus/Cargo.toml");
    // Each generated manifest names the runtime's version, read from here.
    println!("cargo:rerun-if-changed=runtime/Cargo.toml");
    println!("cargo:rerun-if-env-changed=CI");
    let mode = Mode::from_env();
    let mut failed = false;
    for config in freshness::workspace_configs(Path::new(".")) {
        println!("cargo:rerun-if-changed={}", config.display());
        let target = match Target::from_config(&config) {
            Ok(target) => target,
            Err(error) => {
                if let Error::Generation { failure, .. } = &error {
                    for d in &failure.diagnostics {
                        println!("cargo:warning={}", one_line(&d.to_string()));
                    }
                }
                eprintln!("{error}");
                failed = true;
                continue;
            }
        };
        println!("cargo:rerun-if-changed={}", target.spec.display());
        for w in &target.warnings {
            println!("cargo:warning={}", one_line(&w.to_string()));
        }
        match freshness::ensure_fresh(std::slice::from_ref(&target), mode) {
            Ok(()) => {}
            Err(Error::Stale(stale)) => {
                for (path, _) in &stale.files {
                    match mode {
                        Mode::Update => {
                            println!("cargo:warning=regenerated {}", path.display());
                            // Written after this run began, so the next build
                            // runs the script once more, finds everything
                            // fresh, and stops replaying this warning.
                            println!("cargo:rerun-if-changed={}", path.display());
                        }
                        Mode::Check => println!(
                            "cargo:warning=stale, not rewritten because CI is set: {} (run: {})",
                            path.display(),
                            target.command
                        ),
                    }
                }
            }
            Err(error) => {
                println!("cargo:error={}", one_line(&error.to_string()));
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// `cargo:` directives end at a newline.
fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}
