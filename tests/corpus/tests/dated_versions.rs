//! Dated versions (`tests/corpus/dated_versions/`): an operation whose
//! success body comes in two `application/vnd.ledger.YYYY-MM-DD+json`
//! versions of one schema speaks the newest by default; `media_type(...)`
//! pins another from `MEDIA_TYPES`, which moves `Accept` and, for a request
//! body offered in both versions, `Content-Type` with it.

use atlasgen_corpus::{base_url, body_json, header, json_response, response};
use corpus_dated_versions::{CreateInvoice, Error, GetInvoice, Invoice, InvoiceRequest, Problem};
use serde_json::json;

const NEWEST: &str = "application/vnd.ledger.2025-06-01+json";
const OLDER: &str = "application/vnd.ledger.2024-01-15+json";

fn invoice_json() -> serde_json::Value {
    json!({"number": "INV-2025-0042", "amountCents": 129900, "memo": "annual plan"})
}

#[test]
fn media_types_lists_every_version_newest_first() {
    assert_eq!(GetInvoice::MEDIA_TYPES, [NEWEST, OLDER]);
    assert_eq!(CreateInvoice::MEDIA_TYPES, [NEWEST, OLDER]);
}

#[test]
fn by_default_a_get_accepts_the_newest_version_then_the_error_media_type() {
    let request = GetInvoice::new("inv_42".to_owned())
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        header(&request, "accept"),
        format!("{NEWEST}, application/json")
    );
    assert_eq!(GetInvoice::ACCEPT, format!("{NEWEST}, application/json"));
}

#[test]
fn pinning_the_older_version_asks_for_it_alone_beside_the_error_media_type() {
    let request = GetInvoice::new("inv_42".to_owned())
        .media_type(OLDER)
        .expect("a listed version")
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        header(&request, "accept"),
        format!("{OLDER}, application/json")
    );
}

#[test]
fn pinning_a_version_the_operation_does_not_list_is_refused() {
    let error = GetInvoice::new("inv_42".to_owned())
        .media_type("application/vnd.ledger.2023-01-01+json")
        .expect_err("not a listed version");
    assert_eq!(error.role(), "media_type");
    assert_eq!(error.value(), "application/vnd.ledger.2023-01-01+json");
    assert_eq!(
        error.rule(),
        &atlas_runtime::Rule::Enum(GetInvoice::MEDIA_TYPES)
    );
}

#[test]
fn either_version_of_the_success_decodes_into_the_one_schema() {
    let body = serde_json::to_vec(&invoice_json()).expect("JSON");
    for version in [NEWEST, OLDER] {
        let invoice: Invoice = GetInvoice::new("inv_42".to_owned())
            .parse_response(response(200, version, body.clone()))
            .unwrap_or_else(|e| panic!("{version}: {e:?}"));
        assert_eq!(invoice.amount_cents, 129_900, "{version}");
    }
}

#[test]
fn the_documented_error_decodes_as_its_problem_body() {
    match GetInvoice::new("inv_0".to_owned())
        .parse_response(json_response(404, &json!({"detail": "no invoice inv_0"})))
    {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(*body, Problem::new("no invoice inv_0".to_owned()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_request_body_is_sent_and_answered_in_the_newest_version_by_default() {
    let body = InvoiceRequest::new(129_900, "INV-2025-0042".to_owned());
    let request = CreateInvoice::new(body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "POST");
    assert_eq!(header(&request, "content-type"), NEWEST);
    assert_eq!(header(&request, "accept"), NEWEST);
    assert_eq!(
        body_json(&request),
        json!({"number": "INV-2025-0042", "amountCents": 129900})
    );
}

#[test]
fn pinning_the_older_version_moves_content_type_and_accept_together() {
    let body = InvoiceRequest::new(500, "INV-2025-0043".to_owned());
    let operation = CreateInvoice::new(body)
        .media_type(OLDER)
        .expect("a listed version");
    let request = operation
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(header(&request, "content-type"), OLDER);
    assert_eq!(header(&request, "accept"), OLDER);
    let stored = operation
        .parse_response(response(
            201,
            OLDER,
            serde_json::to_vec(&invoice_json()).expect("JSON"),
        ))
        .expect("201 decodes");
    assert_eq!(stored.memo.as_deref(), Some("annual plan"));
}
