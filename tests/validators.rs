//! The validated string types: every constructor accepts exactly the values that
//! match the spec's pattern, and a refusal names the type, the value and the pattern.

use std::fmt::Debug;
use std::str::FromStr;

use atlas_admin::{BatchId, ClusterId, ClusterName, GroupId, JobId, SnapshotId};
use atlas_runtime::serde::de::DeserializeOwned;
use atlas_runtime::{Rule, ValidationError};
use atlasgen_tests as support;
use serde_json::{json, Value};

const HEX_24: &str = "^([a-f0-9]{24})$";
const CLUSTER_NAME: &str = "^[a-zA-Z0-9][a-zA-Z0-9-]*$";

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

fn hex_24_accepted() -> Vec<String> {
    vec![
        "32b6e34b3d91647abb20e7b8".into(),
        "0123456789abcdef01234567".into(),
        "0".repeat(24),
        "f".repeat(24),
    ]
}

fn hex_24_refused() -> Vec<String> {
    let valid = "32b6e34b3d91647abb20e7b8";
    vec![
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

fn check_hex_24<T: Validated>() {
    assert_eq!(T::PATTERN, HEX_24, "{}", T::NAME);
    for value in hex_24_accepted() {
        assert_accepted::<T>(&value);
    }
    for value in hex_24_refused() {
        assert_refused::<T>(&value);
    }
}

#[test]
fn group_id_accepts_exactly_24_lowercase_hex_digits_through_every_constructor() {
    check_hex_24::<GroupId>();
}

#[test]
fn job_id_accepts_exactly_24_lowercase_hex_digits_through_every_constructor() {
    check_hex_24::<JobId>();
}

#[test]
fn batch_id_accepts_exactly_24_lowercase_hex_digits_through_every_constructor() {
    check_hex_24::<BatchId>();
}

#[test]
fn cluster_id_accepts_exactly_24_lowercase_hex_digits_through_every_constructor() {
    check_hex_24::<ClusterId>();
}

#[test]
fn snapshot_id_accepts_exactly_24_lowercase_hex_digits_through_every_constructor() {
    check_hex_24::<SnapshotId>();
}

#[test]
fn cluster_name_accepts_alphanumerics_and_inner_hyphens_through_every_constructor() {
    assert_eq!(ClusterName::PATTERN, CLUSTER_NAME);
    let long = format!("a{}", "-b1".repeat(100));
    for value in [
        "Cluster0",
        "a",
        "Z",
        "7",
        "a-b-1",
        "a--b",
        "trailing-",
        "ABCxyz019",
        &long,
    ] {
        assert_accepted::<ClusterName>(value);
    }
}

#[test]
fn cluster_name_refuses_leading_hyphens_separators_whitespace_and_non_ascii() {
    for value in [
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
        "a_b",
        "a.b",
        "a\r\nb",
        "a\tb",
        "a\0b",
        "é",
        "aé",
        "\u{663}",
        "Cluster\u{ff10}",
    ] {
        assert_refused::<ClusterName>(value);
    }
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
        "invalid GroupId \"xyz\": does not match the pattern ^([a-f0-9]{24})$"
    );
    let error = ClusterName::new("a/b").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid ClusterName \"a/b\": does not match the pattern ^[a-zA-Z0-9][a-zA-Z0-9-]*$"
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
    let job = "/components/schemas/BackupRestoreJob/properties";
    let delivery = "/components/schemas/BackupRestoreJobDelivery/properties";
    let table: [(&str, String); 12] = [
        (
            GroupId::PATTERN,
            pattern("/components/parameters/groupId/schema/pattern"),
        ),
        (ClusterName::PATTERN, parameter_pattern("clusterName")),
        (JobId::PATTERN, parameter_pattern("jobId")),
        (BatchId::PATTERN, pattern(&format!("{job}/batchId/pattern"))),
        (
            ClusterId::PATTERN,
            pattern(&format!("{job}/clusterId/pattern")),
        ),
        (
            ClusterName::PATTERN,
            pattern(&format!("{job}/clusterName/pattern")),
        ),
        (GroupId::PATTERN, pattern(&format!("{job}/groupId/pattern"))),
        (JobId::PATTERN, pattern(&format!("{job}/id/pattern"))),
        (
            SnapshotId::PATTERN,
            pattern(&format!("{job}/snapshotId/pattern")),
        ),
        (
            ClusterId::PATTERN,
            pattern(&format!("{delivery}/targetClusterId/pattern")),
        ),
        (
            ClusterName::PATTERN,
            pattern(&format!("{delivery}/targetClusterName/pattern")),
        ),
        (
            GroupId::PATTERN,
            pattern(&format!("{delivery}/targetGroupId/pattern")),
        ),
    ];
    for (constant, from_spec) in table {
        assert_eq!(constant, from_spec);
    }
}
