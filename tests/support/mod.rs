//! The end-to-end harness: real third-party peers on 127.0.0.1 and a sandbox
//! that runs our binary (and the real AWS CLI) against them.
//!
//! `Peers` starts `tests/peers/provider.mjs` (oidc-provider) and
//! `tests/peers/moto_sts.py` (moto's STS), reads their `READY <url>` lines and
//! kills their process groups on drop; their stdin is a pipe we hold, so they
//! also exit when this test process dies. `Sandbox` owns a temporary HOME with
//! `~/.aws-cli-oidc/config.yaml`, runs commands with a cleared environment, in
//! a new session (no controlling terminal, so nothing can prompt), and kills
//! the whole session after a timeout. The peers themselves are installed by
//! `bash tests/peers/install.sh`; a missing peer fails the test, it is never
//! skipped.

// Each scenario file uses a different part of this module.
#![allow(dead_code)]

pub mod fixture_time;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The AWS account every peer role lives in.
pub const ACCOUNT_ID: &str = "123456789012";
/// The SAML provider ARN in the provider's Role attributes.
pub const SAML_PROVIDER_ARN: &str = "arn:aws:iam::123456789012:saml-provider/e2e-idp";
/// How long a peer may take to print its READY line.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time a sandboxed command may run before it is killed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// `arn:aws:iam::123456789012:role/NAME`.
pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}")
}

/// The binary under test: ours, or `$AWS_CLI_OIDC_E2E_BIN` when set (to check
/// the scenarios themselves against another implementation of the contract).
pub fn binary() -> PathBuf {
    match std::env::var_os("AWS_CLI_OIDC_E2E_BIN") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_aws-cli-oidc")),
    }
}

/// `tests/peers` in this checkout.
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("peers")
}

/// `PATH` with the directory of the binary under test first, so scripts
/// can call it by name as a user's shell would.
pub fn path_with_binary() -> String {
    let bin = binary();
    let dir = bin.parent().unwrap_or(Path::new("."));
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_owned())
    )
}

/// For the completion tests: a HOME with providers `myop` and `work-sso`
/// (plus one whose name a shell would expand), profiles `default`, `dev`,
/// `prod-admin` in `~/.aws/config` and `legacy` in `~/.aws/credentials`.
pub fn completion_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join(".aws-cli-oidc");
    std::fs::create_dir_all(&cfg).unwrap();
    let provider = "  oidc_provider_metadata_url: https://idp.example/.well-known/openid-configuration\n  client_id: c\n  aws_federation_type: oidc\n";
    std::fs::write(
        cfg.join("config.yaml"),
        format!("myop:\n{provider}work-sso:\n{provider}\"$(touch pwned)\":\n{provider}"),
    )
    .unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n[profile prod-admin]\nregion = eu-west-1\n",
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[legacy]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
    )
    .unwrap();
    home
}

/// The `$BROWSER` script.
pub fn browser_script() -> PathBuf {
    peers_dir().join("browser.sh")
}

/// The venv's real AWS CLI (1.x).
pub fn aws_cli() -> PathBuf {
    peers_dir().join(".venv").join("bin").join("aws")
}

fn install_hint(what: &str) -> String {
    format!(
        "{what}: the end-to-end peers are not installed; run `bash tests/peers/install.sh` \
         (needs node, npm, python3 with venv, curl)"
    )
}

/// The peers' Python (tests/peers/.venv); a missing one fails the test.
fn venv_python() -> PathBuf {
    let python = peers_dir().join(".venv").join("bin").join("python");
    if !python.is_file() {
        panic!(
            "{}",
            install_hint("tests/peers/.venv/bin/python is missing")
        );
    }
    python
}

/// One started peer process (its own process group, stdin held open).
struct PeerProcess {
    name: &'static str,
    child: Child,
    url: String,
    log: PathBuf,
}

