#!/usr/bin/env bash
# Updates spec/ from a published Atlas spec and writes the pull-request body:
# extract -> regenerate -> test -> diff. The spec-update workflow runs it on
# the spec it downloads; it takes a local file so it runs (and is tested)
# anywhere.
#
# usage: scripts/spec-update.sh [--quick] [--date YYYY-MM-DD] [--url URL]
#            [--report FILE] [--semver-checks auto|require|skip] PUBLISHED_SPEC
#   --quick   instead of running the whole suite, build every test target
#             (`cargo test --no-run`) and run only the freshness tests
#   --date    the published spec's date (default: kept if the spec is the
#             pinned one, else from the file name, else today)
#   --url     where it was published (default: `upstream` in spec/extract.toml)
#   --report  the pull-request body (default: target/spec-update/report.md)
#   --semver-checks  run cargo-semver-checks on the old and new generated/
#             (scripts/semver-checks.sh): `auto` (default) when installed,
#             `require` fails (exit 4) when it is not, `skip` never
#
# Exit status: 0 when the tree is updated, the tests pass and every item
# semver-checks finds broken is among the diff's breaking changes; 3 when one
# is not (the diff's report misses it and its bump may be too low); 1 when tests fail; 4 when --semver-checks require
# finds no cargo-semver-checks; 2 for bad usage; and the atlasgen error code
# when extraction or generation fails. The tree and the report are written
# whenever extraction and generation succeed.
set -euo pipefail

usage() { sed -n '7,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

quick=false date="" url="" report="" semver_checks=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --date) date="${2:?--date needs a value}"; shift 2 ;;
        --url) url="${2:?--url needs a value}"; shift 2 ;;
        --report) report="${2:?--report needs a value}"; shift 2 ;;
        --semver-checks)
            semver_checks="${2:?--semver-checks needs a value}"; shift 2
            case "$semver_checks" in auto|require|skip) ;; *) usage ;; esac ;;
        -h|--help) usage ;;
        -*) echo "unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || usage
[ -f "$1" ] || { echo "no such file: $1" >&2; exit 2; }

# Absolute paths: the rest runs from the repository root.
published="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ -n "$report" ]; then
    mkdir -p "$(dirname "$report")"
    report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
fi
cd "$(dirname "$0")/.."
report="${report:-$PWD/target/spec-update/report.md}"
mkdir -p "$(dirname "$report")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

atlasgen() { cargo run -q -p atlasgen -- "$@"; }

step() { echo "==> $*" >&2; }

cp spec/openapi.yaml "$work/before.yaml"
cp spec/PINNED.toml "$work/PINNED.before.toml"
# The generated crate before the update: cargo-semver-checks' baseline.
cp -r generated "$work/generated.before"

step "extract $(basename "$published") into spec/"
extract_args=(--config spec/extract.toml --spec "$published" --report "$work/pins.md")
[ -n "$date" ] && extract_args+=(--date "$date")
[ -n "$url" ] && extract_args+=(--url "$url")
atlasgen extract "${extract_args[@]}"

pinned() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" spec/PINNED.toml; }
pin_date="$(pinned date)" pin_sha="$(pinned sha256)" pin_url="$(pinned url)"

step "regenerate generated/"
atlasgen generate spec/atlasgen.toml

tests_passed=true
# shellcheck disable=SC2016 # the backquotes are Markdown, for the report
if $quick; then
    # `--no-run` rather than `cargo check`: it builds the very units the
    # whole suite builds, so a target directory shared with it is reused.
    step "build every test target, run the freshness tests (--quick)"
    tests_run='`cargo test --workspace --no-run`, then the freshness tests'
    cargo test -q --workspace --no-run >&2 \
        && cargo test -q -p atlasgen-tests --test freshness >&2 \
        || tests_passed=false
else
    step "cargo test --workspace"
    tests_run='`cargo test --workspace --no-fail-fast`'
    cargo test --workspace --no-fail-fast >&2 || tests_passed=false
fi

step "diff the API"
atlasgen diff "$work/before.yaml" spec/openapi.yaml --config spec/extract.toml \
    --old-label "spec/openapi.yaml before" --new-label "published ${pin_date}" > "$work/diff.md"
atlasgen diff "$work/before.yaml" spec/openapi.yaml --config spec/extract.toml --format json > "${report%.md}.json"

# The referee: cargo-semver-checks on the old and the new generated crate.
semver_status=0
if [ "$semver_checks" = skip ]; then
    printf '### cargo-semver-checks\n\nNot run (`--semver-checks skip`).\n' > "$work/semver.md"
else
    step "cargo semver-checks: generated/ before and after"
    bash scripts/semver-checks.sh "$work/generated.before" generated "${report%.md}.json" "$work/semver.md" \
        || semver_status=$?
    if [ "$semver_status" -eq 4 ] && [ "$semver_checks" = auto ]; then
        semver_status=0
    fi
fi

{
    echo "# Atlas Administration API spec update: published ${pin_date}"
    echo
    if cmp -s "$work/before.yaml" spec/openapi.yaml && cmp -s "$work/PINNED.before.toml" spec/PINNED.toml; then
        echo "spec/ already holds this published spec; nothing changed."
    else
        echo "\`spec/openapi.yaml\` is now extracted from <${pin_url}> as published ${pin_date} (sha256 \`${pin_sha}\`), and \`generated/\` is regenerated from it."
    fi
    echo
    if $tests_passed; then
        echo "Tests: passed (${tests_run})."
    else
        echo "Tests: **failed** (${tests_run}); see the workflow log."
    fi
    echo
    cat "$work/diff.md"
    echo
    cat "$work/semver.md"
    echo
    echo "<details><summary>Pinned Rust names (spec/extract.toml)</summary>"
    echo
    cat "$work/pins.md"
    echo
    echo "</details>"
} > "$report"

step "report: $report"
case "$semver_status" in
    0) ;;
    3) echo "cargo-semver-checks finds breaking changes that atlasgen diff does not call breaking" >&2; exit 3 ;;
    4) echo "cargo-semver-checks is not installed (--semver-checks require); .ci/install-semver-checks.sh installs it" >&2; exit 4 ;;
    *) echo "cargo-semver-checks could not check the crates" >&2; exit 1 ;;
esac
$tests_passed
