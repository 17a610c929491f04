//! Regenerates `generated/` from `spec/` when the spec, its config or the
//! generator changed. See README.md, "How `cargo build` keeps the bindings
//! fresh".

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=build.rs");
    let config = Path::new("spec/atlasgen.toml");
    match atlasgen::generate_from_config(config) {
        Ok(generated) => {
            for w in &generated.warnings {
                println!("cargo:warning={}", w.to_string().replace('\n', " "));
            }
            match atlasgen::write::write(&generated.out_dir, &generated.files) {
                Ok(outcome) => {
                    for p in &outcome.changed {
                        println!("cargo:warning=regenerated {}", p.display());
                    }
                }
                Err(e) => {
                    println!(
                        "cargo:error=cannot write {}: {e}",
                        generated.out_dir.display()
                    );
                    std::process::exit(1);
                }
            }
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                println!("cargo:warning={}", d.to_string().replace('\n', " "));
            }
            eprintln!("{failure}");
            std::process::exit(1);
        }
    }
}