impl PeerProcess {
    fn spawn(name: &'static str, mut cmd: Command, log: PathBuf) -> PeerProcess {
        use std::os::unix::process::CommandExt as _;
        let stderr = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("cannot create peer log {}: {e}", log.display()));
        cmd.current_dir(peers_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .process_group(0);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{} ({e})", install_hint(&format!("cannot start {name}"))));
        let Some(stdout) = child.stdout.take() else {
            panic!("{name}: no stdout pipe");
        };
        let (tx, rx) = mpsc::channel();
        // Keep draining stdout for the peer's whole life so it never blocks on a full pipe.
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            for _ in lines.map_while(Result::ok) {}
        });
        let started = Instant::now();
        let line = match rx.recv_timeout(READY_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let status = child.try_wait().ok().flatten();
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                panic!(
                    "{name} printed no READY line within {:?} (exit status {status:?}); stderr:\n{}\n{}",
                    started.elapsed(),
                    tail.chars()
                        .rev()
                        .take(3000)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>(),
                    install_hint(name)
                );
            }
        };
        let Some(url) = line
            .strip_prefix("READY ")
            .map(str::trim)
            .map(str::to_owned)
        else {
            kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name}: first stdout line is {line:?}, expected `READY http://127.0.0.1:PORT`");
        };
        PeerProcess {
            name,
            child,
            url,
            log,
        }
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGKILL to the process group `pgid` (our children lead their own group).
pub fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether a process with this PID still exists (zombies excluded).
pub fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

/// The running identity provider and STS emulator.
pub struct Peers {
    provider: PeerProcess,
    moto: PeerProcess,
    logs: tempfile::TempDir,
    /// How long both took to print READY.
    pub startup: Duration,
}

impl Peers {
    /// Starts both peers with default settings. Panics (fails the test) with
    /// an install hint when a peer is missing.
    pub fn start() -> Peers {
        Peers::start_with(&[])
    }

    /// Starts both peers with extra environment for them, e.g.
    /// `("E2E_REFRESH_TOKEN_TTL", "5")` or `("E2E_PROVIDER_DEBUG", "1")`.
    pub fn start_with(env: &[(&str, &str)]) -> Peers {
        let dir = peers_dir();
        if !dir.join("node_modules").join("oidc-provider").is_dir() {
            panic!(
                "{}",
                install_hint("tests/peers/node_modules/oidc-provider is missing")
            );
        }
        let python = venv_python();
        let logs = tempfile::Builder::new()
            .prefix("aws-cli-oidc-peers.")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let started = Instant::now();

        let mut node = Command::new("node");
        node.arg("provider.mjs").arg("0");
        let mut py = Command::new(&python);
        py.arg("moto_sts.py").arg("0").env("PYTHONUNBUFFERED", "1");
        for (k, v) in env {
            node.env(k, v);
            py.env(k, v);
        }
        // Start both before waiting on either: moto's import dominates startup.
        let moto_log = logs.path().join("moto.log");
        let provider_log = logs.path().join("provider.log");
        // A panic in either spawn still drops (kills) the other peer.
        let moto_thread = thread::spawn(move || PeerProcess::spawn("moto_sts.py", py, moto_log));
        let provider = PeerProcess::spawn("provider.mjs", node, provider_log);
        let moto = match moto_thread.join() {
            Ok(moto) => moto,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Peers {
            provider,
            moto,
            logs,
            startup: started.elapsed(),
        }
    }

    /// Peers shared by every test in this process. They are never dropped;
    /// they exit when this process ends because their stdin pipe closes.
    pub fn shared() -> &'static Peers {
        static PEERS: OnceLock<Peers> = OnceLock::new();
        PEERS.get_or_init(Peers::start)
    }

    /// The provider's issuer, `http://127.0.0.1:PORT`.
    pub fn issuer(&self) -> &str {
        &self.provider.url
    }

    /// The provider's discovery document URL.
    pub fn metadata_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer())
    }

    /// moto's endpoint, `http://127.0.0.1:PORT` (for `AWS_ENDPOINT_URL_STS`).
    pub fn sts_endpoint(&self) -> &str {
        &self.moto.url
    }

    /// The PIDs of the provider and moto (each leads its own process group).
    pub fn pids(&self) -> [u32; 2] {
        [self.provider.child.id(), self.moto.child.id()]
    }

    /// The provider's request counters (`GET /__e2e/stats`): how many token
    /// requests and refresh grants it has seen.
    pub fn provider_stats(&self) -> serde_json::Value {
        let body = http_get(&format!("{}/__e2e/stats", self.issuer()));
        serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("provider stats are not JSON ({e}): {body:?}"))
    }

    /// Both peers' stderr so far, for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for peer in [&self.provider, &self.moto] {
            let text = std::fs::read_to_string(&peer.log).unwrap_or_default();
            let _ = write!(out, "--- {} stderr ---\n{text}\n", peer.name);
        }
        let _ = &self.logs;
        out
    }
}

