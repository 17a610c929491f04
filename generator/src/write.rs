//! Write: put the generated files on disk, touching only those whose text
//! changed, or compare them with what is there (see [`crate::freshness`]).

use std::path::{Path, PathBuf};

use crate::emit::File;

/// What a write or a check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files written (or, for a check, that differ or are missing).
    pub changed: Vec<PathBuf>,
    /// Files left as they were.
    pub unchanged: Vec<PathBuf>,
    /// Files in `src/` that the generator does not produce (stale leftovers).
    pub extra: Vec<PathBuf>,
}

impl Outcome {
    /// Whether nothing changed and nothing is left over.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Writes `files` under `dir`, only where the content differs; removes
/// `.rs` files in `src/` that the generator no longer produces.
pub fn write(dir: &Path, files: &[File]) -> std::io::Result<Outcome> {
    let mut outcome = Outcome::default();
    for f in files {
        let path = dir.join(&f.path);
        if is_same_text(&path, &f.contents) {
            outcome.unchanged.push(path);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Write to a sibling and rename, so a reader never sees half a file.
        let tmp = path.with_extension("tmp~");
        std::fs::write(&tmp, &f.contents)?;
        std::fs::rename(&tmp, &path)?;
        outcome.changed.push(path);
    }
    for extra in extra_files(dir, files)? {
        std::fs::remove_file(&extra)?;
        outcome.extra.push(extra);
    }
    Ok(outcome)
}

/// Compares `files` with what is under `dir`, writing nothing.
pub fn check(dir: &Path, files: &[File]) -> std::io::Result<Outcome> {
    let mut outcome = Outcome::default();
    for f in files {
        let path = dir.join(&f.path);
        if is_same_text(&path, &f.contents) {
            outcome.unchanged.push(path);
        } else {
            outcome.changed.push(path);
        }
    }
    outcome.extra = extra_files(dir, files)?;
    Ok(outcome)
}

/// Whether the file at `path` holds `contents`, line endings aside: a
/// checkout that turned LF into CRLF (git's `core.autocrlf`) is not stale,
/// and is not rewritten either.
fn is_same_text(path: &Path, contents: &str) -> bool {
    match std::fs::read(path) {
        Ok(bytes) => same_text(&bytes, contents),
        Err(_) => false,
    }
}

/// `on_disk` and `generated` are the same text once CRLF is read as LF.
pub fn same_text(on_disk: &[u8], generated: &str) -> bool {
    if on_disk == generated.as_bytes() {
        return true;
    }
    let lf = |bytes: &[u8]| -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            out.push(b);
        }
        out
    };
    lf(on_disk) == lf(generated.as_bytes())
}

/// Generated-looking files in `src/` that are not in `files`.
fn extra_files(dir: &Path, files: &[File]) -> std::io::Result<Vec<PathBuf>> {
    let src = dir.join("src");
    let mut extra = Vec::new();
    let Ok(entries) = std::fs::read_dir(&src) else {
        return Ok(extra);
    };
    for entry in entries {
        let path = entry?.path();
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.ends_with(".rs") && !files.iter().any(|f| f.path == rel) {
            let head = std::fs::read_to_string(&path).unwrap_or_default();
            if head.starts_with("// @generated") {
                extra.push(path);
            }
        }
    }
    extra.sort();
    Ok(extra)
}
