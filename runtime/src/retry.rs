//! Retries: the [`RetryPolicy`] seam the client asks after each attempt, what it is told
//! ([`Attempt`]), and two policies: [`NoRetry`] and [`ExponentialBackoff`] (the client's
//! default), with the `Retry-After` reading the latter relies on.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::Method;

use crate::error::TransportError;

/// Retry seam: decides whether and when to retry an attempt's outcome.
pub trait RetryPolicy: Send + Sync + 'static {
    /// After `attempt` ended with `outcome`, how long to wait before the next attempt;
    /// `None` stops and returns `outcome`.
    ///
    /// Whether a non-idempotent request (a `POST`) may be sent twice is for the policy to
    /// weigh (`attempt.method`): a timeout does not say whether the server acted on it.
    fn retry_after(
        &self,
        attempt: &Attempt<'_>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration>;
}

/// What a [`RetryPolicy`] is told of the attempt that just ended.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// The attempt's number, 1 for the first.
    pub number: u32,
    /// The request's method.
    pub method: &'a http::Method,
    /// The time since the first attempt began.
    pub elapsed: Duration,
}

impl<'a> Attempt<'a> {
    /// Attempt `number` of a `method` request, `elapsed` after the first began.
    pub fn new(number: u32, method: &'a http::Method, elapsed: Duration) -> Self {
        Self {
            number,
            method,
            elapsed,
        }
    }
}

/// The policy that never retries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn retry_after(
        &self,
        _attempt: &Attempt<'_>,
        _outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration> {
        None
    }
}

/// Retries idempotent requests (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`) that
/// may succeed when sent again:
///
/// - `429 Too Many Requests` and `503 Service Unavailable`: after the server's `Retry-After`
///   (seconds or an HTTP date), or the backoff delay when it sends none;
/// - `502` and `504`, and connect, timeout and connection failures: after an exponential
///   backoff delay with jitter (`initial_delay`, doubling per attempt up to `max_delay`,
///   each delay drawn between half and all of that);
/// - nothing else: other `4xx` and `5xx` answers, or a body over the size cap, are final.
///
/// At most `max_attempts` attempts in all, and no retry whose wait would end past
/// `max_elapsed` after the first attempt began (the overall deadline). Defaults: 4
/// attempts, 500 ms initial delay, 30 s longest delay, 60 s overall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExponentialBackoff {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
}

impl Default for ExponentialBackoff {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl ExponentialBackoff {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// The most attempts, the first included (at least 1; the client caps it at 10).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff delay before the second attempt; it doubles for each one after.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest backoff delay (a server's `Retry-After` may ask for longer, within the
    /// overall deadline).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The overall deadline: no retry is scheduled to start later than this after the
    /// first attempt began.
    pub fn max_elapsed(mut self, deadline: Duration) -> Self {
        self.max_elapsed = deadline;
        self
    }

    /// The backoff delay after attempt `number` (1 for the first), before jitter.
    fn backoff(&self, number: u32) -> Duration {
        let doublings = number.saturating_sub(1).min(31);
        self.initial_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }
}

/// Whether a request of `method` may be sent twice with the effect of once (RFC 9110
/// section 9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

impl RetryPolicy for ExponentialBackoff {
    fn retry_after(
        &self,
        attempt: &Attempt<'_>,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<Duration> {
        if !is_idempotent(attempt.method) || attempt.number >= self.max_attempts {
            return None;
        }
        let backoff = || with_jitter(self.backoff(attempt.number));
        let delay = match outcome {
            Ok(response) => match response.status().as_u16() {
                429 | 503 => {
                    retry_after(response.headers(), SystemTime::now()).unwrap_or_else(backoff)
                }
                502 | 504 => backoff(),
                _ => return None,
            },
            Err(error) if error.is_retryable() => backoff(),
            Err(_) => return None,
        };
        (attempt.elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }
}

/// How long a response's `Retry-After` asks to wait, read at `now`: delay-seconds, or an
/// HTTP date (a date already past means no wait). `None` if absent or unreadable.
pub fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // A number too large for u64 seconds is as good as forever.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `delay` scaled by a random factor between 1/2 and 1, so clients that failed together
/// do not all come back at once.
fn with_jitter(delay: Duration) -> Duration {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // 53 random bits as a fraction in [0, 1).
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    delay.mul_f64(0.5 + fraction / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;
    use http::{HeaderValue, StatusCode};

    fn response(status: u16, retry_after: Option<&'static str>) -> http::Response<Bytes> {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        if let Some(value) = retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(value));
        }
        response
    }

    fn attempt(number: u32, method: &Method) -> Attempt<'_> {
        Attempt::new(number, method, Duration::ZERO)
    }

