//! `Debug` and `Display` of every configuration, credential, error and model
//! type that can hold a secret print no secret: each test puts a recognisable
//! secret in, formats the value both ways (and pretty), and looks for it.

use atlas_admin::{ApiError, BackupRestoreJob, BackupRestoreJobDelivery, Error};
use atlas_runtime::auth::{BearerToken, DigestAuth, ServiceAccountAuth};
use atlas_runtime::bytes::Bytes;
use atlas_runtime::client::Client;
use atlas_runtime::http::{HeaderMap, HeaderValue, StatusCode};
use atlas_runtime::{Credentials, SecurityScheme, TransportErrorKind};

const SECRET: &str = "s3cr3t-Zq9xVv";

/// Every way a value is commonly formatted into a log line.
fn assert_debug_hides(what: &str, value: &impl std::fmt::Debug) {
    for text in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!text.contains(SECRET), "{what} leaks the secret: {text}");
    }
}

fn assert_display_hides(what: &str, value: &impl std::fmt::Display) {
    let text = value.to_string();
    assert!(!text.contains(SECRET), "{what} leaks the secret: {text}");
}

#[test]
fn credentials_print_no_private_key_secret_or_token() {
    assert_debug_hides("an API key", &Credentials::api_key("public-key", SECRET));
    assert_debug_hides(
        "a service account",
        &Credentials::service_account("client-id", SECRET),
    );
    assert_debug_hides("a bearer token", &Credentials::bearer(SECRET));
    // The public half stays visible: it names the key in use.
    assert!(format!("{:?}", Credentials::api_key("public-key", SECRET)).contains("public-key"));
}

#[test]
fn credentials_read_from_the_environment_never_echo_a_value_in_errors() {
    let half =
        |name: &str| (name == atlas_runtime::auth::ENV_CLIENT_SECRET).then(|| SECRET.to_owned());
    let error = Credentials::from_lookup(half).expect_err("half a pair");
    assert_debug_hides("CredentialsError", &error);
    assert_display_hides("CredentialsError", &error);
    let full = |name: &str| {
        Some(if name.contains("SECRET") || name.contains("PRIVATE") {
            SECRET.to_owned()
        } else {
            format!("{name}-value")
        })
    };
    assert_debug_hides(
        "credentials from the environment",
        &Credentials::from_lookup(full).expect("a full pair"),
    );
}

