//! The workspace's regeneration step. Its build script (`build.rs` at the
//! workspace root) rewrites `generated/` from `spec/` whenever they differ;
//! the generated crate's `regenerate` feature depends on this package so that
//! cargo always runs that build script before compiling the generated crate.
