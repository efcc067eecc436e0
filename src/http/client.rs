//! The real HTTP client over ureq 3, and the `http://`-only-to-loopback rule.
//!
//! One [`UreqClient`] carries the network settings (TLS roots, CA bundle,
//! client certificate, proxy, timeouts) for every request, to the identity
//! provider and to STS alike. It follows redirects itself, so that every hop
//! passes [`check_url`] and a redirect can never downgrade to clear text.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ureq::Agent;
use ureq::http::Uri;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::{Error, HttpClient, MAX_BODY, Method, Request, Response};

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
    /// Root certificates (PEM): `AWS_CA_BUNDLE` or `ca_bundle`. When any are
    /// given they replace the platform's roots, as botocore does.
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
    /// Honours `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment.
    proxied: Agent,
    /// The same settings without a proxy, for loopback hosts: a proxy's
    /// `127.0.0.1` is not ours, and with `NO_PROXY` unset ureq would proxy it.
    direct: Agent,
}

impl UreqClient {
    /// Build a client from settings. Fails, naming the file, when a CA
    /// bundle or the client certificate or key cannot be read.
    pub fn new(settings: &NetworkSettings) -> Result<Self, Error> {
        Self::with_proxy(settings, ureq::Proxy::try_from_env())
    }

    /// Build a client with an explicit proxy (`None`: connect directly).
    /// Loopback hosts are always reached directly.
    pub fn with_proxy(
        settings: &NetworkSettings,
        proxy: Option<ureq::Proxy>,
    ) -> Result<Self, Error> {
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
        Ok(UreqClient {
            proxied: Agent::new_with_config(config(proxy)),
            direct: Agent::new_with_config(config(None)),
        })
    }

