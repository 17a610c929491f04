#!/usr/bin/env bash
# cargo-semver-checks as the referee of `atlasgen diff`: runs it on two
# generated crates (OLD the baseline, NEW the candidate) and compares its
# verdict with the diff's report (`atlasgen diff --format json`).
#
# usage: scripts/semver-checks.sh OLD_CRATE_DIR NEW_CRATE_DIR DIFF_JSON [SECTION_MD]
#
# Writes a Markdown section for the pull-request body to SECTION_MD (default:
# stdout): semver-checks' verdict beside the diff's, and each failed lint with
# the items it names.
#
# Exit status: 0 when semver-checks finds no breaking change, or finds some
# and the diff calls the update breaking too; 3 when semver-checks finds a
# breaking change and the diff calls the update non-breaking; 4 when
# cargo-semver-checks is not installed (.ci/install-semver-checks.sh
# installs the pinned version); 1 when it could not check the crates.
#
# Both crates are copied to a temporary folder and built there as
# stand-alone crates against this checkout's runtime and lock file, so the
# baseline can be a copy taken before an update. CARGO_TARGET_DIR defaults to
# target/semver-checks, kept between runs.
set -euo pipefail

[ $# -ge 3 ] && [ $# -le 4 ] || { sed -n '6p' "$0" | sed 's/^# //' >&2; exit 2; }
old="$(cd "$1" && pwd)" new="$(cd "$2" && pwd)" diff_json="$(cd "$(dirname "$3")" && pwd)/$(basename "$3")"
section="${4:-/dev/stdout}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/semver-checks}"

# The diff's verdict: breaking when it lists a breaking change.
diff_breaking="$(grep -c '"impact": "breaking"' "$diff_json" || true)"
diff_bump="$(sed -n 's/^ *"bump": "\([a-z]*\)".*/\1/p' "$diff_json" | head -n 1)"

if ! version="$(cargo semver-checks --version 2>/dev/null)"; then
    {
        echo "### cargo-semver-checks"
        echo
        echo "Not run: cargo-semver-checks is not installed (\`.ci/install-semver-checks.sh\` installs the pinned version)."
    } > "$section"
    exit 4
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A stand-alone copy: the runtime by absolute path, the workspace's lock file.
standalone() {
    cp -r "$1" "$2"
    rm -rf "$2/target"
    sed -i "s#^atlas-runtime = { path = \"[^\"]*\"#atlas-runtime = { path = \"$root/runtime\"#" "$2/Cargo.toml"
    grep -q '^\[workspace\]' "$2/Cargo.toml" || printf '\n[workspace]\n' >> "$2/Cargo.toml"
    cp "$root/Cargo.lock" "$2/Cargo.lock"
}
standalone "$old" "$work/old"
standalone "$new" "$work/new"

# `--release-type patch`: every lint that asks for more than a patch release
# fails, and on a 0.x crate those are the breaking changes.
set +e
cargo semver-checks --color never --manifest-path "$work/new/Cargo.toml" \
    --baseline-root "$work/old" --release-type patch > "$work/out.txt" 2>&1
status=$?
set -e
# Progress lines on stderr for the log; the findings go to the section.
grep -E '^ +(Checked|Summary|Finished)' "$work/out.txt" >&2 || true

lints="$(sed -n 's/^--- failure \([a-z_0-9]*\): .*/\1/p' "$work/out.txt")"
if [ "$status" -ne 0 ] && [ -z "$lints" ]; then
    {
        echo "### cargo-semver-checks"
        echo
        echo "Could not check the crates (${version}, exit status ${status}); see the workflow log."
    } > "$section"
    cat "$work/out.txt" >&2
    exit 1
fi

sc_breaking=false
[ -n "$lints" ] && sc_breaking=true
verdict=0
{
    echo "### cargo-semver-checks"
    echo
    if $sc_breaking; then
        echo "**${version}: breaking** ($(echo "$lints" | wc -l) lints failed); \`atlasgen diff\`: ${diff_bump:-unknown} with ${diff_breaking} breaking changes."
    else
        echo "**${version}: no breaking change**; \`atlasgen diff\`: ${diff_bump:-unknown} with ${diff_breaking} breaking changes."
    fi
    echo
    if $sc_breaking && [ "$diff_breaking" -eq 0 ]; then
        echo "**Disagreement**: cargo-semver-checks finds a breaking change that \`atlasgen diff\` calls non-breaking. The version bump above is too low; do not merge until the diff classes it."
        echo
    fi
    if $sc_breaking; then
        echo "<details><summary>Lints that failed</summary>"
        echo
        # Each failure: its title, then the items under "Failed in:" (without
        # the temporary copies' file paths).
        awk '
            /^--- failure / { sub(/^--- failure /, ""); sub(/ ---$/, ""); print "- `" $0 "`"; items = 0; next }
            /^Failed in:/ { items = 1; next }
            /^ +Summary/ { items = 0; next }
            items && /^  [^ ]/ { line = $0; sub(/^  /, "", line); gsub(/,? (previously )?in (file )?\/[^ ,]*/, "", line); print "  - " line; next }
            items && /^$/ { items = 0 }
        ' "$work/out.txt"
        echo
        echo "</details>"
    fi
} > "$section"
if $sc_breaking && [ "$diff_breaking" -eq 0 ]; then
    verdict=3
fi
exit "$verdict"
