//! Which requests go through a proxy: the `HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY` and `NO_PROXY` rules, and hiding a proxy's credentials in
//! messages. Pure: the environment is read once, by [`ProxyEnv::from_process`],
//! and the client ([`super::client::UreqClient`]) builds one agent per proxy.

use std::net::IpAddr;

use super::is_loopback_host;

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
    pub(super) fn proxies(&self) -> Vec<&str> {
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
pub(super) fn without_userinfo(url: &str) -> String {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `proxy` for both schemes, and NO_PROXY as given (shared with the
    /// client's tests).
    pub(crate) fn proxy_env(proxy: &str, no_proxy: Option<&str>) -> ProxyEnv {
        ProxyEnv {
            https_proxy: Some(proxy.to_string()),
            http_proxy: Some(proxy.to_string()),
            all_proxy: None,
            no_proxy: no_proxy.map(str::to_string),
        }
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
    }
}