    fn transport(kind: TransportErrorKind) -> Result<http::Response<Bytes>, TransportError> {
        Err(TransportError::new(kind, "", None))
    }

    #[test]
    fn no_retry_never_retries() {
        let outcome = Err(TransportError::new(TransportErrorKind::Timeout, "", None));
        let attempt = Attempt::new(1, &http::Method::GET, Duration::ZERO);
        assert_eq!(NoRetry.retry_after(&attempt, &outcome), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let headers = |value: &'static str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            headers
        };
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:40 GMT"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&http::HeaderMap::new(), now), None);
    }

    #[test]
    fn rate_limits_and_unavailability_wait_as_long_as_the_server_asks() {
        let policy = ExponentialBackoff::default();
        for status in [429, 503] {
            assert_eq!(
                policy.retry_after(&attempt(1, &Method::GET), &Ok(response(status, Some("2")))),
                Some(Duration::from_secs(2)),
                "{status}"
            );
        }
    }

    #[test]
    fn gateway_errors_and_connection_failures_back_off_exponentially_with_jitter() {
        let policy = ExponentialBackoff::default()
            .initial_delay(Duration::from_millis(100))
            .max_attempts(10)
            .max_delay(Duration::from_millis(350));
        for (number, full) in [(1, 100), (2, 200), (3, 350), (4, 350)] {
            for outcome in [
                Ok(response(502, None)),
                Ok(response(504, None)),
                Ok(response(429, None)),
                transport(TransportErrorKind::Connect),
                transport(TransportErrorKind::Timeout),
                transport(TransportErrorKind::Io),
            ] {
                let delay = policy
                    .retry_after(&attempt(number, &Method::GET), &outcome)
                    .unwrap();
                let full = Duration::from_millis(full);
                assert!(delay >= full / 2 && delay <= full, "{number}: {delay:?}");
            }
        }
    }

    #[test]
    fn other_statuses_and_failures_are_never_retried() {
        let policy = ExponentialBackoff::default();
        for status in [200, 400, 401, 403, 404, 409, 500, 501] {
            assert_eq!(
                policy.retry_after(&attempt(1, &Method::GET), &Ok(response(status, Some("1")))),
                None,
                "{status}"
            );
        }
        for kind in [
            TransportErrorKind::BodyTooLarge { limit: 1 },
            TransportErrorKind::Other,
            TransportErrorKind::Auth,
            TransportErrorKind::Config,
        ] {
            assert_eq!(
                policy.retry_after(&attempt(1, &Method::GET), &transport(kind)),
                None
            );
        }
    }

    #[test]
    fn only_idempotent_methods_are_retried() {
        let policy = ExponentialBackoff::default();
        let outcome = Ok(response(503, Some("0")));
        for method in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert_eq!(policy.retry_after(&attempt(1, &method), &outcome), None);
        }
        for method in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(policy.retry_after(&attempt(1, &method), &outcome).is_some());
        }
    }

    #[test]
    fn attempts_and_the_overall_deadline_are_bounded() {
        let policy = ExponentialBackoff::default()
            .max_attempts(3)
            .max_elapsed(Duration::from_secs(10));
        let outcome = Ok(response(503, Some("4")));
        assert!(policy
            .retry_after(&attempt(2, &Method::GET), &outcome)
            .is_some());
        assert_eq!(
            policy.retry_after(&attempt(3, &Method::GET), &outcome),
            None
        );
        let late = Attempt::new(1, &Method::GET, Duration::from_secs(7));
        assert_eq!(policy.retry_after(&late, &outcome), None);
        let in_time = Attempt::new(1, &Method::GET, Duration::from_secs(6));
        assert_eq!(
            policy.retry_after(&in_time, &outcome),
            Some(Duration::from_secs(4))
        );
        assert_eq!(ExponentialBackoff::new().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn backoff_does_not_overflow_on_many_attempts() {
        let policy = ExponentialBackoff::default();
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
    }
}
