//! The freshness gate: every committed generated crate is exactly what the
//! generator makes of its spec now.
//!
//! It regenerates in memory and compares with the files on disk, line
//! endings aside (a CRLF checkout is not stale). When they differ, in CI
//! (`CI` set) it fails with the command that fixes it and writes nothing;
//! anywhere else it writes the fresh files and fails, so the diff is there to
//! review and commit and the next run passes. A test calls it, so
//! `cargo test` is the check, and CI cannot pass on a stale commit.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::Failure;
use crate::emit::File;
use crate::write;

/// What the gate does with stale files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Fail naming the command to run; write nothing (CI).
    Check,
    /// Write the fresh files, then fail (a developer's checkout).
    Update,
}

impl Mode {
    /// `Check` when the `CI` variable says this is CI, `Update` otherwise.
    pub fn from_env() -> Mode {
        if in_ci() {
            Mode::Check
        } else {
            Mode::Update
        }
    }
}

/// Whether `CI` is set to anything but empty, `0` or `false` (CI services
/// set `CI=true`).
pub fn in_ci() -> bool {
    means_ci(std::env::var("CI").ok().as_deref())
}

/// Whether a value of `CI` (`None`: unset) means CI.
pub fn means_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The generation configs of this repository, relative to its root: the
/// Atlas fragment (`spec/`) and each construct of the corpus
/// (`tests/corpus/<construct>/`), in a stable order.
pub fn workspace_configs(root: &Path) -> Vec<PathBuf> {
    let mut configs = vec![PathBuf::from("spec/atlasgen.toml")];
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            Path::new("tests/corpus")
                .join(entry.file_name())
                .join("atlasgen.toml")
        })
        .filter(|config| root.join(config).is_file())
        .collect();
    corpus.sort();
    configs.extend(corpus);
    configs
}

/// One generated crate as the generator makes it now.
#[derive(Clone, Debug)]
pub struct Target {
    /// Where its files go.
    pub out_dir: PathBuf,
    /// Every file the generator makes for it.
    pub files: Vec<File>,
    /// What a reader runs to regenerate it (the config's `regenerate_command`).
    pub command: String,
    /// The spec it comes from.
    pub spec: PathBuf,
    /// Quirks of the spec the generator worked around.
    pub warnings: Vec<crate::Diagnostic>,
}

impl Target {
    /// Generates, in memory, the crate the config at `path` describes.
    pub fn from_config(path: &Path) -> Result<Target, Error> {
        let config = crate::Config::load(path).map_err(|d| Error::Generation {
            config: path.to_owned(),
            failure: Failure::single(d),
        })?;
        let generated = crate::generate(&config).map_err(|failure| Error::Generation {
            config: path.to_owned(),
            failure,
        })?;
        Ok(Target {
            // `spec/../generated` reads as `generated` in messages.
            out_dir: lexical(&generated.out_dir),
            files: generated.files,
            command: config.output.regenerate_command,
            spec: config.spec,
            warnings: generated.warnings,
        })
    }
}

/// Why a file is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Missing, or its text is not what the generator makes.
    Differs,
    /// A generated file the generator no longer makes.
    NotGenerated,
}

/// The stale files one run of the gate found.
#[derive(Debug)]
pub struct Stale {
    /// Whether the stale files were only reported or also rewritten.
    pub mode: Mode,
    /// Each stale file (as the target's `out_dir` joined with its path).
    pub files: Vec<(PathBuf, Why)>,
    /// The commands that regenerate the stale crates, once each.
    pub commands: Vec<String>,
}

