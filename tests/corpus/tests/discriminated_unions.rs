//! `oneOf` with a discriminator (`tests/corpus/discriminated_unions/`): each
//! mapped value selects its member, an unmapped member is selected by its
//! schema name, a mapping entry may name a schema outside `oneOf`, and a
//! value no member takes is kept as `Unknown(Value)` on responses. The
//! parent/child cycle (parent lists children, each child `allOf`s the
//! parent) gives an enum of children that carry the parent's fields.

use atlasgen_corpus::{
    body_json, decode, encode, header, json_response, path_and_query, refused, response, round_trip,
};
use corpus_discriminated_unions::{
    Alert, Channel, ChannelRequest, CpuAlert, CreateChannel, EmailChannel, EmailChannelRequest,
    Error, GetAlert, GetChannel, PagerChannel, SmsChannel, WebhookChannel,
};
use serde_json::json;

#[test]
fn each_mapped_discriminator_value_decodes_to_its_member_and_re_encodes_unchanged() {
    let email = json!({"kind": "email", "address": "ops@relay.example"});
    match round_trip::<Channel>(&email) {
        Channel::EmailChannel(EmailChannel { address, kind, .. }) => {
            assert_eq!(address, "ops@relay.example");
            assert_eq!(kind, "email");
        }
        other => panic!("{other:?}"),
    }
    let sms = json!({"kind": "sms", "phoneNumber": "+15550100"});
    match round_trip::<Channel>(&sms) {
        Channel::SmsChannel(SmsChannel { phone_number, .. }) => {
            assert_eq!(phone_number, "+15550100")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_member_the_mapping_does_not_name_is_selected_by_its_schema_name() {
    let hook = json!({"kind": "WebhookChannel", "url": "https://hooks.example/relay"});
    match round_trip::<Channel>(&hook) {
        Channel::WebhookChannel(WebhookChannel { url, .. }) => {
            assert_eq!(url, "https://hooks.example/relay")
        }
        other => panic!("{other:?}"),
    }
    // Its lowercase name is not a discriminator value anyone declared.
    let lowercase = json!({"kind": "webhook", "url": "https://hooks.example/relay"});
    assert_eq!(decode::<Channel>(&lowercase), Channel::Unknown(lowercase));
}

#[test]
fn a_mapping_entry_naming_a_schema_outside_one_of_selects_that_schema() {
    let pager = json!({"kind": "pager", "serviceKey": "svc-42"});
    match round_trip::<Channel>(&pager) {
        Channel::PagerChannel(PagerChannel { service_key, .. }) => {
            assert_eq!(service_key, "svc-42")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_discriminator_value_on_a_response_is_kept_as_unknown_value() {
    let slack = json!({"kind": "slack", "workspace": "relay", "channel": "#ops"});
    assert_eq!(
        round_trip::<Channel>(&slack),
        Channel::Unknown(slack.clone())
    );
    let untagged = json!({"address": "ops@relay.example"});
    assert_eq!(
        round_trip::<Channel>(&untagged),
        Channel::Unknown(untagged.clone())
    );
}

#[test]
fn a_known_discriminator_without_its_members_fields_is_kept_as_unknown_value() {
    let broken = json!({"kind": "email"});
    assert_eq!(
        round_trip::<Channel>(&broken),
        Channel::Unknown(broken.clone())
    );
}

#[test]
fn a_request_union_refuses_a_value_no_member_takes() {
    let reason = refused::<ChannelRequest>(&json!({"kind": "slack", "workspace": "relay"}));
    assert!(reason.contains("ChannelRequest"), "{reason}");
    let reason = refused::<ChannelRequest>(&json!({"kind": "email"}));
    assert!(reason.contains("address"), "{reason}");
    assert!(matches!(
        decode::<ChannelRequest>(&json!({"kind": "pager", "serviceKey": "svc-42"})),
        ChannelRequest::PagerChannelRequest(_)
    ));
}

#[test]
fn create_channel_posts_the_member_as_json_and_accepts_json() {
    let body = ChannelRequest::EmailChannelRequest(EmailChannelRequest::new(
        "ops@relay.example".to_owned(),
        "email".to_owned(),
    ));
    let request = CreateChannel::new(body)
        .to_request(&atlasgen_corpus::base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "POST");
    assert_eq!(path_and_query(&request), "/channels");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "accept"), "application/json");
    assert_eq!(
        body_json(&request),
        json!({"address": "ops@relay.example", "kind": "email"})
    );
}

#[test]
fn create_channel_decodes_201_as_the_stored_member() {
    let stored = json!({"kind": "sms", "phoneNumber": "+15550100"});
    let channel = CreateChannel::new(decode(&stored))
        .parse_response(json_response(201, &stored))
        .expect("201 decodes");
    assert!(matches!(channel, Channel::SmsChannel(_)), "{channel:?}");
}

#[test]
fn get_channel_decodes_a_kind_added_later_as_unknown_not_as_an_error() {
    let newer = json!({"kind": "carrierPigeon", "loft": "north"});
    let channel = GetChannel::new("ch_1".to_owned())
        .parse_response(json_response(200, &newer))
        .expect("an unknown kind is not an error");
    assert_eq!(channel, Channel::Unknown(newer));
}

#[test]
fn get_channel_requests_the_channel_path_and_keeps_an_undocumented_status() {
    let operation = GetChannel::new("ch 1/2".to_owned());
    let request = operation
        .to_request(&atlasgen_corpus::base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "GET");
    assert_eq!(path_and_query(&request), "/channels/ch%201%2F2");
    assert!(request.body().is_empty());
    match operation.parse_response(response(503, "text/plain", "try later")) {
        Err(Error::UnexpectedStatus { status, body, .. }) => {
            assert_eq!(status, 503);
            assert_eq!(&body[..], b"try later");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_parent_decodes_to_the_child_its_discriminator_names_with_the_parents_fields() {
    let cpu = json!({"alertType": "CPU", "id": "al_1", "percent": 97.5});
    match round_trip::<Alert>(&cpu) {
        Alert::CpuAlert(CpuAlert {
            alert_type,
            id,
            percent,
            ..
        }) => {
            assert_eq!(
                (alert_type.as_str(), id.as_str(), percent),
                ("CPU", "al_1", 97.5)
            );
        }
        other => panic!("{other:?}"),
    }
    let disk = json!({"alertType": "DISK", "id": "al_2", "freeBytes": 1024});
    match round_trip::<Alert>(&disk) {
        Alert::DiskAlert(alert) => {
            assert_eq!((alert.id.as_str(), alert.free_bytes), ("al_2", 1024))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_alert_of_a_type_the_spec_does_not_list_is_unknown_value_on_the_response() {
    let memory = json!({"alertType": "MEMORY", "id": "al_3", "usedBytes": 1});
    let alert = GetAlert::new("al_3".to_owned())
        .parse_response(json_response(200, &memory))
        .expect("an unknown alert type is not an error");
    assert_eq!(alert, Alert::Unknown(memory));
}

#[test]
fn a_child_built_in_rust_encodes_the_parents_fields_beside_its_own() {
    let alert = Alert::CpuAlert(CpuAlert::new("CPU".to_owned(), "al_9".to_owned(), 50.0));
    assert_eq!(
        encode(&alert),
        json!({"alertType": "CPU", "id": "al_9", "percent": 50.0})
    );
}

#[test]
#[ignore = "generator: the discriminator of a request member is a plain String field the caller fills (the tag is written only for members without that field), so a member can be sent carrying another member's value (here an email channel tagged `sms`)"]
fn a_request_member_is_sent_with_its_own_discriminator_value() {
    let body = ChannelRequest::EmailChannelRequest(EmailChannelRequest::new(
        "ops@relay.example".to_owned(),
        "sms".to_owned(),
    ));
    assert_eq!(encode(&body)["kind"], "email");
}