/// `tests/peers/fault_front.py` in front of a peer: forwards to it, but fails
/// the next N requests with a chosen fault, and counts attempts per path.
/// Killed by PID on drop.
pub struct FaultFront {
    process: PeerProcess,
    logs: tempfile::TempDir,
}

impl FaultFront {
    /// A front forwarding to `target` (`http://127.0.0.1:PORT`).
    pub fn start(target: &str) -> FaultFront {
        let python = venv_python();
        let logs = tempfile::Builder::new()
            .prefix("aws-cli-oidc-front.")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let mut cmd = Command::new(python);
        cmd.arg("fault_front.py")
            .arg(target)
            .arg("0")
            .env("PYTHONUNBUFFERED", "1");
        let process = PeerProcess::spawn("fault_front.py", cmd, logs.path().join("front.log"));
        FaultFront { process, logs }
    }

    /// `http://127.0.0.1:PORT` of the front.
    pub fn url(&self) -> &str {
        &self.process.url
    }

    /// Fail the next `count` requests (to `path` only, when given) with
    /// `kind` (see fault_front.py).
    pub fn arm(&self, kind: &str, count: u32, path: Option<&str>) {
        let path = path.map(|p| format!("&path={p}")).unwrap_or_default();
        http_get(&format!(
            "{}/__fault/set?kind={kind}&count={count}{path}",
            self.url()
        ));
    }

    /// Answer the next `count` requests to `path` with HTTP 429 and
    /// `Retry-After: retry_after`.
    pub fn arm_429(&self, count: u32, path: &str, retry_after: &str) {
        http_get(&format!(
            "{}/__fault/set?kind=429&count={count}&path={path}&retry_after={retry_after}",
            self.url()
        ));
    }

    /// Answer the next request to `path`, after `after` more have passed
    /// through, with this canned status, content type and body.
    pub fn answer(&self, path: &str, after: u32, status: u16, content_type: &str, body: &str) {
        let spec = serde_json::json!({
            "kind": "answer",
            "count": 1,
            "path": path,
            "after": after,
            "status": status,
            "content_type": content_type,
            "body": body,
        });
        http_post_json(&format!("{}/__fault/set", self.url()), &spec.to_string());
    }

    /// Requests the front received for `path` (faulted ones included).
    pub fn attempts(&self, path: &str) -> u64 {
        let body = http_get(&format!("{}/__fault/stats", self.url()));
        let stats: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("front stats are not JSON ({e}): {body:?}"));
        stats["attempts"][path].as_u64().unwrap_or(0)
    }

    /// The front's stderr so far.
    pub fn log(&self) -> String {
        let _ = &self.logs;
        std::fs::read_to_string(&self.process.log).unwrap_or_default()
    }
}

/// A plain HTTP/1.1 GET of a loopback `http://` URL, bounded by timeouts;
/// returns the body. For the peers' own admin endpoints.
pub fn http_get(url: &str) -> String {
    http_call("GET", url, None)
}

/// A POST of a JSON `body`, like [`http_get`].
pub fn http_post_json(url: &str, body: &str) -> String {
    http_call("POST", url, Some(body))
}

fn http_call(method: &str, url: &str, body: Option<&str>) -> String {
    use std::io::Write as _;
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("http_get needs http://: {url}"));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = std::net::TcpStream::connect(authority)
        .unwrap_or_else(|e| panic!("cannot connect to {authority}: {e}"));
    let timeout = Some(Duration::from_secs(10));
    let _ = stream.set_read_timeout(timeout);
    let _ = stream.set_write_timeout(timeout);
    let payload = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    )
    .unwrap_or_else(|e| panic!("cannot send to {authority}: {e}"));
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "{method} {url} answered {head:?}"
    );
    body.to_owned()
}

