//! One freshness gate for every generated crate of the repository:
//! `generated/` and each crate of the construct corpus (`tests/corpus/`) are
//! exactly what the generator makes of their spec now. In CI (`CI` set) a
//! stale file fails here with the command that fixes it and nothing is
//! written; elsewhere the gate rewrites it and fails once, so the next run
//! passes and the diff is there to commit. The tests after the first show
//! the gate failing on stale input, in both modes.

use std::path::{Path, PathBuf};

use atlasgen::freshness::{self, Error, Mode, Target, Why};
use atlasgen::File;
use atlasgen_tests::workspace_root;

#[test]
fn every_committed_generated_crate_is_what_the_generator_makes_now() {
    if let Err(error) = freshness::ensure_workspace_fresh(&workspace_root()) {
        panic!("{error}");
    }
}

#[test]
fn the_gate_covers_the_fragment_and_every_construct_of_the_corpus() {
    let root = workspace_root();
    let configs = freshness::workspace_configs(&root);
    assert_eq!(configs.first(), Some(&PathBuf::from("spec/atlasgen.toml")));
    let constructs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus"))
        .expect("tests/corpus is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_dir() && !path.ends_with("tests"))
        .collect();
    assert!(constructs.len() >= 11, "{constructs:?}");
    for dir in constructs {
        let name = dir.file_name().expect("a name").to_string_lossy();
        let config = PathBuf::from(format!("tests/corpus/{name}/atlasgen.toml"));
        assert!(
            configs.contains(&config),
            "tests/corpus/{name} has no atlasgen.toml the gate would check"
        );
    }
}

#[test]
fn every_config_generates_the_same_bytes_twice() {
    let root = workspace_root();
    for config in freshness::workspace_configs(&root) {
        let generate = || {
            Target::from_config(&root.join(&config))
                .map(|t| t.files)
                .unwrap_or_else(|error| panic!("{error}"))
        };
        assert_eq!(
            generate(),
            generate(),
            "two runs on {} gave different bytes",
            config.display()
        );
    }
}

#[test]
fn every_generated_file_says_it_is_generated_and_how_to_regenerate() {
    let root = workspace_root();
    for config in freshness::workspace_configs(&root) {
        let target = Target::from_config(&root.join(&config)).unwrap_or_else(|e| panic!("{e}"));
        let command = format!("cargo run -p atlasgen -- generate {}", config.display());
        assert_eq!(target.command, command, "{}", config.display());
        assert!(!target.files.is_empty());
        for f in &target.files {
            let head: String = f.contents.lines().take(2).collect::<Vec<_>>().join("\n");
            assert!(
                head.contains("@generated"),
                "{} has no @generated header",
                f.path
            );
            assert!(
                head.contains(&command),
                "{} of {} does not name the command that regenerates it",
                f.path,
                config.display()
            );
        }
    }
}

/// A generated crate depends on nothing of the generator's workspace, so it
/// can be packaged and published on its own.
#[test]
fn no_generated_manifest_names_the_regeneration_package() {
    let root = workspace_root();
    for config in freshness::workspace_configs(&root) {
        let target = Target::from_config(&root.join(&config)).unwrap_or_else(|e| panic!("{e}"));
        let manifest = target
            .files
            .iter()
            .find(|f| f.path == "Cargo.toml")
            .expect("a manifest");
        assert!(
            !manifest.contents.contains("atlasgen-regen")
                && !manifest.contents.contains("regenerate ="),
            "{} names the regeneration package:\n{}",
            config.display(),
            manifest.contents
        );
    }
}

/// `cargo fmt` at the workspace root must not make a generated crate differ
/// from what the generator writes (its files opt out of rustfmt).
#[test]
fn cargo_fmt_leaves_the_generated_crates_as_generated() {
    let root = workspace_root();
    let mut packages = vec!["atlas-admin".to_owned()];
    for config in freshness::workspace_configs(&root).iter().skip(1) {
        let construct = config
            .parent()
            .and_then(Path::file_name)
            .expect("tests/corpus/<construct>/atlasgen.toml");
        packages.push(format!(
            "corpus-{}",
            construct.to_string_lossy().replace('_', "-")
        ));
    }
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(["fmt", "--check"]).current_dir(&root);
    for p in &packages {
        command.args(["-p", p]);
    }
    let output = command.output().expect("cargo runs");
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

// The gate itself, on a small crate in a scratch directory.

const COMMAND: &str = "cargo run -p atlasgen -- generate scratch/atlasgen.toml";
const FRESH_LIB: &str = "// @generated\npub fn answer() -> u32 {\n    42\n}\n";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("freshness")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("the scratch directory is writable");
    dir
}

fn target(dir: &Path) -> Target {
    Target {
        out_dir: dir.to_owned(),
        files: vec![
            File {
                path: "Cargo.toml".to_owned(),
                contents: "[package]\nname = \"scratch\"\n".to_owned(),
            },
            File {
                path: "src/lib.rs".to_owned(),
                contents: FRESH_LIB.to_owned(),
            },
        ],
        command: COMMAND.to_owned(),
        spec: dir.join("openapi.yaml"),
        warnings: Vec::new(),
    }
}

/// Writes every file of `target` fresh, then overwrites `path` with `contents`.
fn committed_with(target: &Target, path: &str, contents: &str) {
    atlasgen::write::write(&target.out_dir, &target.files).expect("the scratch crate is written");
    std::fs::write(target.out_dir.join(path), contents).expect("the file is written");
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_default()
}

fn stale(result: Result<(), Error>) -> freshness::Stale {
    match result {
        Err(Error::Stale(stale)) => stale,
        Err(other) => panic!("expected stale files, got: {other}"),
        Ok(()) => panic!("the gate passed a stale crate"),
    }
}

#[test]
fn in_ci_a_hand_edited_file_fails_with_the_command_and_is_left_as_it_was() {
    let dir = scratch("ci-edited");
    let target = target(&dir);
    let edited = "// @generated\npub fn answer() -> u32 {\n    41\n}\n";
    committed_with(&target, "src/lib.rs", edited);

    let stale = stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Check,
    ));
    assert_eq!(stale.files, vec![(dir.join("src/lib.rs"), Why::Differs)]);
    assert_eq!(stale.commands, vec![COMMAND.to_owned()]);
    let message = stale.to_string();
    assert!(message.contains(&format!("    {COMMAND}\n")), "{message}");
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(
        read(&dir, "src/lib.rs"),
        edited,
        "check mode wrote the file"
    );
    // Still stale: check mode never fixes anything.
    assert!(freshness::ensure_fresh(&[target], Mode::Check).is_err());
}

