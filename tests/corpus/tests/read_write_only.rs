//! `readOnly` and `writeOnly` (`tests/corpus/read_write_only/`): one schema
//! used as a request body and as a response becomes two types. `Account`
//! (the response) has no `password` and is lenient: patterns are `Checked`,
//! the enum is open. `AccountRequest` (the body) has no `id` or `createdAt`
//! and is strict: validated strings and a closed enum.

use atlasgen_corpus::{
    base_url, body_json, decode, encode, json_response, path_and_query, refused, round_trip,
};
use corpus_read_write_only::{
    Account, AccountId, AccountRequest, AccountRequestRole, AccountRole, Checked, CreateAccount,
    GetAccount, Handle,
};
use serde_json::json;

fn stored() -> serde_json::Value {
    json!({
        "id": "acc_0a1b2c3d",
        "handle": "ada_l",
        "role": "OWNER",
        "createdAt": "2025-03-01T08:30:00Z",
        "displayName": "Ada"
    })
}

#[test]
fn the_response_carries_the_read_only_fields_and_re_encodes_unchanged() {
    let account: Account = round_trip(&stored());
    assert_eq!(
        account.id.valid().map(AccountId::as_str),
        Some("acc_0a1b2c3d")
    );
    assert_eq!(account.role, AccountRole::Owner);
    assert!(account.created_at.as_ref().is_some_and(Checked::is_valid));
}

#[test]
fn a_write_only_field_in_a_response_is_ignored_and_never_re_encoded() {
    let mut leaked = stored();
    leaked["password"] = json!("hunter2");
    let account: Account = decode(&leaked);
    assert_eq!(encode(&account), stored());
}

#[test]
fn the_response_is_lenient_with_patterns_and_enum_values_it_does_not_know() {
    let mut odd = stored();
    odd["id"] = json!("legacy-17");
    odd["handle"] = json!("Ada Lovelace");
    odd["role"] = json!("AUDITOR");
    let account: Account = round_trip(&odd);
    assert_eq!(
        account.id.invalid().map(|i| i.raw()),
        Some(&json!("legacy-17"))
    );
    assert_eq!(
        account.handle.invalid().map(|i| i.raw()),
        Some(&json!("Ada Lovelace"))
    );
    assert_eq!(account.role, AccountRole::Unknown("AUDITOR".to_owned()));
}

#[test]
fn the_request_has_the_write_only_field_and_not_the_read_only_ones() {
    let mut body = AccountRequest::new(
        Handle::new("ada_l").expect("a valid handle"),
        "correct horse".to_owned(),
        AccountRequestRole::Member,
    );
    body.display_name = Some("Ada".to_owned());
    let request = CreateAccount::new(body)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(request.method(), "POST");
    assert_eq!(path_and_query(&request), "/accounts");
    assert_eq!(
        body_json(&request),
        json!({"handle": "ada_l", "password": "correct horse", "role": "MEMBER", "displayName": "Ada"})
    );
}

#[test]
fn the_request_refuses_what_the_response_would_keep() {
    let body = json!({"handle": "ada_l", "password": "pw", "role": "MEMBER"});
    decode::<AccountRequest>(&body);
    let mut unknown_role = body.clone();
    unknown_role["role"] = json!("AUDITOR");
    let reason = refused::<AccountRequest>(&unknown_role);
    assert!(reason.contains("AUDITOR"), "{reason}");
    let mut bad_handle = body.clone();
    bad_handle["handle"] = json!("Ada Lovelace");
    let reason = refused::<AccountRequest>(&bad_handle);
    assert!(reason.contains("Ada Lovelace"), "{reason}");
    let mut no_password = body;
    no_password
        .as_object_mut()
        .expect("an object")
        .remove("password");
    assert!(refused::<AccountRequest>(&no_password).contains("password"));
    assert!(
        Handle::new("x").is_err(),
        "two characters short of the pattern"
    );
    assert!("AUDITOR".parse::<AccountRequestRole>().is_err());
}

#[test]
fn create_account_decodes_201_as_the_response_type() {
    let body =
        decode::<AccountRequest>(&json!({"handle": "ada_l", "password": "pw", "role": "OWNER"}));
    let account = CreateAccount::new(body)
        .parse_response(json_response(201, &stored()))
        .expect("201 decodes");
    assert_eq!(account.display_name.as_deref(), Some("Ada"));
}

#[test]
fn the_path_parameter_is_validated_before_anything_is_sent() {
    let error = AccountId::new("acc_../../admin").expect_err("the pattern refuses it");
    assert_eq!(error.role(), "AccountId");
    let id = AccountId::new("acc_0a1b2c3d").expect("a valid id");
    let request = GetAccount::new(id)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(path_and_query(&request), "/accounts/acc_0a1b2c3d");
}

/// An inline type is named after its owner, so the request twin's inline
/// enum is `AccountRequestRole`, with `Request` once (not
/// `AccountRequestRoleRequest`).
#[test]
fn the_request_twins_inline_enum_says_request_once() {
    assert_eq!(
        std::any::type_name::<AccountRequestRole>()
            .rsplit("::")
            .next(),
        Some("AccountRequestRole")
    );
}