/// `tests/peers/federation.py`: a stand-in for the AWS federation endpoint
/// that checks and records what `console` sends (one per test; killed on drop).
pub struct Federation {
    peer: PeerProcess,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

impl Federation {
    /// Starts the stand-in on a free port of 127.0.0.1.
    pub fn start() -> Federation {
        let python = venv_python();
        let dir = tempfile::Builder::new()
            .prefix("aws-cli-oidc-federation.")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let record = dir.path().join("requests.jsonl");
        let mut cmd = Command::new(python);
        cmd.arg("federation.py")
            .arg("0")
            .arg(&record)
            .env("PYTHONUNBUFFERED", "1");
        let peer = PeerProcess::spawn("federation.py", cmd, dir.path().join("federation.log"));
        Federation {
            peer,
            record,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT/federation`, for `AWS_CLI_OIDC_FEDERATION_ENDPOINT`.
    pub fn endpoint(&self) -> &str {
        &self.peer.url
    }

    /// The requests received so far, one JSON object each.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// What a sandboxed command did.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when killed (by the timeout or a signal).
    pub code: Option<i32>,
    /// Whether the harness killed it at the timeout.
    pub timed_out: bool,
    /// Captured stdout.
    pub stdout: String,
    /// Captured stderr.
    pub stderr: String,
    /// Wall time until exit or kill.
    pub elapsed: Duration,
}

impl Run {
    /// Panics with both streams unless the command exited with `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit ({}); {}",
            self.describe(),
            self.streams()
        );
        self
    }

    /// Panics with both streams unless the command exited 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        self.assert_code(0)
    }

    fn describe(&self) -> String {
        if self.timed_out {
            format!("killed at the timeout after {:?}", self.elapsed)
        } else {
            format!("code {:?} after {:?}", self.code, self.elapsed)
        }
    }

    /// Both streams, for assertion messages.
    pub fn streams(&self) -> String {
        format!(
            "\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` in a new session (no controlling terminal) with a timeout, then
/// kills whatever it left behind in that session.
pub fn run_bounded(cmd: &mut Command, timeout: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
    let out = child.stdout.take().map(read_in_thread);
    let err = child.stderr.take().map(read_in_thread);
    let mut timed_out = false;
    let status: Option<ExitStatus> = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                timed_out = true;
                kill_group(child.id());
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {:?} failed: {e}", cmd.get_program()),
        }
    };
    let elapsed = started.elapsed();
    // Leftovers (a browser job still running) die with the session.
    kill_group(child.id());
    let join =
        |h: Option<thread::JoinHandle<String>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    Run {
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        timed_out,
        stdout: join(out),
        stderr: join(err),
        elapsed,
    }
}

fn read_in_thread(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The default `config.yaml`: providers `oidc` (web identity, default role
/// `developer`), `saml` (token exchange of the access token), `saml_id`
/// (token exchange of the id token), `oidc_post` / `oidc_basic`
/// (confidential clients), `quick` (`login_timeout_seconds: 3`).
pub fn default_config(peers: &Peers) -> String {
    let meta = peers.metadata_url();
    let developer = role_arn("developer");
    format!(
        "\
oidc:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: oidc
  default_iam_role_arn: {developer}
  max_session_duration_seconds: 3600
  aws_region: us-east-1
  login_timeout_seconds: 30
saml:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: saml2
  max_session_duration_seconds: 3600
  oidc_provider_token_exchange_audience: urn:amazon:webservices
  oidc_provider_token_exchange_subject_token_type: urn:ietf:params:oauth:token-type:access_token
  login_timeout_seconds: 30
saml_id:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: saml2
  oidc_provider_token_exchange_audience: urn:amazon:webservices
  oidc_provider_token_exchange_subject_token_type: urn:ietf:params:oauth:token-type:id_token
  login_timeout_seconds: 30
oidc_post:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli-secret
  client_secret: e2e-secret
  aws_federation_type: oidc
  default_iam_role_arn: {developer}
  login_timeout_seconds: 30
oidc_basic:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli-basic
  client_secret: e2e-secret
  client_auth_method: client_secret_basic
  aws_federation_type: oidc
  default_iam_role_arn: {developer}
  login_timeout_seconds: 30
quick:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: oidc
  default_iam_role_arn: {developer}
  login_timeout_seconds: 3
"
    )
}

/// The README's section under the heading `title` (any level), without its
/// heading, up to the next heading of the same or a higher level; its own
/// sub-sections are included.
pub fn readme_section(title: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let level = |line: &str| {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        (hashes > 0 && line[hashes..].starts_with(' ')).then_some(hashes)
    };
    let mut out = String::new();
    let mut inside: Option<usize> = None;
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let heading = if fenced { None } else { level(line) };
        match (inside, heading) {
            (None, Some(n)) if line[n..].trim() == title => inside = Some(n),
            (Some(n), Some(m)) if m <= n => break,
            (Some(_), _) => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {}
        }
    }
    assert!(inside.is_some(), "README.md has no heading {title:?}");
    out
}

/// A bare temporary HOME without peers, for runs that need nothing but the
/// binary (hermetic tests, and runs that must fail fast).
pub struct Bare {
    /// The temporary HOME.
    pub home: tempfile::TempDir,
}

impl Bare {
    /// An empty HOME.
    pub fn new() -> Bare {
        let home = tempfile::Builder::new()
            .prefix("aws-cli-oidc-bare.")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary HOME: {e}"));
        Bare { home }
    }

    /// `HOME/.aws-cli-oidc`.
    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join(".aws-cli-oidc")
    }

    /// Writes `text` to `HOME/rel` (mode 0600), creating its directories.
    pub fn write(&self, rel: &str, text: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.home.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .unwrap_or_else(|e| panic!("cannot chmod {}: {e}", path.display()));
    }

    /// Runs `aws-cli-oidc ARGS` with only PATH and HOME set, without a terminal.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Like [`Bare::run`], with extra environment.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new("setsid");
        cmd.arg(binary())
            .args(args)
            .env_clear()
            .env(
                "PATH",
                std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
            )
            .env("HOME", self.home.path())
            .envs(env.iter().copied())
            .current_dir(self.home.path());
        run_bounded(&mut cmd, Duration::from_secs(20))
    }
}

