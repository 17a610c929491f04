#!/usr/bin/env bash
# cargo-semver-checks as the referee of `atlasgen diff`: runs it on two
# generated crates (OLD the baseline, NEW the candidate) and compares its
# verdict with the diff's report (`atlasgen diff --format json`).
#
# usage: scripts/semver-checks.sh OLD_CRATE_DIR NEW_CRATE_DIR DIFF_JSON [SECTION_MD]
#
# Writes a Markdown section for the pull-request body to SECTION_MD (default:
# stdout): semver-checks' verdict beside the diff's, and a table of every
# item a failed lint names with the diff's breaking change that covers it.
#
# Exit status: 0 when semver-checks finds no breaking change, or when every
# item its failed lints name is covered by a breaking change of the diff (to
# that item or to the type it belongs to); 3 when some item is not (the diff
# misses or under-classes a breaking change, so its bump may be too low); 4 when
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
    # The path wherever it stands in the dependency's table (a published
    # crate's manifest puts the version first).
    sed -i "/^atlas-runtime = {/ s#path = \"[^\"]*\"#path = \"$root/runtime\"#" "$2/Cargo.toml"
    grep -q "^atlas-runtime = {.*path = \"$root/runtime\"" "$2/Cargo.toml" || {
        echo "$1/Cargo.toml: no atlas-runtime dependency by path to point at this checkout's runtime" >&2
        exit 1
    }
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
# SEMVER_CHECKS_OUTPUT names a file to keep its whole output in.
if [ -n "${SEMVER_CHECKS_OUTPUT:-}" ]; then
    cp "$work/out.txt" "$SEMVER_CHECKS_OUTPUT"
fi
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

# The diff's changes, one a line: impact, kind, subject, message (the JSON
# report prints each change's keys in this order, the subject last).
awk '
    /^ *"impact": / { impact = $0; sub(/^ *"impact": "/, "", impact); sub(/".*/, "", impact) }
    /^ *"kind": / { kind = $0; sub(/^ *"kind": "/, "", kind); sub(/".*/, "", kind) }
    /^ *"message": / { message = $0; sub(/^ *"message": "/, "", message); sub(/",?$/, "", message) }
    /^ *"subject": / { subject = $0; sub(/^ *"subject": "/, "", subject); sub(/",?$/, "", subject); print impact "\t" kind "\t" subject "\t" message }
' "$diff_json" > "$work/changes.tsv"

# Item by item: each item a failed lint names (without the temporary
# copies' file paths), and the diff's change that covers it:
# - the Rust item it belongs to: a type (`ApiError::new` belongs to
#   `ApiError`, so `ApiError.error` turning required covers it), or for a
#   method of `Client` or `MockServer` (`get_x`, `get_x_with_response`,
#   `get_x_pages`) and a mock builder (`GetXMock`), the operation `GetX`;
# - a breaking change to that item, or one whose message names it in
#   backquotes (`Rust type `A` renamed to `B``, under the new name);
# - for a deprecation lint (a minor change to cargo-semver-checks, not a
#   breaking one), the diff's `deprecated` change to that item.
# Lines: lint, item, what covers it (empty when nothing), what the diff
# says of the item otherwise.
awk -F '\t' '
    function camel(snake,    parts, k, i, out) {
        k = split(snake, parts, "_"); out = ""
        for (i = 1; i <= k; i++) out = out toupper(substr(parts[i], 1, 1)) substr(parts[i], 2)
        return out
    }
    FNR == NR {
        owner = $3
        if (owner !~ /^feature /) sub(/[.: ].*/, "", owner)
        if ($1 == "breaking") { if (!(owner in breaking)) breaking[owner] = $3; messages[++n] = $4; subjects[n] = $3 }
        else if (!(owner in other)) other[owner] = $1 " `" $3 "`"
        if ($2 == "deprecated" && !(owner in deprecated)) deprecated[owner] = $3
        next
    }
    /^--- failure / { lint = $0; sub(/^--- failure /, "", lint); sub(/:.*/, "", lint); items = 0; next }
    /^Failed in:/ { items = 1; next }
    /^ +Summary/ { items = 0; next }
    items && /^$/ { items = 0; next }
    items && /^  [^ ]/ {
        item = $0; sub(/^  /, "", item); gsub(/,? (previously )?in (file )?\/[^ ,]*/, "", item)
        owner = ""; member = ""
        if (match(item, /feature [A-Za-z0-9_-]+/)) {
            owner = substr(item, RSTART, RLENGTH)
        } else if (match(item, /[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+/)) {
            k = split(substr(item, RSTART, RLENGTH), seg, "::")
            for (i = 1; i <= k; i++) if (seg[i] ~ /^[A-Z]/) { owner = seg[i]; member = (i < k) ? seg[i + 1] : ""; break }
        } else if (match(item, /[A-Za-z]+ [A-Z][A-Za-z0-9_]*/)) {
            owner = substr(item, RSTART, RLENGTH); sub(/^[A-Za-z]+ /, "", owner)
        }
        if ((owner == "Client" || owner == "MockServer") && member != "") {
            m = member; sub(/_(with_response|pages)$/, "", m); owner = camel(m); member = ""
        } else if (owner ~ /.Mock$/) {
            sub(/Mock$/, "", owner)
        }
        cover = ""
        if (lint ~ /deprecated/) {
            if (owner in deprecated) cover = "non-breaking: `" deprecated[owner] "` deprecated"
        } else if (owner in breaking) {
            cover = "breaking: `" breaking[owner] "`"
        } else {
            for (j = 1; j <= n && cover == ""; j++) {
                if (index(messages[j], "`" owner "`") || (member != "" && index(messages[j], "`" owner "::" member "`")))
                    cover = "breaking: `" subjects[j] "`"
            }
        }
        print lint "\t" item "\t" cover "\t" ((owner in other) ? other[owner] : "")
    }
' "$work/changes.tsv" "$work/out.txt" > "$work/items.tsv"
uncovered="$(awk -F '\t' '$3 == ""' "$work/items.tsv" | wc -l)"

verdict=0
{
    echo "### cargo-semver-checks"
    echo
    if $sc_breaking; then
        echo "**${version}: breaking** (lints failed: $(echo "$lints" | wc -l), naming $(wc -l < "$work/items.tsv") items); \`atlasgen diff\`: ${diff_bump:-unknown} with ${diff_breaking} breaking changes; ${uncovered} of those items not among them."
    else
        echo "**${version}: no breaking change**; \`atlasgen diff\`: ${diff_bump:-unknown} with ${diff_breaking} breaking changes."
    fi
    echo
    if [ "$uncovered" -gt 0 ]; then
        echo "**Disagreement**: cargo-semver-checks finds breaking changes that \`atlasgen diff\` does not call breaking (marked below). The diff's report is incomplete and its bump may be too low; do not merge until the diff classes them."
        echo
    fi
    if $sc_breaking; then
        echo "<details><summary>Items of the lints that failed, and the diff's breaking change that covers each</summary>"
        echo
        echo "| lint | item | \`atlasgen diff\` |"
        echo "| --- | --- | --- |"
        awk -F '\t' '{
            item = $2; gsub(/\|/, "\\|", item)
            if ($3 != "") cover = $3
            else if ($4 != "") cover = "**not breaking** (" $4 ")"
            else cover = "**not reported**"
            print "| `" $1 "` | " item " | " cover " |"
        }' "$work/items.tsv"
        echo
        echo "</details>"
    fi
} > "$section"
if [ "$uncovered" -gt 0 ]; then
    verdict=3
fi
exit "$verdict"
