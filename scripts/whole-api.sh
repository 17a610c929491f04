#!/usr/bin/env bash
# Generates the whole Atlas Administration API into a build directory and
# proves it: compiles with every feature and with tag features alone, lints
# clean, documents without a rustdoc warning, packages (with atlas-runtime,
# as a publish would), and decodes every example of the spec into its
# generated type. The command line (feature `cli`) is part of "every
# feature" and is checked with one tag.
#
#   scripts/whole-api.sh [SPEC] [--tags all|sample|none] [--no-examples] [--no-package] [--prism N] [--measure]
#
# --no-package: skip `cargo package` (it builds the packaged crate once
# more, from its packaged sources alone).
#
# --prism N: also start Prism (tests/servers, installed by
# .ci/setup-test-servers.sh) serving SPEC in dynamic mode on 127.0.0.1 and
# send every N-th GET operation that needs only path parameters (1 = all),
# and run one command of the generated command line per sampled tag.
#
# --measure: also print the build cost of the crate alone (its dependencies
# already built, no incremental cache, as when it is a dependency): wall
# time and peak memory of `cargo check` with every feature, with every tag
# and with one tag, each with and without the typed mocks (`mock`).
#
# SPEC defaults to ../shared/atlas/atlas-api-2025-06-30.yaml. The crate goes to
# target/whole-api/atlas-admin-full and is never committed: the spec's prose
# becomes its docs. target/whole-api/ is a workspace of its own holding the
# crate and atlas-runtime (a link to runtime/): the crate names the runtime
# by path and version, as a published crate must, and `cargo package` of
# both together resolves the unpublished runtime from the workspace.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spec="$root/../shared/atlas/atlas-api-2025-06-30.yaml"
tags=sample
examples=1
prism=0
measure=0
package=1
while [ $# -gt 0 ]; do
    case "$1" in
        --tags) tags="$2"; shift 2 ;;
        --no-examples) examples=0; shift ;;
        --prism) prism="$2"; shift 2 ;;
        --measure) measure=1; shift ;;
        --no-package) package=0; shift ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) spec="$1"; shift ;;
    esac
done
if [ ! -f "$spec" ]; then
    echo "skipped: $spec not found (the published specs are not beside this checkout)"
    exit 0
fi
ws="$root/target/whole-api"
out="$ws/atlas-admin-full"
mkdir -p "$out"
# The workspace: the crate and the runtime, with the root workspace's shared
# package fields and dependency versions (the runtime inherits them), pinned
# to its lock file.
ln -sfn "$root/runtime" "$ws/runtime"
{
    printf '[workspace]\nmembers = ["atlas-admin-full", "runtime"]\nresolver = "2"\n\n'
    awk '/^\[/ { keep = ($0 ~ /^\[workspace\.(package|dependencies)\]$/) } keep' "$root/Cargo.toml"
} > "$ws/Cargo.toml"
cp "$root/Cargo.lock" "$ws/Cargo.lock"
rm -f "$out/Cargo.lock"

step() { printf '\n== %s\n' "$*"; }
timed() { local start=$SECONDS; "$@"; echo "   ($((SECONDS - start)) s)"; }

step "generate from $(basename "$spec")"
flags=(--runtime-path ../runtime)
[ "$examples" = 1 ] && flags+=(--example-tests)
# The workspace's own (debug) build of the generator: the test run built it already.
# Run from the workspace folder with OUT_DIR relative, so the regenerate command in
# the headers (which go into the package) names no path of this machine.
(cd "$ws" && timed cargo run -q -p atlasgen --manifest-path "$root/Cargo.toml" -- crate "$spec" "$(basename "$out")" "${flags[@]}" 2> "$out.warnings")
if grep -rlF "$root" "$out/Cargo.toml" "$out/src" "$out/atlasgen.toml"; then
    echo "the files above name the checkout's own path; the package would carry it" >&2
    exit 1
