//! `versioned_schemas` (`tests/corpus/versioned_schemas/`): dated versions
//! that share a schema are one operation whose version can be pinned; a
//! version whose schemas differ is an operation of its own (`*_v2023_01_01`)
//! that decodes and encodes with its own types, so pinning an older version
//! never decodes it with the newest one's type.

use atlasgen_corpus::{base_url, body_json, header, response};
use corpus_versioned_schemas::{Car, CarV2, GetCar, GetCarV20230101, PutCar, PutCarV20230101};
use serde_json::json;

const NEW: &str = "application/vnd.garage.2024-06-01+json";
const MID: &str = "application/vnd.garage.2024-01-01+json";
const OLD: &str = "application/vnd.garage.2023-01-01+json";

#[test]
fn the_versions_sharing_the_newest_schema_can_be_pinned() {
    assert_eq!(GetCar::MEDIA_TYPES, &[NEW, MID]);
    let pinned = GetCar::new("c1".to_owned())
        .media_type(MID)
        .expect("a listed version");
    let http = pinned.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "accept"), format!("{MID}, application/json"));
    // The version whose schema differs is not among them.
    assert!(GetCar::new("c1".to_owned()).media_type(OLD).is_err());
}

#[test]
fn the_newest_version_decodes_with_its_type() {
    let car: CarV2 = GetCar::new("c1".to_owned())
        .parse_response(response(
            200,
            NEW,
            r#"{"make":"Volvo","model":"240","seats":5}"#,
        ))
        .expect("200 decodes");
    assert_eq!((car.make.as_str(), car.seats), ("Volvo", Some(5)));
}

#[test]
fn the_older_version_is_its_own_operation_with_its_own_type() {
    let old = GetCarV20230101::new("c1".to_owned());
    let http = old.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "accept"), format!("{OLD}, application/json"));
    // Its answer lacks the newest schema's required `make`: decoded with its
    // own type it is fine.
    let car: Car = old
        .parse_response(response(200, OLD, r#"{"model":"Volvo 240"}"#))
        .expect("200 decodes");
    assert_eq!(car.model, "Volvo 240");
}

#[test]
fn a_pinned_request_body_uses_that_versions_schema_and_media_type() {
    let new = PutCar::new(
        "c1".to_owned(),
        atlasgen_corpus::decode(&json!({"make": "Volvo", "model": "240"})),
    );
    let http = new.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "content-type"), NEW);
    assert_eq!(body_json(&http), json!({"make": "Volvo", "model": "240"}));
    let old = PutCarV20230101::new(
        "c1".to_owned(),
        atlasgen_corpus::decode(&json!({"model": "Volvo 240"})),
    );
    let http = old.to_request(&base_url()).expect("the request builds");
    assert_eq!(header(&http, "content-type"), OLD);
    assert_eq!(header(&http, "accept"), OLD);
    assert_eq!(body_json(&http), json!({"model": "Volvo 240"}));
}
