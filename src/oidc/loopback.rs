//! The loopback receiver of RFC 8252: a tiny HTTP/1.1 server on 127.0.0.1
//! that waits for the browser to come back with the authorization code.
//!
//! It owns the socket, the request-head parsing and the pages the browser
//! shows. Judging a callback is the pure [`parse_callback`]. Only `std` is
//! used: one GET on one path does not justify an HTTP server crate.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::Error;
use crate::secret::Secret;
use crate::text::one_line;

/// Longest request head we read; a callback URL is a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request head. Browsers open
/// speculative connections that send nothing; they are dropped after this.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing the answer page may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Pause between polls of the non-blocking sockets.
const POLL: Duration = Duration::from_millis(25);
/// Open connections kept at once; the oldest is dropped beyond this.
const MAX_PENDING: usize = 16;

/// What the browser is shown after the login.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pages<'a> {
    /// `successful_redirect_url`: redirect here instead of the built-in page.
    pub success_redirect: Option<&'a str>,
    /// `failure_redirect_url`: redirect here when the provider refused.
    pub failure_redirect: Option<&'a str>,
}

/// The verdict on one request to the callback path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// The authorization code, with the right `state`: the login goes on.
    Code(Secret<String>),
    /// The provider answered `error=...` (with the right `state`): the login ends.
    Denied {
        /// `error`.
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// `iss` names another issuer (RFC 9207): the login ends.
    IssuerMismatch {
        /// The `iss` received.
        got: String,
    },
    /// No `iss`, from a provider that promised one (RFC 9207 §2.4): the login ends.
    IssuerMissing,
    /// `state` is missing or wrong: answer 400 and keep waiting for the real
    /// callback (a stale tab or a forged request must not end the login).
    WrongState,
    /// Not a usable callback (no parameters, no code, repeated parameters):
    /// answer 400 and keep waiting.
    Invalid {
        /// Why, for the 400 page (no request data in it).
        reason: &'static str,
    },
}

/// What the callback's `iss` parameter (RFC 9207) must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerCheck<'a> {
    /// The discovery document's `issuer`.
    pub expected: &'a str,
    /// The provider advertises `authorization_response_iss_parameter_supported`:
    /// a callback without `iss` is refused.
    pub required: bool,
}

/// Judge the query string of a callback request.
///
/// Order matters: `state` first, so that nothing from a request we did not
/// start can end the login; then `iss` (RFC 9207), which also guards error
/// responses; then `error`; then `code`.
pub fn parse_callback(
    query: &str,
    expected_state: &str,
    issuer: IssuerCheck<'_>,
) -> CallbackOutcome {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if pairs.is_empty() {
        return CallbackOutcome::Invalid {
            reason: "this is not a login callback",
        };
    }
    let one = |key: &str| -> Result<Option<String>, ()> {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone());
        let first = values.next();
        if values.next().is_some() {
            Err(())
        } else {
            Ok(first)
        }
    };
    let (Ok(state), Ok(iss), Ok(error), Ok(description), Ok(code)) = (
        one("state"),
        one("iss"),
        one("error"),
        one("error_description"),
        one("code"),
    ) else {
        return CallbackOutcome::Invalid {
            reason: "a parameter is repeated",
        };
    };
    if state.as_deref() != Some(expected_state) {
        return CallbackOutcome::WrongState;
    }
    match iss {
        Some(got) if got != issuer.expected => {
            return CallbackOutcome::IssuerMismatch {
                got: one_line(&got),
            };
        }
        None if issuer.required => return CallbackOutcome::IssuerMissing,
        _ => {}
    }
    if let Some(error) = error {
        // Shown on the terminal: no escape sequences from the network.
        return CallbackOutcome::Denied {
            error: one_line(&error),
            description: description.map(|d| one_line(&d)),
        };
    }
    match code {
        Some(code) if !code.is_empty() => CallbackOutcome::Code(Secret::new(code)),
        _ => CallbackOutcome::Invalid {
            reason: "the callback has no authorization code",
        },
    }
}

