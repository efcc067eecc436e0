//! End-to-end network settings against the real peers: the provider over
//! TLS with a private CA (`E2E_TLS=1`, certificates in `fixtures/oidc/tls`),
//! with and without the CA bundle and with `insecure_skip_verify`, and a real
//! proxy (tinyproxy) between our binary and both peers.
//!
//! browser.sh's curl trusts the test CA through `CURL_CA_BUNDLE`; our binary
//! never reads that variable, so it proves nothing for us. tinyproxy comes
//! from the system's packages (`bash tests/peers/install.sh` installs it).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{Peers, Run, Sandbox, default_config};

fn tls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("oidc")
        .join("tls")
}

fn ca_pem() -> String {
    tls_dir().join("ca.pem").to_string_lossy().into_owned()
}

/// Peers whose provider serves https with the test CA's certificate.
fn tls_peers() -> &'static Peers {
    static PEERS: OnceLock<Peers> = OnceLock::new();
    PEERS.get_or_init(|| Peers::start_with(&[("E2E_TLS", "1")]))
}

/// A sandbox against the TLS peers whose browser trusts the test CA.
fn tls_sandbox() -> Sandbox {
    let peers = tls_peers();
    assert!(
        peers.issuer().starts_with("https://127.0.0.1:"),
        "E2E_TLS=1 must give an https issuer, got {}",
        peers.issuer()
    );
    Sandbox::with_peers(peers).env("CURL_CA_BUNDLE", &ca_pem())
}

/// The default config with `extra` (indented YAML lines) added to provider `oidc`.
fn config_with_oidc_keys(peers: &Peers, extra: &str) -> String {
    let config = default_config(peers);
    let replaced = config.replacen("oidc:\n", &format!("oidc:\n{extra}"), 1);
    assert_ne!(
        replaced, config,
        "the default config has no `oidc:` provider"
    );
    replaced
}

fn assert_credentials(run: &Run) {
    run.assert_success();
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}){}", run.streams()));
    for key in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert!(
            doc[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} missing{}",
            run.streams()
        );
    }
}

#[test]
fn tls_provider_works_with_the_ca_bundle_config_key() {
    let sandbox = tls_sandbox();
    sandbox.write_config(&config_with_oidc_keys(
        tls_peers(),
        &format!("  ca_bundle: {}\n", ca_pem()),
    ));
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    assert_credentials(&run);
    assert!(
        sandbox.browser_log().contains("client answered HTTP 200"),
        "{}",
        sandbox.browser_log()
    );
}

#[test]
fn tls_provider_works_with_aws_ca_bundle() {
    let sandbox = tls_sandbox().env("AWS_CA_BUNDLE", &ca_pem());
    let run = sandbox.run(&["get-cred", "-p", "saml", "-j"]);
    assert_credentials(&run);
}

#[test]
fn tls_provider_without_the_bundle_fails_naming_url_and_remedy() {
    let sandbox = tls_sandbox();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    run.assert_code(1);
    let metadata_url = tls_peers().metadata_url();
    for needle in [
        metadata_url.as_str(),
        "certificate",
        "ca_bundle",
        "AWS_CA_BUNDLE",
    ] {
        assert!(
            run.stderr.contains(needle),
            "the error should mention {needle:?}{}",
            run.streams()
        );
    }
    assert!(run.stdout.trim().is_empty(), "{}", run.streams());
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "no browser before discovery works"
    );
}

#[test]
fn insecure_skip_verify_works_and_warns_loudly() {
    let sandbox = tls_sandbox();
    sandbox.write_config(&config_with_oidc_keys(
        tls_peers(),
        "  insecure_skip_verify: true\n",
    ));
    for _ in 0..2 {
        let run = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
        assert_credentials(&run);
        assert!(
            run.stderr.contains("insecure_skip_verify") && run.stderr.contains("NOT verified"),
            "every use warns{}",
            run.streams()
        );
    }
}

// ---------------------------------------------------------------------------
// A real proxy.
// ---------------------------------------------------------------------------

/// tinyproxy on 127.0.0.1 with a generated config and a log in a temporary
/// directory. Killed by PID when dropped; a watchdog (bash, holding our
/// pipe) also kills it by PID if this test process dies or after 5 minutes.
struct Tinyproxy {
    child: Child,
    watchdog: Child,
    _watchdog_stdin: ChildStdin,
    dir: tempfile::TempDir,
    port: u16,
}

impl Tinyproxy {
    /// Starts tinyproxy allowing CONNECT to `ports` only.
    fn start(ports: &[u16]) -> Tinyproxy {
        let mut last_error = String::new();
        for _ in 0..3 {
            match Tinyproxy::try_start(ports) {
                Ok(proxy) => return proxy,
                Err(e) => last_error = e,
            }
        }
        panic!("{last_error}");
    }

