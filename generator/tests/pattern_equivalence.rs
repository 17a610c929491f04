//! The DFA strategy must agree with `regress` (the ECMA-262 engine the
//! runtime uses) on every input, for every pattern of the published spec and
//! for randomly generated patterns; and the emitted Rust must parse, compile
//! warning-free and behave the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use atlasgen::pattern::{
    compile, double_escape_warning, emit_matcher, unicode_property_warning, CompiledPattern, Dfa,
    Strategy as PatternStrategy,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/atlas/atlas-api-2025-06-30.yaml")
}

fn collect_patterns(v: &serde_yaml::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("pattern") {
                    if let Some(s) = v.as_str() {
                        out.insert(s.to_string());
                    }
                }
                collect_patterns(v, out);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for v in items {
                collect_patterns(v, out);
            }
        }
        serde_yaml::Value::Tagged(t) => collect_patterns(&t.value, out),
        _ => {}
    }
}

/// Distinct patterns of the published spec, or `None` when it is not there.
fn spec_patterns() -> Option<BTreeSet<String>> {
    let path = spec_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} not found", path.display());
        return None;
    };
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let mut out = BTreeSet::new();
    collect_patterns(&doc, &mut out);
    Some(out)
}

fn regress_match(re: &regress::Regex, s: &str) -> bool {
    re.find(s).is_some()
}

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// A character in `lo..=hi`, preferring the ends (where off-by-one bugs live).
fn pick_in(rng: &mut Rng, lo: char, hi: char) -> char {
    let (l, h) = (lo as u32, hi as u32);
    let c = match rng.below(4) {
        0 => l,
        1 => h,
        _ => l + (rng.next() % u64::from(h - l + 1)) as u32,
    };
    char::from_u32(c).unwrap_or(lo)
}

/// Walks the DFA from the start to an accepting state, producing inputs the
/// pattern accepts (the seeds for near-miss mutations).
fn examples(dfa: &Dfa, rng: &mut Rng, count: usize, max_len: usize) -> Vec<String> {
    let mut out = Vec::new();
    let states = dfa.states();
    for _ in 0..count * 4 {
        if out.len() >= count {
            break;
        }
        let mut s = String::new();
        let mut state = 0;
        for _ in 0..max_len {
            let st = &states[state];
            if st.accept_now || (st.accept_at_end && rng.below(3) == 0) {
                break;
            }
            if st.transitions.is_empty() {
                break;
            }
            let t = st.transitions[rng.below(st.transitions.len())];
            s.push(pick_in(rng, t.lo, t.hi));
            state = t.target;
        }
        if dfa.is_match(&s) {
            out.push(s);
        }
    }
    if let Some(m) = dfa.shortest_match() {
        out.push(m);
    }
    out
}

