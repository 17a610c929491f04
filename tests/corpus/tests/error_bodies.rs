//! Error bodies that differ by status (`tests/corpus/error_bodies/`): one
//! closed enum per operation, decoded by the status (never by guessing from
//! the shape), and a `default` response that takes every status the spec
//! does not list.

use atlasgen_corpus::{base_url, body_json, decode, json_response, path_and_query, response};
use corpus_error_bodies::{
    Conflict, CreatePayment, CreatePaymentErrorBody, Error, Fault, GetPayment, Payment,
    PaymentRequest, ValidationFailure,
};
use serde_json::{json, Value};

fn create() -> CreatePayment {
    CreatePayment::new(PaymentRequest::new(1500, "key-1".to_owned()))
}

fn api_error(
    result: Result<Payment, Error<CreatePaymentErrorBody>>,
) -> (u16, CreatePaymentErrorBody) {
    match result {
        Err(Error::Api { status, body, .. }) => (status.as_u16(), *body),
        other => panic!("expected a documented error, got {other:?}"),
    }
}

#[test]
fn create_payment_posts_the_body_and_decodes_201_as_the_payment() {
    let request = create()
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        (request.method().as_str(), path_and_query(&request).as_str()),
        ("POST", "/payments")
    );
    assert_eq!(
        body_json(&request),
        json!({"amountCents": 1500, "idempotencyKey": "key-1"})
    );
    let stored = json!({"idempotencyKey": "key-1", "amountCents": 1500});
    assert_eq!(
        create()
            .parse_response(json_response(201, &stored))
            .expect("201 decodes"),
        decode::<Payment>(&stored)
    );
}

#[test]
fn each_documented_error_status_decodes_into_its_own_variant() {
    let invalid = json!({"field": "amountCents", "message": "must be positive"});
    assert_eq!(
        api_error(create().parse_response(json_response(400, &invalid))),
        (
            400,
            CreatePaymentErrorBody::ValidationFailure(decode::<ValidationFailure>(&invalid))
        )
    );
    let conflict = json!({"existingPaymentId": "pay_7"});
    assert_eq!(
        api_error(create().parse_response(json_response(409, &conflict))),
        (
            409,
            CreatePaymentErrorBody::Conflict(decode::<Conflict>(&conflict))
        )
    );
}

#[test]
fn every_status_the_spec_does_not_list_decodes_as_the_default_body() {
    let fault = json!({"code": "UPSTREAM_DOWN", "traceId": "tr-9"});
    for status in [401, 418, 500, 503] {
        let (got, body) = api_error(create().parse_response(json_response(status, &fault)));
        assert_eq!(got, status);
        assert_eq!(body, CreatePaymentErrorBody::Fault(decode::<Fault>(&fault)));
    }
}

#[test]
fn the_status_decides_the_variant_even_when_the_body_fits_another() {
    // Fits `ValidationFailure` and `Fault` both: 400 says which.
    let both = json!({"field": "amountCents", "message": "too big", "code": "LIMIT"});
    let (_, body) = api_error(create().parse_response(json_response(400, &both)));
    assert!(
        matches!(body, CreatePaymentErrorBody::ValidationFailure(_)),
        "{body:?}"
    );
    let (_, body) = api_error(create().parse_response(json_response(500, &both)));
    assert!(matches!(body, CreatePaymentErrorBody::Fault(_)), "{body:?}");
}

#[test]
fn a_body_that_is_not_its_statuss_shape_is_undecodable_with_the_bytes_kept() {
    let wrong: Value = json!({"field": "amountCents", "message": "must be positive"});
    match create().parse_response(json_response(409, &wrong)) {
        Err(Error::Undecodable { status, body, .. }) => {
            assert_eq!(status, 409);
            assert_eq!(serde_json::from_slice::<Value>(&body).ok(), Some(wrong));
        }
        other => panic!("{other:?}"),
    }
    match create().parse_response(response(502, "text/html", "<h1>Bad gateway</h1>")) {
        Err(Error::Undecodable {
            status,
            content_type,
            body,
            ..
        }) => {
            assert_eq!(status, 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(&body[..], b"<h1>Bad gateway</h1>");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_body_displays_as_its_json() {
    let body = CreatePaymentErrorBody::Conflict(Conflict::new("pay_7".to_owned()));
    assert_eq!(body.to_string(), r#"{"existingPaymentId":"pay_7"}"#);
}

#[test]
fn an_operation_with_only_a_default_error_has_that_body_as_its_error_type() {
    let operation = GetPayment::new("pay_7".to_owned());
    let ok = json!({"idempotencyKey": "key-1", "amountCents": 1500});
    assert_eq!(
        operation
            .parse_response(json_response(200, &ok))
            .expect("200 decodes")
            .amount_cents,
        1500
    );
    let fault = json!({"code": "NOT_FOUND"});
    match operation.parse_response(json_response(404, &fault)) {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(*body, Fault::new("NOT_FOUND".to_owned()));
        }
        other => panic!("{other:?}"),
    }
}