#[test]
fn outside_ci_a_hand_edited_file_is_rewritten_and_fails_once_then_passes() {
    let dir = scratch("local-edited");
    let target = target(&dir);
    committed_with(&target, "src/lib.rs", "// @generated\npub fn answer() {}\n");

    let stale = stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Update,
    ));
    assert_eq!(stale.files, vec![(dir.join("src/lib.rs"), Why::Differs)]);
    let message = stale.to_string();
    assert!(message.contains("have been regenerated"), "{message}");
    assert!(message.contains(COMMAND), "{message}");
    assert_eq!(read(&dir, "src/lib.rs"), FRESH_LIB);
    assert!(
        freshness::ensure_fresh(&[target], Mode::Update).is_ok(),
        "the run after the rewrite passes"
    );
}

#[test]
fn a_missing_file_is_stale_in_ci_and_written_outside_it() {
    let dir = scratch("missing");
    let target = target(&dir);
    committed_with(&target, "Cargo.toml", "");
    std::fs::remove_file(dir.join("src/lib.rs")).expect("the file is removed");

    let ci = stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Check,
    ));
    assert_eq!(ci.files.len(), 2, "{ci}");
    assert!(!dir.join("src/lib.rs").exists());
    stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Update,
    ));
    assert_eq!(read(&dir, "src/lib.rs"), FRESH_LIB);
    assert!(freshness::ensure_fresh(&[target], Mode::Check).is_ok());
}

#[test]
fn a_generated_file_no_longer_generated_is_stale_and_removed_outside_ci() {
    let dir = scratch("leftover");
    let target = target(&dir);
    committed_with(
        &target,
        "src/old.rs",
        "// @generated by atlasgen\npub struct Old;\n",
    );

    let ci = stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Check,
    ));
    assert_eq!(ci.files, vec![(dir.join("src/old.rs"), Why::NotGenerated)]);
    assert!(ci.to_string().contains("not generated any more"), "{ci}");
    assert!(dir.join("src/old.rs").exists(), "check mode removed it");
    stale(freshness::ensure_fresh(
        std::slice::from_ref(&target),
        Mode::Update,
    ));
    assert!(!dir.join("src/old.rs").exists());
    assert!(freshness::ensure_fresh(&[target], Mode::Check).is_ok());
}

/// A checkout with `core.autocrlf` has CRLF line endings: not stale, and
/// not rewritten either (a rewrite would make cargo rebuild for nothing).
#[test]
fn crlf_line_endings_are_not_staleness_in_either_mode() {
    let dir = scratch("crlf");
    let target = target(&dir);
    let crlf = FRESH_LIB.replace('\n', "\r\n");
    committed_with(&target, "src/lib.rs", &crlf);

    assert!(freshness::ensure_fresh(std::slice::from_ref(&target), Mode::Check).is_ok());
    assert!(freshness::ensure_fresh(std::slice::from_ref(&target), Mode::Update).is_ok());
    assert_eq!(
        read(&dir, "src/lib.rs"),
        crlf,
        "the CRLF file was rewritten"
    );
    // A real change under CRLF is still a change.
    committed_with(&target, "src/lib.rs", &crlf.replace("42", "43"));
    stale(freshness::ensure_fresh(&[target], Mode::Check));
}

#[test]
fn a_spec_that_does_not_generate_fails_the_gate_naming_its_config() {
    let dir = scratch("broken-spec");
    std::fs::write(
        dir.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: [not, a, mapping]\n",
    )
    .expect("written");
    std::fs::write(
        dir.join("atlasgen.toml"),
        "spec = \"openapi.yaml\"\n[output]\ndir = \"crate\"\ncrate_name = \"broken\"\nruntime_path = \"../runtime\"\nregenerate_command = \"x\"\n",
    )
    .expect("written");
    match Target::from_config(&dir.join("atlasgen.toml")) {
        Err(error @ Error::Generation { .. }) => {
            assert!(
                error
                    .to_string()
                    .contains("atlasgen.toml does not generate"),
                "{error}"
            )
        }
        Err(other) => panic!("expected a generation failure, got: {other}"),
        Ok(_) => panic!("a broken spec generated"),
    }
}
