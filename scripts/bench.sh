#!/usr/bin/env bash
# Runs the six measurements of issue 5 and prints one table; every figure is a
# ratio against a baseline measured in the same run. BENCHMARKS.md keeps one
# run's table and says what each row means.
#
#   scripts/bench.sh [--only 1,2,3,4,5,6] [--stat min|median] [--rounds N]
#
# --stat picks the statistic of repeated timings (default min: on a shared
# machine the fastest run is the one least disturbed by other work). --rounds
# is how many times each clean downstream build of measurement 5 runs
# (default 2, alternating; the fastest counts). Scratch crates and outputs go
# to target/bench-scratch/ and are never committed. Not run in CI: timings
# there would only be noise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="$root/target/bench-scratch"
mkdir -p "$scratch"
only="1,2,3,4,5,6"
stat=min
rounds=2
while [ $# -gt 0 ]; do
    case "$1" in
        --only) only="$2"; shift 2 ;;
        --stat) stat="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "usage: scripts/bench.sh [--only 1,2,...] [--stat min|median] [--rounds N]" >&2; exit 2 ;;
    esac
done
wanted() { [[ ",$only," == *",$1,"* ]]; }
step() { printf '\n== %s\n' "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }

rows=()
# row MEASUREMENT OURS BASELINE RATIO TARGET MET
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
# ratio A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# at_most VALUE LIMIT: "yes" if VALUE <= LIMIT.
at_most() { awk -v v="$1" -v l="$2" 'BEGIN { print (v != "n/a" && v + 0 <= l + 0) ? "yes" : "**no**" }'; }
# human NS: a duration in ns, in the unit that reads best.
human() {
    awk -v t="$1" 'BEGIN {
        if (t >= 1e9) printf "%.2f s", t / 1e9; else if (t >= 1e6) printf "%.1f ms", t / 1e6;
        else if (t >= 1e3) printf "%.2f µs", t / 1e3; else printf "%.1f ns", t }'
}

# Divan prints a tree; this turns it into "name fastest_ns median_ns" lines,
# nested names joined with "/" (a function's args: "generated/name/valid").
divan_table() {
    awk '
    function ns(text,   n, u) {
        n = text; sub(/[^0-9.].*$/, "", n); u = text; sub(/^[0-9.]+ */, "", u); sub(/ +$/, "", u)
        if (u == "ps") return n / 1000; if (u == "ns") return n; if (u == "µs") return n * 1e3
        if (u == "ms") return n * 1e6; if (u == "s") return n * 1e9; return -1
    }
    /^(├─|╰─) / || /^(│  |   )(├─|╰─) / {
        depth = ($0 ~ /^(├─|╰─) /) ? 1 : 2
        line = $0; sub(/^(│  |   )?(├─|╰─) /, "", line)
        n = split(line, col, "│")
        name = col[1]; sub(/ .*$/, "", name)
        first = col[1]; sub(/^[^ ]+ +/, "", first); sub(/ +$/, "", first)
        if (depth == 1) parent = name
        if (first == "") next
        full = (depth == 2) ? parent "/" name : name
        median = col[3]; gsub(/^ +| +$/, "", median)
        print full, ns(first), ns(median)
    }'
}
# pick TABLE NAME: the chosen statistic (ns) of NAME, or nothing.
pick() { awk -v want="$2" -v stat="$stat" '$1 == want { print (stat == "median") ? $3 : $2 }' "$1"; }
spread() { awk -v want="$2" '$1 == want && $2 > 0 { printf "%.2f", $3 / $2 }' "$1"; }

# The machine is shared: say how busy it is, so the reader can judge the noise.
step "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if ! command -v hyperfine >/dev/null; then
    step "installing hyperfine (Debian package)"
    (apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }) \
        || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
fi

if wanted 1 || wanted 2; then
    step "building atlasgen (release)"
    cargo build -q --release -p atlasgen
fi
if wanted 2 || wanted 3 || wanted 4; then
    step "building the benchmarks (bench profile)"
    cargo bench -q -p atlasgen-tests --no-run
fi
gen="$root/target/release/atlasgen"
# hyperfine_stat JSON INDEX: the chosen statistic of a hyperfine result, in ns.
hyperfine_stat() {
    jq -r --argjson i "$2" --arg stat "$stat" '.results[$i] | (if $stat == "median" then .median else .min end) * 1e9' "$1"
}

