//! When a request is tried again: the AWS SDKs' "standard" retry mode, in
//! one place.
//!
//! [`decide`] is the whole policy, a pure function of the fault, the
//! attempt, the time spent and a random number; [`Retrying`] wraps any
//! [`HttpClient`] and runs it with an injected clock, sleep and randomness,
//! so both are tested without waiting.
//!
//! - At most [`MAX_ATTEMPTS`] attempts. Before attempt *n + 1* it sleeps a
//!   random time in `[0, min(BASE × 2^(n-1), MAX_BACKOFF))` ("full jitter").
//! - Retried: HTTP 500, 502, 503, 504; a connection that failed, was reset
//!   or timed out; the STS error codes in [`RETRYABLE_CODES`] (a request's
//!   [`Request::error_code`] reads them from the body). HTTP 429 waits for
//!   `Retry-After` (seconds or an HTTP date) when it fits the budget.
//! - Not retried: every other 4xx and STS code (`AccessDenied`,
//!   `InvalidIdentityToken`, `ExpiredToken`...).
//! - A request that carries a single-use code ([`Replay::IfUnsent`]) is sent
//!   again only when it never reached the server.
//! - All attempts of one call fit in [`BUDGET`]: a retry whose wait would
//!   end past it is not made, and the last error is returned. A 429 whose
//!   `Retry-After` the budget cannot cover fails at once with
//!   [`Error::Throttled`], which names the server and the wait it asked for.

use std::time::{Duration, SystemTime};

use super::{Error, HttpClient, Request, Response};

/// Attempts in total, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// The first backoff's upper bound.
pub const BASE: Duration = Duration::from_secs(1);
/// No single backoff is longer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// Every attempt and wait of one call together.
pub const BUDGET: Duration = Duration::from_secs(10);

/// STS error codes worth another attempt (the SDKs' throttling and
/// transient codes; `IDPCommunicationError` is `AssumeRoleWithWebIdentity`'s
/// "STS could not reach your provider's keys").
pub const RETRYABLE_CODES: [&str; 6] = [
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "IDPCommunicationError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// Whether a request may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replay {
    /// Idempotent or harmless to repeat: discovery, refresh grants, STS.
    #[default]
    Safe,
    /// It carries a single-use code (authorization code, device code): sent
    /// again only when the first attempt never reached the server.
    IfUnsent,
    /// Never sent twice.
    Never,
}

/// How far a failed request got, as the transport saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The server never saw it: DNS, refused or timed-out connection.
    NotSent,
    /// Cut off after it may have reached the server: a reset or a timeout
    /// while sending or waiting.
    Interrupted,
    /// Not a passing fault (TLS trust, a malformed answer, a size limit).
    Failed,
}

/// What went wrong with one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The transport failed.
    Transport(Delivery),
    /// An answer with this status, the STS error code found in its body,
    /// and its `Retry-After`, if any.
    Status {
        /// HTTP status.
        status: u16,
        /// `ErrorResponse/Error/Code`, when the request reads one.
        code: Option<String>,
        /// `Retry-After`, as a wait from now.
        retry_after: Option<Duration>,
    },
}

impl Fault {
    /// The reason in words, for the `-v` log and the final error.
    pub fn describe(&self) -> String {
        match self {
            Fault::Transport(Delivery::NotSent) => "the connection failed".into(),
            Fault::Transport(Delivery::Interrupted) => {
                "the connection was reset or timed out".into()
            }
            Fault::Transport(Delivery::Failed) => "the request failed".into(),
            Fault::Status {
                status,
                code: Some(code),
                ..
            } => format!("HTTP {status} {code}"),
            Fault::Status { status, .. } => format!("HTTP {status}"),
        }
    }
}

/// The verdict after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return this attempt's result.
    GiveUp,
    /// The server throttles (429) and asked for this wait, which the budget
    /// cannot cover: fail now with [`Error::Throttled`].
    Throttled(Duration),
}

