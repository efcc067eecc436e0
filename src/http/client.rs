//! The real HTTP client over ureq 3, and the `http://`-only-to-loopback rule.
//!
//! One [`UreqClient`] carries the network settings (TLS roots, CA bundle,
//! client certificate, proxy, timeouts) for every request, to the identity
//! provider and to STS alike. It follows redirects itself, so that every hop
//! passes [`check_url`] and a redirect can never downgrade to clear text.

use std::fs;
use std::net::IpAddr;
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

/// The proxy variables, read once from the process environment.
///
/// Each scheme has its own variable, as in curl and Go's net/http:
/// `https://` URLs use `HTTPS_PROXY`, `http://` URLs use `HTTP_PROXY`, and
/// `ALL_PROXY` covers a scheme whose own variable is unset. Upper case wins
/// over lower case; blank proxy values count as unset.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// `HTTPS_PROXY`, else `https_proxy`.
    pub https_proxy: Option<String>,
    /// `HTTP_PROXY`, else `http_proxy`.
    pub http_proxy: Option<String>,
    /// `ALL_PROXY`, else `all_proxy`.
    pub all_proxy: Option<String>,
    /// `NO_PROXY`, else `no_proxy`. `Some` whenever the variable is set,
    /// even to an empty value: see [`proxy_for`].
    pub no_proxy: Option<String>,
}

impl ProxyEnv {
    /// Read the proxy variables of this process.
    pub fn from_process() -> ProxyEnv {
        let proxy = |names: [&str; 2]| {
            names
                .iter()
                .filter_map(|n| std::env::var(n).ok())
                .find(|v| !v.trim().is_empty())
        };
        ProxyEnv {
            https_proxy: proxy(["HTTPS_PROXY", "https_proxy"]),
            http_proxy: proxy(["HTTP_PROXY", "http_proxy"]),
            all_proxy: proxy(["ALL_PROXY", "all_proxy"]),
            no_proxy: ["NO_PROXY", "no_proxy"]
                .iter()
                .find_map(|n| std::env::var(n).ok()),
        }
    }

    /// Every distinct proxy URL a request could use.
    fn proxies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in [&self.https_proxy, &self.http_proxy, &self.all_proxy]
            .into_iter()
            .flatten()
        {
            let p = p.trim();
            if !p.is_empty() && !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// The proxy a request to `scheme://host:port` goes through, or `None` to
/// connect directly. `port` is `None` for the scheme's default port.
///
/// When `NO_PROXY` is set (to anything, even an empty value) it is followed
/// exactly, so a loopback host is proxied unless listed: a user or a test
/// that writes NO_PROXY gets the standard behaviour and can route even
/// 127.0.0.1 through a proxy. When `NO_PROXY` is unset, loopback hosts are
/// never proxied: a proxy's `127.0.0.1` is the proxy's machine, not ours, so
/// a local provider, a local STS emulator or an SSH tunnel would otherwise
/// break as soon as a corporate HTTPS_PROXY is exported.
///
/// NO_PROXY entries are separated by commas or spaces: `*` (everything), a
/// domain (`example.com` matches it and its subdomains; `.example.com` or
/// `*.example.com` only the subdomains), an IP address, or a CIDR block
/// (`10.0.0.0/8`, `fd00::/8`); a `:port` suffix restricts an entry to that
/// port. These are Go's net/http rules, which the Go aws-cli-oidc followed.
pub fn proxy_for<'a>(
    env: &'a ProxyEnv,
    scheme: &str,
    host: &str,
    port: Option<u16>,
) -> Option<&'a str> {
    let (own, default_port) = match scheme.to_ascii_lowercase().as_str() {
        "https" => (&env.https_proxy, 443),
        "http" => (&env.http_proxy, 80),
        _ => return None,
    };
    let proxy = own
        .as_deref()
        .or(env.all_proxy.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())?;
    let bypass = match &env.no_proxy {
        Some(list) => no_proxy_matches(list, host, port.unwrap_or(default_port)),
        None => is_loopback_host(host),
    };
    // Clear-text http:// is allowed only because loopback traffic never
    // leaves the machine; a proxy elsewhere would carry the tokens across
    // the network unencrypted (and its 127.0.0.1 is not ours anyway).
    let clear_text_off_machine = scheme.eq_ignore_ascii_case("http")
        && is_loopback_host(host)
        && !proxy_host(proxy).is_some_and(|h| is_loopback_host(&h));
    (!bypass && !clear_text_off_machine).then_some(proxy)
}

/// The host of a proxy URL (`http://user:pw@host:port`, or bare `host:port`).
fn proxy_host(proxy: &str) -> Option<String> {
    let with_scheme = if proxy.contains("://") {
        proxy.to_string()
    } else {
        format!("http://{proxy}")
    };
    let uri: ureq::http::Uri = with_scheme.parse().ok()?;
    uri.host().map(str::to_string)
}