# --- 1. the fragment: whole CLI process --------------------------------------
if wanted 1; then
    step "1. generating the fragment from spec/ (atlasgen check: generates and compares, writes nothing)"
    hyperfine -N -i --warmup 5 --min-runs 30 --export-json "$scratch/m1.json" \
        "$gen check spec/atlasgen.toml" "$gen help" >&2
    ours=$(hyperfine_stat "$scratch/m1.json" 0)
    base=$(hyperfine_stat "$scratch/m1.json" 1)
    r=$(ratio "$ours" "$base")
    met=$(awk -v t="$ours" 'BEGIN { print (t < 20e6) ? "yes" : "**no**" }')
    row "1. fragment: wall, \`atlasgen check\`" "$(human "$ours")" "$(human "$base") (\`atlasgen help\`)" "$r" "< 20 ms" "$met"
    # Peak RSS in kB, the highest of five runs.
    peak_kb() { local m=0 k; for _ in 1 2 3 4 5; do k=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1); [ "$k" -gt "$m" ] && m=$k; done; echo "$m"; }
    ours_kb=$(peak_kb "$gen" check spec/atlasgen.toml)
    base_kb=$(peak_kb "$gen" help)
    mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
    met=$(awk -v k="$ours_kb" 'BEGIN { print (k < 20 * 1024) ? "yes" : "**no**" }')
    row "1. fragment: peak RSS" "$(mb "$ours_kb")" "$(mb "$base_kb") (\`atlasgen help\`)" "$(ratio "$ours_kb" "$base_kb")" "< 20 MB" "$met"
fi

# --- 2. the full published spec ------------------------------------------------
spec="$root/../shared/atlas/atlas-api-2025-06-30.yaml"
if wanted 2 && [ ! -f "$spec" ]; then
    step "2. skipped: ../shared/atlas/atlas-api-2025-06-30.yaml not found (the published specs are not beside this checkout)"
    row "2. full spec" "skipped: spec absent" "" "" "≤ 2.0" ""
