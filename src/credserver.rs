//! The credential endpoint `exec` gives its child: the container-credentials
//! contract every AWS SDK reads (`AWS_CONTAINER_CREDENTIALS_FULL_URI` plus
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`), served on 127.0.0.1.
//!
//! This module owns the socket loop, the judgement of one request head
//! ([`judge`], pure) and the answers. Where the credentials come from is the
//! caller's closure: `exec` answers from memory and renews through the
//! session policy (cache, refresh token, login).
//!
//! Security, in the order [`judge`] applies it:
//! - only 127.0.0.1, on a port the OS picks;
//! - `Host` must name the loopback address, so a web page that rebinds its
//!   DNS name to 127.0.0.1 cannot read the answer (DNS-rebinding guard);
//! - GET only;
//! - the `Authorization` header must equal a 256-bit random token, compared
//!   in constant time;
//! - the head is at most [`MAX_HEAD`] bytes and must arrive within
//!   [`READ_TIMEOUT`]; one connection is served at a time, so a slow or
//!   idle client costs others at most that long.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// The path the endpoint serves.
pub const PATH: &str = "/credentials";
/// Longest request head read; an SDK sends a few hundred bytes.
pub const MAX_HEAD: usize = 8 * 1024;
/// How long a connection may take to send its head.
pub const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long writing the answer may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// Errors of the endpoint.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Binding 127.0.0.1 failed.
    #[error("cannot listen on 127.0.0.1 for the credential endpoint: {source}")]
    Bind {
        /// The cause.
        source: std::io::Error,
    },
    /// No random token could be drawn.
    #[error("cannot draw a random token for the credential endpoint: {reason}")]
    Random {
        /// The cause.
        reason: String,
    },
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Serve the credentials.
    Serve,
    /// Refuse with this status.
    Refuse(Refusal),
}

/// Why a request is refused; the status and the one-line body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No complete request line.
    Malformed,
    /// `Host` missing or not the loopback address.
    WrongHost,
    /// Not GET.
    WrongMethod,
    /// `Authorization` missing, repeated or wrong.
    Unauthorized,
    /// Another path.
    NotFound,
    /// The head is larger than [`MAX_HEAD`].
    TooLarge,
}

impl Refusal {
    /// Status code and reason phrase.
    pub fn status(self) -> (u16, &'static str) {
        match self {
            Refusal::Malformed => (400, "Bad Request"),
            Refusal::WrongHost => (403, "Forbidden"),
            Refusal::WrongMethod => (405, "Method Not Allowed"),
            Refusal::Unauthorized => (401, "Unauthorized"),
            Refusal::NotFound => (404, "Not Found"),
            Refusal::TooLarge => (431, "Request Header Fields Too Large"),
        }
    }

    fn message(self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed request",
            Refusal::WrongHost => "the Host header must be 127.0.0.1",
            Refusal::WrongMethod => "only GET is served",
            Refusal::Unauthorized => {
                "the Authorization header must carry AWS_CONTAINER_AUTHORIZATION_TOKEN"
            }
            Refusal::NotFound => "not found",
            Refusal::TooLarge => "request too large",
        }
    }
}

/// Judge one request head (request line and header lines, without the
/// blank line) for the endpoint on `port` with `token`.
pub fn judge(head: &str, port: u16, token: &str) -> Verdict {
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut request = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) = (
        request.next(),
        request.next(),
        request.next(),
        request.next(),
    ) else {
        return Verdict::Refuse(Refusal::Malformed);
    };
    if !version.starts_with("HTTP/1.") {
        return Verdict::Refuse(Refusal::Malformed);
    }
    let mut hosts = Vec::new();
    let mut auths = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Verdict::Refuse(Refusal::Malformed);
        };
        let value = value.trim_matches([' ', '\t']);
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value);
        } else if name.eq_ignore_ascii_case("authorization") {
            auths.push(value);
        }
    }
    match hosts.as_slice() {
        [host] if is_loopback_host(host, port) => {}
        _ => return Verdict::Refuse(Refusal::WrongHost),
    }
    if method != "GET" {
        return Verdict::Refuse(Refusal::WrongMethod);
    }
    match auths.as_slice() {
        [auth] if bool::from(auth.as_bytes().ct_eq(token.as_bytes())) => {}
        _ => return Verdict::Refuse(Refusal::Unauthorized),
    }
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    if path != PATH {
        return Verdict::Refuse(Refusal::NotFound);
    }
    Verdict::Serve
}

/// `127.0.0.1` or `localhost`, without a port or with ours.
fn is_loopback_host(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) => (name, Some(p)),
        None => (host, None),
    };
    let name_ok = name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost");
    let port_ok = host_port.is_none_or(|p| p.parse::<u16>() == Ok(port));
    name_ok && port_ok
}

/// A full HTTP/1.1 response with a JSON or text body; never cached.
pub fn response(status: u16, reason: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The listening endpoint.
pub struct Server {
    listener: TcpListener,
    port: u16,
    token: Secret<String>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("port", &self.port).finish()
    }
}

impl Server {
    /// Listen on 127.0.0.1 on a free port, with a fresh random token.
    pub fn bind() -> Result<Server, Error> {
        let token = crate::oidc::pkce::random_token(32).map_err(|e| Error::Random {
            reason: e.to_string(),
        })?;
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|source| Error::Bind { source })?;
        let port = listener
            .local_addr()
            .map_err(|source| Error::Bind { source })?
            .port();
        Ok(Server {
            listener,
            port,
            token: Secret::new(token),
        })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub fn full_uri(&self) -> String {
        format!("http://127.0.0.1:{}{PATH}", self.port)
    }

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub fn token(&self) -> &Secret<String> {
        &self.token
    }

    /// Serve until `stop` is set (then call [`Server::wake`]). `credentials`
    /// answers an authorised request: `Ok` with the JSON body, or `Err`
    /// with a message for the client (no secrets in it).
    pub fn serve(
        &self,
        stop: &AtomicBool,
        credentials: &mut dyn FnMut() -> Result<Secret<String>, String>,
    ) {
        for stream in self.listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok(mut stream) = stream else {
                // Out of descriptors or a reset: do not spin on it.
                std::thread::sleep(std::time::Duration::from_millis(50));
                continue;
            };
            let verdict = match read_head(&mut stream) {
                Ok(head) => judge(&head, self.port, self.token.expose()),
                Err(Some(refusal)) => Verdict::Refuse(refusal),
                Err(None) => continue,
            };
            let answer = match verdict {
                Verdict::Serve => match credentials() {
                    Ok(body) => response(200, "OK", "application/json", body.expose()),
                    Err(message) => response(
                        500,
                        "Internal Server Error",
                        "application/json",
                        &serde_json::json!({ "code": "CredentialsUnavailable", "message": message })
                            .to_string(),
                    ),
                },
                Verdict::Refuse(refusal) => {
                    let (status, reason) = refusal.status();
                    log::debug!("credential endpoint: refused a request: {status} {reason}");
                    let body = serde_json::json!({ "code": reason, "message": refusal.message() });
                    response(status, reason, "application/json", &body.to_string())
                }
            };
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let _ = stream.write_all(&answer);
            let _ = stream.flush();
        }
    }

    /// Unblock [`Server::serve`] after setting its `stop` flag.
    pub fn wake(port: u16) {
        let _ = TcpStream::connect_timeout(
            &(Ipv4Addr::LOCALHOST, port).into(),
            Duration::from_millis(500),
        );
    }
}

/// Read one request head within [`READ_TIMEOUT`] and [`MAX_HEAD`] bytes.
/// `Err(None)`: the client went away or was too slow; drop it silently.
fn read_head(stream: &mut TcpStream) -> Result<String, Option<Refusal>> {
    let started = Instant::now();
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let left = READ_TIMEOUT.saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(None);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(None),
            Ok(n) => head.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Err(None),
        }
        if let Some(end) = crate::oidc::loopback::find_head_end(&head) {
            let bytes = head.get(..end).unwrap_or_default();
            return std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| Some(Refusal::Malformed));
        }
        if head.len() > MAX_HEAD {
            return Err(Some(Refusal::TooLarge));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tok-0123456789abcdef";

    fn head(lines: &[&str]) -> String {
        lines.join("\r\n")
    }

    #[test]
    fn get_with_token_and_loopback_host_is_served() {
        let h = head(&[
            "GET /credentials HTTP/1.1",
            "Host: 127.0.0.1:4321",
            &format!("Authorization: {TOKEN}"),
            "Accept-Encoding: identity",
        ]);
        assert_eq!(judge(&h, 4321, TOKEN), Verdict::Serve);
        let h = head(&[
            "GET /credentials HTTP/1.1",
            "host: localhost",
            &format!("authorization:{TOKEN}"),
        ]);
        assert_eq!(judge(&h, 4321, TOKEN), Verdict::Serve);
    }

    #[test]
    fn missing_wrong_or_repeated_token_is_unauthorized() {
        let refused = Verdict::Refuse(Refusal::Unauthorized);
        let base = ["GET /credentials HTTP/1.1", "Host: 127.0.0.1:1"];
        assert_eq!(judge(&head(&base), 1, TOKEN), refused);
        let wrong = [base[0], base[1], "Authorization: tok-0123456789abcdeX"];
        assert_eq!(judge(&head(&wrong), 1, TOKEN), refused);
        let prefix = [base[0], base[1], "Authorization: tok"];
        assert_eq!(judge(&head(&prefix), 1, TOKEN), refused);
        let auth = format!("Authorization: {TOKEN}");
        let twice = [base[0], base[1], &auth, &auth];
        assert_eq!(judge(&head(&twice), 1, TOKEN), refused);
    }

    #[test]
    fn another_host_is_refused_before_the_token_is_looked_at() {
        let auth = format!("Authorization: {TOKEN}");
        for host in [
            "Host: evil.example",
            "Host: evil.example:1",
            "Host: 127.0.0.1:2",
            "Host: 127.0.0.1.nip.io:1",
            "Host: 10.0.0.1:1",
        ] {
            let h = head(&["GET /credentials HTTP/1.1", host, &auth]);
            assert_eq!(
                judge(&h, 1, TOKEN),
                Verdict::Refuse(Refusal::WrongHost),
                "{host}"
            );
        }
        let no_host = head(&["GET /credentials HTTP/1.1", &auth]);
        assert_eq!(
            judge(&no_host, 1, TOKEN),
            Verdict::Refuse(Refusal::WrongHost)
        );
    }

    #[test]
    fn other_methods_paths_and_garbage_are_refused() {
        let auth = format!("Authorization: {TOKEN}");
        let h = head(&["POST /credentials HTTP/1.1", "Host: 127.0.0.1", &auth]);
        assert_eq!(judge(&h, 1, TOKEN), Verdict::Refuse(Refusal::WrongMethod));
        let h = head(&["GET /other HTTP/1.1", "Host: 127.0.0.1", &auth]);
        assert_eq!(judge(&h, 1, TOKEN), Verdict::Refuse(Refusal::NotFound));
        for bad in ["", "GET", "GET /credentials", "GET /credentials SPDY/3 x"] {
            assert_eq!(
                judge(bad, 1, TOKEN),
                Verdict::Refuse(Refusal::Malformed),
                "{bad:?}"
            );
        }
    }

    fn ask(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn server_answers_and_stops() {
        let server = Server::bind().unwrap();
        let port = server.port();
        let token = server.token().expose().clone();
        assert_eq!(token.len(), 43, "256 bits, base64url");
        assert_eq!(
            server.full_uri(),
            format!("http://127.0.0.1:{port}/credentials")
        );
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut n = 0;
                server.serve(&stop, &mut || {
                    n += 1;
                    Ok(Secret::new(format!("{{\"n\":{n}}}")))
                })
            });
            let ok = ask(
                port,
                &format!(
                    "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\n\r\n"
                ),
            );
            assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
            assert!(ok.ends_with("{\"n\":1}"), "{ok}");
            let no = ask(port, "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assert!(no.starts_with("HTTP/1.1 401 "), "{no}");
            let big = ask(
                port,
                &format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_HEAD + 10)),
            );
            assert!(big.starts_with("HTTP/1.1 431 "), "{big}");
            stop.store(true, Ordering::SeqCst);
            Server::wake(port);
        });
    }

    #[test]
    fn debug_output_hides_the_token() {
        let server = Server::bind().unwrap();
        let shown = format!("{server:?}");
        assert!(!shown.contains(server.token().expose().as_str()), "{shown}");
    }
}
