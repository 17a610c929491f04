//! The pattern checks the generator emits, timed on a borrowed `&str` against
//! `regex::Regex::is_match` and `regress` in the same run (issue 5,
//! measurement 3).
//!
//! Not a target of the tests package: scripts/bench.sh builds it in a scratch
//! crate under target/, whose library (`bench_matchers`) is the generator's
//! own output for the three patterns, written by the `validators` bench
//! (`ATLASGEN_BENCH_WRITE_MATCHERS`). So what is timed is the emitted code
//! itself, whatever the generator currently emits, with no allocation and no
//! wrapper type around it.

use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const OBJECT_ID: &str = "^([a-f0-9]{24})$";
const NAME: &str = "^[a-zA-Z0-9][a-zA-Z0-9-]*$";
const IP: &str =
    r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

/// "pattern/case" -> (pattern, input, expected). Invalid inputs fail at the
/// last character, the slowest way to fail for every contender.
fn case(arg: &str) -> (&'static str, &'static str, bool) {
    match arg {
        "object_id/valid" => (OBJECT_ID, "32b6e34b3d91647abb20e7b8", true),
        "object_id/invalid" => (OBJECT_ID, "32b6e34b3d91647abb20e7bZ", false),
        "name/valid" => (NAME, "Cluster0-analytics-east", true),
        "name/invalid" => (NAME, "Cluster0-analytics-eas_", false),
        "ip/valid" => (IP, "192.168.100.200", true),
        "ip/invalid" => (IP, "192.168.100.256", false),
        other => panic!("unknown case {other}"),
    }
}

const ARGS: &[&str] = &[
    "object_id/valid",
    "object_id/invalid",
    "name/valid",
    "name/invalid",
    "ip/valid",
    "ip/invalid",
];

#[divan::bench(args = ARGS)]
fn emitted(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    // Direct calls, as the engines get: no function pointer in between.
    match pattern {
        OBJECT_ID => {
            assert_eq!(bench_matchers::object_id(input), expected, "{arg}");
            bencher.bench_local(|| bench_matchers::object_id(black_box(input)));
        }
        NAME => {
            assert_eq!(bench_matchers::name(input), expected, "{arg}");
            bencher.bench_local(|| bench_matchers::name(black_box(input)));
        }
        _ => {
            assert_eq!(bench_matchers::ip(input), expected, "{arg}");
            bencher.bench_local(|| bench_matchers::ip(black_box(input)));
        }
    }
}

#[divan::bench(args = ARGS)]
fn regex_crate(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    // The regex crate has no lookahead: nothing to time for the IP pattern.
    let Ok(re) = regex::Regex::new(pattern) else {
        return;
    };
    assert_eq!(re.is_match(input), expected, "{arg}");
    bencher.bench_local(|| re.is_match(black_box(input)));
}

#[divan::bench(args = ARGS)]
fn regress_crate(bencher: Bencher, arg: &str) {
    let (pattern, input, expected) = case(arg);
    let re = regress::Regex::new(pattern).expect("regress compiles every spec pattern");
    assert_eq!(re.find(input).is_some(), expected, "{arg}");
    bencher.bench_local(|| re.find(black_box(input)).is_some());
}
