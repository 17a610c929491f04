//! Pagination (`tests/corpus/pagination/`): a list operation with `pageNum`
//! and `itemsPerPage` whose body has `results` and `totalCount` gets a
//! `..._pages` stream on the client. Against a server on 127.0.0.1 it walks
//! page after page, lazily, and stops at `totalCount`, at an empty page, or
//! after an error.

use std::future::poll_fn;
use std::pin::pin;
use std::time::Duration;

use atlas_runtime::paginate::Stream;
use atlasgen_corpus::{base_url, path_and_query};
use corpus_pagination::{Book, CatalogError, Client, Error, ListShelfBooks};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Bounds every exchange and every walk, so a hung server fails the test.
const TIMEOUT: Duration = Duration::from_secs(5);
/// No walk in these tests needs more polls than this.
const MAX_POLLS: usize = 10;

const SHELF_PATH: &str = "/shelves/sci-fi/books";

fn book(n: u32) -> Value {
    json!({"isbn": format!("978-0-00-00000{n}-0"), "title": format!("Volume {n}")})
}

fn page(books: &[u32], total: Option<u32>) -> ResponseTemplate {
    let mut body = json!({"results": books.iter().map(|n| book(*n)).collect::<Vec<_>>()});
    if let Some(total) = total {
        body["totalCount"] = json!(total);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// Serves `response` for page `number` of the shelf, `expected` times.
async fn serve_page(
    server: &MockServer,
    number: &str,
    response: ResponseTemplate,
    expected: impl Into<wiremock::Times>,
) {
    Mock::given(method("GET"))
        .and(path(SHELF_PATH))
        .and(query_param("pageNum", number))
        .respond_with(response)
        .expect(expected)
        .mount(server)
        .await;
}

/// A fresh server on 127.0.0.1, stopped (and its expectations checked)
/// when the test drops it.
async fn start_server() -> MockServer {
    MockServer::builder().start().await
}

fn client_for(server: &MockServer) -> Client {
    let runtime = atlas_runtime::client::Client::builder()
        .base_url(atlas_runtime::BaseUrl::parse(&server.uri()).expect("a base URL"))
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT)
        .no_retries()
        .build()
        .expect("the client builds");
    Client::from_runtime(runtime)
}

/// Polls `stream` to its end (at most `MAX_POLLS` items, within `TIMEOUT`).
async fn collect<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = pin!(stream);
    let walk = async {
        let mut items = Vec::new();
        for _ in 0..MAX_POLLS {
            match poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
                Some(item) => items.push(item),
                None => return items,
            }
        }
        panic!("the walk did not end within {MAX_POLLS} pages");
    };
    tokio::time::timeout(TIMEOUT, walk)
        .await
        .expect("the walk ends in time")
}

fn titles(page: &Result<Vec<Book>, Error<CatalogError>>) -> Vec<String> {
    match page {
        Ok(books) => books.iter().map(|b| b.title.clone()).collect(),
        Err(error) => panic!("{error:?}"),
    }
}

