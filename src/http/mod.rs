//! The HTTP seam. Every request to the identity provider and to STS goes
//! through [`HttpClient`], so the core can be tested with an in-process fake
//! and the real client ([`client::UreqClient`]) applies one set of network
//! settings (TLS roots, CA bundle, proxy, mTLS, timeouts) to both peers.
//!
//! Bodies are never logged and never appear in `Debug` output: they carry
//! client secrets, codes and tokens.

pub mod client;
#[cfg(test)]
pub(crate) mod fake;
pub mod proxy;
pub mod retry;
mod tls;

use std::fmt;

pub use retry::{Delivery, Replay};

/// HTTP method. We only ever need these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (discovery documents).
    Get,
    /// POST with a form body (token endpoint, STS).
    Post,
}

/// One outgoing request.
#[derive(Clone)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL; must pass [`check_url`].
    pub url: String,
    /// Extra headers, e.g. `Authorization` for `client_secret_basic`.
    pub headers: Vec<(String, String)>,
    /// Body for POST; `Content-Type` is taken from `headers`.
    pub body: Option<Vec<u8>>,
    /// Whether it may be sent again after a fault (see [`retry`]).
    pub replay: Replay,
    /// Reads an API error code (STS's `Code`) from an error answer, so the
    /// retry policy can tell throttling from a refusal.
    pub error_code: Option<fn(&Response) -> Option<String>>,
}

impl Request {
    /// A GET of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Request {
            method: Method::Get,
            url: url.into(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            replay: Replay::Safe,
            error_code: None,
        }
    }

    /// A POST of an `application/x-www-form-urlencoded` body built from `pairs`.
    pub fn post_form<'a>(
        url: impl Into<String>,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        Request {
            method: Method::Post,
            url: url.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: Some(ser.finish().into_bytes()),
            replay: Replay::Safe,
            error_code: None,
        }
    }

    /// Set whether the request may be sent again after a fault.
    pub fn replay(mut self, replay: Replay) -> Self {
        self.replay = replay;
        self
    }

    /// Add a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values, the body and a query (console's getSigninToken
        // carries the session credentials there) may hold secrets; show the
        // URL without its query, and names and sizes only.
        let url = match self.url.split_once('?') {
            Some((base, _)) => format!("{base}?<redacted>"),
            None => self.url.clone(),
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &url)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("replay", &self.replay)
            .finish()
    }
}

/// A response with any status: 4xx and 5xx are not errors at this layer,
/// because OAuth and STS put their error details in the body.
#[derive(Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Retry-After` header, if any (see [`retry::parse_retry_after`]).
    pub retry_after: Option<String>,
    /// The body, at most [`MAX_BODY`] bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text, lossily decoded, for error messages. Callers must not
    /// use this for a successful token response (it would leak the token).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Largest body we read (10 MiB). SAML assertions with many roles are tens of KiB.
pub const MAX_BODY: u64 = 10 * 1024 * 1024;

/// Errors of the HTTP layer. Each names the URL.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The URL is `http://` to a host that is not loopback, or not http(s) at all.
    #[error(
        "refusing {url}: only https:// is allowed, except http:// to 127.0.0.1, [::1] or localhost"
    )]
    InsecureUrl {
        /// The refused URL.
        url: String,
    },
    /// The URL does not parse.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Connecting, TLS, or reading failed.
    #[error("request to {url} failed: {message}")]
    Transport {
        /// The URL requested.
        url: String,
        /// The transport's own description.
        message: String,
        /// How far the request got (for the retry policy).
        delivery: Delivery,
    },
    /// The server answered 429 with a `Retry-After` longer than what is left
    /// of the retry budget ([`retry::BUDGET`]).
    #[error(
        "{url} is throttling requests (HTTP 429) and asked to wait {} s, more than the {} s retry budget; try again later, and spread scheduled runs with `refresh --jitter`",
        wait.as_secs_f64().ceil(),
        retry::BUDGET.as_secs()
    )]
    Throttled {
        /// The URL requested, without its query.
        url: String,
        /// The wait the server asked for.
        wait: std::time::Duration,
    },
    /// The network settings (CA bundle, client certificate) could not be loaded.
    #[error("{what} {path}: {message}")]
    Settings {
        /// Which setting, e.g. "CA bundle".
        what: &'static str,
        /// The file involved.
        path: String,
        /// What went wrong and what to do.
        message: String,
    },
}