/// The policy (see the module docs). `attempt` is the number of the attempt
/// that just failed (1-based), `elapsed` the time since the first one
/// started, `random` a number in `[0, 1)`.
pub fn decide(
    replay: Replay,
    fault: &Fault,
    attempt: u32,
    elapsed: Duration,
    random: f64,
) -> Decision {
    if attempt >= MAX_ATTEMPTS {
        return Decision::GiveUp;
    }
    let retryable = match (replay, fault) {
        (Replay::Never, _) => false,
        (Replay::IfUnsent, Fault::Transport(d)) => *d == Delivery::NotSent,
        (Replay::IfUnsent, Fault::Status { .. }) => false,
        (Replay::Safe, Fault::Transport(d)) => *d != Delivery::Failed,
        (Replay::Safe, Fault::Status { status, code, .. }) => {
            matches!(status, 429 | 500 | 502 | 503 | 504)
                || code
                    .as_deref()
                    .is_some_and(|c| RETRYABLE_CODES.contains(&c))
        }
    };
    if !retryable {
        return Decision::GiveUp;
    }
    let wait = match fault {
        Fault::Status {
            retry_after: Some(after),
            ..
        } => *after,
        _ => {
            let exponent = attempt.saturating_sub(1).min(16);
            let cap = BASE.saturating_mul(1 << exponent).min(MAX_BACKOFF);
            cap.mul_f64(random.clamp(0.0, 1.0))
        }
    };
    if elapsed.saturating_add(wait) >= BUDGET {
        return match fault {
            Fault::Status {
                status: 429,
                retry_after: Some(after),
                ..
            } => Decision::Throttled(*after),
            _ => Decision::GiveUp,
        };
    }
    Decision::RetryAfter(wait)
}

/// `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date, as a
/// wait from `now`. A date in the past is no wait; nonsense is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, &format)
        .ok()?
        .assume_utc();
    // In `time`, not `SystemTime`: a date before 1601 cannot be a Windows
    // SystemTime, and a past date means "now".
    let wait = at - time::OffsetDateTime::from(now);
    Some(Duration::try_from(wait).unwrap_or_default())
}

/// The fault in `result`, or `None` when it is a success to return.
pub fn fault_of(req: &Request, result: &Result<Response, Error>, now: SystemTime) -> Option<Fault> {
    match result {
        Err(Error::Transport { delivery, .. }) => Some(Fault::Transport(*delivery)),
        Err(_) => Some(Fault::Transport(Delivery::Failed)),
        Ok(resp) if (200..400).contains(&resp.status) => None,
        Ok(resp) => Some(Fault::Status {
            status: resp.status,
            code: req.error_code.and_then(|read| read(resp)),
            retry_after: resp
                .retry_after
                .as_deref()
                .and_then(|v| parse_retry_after(v, now)),
        }),
    }
}

/// The effects retries need, injected so tests need not wait.
pub struct RetryEffects {
    /// The current time (for the budget and `Retry-After` dates).
    pub now: fn() -> SystemTime,
    /// Wait.
    pub sleep: fn(Duration),
    /// A number in `[0, 1)` from the OS's random source.
    pub random: fn() -> f64,
}

impl RetryEffects {
    /// The real clock, sleep and OS randomness.
    pub fn real() -> RetryEffects {
        RetryEffects {
            now: SystemTime::now,
            sleep: std::thread::sleep,
            random: os_random,
        }
    }
}

/// A number in `[0, 1)` from getrandom; 1.0 (the longest wait) if the OS
/// source fails, which only slows a retry (or a `refresh --jitter`) down.
pub fn os_random() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0,
    }
}

/// `url` without its query and fragment, for messages.
fn shown_url(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or_default()
}

/// An [`HttpClient`] that retries by [`decide`].
pub struct Retrying<C> {
    inner: C,
    fx: RetryEffects,
}

impl<C: HttpClient> Retrying<C> {
    /// Wrap `inner`.
    pub fn new(inner: C, fx: RetryEffects) -> Self {
        Retrying { inner, fx }
    }

    /// The wrapped client.
    pub fn inner(&self) -> &C {
        &self.inner
    }
}