/// The value of query parameter `key` in every request the server
/// received, in order.
async fn asked(server: &MockServer, key: &str) -> Vec<String> {
    let requests = server.received_requests().await.expect("recording is on");
    requests
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

async fn pages_asked(server: &MockServer) -> Vec<String> {
    asked(server, "pageNum").await
}

#[test]
fn the_list_request_carries_page_and_page_size_in_the_query() {
    let request = ListShelfBooks::new("sci-fi".to_owned())
        .page_num(3)
        .items_per_page(50)
        .to_request(&base_url())
        .expect("the request builds");
    assert_eq!(
        path_and_query(&request),
        "/shelves/sci-fi/books?pageNum=3&itemsPerPage=50"
    );
}

#[tokio::test]
async fn the_walk_fetches_page_after_page_and_stops_at_total_count() {
    let server = start_server().await;
    serve_page(&server, "1", page(&[1, 2], Some(5)), 1).await;
    serve_page(&server, "2", page(&[3, 4], Some(5)), 1).await;
    serve_page(&server, "3", page(&[5], Some(5)), 1).await;
    // Past the total: never asked for.
    serve_page(&server, "4", page(&[6], Some(5)), 0).await;
    let client = client_for(&server);
    let request = ListShelfBooks::new("sci-fi".to_owned()).items_per_page(2);
    let pages = collect(client.list_shelf_books_pages(&request)).await;
    let titles: Vec<Vec<String>> = pages.iter().map(titles).collect();
    assert_eq!(
        titles,
        [
            vec!["Volume 1", "Volume 2"],
            vec!["Volume 3", "Volume 4"],
            vec!["Volume 5"]
        ]
    );
    assert_eq!(pages_asked(&server).await, ["1", "2", "3"]);
    assert_eq!(asked(&server, "itemsPerPage").await, ["2", "2", "2"]);
}

#[tokio::test]
async fn the_walk_starts_at_the_requests_page() {
    let server = start_server().await;
    serve_page(&server, "1", page(&[1, 2], Some(4)), 0).await;
    serve_page(&server, "2", page(&[3, 4], Some(4)), 1).await;
    // Whether page 3 is asked for: see the ignored test below.
    serve_page(&server, "3", page(&[], Some(4)), 0..=1).await;
    let client = client_for(&server);
    let request = ListShelfBooks::new("sci-fi".to_owned())
        .page_num(2)
        .items_per_page(2);
    let pages = collect(client.list_shelf_books_pages(&request)).await;
    assert_eq!(
        pages.iter().map(titles).collect::<Vec<_>>(),
        [vec!["Volume 3", "Volume 4"]]
    );
    assert_eq!(
        pages_asked(&server).await.first().map(String::as_str),
        Some("2")
    );
}

#[tokio::test]
#[ignore = "runtime paginate: a walk started at page N counts only the items it saw itself against totalCount, so it asks for one page past the end (here page 3) before an empty page stops it"]
async fn a_walk_started_past_page_one_still_stops_at_total_count() {
    let server = start_server().await;
    serve_page(&server, "2", page(&[3, 4], Some(4)), 1).await;
    serve_page(&server, "3", page(&[], Some(4)), 0).await;
    let client = client_for(&server);
    let request = ListShelfBooks::new("sci-fi".to_owned())
        .page_num(2)
        .items_per_page(2);
    collect(client.list_shelf_books_pages(&request)).await;
    assert_eq!(pages_asked(&server).await, ["2"]);
}

#[tokio::test]
async fn without_a_total_the_walk_stops_at_the_first_empty_page() {
    let server = start_server().await;
    serve_page(&server, "1", page(&[1, 2], None), 1).await;
    serve_page(&server, "2", page(&[3], None), 1).await;
    serve_page(&server, "3", page(&[], None), 1).await;
    serve_page(&server, "4", page(&[4], None), 0).await;
    let client = client_for(&server);
    let pages =
        collect(client.list_shelf_books_pages(&ListShelfBooks::new("sci-fi".to_owned()))).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages_asked(&server).await, ["1", "2", "3"]);
}

#[tokio::test]
async fn an_error_page_is_yielded_once_and_ends_the_walk() {
    let server = start_server().await;
    serve_page(&server, "1", page(&[1, 2], Some(6)), 1).await;
    serve_page(
        &server,
        "2",
        ResponseTemplate::new(404).set_body_json(json!({"reason": "shelf sci-fi was archived"})),
        1,
    )
    .await;
    serve_page(&server, "3", page(&[5, 6], Some(6)), 0).await;
    let client = client_for(&server);
    let pages =
        collect(client.list_shelf_books_pages(&ListShelfBooks::new("sci-fi".to_owned()))).await;
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(titles(&pages[0]), ["Volume 1", "Volume 2"]);
    match &pages[1] {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(*status, 404);
            assert_eq!(body.reason, "shelf sci-fi was archived");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_walk_is_lazy_and_dropping_it_fetches_no_more() {
    let server = start_server().await;
    serve_page(&server, "1", page(&[1, 2], Some(100)), 1).await;
    serve_page(&server, "2", page(&[3, 4], Some(100)), 0).await;
    let client = client_for(&server);
    let request = ListShelfBooks::new("sci-fi".to_owned());
    {
        let mut stream = pin!(client.list_shelf_books_pages(&request));
        assert!(
            pages_asked(&server).await.is_empty(),
            "fetched before being polled"
        );
        let first = tokio::time::timeout(TIMEOUT, poll_fn(|cx| stream.as_mut().poll_next(cx)))
            .await
            .expect("the first page comes in time")
            .expect("a first page");
        assert_eq!(titles(&first), ["Volume 1", "Volume 2"]);
    }
    assert_eq!(pages_asked(&server).await, ["1"]);
}