    /// One request to `url`, no redirects followed. Returns the response and
    /// its `Location` header.
    fn send_once(
        &self,
        req: &Request,
        method: Method,
        url: &str,
    ) -> Result<(Response, Option<String>), Error> {
        let uri: Uri = url
            .parse()
            .map_err(|e: ureq::http::uri::InvalidUri| Error::InvalidUrl {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        let agent = if uri.host().is_some_and(is_loopback_host) {
            &self.direct
        } else {
            &self.proxied
        };
        let transport = |e: ureq::Error| Error::Transport {
            url: url.to_string(),
            message: describe(&e),
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
        let status = resp.status().as_u16();
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
            let (resp, location) = self.send_once(req, req.method, &url)?;
            let redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
            let (true, Method::Get, Some(location)) = (redirect, req.method, location) else {
                return Ok(resp);
            };
            if hops >= MAX_REDIRECTS {
                return Err(Error::Transport {
                    url: req.url.clone(),
                    message: format!("more than {MAX_REDIRECTS} redirects; check the URL"),
                });
            }
            hops += 1;
            url = resolve_location(&url, &location)?;
            check_url(&url)?;
        }
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

/// See [`super::check_url`].
pub fn check_url(url: &str) -> Result<(), Error> {
    let uri: Uri = url
        .parse()
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

fn tls_config(settings: &NetworkSettings) -> Result<TlsConfig, Error> {
    let roots = if settings.ca_bundles.is_empty() {
        RootCerts::PlatformVerifier
    } else {
        let mut certs = Vec::new();
        for path in &settings.ca_bundles {
            certs.extend(load_certs(path, "CA bundle")?);
        }
        RootCerts::new_with_certs(&certs)
    };
    let client_cert = match (&settings.client_cert, &settings.client_key) {
        (None, None) => None,
        (None, Some(key)) => {
            return Err(Error::Settings {
                what: "client key",
                path: key.display().to_string(),
                message: "is set without a client certificate; set client_auth_cert too".into(),
            });
        }
        (Some(cert), key) => {
            let chain = load_certs(cert, "client certificate")?;
            let key = load_key(key.as_deref().unwrap_or(cert))?;
            Some(ClientCert::new_with_certs(&chain, key))
        }
    };
    Ok(TlsConfig::builder()
        .root_certs(roots)
        .client_cert(client_cert)
        .disable_verification(settings.insecure_skip_verify)
        .build())
}

fn read_pem(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    fs::read(path).map_err(|e| Error::Settings {
        what,
        path: path.display().to_string(),
        message: format!("cannot be read: {e}"),
    })
}

fn load_certs(path: &Path, what: &'static str) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = read_pem(path, what)?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::Settings {
            what,
            path: path.display().to_string(),
            message: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(certs)
}

fn load_key(path: &Path) -> Result<PrivateKey<'static>, Error> {
    let pem = read_pem(path, "client key")?;
    ureq::tls::parse_pem(&pem)
        .find_map(|item| match item {
            Ok(PemItem::PrivateKey(k)) => Some(k),
            _ => None,
        })
        .ok_or_else(|| Error::Settings {
            what: "client key",
            path: path.display().to_string(),
            message: "holds no PEM private key (PKCS#8, PKCS#1 or SEC1); set client_auth_key"
                .into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Instant;

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

    #[test]
    fn missing_ca_bundle_is_an_error_naming_the_file() {
        let settings = NetworkSettings {
            ca_bundles: vec!["/nonexistent/ca.pem".into()],
            ..Default::default()
        };
        let e = UreqClient::new(&settings).err().expect("must fail");
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn ca_bundle_without_certificates_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        fs::write(&path, "not a certificate\n").unwrap();
        let settings = NetworkSettings {
            ca_bundles: vec![path.clone()],
            ..Default::default()
        };
        let e = UreqClient::new(&settings).err().expect("must fail");
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }

    #[test]
    fn client_key_without_certificate_is_an_error() {
        let settings = NetworkSettings {
            client_key: Some("/tmp/k.pem".into()),
            ..Default::default()
        };
        assert!(matches!(
            UreqClient::new(&settings),
            Err(Error::Settings {
                what: "client key",
                ..
            })
        ));
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
        assert!(matches!(&e, Error::Transport { .. }), "{e}");
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
        let started = Instant::now();
        let e = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(url.clone()))
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            e.to_string().contains("no answer in time") && e.to_string().contains(&url),
            "{e}"
        );
    }

    #[test]
    fn remote_hosts_go_through_the_proxy_and_loopback_does_not() {
        let (proxy_base, proxy_rx) = serve(vec![reply("403 Forbidden", "", "")]);
        let (base, rx) = serve(vec![reply("200 OK", "", "direct")]);
        let proxy = ureq::Proxy::new(&proxy_base).unwrap();
        let client = UreqClient::with_proxy(&NetworkSettings::default(), Some(proxy)).unwrap();
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
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("[::1]"));
        assert!(is_loopback_host("localhost"));
        assert!(!is_loopback_host("example.com"));
        assert!(!is_loopback_host("[::]"));
    }

    /// `openssl s_server` on 127.0.0.1 with the test certificates in
    /// `fixtures/oidc/tls` (a private CA, a server certificate for
    /// 127.0.0.1, a client certificate). Killed by PID when dropped. A
    /// missing openssl command fails the test: a skipped peer proves nothing.
    struct TlsServer {
        child: std::process::Child,
        url: String,
    }

    impl Drop for TlsServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn tls_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc/tls")
    }

    fn tls_server(extra: &[&str]) -> Option<TlsServer> {
        let server = try_tls_server(extra);
        assert!(
            server.is_some(),
            "cannot start `openssl s_server` on 127.0.0.1 (install the openssl package)"
        );
        server
    }

    fn try_tls_server(extra: &[&str]) -> Option<TlsServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = tls_dir();
        let child = std::process::Command::new("openssl")
            .arg("s_server")
            .args(["-accept", &format!("127.0.0.1:{port}"), "-www", "-quiet"])
            .arg("-cert")
            .arg(dir.join("server.pem"))
            .arg("-key")
            .arg(dir.join("server.key"))
            .args(extra)
            .current_dir(&dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let server = TlsServer {
            child,
            url: format!("https://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    #[test]
    fn ca_bundle_replaces_the_platform_roots() {
        let Some(server) = tls_server(&[]) else {
            return;
        };
        let platform = UreqClient::new(&NetworkSettings::default()).unwrap();
        let e = platform
            .send(&Request::get(server.url.clone()))
            .unwrap_err();
        assert!(e.to_string().contains(&server.url), "{e}");
        assert!(e.to_string().contains("AWS_CA_BUNDLE"), "{e}");

        let settings = NetworkSettings {
            ca_bundles: vec![tls_dir().join("ca.pem")],
            ..Default::default()
        };
        let resp = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }

    #[test]
    fn insecure_skip_verify_accepts_an_unknown_issuer() {
        let Some(server) = tls_server(&[]) else {
            return;
        };
        let settings = NetworkSettings {
            insecure_skip_verify: true,
            ..Default::default()
        };
        let resp = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }

    #[test]
    fn client_certificate_is_presented_for_mtls() {
        let Some(server) = tls_server(&["-Verify", "1", "-CAfile", "ca.pem"]) else {
            return;
        };
        let ca = vec![tls_dir().join("ca.pem")];
        let without = NetworkSettings {
            ca_bundles: ca.clone(),
            ..Default::default()
        };
        assert!(
            UreqClient::new(&without)
                .unwrap()
                .send(&Request::get(server.url.clone()))
                .is_err()
        );
        let with = NetworkSettings {
            ca_bundles: ca,
            client_cert: Some(tls_dir().join("client.pem")),
            client_key: Some(tls_dir().join("client.key")),
            ..Default::default()
        };
        let resp = UreqClient::new(&with)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }
}
