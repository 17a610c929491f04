#!/usr/bin/env bash
# Runs scripts/spec-update.sh on a series of published specs the way the
# daily workflow meets them over time, each in a scratch clone of HEAD:
#   - as a chain: the first spec, then the next on the tree the first left
#     (committed, as a merged update pull request would be), and so on;
#   - directly: HEAD to the last spec in one step (with two specs or more).
# Each update runs the whole test suite (no --quick unless asked) and, when
# installed, cargo-semver-checks. The checkout itself is never touched, and
# what is not committed is not tested.
#
# usage: scripts/spec-update-snapshots.sh [--quick] [--out DIR] SPEC...
#   --quick  pass --quick to spec-update.sh (build every test, run freshness)
#   --out    where the clones, their shared target directory and the reports
#            go (default: target/spec-update-snapshots)
#
# Prints one line per update (exit status, tests, semver bump, seconds) and
# keeps each update's report and log in DIR. Exit status 0 when every update
# exits 0, else 1. The clones find the published specs as ../shared/atlas/
# beside them, as the tests expect: DIR/shared/atlas links to the folder of
# the first SPEC.
set -euo pipefail

quick=() out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=(--quick); shift ;;
        --out) out="${2:?--out needs a value}"; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { sed -n '11p' "$0" | sed 's/^# //' >&2; exit 2; }
specs=()
for spec in "$@"; do
    [ -f "$spec" ] || { echo "no such file: $spec" >&2; exit 2; }
    specs+=("$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")")
done

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${out:-$root/target/spec-update-snapshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
head="$(git -C "$root" rev-parse HEAD)"
mkdir -p "$out/shared"
ln -sfn "$(dirname "${specs[0]}")" "$out/shared/atlas"
# One target directory for every clone: they sit at the same depth, so cargo
# reuses what an earlier update built and rebuilds what changed.
export CARGO_TARGET_DIR="$out/target"

clone() {
    rm -rf "$out/$1"
    git clone -q "$root" "$out/$1"
    git -C "$out/$1" checkout -q --detach "$head"
}

failed=0
# update CLONE LABEL SPEC: one spec-update.sh run, then commit its tree.
update() {
    local dir="$out/$1" label="$2" spec="$3" start=$SECONDS status=0
    (cd "$dir" && bash scripts/spec-update.sh "${quick[@]}" --report "$out/$label.md" "$spec") \
        > "$out/$label.log" 2>&1 || status=$?
    local tests semver
    tests="$(sed -n 's/^Tests: \([a-z*]*\).*/\1/p' "$out/$label.md" 2>/dev/null | tr -d '*')"
    semver="$(sed -n 's/^\*\*Semver: \([a-z]*\)\*\*.*/\1/p' "$out/$label.md" 2>/dev/null | head -n 1)"
    printf '%-28s exit %s, tests %s, semver %s, %d s\n' "$label" "$status" "${tests:-none}" \
        "${semver:-none}" "$((SECONDS - start))"
    [ "$status" -eq 0 ] || failed=1
    git -C "$dir" add -A spec generated
    git -C "$dir" -c user.name=spec-update -c user.email=spec-update@localhost \
        commit -q --allow-empty -m "spec update: $(basename "$spec")"
}

echo "HEAD ${head:0:12}; reports and logs in $out"
clone chain
for i in "${!specs[@]}"; do
    update chain "chain-$((i + 1))-$(basename "${specs[$i]}" .yaml)" "${specs[$i]}"
done
if [ "${#specs[@]}" -gt 1 ]; then
    last="${specs[${#specs[@]} - 1]}"
    clone direct
    update direct "direct-$(basename "$last" .yaml)" "$last"
    if diff -r -q -x .git "$out/chain/spec" "$out/direct/spec" >/dev/null \
        && diff -r -q "$out/chain/generated" "$out/direct/generated" >/dev/null; then
        echo "the chain and the direct update end with the same spec/ and generated/"
    else
        echo "the chain and the direct update end with different trees:"
        diff -r -q "$out/chain/spec" "$out/direct/spec" || true
        diff -r -q "$out/chain/generated" "$out/direct/generated" || true
        failed=1
    fi
fi
exit "$failed"
