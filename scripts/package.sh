#!/usr/bin/env bash
# Proves the published crates publishable: `cargo package` of them together
# (cargo resolves a crate's dependency on another of them, not yet on
# crates.io, from the workspace, and builds each from its packaged sources
# alone, as a downloader would), each package's file list, a
# `cargo publish --dry-run` (which refuses `publish = false` and bad
# metadata) and their docs with warnings as errors, as docs.rs builds them.
#
#   scripts/package.sh [--no-doc] [--in DIR] [CRATE...]
#
# CRATE defaults to the two this workspace publishes: atlas-runtime and the
# generated atlas-admin. --in DIR: the workspace to package from (default:
# this repository; scripts/whole-api.sh packages its whole-API crate with
# the runtime from its own). --no-doc: the caller builds the docs itself.
#
# Needs the crates.io index; without it, skips saying why. Build output goes
# to the workspace's target/package/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root"
doc=1
crates=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-doc) doc=0; shift ;;
        --in) dir="$2"; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) crates+=("$1"); shift ;;
    esac
done
[ "${#crates[@]}" -gt 0 ] || crates=(atlas-runtime atlas-admin)
cd "$dir"

index="https://index.crates.io/config.json"
if command -v curl >/dev/null && ! curl -fsS --max-time 10 -o /dev/null "$index"; then
    echo "skipped: the crates.io index ($index) is not reachable, and packaging resolves the crates' dependencies there"
    exit 0
fi

selected=()
for crate in "${crates[@]}"; do selected+=(-p "$crate"); done

cargo package -q "${selected[@]}" --allow-dirty

# What a downloader gets: the manifest, the README and the sources; the
# runtime also its tests, a generated crate its README's example. Nothing
# else of the workspace, and no trace of the regeneration package.
summary=()
for crate in "${crates[@]}"; do
    list=$(cargo package -q -p "$crate" --allow-dirty --list)
    if [ "$crate" = atlas-runtime ]; then
        wanted=(Cargo.toml README.md src/lib.rs src/client.rs tests/client.rs)
        allowed='\.cargo_vcs_info\.json|Cargo\.lock|Cargo\.toml(\.orig)?|README\.md|(src|tests)/.*\.rs'
    else
        wanted=(Cargo.toml README.md src/lib.rs src/models.rs src/operations.rs src/client.rs examples/readme.rs)
        allowed='\.cargo_vcs_info\.json|Cargo\.lock|Cargo\.toml(\.orig)?|README\.md|src/.*\.rs|examples/readme\.rs'
    fi
    for file in "${wanted[@]}"; do
        if ! grep -qx "$file" <<<"$list"; then
            echo "$crate: the package lacks $file; its files are:" >&2
            echo "$list" >&2
            exit 1
        fi
    done
    unexpected=$(grep -vxE "$allowed" <<<"$list" || true)
    if [ -n "$unexpected" ]; then
        echo "$crate: the package holds files outside its include list:" >&2
        echo "$unexpected" >&2
        exit 1
    fi
    packaged=$(find "${CARGO_TARGET_DIR:-target}/package" -maxdepth 2 -path "*/$crate-[0-9]*/Cargo.toml" | head -1)
    if [ -n "$packaged" ] && grep -q atlasgen-regen "$packaged"; then
        echo "$crate: the packaged manifest names the regeneration package ($packaged)" >&2
        exit 1
    fi
    summary+=("$crate: $(wc -l <<<"$list") files")
done

cargo publish -q --dry-run "${selected[@]}" --allow-dirty --no-verify
proved="packaged and passed a publish dry run"
if [ "$doc" = 1 ]; then
    RUSTDOCFLAGS=-Dwarnings cargo doc -q "${selected[@]}" --no-deps --all-features
    proved="$proved, documented without warnings"
fi
echo "$proved: $(IFS=,; echo "${summary[*]}" | sed 's/,/, /g')"
