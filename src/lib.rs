//! The workspace's regeneration step. Its build script (`build.rs` at the
//! workspace root) rewrites `generated/` from `spec/`, and each crate of the
//! construct corpus from its spec under `tests/corpus/`, whenever they
//! differ (with `CI` set it only warns). Nothing depends on this package: the
//! generated crates do not name it, so they can be packaged on their own.
