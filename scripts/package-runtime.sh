#!/usr/bin/env bash
# Proves atlas-runtime publishable: `cargo package` (which builds the packaged
# sources on their own, as a downloader would), the package's file list, a
# `cargo publish --dry-run` (which refuses `publish = false` and bad metadata)
# and its docs with warnings as errors, as docs.rs builds them.
#
#   scripts/package-runtime.sh
#
# Needs the crates.io index; without it, skips saying why. Build output goes
# to target/package/.
set -euo pipefail
cd "$(dirname "$0")/.."

index="https://index.crates.io/config.json"
if command -v curl >/dev/null && ! curl -fsS --max-time 10 -o /dev/null "$index"; then
    echo "skipped: the crates.io index ($index) is not reachable, and packaging resolves the runtime's dependencies there"
    exit 0
fi

cargo package -q -p atlas-runtime --allow-dirty

# What a downloader gets: the manifest, the README, the sources and the tests,
# and nothing else of the workspace.
list=$(cargo package -q -p atlas-runtime --allow-dirty --list)
for wanted in Cargo.toml README.md src/lib.rs src/client.rs tests/client.rs; do
    if ! grep -qx "$wanted" <<<"$list"; then
        echo "the package lacks $wanted; its files are:" >&2
        echo "$list" >&2
        exit 1
    fi
done
unexpected=$(grep -vxE '\.cargo_vcs_info\.json|Cargo\.lock|Cargo\.toml(\.orig)?|README\.md|(src|tests)/.*\.rs' <<<"$list" || true)
if [ -n "$unexpected" ]; then
    echo "the package holds files outside its include list:" >&2
    echo "$unexpected" >&2
    exit 1
fi

cargo publish -q --dry-run -p atlas-runtime --allow-dirty --no-verify
RUSTDOCFLAGS=-Dwarnings cargo doc -q -p atlas-runtime --no-deps --all-features
echo "atlas-runtime packages, passes a publish dry run and documents without warnings ($(wc -l <<<"$list") files)"