/// Characters worth trying against a pattern: its own characters, the edges
/// of every transition range, line terminators, non-ASCII digits, hex digits.
fn alphabet(source: &str, dfa: &Dfa) -> Vec<char> {
    let mut set: BTreeSet<char> = source.chars().collect();
    for st in dfa.states() {
        for t in &st.transitions {
            for c in [
                t.lo as u32,
                t.hi as u32,
                (t.lo as u32).wrapping_sub(1),
                t.hi as u32 + 1,
            ] {
                if let Some(c) = char::from_u32(c) {
                    set.insert(c);
                }
            }
        }
    }
    set.extend("\n\r\u{2028}\u{2029}\u{a0}\u{feff} -_.\\é٣０".chars());
    set.extend(('0'..='9').chain('a'..='f').chain('A'..='F'));
    set.into_iter().collect()
}

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Random strings over `alpha` and one-character mutations of `seeds`, each
/// optionally wrapped in junk (exercising search semantics), must get the
/// same verdict from the DFA and from regress.
fn check_equivalent(
    source: &str,
    dfa: &Dfa,
    alpha: &[char],
    seeds: &[String],
    max_len: usize,
    cases: u32,
) {
    let re = regress::Regex::new(source).expect("regress compiles what compile() accepted");
    let check = |s: &str| -> Result<(), TestCaseError> {
        let want = regress_match(&re, s);
        prop_assert_eq!(
            dfa.is_match(s),
            want,
            "pattern {:?} on input {:?}",
            source,
            s
        );
        Ok(())
    };
    for seed in seeds {
        check(seed).unwrap_or_else(|e| panic!("{e}"));
    }

    let ch = proptest::sample::select(alpha.to_vec());
    let random = proptest::collection::vec(ch.clone(), 0..max_len)
        .prop_map(|v| v.into_iter().collect::<String>());
    runner(cases)
        .run(&random, |s| check(&s))
        .unwrap_or_else(|e| panic!("{e}"));

    if seeds.is_empty() {
        return;
    }
    let junk =
        proptest::collection::vec(ch.clone(), 0..3).prop_map(|v| v.into_iter().collect::<String>());
    let mutated = (
        0..seeds.len(),
        0..4u8,
        any::<proptest::sample::Index>(),
        ch,
        junk.clone(),
        junk,
        any::<bool>(),
    )
        .prop_map(|(i, op, at, c, pre, post, wrap)| {
            let mut v: Vec<char> = seeds[i].chars().collect();
            let pos = at.index(v.len() + 1);
            match op {
                0 => v.insert(pos, c),
                1 if pos < v.len() => {
                    v.remove(pos);
                }
                2 if pos < v.len() => v[pos] = c,
                _ => {}
            }
            let body: String = v.into_iter().collect();
            if wrap {
                format!("{pre}{body}{post}")
            } else {
                body
            }
        });
    runner(cases)
        .run(&mutated, |s| check(&s))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn spec_patterns_dfa_matches_regress() {
    let Some(patterns) = spec_patterns() else {
        return;
    };
    let mut dfa_count = 0;
    let mut engine: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rejected = Vec::new();
    let mut rng = Rng(0x5EED);
    for source in &patterns {
        let compiled = match compile(source) {
            Ok(c) => c,
            Err(e) => {
                rejected.push(e.to_string());
                continue;
            }
        };
        match &compiled.strategy {
            PatternStrategy::Dfa(dfa) => {
                dfa_count += 1;
                let alpha = alphabet(source, dfa);
                let seeds = examples(dfa, &mut rng, 16, 120);
                check_equivalent(source, dfa, &alpha, &seeds, 40, 128);
            }
            PatternStrategy::Engine { reason } => {
                engine
                    .entry(reason.clone())
                    .or_default()
                    .push(source.clone());
            }
        }
    }
    println!("distinct patterns: {}", patterns.len());
    println!("dfa: {dfa_count}");
    println!("engine: {}", engine.values().map(Vec::len).sum::<usize>());
    for (reason, sources) in &engine {
        println!("  {reason}: {}", sources.len());
        for s in sources {
            println!("    {s}");
        }
    }
    println!("rejected by regress: {}", rejected.len());
    for r in &rejected {
        println!("  {r}");
    }
    for source in &patterns {
        if let Some(w) = double_escape_warning(source).or_else(|| unicode_property_warning(source))
        {
            println!("warning for {source}: {w}");
        }
    }
    assert!(dfa_count > 0);
}

#[test]
fn spec_patterns_emit_parseable_code() {
    let Some(patterns) = spec_patterns() else {
        return;
    };
    let name = proc_macro2::Ident::new("is_valid", proc_macro2::Span::call_site());
    for source in &patterns {
        let Ok(compiled) = compile(source) else {
            continue;
        };
        let tokens = emit_matcher(&compiled, &name);
        let item: syn::ItemFn = syn::parse2(tokens.clone())
            .unwrap_or_else(|e| panic!("{source}: emitted code does not parse: {e}\n{tokens}"));
        assert_eq!(item.sig.ident, "is_valid");
        assert_eq!(
            tokens.to_string(),
            emit_matcher(&compiled, &name).to_string()
        );
    }
    let hex = compile("^([a-f0-9]{24})$").expect("valid pattern");
    let text = emit_matcher(&hex, &name).to_string();
    assert!(!text.contains("EcmaPattern"), "{text}");
}

/// A random pattern over a few characters, mixing every construct the DFA
/// compiler handles (anchors anywhere included).
fn random_pattern(rng: &mut Rng, depth: u32) -> String {
    let text = random_piece(rng, depth).text;
    // Anchored at both ends now and then, as most real patterns are.
    if rng.below(3) == 0 {
        format!("^(?:{text})$")
    } else {
        text
    }
}

struct Piece {
    text: String,
    /// Can match the empty string.
    nullable: bool,
    /// Contains a quantifier.
    quantified: bool,
}

fn random_piece(rng: &mut Rng, depth: u32) -> Piece {
    let atoms = [
        "a", "b", "-", ".", r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", "[ab]", "[^a]", "[a-c]",
        r"[\d-]", r"[^\n]", r"\.", r"\-", "é", r"\u00e9", r"\x61", "^", "$", "]", "}", "{", "[]",
        "[^]", r"[\s\S]", r"\n", "(?!$)", "(?=$)", "(?!^)", "(?=^)",
    ];
    let mut out = Piece {
        text: String::new(),
        nullable: true,
        quantified: false,
    };
    let items = 1 + rng.below(3);
    for _ in 0..items {
        let (text, nullable, quantified, group) = if depth > 0 && rng.below(4) == 0 {
            let mut alts = vec![random_piece(rng, depth - 1)];
            while rng.below(3) == 0 {
                alts.push(random_piece(rng, depth - 1));
            }
            let open = ["(", "(?:", "(?<g>"][rng.below(3)];
            let open = if open == "(?<g>" && out.text.contains("(?<g>") {
                "("
            } else {
                open
            };
            let body: Vec<&str> = alts.iter().map(|p| p.text.as_str()).collect();
            (
                format!("{open}{})", body.join("|")),
                alts.iter().any(|p| p.nullable),
                alts.iter().any(|p| p.quantified),
                true,
            )
        } else {
            let atom = atoms[rng.below(atoms.len())];
            // Zero-width atoms count as (nullable) groups below.
            let zero_width = atom.contains(['^', '$']) && !atom.starts_with('[');
            (atom.to_string(), zero_width, false, zero_width)
        };
        out.text.push_str(&text);
        out.quantified |= quantified;
        if text == "^" || text == "$" || rng.below(3) != 0 {
            out.nullable &= nullable;
            continue;
        }
        // Kept away from what regress gets wrong: it backtracks
        // exponentially, in time and memory, on quantified groups that can
        // match empty (`(?:(a|){2})+$`), and it mis-matches loops nested
        // three deep (`^(?:(?:\d+)+){2}$` rejects "0000", unlike V8). So
        // loops nest at most two deep and nullable groups get `?`/`{2}`.
        if group && quantified {
            out.nullable &= nullable;
            continue;
        }
        let quantifier = if group && nullable {
            ["?", "{2}"][rng.below(2)]
        } else {
            ["*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "{1,3}?"][rng.below(8)]
        };
        out.text.push_str(quantifier);
        out.quantified = true;
        out.nullable &=
            nullable || quantifier.starts_with(['*', '?']) || quantifier.starts_with("{0");
    }
    if rng.below(4) == 0 {
        let other = random_piece(rng, depth.saturating_sub(1));
        out.text = format!("{}|{}", out.text, other.text);
        out.nullable |= other.nullable;
        out.quantified |= other.quantified;
    }
    out
}

/// How many random patterns to try; `ATLASGEN_PATTERN_FUZZ` raises it for a
/// longer hunt.
fn fuzz_rounds(default: usize) -> usize {
    std::env::var("ATLASGEN_PATTERN_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_patterns_dfa_matches_regress() {
    let rounds = fuzz_rounds(300);
    let mut rng = Rng(42 + rounds as u64);
    let alpha: Vec<char> = "ab-.1 _\né\u{2028}c".chars().collect();
    let mut tested = 0;
    for _ in 0..rounds {
        let source = random_pattern(&mut rng, 2);
        let Ok(compiled) = compile(&source) else {
            assert!(regress::Regex::new(&source).is_err());
            continue;
        };
        let PatternStrategy::Dfa(dfa) = &compiled.strategy else {
            continue;
        };
        tested += 1;
        // Short inputs: regress backtracks exponentially on nested
        // quantifiers such as `(a*)*b`, which random patterns produce.
        let seeds = examples(dfa, &mut rng, 4, 12);
        check_equivalent(&source, dfa, &alpha, &seeds, 14, 24);
    }
    println!("random patterns checked: {tested}");
    assert!(tested * 3 > rounds * 2);
}

/// Patterns that between them reach every shape of emitted code.
const SHAPES: &[&str] = &[
    "^([a-f0-9]{24})$",
    "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
    "^vpce-[0-9a-f]{17}$",
    "^$",
    "",
    "[]",
    "a^",
    "^a",
    "a|^$",
    "[^a]",
    "[0-9]",
    "^ab?$",
    "^a*b",
    "a$",
    r"^[^,]*$",
    r"^\s+$",
    "^.{2,3}$",
    "x[^x]*y",
    "^(ab|cd)*$",
    r"^[^/\\ $]{1,8}$",
    "^[a-z]*$",
    "^ab$",
    "^[0-9]{2}x*$",
    "^a.c$",
    "^(tgw-)[0-9a-zA-Z]+$",
];

/// Compiles the emitted matchers with `rustc -D warnings` into a program that
/// prints its verdicts, and compares them with regress.
#[test]
fn emitted_code_compiles_and_agrees() {
    let mut sources: Vec<String> = SHAPES.iter().map(|s| s.to_string()).collect();
    if let Some(spec) = spec_patterns() {
        sources.extend(spec);
    }
    let rounds = fuzz_rounds(300) / 5;
    let mut rng = Rng(7 + rounds as u64);
    for _ in 0..rounds {
        sources.push(random_pattern(&mut rng, 2));
    }
    let mut compiled: Vec<CompiledPattern> = Vec::new();
    for s in &sources {
        if let Ok(c) = compile(s) {
            if matches!(c.strategy, PatternStrategy::Dfa(_))
                && !compiled.iter().any(|p| p.source == *s)
            {
                compiled.push(c);
            }
        }
    }
    let mut inputs: Vec<Vec<String>> = Vec::new();
    let mut fns = Vec::new();
    let mut calls = Vec::new();
    for (i, c) in compiled.iter().enumerate() {
        let PatternStrategy::Dfa(dfa) = &c.strategy else {
            continue;
        };
        let alpha = alphabet(&c.source, dfa);
        // Long enough to reach the word-at-a-time checks (8 bytes a step)
        // with a bad byte in every word position.
        let mut cases = examples(dfa, &mut rng, 8, 40);
        let seeds = cases.clone();
        for seed in &seeds {
            let mut v: Vec<char> = seed.chars().collect();
            let pos = rng.below(v.len() + 1);
            v.insert(pos, alpha[rng.below(alpha.len())]);
            cases.push(v.iter().collect());
            if let Some(pos) = v.len().checked_sub(1).map(|last| rng.below(last + 1)) {
                v[pos] = alpha[rng.below(alpha.len())];
                cases.push(v.iter().collect());
            }
            cases.push(format!("{seed}é"));
            // `ñ` is C3 B1: with their high bits cleared its bytes read as
            // `C1`, so a word check that forgets non-ASCII bytes accepts it.
            let mut v: Vec<char> = seed.chars().collect();
            v.insert(rng.below(v.len() + 1), 'ñ');
            cases.push(v.iter().collect());
            cases.push(format!("\n{seed}"));
        }
        for _ in 0..40 {
            let len = rng.below(40);
            cases.push((0..len).map(|_| alpha[rng.below(alpha.len())]).collect());
        }
        cases.push(String::new());
        let name = proc_macro2::Ident::new(&format!("m{i}"), proc_macro2::Span::call_site());
        fns.push(emit_matcher(c, &name));
        let lits = cases.iter().map(|s| proc_macro2::Literal::string(s));
        calls.push(quote::quote! {
            let line: String = [#(#lits),*].iter().map(|s| if #name(s) { '1' } else { '0' }).collect();
            println!("{}", line);
        });
        inputs.push(cases);
    }
    let program = quote::quote! {
        #![deny(warnings)]
        #(#fns)*
        fn main() {
            #(#calls)*
        }
    };
    let dir = std::env::temp_dir().join(format!("atlasgen-pattern-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Removed however the test ends, failures included.
    struct Cleanup(PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(dir.clone());
    let file = dir.join("matchers.rs");
    std::fs::write(&file, program.to_string()).expect("write program");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let exe = dir.join("matchers");
    let out = match std::process::Command::new(&rustc)
        .args(["--edition", "2021", "-O", "-o"])
        .arg(&exe)
        .arg(&file)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            println!("skipped: cannot run {rustc}: {e}");
            return;
        }
    };
    assert!(
        out.status.success(),
        "emitted code does not compile warning-free:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = std::process::Command::new(&exe)
        .output()
        .expect("run matchers");
    assert!(run.status.success());
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), compiled.len());
    for ((c, cases), line) in compiled.iter().zip(&inputs).zip(lines) {
        let re = regress::Regex::new(&c.source).expect("valid");
        for (s, got) in cases.iter().zip(line.chars()) {
            assert_eq!(
                got == '1',
                regress_match(&re, s),
                "emitted {:?} on {:?}",
                c.source,
                s
            );
        }
    }
    println!("emitted matchers checked: {}", compiled.len());
}