#[test]
fn the_generated_client_reports_missing_credentials_as_a_credentials_error() {
    use atlas_runtime::auth::{
        ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_PRIVATE_API_KEY, ENV_PUBLIC_API_KEY,
    };
    use atlas_runtime::{BuildError, CredentialsError};
    // The test reads the real environment and never changes it: other tests in this
    // process may read it at the same time.
    let set: Vec<&str> = [
        ENV_CLIENT_ID,
        ENV_CLIENT_SECRET,
        ENV_PUBLIC_API_KEY,
        ENV_PRIVATE_API_KEY,
    ]
    .into_iter()
    .filter(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
    .collect();
    if !set.is_empty() {
        eprintln!("skipped: {} set in this environment", set.join(", "));
        return;
    }
    match atlas_admin::Client::from_env() {
        Err(BuildError::Credentials(CredentialsError::Missing)) => {}
        Err(other) => panic!("expected a credentials error, got {other:?}"),
        Ok(client) => panic!("expected a credentials error, got {client:?}"),
    }
    // Credentials that are there give a client; a build failure would be `Transport`.
    let built: Result<atlas_admin::Client, BuildError> =
        atlas_admin::Client::with_credentials(Credentials::api_key("public-key", SECRET));
    assert!(built.is_ok(), "{built:?}");
}

#[test]
fn authenticators_print_no_secret() {
    assert_debug_hides("DigestAuth", &DigestAuth::new("public-key", SECRET));
    assert_debug_hides("BearerToken", &BearerToken::new(SECRET));
    let oauth = ServiceAccountAuth::new(
        "https://cloud.mongodb.com/api/oauth/token",
        "client-id",
        SECRET,
    )
    .expect("builds");
    assert_debug_hides("ServiceAccountAuth", &oauth);
}

#[test]
fn client_builders_and_clients_print_no_credential_or_header_value() {
    let builders = [
        Client::builder().credentials(Credentials::api_key("public-key", SECRET)),
        Client::builder().credentials(Credentials::service_account("client-id", SECRET)),
        Client::builder().credentials(Credentials::bearer(SECRET)),
        Client::builder().authenticate(BearerToken::new(SECRET)),
    ];
    for builder in builders {
        let builder = builder
            .security_schemes(atlas_admin::SECURITY_SCHEMES)
            .with_header("Authorization", format!("Bearer {SECRET}"))
            .with_header("X-Api-Key", SECRET);
        assert_debug_hides("ClientBuilder", &builder);
        match builder.build() {
            Ok(client) => {
                assert_debug_hides("Client", &client);
                assert_debug_hides(
                    "the generated Client",
                    &atlas_admin::Client::from_runtime(client),
                );
            }
            Err(error) => {
                assert_debug_hides("a build error", &error);
                assert_display_hides("a build error", &error);
            }
        }
    }
}

#[test]
fn a_credential_that_fits_no_scheme_is_refused_without_showing_it() {
    static DIGEST_ONLY: [SecurityScheme; 1] = [SecurityScheme::HttpDigest];
    let error = Client::builder()
        .security_schemes(&DIGEST_ONLY)
        .credentials(Credentials::bearer(SECRET))
        .build()
        .expect_err("no bearer scheme");
    assert_eq!(error.kind(), TransportErrorKind::Config);
    assert_debug_hides("TransportError", &error);
    assert_display_hides("TransportError", &error);
}

#[test]
fn a_token_that_cannot_be_a_header_fails_without_showing_it() {
    use atlas_runtime::client::Authenticate;
    let token = format!("{SECRET}\r\nX-Injected: 1");
    let mut request = atlas_runtime::http::Request::new(Vec::new());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let error = runtime
        .block_on(BearerToken::new(token).authorize(&mut request))
        .expect_err("CR/LF refused");
    assert_debug_hides("TransportError", &error);
    assert_display_hides("TransportError", &error);
}

fn credential_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    for name in [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "www-authenticate",
    ] {
        headers.insert(
            name,
            HeaderValue::from_str(&format!("Bearer {SECRET}")).expect("a header value"),
        );
    }
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

#[test]
fn api_errors_redact_credential_headers() {
    let body: ApiError =
        serde_json::from_value(serde_json::json!({"error": 401, "errorCode": "UNAUTHORIZED"}))
            .expect("an ApiError");
    let errors: Vec<Error<ApiError>> = vec![
        Error::Api {
            status: StatusCode::UNAUTHORIZED,
            body: Box::new(body),
            headers: Box::new(credential_headers()),
        },
        Error::UnexpectedStatus {
            status: StatusCode::IM_A_TEAPOT,
            headers: Box::new(credential_headers()),
            body: Bytes::from_static(b"tea"),
        },
    ];
    for error in &errors {
        assert_debug_hides("Error", error);
        assert_display_hides("Error", error);
    }
    // Redacted, not dropped: the header names still show what was there.
    assert!(format!("{:?}", errors[0]).contains("authorization"));
}

fn delivery_json() -> serde_json::Value {
    serde_json::json!({
        "methodName": "HTTP",
        "authHeader": "X-Download-Key",
        "authValue": SECRET,
        "url": format!("https://restore.example.com/dl?key={SECRET}"),
        "urlV2": "https://restore.example.com/dl",
    })
}

#[test]
fn models_redact_the_download_credential_and_the_url_that_embeds_it() {
    let delivery: BackupRestoreJobDelivery =
        serde_json::from_value(delivery_json()).expect("decodes");
    assert_debug_hides("BackupRestoreJobDelivery", &delivery);
    let job: BackupRestoreJob =
        serde_json::from_value(serde_json::json!({"delivery": delivery_json()})).expect("decodes");
    assert_debug_hides("BackupRestoreJob", &job);
    assert_debug_hides(
        "Result<BackupRestoreJob, _>",
        &Ok::<_, Error<ApiError>>(job.clone()),
    );
    // Redaction is for humans only: the values are kept and re-encoded.
    let encoded = serde_json::to_string(&job).expect("encodes");
    assert!(encoded.contains(SECRET));
}

#[test]
fn a_response_that_failed_to_decode_does_not_show_a_credential_it_carried() {
    // A job the model cannot read (a field of the wrong type) still carries
    // `authValue` and a pre-signed URL; the error keeps the bytes, and its
    // Debug shows the first 512 of them with credentials redacted.
    let mut json = serde_json::json!({"delivery": delivery_json()});
    json["encryptionEnabled"] = serde_json::json!("not a boolean");
    let body = Bytes::from(serde_json::to_vec(&json).expect("encodes"));
    let error = Error::<ApiError>::Undecodable {
        status: StatusCode::OK,
        content_type: Some("application/json".to_owned()),
        body: body.clone(),
        source: serde_json::from_slice::<BackupRestoreJob>(&body).expect_err("undecodable"),
    };
    assert_display_hides("Error::Undecodable", &error);
    assert_debug_hides("Error::Undecodable", &error);
    // The preview still shows what failed, and the bytes are kept whole.
    assert!(format!("{error:?}").contains("not a boolean"), "{error:?}");
    let Error::Undecodable { body: kept, .. } = &error else {
        unreachable!()
    };
    assert_eq!(kept, &body);
}

#[test]
fn a_response_that_failed_to_decode_shows_only_its_size_in_display() {
    let body = Bytes::from(format!(
        r#"{{"delivery": {{"methodName": "HTTP", "authValue": "{SECRET}"}}, "encryptionEnabled": 1}}"#
    ));
    let error = Error::<ApiError>::Undecodable {
        status: StatusCode::OK,
        content_type: None,
        body: body.clone(),
        source: serde_json::from_slice::<BackupRestoreJob>(&body).expect_err("undecodable"),
    };
    assert_display_hides("Error::Undecodable", &error);
    let unexpected = Error::<ApiError>::UnexpectedStatus {
        status: StatusCode::IM_A_TEAPOT,
        headers: Box::new(HeaderMap::new()),
        body,
    };
    assert_display_hides("Error::UnexpectedStatus", &unexpected);
}

#[test]
fn models_and_error_previews_treat_the_same_property_names_as_secrets() {
    let names = [
        "authValue",
        "password",
        "clientSecret",
        "access_token",
        "privateKey",
        "apiKey",
        "awsSecretAccessKey",
        "signature",
        "credentials",
        "tokenType",
        "secretId",
        "apiKeyName",
        "username",
        "url",
        "tokenExpiresAt",
        "groupId",
        "description",
    ];
    for name in names {
        assert_eq!(
            atlasgen::is_secret_name(name),
            atlas_runtime::redact::is_secret_key(name),
            "the generator and the runtime disagree on `{name}`"
        );
    }
}
