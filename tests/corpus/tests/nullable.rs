//! `nullable` (`tests/corpus/nullable/`): a required nullable field is an
//! `Option` whose `None` is written as `null` (its key is always sent, and
//! must be present in a response); an optional nullable field is an
//! `Option<Option<T>>`, because absent (`None`) and `null` (`Some(None)`)
//! are different values on the wire.

use atlasgen_corpus::{
    base_url, body_json, decode, encode, json_response, path_and_query, round_trip,
};
use corpus_nullable::{CreateTicket, GetTicket, Resolution, Ticket, TicketRequest};
use serde_json::json;

#[test]
fn null_in_required_nullable_fields_decodes_as_none() {
    let ticket: Ticket =
        decode(&json!({"title": "Printer on fire", "assignee": null, "estimate": null}));
    assert_eq!((ticket.assignee, ticket.estimate), (None, None));
    assert_eq!(ticket.title, "Printer on fire");
}

#[test]
fn values_of_nullable_fields_decode_as_some_and_re_encode_unchanged() {
    let full = json!({
        "title": "Printer on fire",
        "assignee": "kim",
        "estimate": 3,
        "dueDate": "2025-07-01",
        "watchers": ["lee", "sam"],
        "resolution": {"reason": "extinguished"}
    });
    let ticket: Ticket = round_trip(&full);
    assert_eq!(ticket.assignee.as_deref(), Some("kim"));
    assert_eq!(ticket.estimate, Some(3));
    assert_eq!(
        ticket.watchers,
        Some(Some(vec!["lee".to_owned(), "sam".to_owned()]))
    );
    assert_eq!(
        ticket.resolution,
        Some(Some(Resolution::new("extinguished".to_owned())))
    );
}

#[test]
fn optional_nullable_fields_tell_absent_from_null_and_re_encode_each() {
    let absent_json = json!({"title": "t", "assignee": "kim", "estimate": 1});
    let null_json = json!({
        "title": "t", "assignee": "kim", "estimate": 1,
        "dueDate": null, "watchers": null, "resolution": null
    });
    let absent: Ticket = round_trip(&absent_json);
    let null: Ticket = round_trip(&null_json);
    assert_ne!(absent, null);
    assert_eq!(
        (absent.due_date, absent.watchers, absent.resolution),
        (None, None, None)
    );
    assert_eq!(
        (null.due_date, null.watchers, null.resolution),
        (Some(None), Some(None), Some(None))
    );
}

#[test]
fn a_request_can_send_null_to_clear_an_optional_nullable_field() {
    let mut body = TicketRequest::new(Some("kim".to_owned()), Some(2), "t".to_owned());
    body.resolution = Some(None);
    let request = CreateTicket::new(body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        body_json(&request),
        json!({"title": "t", "assignee": "kim", "estimate": 2, "resolution": null})
    );
}

#[test]
fn get_ticket_decodes_a_ticket_nobody_is_assigned_to() {
    let body = json!({"title": "Printer on fire", "assignee": null, "estimate": 5});
    let ticket = GetTicket::new("T-1".to_owned())
        .parse_response(json_response(200, &body))
        .expect("200 decodes");
    assert_eq!((ticket.assignee, ticket.estimate), (None, Some(5)));
}

#[test]
fn a_request_sends_the_values_it_has_and_leaves_unset_optional_fields_out() {
    let mut body = TicketRequest::new(
        Some("kim".to_owned()),
        Some(2),
        "Printer on fire".to_owned(),
    );
    body.watchers = Some(Some(vec!["lee".to_owned()]));
    let request = CreateTicket::new(body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        (request.method().as_str(), path_and_query(&request).as_str()),
        ("POST", "/tickets")
    );
    assert_eq!(
        body_json(&request),
        json!({"title": "Printer on fire", "assignee": "kim", "estimate": 2, "watchers": ["lee"]})
    );
}

#[test]
fn a_request_sends_null_for_a_required_nullable_field_left_empty() {
    let body = TicketRequest::new(None, None, "Printer on fire".to_owned());
    let request = CreateTicket::new(body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        body_json(&request),
        json!({"title": "Printer on fire", "assignee": null, "estimate": null})
    );
}

#[test]
fn a_response_with_null_required_fields_re_encodes_with_the_nulls() {
    let body = json!({"title": "t", "assignee": null, "estimate": null});
    let ticket: Ticket = decode(&body);
    assert_eq!(encode(&ticket), body);
}

#[test]
fn a_response_missing_a_required_nullable_key_is_undecodable() {
    atlasgen_corpus::refused::<Ticket>(&json!({"title": "t", "estimate": 1}));
}