/// A bound loopback listener.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Listen on `127.0.0.1:port` (0 = a free port chosen by the OS).
    ///
    /// Only 127.0.0.1, never `localhost` or all interfaces: RFC 8252 §7.3
    /// and §8.3 recommend the IP literal, because `localhost` may resolve to
    /// `::1` first (the browser would then miss an IPv4-only listener) or be
    /// remapped by the hosts file, and binding to all interfaces would let
    /// other machines on the network hit the callback.
    pub fn bind(port: u16) -> Result<Self, Error> {
        let addr = format!("127.0.0.1:{port}");
        let fail = |source| Error::Listener {
            addr: addr.clone(),
            source,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(fail)?;
        listener.set_nonblocking(true).map_err(fail)?;
        let port = listener.local_addr().map_err(fail)?.port();
        log::debug!("loopback: listener bound on 127.0.0.1:{port}");
        Ok(Loopback { listener, port })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash: the Go tool sent
    /// exactly this, so existing client registrations keep matching. The
    /// browser requests `/` for it.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serve until a callback ends the login or `timeout` passes. Returns
    /// the authorization code.
    pub fn wait(
        &self,
        expected_state: &str,
        issuer: IssuerCheck<'_>,
        timeout: Duration,
        pages: &Pages<'_>,
    ) -> Result<Secret<String>, Error> {
        let start = Instant::now();
        let mut pending: Vec<Conn> = Vec::new();
        let mut wrong_state_seen = false;
        loop {
            let now = Instant::now();
            if now.duration_since(start) >= timeout {
                let redirect_uri = self.redirect_uri();
                return Err(if wrong_state_seen {
                    Error::StateMismatch {
                        redirect_uri,
                        waited: timeout,
                    }
                } else {
                    Error::CallbackTimeout {
                        redirect_uri,
                        waited: timeout,
                    }
                });
            }
            let mut busy = false;
            match self.listener.accept() {
                Ok((stream, _)) => {
                    busy = true;
                    if stream.set_nonblocking(true).is_ok() {
                        if pending.len() >= MAX_PENDING {
                            pending.remove(0);
                        }
                        pending.push(Conn {
                            stream,
                            head: Vec::new(),
                            since: now,
                        });
                    }
                }
                Err(e) if is_transient(&e) => {}
                Err(source) => {
                    return Err(Error::Listener {
                        addr: format!("127.0.0.1:{}", self.port),
                        source,
                    });
                }
            }
            let mut end: Option<Result<Secret<String>, Error>> = None;
            pending.retain_mut(|conn| {
                if end.is_some() {
                    return true;
                }
                match conn.poll(now) {
                    Poll::Waiting => true,
                    Poll::Drop => false,
                    Poll::Reply(answer) => {
                        conn.reply(&answer);
                        false
                    }
                    Poll::Head(head) => {
                        busy = true;
                        let (answer, verdict) = judge(&head, expected_state, issuer, pages);
                        conn.reply(&answer);
                        match verdict {
                            Verdict::Continue => {}
                            Verdict::WrongState => wrong_state_seen = true,
                            Verdict::End(result) => end = Some(result),
                        }
                        false
                    }
                }
            });
            if let Some(result) = end {
                return result;
            }
            if !busy {
                thread::sleep(POLL);
            }
        }
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock
            | ErrorKind::Interrupted
            | ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
    )
}

struct Conn {
    stream: TcpStream,
    head: Vec<u8>,
    since: Instant,
}

enum Poll {
    Waiting,
    Drop,
    Head(String),
    Reply(Answer),
}

impl Conn {
    fn poll(&mut self, now: Instant) -> Poll {
        let mut chunk = [0u8; 2048];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Poll::Drop,
                Ok(n) => {
                    self.head
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                    if let Some(end) = find_head_end(&self.head) {
                        let head =
                            String::from_utf8_lossy(self.head.get(..end).unwrap_or_default())
                                .into_owned();
                        return Poll::Head(head);
                    }
                    if self.head.len() > MAX_HEAD {
                        return Poll::Reply(Answer::page(
                            431,
                            "Request Header Fields Too Large",
                            "Request too large.",
                        ));
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => return Poll::Drop,
            }
        }
        if now.duration_since(self.since) > READ_TIMEOUT {
            Poll::Drop
        } else {
            Poll::Waiting
        }
    }

    fn reply(&mut self, answer: &Answer) {
        // Best effort: the browser may already have gone away.
        let _ = self.stream.set_nonblocking(false);
        let _ = self.stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = self.stream.write_all(answer.to_http().as_bytes());
        let _ = self.stream.flush();
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }
}

/// Where a request head ends (the blank line), shared with `crate::credserver`.
pub(crate) fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| buf.windows(2).position(|w| w == b"\n\n"))
}

