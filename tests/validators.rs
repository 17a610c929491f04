//! The validated string types: every constructor accepts exactly the values that
//! match the spec's pattern, and a refusal names the type, the value and the pattern.
//!
//! Which values a pattern accepts is read from the spec, not written here: each
//! type's `PATTERN` is checked against `spec/openapi.yaml`, and an ECMA-262
//! engine running that pattern decides which of the candidate values must be
//! accepted and which refused, so the tests hold on whatever published spec an
//! update extracts (the 2023 cluster-name pattern, for one, is not today's).

use std::fmt::Debug;
use std::str::FromStr;

use atlas_admin::{BatchId, ClusterId, ClusterName, GroupId, JobId, SnapshotId};
use atlas_runtime::serde::de::DeserializeOwned;
use atlas_runtime::{Rule, ValidationError};
use atlasgen_tests as support;
use serde_json::{json, Value};

/// What every generated validated string type offers.
trait Validated:
    Sized
    + Clone
    + Debug
    + PartialEq
    + AsRef<str>
    + ToString
    + FromStr<Err = ValidationError>
    + TryFrom<String, Error = ValidationError>
    + for<'a> TryFrom<&'a str, Error = ValidationError>
    + DeserializeOwned
    + atlas_runtime::serde::Serialize
{
    const NAME: &'static str;
    const PATTERN: &'static str;
    fn construct(value: &str) -> Result<Self, ValidationError>;
    fn construct_owned(value: String) -> Result<Self, ValidationError>;
}

macro_rules! validated {
    ($($ty:ident),*) => {$(
        impl Validated for $ty {
            const NAME: &'static str = stringify!($ty);
            const PATTERN: &'static str = $ty::PATTERN;
            fn construct(value: &str) -> Result<Self, ValidationError> {
                $ty::new(value)
            }
            fn construct_owned(value: String) -> Result<Self, ValidationError> {
                $ty::new(value)
            }
        }
    )*};
}

validated!(BatchId, ClusterId, ClusterName, GroupId, JobId, SnapshotId);

/// Every constructor that reports a `ValidationError`, by name.
fn by_each_constructor<T: Validated>(
    value: &str,
) -> Vec<(&'static str, Result<T, ValidationError>)> {
    vec![
        ("new(&str)", T::construct(value)),
        ("new(String)", T::construct_owned(value.to_owned())),
        ("str::parse", value.parse::<T>()),
        ("TryFrom<&str>", T::try_from(value)),
        ("TryFrom<String>", T::try_from(value.to_owned())),
    ]
}

fn assert_accepted<T: Validated>(value: &str) {
    for (constructor, result) in by_each_constructor::<T>(value) {
        let accepted = result.unwrap_or_else(|error| {
            panic!("{}::{constructor} refused {value:?}: {error}", T::NAME)
        });
        assert_eq!(accepted.as_ref(), value, "{}::{constructor}", T::NAME);
        assert_eq!(accepted.to_string(), value, "{}::{constructor}", T::NAME);
    }
    let from_value: T = serde_json::from_value(json!(value))
        .unwrap_or_else(|error| panic!("{} deserialize refused {value:?}: {error}", T::NAME));
    assert_eq!(from_value.as_ref(), value);
    let text = serde_json::to_string(value).unwrap();
    let from_text: T = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} deserialize refused {text}: {error}", T::NAME));
    assert_eq!(from_text, from_value);
    assert_eq!(serde_json::to_value(&from_text).unwrap(), json!(value));
}

fn assert_refused<T: Validated>(value: &str) {
    for (constructor, result) in by_each_constructor::<T>(value) {
        let error = match result {
            Ok(accepted) => panic!(
                "{}::{constructor} accepted {value:?} as {accepted:?}",
                T::NAME
            ),
            Err(error) => error,
        };
        assert_eq!(error.role(), T::NAME, "{constructor} {value:?}");
        assert_eq!(error.value(), value, "{constructor} {value:?}");
        assert_eq!(
            error.rule(),
            &Rule::Pattern(T::PATTERN),
            "{constructor} {value:?}"
        );
        assert_error_names_role_value_and_pattern::<T>(&error.to_string(), value);
    }
    let text = serde_json::to_string(value).unwrap();
    let error = serde_json::from_str::<T>(&text)
        .expect_err(&format!("{} deserialize accepted {text}", T::NAME));
    assert_error_names_role_value_and_pattern::<T>(&error.to_string(), value);
    let error = serde_json::from_value::<T>(Value::String(value.to_owned())).expect_err(&format!(
        "{} deserialize from a value accepted {value:?}",
        T::NAME
    ));
    assert_error_names_role_value_and_pattern::<T>(&error.to_string(), value);
}

