//! The generated command line of `atlas-admin` as a binary of this package, so the
//! tests can run it as a process (`CARGO_BIN_EXE_atlas-admin-cli`). It is the crate's
//! own `main` (`generated/src/main.rs` calls the same function).

fn main() -> std::process::ExitCode {
    atlas_admin::cli::main()
}
