//! The real HTTP client over ureq 3.
//!
//! One [`UreqClient`] carries the network settings (TLS roots, CA bundle,
//! client certificate, proxy, timeouts) for every request, to the identity
//! provider and to STS alike. It follows redirects itself, so that every hop
//! passes [`check_url`] and a redirect can never downgrade to clear text.
//! Proxy rules live in [`super::proxy`], TLS loading in [`super::tls`].

use std::path::PathBuf;
use std::time::Duration;

use ureq::Agent;
use ureq::http::Uri;

use super::proxy::{ProxyEnv, proxy_for, without_userinfo};
use super::tls::tls_config;
use super::{Delivery, Error, HttpClient, MAX_BODY, Method, Request, Response, check_url};

/// Connect timeout when the settings leave it unset.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-request timeout when the settings leave it unset.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed for a GET. POSTs are never redirected: a token request
/// body must not be replayed to a place the user did not configure.
pub const MAX_REDIRECTS: u32 = 5;

/// Network settings shared by every request, to the provider and to STS.
#[derive(Debug, Clone, Default)]
pub struct NetworkSettings {
    /// Extra root certificates (PEM): `AWS_CA_BUNDLE` or `ca_bundle`. They are
    /// trusted beside the platform's roots, not in their place (botocore
    /// replaces the roots; see [`super::tls`]).
    pub ca_bundles: Vec<PathBuf>,
    /// Client certificate (PEM) for mTLS.
    pub client_cert: Option<PathBuf>,
    /// Client key (PEM) for mTLS. When unset, the key is looked for in
    /// `client_cert`.
    pub client_key: Option<PathBuf>,
    /// Skip certificate verification (compatibility only; the binary warns).
    pub insecure_skip_verify: bool,
    /// Connect timeout; `None` = [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect_timeout: Option<Duration>,
    /// Whole-request timeout; `None` = [`DEFAULT_TOTAL_TIMEOUT`].
    pub total_timeout: Option<Duration>,
}

/// The production client.
pub struct UreqClient {
    /// For hosts reached without a proxy (see [`proxy_for`]).
    direct: Agent,
    /// One agent per distinct proxy URL in [`ProxyEnv`].
    proxied: Vec<(String, Agent)>,
    /// Which requests go through which proxy.
    proxy_env: ProxyEnv,
}

impl UreqClient {
    /// Build a client from settings and the process's proxy variables.
    /// Fails, naming the file, when a CA bundle or the client certificate or
    /// key cannot be read, and when a proxy variable is not a proxy URL.
    pub fn new(settings: &NetworkSettings) -> Result<Self, Error> {
        Self::with_proxy_env(settings, ProxyEnv::from_process())
    }

    /// Build a client with explicit proxy settings (see [`proxy_for`]).
    pub fn with_proxy_env(settings: &NetworkSettings, proxy_env: ProxyEnv) -> Result<Self, Error> {
        let tls = tls_config(settings)?;
        let config = |proxy: Option<ureq::Proxy>| {
            Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_connect(Some(
                    settings.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                ))
                .timeout_global(Some(
                    settings.total_timeout.unwrap_or(DEFAULT_TOTAL_TIMEOUT),
                ))
                .user_agent(concat!("aws-cli-oidc/", env!("CARGO_PKG_VERSION")))
                .tls_config(tls.clone())
                .proxy(proxy)
                .build()
        };
        let mut proxied = Vec::new();
        for url in proxy_env.proxies() {
            // Built without ureq's own NO_PROXY: `proxy_for` alone decides.
            let proxy = ureq::Proxy::new(url).map_err(|e| Error::Settings {
                what: "proxy",
                path: without_userinfo(url),
                message: format!(
                    "is not a usable proxy URL ({e}); fix HTTPS_PROXY, HTTP_PROXY or ALL_PROXY"
                ),
            })?;
            proxied.push((url.to_string(), Agent::new_with_config(config(Some(proxy)))));
        }
        Ok(UreqClient {
            direct: Agent::new_with_config(config(None)),
            proxied,
            proxy_env,
        })
    }

