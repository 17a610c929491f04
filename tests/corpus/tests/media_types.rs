//! `media_types` (`tests/corpus/media_types/`): a JSON response offered
//! beside CSV and XML keeps its typed decoding, and `Accept` asks for JSON
//! (then the error type); the other representations are operations of their
//! own (`*_as_csv`, `*_as_xml`) that return the bytes; `text/json` and
//! `application/*+json` (`problem+json`, vendor types) are JSON.

use atlasgen_corpus::{base_url, header, json_response, response};
use corpus_media_types::{
    GetExport, GetReport, GetReportAsCsv, GetReportAsXml, ListSummaries, PutExport,
};
use serde_json::json;

#[test]
fn the_default_representation_is_the_typed_json_one_and_asks_for_json_first() {
    let request = GetReport::new("r1".to_owned());
    let http = request.to_request(&base_url()).expect("the request builds");
    assert_eq!(
        header(&http, "accept"),
        "application/json, application/problem+json"
    );
    let report = request
        .parse_response(json_response(200, &json!({"id": "r1", "title": "Q3"})))
        .expect("200 decodes");
    assert_eq!(report.title, "Q3");
}

#[test]
fn the_csv_and_xml_representations_return_the_bytes_as_sent() {
    let csv = GetReportAsCsv::new("r1".to_owned());
    let http = csv.to_request(&base_url()).expect("the request builds");
    assert_eq!(
        header(&http, "accept"),
        "text/csv, application/problem+json"
    );
    let bytes = csv
        .parse_response(response(200, "text/csv", "id,title\nr1,Q3\n"))
        .expect("200 is the bytes");
    assert_eq!(&bytes[..], b"id,title\nr1,Q3\n");
    let xml = GetReportAsXml::new("r1".to_owned());
    let http = xml.to_request(&base_url()).expect("the request builds");
    assert!(header(&http, "accept").starts_with("application/xml"));
}

#[test]
fn an_error_of_the_bytes_representation_is_still_the_typed_problem() {
    let error = GetReportAsCsv::new("r1".to_owned())
        .parse_response(response(
            404,
            "application/problem+json",
            r#"{"title":"gone","status":404}"#,
        ))
        .expect_err("404 is an error");
    assert_eq!(error.api_body().and_then(|p| p.status), Some(404));
}

#[test]
fn text_json_is_json() {
    let request = ListSummaries::new();
    let http = request.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "accept"), "text/json");
    let list = request
        .parse_response(response(200, "text/json", r#"[{"id":"a","title":"A"}]"#))
        .expect("200 decodes");
    assert_eq!(list.len(), 1);
}

#[test]
fn a_bytes_only_response_and_a_bytes_request_body_stay_bytes() {
    let export = GetExport::new("r1".to_owned())
        .parse_response(response(
            200,
            "application/octet-stream",
            vec![0u8, 159, 146, 150],
        ))
        .expect("200 is the bytes");
    assert_eq!(&export[..], &[0u8, 159, 146, 150]);
    let request = PutExport::new("r1".to_owned(), vec![1u8, 2, 3].into());
    let http = request.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "content-type"), "application/octet-stream");
    assert_eq!(http.body(), &vec![1u8, 2, 3]);
    // The vendor +json answer decodes as JSON.
    let receipt = request
        .parse_response(response(
            200,
            "application/vnd.reports.receipt+json",
            r#"{"size":3}"#,
        ))
        .expect("200 decodes");
    assert_eq!(receipt.size, 3);
}