/// Why the gate failed.
#[derive(Debug)]
pub enum Error {
    /// A config or its spec does not generate.
    Generation {
        /// The config.
        config: PathBuf,
        /// Its errors.
        failure: Failure,
    },
    /// A file could not be read, written or removed.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// Some files were stale (and, in `Update` mode, are fresh now).
    Stale(Stale),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Generation { config, failure } => {
                write!(f, "{} does not generate:\n{failure}", config.display())
            }
            Error::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Error::Stale(stale) => stale.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = match self.mode {
            Mode::Check => {
                "generated files are stale: they are not what the generator makes of their spec"
            }
            Mode::Update => "generated files were stale and have been regenerated",
        };
        writeln!(f, "{header}:")?;
        for (path, why) in &self.files {
            let what = match (why, self.mode) {
                (Why::Differs, Mode::Check) => "stale",
                (Why::Differs, Mode::Update) => "rewritten",
                (Why::NotGenerated, Mode::Check) => "not generated any more",
                (Why::NotGenerated, Mode::Update) => "removed (not generated any more)",
            };
            writeln!(f, "    {what}: {}", path.display())?;
        }
        match self.mode {
            Mode::Check => writeln!(
                f,
                "nothing was written (CI is set); run from the workspace root and commit the result:"
            )?,
            Mode::Update => writeln!(
                f,
                "review the diff and commit it; the next run passes. What regenerates them:"
            )?,
        }
        for command in &self.commands {
            writeln!(f, "    {command}")?;
        }
        Ok(())
    }
}

/// The gate over crates already generated in memory: `Ok` when every file
/// on disk is what `targets` hold, else the stale files (written or not, as
/// `mode` says).
pub fn ensure_fresh(targets: &[Target], mode: Mode) -> Result<(), Error> {
    let mut stale = Stale {
        mode,
        files: Vec::new(),
        commands: Vec::new(),
    };
    for target in targets {
        let io = |error| Error::Io {
            path: target.out_dir.clone(),
            error,
        };
        let outcome = write::check(&target.out_dir, &target.files).map_err(io)?;
        if outcome.is_fresh() {
            continue;
        }
        if mode == Mode::Update {
            write::write(&target.out_dir, &target.files).map_err(io)?;
        }
        stale
            .files
            .extend(outcome.changed.into_iter().map(|p| (p, Why::Differs)));
        stale
            .files
            .extend(outcome.extra.into_iter().map(|p| (p, Why::NotGenerated)));
        if !stale.commands.contains(&target.command) {
            stale.commands.push(target.command.clone());
        }
    }
    if stale.files.is_empty() {
        Ok(())
    } else {
        Err(Error::Stale(stale))
    }
}

/// The gate over every generated crate of the repository at `root` (see
/// [`workspace_configs`]), in the mode the environment says.
pub fn ensure_workspace_fresh(root: &Path) -> Result<(), Error> {
    let targets = workspace_configs(root)
        .iter()
        .map(|config| Target::from_config(&root.join(config)))
        .collect::<Result<Vec<_>, _>>()?;
    ensure_fresh(&targets, Mode::from_env()).map_err(|error| match error {
        // Paths as a reader at the root names them.
        Error::Stale(mut stale) => {
            for (path, _) in &mut stale.files {
                let tidy = lexical(path);
                *path = tidy
                    .strip_prefix(lexical(root))
                    .map(Path::to_owned)
                    .unwrap_or(tidy);
            }
            Error::Stale(stale)
        }
        other => other,
    })
}

/// `path` with `.` and `dir/..` folded away, without asking the file system.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_means_any_value_but_empty_zero_or_false() {
        assert!(means_ci(Some("true")));
        assert!(means_ci(Some("1")));
        assert!(means_ci(Some("yes")));
        assert!(!means_ci(None));
        assert!(!means_ci(Some("")));
        assert!(!means_ci(Some("0")));
        assert!(!means_ci(Some("false")));
    }

    #[test]
    fn lexical_folds_parent_steps_without_touching_the_disk() {
        assert_eq!(
            lexical(Path::new("/w/tests/../spec/./../generated/src/lib.rs")),
            PathBuf::from("/w/generated/src/lib.rs")
        );
        assert_eq!(lexical(Path::new("../x")), PathBuf::from("../x"));
    }
}
