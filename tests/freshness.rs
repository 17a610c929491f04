//! The committed `generated/` is exactly what the generator makes of
//! `spec/`: a hand edit, or a spec change committed without its bindings,
//! fails here with the command that fixes it.

use atlasgen_tests::config_path;

const FIX: &str = "cargo run -p atlasgen -- generate spec/atlasgen.toml";

#[test]
fn generated_crate_is_fresh() {
    let generated = match atlasgen::generate_from_config(&config_path()) {
        Ok(g) => g,
        Err(failure) => panic!("generation failed:\n{failure}"),
    };
    let outcome = match atlasgen::write::check(&generated.out_dir, &generated.files) {
        Ok(o) => o,
        Err(e) => panic!("cannot read {}: {e}", generated.out_dir.display()),
    };
    let mut problems: Vec<String> = outcome
        .changed
        .iter()
        .map(|p| format!("stale: {}", p.display()))
        .collect();
    problems.extend(
        outcome
            .extra
            .iter()
            .map(|p| format!("no longer generated: {}", p.display())),
    );
    assert!(
        problems.is_empty(),
        "generated/ does not match spec/:\n{}\n\nrun from the workspace root:\n    {FIX}\n",
        problems.join("\n")
    );
}

#[test]
fn every_generated_file_says_it_is_generated_and_how_to_regenerate() {
    let generated = atlasgen::generate_from_config(&config_path())
        .map(|g| g.files)
        .unwrap_or_default();
    assert!(!generated.is_empty());
    for f in generated {
        let head: String = f.contents.lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("@generated"),
            "{} has no @generated header",
            f.path
        );
        assert!(
            head.contains(FIX),
            "{} does not name the command that regenerates it",
            f.path
        );
    }
}

/// `cargo fmt` at the workspace root must not make the generated crate
/// differ from what the generator writes (its files opt out of rustfmt).
#[test]
fn cargo_fmt_leaves_the_generated_crate_as_generated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["fmt", "--check", "-p", "atlas-admin"])
            .current_dir(&root)
            .output()
            .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("not installed") || stderr.contains("no such command") {
        println!("skipped: rustfmt is not installed ({})", stderr.trim());
        return;
    }
    assert!(
        output.status.success(),
        "cargo fmt would rewrite generated files:\n{}{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn generation_is_deterministic() {
    let first = atlasgen::generate_from_config(&config_path()).map(|g| g.files);
    let second = atlasgen::generate_from_config(&config_path()).map(|g| g.files);
    assert!(first.is_ok());
    assert_eq!(
        first, second,
        "two runs on the same spec gave different bytes"
    );
}