/// A temporary HOME plus the environment our binary and `aws` run with.
pub struct Sandbox {
    home: tempfile::TempDir,
    issuer: String,
    sts_endpoint: String,
    /// `E2E_USER` for browser.sh.
    pub user: String,
    /// `E2E_MODE` for browser.sh.
    pub mode: String,
    /// Kill a command after this long.
    pub timeout: Duration,
    extra_env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox against the shared peers, with the default config written.
    pub fn new() -> Sandbox {
        Sandbox::with_peers(Peers::shared())
    }

    /// A sandbox against `peers`, with the default config written.
    pub fn with_peers(peers: &Peers) -> Sandbox {
        let home = tempfile::Builder::new()
            .prefix("aws-cli-oidc-e2e.")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary HOME: {e}"));
        for dir in [".aws-cli-oidc", ".aws", "e2e"] {
            std::fs::create_dir_all(home.path().join(dir))
                .unwrap_or_else(|e| panic!("cannot create {dir} in the temporary HOME: {e}"));
        }
        let sandbox = Sandbox {
            home,
            issuer: peers.issuer().to_owned(),
            sts_endpoint: peers.sts_endpoint().to_owned(),
            user: "alice".to_owned(),
            mode: "normal".to_owned(),
            timeout: COMMAND_TIMEOUT,
            extra_env: Vec::new(),
        };
        sandbox.write_config(&default_config(peers));
        sandbox
    }

    /// Sets `E2E_USER` (alice, bob, dave or erin; see tests/peers/README.md).
    pub fn user(mut self, user: &str) -> Sandbox {
        user.clone_into(&mut self.user);
        self
    }

    /// Sets `E2E_MODE` (normal, deny, never, forge).
    pub fn mode(mut self, mode: &str) -> Sandbox {
        mode.clone_into(&mut self.mode);
        self
    }

    /// Sets the kill timeout for commands.
    pub fn timeout(mut self, timeout: Duration) -> Sandbox {
        self.timeout = timeout;
        self
    }