fn assert_error_names_role_value_and_pattern<T: Validated>(shown: &str, value: &str) {
    assert!(shown.contains(T::NAME), "no role in {shown:?}");
    // Shown escaped and quoted, so control characters cannot forge log lines.
    assert!(
        shown.contains(&format!("{value:?}")),
        "no value {value:?} in {shown:?}"
    );
    assert!(shown.contains(T::PATTERN), "no pattern in {shown:?}");
}

/// Whether the spec's pattern for `T` matches `value`, as an ECMA-262 engine
/// reads it (a pattern matches anywhere unless anchored, as in JSON Schema).
fn spec_accepts<T: Validated>(value: &str) -> bool {
    regress::Regex::new(T::PATTERN)
        .unwrap_or_else(|error| panic!("{}: {}: {error}", T::NAME, T::PATTERN))
        .find(value)
        .is_some()
}

/// Checks every candidate through every constructor: accepted when the spec's
/// pattern matches it, refused (naming type, value and pattern) when it does
/// not. Both sides must be exercised, or the candidates test nothing.
fn check_against_the_spec<T: Validated>(candidates: &[String]) {
    let (mut accepted, mut refused) = (Vec::new(), Vec::new());
    for value in candidates {
        if spec_accepts::<T>(value) {
            assert_accepted::<T>(value);
            accepted.push(value);
        } else {
            assert_refused::<T>(value);
            refused.push(value);
        }
    }
    assert!(
        accepted.len() >= 3 && refused.len() >= 3,
        "{} ({}): too few candidates on one side to test it: accepted {accepted:?}, refused {refused:?}",
        T::NAME,
        T::PATTERN
    );
}

fn id_candidates() -> Vec<String> {
    let valid = "32b6e34b3d91647abb20e7b8";
    vec![
        valid.into(),
        "0123456789abcdef01234567".into(),
        "0".repeat(24),
        "f".repeat(24),
        valid[..23].into(),                // 23 hex digits
        format!("{valid}0"),               // 25 hex digits
        valid.to_uppercase(),              // upper case hex
        format!("{}A", &valid[..23]),      // one upper case digit
        format!("{}g", &valid[..23]),      // a letter past f
        format!("{valid}\n"),              // trailing newline
        format!("\n{}", &valid[..23]),     // leading newline
        format!("{valid}\r\n"),            // trailing CR LF
        format!(" {valid}"),               // leading space
        format!("{valid} "),               // trailing space
        format!(" {} ", &valid[..22]),     // 24 characters, spaces at both ends
        "\u{663}".repeat(24),              // ARABIC-INDIC DIGIT THREE
        "\u{ff13}".repeat(24),             // FULLWIDTH DIGIT THREE
        format!("{}\u{e9}", &valid[..22]), // 24 bytes, one of them non-ASCII
        String::new(),                     // empty
        "../".repeat(8),                   // 24 characters of path traversal
        format!("..%2F{}", &valid[..19]),  // 24 characters with an encoded slash
        "%2F".repeat(8),                   // 24 characters of encoded slashes
        format!("{}/..", &valid[..20]),
        format!("{}\0", &valid[..23]), // NUL
        format!("{valid}{valid}"),     // two ids
    ]
}

#[test]
fn group_id_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<GroupId>(&id_candidates());
}

#[test]
fn job_id_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<JobId>(&id_candidates());
}

#[test]
fn batch_id_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<BatchId>(&id_candidates());
}

#[test]
fn cluster_id_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<ClusterId>(&id_candidates());
}

#[test]
fn snapshot_id_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<SnapshotId>(&id_candidates());
}

