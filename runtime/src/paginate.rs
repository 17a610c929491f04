//! Walking a paginated list operation (`pageNum`, `itemsPerPage`; responses
//! with `results` and `totalCount`) as a stream of pages.
//!
//! The stream is lazy and bounded: it fetches a page only when polled, stops
//! at an empty page, at `totalCount`, or after `max_pages`, and dropping it
//! cancels whatever request is in flight.

use std::future::Future;

pub use futures_core::Stream;

use crate::error::Error;

/// One page as the walker needs it: its items and the total, if reported.
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list holds, when the server says.
    pub total_count: Option<i64>,
}

/// The most pages one walk fetches unless told otherwise: 10,000 pages of
/// 500 items is more than any Atlas list holds.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Streams pages `first_page`, `first_page + 1`, ... fetched by `fetch`.
/// An error ends the stream after yielding it.
pub fn pages<T, E, F, Fut>(
    first_page: u32,
    max_pages: u32,
    fetch: F,
) -> impl Stream<Item = Result<Vec<T>, Error<E>>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error<E>>>,
{
    struct State<F> {
        fetch: F,
        next: u32,
        fetched_pages: u32,
        seen_items: u64,
        done: bool,
    }
    let state = State {
        fetch,
        next: first_page.max(1),
        fetched_pages: 0,
        seen_items: 0,
        done: false,
    };
    futures_util::stream::unfold(state, move |mut s| async move {
        if s.done || s.fetched_pages >= max_pages {
            return None;
        }
        let page = (s.fetch)(s.next).await;
        s.fetched_pages += 1;
        s.next = s.next.saturating_add(1);
        match page {
            Err(e) => {
                s.done = true;
                Some((Err(e), s))
            }
            Ok(page) if page.items.is_empty() => None,
            Ok(page) => {
                s.seen_items += page.items.len() as u64;
                if page
                    .total_count
                    .is_some_and(|t| s.seen_items >= u64::try_from(t).unwrap_or(0))
                {
                    s.done = true;
                }
                Some((Ok(page.items), s))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn collect<S: Stream + Unpin>(s: S) -> Vec<S::Item> {
        let rt = tokio::runtime::Builder::new_current_thread().build();
        match rt {
            Ok(rt) => rt.block_on(s.collect::<Vec<_>>()),
            Err(e) => panic!("no runtime: {e}"),
        }
    }

    #[test]
    fn pages_stop_at_the_total_count() {
        let calls = AtomicU32::new(0);
        let s = pages::<u32, (), _, _>(1, 100, |n| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page {
                    items: vec![n; 2],
                    total_count: Some(5),
                })
            }
        });
        let got: Vec<Vec<u32>> = collect(Box::pin(s))
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        assert_eq!(got, vec![vec![1, 1], vec![2, 2], vec![3, 3]]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn pages_stop_at_an_empty_page_without_a_total() {
        let s = pages::<u32, (), _, _>(1, 100, |n| async move {
            Ok(Page {
                items: if n < 3 { vec![n] } else { vec![] },
                total_count: None,
            })
        });
        assert_eq!(collect(Box::pin(s)).len(), 2);
    }

    #[test]
    fn pages_are_bounded_by_max_pages() {
        let s = pages::<u32, (), _, _>(1, 4, |n| async move {
            Ok(Page {
                items: vec![n],
                total_count: None,
            })
        });
        assert_eq!(collect(Box::pin(s)).len(), 4);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_walk() {
        let s = pages::<u32, (), _, _>(1, 100, |n| async move {
            if n == 2 {
                Err(Error::UnexpectedStatus {
                    status: http::StatusCode::BAD_GATEWAY,
                    headers: Box::new(http::HeaderMap::new()),
                    body: bytes::Bytes::new(),
                })
            } else {
                Ok(Page {
                    items: vec![n],
                    total_count: None,
                })
            }
        });
        let got = collect(Box::pin(s));
        assert_eq!(got.len(), 2);
        assert!(got[1].is_err());
    }
}