impl<C: HttpClient> HttpClient for Retrying<C> {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        let started = (self.fx.now)();
        let mut attempt = 1;
        loop {
            let result = self.inner.send(req);
            let now = (self.fx.now)();
            let Some(fault) = fault_of(req, &result, now) else {
                return result;
            };
            let elapsed = now.duration_since(started).unwrap_or_default();
            let random = (self.fx.random)();
            match decide(req.replay, &fault, attempt, elapsed, random) {
                Decision::GiveUp => return result,
                Decision::Throttled(wait) => {
                    return Err(Error::Throttled {
                        url: shown_url(&req.url).to_string(),
                        wait,
                    });
                }
                Decision::RetryAfter(wait) => {
                    log::debug!(
                        "retry: {}: {}; attempt {} of {MAX_ATTEMPTS} in {} ms",
                        shown_url(&req.url),
                        fault.describe(),
                        attempt + 1,
                        wait.as_millis()
                    );
                    (self.fx.sleep)(wait);
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    fn status(status: u16, code: Option<&str>) -> Fault {
        Fault::Status {
            status,
            code: code.map(str::to_string),
            retry_after: None,
        }
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn what_is_retried_follows_the_sdk_standard_mode() {
        let retried = |replay, fault: Fault| {
            matches!(
                decide(replay, &fault, 1, Duration::ZERO, 0.5),
                Decision::RetryAfter(_)
            )
        };
        use Replay::*;
        for s in [500, 502, 503, 504, 429] {
            assert!(retried(Safe, status(s, None)), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 501, 505] {
            assert!(!retried(Safe, status(s, None)), "{s}");
        }
        for code in RETRYABLE_CODES {
            assert!(retried(Safe, status(400, Some(code))), "{code}");
        }
        for code in [
            "AccessDenied",
            "InvalidIdentityToken",
            "ExpiredToken",
            "ValidationError",
        ] {
            assert!(!retried(Safe, status(400, Some(code))), "{code}");
        }
        assert!(retried(Safe, Fault::Transport(Delivery::NotSent)));
        assert!(retried(Safe, Fault::Transport(Delivery::Interrupted)));
        assert!(!retried(Safe, Fault::Transport(Delivery::Failed)));
        // Single-use codes: only when the server never saw them.
        assert!(retried(IfUnsent, Fault::Transport(Delivery::NotSent)));
        assert!(!retried(IfUnsent, Fault::Transport(Delivery::Interrupted)));
        assert!(!retried(IfUnsent, status(503, None)));
        assert!(!retried(Never, Fault::Transport(Delivery::NotSent)));
    }

    #[test]
    fn backoff_is_full_jitter_exponential_and_bounded() {
        let fault = status(503, None);
        let wait = |attempt, random| decide(Replay::Safe, &fault, attempt, Duration::ZERO, random);
        assert_eq!(wait(1, 0.0), Decision::RetryAfter(Duration::ZERO));
        assert_eq!(wait(1, 0.5), Decision::RetryAfter(MS(500)));
        assert_eq!(wait(2, 0.5), Decision::RetryAfter(MS(1000)));
        assert_eq!(wait(2, 0.999), Decision::RetryAfter(MS(1998)));
        assert_eq!(wait(3, 0.0), Decision::GiveUp, "three attempts at most");
        // The budget: no wait may end past it.
        assert_eq!(
            decide(Replay::Safe, &fault, 1, MS(9_800), 0.5),
            Decision::GiveUp
        );
        assert_eq!(
            decide(Replay::Safe, &fault, 1, MS(9_000), 0.5),
            Decision::RetryAfter(MS(500))
        );
    }

    #[test]
    fn retry_after_is_honoured_within_the_budget_only() {
        let after = |secs| Fault::Status {
            status: 429,
            code: None,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide(Replay::Safe, &after(3), 1, Duration::ZERO, 0.0),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            decide(Replay::Safe, &after(30), 1, Duration::ZERO, 0.0),
            Decision::Throttled(Duration::from_secs(30)),
            "a wait the budget cannot cover fails at once"
        );
        assert_eq!(
            decide(Replay::Safe, &after(3), 1, MS(8_000), 0.0),
            Decision::Throttled(Duration::from_secs(3)),
            "what is left of the budget counts"
        );
        assert_eq!(
            decide(Replay::Safe, &after(1), MAX_ATTEMPTS, Duration::ZERO, 0.0),
            Decision::GiveUp,
            "the last attempt's 429 is returned as it is"
        );
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    thread_local! {
        static CLOCK: Cell<Duration> = const { Cell::new(Duration::ZERO) };
        static SLEPT: RefCell<Vec<Duration>> = const { RefCell::new(Vec::new()) };
    }

    fn fake_fx() -> RetryEffects {
        CLOCK.with(|c| c.set(Duration::ZERO));
        SLEPT.with(|s| s.borrow_mut().clear());
        RetryEffects {
            now: || SystemTime::UNIX_EPOCH + CLOCK.with(Cell::get),
            sleep: |d| {
                SLEPT.with(|s| s.borrow_mut().push(d));
                CLOCK.with(|c| c.set(c.get() + d));
            },
            random: || 0.5,
        }
    }

    use crate::http::fake::FakeHttp;

    /// Answers from a script, counting attempts.
    fn script(answers: Vec<Result<Response, Error>>) -> FakeHttp {
        FakeHttp::new(answers)
    }

    fn answer(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    fn transport(delivery: Delivery) -> Error {
        Error::Transport {
            url: "https://sts.example/".into(),
            message: "reset".into(),
            delivery,
        }
    }

    fn sts_code(resp: &Response) -> Option<String> {
        let text = String::from_utf8_lossy(&resp.body);
        Some(text.strip_prefix("code:")?.to_string())
    }

    #[test]
    fn two_faults_then_success_takes_three_attempts() {
        let script = script(vec![
            Ok(answer(503, "")),
            Err(transport(Delivery::Interrupted)),
            Ok(answer(200, "ok")),
        ]);
        let client = Retrying::new(script, fake_fx());
        let resp = client.send(&Request::get("https://idp.example/")).unwrap();
        assert_eq!(resp.body, b"ok");
        assert_eq!(client.inner().count(), 3);
        SLEPT.with(|s| assert_eq!(*s.borrow(), [MS(500), MS(1000)]));
    }

    #[test]
    fn sts_throttling_is_retried_and_access_denied_is_not() {
        let mut req = Request::get("https://sts.example/");
        req.error_code = Some(sts_code);
        let client = Retrying::new(
            script((0..3).map(|_| Ok(answer(400, "code:Throttling"))).collect()),
            fake_fx(),
        );
        assert_eq!(client.send(&req).unwrap().status, 400);
        assert_eq!(client.inner().count(), 3, "gives up after three");
        let client = Retrying::new(
            script(vec![Ok(answer(403, "code:AccessDenied"))]),
            fake_fx(),
        );
        assert_eq!(client.send(&req).unwrap().status, 403);
        assert_eq!(client.inner().count(), 1, "tried once");
    }

    #[test]
    fn a_retry_after_past_the_budget_fails_at_once_naming_url_and_wait() {
        let mut slow = answer(429, "slow down");
        slow.retry_after = Some("120".into());
        let client = Retrying::new(script(vec![Ok(slow)]), fake_fx());
        let err = client
            .send(&Request::get("https://idp.example/token?x=1"))
            .unwrap_err();
        assert_eq!(client.inner().count(), 1);
        SLEPT.with(|s| assert!(s.borrow().is_empty(), "no wait"));
        let text = err.to_string();
        assert!(
            text.contains("https://idp.example/token ")
                && !text.contains("x=1")
                && text.contains("asked to wait 120 s"),
            "{text}"
        );
    }

    #[test]
    fn a_sent_code_is_never_sent_again() {
        let mut req = Request::post_form("https://idp.example/token", [("code", "c")]);
        req.replay = Replay::IfUnsent;
        let client = Retrying::new(
            script(vec![
                Err(transport(Delivery::NotSent)),
                Err(transport(Delivery::Interrupted)),
            ]),
            fake_fx(),
        );
        assert!(client.send(&req).is_err());
        assert_eq!(client.inner().count(), 2);
    }
}
