//! End-to-end device login (RFC 8628) against the real oidc-provider and
//! moto: `--device` with browser.sh approving `verification_uri_complete`,
//! a denial, the automatic choice over SSH without a browser, and
//! `--no-browser` keeping the loopback login over SSH (the `ssh -L` recipe).
//!
//! The provider names no `interval`, so each device login polls after the
//! RFC's default 5 s: these tests take that long by design.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{self, Run, Sandbox};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The user code in the prompt's `code: XXXX-XXXX` line.
fn user_code(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("code: "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

/// The first indented URL on stderr (the prompt prints it on its own line).
fn printed_url(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http://") || l.starts_with("https://"))
        .map(str::to_owned)
}

fn assert_credentials_json(run: &Run) {
    let doc = json(&run.stdout);
    for key in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert!(
            doc[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {doc}{}",
            run.streams()
        );
    }
}

/// Runs our binary like `Sandbox::run`, but with `env` on top of the sandbox
/// environment and a live view of stderr: the first URL printed there is
/// opened with browser.sh by the test itself, as a person on another machine
/// would. Bounded by the sandbox timeout; the whole session is killed after.
fn run_opening_printed_url(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new("setsid");
    cmd.arg(support::binary())
        .args(args)
        .env_clear()
        .envs(sandbox.envs())
        .envs(env.iter().copied())
        .current_dir(sandbox.home())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start aws-cli-oidc under setsid");
    let stdout = child.stdout.take().expect("stdout pipe");
    let stderr = child.stderr.take().expect("stderr pipe");
    let out = thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let (url_tx, url_rx) = mpsc::channel();
    let err = thread::spawn(move || {
        let mut all = String::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let trimmed = line.trim();
            if !sent && (trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
                let _ = url_tx.send(trimmed.to_owned());
                sent = true;
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut browser = None;
    let mut timed_out = false;
    let status = loop {
        if browser.is_none()
            && let Ok(url) = url_rx.try_recv()
        {
            browser = Some(sandbox.open_browser(&url));
        }
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= sandbox.timeout => {
                timed_out = true;
                support::kill_group(child.id());
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for aws-cli-oidc failed: {e}"),
        }
    };
    let elapsed = started.elapsed();
    support::kill_group(child.id());
    if let Some(pgid) = browser {
        support::kill_group(pgid);
    }
    Run {
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        timed_out,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed,
    }
}

#[test]
fn get_cred_device_flow_approved_via_verification_uri_complete() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "--device", "-j"]);
    run.assert_success();
    assert_credentials_json(&run);
    // The prompt: the complete URI on its own line, then the code.
    let code = user_code(&run.stderr)
        .unwrap_or_else(|| panic!("no `code:` line on stderr{}", run.streams()));
    let url =
        printed_url(&run.stderr).unwrap_or_else(|| panic!("no URL on stderr{}", run.streams()));
    assert!(
        url.starts_with(&format!("{}/device", sandbox.issuer())),
        "{url}"
    );
    assert!(url.contains(&code), "{url} carries the user code {code}");
    assert!(
        run.stderr
            .contains("open this URL in a browser on any device"),
        "{}",
        run.streams()
    );
    // With a usable $BROWSER, --device also opens the page, like gh does.
    assert_eq!(sandbox.browser_runs(), 1, "{}", sandbox.browser_log());
    // stderr is a pipe here: no spinner, no escape sequences.
    assert!(!run.stderr.contains('\x1b'), "{}", run.streams());
    // The device code itself is never shown.
    assert!(!run.stderr.contains("device_code"), "{}", run.streams());
    eprintln!("--- device prompt on stderr ---\n{}", run.stderr);
}

#[test]
fn get_cred_device_flow_denied_says_so() {
    let sandbox = Sandbox::new().mode("deny");
    let run = sandbox.run(&["get-cred", "-p", "oidc", "--device", "-j"]);
    run.assert_code(1);
    assert!(run.stdout.trim().is_empty(), "{}", run.streams());
    assert!(
        run.stderr.contains("was denied")
            && run
                .stderr
                .contains("run the command again and approve the request"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1, "{}", sandbox.browser_log());
    eprintln!("--- device denial on stderr ---\n{}", run.stderr);
}

#[test]
fn get_cred_over_ssh_without_browser_chooses_the_device_flow() {
    let sandbox = Sandbox::new();
    let run = run_opening_printed_url(
        &sandbox,
        &["get-cred", "-p", "oidc", "-j"],
        &[
            ("BROWSER", ""),
            ("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22"),
        ],
    );
    run.assert_success();
    assert_credentials_json(&run);
    assert!(
        run.stderr.contains("logging in with a device code instead"),
        "{}",
        run.streams()
    );
    assert!(user_code(&run.stderr).is_some(), "{}", run.streams());
    // Only the test opened the page: the CLI launched no browser.
    assert_eq!(sandbox.browser_runs(), 1, "{}", sandbox.browser_log());
}

#[test]
fn get_cred_over_ssh_with_no_browser_keeps_the_loopback_login() {
    let sandbox = Sandbox::new();
    let run = run_opening_printed_url(
        &sandbox,
        &["get-cred", "-p", "oidc", "--no-browser", "-j"],
        &[
            ("BROWSER", ""),
            ("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22"),
        ],
    );
    run.assert_success();
    assert_credentials_json(&run);
    let url = printed_url(&run.stderr).unwrap_or_default();
    assert!(url.contains("redirect_uri="), "{url}{}", run.streams());
    assert!(user_code(&run.stderr).is_none(), "{}", run.streams());
}