/// True when `error` or one of its causes is [`Error::Throttled`]: a server
/// that asked for a longer wait than the retry budget. Callers fail at once
/// rather than fall back to another request to the same server.
pub fn is_throttled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if matches!(e.downcast_ref::<Error>(), Some(Error::Throttled { .. })) {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Sends requests. Implemented by [`client::UreqClient`] and by test fakes.
pub trait HttpClient {
    /// Send one request and return the response whatever its status.
    fn send(&self, req: &Request) -> Result<Response, Error>;
}

impl<T: HttpClient + ?Sized> HttpClient for &T {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        (**self).send(req)
    }
}

/// Whether `host` (as in a URI, IPv6 possibly in brackets) is this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") || bare.eq_ignore_ascii_case("localhost.") {
        return true;
    }
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| match ip {
        std::net::IpAddr::V4(v4) => v4.is_loopback(),
        std::net::IpAddr::V6(v6) => v6 == std::net::Ipv6Addr::LOCALHOST,
    })
}

/// Check that `url` is `https://`, or `http://` to a loopback host
/// (`127.0.0.0/8`, `[::1]`, `localhost`). Everything else is refused, so a
/// token never crosses a network in clear text.
pub fn check_url(url: &str) -> Result<(), Error> {
    let uri: ureq::http::Uri =
        url.parse()
            .map_err(|e: ureq::http::uri::InvalidUri| Error::InvalidUrl {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
    let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
        return Err(Error::InvalidUrl {
            url: url.to_string(),
            reason: "no host; an absolute URL is needed".into(),
        });
    };
    match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("https") => Ok(()),
        Some("http") if is_loopback_host(host) => Ok(()),
        _ => Err(Error::InsecureUrl {
            url: url.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_the_query_nor_header_values() {
        let req = Request::get("https://signin.example/federation?Session=SECRETKEY")
            .header("Authorization", "Basic SECRETBASIC");
        let shown = format!("{req:?}");
        assert!(
            shown.contains("https://signin.example/federation?<redacted>"),
            "{shown}"
        );
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn check_url_allows_https_and_loopback_http_only() {
        let ok = [
            "https://idp.example.com/.well-known/openid-configuration",
            "HTTPS://idp.example.com",
            "https://10.0.0.1:8443/x",
            "http://127.0.0.1:8080/token",
            "http://127.1.2.3/",
            "http://localhost:3000/x",
            "http://LOCALHOST/x",
            "http://[::1]:9000/x",
        ];
        for url in ok {
            assert!(check_url(url).is_ok(), "{url} should be allowed");
        }
        let insecure = [
            "http://idp.example.com/token",
            "http://10.0.0.1/",
            "http://128.0.0.1/",
            "http://localhost.example.com/",
            "http://[::2]/",
            "ftp://127.0.0.1/",
            "file://localhost/etc/passwd",
            "http://127.0.0.1@evil.example/",
            "http://127.0.0.1.nip.io/",
        ];
        for url in insecure {
            assert!(
                matches!(check_url(url), Err(Error::InsecureUrl { .. })),
                "{url} should be refused"
            );
        }
        for url in ["", "not a url", "/relative/path", "https://"] {
            assert!(
                matches!(check_url(url), Err(Error::InvalidUrl { .. })),
                "{url:?} should be invalid"
            );
        }
    }

    #[test]
    fn insecure_url_message_names_the_url() {
        let e = check_url("http://idp.example.com/token").unwrap_err();
        assert!(
            e.to_string().contains("http://idp.example.com/token"),
            "{e}"
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("[::1]"));
        assert!(is_loopback_host("localhost"));
        assert!(!is_loopback_host("example.com"));
        assert!(!is_loopback_host("[::]"));
    }
}
