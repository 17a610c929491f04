//! The generated command lines (feature `cli`) of corpus crates, run in process through
//! each crate's `cli::run` against a server on 127.0.0.1: `--all` walks every page of a
//! paged list, `--api-version` speaks a dated version (pinned on the request, or the
//! representation whose schemas differ), and `--file` bodies are validated by the request
//! type before anything is sent.

use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Bounds every run, so a hung server fails the test.
const TIMEOUT: Duration = Duration::from_secs(10);

struct Ran {
    code: u8,
    out: String,
    err: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.out)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?} / {:?}", self.out, self.err))
    }
}

macro_rules! run {
    ($krate:ident, $($arg:expr),* $(,)?) => {{
        let args: Vec<String> = vec![stringify!($krate).to_owned(), $($arg.to_string()),*];
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = tokio::time::timeout(TIMEOUT, $krate::cli::run(args, &mut out, &mut err))
            .await
            .expect("the command finishes in time");
        Ran {
            code,
            out: String::from_utf8_lossy(&out).into_owned(),
            err: String::from_utf8_lossy(&err).into_owned(),
        }
    }};
}

fn book(n: u32) -> Value {
    json!({"isbn": format!("978-0-00-00000{n}-0"), "title": format!("Volume {n}")})
}

#[tokio::test]
async fn all_walks_every_page_and_prints_the_items_as_one_list() {
    let server = MockServer::start().await;
    // Page 2 is fetched twice: by the walk, then alone.
    for (number, books, times) in [("1", vec![1, 2], 1), ("2", vec![3], 2)] {
        let body =
            json!({"results": books.iter().map(|n| book(*n)).collect::<Vec<_>>(), "totalCount": 3});
        Mock::given(method("GET"))
            .and(path("/shelves/sci-fi/books"))
            .and(query_param("pageNum", number))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(times)
            .mount(&server)
            .await;
    }
    let ran = run!(
        corpus_pagination,
        "--base-url",
        server.uri(),
        "untagged",
        "list-shelf-books",
        "--shelf-id",
        "sci-fi",
        "--all"
    );
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(ran.json(), json!([book(1), book(2), book(3)]));

    // Without --all: the one page asked for, as the API answers it.
    let one = run!(
        corpus_pagination,
        "--base-url",
        server.uri(),
        "untagged",
        "listShelfBooks",
        "--shelfId",
        "sci-fi",
        "--pageNum",
        2
    );
    assert_eq!(one.code, 0, "{}", one.err);
    assert_eq!(one.json()["results"], json!([book(3)]));
    // A page number that is not an integer is refused before sending.
    let bad = run!(
        corpus_pagination,
        "--base-url",
        server.uri(),
        "untagged",
        "list-shelf-books",
        "--shelf-id",
        "sci-fi",
        "--page-num",
        "two"
    );
    assert_eq!(bad.code, 2, "{}", bad.err);
    assert!(bad.err.contains("--page-num"), "{}", bad.err);
}

fn accept(r: &Request) -> String {
    r.headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn content_type(r: &Request) -> String {
    r.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn api_version_speaks_the_dated_version_asked_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cars/c1"))
        .respond_with(|r: &Request| {
            if accept(r).starts_with("application/vnd.garage.2023-01-01+json") {
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/vnd.garage.2023-01-01+json")
                    .set_body_json(json!({"model": "Ford Model T"}))
            } else {
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/vnd.garage.2024-06-01+json")
                    .set_body_json(json!({"make": "Ford", "model": "Model T", "seats": 2}))
            }
        })
        .mount(&server)
        .await;
    let newest = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "get-car",
        "--car-id",
        "c1"
    );
    assert_eq!(newest.code, 0, "{}", newest.err);
    assert_eq!(
        newest.json(),
        json!({"make": "Ford", "model": "Model T", "seats": 2})
    );

    // 2023's schema differs: the command sends the representation of that version.
    let old = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "get-car",
        "--car-id",
        "c1",
        "--api-version",
        "2023-01-01"
    );
    assert_eq!(old.code, 0, "{}", old.err);
    assert_eq!(old.json(), json!({"model": "Ford Model T"}));
    let received = server.received_requests().await.unwrap_or_default();
    assert!(accept(&received[0]).starts_with("application/vnd.garage.2024-06-01+json"));
    assert!(accept(&received[1]).starts_with("application/vnd.garage.2023-01-01+json"));

    // A date the operation does not speak is refused by clap, listing the dates.
    let unknown = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "get-car",
        "--car-id",
        "c1",
        "--api-version",
        "2022-01-01"
    );
    assert_eq!(unknown.code, 2);
    assert!(unknown.err.contains("2024-01-01"), "{}", unknown.err);
}

