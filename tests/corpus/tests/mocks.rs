//! Typed mocks (feature `mock`) of corpus crates: what lowering decided for each
//! operation's answers holds on the wire. A pinned dated version is matched and
//! answered in that version; a request body is matched by its typed value; error
//! bodies that differ by status come back as their variant; bodiless statuses
//! answer without a body. Each test starts its server on 127.0.0.1 and drops it.

use corpus_dated_versions::mock::MockServer as Ledger;
use corpus_dated_versions::{GetInvoice, Invoice};
use corpus_empty_responses::mock::MockServer as Items;
use corpus_empty_responses::{DeleteItem, Item, ItemRequest, Problem, PutItem};
use corpus_error_bodies::mock::MockServer as Payments;
use corpus_error_bodies::{Conflict, CreatePayment, CreatePaymentErrorBody, Error, PaymentRequest};

const NEWEST: &str = "application/vnd.ledger.2025-06-01+json";
const OLDER: &str = "application/vnd.ledger.2024-01-15+json";

fn invoice() -> Invoice {
    let mut invoice = Invoice::new(129_900, "INV-2025-0042".to_owned());
    invoice.memo = Some("annual plan".to_owned());
    invoice
}

#[tokio::test]
async fn a_mock_pinned_to_a_version_answers_only_requests_pinning_it() {
    let mock = Ledger::start().await;
    mock.get_invoice()
        .invoice_id("inv_42")
        .media_type(OLDER)
        .unwrap()
        .expect(1)
        .respond_ok(invoice())
        .await;
    let pinned = GetInvoice::new("inv_42".to_owned())
        .media_type(OLDER)
        .expect("a listed version");
    let got = mock
        .client()
        .get_invoice(&pinned)
        .await
        .expect("the pinned request is answered");
    assert_eq!(got, invoice());
    // The newest version is not what this mock answers: unmatched, reported.
    let newest = GetInvoice::new("inv_42".to_owned());
    match mock.client().get_invoice(&newest).await {
        Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 501),
        other => panic!("expected the unmatched answer, got {other:?}"),
    }
    assert_eq!(mock.server().unmatched(), ["GET /invoices/inv_42"]);
    mock.server().clear_unmatched();
    mock.verify().await;
    // Only the versions the operation speaks can be pinned.
    assert!(mock.get_invoice().media_type("application/json").is_err());
}

#[tokio::test]
async fn the_answer_is_sent_as_the_media_type_lowering_chose() {
    let mock = Ledger::start().await;
    mock.get_invoice().respond_ok(invoice()).await;
    let url = format!("{}/invoices/inv_1", mock.uri());
    let response = reqwest_get(&url, NEWEST).await;
    assert_eq!(response.0, 200);
    assert_eq!(response.1, NEWEST);
    let mock = Ledger::start().await;
    mock.get_invoice()
        .media_type(OLDER)
        .unwrap()
        .respond_ok(invoice())
        .await;
    let response = reqwest_get(&format!("{}/invoices/inv_1", mock.uri()), OLDER).await;
    assert_eq!((response.0, response.1.as_str()), (200, OLDER));
}

/// Status and `Content-Type` of a GET asking for `accept`, through the runtime's client.
async fn reqwest_get(url: &str, accept: &str) -> (u16, String) {
    let request = atlas_runtime::http::Request::get(url)
        .header("accept", accept)
        .body(Vec::new())
        .expect("a request");
    let client = atlas_runtime::Client::builder()
        .base_url_str(url)
        .no_retries()
        .build()
        .expect("a client");
    let response = client.send(request).await.expect("an answer");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (response.status().as_u16(), content_type)
}

#[tokio::test]
async fn an_error_body_that_differs_by_status_comes_back_as_its_variant() {
    let mock = Payments::start().await;
    let body = PaymentRequest::new(500, "key-1".to_owned());
    let conflict = Conflict::new("pay_7".to_owned());
    mock.create_payment()
        .body(&body)
        .expect(1)
        .respond_conflict(&conflict)
        .await;
    match mock
        .client()
        .create_payment(&CreatePayment::new(body))
        .await
    {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status.as_u16(), 409);
            assert_eq!(*body, CreatePaymentErrorBody::Conflict(conflict));
        }
        other => panic!("expected the typed 409, got {other:?}"),
    }
    mock.verify().await;
}

#[tokio::test]
async fn a_request_body_is_matched_by_its_typed_value() {
    let mock = Payments::start().await;
    mock.create_payment()
        .body(PaymentRequest::new(500, "key-1".to_owned()))
        .respond_conflict(Conflict::new("pay_7".to_owned()))
        .await;
    let other = CreatePayment::new(PaymentRequest::new(501, "key-1".to_owned()));
    // The operation documents a `default` answer, so the client tries to
    // decode the report as its body; the status tells.
    let err = mock.client().create_payment(&other).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(501), "{err:?}");
    assert_eq!(mock.server().unmatched(), ["POST /payments"]);
    mock.server().clear_unmatched();
}

#[tokio::test]
async fn bodiless_statuses_answer_without_a_body() {
    let mock = Items::start().await;
    mock.put_item()
        .item_id("i1")
        .body(ItemRequest::new("lamp".to_owned()))
        .up_to_n_times(1)
        .respond_ok(Item::new("lamp".to_owned()))
        .await;
    mock.put_item().item_id("i1").respond_no_content().await;
    mock.delete_item()
        .item_id("gone")
        .respond_not_found(Problem::new("no such item".to_owned()))
        .await;
    mock.delete_item().respond_ok().await;
    let client = mock.client();
    let put = PutItem::new("i1".to_owned(), ItemRequest::new("lamp".to_owned()));
    assert_eq!(
        client.put_item(&put).await.unwrap(),
        Some(Item::new("lamp".to_owned()))
    );
    assert_eq!(client.put_item(&put).await.unwrap(), None);
    client
        .delete_item(&DeleteItem::new("i2".to_owned()))
        .await
        .unwrap();
    match client
        .delete_item(&DeleteItem::new("gone".to_owned()))
        .await
    {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(body.title, "no such item");
        }
        other => panic!("expected the typed 404, got {other:?}"),
    }
    mock.verify().await;
}