    /// Adds an environment variable for every command.
    pub fn env(mut self, key: &str, value: &str) -> Sandbox {
        self.extra_env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The temporary HOME.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The issuer of the provider this sandbox uses.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `$AWS_CLI_OIDC_CONFIG`, the config directory.
    pub fn config_dir(&self) -> PathBuf {
        self.home().join(".aws-cli-oidc")
    }

    /// `~/.aws-cli-oidc/config.yaml`.
    pub fn config_path(&self) -> PathBuf {
        self.config_dir().join("config.yaml")
    }

    /// Replaces `config.yaml`.
    pub fn write_config(&self, yaml: &str) {
        let path = self.config_path();
        std::fs::write(&path, yaml)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// `AWS_CONFIG_FILE`.
    pub fn aws_config_path(&self) -> PathBuf {
        self.home().join(".aws").join("config")
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub fn aws_credentials_path(&self) -> PathBuf {
        self.home().join(".aws").join("credentials")
    }

    /// `E2E_DIR`, where browser.sh records its runs.
    pub fn e2e_dir(&self) -> PathBuf {
        self.home().join("e2e")
    }

    /// How many times browser.sh started.
    pub fn browser_runs(&self) -> usize {
        std::fs::read_to_string(self.e2e_dir().join("browser_runs"))
            .map(|s| s.lines().count())
            .unwrap_or(0)
    }

    /// The HTTP status browser.sh got for its forged callback, once recorded.
    pub fn forged_status(&self) -> Option<u16> {
        std::fs::read_to_string(self.e2e_dir().join("forged_status"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
    }

    /// browser.sh's log.
    pub fn browser_log(&self) -> String {
        std::fs::read_to_string(self.e2e_dir().join("browser.log")).unwrap_or_default()
    }

    /// The environment every command gets (on top of a cleared one).
    pub fn envs(&self) -> Vec<(String, String)> {
        let path = |p: PathBuf| p.to_string_lossy().into_owned();
        let mut env = vec![
            (
                "PATH".to_owned(),
                std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_owned()),
            ),
            ("HOME".to_owned(), path(self.home().to_path_buf())),
            ("AWS_CLI_OIDC_CONFIG".to_owned(), path(self.config_dir())),
            ("BROWSER".to_owned(), path(browser_script())),
            ("E2E_DIR".to_owned(), path(self.e2e_dir())),
            ("E2E_USER".to_owned(), self.user.clone()),
            ("E2E_MODE".to_owned(), self.mode.clone()),
            ("AWS_ENDPOINT_URL_STS".to_owned(), self.sts_endpoint.clone()),
            ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
            ("AWS_DEFAULT_REGION".to_owned(), "us-east-1".to_owned()),
            ("AWS_CONFIG_FILE".to_owned(), path(self.aws_config_path())),
            (
                "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
                path(self.aws_credentials_path()),
            ),
            // botocore must not wander off to the instance metadata service.
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        ];
        env.extend(self.extra_env.iter().cloned());
        env
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        // setsid: a new session without a controlling terminal, so the program
        // cannot prompt on /dev/tty, and the timeout can kill everything it started.
        let mut cmd = Command::new("setsid");
        cmd.arg(program)
            .args(args)
            .env_clear()
            .envs(self.envs())
            .current_dir(self.home());
        cmd
    }

    /// `aws-cli-oidc ARGS` with the sandbox environment, not started: for a
    /// test that must signal the running process. The caller kills it.
    pub fn binary_command(&self, args: &[&str]) -> Command {
        self.command(&binary(), args)
    }

    /// Runs `aws-cli-oidc ARGS` with the sandbox environment and timeout.
    pub fn run(&self, args: &[&str]) -> Run {
        run_bounded(&mut self.command(&binary(), args), self.timeout)
    }

    /// Runs `aws-cli-oidc ARGS` with extra (or overriding) environment, e.g.
    /// `("BROWSER", "")` for a caller that can reach nobody.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(&binary(), args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_bounded(&mut cmd, self.timeout)
    }

    /// Runs the real AWS CLI (tests/peers/.venv/bin/aws) with the same environment.
    pub fn aws(&self, args: &[&str]) -> Run {
        let aws = aws_cli();
        if !aws.is_file() {
            panic!("{}", install_hint("tests/peers/.venv/bin/aws is missing"));
        }
        run_bounded(&mut self.command(&aws, args), self.timeout)
    }

    /// Runs `aws` with extra environment (e.g. static credentials).
    pub fn aws_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let aws = aws_cli();
        let mut cmd = self.command(&aws, args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_bounded(&mut cmd, self.timeout)
    }

    /// The caller ARN `aws sts get-caller-identity` reports for these static
    /// keys (fails the test when the call fails).
    #[track_caller]
    pub fn caller_arn_with_keys(&self, key: &str, secret: &str, token: &str) -> String {
        let run = self.aws_with_env(
            &[
                "sts",
                "get-caller-identity",
                "--output",
                "text",
                "--query",
                "Arn",
            ],
            &[
                ("AWS_ACCESS_KEY_ID", key),
                ("AWS_SECRET_ACCESS_KEY", secret),
                ("AWS_SESSION_TOKEN", token),
            ],
        );
        run.assert_success();
        run.stdout.trim().to_owned()
    }

    /// Starts browser.sh with `url` in the sandbox environment, like the CLI
    /// would, and returns once the script returned (its flow goes on in a
    /// background job). Returns the job's process group for `kill_group`.
    pub fn open_browser(&self, url: &str) -> u32 {
        use std::os::unix::process::CommandExt as _;
        let mut cmd = Command::new(browser_script());
        cmd.arg(url)
            .env_clear()
            .envs(self.envs())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start browser.sh: {e}"));
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    assert!(
                        status.success(),
                        "browser.sh exited with {status}; log:\n{}",
                        self.browser_log()
                    );
                    return child.id();
                }
                Ok(None) if started.elapsed() > Duration::from_secs(10) => {
                    kill_group(child.id());
                    let _ = child.wait();
                    panic!("browser.sh did not return within 10 s");
                }
                Ok(None) => thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("waiting for browser.sh failed: {e}"),
            }
        }
    }
}