/// Whether a NO_PROXY list names `host` (a URI host, IPv6 possibly in brackets).
fn no_proxy_matches(list: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some((net, bits)) = entry.split_once('/') {
                return ip.is_some_and(|ip| in_cidr(ip, net, bits));
            }
            let (name, entry_port) = split_entry_port(entry);
            if entry_port.is_some_and(|p| p != port) {
                return false;
            }
            let name = name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if let Ok(entry_ip) = name.parse::<IpAddr>() {
                return ip == Some(entry_ip);
            }
            match name.strip_prefix("*.").or_else(|| name.strip_prefix('.')) {
                Some(parent) => host
                    .strip_suffix(parent)
                    .is_some_and(|rest| rest.ends_with('.')),
                None => {
                    host == name
                        || host
                            .strip_suffix(name.as_str())
                            .is_some_and(|rest| rest.ends_with('.'))
                }
            }
        })
}

/// `name:port`, `[v6]:port` or a bare name or IPv6 address.
fn split_entry_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((v6, tail)) => (v6, tail.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (entry, None),
        };
    }
    match entry.split_once(':') {
        Some((name, port)) if !port.contains(':') => match port.parse() {
            Ok(port) => (name, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

fn in_cidr(ip: IpAddr, net: &str, bits: &str) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// A proxy URL for messages and logs: `user:password@` becomes `***@`.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    if scheme.is_empty() {
        format!("{authority}{path}")
    } else {
        format!("{scheme}://{authority}{path}")
    }
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
        let (agent, proxy) = self.agent_for(&uri);
        let shown = url.split(['?', '#']).next().unwrap_or_default();
        match proxy {
            Some(p) => log::trace!("{method:?} {shown} via proxy {}", without_userinfo(p)),
            None => log::trace!("{method:?} {shown} direct"),
        }
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
        log::trace!(
            "HTTP {status} from {}",
            url.split(['?', '#']).next().unwrap_or_default()
        );
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
    // A CA bundle is added to the system's roots, not put in their place:
    // a corporate bundle usually holds only the intercepting proxy's CA,
    // while STS and the provider may still present public certificates.
    // (botocore replaces the roots with AWS_CA_BUNDLE; a bundle that already
    // contains the public roots works the same under both rules.)
    let roots = if settings.ca_bundles.is_empty() {
        RootCerts::PlatformVerifier
    } else {
        let native = rustls_native_certs::load_native_certs();
        log::debug!(
            "tls: {} system root certificates plus {} CA bundle(s)",
            native.certs.len(),
            settings.ca_bundles.len()
        );
        let mut certs: Vec<Certificate<'static>> = native
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
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

    fn proxy_env(proxy: &str, no_proxy: Option<&str>) -> ProxyEnv {
        ProxyEnv {
            https_proxy: Some(proxy.to_string()),
            http_proxy: Some(proxy.to_string()),
            all_proxy: None,
            no_proxy: no_proxy.map(str::to_string),
        }
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
    fn clear_text_loopback_never_goes_to_a_remote_proxy() {
        let env = ProxyEnv {
            https_proxy: Some("http://proxy.corp.example:3128".into()),
            http_proxy: Some("http://proxy.corp.example:3128".into()),
            all_proxy: None,
            no_proxy: Some("corp.example".into()),
        };
        assert_eq!(proxy_for(&env, "http", "127.0.0.1", Some(8080)), None);
        assert_eq!(proxy_for(&env, "http", "localhost", None), None);
        // https to loopback may still use it: nothing crosses in clear text.
        assert!(proxy_for(&env, "https", "127.0.0.1", Some(8443)).is_some());
        // A proxy on this machine may carry loopback http.
        let local = ProxyEnv {
            http_proxy: Some("127.0.0.1:8888".into()),
            ..env
        };
        assert!(proxy_for(&local, "http", "127.0.0.1", Some(8080)).is_some());
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
    fn unset_no_proxy_keeps_loopback_direct() {
        let env = proxy_env("http://proxy.corp:3128", None);
        for host in ["127.0.0.1", "127.9.9.9", "[::1]", "localhost", "LocalHost"] {
            assert_eq!(proxy_for(&env, "http", host, Some(8080)), None, "{host}");
            assert_eq!(proxy_for(&env, "https", host, None), None, "{host}");
        }
        assert_eq!(
            proxy_for(&env, "https", "idp.example.com", None),
            Some("http://proxy.corp:3128")
        );
    }

    #[test]
    fn set_no_proxy_is_followed_exactly_even_for_loopback() {
        // A local proxy (tinyproxy in the e2e tests): loopback http may use it.
        let proxy = "http://127.0.0.1:3128";
        for no_proxy in ["", "example.invalid", "10.0.0.0/8"] {
            let env = proxy_env(proxy, Some(no_proxy));
            assert_eq!(
                proxy_for(&env, "http", "127.0.0.1", Some(9000)),
                Some(proxy),
                "NO_PROXY={no_proxy:?}"
            );
            assert_eq!(
                proxy_for(&env, "https", "localhost", None),
                Some(proxy),
                "NO_PROXY={no_proxy:?}"
            );
        }
        let env = proxy_env(proxy, Some("localhost,127.0.0.1"));
        assert_eq!(proxy_for(&env, "http", "127.0.0.1", Some(9000)), None);
        assert_eq!(proxy_for(&env, "http", "localhost", None), None);
        assert_eq!(proxy_for(&env, "http", "[::1]", None), Some(proxy));
    }

    #[test]
    fn each_scheme_uses_its_own_variable_then_all_proxy() {
        let env = ProxyEnv {
            https_proxy: Some("http://secure:1".into()),
            http_proxy: Some("http://plain:2".into()),
            all_proxy: Some("http://all:3".into()),
            no_proxy: None,
        };
        assert_eq!(
            proxy_for(&env, "https", "a.example", None),
            Some("http://secure:1")
        );
        assert_eq!(
            proxy_for(&env, "HTTP", "a.example", None),
            Some("http://plain:2")
        );
        assert_eq!(proxy_for(&env, "ftp", "a.example", None), None);
        let only_https = ProxyEnv {
            https_proxy: Some("http://secure:1".into()),
            ..ProxyEnv::default()
        };
        assert_eq!(proxy_for(&only_https, "http", "a.example", None), None);
        let only_all = ProxyEnv {
            all_proxy: Some("http://all:3".into()),
            ..ProxyEnv::default()
        };
        assert_eq!(
            proxy_for(&only_all, "http", "a.example", None),
            Some("http://all:3")
        );
        assert_eq!(
            proxy_for(&only_all, "https", "a.example", None),
            Some("http://all:3")
        );
        assert_eq!(
            proxy_for(&ProxyEnv::default(), "https", "a.example", None),
            None
        );
        let blank = ProxyEnv {
            https_proxy: Some("  ".into()),
            ..ProxyEnv::default()
        };
        assert_eq!(proxy_for(&blank, "https", "a.example", None), None);
    }

    #[test]
    fn no_proxy_entries_match_domains_ips_ports_and_cidr_blocks() {
        // A proxy on this machine, so loopback http may use it and only
        // NO_PROXY decides.
        let proxy = "http://127.0.0.1:1";
        let bypassed = |no_proxy: &str, scheme: &str, host: &str, port: Option<u16>| {
            proxy_for(&proxy_env(proxy, Some(no_proxy)), scheme, host, port).is_none()
        };
        assert!(bypassed("*", "https", "anything.example", None));
        // A domain covers itself and its subdomains; a leading dot only subdomains.
        assert!(bypassed("corp.example", "https", "corp.example", None));
        assert!(bypassed("corp.example", "https", "sso.corp.example", None));
        assert!(bypassed("Corp.Example.", "https", "SSO.corp.example", None));
        assert!(!bypassed("corp.example", "https", "notcorp.example", None));
        assert!(bypassed(".corp.example", "https", "sso.corp.example", None));
        assert!(!bypassed(".corp.example", "https", "corp.example", None));
        assert!(bypassed(
            "*.corp.example",
            "https",
            "sso.corp.example",
            None
        ));
        assert!(!bypassed("*.corp.example", "https", "corp.example", None));
        // Lists: commas and spaces; blank entries ignored.
        assert!(bypassed(
            "a.example, ,b.example c.example",
            "https",
            "c.example",
            None
        ));
        assert!(!bypassed("a.example,,", "https", "z.example", None));
        // Ports: an entry's port must equal the URL's (or the scheme default).
        assert!(bypassed(
            "idp.example:8443",
            "https",
            "idp.example",
            Some(8443)
        ));
        assert!(!bypassed("idp.example:8443", "https", "idp.example", None));
        assert!(bypassed("idp.example:443", "https", "idp.example", None));
        assert!(bypassed("127.0.0.1:80", "http", "127.0.0.1", None));
        // IP addresses and CIDR blocks, v4 and v6.
        assert!(bypassed("10.1.2.3", "https", "10.1.2.3", None));
        assert!(!bypassed("10.1.2.3", "https", "10.1.2.4", None));
        assert!(bypassed("10.0.0.0/8", "https", "10.200.3.4", None));
        assert!(!bypassed("10.0.0.0/8", "https", "11.0.0.1", None));
        assert!(!bypassed("10.0.0.0/8", "https", "ten.example", None));
        assert!(bypassed("0.0.0.0/0", "https", "192.0.2.1", None));
        assert!(bypassed("::1", "http", "[::1]", Some(80)));
        assert!(bypassed("[::1]:8080", "http", "[::1]", Some(8080)));
        assert!(!bypassed("[::1]:8080", "http", "[::1]", Some(8081)));
        assert!(bypassed("fd00::/8", "https", "[fd12::1]", None));
        assert!(!bypassed("fd00::/8", "https", "[fe80::1]", None));
        // Nonsense entries match nothing rather than everything.
        assert!(!bypassed("10.0.0.0/99", "https", "10.0.0.1", None));
        assert!(!bypassed("x/y", "https", "x", None));
    }

    #[test]
    fn proxy_credentials_never_reach_messages() {
        assert_eq!(
            without_userinfo("http://user:s3cret@proxy.corp:3128/"),
            "http://***@proxy.corp:3128/"
        );
        assert_eq!(without_userinfo("proxy.corp:3128"), "proxy.corp:3128");
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
    fn ca_bundle_is_trusted_beside_the_system_roots() {
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
