#!/usr/bin/env bash
# The round-trip property over a whole published spec: every component
# schema (reached by an operation or not) and every request twin gets N
# seeded random valid instances (atlasgen::instances, from the spec itself),
# and each must decode into its generated type with no lenient fallback and
# re-encode to equal JSON. Prints the schemas, instances and failures.
#
#   scripts/roundtrip.sh [SPEC ...] [--count N] [--sample K]
#
# --count N: instances per schema (default 5).
# --sample K: only every K-th instance line is checked (a bounded run, as in
#             .ci/run); 1 (the default) checks all.
# SPEC defaults to the three snapshots in ../shared/atlas/; a missing folder
# skips with the reason. Crates go to target/roundtrip/ (never committed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count=5
sample=1
specs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --count) count="$2"; shift 2 ;;
        --sample) sample="$2"; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) specs+=("$1"); shift ;;
    esac
done
if [ ${#specs[@]} -eq 0 ]; then
    shopt -s nullglob
    specs=("$root"/../shared/atlas/atlas-api-*.yaml)
    if [ ${#specs[@]} -eq 0 ]; then
        echo "skipped: no published specs in ../shared/atlas/ beside this checkout"
        exit 0
    fi
fi
cargo build -q -p atlasgen --manifest-path "$root/Cargo.toml"
export CARGO_TARGET_DIR="$root/target/roundtrip/target"
mkdir -p "$root/target/roundtrip"
status=0
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    out="$root/target/roundtrip/$name"
    echo "== $name: $count instances per schema"
    # A spec with a few invalid operations still round-trips the rest.
    if ! "$root/target/debug/atlasgen" crate "$spec" "$out" --runtime-path "$root/runtime" \
        --all-schemas --roundtrip-tests "$count" --skip-invalid > "$out.log" 2>&1; then
        code=$?
        if [ "$code" != 3 ]; then
            tail -20 "$out.log" >&2
            exit "$code"
        fi
        grep '^skipped' "$out.log" | sed 's/^/   /' || true
    fi
    grep -q '^\[workspace\]' "$out/Cargo.toml" || printf '\n[workspace]\n' >> "$out/Cargo.toml"
    cp "$root/Cargo.lock" "$out/Cargo.lock"
    if ! ATLAS_ROUNDTRIP_SAMPLE="$sample" cargo test -q --manifest-path "$out/Cargo.toml" \
        --features roundtrip --test roundtrip -- --nocapture > "$out.test.log" 2>&1; then
        status=1
    fi
    grep -E '^round trips:' "$out.test.log" | sed 's/^/   /' || true
    grep -E 'do not round-trip' -A40 "$out.test.log" | head -40 || true
done
exit "$status"