elif wanted 2; then
    json="$scratch/atlas-api-2025-06-30.json"
    step "2. generating from the full published spec, against parsing it into openapiv3 types"
    ATLASGEN_BENCH_SPEC="$spec" ATLASGEN_BENCH_SPEC_JSON="$json" ATLASGEN_BENCH_WRITE_JSON=1 \
        cargo bench -q -p atlasgen-tests --bench spec_floor >/dev/null
    for fmt in yaml json; do
        file=$spec; [ "$fmt" = json ] && file=$json
        out="$scratch/full-$fmt"
        # Every run writes the whole crate into an empty directory.
        hyperfine -N --warmup 1 --runs 5 --prepare "rm -rf $out" --export-json "$scratch/m2-$fmt.json" \
            "$gen crate $file $out --runtime-path $root/runtime" >&2
        rm -rf "$out"
        ATLASGEN_TIMINGS=1 "$gen" crate "$file" "$out" --runtime-path "$root/runtime" 2>&1 >/dev/null \
            | awk '/^atlasgen timing:/ { printf "%s %s\n", $3, $4 }' > "$scratch/m2-$fmt-phases.txt"
    done
    # The floor, and formatting the generated crate alone, in the same run.
    ATLASGEN_BENCH_SPEC="$spec" ATLASGEN_BENCH_SPEC_JSON="$json" ATLASGEN_BENCH_GENERATED="$scratch/full-yaml" \
        cargo bench -q -p atlasgen-tests --bench spec_floor -- --color never | tee "$scratch/m2-floor.txt" >&2
    divan_table < "$scratch/m2-floor.txt" > "$scratch/m2-floor.tsv"
    for fmt in yaml json; do
        ours=$(hyperfine_stat "$scratch/m2-$fmt.json" 0)
        floor=$(pick "$scratch/m2-floor.tsv" "parse_$fmt")
        r=$(ratio "$ours" "$floor")
        row "2. full spec from ${fmt^^}: \`atlasgen crate\`, wall" "$(human "$ours")" "$(human "$floor") (parse into openapiv3)" "$r" "≤ 2.0" "$(at_most "$r" 2.0)"
        phases=$(awk '$1 != "total" { printf "%s%s %.0f ms", sep, $1, $2; sep = ", " }' "$scratch/m2-$fmt-phases.txt")
        row "2. … where it goes (${fmt^^}, one run with \`ATLASGEN_TIMINGS=1\`)" "$phases" "" "" "" ""
        cpu=$(jq -r '.results[0] | (.user + .system) * 1e9' "$scratch/m2-$fmt.json")
        r=$(ratio "$cpu" "$floor")
        row "2. full spec from ${fmt^^}: \`atlasgen crate\`, CPU (user + system, mean)" "$(human "$cpu")" "$(human "$floor")" "$r" "(≤ 2.0)" "$(at_most "$r" 2.0)"
    done
    fmt_ns=$(pick "$scratch/m2-floor.tsv" reformat_output)
    floor=$(pick "$scratch/m2-floor.tsv" parse_yaml)
    size=$(cat "$scratch"/full-yaml/src/*.rs | wc -c | awk '{ printf "%.1f MB", $1 / 1e6 }')
    row "2. … formatting alone: syn parse + prettyplease of the generated $size" "$(human "$fmt_ns")" "$(human "$floor") (parse YAML)" "$(ratio "$fmt_ns" "$floor")" "—" ""
    rm -rf "$scratch/full-yaml" "$scratch/full-json"
fi

# --- 3. validators ---------------------------------------------------------------
if wanted 3; then
    step "3. validators: the emitted checks on a &str, against regex and regress"
    # A scratch crate whose library is the generator's output for the three
    # patterns; it shares this workspace's lock file and target directory, so
    # only it and the runtime are compiled.
    m="$scratch/matchers"
    mkdir -p "$m"
    ATLASGEN_BENCH_WRITE_MATCHERS="$m/lib.rs" cargo bench -q -p atlasgen-tests --bench validators
    cat > "$m/Cargo.toml" <<TOML
[package]
name = "bench-matchers"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[lib]
path = "lib.rs"

[[bench]]
name = "matchers"
path = "$root/tests/benches/emitted/matchers.rs"
harness = false

[dependencies]
atlas-runtime = { path = "$root/runtime", default-features = false }

[dev-dependencies]
divan = "0.1"
regex = "1"
regress = "0.12"
TOML
    cp "$root/Cargo.lock" "$m/Cargo.lock"
    strategies=$(head -1 "$m/lib.rs" | sed 's#^// strategies: ##')
    note "how the generator compiles them: $strategies"
    ( cd "$m" && CARGO_TARGET_DIR="$root/target" cargo bench -q --bench matchers -- --color never ) | tee "$scratch/m3.txt" >&2
    divan_table < "$scratch/m3.txt" > "$scratch/m3.tsv"
    step "3. validators: constructing GroupId and ClusterName from a String, against the engines given the same String"
    cargo bench -q -p atlasgen-tests --bench validators -- --color never | tee "$scratch/m3-types.txt" >&2
    divan_table < "$scratch/m3-types.txt" > "$scratch/m3-types.tsv"
    for p in object_id name ip; do
        case $p in
            object_id) label='`^([a-f0-9]{24})$`' ;;
            name) label='`^[a-zA-Z0-9][a-zA-Z0-9-]*$`' ;;
            ip) label='IP address with `(?!$)`' ;;
        esac
        how=$(echo "$strategies" | tr ' ' '\n' | awk -F= -v p="$p" '$1 == p { n = split($2, a, ":"); print (n == 2) ? a[1] ", " a[2] " states" : a[1] }')
        for c in valid invalid; do
            ours=$(pick "$scratch/m3.tsv" "emitted/$p/$c")
            rx=$(pick "$scratch/m3.tsv" "regex_crate/$p/$c")
            rs=$(pick "$scratch/m3.tsv" "regress_crate/$p/$c")
            if [ -n "$rx" ]; then
                r=$(ratio "$ours" "$rx")
                row "3. $label, $c: emitted check ($how)" "$(human "$ours")" "regex $(human "$rx"); regress $(human "$rs")" "$r; $(ratio "$ours" "$rs")" "≤ 0.20 vs regex" "$(at_most "$r" 0.20)"
            else
                row "3. $label, $c: emitted check ($how)" "$(human "$ours")" "regex: no lookahead; regress $(human "$rs")" "—; $(ratio "$ours" "$rs")" "—" ""
            fi
        done
    done
    for p in object_id name; do
        ty=GroupId
        [ "$p" = name ] && ty=ClusterName
        for c in valid invalid; do
            ours=$(pick "$scratch/m3-types.tsv" "generated/$p/$c")
            rx=$(pick "$scratch/m3-types.tsv" "regex_crate/$p/$c")
            rs=$(pick "$scratch/m3-types.tsv" "regress_crate/$p/$c")
            r=$(ratio "$ours" "$rx")
            row "3. \`$ty::try_from(String)\`, $c" "$(human "$ours")" "regex $(human "$rx"); regress $(human "$rs")" "$r; $(ratio "$ours" "$rs")" "(≤ 0.20 vs regex)" "$(at_most "$r" 0.20)"
        done
    done
    note "harness overhead in the String-shaped timings: $(human "$(pick "$scratch/m3-types.tsv" harness)")"
fi

# --- 4. decoding and encoding --------------------------------------------------------
if wanted 4; then
    step "4. decoding and encoding BackupRestoreJob, against the parse floor and the writer floor"
    cargo bench -q -p atlasgen-tests --bench decode -- --color never | tee "$scratch/m4.txt" >&2
    divan_table < "$scratch/m4.txt" > "$scratch/m4.tsv"
    for what in decode encode; do
        for size in small large; do
            ours=$(pick "$scratch/m4.tsv" "${what}_typed/$size")
            floor=$(pick "$scratch/m4.tsv" "${what}_floor/$size")
            r=$(ratio "$ours" "$floor")
            if [ "$what" = decode ]; then fl="IgnoredAny"; else fl="serde_json::Value"; fi
            sz=$([ "$size" = small ] && echo "documented 200" || echo "1,000× larger")
            row "4. $what $sz" "$(human "$ours")" "$(human "$floor") ($fl)" "$r" "≤ 2.0" "$(at_most "$r" 2.0)"
            note "$what $size: median/min spread $(spread "$scratch/m4.tsv" "${what}_typed/$size") (ours), $(spread "$scratch/m4.tsv" "${what}_floor/$size") (floor)"
        done
    done
    for size in small large; do
        ours=$(pick "$scratch/m4.tsv" "decode_typed/$size")
        plain=$(pick "$scratch/m4.tsv" "decode_plain/$size")
        sz=$([ "$size" = small ] && echo "documented 200" || echo "1,000× larger")
        row "4. … decode $sz against the plainest serde model (all \`String\`)" "$(human "$ours")" "$(human "$plain") (derived, no checks)" "$(ratio "$ours" "$plain")" "—" ""
    done
fi

# --- 5. the cost to a downstream build -------------------------------------------------
if wanted 5; then
    step "5. a clean downstream build: the generated crate against serde + serde_json + reqwest"
    down="$scratch/downstream"
    rm -rf "$down"
    mkdir -p "$down/ours/src" "$down/base/src"
    # Each crate is its own workspace, pinned to this workspace's lock file
    # (same versions, nothing fetched); cargo drops what it does not need.
    cat > "$down/ours/Cargo.toml" <<EOF
[package]
name = "downstream-ours"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
atlas-admin = { path = "$root/generated" }
EOF
    cat > "$down/ours/src/main.rs" <<'EOF'
fn main() {
    let id: Result<atlas_admin::GroupId, _> = "32b6e34b3d91647abb20e7b8".parse();
    let base = atlas_admin::BaseUrl::parse(atlas_admin::DEFAULT_BASE_URL).expect("the default base URL parses");
    let client = atlas_admin::Client::new(base);
    println!("{id:?} {}", client.is_ok());
}
EOF
    # The runtime's reqwest features, and serde with derive as the models use it.
    reqwest_features=$(cargo metadata -q --format-version 1 --no-deps --manifest-path "$root/runtime/Cargo.toml" \
        | jq -c '[.packages[] | select(.name == "atlas-runtime") | .dependencies[] | select(.name == "reqwest") | .features[]]')
    cat > "$down/base/Cargo.toml" <<EOF
[package]
name = "downstream-base"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
reqwest = { version = "0.13", default-features = false, features = $reqwest_features }
EOF
    cat > "$down/base/src/main.rs" <<'EOF'
#[derive(serde::Serialize, serde::Deserialize, Debug)]
struct Job {
    id: String,
}

fn main() {
    let job: Result<Job, _> = serde_json::from_str(r#"{"id":"32b6e34b3d91647abb20e7b8"}"#);
    let client = reqwest::Client::builder().build();
    println!("{job:?} {}", client.is_ok());
}
EOF
    for which in base ours; do
        cp "$root/Cargo.lock" "$down/$which/Cargo.lock"
        ( cd "$down/$which" && cargo fetch -q )
    done
    # Alternating rounds, each build from an empty target directory; the
    # fastest round of each counts (the others were slowed by other work).
    for round in $(seq "$rounds"); do
        for which in base ours; do
            rm -rf "$down/$which-target"
            # Wall time, and the CPU time of cargo and every rustc and build script it ran.
            ( cd "$down/$which" && CARGO_TARGET_DIR="$down/$which-target" \
                /usr/bin/time -f '%e %U %S' -o "$down/$which.time" cargo build ) > "$down/$which.log" 2>&1
            read -r wall user sys < "$down/$which.time"
            ns=$(awk -v w="$wall" 'BEGIN { printf "%.0f", w * 1e9 }')
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", (u + s) * 1e9 }')
            count=$(grep -c '^ *Compiling ' "$down/$which.log" || true)
            note "round $round, $which: $count crates compiled in $(human "$ns") ($(human "$cpu") CPU)"
            if [ "$round" = 1 ] || [ "$ns" -lt "$(cat "$down/$which.ns")" ]; then echo "$ns" > "$down/$which.ns"; fi
            if [ "$round" = 1 ] || [ "$cpu" -lt "$(cat "$down/$which.cpu")" ]; then echo "$cpu" > "$down/$which.cpu"; fi
            echo "$count" > "$down/$which.count"
        done
    done
    rm -rf "$down/base-target" "$down/ours-target"
    ours=$(cat "$down/ours.ns"); base=$(cat "$down/base.ns")
    r=$(ratio "$ours" "$base")
    row "5. downstream clean build, wall" "$(human "$ours")" "$(human "$base") (serde + serde_json + reqwest)" "$r" "≤ 1.3" "$(at_most "$r" 1.3)"
    ours=$(cat "$down/ours.cpu"); base=$(cat "$down/base.cpu")
    r=$(ratio "$ours" "$base")
    row "5. downstream clean build, CPU time" "$(human "$ours")" "$(human "$base")" "$r" "(≤ 1.3)" "$(at_most "$r" 1.3)"
    oc=$(cat "$down/ours.count"); bc=$(cat "$down/base.count")
    row "5. downstream clean build, crates compiled" "$oc" "$bc" "$(ratio "$oc" "$bc")" "—" ""
    compiled() { grep -oE '^ *Compiling [^ ]+' "$1" | awk '{ print $2 }' | sort -u; }
    forbidden=$(compiled "$down/ours.log" | grep -xE 'openapiv3|serde_yaml|prettyplease|atlasgen[a-z-]*' | tr '\n' ' ' || true)
    row "5. code-generation crates in the downstream build (openapiv3, serde_yaml, prettyplease, atlasgen)" "${forbidden:-none}" "none" "—" "none" "$([ -z "$forbidden" ] && echo yes || echo '**no**')"
    note "only in ours: $(comm -23 <(compiled "$down/ours.log") <(compiled "$down/base.log") | tr '\n' ' ')"
    note "only in base: $(comm -13 <(compiled "$down/ours.log") <(compiled "$down/base.log") | tr '\n' ' ')"
    # Who brings the proc-macro crates in: the same crates in both builds.
    for which in ours base; do
        for v in $(cd "$down/$which" && cargo tree -q -e normal,build --prefix none | grep -oE '^syn v[0-9.]+' | sort -u | sed 's/^syn v/syn@/'); do
            users=$(cd "$down/$which" && cargo tree -q -e normal,build -i "$v" --prefix depth \
                | awk '/^1[^0-9]/ { sub(/^1/, ""); print $1 }' | sort -u | tr '\n' ' ')
            note "$which: $v is built for: $users"
        done
    done
fi

# --- 6. the no-op rebuild ----------------------------------------------------------------
if wanted 6; then
    step "6. no-op rebuild at the workspace root"
    cargo build -q
    # What cargo says about the regeneration package and its build script.
    evidence() { grep -E '(Fresh|Dirty|Compiling) atlasgen-regen|atlasgen-regen-[0-9a-f]+/build-script-build' | sed -e "s#$root#.#g" -e 's/^ *//' || true; }
    second=$(cargo build -v 2>&1 | evidence)
    note "cargo build -v, the second time: $second"
    # The whole workspace builds the regeneration package with other feature
    # sets than the root alone (its own cached unit): build it once first.
    cargo build -q --workspace
    touch README.md tests/support.rs
    after_touch=$(cargo build --workspace -v 2>&1 | evidence)
    note "touch README.md tests/support.rs; cargo build --workspace -v: $after_touch"
    ok=no
    if [[ "$second" == *"Fresh atlasgen-regen"* && "$second" != *build-script-build* \
          && "$after_touch" == *"Fresh atlasgen-regen"* && "$after_touch" != *build-script-build* ]]; then
        ok=yes
    fi
    row "6. no-op \`cargo build\`, the second time" "$(echo "$second" | head -1)" "—" "—" "build script not re-run" "$ok"
    row "6. after touching README.md and tests/support.rs" "$(echo "$after_touch" | head -1)" "—" "—" "build script not re-run" "$ok"
fi

step "results (statistic: $stat; ratio = ours / baseline, lower is better)"
echo
echo "| measurement | ours | baseline | ratio | target | met |"
echo "| --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
