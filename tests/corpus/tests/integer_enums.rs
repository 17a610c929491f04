//! `integer_enums` (`tests/corpus/integer_enums/`): an integer enum is a
//! typed enum, open on responses (an unlisted value is `Unknown(i64)`, kept
//! as sent) and closed on requests; an `enum` written on an array schema
//! makes its items an enum, so requests validate them.

use atlasgen_corpus::{base_url, path_and_query, round_trip};
use corpus_integer_enums::{
    ListTasks, Priority, PriorityRequest, Task, TaskDrift, TaskPermissionsItem,
    TaskRequestPermissionsItem,
};
use serde_json::json;

#[test]
fn a_listed_integer_decodes_into_its_variant_and_re_encodes_as_a_number() {
    let task: Task = round_trip(&json!({"title": "t", "priority": 2, "drift": -1}));
    assert_eq!(task.priority, Priority::V2);
    assert_eq!(task.drift, Some(TaskDrift::Minus1));
    assert_eq!(task.priority.as_i64(), 2);
}

#[test]
fn an_unlisted_integer_on_a_response_is_kept_as_unknown() {
    let task: Task = round_trip(&json!({"title": "t", "priority": 9}));
    assert_eq!(task.priority, Priority::Unknown(9));
    assert!(task.priority.is_unknown());
}

#[test]
fn a_request_enum_refuses_an_unlisted_integer_and_a_string() {
    assert!(PriorityRequest::try_from(9).is_err());
    assert_eq!(PriorityRequest::try_from(3).ok(), Some(PriorityRequest::V3));
    assert!("high".parse::<PriorityRequest>().is_err());
    atlasgen_corpus::refused::<PriorityRequest>(&json!(4));
    atlasgen_corpus::refused::<PriorityRequest>(&json!("1"));
}

#[test]
fn an_integer_enum_query_parameter_is_written_as_its_number() {
    let request = ListTasks::new()
        .priority(PriorityRequest::V1)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(path_and_query(&request), "/tasks?priority=1");
}

#[test]
fn the_enum_on_an_array_applies_to_its_items() {
    let task: Task =
        round_trip(&json!({"title": "t", "priority": 1, "permissions": ["READ", "SHARE"]}));
    assert_eq!(
        task.permissions,
        Some(vec![TaskPermissionsItem::Read, TaskPermissionsItem::Share])
    );
    // A request validates each item.
    atlasgen_corpus::refused::<TaskRequestPermissionsItem>(&json!("DELETE"));
    let refused = atlasgen_corpus::refused::<corpus_integer_enums::TaskRequest>(
        &json!({"title": "t", "priority": 1, "permissions": ["READ", "DELETE"]}),
    );
    assert!(refused.contains("DELETE"), "{refused}");
}
