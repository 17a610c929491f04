#!/usr/bin/env bash
# Proves a refactor pure: generates the fragment crate and the whole
# published API (every snapshot beside the checkout) and compares the bytes
# with a baseline taken before the change.
#
#   scripts/same-bytes.sh save     # before the change: record the baseline
#   scripts/same-bytes.sh check    # after it: exit 1 and list files that differ
#
# The output goes to target/same-bytes/ and is never committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-check}"
work="$root/target/same-bytes"
case "$mode" in
    save) dest="$work/baseline" ;;
    check) dest="$work/current" ;;
    *) echo "usage: $0 save|check" >&2; exit 2 ;;
esac
rm -rf "$dest"
mkdir -p "$dest"
cargo build -q -p atlasgen --manifest-path "$root/Cargo.toml"
bin="$root/target/debug/atlasgen"

# The committed fragment crate and the corpus, as the generator makes them now.
"$bin" generate "$root/spec/atlasgen.toml" >/dev/null 2>&1
cp -r "$root/generated" "$dest/fragment"
if [ -d "$root/tests/corpus" ]; then
    for config in "$root"/tests/corpus/*/atlasgen.toml; do
        [ -f "$config" ] || continue
        "$bin" generate "$config" >/dev/null 2>&1
        name=$(basename "$(dirname "$config")")
        mkdir -p "$dest/corpus"
        cp -r "$(dirname "$config")" "$dest/corpus/$name"
    done
fi
shopt -s nullglob
specs=("$root"/../shared/atlas/atlas-api-*.yaml)
if [ ${#specs[@]} -eq 0 ]; then
    echo "note: no published specs beside the checkout; only the fragment and corpus compared"
fi
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    # A spec the generator refuses is compared by its diagnostics and exit code.
    status=0
    # One output path for both runs: the header names it.
    rm -rf "$work/out"
    "$bin" crate "$spec" "$work/out" --runtime-path ../runtime --example-tests >/dev/null 2>"$dest/$name.diagnostics" || status=$?
    echo "$status" > "$dest/$name.status"
    [ -d "$work/out" ] && mv "$work/out" "$dest/$name"
done
if [ "$mode" = save ]; then
    echo "baseline saved: $(find "$dest" -type f | wc -l) files"
    exit 0
fi
if [ ! -d "$work/baseline" ]; then
    echo "no baseline: run '$0 save' before the change" >&2
    exit 2
fi
if diff -r -q "$work/baseline" "$dest" >/dev/null; then
    echo "same bytes: $(find "$dest" -type f | wc -l) files identical to the baseline"
else
    echo "the output differs from the baseline:" >&2
    diff -r -q "$work/baseline" "$dest" >&2 || true
    exit 1
fi