/// Names around the edges cluster-name patterns draw: a first character,
/// hyphens inside, at the end and doubled, underscores, lengths near 23 and
/// 64, then separators, whitespace, control and non-ASCII characters.
fn cluster_name_candidates() -> Vec<String> {
    let mut names: Vec<String> = [
        "Cluster0",
        "a",
        "Z",
        "7",
        "a-b-1",
        "a--b",
        "trailing-",
        "ABCxyz019",
        "a_b",
        "_a",
        "-leading",
        "-",
        "",
        "with space",
        " Cluster0",
        "Cluster0 ",
        "Cluster0\n",
        "\nCluster0",
        "a/b",
        "..",
        "a%2Fb",
        "a.b",
        "a\r\nb",
        "a\tb",
        "a\0b",
        "\u{e9}",
        "a\u{e9}",
        "\u{663}",
        "Cluster\u{ff10}",
    ]
    .map(String::from)
    .to_vec();
    // Up to 90 characters: an error shows values of up to 100 in full.
    for len in [22, 23, 24, 63, 64, 65, 90] {
        names.push("a".repeat(len));
        names.push(format!("a{}", "-b".repeat(len / 2)));
        names.push(format!(
            "{}-{}",
            "a".repeat(len / 3),
            "b".repeat(len - len / 3)
        ));
    }
    names
}

#[test]
fn cluster_name_accepts_exactly_what_its_spec_pattern_accepts_through_every_constructor() {
    check_against_the_spec::<ClusterName>(&cluster_name_candidates());
}

#[test]
fn the_readme_cluster_name_and_a_name_with_a_slash_fall_on_their_sides() {
    // Whatever the pattern, the README's example must be a cluster name and a
    // path separator must not be one: the candidates above rely on both sides.
    assert_accepted::<ClusterName>("Cluster0");
    assert_refused::<ClusterName>("a/b");
}

#[test]
fn a_value_of_the_wrong_json_type_does_not_deserialize() {
    for value in [
        json!(123),
        json!(null),
        json!(true),
        json!(["32b6e34b3d91647abb20e7b8"]),
    ] {
        assert!(
            serde_json::from_value::<GroupId>(value.clone()).is_err(),
            "{value}"
        );
        assert!(
            serde_json::from_value::<ClusterName>(value.clone()).is_err(),
            "{value}"
        );
    }
}

#[test]
fn validation_error_display_reads_role_value_then_pattern() {
    let error = GroupId::new("xyz").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "invalid GroupId \"xyz\": does not match the pattern {}",
            GroupId::PATTERN
        )
    );
    let error = ClusterName::new("a/b").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "invalid ClusterName \"a/b\": does not match the pattern {}",
            ClusterName::PATTERN
        )
    );
}

#[test]
fn pattern_constants_equal_the_patterns_in_the_spec() {
    let spec = support::spec();
    let pattern = |pointer: &str| -> String {
        spec.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("the spec has no pattern at {pointer}"))
            .to_owned()
    };
    let operation = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters~1{clusterName}~1restoreJobs~1{jobId}/get";
    let parameters = spec
        .pointer(&format!("{operation}/parameters"))
        .and_then(Value::as_array)
        .expect("the operation lists parameters");
    let parameter_pattern = |name: &str| -> String {
        parameters
            .iter()
            .find(|p| p["name"] == json!(name))
            .and_then(|p| p["schema"]["pattern"].as_str())
            .unwrap_or_else(|| panic!("no inline parameter {name} with a pattern"))
            .to_owned()
    };
    // The response's schemas by where they are used, not by their names,
    // which upstream renames.
    let property_pattern = |steps: &[&str]| -> String {
        support::response_schema(steps)["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("no pattern at {steps:?} of the 200 response"))
            .to_owned()
    };
    let table: [(&str, String); 12] = [
        (
            GroupId::PATTERN,
            pattern("/components/parameters/groupId/schema/pattern"),
        ),
        (ClusterName::PATTERN, parameter_pattern("clusterName")),
        (JobId::PATTERN, parameter_pattern("jobId")),
        (BatchId::PATTERN, property_pattern(&["batchId"])),
        (ClusterId::PATTERN, property_pattern(&["clusterId"])),
        (ClusterName::PATTERN, property_pattern(&["clusterName"])),
        (GroupId::PATTERN, property_pattern(&["groupId"])),
        (JobId::PATTERN, property_pattern(&["id"])),
        (SnapshotId::PATTERN, property_pattern(&["snapshotId"])),
        (
            ClusterId::PATTERN,
            property_pattern(&["delivery", "targetClusterId"]),
        ),
        (
            ClusterName::PATTERN,
            property_pattern(&["delivery", "targetClusterName"]),
        ),
        (
            GroupId::PATTERN,
            property_pattern(&["delivery", "targetGroupId"]),
        ),
    ];
    for (constant, from_spec) in table {
        assert_eq!(constant, from_spec);
    }
}