#[tokio::test]
async fn bodies_come_from_a_file_and_are_validated_by_the_request_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/cars/c1"))
        .respond_with(|r: &Request| {
            let version = if content_type(r).contains("2023-01-01") {
                "2023-01-01"
            } else {
                "2024-06-01"
            };
            ResponseTemplate::new(200)
                .insert_header(
                    "content-type",
                    format!("application/vnd.garage.{version}+json"),
                )
                .set_body_raw(
                    r.body.clone(),
                    &format!("application/vnd.garage.{version}+json"),
                )
        })
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("corpus-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: &Value| {
        let p = dir.join(name);
        std::fs::write(&p, body.to_string()).unwrap();
        p.display().to_string()
    };
    let v2 = write("v2.json", &json!({"make": "Ford", "model": "Model A"}));
    let v1 = write("v1.json", &json!({"model": "Ford Model A"}));
    let no_make = write("no-make.json", &json!({"model": "Model A"}));

    let put = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "put-car",
        "--car-id",
        "c1",
        "--file",
        v2
    );
    assert_eq!(put.code, 0, "{}", put.err);
    assert_eq!(put.json(), json!({"make": "Ford", "model": "Model A"}));

    let old = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "put-car",
        "--car-id",
        "c1",
        "--file",
        v1,
        "--api-version",
        "2023-01-01"
    );
    assert_eq!(old.code, 0, "{}", old.err);
    assert_eq!(old.json(), json!({"model": "Ford Model A"}));
    let sent = server.received_requests().await.unwrap_or_default().len();
    assert_eq!(sent, 2);

    // Refused before sending: a body the request type rejects, a missing body, a missing file.
    let invalid = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "put-car",
        "--car-id",
        "c1",
        "--file",
        no_make
    );
    assert_eq!(invalid.code, 2, "{}", invalid.err);
    assert!(invalid.err.contains("make"), "{}", invalid.err);
    let missing = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "put-car",
        "--car-id",
        "c1"
    );
    assert_eq!(missing.code, 2, "{}", missing.err);
    let absent = run!(
        corpus_versioned_schemas,
        "--base-url",
        server.uri(),
        "untagged",
        "put-car",
        "--car-id",
        "c1",
        "--file",
        dir.join("absent.json").display()
    );
    assert_eq!(absent.code, 2, "{}", absent.err);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        sent
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_pinned_operation_keeps_its_command_name_and_answers_to_its_operation_id_too() {
    // `listEntryRevisions` is pinned as `getEntryHistory`, as extract pins an operation
    // upstream renamed: scripts keep working, and the documentation's spelling works too.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/entries/e1/history"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"self": "e1"}])))
        .expect(3)
        .mount(&server)
        .await;
    for command in [
        "get-entry-history",
        "listEntryRevisions",
        "list-entry-revisions",
    ] {
        let ran = run!(
            corpus_names,
            "--base-url",
            server.uri(),
            "untagged",
            command,
            "--entry-id",
            "e1"
        );
        assert_eq!(ran.code, 0, "{command}: {}", ran.err);
        assert_eq!(ran.json(), json!([{"self": "e1"}]), "{command}");
    }
    let help = run!(corpus_names, "untagged", "--help");
    assert!(help.out.contains("get-entry-history"), "{}", help.out);
}