fi
grep -c '^warning' "$out.warnings" | sed 's/^/   warnings: /'
cat "$out"/src/*.rs | wc -l | sed 's/^/   lines of generated Rust: /'

cd "$out"
# A target directory of its own: the generated crate builds with other flags.
export CARGO_TARGET_DIR="$ws/target"
export RUSTFLAGS="-D warnings"
step "cargo check, every feature"
timed cargo check -q --all-features
# Warning-free for clippy too: users lint the crates they depend on.
step "cargo clippy, every feature"
# The library, the command line and the README's example.
timed cargo clippy -q --all-features --lib --bins --examples -- -D warnings

# The docs as docs.rs builds them (every feature), warning-free: the spec's
# prose is escaped for rustdoc (links, URLs, HTML, code blocks).
step "cargo doc, every feature, warnings as errors"
timed env RUSTDOCFLAGS=-Dwarnings cargo doc -q --no-deps --all-features
du -sh "$CARGO_TARGET_DIR/doc" | sed 's/^/   size of the docs: /'

if [ "$package" = 1 ]; then
    # Packaged with the runtime, which is not on crates.io: cargo resolves it
    # from the workspace while packaging the two together. Verifying builds
    # the packaged crate from its packaged sources alone. Skips, saying so,
    # without the crates.io index.
    step "cargo package and publish dry run, with atlas-runtime"
    timed bash "$root/scripts/package.sh" --no-doc --in "$ws" atlas-runtime atlas-admin-full
fi

case "$tags" in
    none) selected=() ;;
    all) mapfile -t selected < <(sed -n 's/^\([a-z0-9-]*\) = \[\]$/\1/p' Cargo.toml) ;;
    sample) selected=(legacy-backup clusters alert-configurations events cloud-backups) ;;
    *) IFS=, read -r -a selected <<< "$tags" ;;
esac
for tag in "${selected[@]}"; do
    step "cargo check, feature $tag alone"
    timed cargo check -q --no-default-features --features "client,$tag"
done
# The typed mocks (feature `mock`; every feature above includes them too) of
# one area: they compile with that area's operations and types alone.
if [ "${#selected[@]}" -gt 0 ]; then
    step "cargo check, feature mock with ${selected[0]} alone"
    timed cargo check -q --no-default-features --features "mock,${selected[0]}"
fi
if [ "${#selected[@]}" -gt 0 ]; then
    step "cargo check, the command line with feature ${selected[0]} alone"
    timed cargo check -q --no-default-features --features "cli,${selected[0]}" --bins
fi

if [ "$measure" = 1 ]; then
    crate=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | head -1)
    wc -l < src/mock.rs | sed 's/^/   lines of src\/mock.rs: /'
    # Each with and without the typed mocks (feature `mock`).
    for features in "--all-features" "--no-default-features --features client,full" \
        "--no-default-features --features mock,full" \
        "--no-default-features --features client,legacy-backup" \
        "--no-default-features --features mock,legacy-backup"; do
        step "build cost of the crate alone: cargo check $features"
        # Dependencies are built; the crate itself from scratch, not incrementally.
        # shellcheck disable=SC2086
        cargo check -q $features
        cargo clean -q -p "$crate"
        # shellcheck disable=SC2086
        CARGO_INCREMENTAL=0 /usr/bin/time -f "   %e s wall, %M KB peak (rustc)" cargo check -q $features
    done
fi

if [ "$examples" = 1 ]; then
    step "every example in the spec decodes into its type"
    timed cargo test -q --test spec_examples -- --nocapture
fi
if [ "$prism" != 0 ] && [ "$examples" = 1 ]; then
    step "Prism serving the whole spec: GET operations with only path parameters decode (every ${prism}th)"
    prism_bin="$root/tests/servers/node_modules/.bin/prism"
    if [ ! -x "$prism_bin" ]; then
        echo "Prism is not installed; run .ci/setup-test-servers.sh" >&2
        exit 1
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    "$prism_bin" mock "$spec" -h 127.0.0.1 -p "$port" -d --json-schema-faker-fillProperties=false -v warn > "$out.prism.log" 2>&1 &
    prism_pid=$!
    trap 'kill "$prism_pid" 2>/dev/null || true' EXIT
    # Loading the whole spec takes a while; wait at most three minutes.
    for _ in $(seq 1 180); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
        if ! kill -0 "$prism_pid" 2>/dev/null; then cat "$out.prism.log" >&2; exit 1; fi
        sleep 1
    done
    ATLAS_PRISM_URL="http://127.0.0.1:$port" ATLAS_PRISM_SAMPLE="$prism" timed cargo test -q --test prism_gets -- --nocapture
    step "Prism: one command of the command line per sampled tag"
    cli_tags=$(IFS=,; echo "${selected[*]}")
    ATLAS_PRISM_URL="http://127.0.0.1:$port" ATLAS_PRISM_CLI_TAGS="$cli_tags" timed cargo test -q --features cli --test prism_cli -- --nocapture
    kill "$prism_pid" 2>/dev/null || true
    wait "$prism_pid" 2>/dev/null || true
    trap - EXIT
fi
echo
echo "whole API: ok"
