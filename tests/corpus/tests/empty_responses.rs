//! `empty_responses` (`tests/corpus/empty_responses/`): a documented status
//! without a body succeeds on an empty body (`()`, or `None` beside a status
//! that has one); content with no schema decodes as any JSON and an empty
//! body as `None`; a documented error status without a body is
//! `Error::Status`, never an undocumented status, never undecodable.

use atlas_runtime::http;
use atlasgen_corpus::{base_url, json_response, response};
use corpus_empty_responses::{ArchiveItem, DeleteItem, Error, GetItem, ItemRequest, PutItem};
use serde_json::json;

fn empty(status: u16) -> http::Response<atlas_runtime::bytes::Bytes> {
    http::Response::builder()
        .status(status)
        .body(atlas_runtime::bytes::Bytes::new())
        .expect("a valid response")
}

#[test]
fn a_204_without_content_succeeds_on_an_empty_body() {
    let outcome = DeleteItem::new("i1".to_owned()).parse_response(empty(204));
    assert!(matches!(outcome, Ok(())), "{outcome:?}");
}

#[test]
fn a_204_beside_a_200_with_a_body_is_none_and_the_200_is_some() {
    let request = PutItem::new("i1".to_owned(), ItemRequest::new("lamp".to_owned()));
    assert_eq!(
        request.parse_response(empty(204)).expect("204 succeeds"),
        None
    );
    let stored = request
        .parse_response(json_response(200, &json!({"name": "lamp", "count": 2})))
        .expect("200 decodes");
    assert_eq!(stored.map(|i| i.count), Some(Some(2)));
}

#[test]
fn a_204_with_a_stray_body_still_succeeds() {
    let request = PutItem::new("i1".to_owned(), ItemRequest::new("lamp".to_owned()));
    let outcome = request.parse_response(response(204, "application/json", "{}"));
    assert!(matches!(outcome, Ok(None)), "{outcome:?}");
}

#[test]
fn content_without_a_schema_is_any_json_and_an_empty_body_is_none() {
    let request = ArchiveItem::new("i1".to_owned());
    assert_eq!(
        request.parse_response(empty(202)).expect("202 succeeds"),
        None
    );
    let body = json!({"queued": true, "position": 3});
    assert_eq!(
        request
            .parse_response(json_response(202, &body))
            .expect("202 decodes"),
        Some(body)
    );
}

#[test]
fn a_documented_error_status_without_a_body_is_error_status_not_unexpected() {
    let error = GetItem::new("i1".to_owned())
        .parse_response(empty(401))
        .expect_err("401 is an error");
    assert!(matches!(error, Error::Status { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    // Whatever came with it is kept.
    let error = GetItem::new("i1".to_owned())
        .parse_response(response(401, "text/plain", "sign in first"))
        .expect_err("401 is an error");
    assert_eq!(error.body_bytes(), Some(&b"sign in first"[..]));
}

#[test]
fn a_documented_error_with_a_body_decodes_it_and_an_undocumented_status_keeps_the_bytes() {
    let error = DeleteItem::new("i1".to_owned())
        .parse_response(json_response(404, &json!({"title": "no such item"})))
        .expect_err("404 is an error");
    assert_eq!(
        error.api_body().map(|p| p.title.as_str()),
        Some("no such item")
    );
    let error = DeleteItem::new("i1".to_owned())
        .parse_response(empty(418))
        .expect_err("418 is undocumented");
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
}

#[test]
fn the_operations_ask_for_json() {
    let request = PutItem::new("i1".to_owned(), ItemRequest::new("lamp".to_owned()))
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        atlasgen_corpus::header(&request, "accept"),
        "application/json"
    );
}