enum Verdict {
    Continue,
    WrongState,
    End(Result<Secret<String>, Error>),
}

/// The answer and verdict for one request head.
fn judge(
    head: &str,
    expected_state: &str,
    issuer: IssuerCheck<'_>,
    pages: &Pages<'_>,
) -> (Answer, Verdict) {
    let mut parts = head
        .lines()
        .next()
        .unwrap_or_default()
        .split_ascii_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    if method != "GET" {
        return (
            Answer::page(405, "Method Not Allowed", "Only GET is served here.").allow_get(),
            Verdict::Continue,
        );
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    // The path only: the query holds the code and the state.
    log::debug!("loopback: callback received: {method} {path}");
    if path != "/" {
        return (
            Answer::page(404, "Not Found", "Not found."),
            Verdict::Continue,
        );
    }
    match parse_callback(query, expected_state, issuer) {
        CallbackOutcome::Code(code) => {
            let answer = match pages.success_redirect {
                Some(url) => Answer::redirect(url),
                None => Answer::page(
                    200,
                    "OK",
                    "Login successful. You can close this window and return to the terminal.",
                ),
            };
            (answer, Verdict::End(Ok(code)))
        }
        CallbackOutcome::Denied { error, description } => {
            let answer = failure(
                pages,
                &format!("Login failed: {}", description.as_deref().unwrap_or(&error)),
            );
            (
                answer,
                Verdict::End(Err(Error::AuthorizationDenied { error, description })),
            )
        }
        CallbackOutcome::IssuerMismatch { got } => {
            let answer = failure(
                pages,
                "Login failed: the answer came from an unexpected identity provider.",
            );
            let err = Error::IssuerMismatch {
                expected: issuer.expected.to_string(),
                got,
            };
            (answer, Verdict::End(Err(err)))
        }
        CallbackOutcome::IssuerMissing => {
            let answer = failure(
                pages,
                "Login failed: the answer did not say which identity provider sent it.",
            );
            let err = Error::IssuerMissing {
                expected: issuer.expected.to_string(),
            };
            (answer, Verdict::End(Err(err)))
        }
        CallbackOutcome::WrongState => (
            Answer::page(
                400,
                "Bad Request",
                "This callback does not belong to the login in progress (wrong state). \
                 Use the page the terminal opened most recently.",
            ),
            Verdict::WrongState,
        ),
        CallbackOutcome::Invalid { reason } => {
            (Answer::page(400, "Bad Request", reason), Verdict::Continue)
        }
    }
}

fn failure(pages: &Pages<'_>, message: &str) -> Answer {
    match pages.failure_redirect {
        Some(url) => Answer::redirect(url),
        None => Answer::page(
            400,
            "Bad Request",
            &format!("{message} You can close this window."),
        ),
    }
}

struct Answer {
    status: u16,
    reason: &'static str,
    location: Option<String>,
    allow_get: bool,
    body: String,
}

impl Answer {
    fn page(status: u16, reason: &'static str, message: &str) -> Self {
        let body = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>aws-cli-oidc</title></head>\
             <body><p>{}</p></body></html>\n",
            html_escape(message)
        );
        Answer {
            status,
            reason,
            location: None,
            allow_get: false,
            body,
        }
    }

    fn redirect(url: &str) -> Self {
        Answer {
            status: 302,
            reason: "Found",
            location: Some(url.to_string()),
            allow_get: false,
            body: String::new(),
        }
    }

    fn allow_get(mut self) -> Self {
        self.allow_get = true;
        self
    }

    fn to_http(&self) -> String {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        if let Some(loc) = &self.location {
            // A configured URL; strip line breaks so it cannot split the header.
            out.push_str(&format!("Location: {}\r\n", loc.replace(['\r', '\n'], "")));
        }
        if self.allow_get {
            out.push_str("Allow: GET\r\n");
        }
        out.push_str(&format!(
            "Content-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{}",
            self.body.len(),
            self.body
        ));
        out
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: IssuerCheck<'static> = IssuerCheck {
        expected: "https://idp.example",
        required: false,
    };

    #[test]
    fn good_state_and_code_is_success() {
        let out = parse_callback("code=abc&state=s1&iss=https%3A%2F%2Fidp.example", "s1", ISS);
        assert_eq!(out, CallbackOutcome::Code(Secret::new("abc".into())));
    }

    #[test]
    fn missing_iss_is_accepted() {
        assert_eq!(
            parse_callback("code=abc&state=s1", "s1", ISS),
            CallbackOutcome::Code(Secret::new("abc".into()))
        );
    }

    #[test]
    fn wrong_or_missing_state_keeps_waiting() {
        assert_eq!(
            parse_callback("code=abc&state=other", "s1", ISS),
            CallbackOutcome::WrongState
        );
        assert_eq!(
            parse_callback("code=abc", "s1", ISS),
            CallbackOutcome::WrongState
        );
    }

    #[test]
    fn forged_error_with_wrong_state_is_ignored() {
        assert_eq!(
            parse_callback("error=access_denied&state=bad", "s1", ISS),
            CallbackOutcome::WrongState
        );
    }

    #[test]
    fn error_with_good_state_ends_the_login() {
        let out = parse_callback(
            "error=access_denied&error_description=User+said+no&state=s1",
            "s1",
            ISS,
        );
        assert_eq!(
            out,
            CallbackOutcome::Denied {
                error: "access_denied".into(),
                description: Some("User said no".into())
            }
        );
    }

    #[test]
    fn missing_iss_is_refused_only_when_the_provider_promised_it() {
        let required = IssuerCheck {
            required: true,
            ..ISS
        };
        assert_eq!(
            parse_callback("code=abc&state=s1", "s1", required),
            CallbackOutcome::IssuerMissing
        );
        assert_eq!(
            parse_callback("error=access_denied&state=s1", "s1", required),
            CallbackOutcome::IssuerMissing
        );
        assert!(matches!(
            parse_callback(
                "code=abc&state=s1&iss=https%3A%2F%2Fidp.example",
                "s1",
                required
            ),
            CallbackOutcome::Code(_)
        ));
        assert!(matches!(
            parse_callback("code=abc&state=s1", "s1", ISS),
            CallbackOutcome::Code(_)
        ));
        // A forged request without our state still only keeps us waiting.
        assert_eq!(
            parse_callback("code=abc", "s1", required),
            CallbackOutcome::WrongState
        );
    }

    #[test]
    fn other_issuer_is_rejected_even_on_error_responses() {
        let out = parse_callback(
            "code=abc&state=s1&iss=https%3A%2F%2Fevil.example",
            "s1",
            ISS,
        );
        assert_eq!(
            out,
            CallbackOutcome::IssuerMismatch {
                got: "https://evil.example".into()
            }
        );
        let out = parse_callback("error=x&state=s1&iss=https%3A%2F%2Fevil.example", "s1", ISS);
        assert!(matches!(out, CallbackOutcome::IssuerMismatch { .. }));
    }

    #[test]
    fn empty_query_repeated_parameters_and_missing_code_are_invalid() {
        assert!(matches!(
            parse_callback("", "s1", ISS),
            CallbackOutcome::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("code=a&code=b&state=s1", "s1", ISS),
            CallbackOutcome::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("state=s1", "s1", ISS),
            CallbackOutcome::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("state=s1&code=", "s1", ISS),
            CallbackOutcome::Invalid { .. }
        ));
    }

    #[test]
    fn redirect_uri_is_ip_literal_without_trailing_slash() {
        let lb = Loopback::bind(0).unwrap();
        assert_ne!(lb.port(), 0);
        assert_eq!(lb.redirect_uri(), format!("http://127.0.0.1:{}", lb.port()));
    }

    #[test]
    fn binding_a_taken_port_names_the_address() {
        let first = Loopback::bind(0).unwrap();
        let e = Loopback::bind(first.port()).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("127.0.0.1:{}", first.port())),
            "{e}"
        );
    }

    /// Send one raw request to the listener and return the whole answer.
    fn request(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    fn get(port: u16, target: &str) -> String {
        request(
            port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        )
    }

    /// Run `browser` on a thread against a fresh listener while `wait` runs.
    fn with_browser(
        pages: Pages<'static>,
        timeout: Duration,
        browser: impl FnOnce(u16) -> Vec<String> + Send + 'static,
    ) -> (Result<Secret<String>, Error>, Vec<String>) {
        let lb = Loopback::bind(0).unwrap();
        let port = lb.port();
        let handle = thread::spawn(move || browser(port));
        let result = lb.wait("s1", ISS, timeout, &pages);
        (result, handle.join().unwrap())
    }

    #[test]
    fn wait_ignores_favicon_and_wrong_state_then_returns_code() {
        let (result, answers) = with_browser(Pages::default(), Duration::from_secs(10), |port| {
            vec![
                get(port, "/favicon.ico"),
                get(port, "/?code=forged&state=nope"),
                request(
                    port,
                    &format!("POST /?code=x&state=s1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                ),
                get(port, "/?code=real&state=s1"),
            ]
        });
        assert_eq!(result.unwrap().expose(), "real");
        assert!(answers[0].starts_with("HTTP/1.1 404 "), "{}", answers[0]);
        assert!(answers[1].starts_with("HTTP/1.1 400 "), "{}", answers[1]);
        assert!(answers[2].starts_with("HTTP/1.1 405 "), "{}", answers[2]);
        assert!(
            answers[3].starts_with("HTTP/1.1 200 OK\r\n"),
            "{}",
            answers[3]
        );
        assert!(answers[3].contains("Cache-Control: no-store\r\n"));
        assert!(answers[3].contains("Connection: close\r\n"));
        assert!(answers[3].contains("You can close this window"));
    }

    #[test]
    fn idle_connection_does_not_block_the_callback() {
        let (result, _) = with_browser(Pages::default(), Duration::from_secs(10), |port| {
            let idle = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            let answer = get(port, "/?code=c&state=s1");
            drop(idle);
            vec![answer]
        });
        assert_eq!(result.unwrap().expose(), "c");
    }

    #[test]
    fn success_redirect_is_a_302() {
        let pages = Pages {
            success_redirect: Some("https://example.com/done"),
            failure_redirect: None,
        };
        let (result, answers) = with_browser(pages, Duration::from_secs(10), |port| {
            vec![get(port, "/?code=c&state=s1")]
        });
        assert!(result.is_ok());
        assert!(
            answers[0].starts_with("HTTP/1.1 302 Found\r\n"),
            "{}",
            answers[0]
        );
        assert!(answers[0].contains("Location: https://example.com/done\r\n"));
    }

    #[test]
    fn denial_ends_the_login_with_the_provider_message() {
        let pages = Pages {
            success_redirect: None,
            failure_redirect: Some("https://example.com/failed"),
        };
        let (result, answers) = with_browser(pages, Duration::from_secs(10), |port| {
            vec![get(
                port,
                "/?error=access_denied&error_description=nope&state=s1",
            )]
        });
        let e = result.unwrap_err();
        assert!(
            matches!(&e, Error::AuthorizationDenied { error, .. } if error == "access_denied"),
            "{e}"
        );
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(
            answers[0].contains("Location: https://example.com/failed\r\n"),
            "{}",
            answers[0]
        );
    }

    #[test]
    fn denial_page_escapes_the_description() {
        let (result, answers) = with_browser(Pages::default(), Duration::from_secs(10), |port| {
            vec![get(
                port,
                "/?error=x&error_description=%3Cscript%3E&state=s1",
            )]
        });
        assert!(result.is_err());
        assert!(
            answers[0].contains("&lt;script&gt;") && !answers[0].contains("<script>"),
            "{}",
            answers[0]
        );
    }

    #[test]
    fn timeout_names_the_redirect_uri() {
        let lb = Loopback::bind(0).unwrap();
        let e = lb
            .wait("s1", ISS, Duration::from_millis(150), &Pages::default())
            .unwrap_err();
        assert!(
            matches!(&e, Error::CallbackTimeout { redirect_uri, .. } if *redirect_uri == lb.redirect_uri()),
            "{e}"
        );
        assert!(e.to_string().contains(&lb.redirect_uri()), "{e}");
    }

    #[test]
    fn timeout_after_wrong_state_reports_state_mismatch() {
        let (result, _) = with_browser(Pages::default(), Duration::from_millis(800), |port| {
            vec![get(port, "/?code=c&state=bad")]
        });
        assert!(matches!(result, Err(Error::StateMismatch { .. })));
    }
}
