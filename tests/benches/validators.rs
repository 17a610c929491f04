//! Validators (issue 5, measurement 3), as a caller meets them: constructing
//! the generated `GroupId` and `ClusterName` (the two patterns that dominate
//! Atlas) from an owned `String`, against `regex::Regex::is_match` and
//! `regress` given the same owned input, in the same run.
//!
//! Every contender gets its input as a `String` made outside the timed loop
//! and hands it back (the generated types take ownership, the engines
//! borrow), so the timings differ only by the check; divan defers drops, so
//! no deallocation is timed. The engines are compiled before timing; the
//! generated checks compile nothing at run time at all.
//!
//! The emitted check alone, on a borrowed `&str` and for the IP pattern too,
//! is timed by `emitted/matchers.rs`, whose library this binary writes when
//! `ATLASGEN_BENCH_WRITE_MATCHERS` names a file (see scripts/bench.sh).

use atlas_admin::{ClusterName, GroupId};
use divan::Bencher;

const OBJECT_ID: &str = "^([a-f0-9]{24})$";
const NAME: &str = "^[a-zA-Z0-9][a-zA-Z0-9-]*$";
/// The IP-address pattern of the published spec: IPv4 with a `(?!$)`
/// lookahead, or IPv6.
const IP: &str =
    r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

fn main() {
    if let Some(out) = std::env::var_os("ATLASGEN_BENCH_WRITE_MATCHERS") {
        std::fs::write(&out, emitted_matchers()).expect("the matchers file writes");
        return;
    }
    divan::main();
}

/// A library of the generator's own output for the three patterns, each
/// behind a `pub fn` named after it; the first line says how each compiled.
fn emitted_matchers() -> String {
    let mut strategies = Vec::new();
    let mut code = String::new();
    for (name, source) in [("object_id", OBJECT_ID), ("name", NAME), ("ip", IP)] {
        let compiled = atlasgen::pattern::compile(source).expect("the pattern compiles");
        strategies.push(match &compiled.strategy {
            atlasgen::pattern::Strategy::Dfa(dfa) => format!("{name}=dfa:{}", dfa.states().len()),
            atlasgen::pattern::Strategy::Engine { .. } => format!("{name}=engine"),
        });
        let inner =
            proc_macro2::Ident::new(&format!("emitted_{name}"), proc_macro2::Span::call_site());
        code.push_str(&atlasgen::pattern::emit_matcher(&compiled, &inner).to_string());
        code.push_str(&format!(
            "\npub fn {name}(s: &str) -> bool {{ {inner}(s) }}\n"
        ));
    }
    format!("// strategies: {}\n// Written by tests/benches/validators.rs for scripts/bench.sh.\n{code}", strategies.join(" "))
}

/// (pattern, case, input, expected): invalid inputs fail at the last
/// character, the slowest way to fail for every contender.
const CASES: &[(&str, &str, &str, bool)] = &[
    ("object_id", "valid", "32b6e34b3d91647abb20e7b8", true),
    ("object_id", "invalid", "32b6e34b3d91647abb20e7bZ", false),
    ("name", "valid", "Cluster0-analytics-east", true),
    ("name", "invalid", "Cluster0-analytics-eas_", false),
];

const ARGS: &[&str] = &[
    "object_id/valid",
    "object_id/invalid",
    "name/valid",
    "name/invalid",
];

fn case(arg: &str) -> (&'static str, &'static str, bool) {
    let (pattern, kind) = arg.split_once('/').expect("pattern/case");
    let &(_, _, input, expected) = CASES
        .iter()
        .find(|c| c.0 == pattern && c.1 == kind)
        .expect("a known case");
    (
        if pattern == "object_id" {
            OBJECT_ID
        } else {
            NAME
        },
        input,
        expected,
    )
}

#[divan::bench(args = ARGS)]
fn generated(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    if pattern == OBJECT_ID {
        assert_eq!(GroupId::new(input).is_ok(), expected);
        bencher
            .with_inputs(|| input.to_owned())
            .bench_local_values(GroupId::try_from);
    } else {
        assert_eq!(ClusterName::new(input).is_ok(), expected);
        bencher
            .with_inputs(|| input.to_owned())
            .bench_local_values(ClusterName::try_from);
    }
}

#[divan::bench(args = ARGS)]
fn regex_crate(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    let re = regex::Regex::new(pattern).expect("the regex crate reads both patterns");
    assert_eq!(re.is_match(input), expected);
    bencher
        .with_inputs(|| input.to_owned())
        .bench_local_values(|s: String| (re.is_match(&s), s));
}

#[divan::bench(args = ARGS)]
fn regress_crate(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    let re = regress::Regex::new(pattern).expect("regress reads both patterns");
    assert_eq!(re.find(input).is_some(), expected);
    bencher
        .with_inputs(|| input.to_owned())
        .bench_local_values(|s: String| (re.find(&s).is_some(), s));
}

/// The harness alone: an owned input made outside the timed loop, handed
/// straight back. Every figure above includes this much.
#[divan::bench]
fn harness(bencher: Bencher) {
    bencher
        .with_inputs(|| CASES[0].2.to_owned())
        .bench_local_values(|s: String| s);
}