    /// The agent for `uri`, and the proxy it uses (for the log).
    fn agent_for(&self, uri: &Uri) -> (&Agent, Option<&str>) {
        let proxy = proxy_for(
            &self.proxy_env,
            uri.scheme_str().unwrap_or_default(),
            uri.host().unwrap_or_default(),
            uri.port_u16(),
        );
        match proxy.and_then(|p| self.proxied.iter().find(|(url, _)| url == p)) {
            Some((url, agent)) => (agent, Some(url.as_str())),
            None => (&self.direct, None),
        }
    }

    /// One request to `url`, no redirects followed. Returns the response and
    /// its `Location` header.
    fn send_once(&self, req: &Request, url: &str) -> Result<(Response, Option<String>), Error> {
        let method = req.method;
        let uri: Uri = url
            .parse()
            .map_err(|e: ureq::http::uri::InvalidUri| Error::InvalidUrl {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        let (agent, proxy) = self.agent_for(&uri);
        let shown = url.split(['?', '#']).next().unwrap_or_default();
        match proxy {
            Some(p) => log::trace!("{method:?} {shown} via proxy {}", without_userinfo(p)),
            None => log::trace!("{method:?} {shown} direct"),
        }
        let transport = |e: ureq::Error| Error::Transport {
            url: url.to_string(),
            message: describe(&e),
            delivery: delivery(&e),
        };
        let result = match method {
            Method::Get => {
                let mut b = agent.get(url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.call()
            }
            Method::Post => {
                let mut b = agent.post(url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.send(req.body.as_deref().unwrap_or_default())
            }
        };
        let mut resp = result.map_err(transport)?;
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &ureq::http::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(ureq::http::header::CONTENT_TYPE);
        let location = header(ureq::http::header::LOCATION);
        let retry_after = header(ureq::http::header::RETRY_AFTER);
        let status = resp.status().as_u16();
        log::trace!("HTTP {status} from {shown}");
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(transport)?;
        Ok((
            Response {
                status,
                content_type,
                retry_after,
                body,
            },
            location,
        ))
    }
}

impl HttpClient for UreqClient {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        check_url(&req.url)?;
        let mut url = req.url.clone();
        let mut hops = 0;
        loop {
            let (resp, location) = self.send_once(req, &url)?;
            let redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
            let (true, Method::Get, Some(location)) = (redirect, req.method, location) else {
                return Ok(resp);
            };
            if hops >= MAX_REDIRECTS {
                return Err(Error::Transport {
                    url: req.url.clone(),
                    message: format!("more than {MAX_REDIRECTS} redirects; check the URL"),
                    delivery: Delivery::Failed,
                });
            }
            hops += 1;
            url = resolve_location(&url, &location)?;
            check_url(&url)?;
        }
    }
}

/// How far a request got before `e` (see [`super::retry`]).
fn delivery(e: &ureq::Error) -> Delivery {
    use std::io::ErrorKind;
    use ureq::Timeout;
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Delivery::NotSent,
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => Delivery::NotSent,
        ureq::Error::Timeout(_) | ureq::Error::BodyStalled => Delivery::Interrupted,
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused | ErrorKind::NotFound | ErrorKind::AddrNotAvailable => {
                Delivery::NotSent
            }
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof
            | ErrorKind::TimedOut
            | ErrorKind::WouldBlock => Delivery::Interrupted,
            _ => Delivery::Failed,
        },
        _ => Delivery::Failed,
    }
}

/// A transport error in words, with a hint for the usual TLS trouble.
fn describe(e: &ureq::Error) -> String {
    if let ureq::Error::Timeout(which) = e {
        return format!("no answer in time ({which}); check the network, HTTPS_PROXY and NO_PROXY");
    }
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("certificate") {
        format!(
            "{text}; if the server uses a private CA, set ca_bundle or AWS_CA_BUNDLE to its PEM file"
        )
    } else {
        text
    }
}

/// Resolve a `Location` header against the URL that returned it.
fn resolve_location(base: &str, location: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidUrl {
        url: location.to_string(),
        reason: reason.to_string(),
    };
    if location.contains("://") {
        return Ok(location.to_string());
    }
    let uri: Uri = base
        .parse()
        .map_err(|_| invalid("cannot resolve against the request URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(invalid("cannot resolve against the request URL"));
    };
    if let Some(rest) = location.strip_prefix("//") {
        return Ok(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Ok(format!("{scheme}://{authority}{location}"));
    }
    let path = uri.path();
    let dir = path
        .rfind('/')
        .map_or("/", |i| path.get(..=i).unwrap_or("/"));
    Ok(format!("{scheme}://{authority}{dir}{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::proxy::tests::proxy_env;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Instant;

    #[test]
    fn resolve_location_handles_absolute_and_relative_forms() {
        let base = "https://idp.example.com/a/b?x=1";
        assert_eq!(
            resolve_location(base, "https://other.example/c").unwrap(),
            "https://other.example/c"
        );
        assert_eq!(
            resolve_location(base, "/c/d").unwrap(),
            "https://idp.example.com/c/d"
        );
        assert_eq!(
            resolve_location(base, "//cdn.example/e").unwrap(),
            "https://cdn.example/e"
        );
        assert_eq!(
            resolve_location(base, "c").unwrap(),
            "https://idp.example.com/a/c"
        );
    }

    /// Serve the given canned responses, one connection each, on 127.0.0.1.
    /// Returns the base URL and a channel of the raw requests received. The
    /// server thread gives up after 5 s so a failing test cannot hang.
    fn serve(responses: Vec<String>) -> (String, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(5);
            for response in responses {
                let mut stream = loop {
                    match listener.accept() {
                        Ok((s, _)) => break s,
                        Err(_) if Instant::now() < deadline => {
                            thread::sleep(Duration::from_millis(10))
                        }
                        Err(_) => return,
                    }
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .unwrap();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = tx.send(String::from_utf8_lossy(&buf).to_string());
                let _ = stream.write_all(response.as_bytes());
            }
        });
        (base, rx)
    }

    fn reply(status: &str, headers: &str, body: &str) -> String {
        format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn get_returns_status_content_type_and_body() {
        let (base, rx) = serve(vec![reply(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"a\":1}",
        )]);
        let client = UreqClient::new(&NetworkSettings::default()).unwrap();
        let resp = client.send(&Request::get(format!("{base}/doc"))).unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.content_type.as_deref(), Some("application/json"));
        assert_eq!(resp.body, b"{\"a\":1}");
        let seen = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(seen.starts_with("GET /doc HTTP/1.1\r\n"), "{seen}");
        let lower = seen.to_ascii_lowercase();
        assert!(
            lower.contains(&format!(
                "user-agent: aws-cli-oidc/{}",
                env!("CARGO_PKG_VERSION")
            )),
            "{seen}"
        );
        assert!(lower.contains("accept: application/json"), "{seen}");
        assert_eq!(lower.matches("\r\naccept:").count(), 1, "{seen}");
    }

    #[test]
    fn post_form_sends_body_and_returns_error_status_as_response() {
        let (base, rx) = serve(vec![reply(
            "400 Bad Request",
            "",
            "{\"error\":\"invalid_grant\"}",
        )]);
        let client = UreqClient::new(&NetworkSettings::default()).unwrap();
        let req = Request::post_form(
            format!("{base}/token"),
            [("grant_type", "refresh_token"), ("x", "a b")],
        );
        let resp = client.send(&req).unwrap();
        assert_eq!(resp.status, 400);
        assert_eq!(resp.body_text(), "{\"error\":\"invalid_grant\"}");
        let seen = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(seen.starts_with("POST /token HTTP/1.1\r\n"), "{seen}");
        assert!(
            seen.to_ascii_lowercase()
                .contains("content-type: application/x-www-form-urlencoded"),
            "{seen}"
        );
        assert!(
            seen.ends_with("\r\n\r\ngrant_type=refresh_token&x=a+b"),
            "{seen}"
        );
    }

    #[test]
    fn get_follows_redirects_but_post_does_not() {
        let (base, rx) = serve(vec![
            reply("302 Found", "Location: /final\r\n", ""),
            reply("200 OK", "", "done"),
            reply("302 Found", "Location: /elsewhere\r\n", ""),
        ]);
        let client = UreqClient::new(&NetworkSettings::default()).unwrap();
        let resp = client.send(&Request::get(format!("{base}/start"))).unwrap();
        assert_eq!((resp.status, resp.body_text().as_str()), (200, "done"));
        assert!(
            rx.recv_timeout(Duration::from_secs(5))
                .unwrap()
                .starts_with("GET /start ")
        );
        assert!(
            rx.recv_timeout(Duration::from_secs(5))
                .unwrap()
                .starts_with("GET /final ")
        );
        let resp = client
            .send(&Request::post_form(format!("{base}/token"), [("a", "b")]))
            .unwrap();
        assert_eq!(resp.status, 302);
    }

    #[test]
    fn redirect_to_clear_text_host_is_refused() {
        let (base, _rx) = serve(vec![reply(
            "302 Found",
            "Location: http://idp.example.com/doc\r\n",
            "",
        )]);
        let client = UreqClient::new(&NetworkSettings::default()).unwrap();
        let e = client
            .send(&Request::get(format!("{base}/start")))
            .unwrap_err();
        assert!(
            matches!(&e, Error::InsecureUrl { url } if url == "http://idp.example.com/doc"),
            "{e}"
        );
    }

    #[test]
    fn connection_refused_names_the_url() {
        // Bind then drop to get a port that is (almost certainly) closed.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/x");
        let client = UreqClient::new(&NetworkSettings::default()).unwrap();
        let e = client.send(&Request::get(url.clone())).unwrap_err();
        assert!(
            matches!(
                &e,
                Error::Transport {
                    delivery: Delivery::NotSent,
                    ..
                }
            ),
            "a refused connection never reached the server: {e:?}"
        );
        assert!(e.to_string().contains(&url), "{e}");
    }

    #[test]
    fn silent_server_hits_the_total_timeout() {
        // The kernel completes the handshake from the backlog; nobody answers.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/slow",
            listener.local_addr().unwrap().port()
        );
        let settings = NetworkSettings {
            total_timeout: Some(Duration::from_millis(300)),
            ..Default::default()
        };
        let e = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(url.clone()))
            .unwrap_err();
        assert!(
            e.to_string().contains("no answer in time") && e.to_string().contains(&url),
            "{e}"
        );
        assert!(
            matches!(
                e,
                Error::Transport {
                    delivery: Delivery::Interrupted,
                    ..
                }
            ),
            "the request was sent: {e:?}"
        );
    }

    #[test]
    fn remote_hosts_go_through_the_proxy_and_loopback_does_not() {
        let (proxy_base, proxy_rx) = serve(vec![reply("403 Forbidden", "", "")]);
        let (base, rx) = serve(vec![reply("200 OK", "", "direct")]);
        let env = proxy_env(&proxy_base, None);
        let client = UreqClient::with_proxy_env(&NetworkSettings::default(), env).unwrap();
        let resp = client.send(&Request::get(format!("{base}/x"))).unwrap();
        assert_eq!(resp.body_text(), "direct");
        assert!(
            rx.recv_timeout(Duration::from_secs(5))
                .unwrap()
                .starts_with("GET /x ")
        );
        // The proxy refuses the tunnel; what matters is that it was asked.
        assert!(
            client
                .send(&Request::get("https://idp.example/doc"))
                .is_err()
        );
        let seen = proxy_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(seen.starts_with("CONNECT idp.example:443 "), "{seen}");
    }

    #[test]
    fn loopback_goes_through_the_proxy_when_no_proxy_is_set_without_it() {
        let (proxy_base, proxy_rx) = serve(vec![reply("403 Forbidden", "", "")]);
        let (base, _rx) = serve(vec![reply("200 OK", "", "direct")]);
        let env = proxy_env(&proxy_base, Some("example.invalid"));
        let client = UreqClient::with_proxy_env(&NetworkSettings::default(), env).unwrap();
        assert!(client.send(&Request::get(format!("{base}/x"))).is_err());
        let seen = proxy_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        let authority = base.trim_start_matches("http://");
        assert!(seen.starts_with(&format!("CONNECT {authority} ")), "{seen}");
    }

    #[test]
    fn proxy_credentials_never_reach_errors() {
        let env = proxy_env("http://user:s3cret@bad host:3128", None);
        let e = UreqClient::with_proxy_env(&NetworkSettings::default(), env)
            .err()
            .expect("must fail");
        let text = e.to_string();
        assert!(
            text.contains("HTTPS_PROXY") && !text.contains("s3cret"),
            "{text}"
        );
    }
}
