//! Maps and free-form objects (`tests/corpus/maps/`): `additionalProperties`
//! with a schema is a `BTreeMap` of that type (strings, numbers, a model);
//! an object without properties, or with `additionalProperties: true`, is a
//! `serde_json::Value` kept as sent; a map can be a whole response body and a
//! free-form object a whole request body.

use std::collections::BTreeMap;

use atlasgen_corpus::{base_url, body_json, header, json_response, path_and_query, round_trip};
use corpus_maps::{Deployment, Error, GetDeployment, GetEnvironment, Quota, ReplaceAnnotations};
use serde_json::{json, Value};

fn deployment() -> Value {
    json!({
        "name": "edge-eu",
        "labels": {"team": "payments", "tier": "gold"},
        "quotas": {"cpu": {"limit": 64, "used": 12}, "memory": {"limit": 256}},
        "replicasByZone": {"eu-1a": 3, "eu-1b": 2},
        "metadata": {"deployedBy": {"tool": "shipper", "version": [1, 4]}, "dryRun": false},
        "settings": {"retries": 3, "regions": ["eu"], "canary": null}
    })
}

#[test]
fn maps_decode_by_key_into_their_value_types_and_re_encode_unchanged() {
    let d: Deployment = round_trip(&deployment());
    assert_eq!(d.labels.get("tier").map(String::as_str), Some("gold"));
    let quotas = d.quotas.as_ref().expect("quotas");
    assert_eq!(quotas["cpu"].used, Some(12));
    let mut memory = Quota::new(256);
    memory.used = None;
    assert_eq!(quotas["memory"], memory);
    let zones: Vec<(&str, i32)> = d
        .replicas_by_zone
        .iter()
        .flatten()
        .map(|(zone, n)| (zone.as_str(), *n))
        .collect();
    assert_eq!(zones, [("eu-1a", 3), ("eu-1b", 2)]);
}

#[test]
fn free_form_objects_are_kept_exactly_as_sent() {
    let d: Deployment = round_trip(&deployment());
    assert_eq!(d.metadata, Some(deployment()["metadata"].clone()));
    assert_eq!(d.settings, Some(deployment()["settings"].clone()));
}

#[test]
fn an_empty_map_is_an_empty_map_and_a_required_map_cannot_be_missing() {
    let d: Deployment = round_trip(&json!({"name": "edge-us", "labels": {}}));
    assert!(d.labels.is_empty());
    assert_eq!((d.quotas, d.metadata), (None, None));
    let reason = atlasgen_corpus::refused::<Deployment>(&json!({"name": "edge-us"}));
    assert!(reason.contains("labels"), "{reason}");
}

#[test]
fn a_map_value_of_the_wrong_json_type_makes_the_body_undecodable() {
    let mut body = deployment();
    body["labels"]["tier"] = json!(1);
    match GetDeployment::new("edge-eu".to_owned()).parse_response(json_response(200, &body)) {
        Err(Error::Undecodable { status, .. }) => assert_eq!(status, 200),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_whole_response_body_can_be_a_map() {
    let env = json!({"RUST_LOG": "info", "PORT": "8080"});
    let vars: BTreeMap<String, String> = GetEnvironment::new("edge-eu".to_owned())
        .parse_response(json_response(200, &env))
        .expect("200 decodes");
    assert_eq!(vars.get("PORT").map(String::as_str), Some("8080"));
    assert_eq!(vars.len(), 2);
}

#[test]
fn a_free_form_request_body_is_sent_as_given_and_204_is_empty_success() {
    let annotations = json!({"owner": {"team": "payments"}, "reviewed": true});
    let operation = ReplaceAnnotations::new("edge eu".to_owned(), annotations.clone());
    let request = operation
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "PUT");
    assert_eq!(
        path_and_query(&request),
        "/deployments/edge%20eu/annotations"
    );
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(body_json(&request), annotations);
    let empty = atlasgen_corpus::response(204, "application/json", "");
    operation
        .parse_response(empty)
        .expect("204 is success without a body");
}

#[test]
#[ignore = "generator: a free-form `type: object` request body is a serde_json::Value, so a non-object (an array here) is sent although the spec says object"]
fn a_free_form_object_request_body_refuses_a_value_that_is_not_an_object() {
    let operation = ReplaceAnnotations::new("edge-eu".to_owned(), json!(["not", "an", "object"]));
    assert!(operation.to_request(&base_url()).is_err());
}