impl Default for Sandbox {
    fn default() -> Sandbox {
        Sandbox::new()
    }
}

/// How long a test waits for text to appear in a tmux pane.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(30);

// A real pseudo-terminal, for prompts that go to /dev/tty.
/// One tmux server on a private socket, killed on drop.
pub struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `program args…` in a 120×40 pane with exactly `env`. When it
    /// exits the pane prints `EXIT:<code>` and stays for capture.
    pub fn start(env: &[(String, String)], program: &Path, args: &[&str]) -> Tmux {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::Builder::new()
            .prefix(&format!(
                "aws-cli-oidc-tmux-{}-",
                N.fetch_add(1, Ordering::Relaxed)
            ))
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a tmux directory: {e}"));
        let tmux = Tmux { dir };
        let mut argv: Vec<String> = vec![
            "new-session".into(),
            "-d".into(),
            "-x".into(),
            "120".into(),
            "-y".into(),
            "40".into(),
            "env".into(),
            "-i".into(),
            "TERM=screen".into(),
        ];
        argv.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        argv.extend([
            "sh".into(),
            "-c".into(),
            // stdout goes to a file, so a test can prove that prompts
            // went to the terminal through stderr only.
            // `trap : INT` keeps this shell alive through a Ctrl-C sent to
            // the program (the program still gets the default action).
            "trap : INT; out=$1; shift; \"$@\" >\"$out\"; echo \"EXIT:$?\"; sleep 300".into(),
            "sh".into(),
            tmux.stdout_path().to_string_lossy().into_owned(),
            program.to_string_lossy().into_owned(),
        ]);
        argv.extend(args.iter().map(|a| (*a).to_string()));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        tmux.tmux(&argv);
        tmux
    }

    pub fn stdout_path(&self) -> PathBuf {
        self.dir.path().join("stdout")
    }

    /// What the program wrote to stdout.
    pub fn stdout(&self) -> String {
        let path = self.stdout_path();
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(self.dir.path().join("sock"))
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env_remove("TMUX")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run tmux ({e}); install it: apt-get install -y tmux")
            });
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The whole pane, scrollback included, wrapped lines joined.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-E", "-"])
    }

    /// Polls the pane until it contains `text`; fails after [`SCREEN_TIMEOUT`].
    #[track_caller]
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} did not appear within {SCREEN_TIMEOUT:?}; screen:\n{screen}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for `prompt`, then types `answer` and Enter.
    #[track_caller]
    pub fn answer(&self, prompt: &str, answer: &str) {
        self.wait_for(prompt);
        if !answer.is_empty() {
            self.tmux(&["send-keys", "-l", answer]);
        }
        self.tmux(&["send-keys", "Enter"]);
    }

    /// Sends one named key (`Down`, `C-c`, …).
    pub fn key(&self, name: &str) {
        self.tmux(&["send-keys", name]);
    }

    /// The exit code the pane printed.
    #[track_caller]
    pub fn exit_code(&self) -> (i32, String) {
        let screen = self.wait_for("EXIT:");
        let code = screen
            .split("EXIT:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no exit code on screen:\n{screen}"));
        (code, screen)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(self.dir.path().join("sock"))
            .arg("kill-server")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Parsed `export KEY=VALUE` lines (values may be single- or double-quoted).
pub fn parse_exports(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("export "))
        .filter_map(|rest| rest.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let unquoted = v
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .unwrap_or(v);
            (k.trim().to_owned(), unquoted.to_owned())
        })
        .collect()
}