    fn try_start(ports: &[u16]) -> Result<Tinyproxy, String> {
        use std::os::unix::process::CommandExt as _;
        let dir = tempfile::Builder::new()
            .prefix("aws-cli-oidc-tinyproxy.")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        // A free port now; tinyproxy failing to bind it later is retried.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let log = dir.path().join("tinyproxy.log");
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nBind 127.0.0.1\nTimeout 20\nMaxClients 20\n\
             LogFile \"{}\"\nLogLevel Info\nAllow 127.0.0.1\nDisableViaHeader Yes\n",
            log.display()
        );
        for p in ports {
            conf.push_str(&format!("ConnectPort {p}\n"));
        }
        let conf_path = dir.path().join("tinyproxy.conf");
        std::fs::write(&conf_path, conf).map_err(|e| format!("cannot write the config: {e}"))?;
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start tinyproxy ({e}); run `bash tests/peers/install.sh` \
                     (it installs tinyproxy with apt-get)"
                )
            })?;
        let pid = child.id();
        let mut watchdog = Command::new("bash")
            .arg("-c")
            .arg(format!("read -r -t 300 _; kill -KILL {pid} 2>/dev/null"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the watchdog: {e}"))?;
        let Some(watchdog_stdin) = watchdog.stdin.take() else {
            return Err("the watchdog has no stdin pipe".into());
        };
        let mut proxy = Tinyproxy {
            child,
            watchdog,
            _watchdog_stdin: watchdog_stdin,
            dir,
            port,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if proxy.log().contains("Accepting connections") {
                return Ok(proxy);
            }
            if let Ok(Some(status)) = proxy.child.try_wait() {
                return Err(format!(
                    "tinyproxy exited with {status} before listening on 127.0.0.1:{port}; log:\n{}",
                    proxy.log()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "tinyproxy did not start within 10 s; log:\n{}",
            proxy.log()
        ))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("tinyproxy.log")).unwrap_or_default()
    }

    /// The `CONNECT host:port` request lines tinyproxy logged.
    fn connects(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|l| l.split_once("): CONNECT ").map(|(_, rest)| rest))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
    }
}

fn port_of(url: &str) -> u16 {
    url.trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {url}"))
}

#[test]
fn proxy_carries_provider_and_sts_requests_when_no_proxy_is_set() {
    let peers = Peers::shared();
    let provider_port = port_of(peers.issuer());
    let sts_port = port_of(peers.sts_endpoint());
    let proxy = Tinyproxy::start(&[provider_port, sts_port]);
    let with_proxy = |sandbox: Sandbox| {
        sandbox
            .env("HTTPS_PROXY", &proxy.url())
            .env("HTTP_PROXY", &proxy.url())
    };

    // NO_PROXY unset: loopback peers are reached directly.
    let direct = with_proxy(Sandbox::new());
    let run = direct.run(&["get-cred", "-p", "oidc", "-j", "-vv"]);
    assert_credentials(&run);
    assert!(
        proxy.connects().is_empty(),
        "nothing may go through the proxy without NO_PROXY:\n{}",
        proxy.log()
    );
    assert!(run.stderr.contains(" direct"), "{}", run.streams());

    // NO_PROXY set (to a name that matches nothing here): followed exactly.
    let proxied = with_proxy(Sandbox::new()).env("NO_PROXY", "example.invalid");
    let run = proxied.run(&["get-cred", "-p", "saml", "-j", "-vv"]);
    assert_credentials(&run);
    let connects = proxy.connects();
    for port in [provider_port, sts_port] {
        let target = format!("127.0.0.1:{port}");
        assert!(
            connects.contains(&target),
            "tinyproxy saw no CONNECT {target}: {connects:?}\n{}",
            proxy.log()
        );
    }
    assert!(
        run.stderr
            .contains(&format!("via proxy http://127.0.0.1:{}", proxy.port)),
        "{}",
        run.streams()
    );
    eprintln!("tinyproxy CONNECT requests: {connects:?}");
}

#[test]
fn tls_provider_through_the_proxy_with_aws_ca_bundle() {
    let peers = tls_peers();
    let provider_port = port_of(peers.issuer());
    let sts_port = port_of(peers.sts_endpoint());
    let proxy = Tinyproxy::start(&[provider_port, sts_port]);
    // browser.sh's curl also takes HTTPS_PROXY for the https provider; the
    // http:// callback stays direct (curl ignores an upper-case HTTP_PROXY).
    let sandbox = tls_sandbox()
        .env("AWS_CA_BUNDLE", &ca_pem())
        .env("HTTPS_PROXY", &proxy.url())
        .env("HTTP_PROXY", &proxy.url())
        .env("NO_PROXY", "example.invalid");
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    assert_credentials(&run);
    let connects = proxy.connects();
    for port in [provider_port, sts_port] {
        let target = format!("127.0.0.1:{port}");
        assert!(
            connects.contains(&target),
            "tinyproxy saw no CONNECT {target}: {connects:?}\n{}",
            proxy.log()
        );
    }
}
