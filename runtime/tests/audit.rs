//! The audit recorder on a real decode, and its cost when off: this test binary counts
//! every allocation its threads make, so "no allocation per value" is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::str::FromStr;

use atlas_runtime::audit::{self, Kind};
use atlas_runtime::{Checked, EcmaPattern};
use serde::{Deserialize, Deserializer};

/// Counts allocations per thread, so tests running side by side do not see each other's.
struct CountingAllocator;

thread_local! {
    // No destructor: safe to touch from inside the allocator.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// const-initialized thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many allocations this thread made while running `f`.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// A validated string as generated code makes one: 24 hexadecimal digits.
#[derive(Debug, PartialEq)]
struct GroupId(String);

static GROUP_ID: EcmaPattern = EcmaPattern::new("^([a-f0-9]{24})$");

impl FromStr for GroupId {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        if GROUP_ID.is_match(value) {
            Ok(GroupId(value.to_owned()))
        } else {
            Err(format!("{value:?} does not match {GROUP_ID}"))
        }
    }
}

impl<'de> Deserialize<'de> for GroupId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        atlas_runtime::de::string_parsed(deserializer, GROUP_ID.source())
    }
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read through Debug and the assertions on `group_id`
struct Cluster {
    #[serde(rename = "groupId")]
    group_id: Checked<GroupId>,
    #[serde(rename = "parentId")]
    parent_id: Option<Checked<GroupId>>,
    name: String,
}

const BODY: &str =
    r#"{"groupId": "not-hex", "parentId": "32b6e34b3d91647abb20e7b8", "name": "Cluster0"}"#;

#[test]
fn decoding_a_body_with_one_invalid_pattern_value_inside_collect_yields_one_finding() {
    let (cluster, findings) = audit::collect(|| serde_json::from_str::<Cluster>(BODY));
    let cluster = cluster.expect("a lenient decode");
    assert!(!cluster.group_id.is_valid());
    assert!(cluster.parent_id.as_ref().is_some_and(Checked::is_valid));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].kind, Kind::Invalid);
    assert_eq!(findings[0].type_name, std::any::type_name::<GroupId>());
}

#[test]
fn a_body_without_fallbacks_yields_no_finding() {
    let body = r#"{"groupId": "32b6e34b3d91647abb20e7b8", "name": "Cluster0"}"#;
    let (cluster, findings) = audit::collect(|| serde_json::from_str::<Cluster>(body));
    assert!(cluster.is_ok());
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn outside_collect_nothing_is_recorded() {
    for _ in 0..100 {
        let cluster: Cluster = serde_json::from_str(BODY).expect("a lenient decode");
        assert!(!cluster.group_id.is_valid());
    }
    assert!(!audit::is_recording());
    let ((), findings) = audit::collect(|| ());
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn a_note_outside_collect_allocates_nothing() {
    let type_name = std::any::type_name::<GroupId>();
    let outside = allocations_in(|| {
        for _ in 0..10_000 {
            audit::note(Kind::Invalid, type_name);
        }
    });
    assert_eq!(outside, 0);
    // The counter does see allocations: the same notes inside `collect` make some.
    let inside = allocations_in(|| {
        let ((), findings) = audit::collect(|| {
            for _ in 0..10_000 {
                audit::note(Kind::Invalid, type_name);
            }
        });
        assert_eq!(findings.len(), 10_000);
    });
    assert!(inside > 0);
}

#[test]
fn decoding_an_invalid_value_outside_collect_costs_no_allocation_for_the_audit() {
    // The decode's own allocations (the kept raw string, the reason) are the same for
    // every value; the audit adds none, so many values cost exactly many times one.
    let decode = || {
        let checked: Checked<GroupId> = serde_json::from_str("\"not-hex\"").expect("lenient");
        assert!(!checked.is_valid());
    };
    decode(); // Warms whatever is initialized once (the compiled pattern).
    let one = allocations_in(decode);
    let hundred = allocations_in(|| (0..100).for_each(|_| decode()));
    assert_eq!(hundred, 100 * one);
    // Inside `collect` the findings list grows: the same decodes cost more there.
    let recorded = allocations_in(|| {
        let ((), findings) = audit::collect(|| (0..100).for_each(|_| decode()));
        assert_eq!(findings.len(), 100);
    });
    assert!(recorded > hundred, "{recorded} vs {hundred}");
}
