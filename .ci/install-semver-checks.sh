#!/usr/bin/env bash
# Installs the pinned cargo-semver-checks, the referee scripts/spec-update.sh
# and the semver agreement test (generator/tests/semver_agreement.rs) run
# beside `atlasgen diff`. Does nothing when that version is already on PATH
# or in the install root, so a cached root makes it free.
#
#   .ci/install-semver-checks.sh
#
# SEMVER_CHECKS_ROOT: where to install (default: CARGO_HOME, ~/.cargo); its
# bin/ must be on PATH for `cargo semver-checks`. Building it takes about
# 11 minutes of CPU (about half an hour of wall time on a busy 2-core
# machine): cache the root between CI runs.
set -euo pipefail
version="0.51.0"
root="${SEMVER_CHECKS_ROOT:-${CARGO_HOME:-$HOME/.cargo}}"
installed() {
    "$1" semver-checks --version 2>/dev/null | grep -qx "cargo-semver-checks $version"
}
if command -v cargo-semver-checks >/dev/null && installed cargo; then
    echo "cargo-semver-checks $version is installed"
    exit 0
fi
if [ -x "$root/bin/cargo-semver-checks" ] \
    && "$root/bin/cargo-semver-checks" semver-checks --version 2>/dev/null | grep -qx "cargo-semver-checks $version"; then
    echo "cargo-semver-checks $version is installed in $root/bin (put it on PATH)"
    exit 0
fi
echo "installing cargo-semver-checks $version into $root"
cargo install --locked cargo-semver-checks --version "=$version" --root "$root"
