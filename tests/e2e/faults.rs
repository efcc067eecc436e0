//! Transient faults (issue "Trust in the field", item 2): a fault-injecting
//! front (tests/peers/fault_front.py) between the CLI and moto's STS or the
//! provider fails the first requests; the CLI retries what the AWS SDKs
//! retry, and only that.

use crate::cache::{FORCE_MISS, config_with_oidc_extra, creds_json, get_cred_s};
use crate::support::{FaultFront, Peers, Run, Sandbox, role_arn};

/// moto answers STS calls at `/`.
const STS_PATH: &str = "/";

/// `-v get-cred -p oidc -r developer -j`.
pub(crate) fn get_cred(sandbox: &Sandbox) -> Run {
    get_cred_with(sandbox, &[])
}

/// [`get_cred`] with more arguments, e.g. `-s`.
pub(crate) fn get_cred_with(sandbox: &Sandbox, more: &[&str]) -> Run {
    let role = role_arn("developer");
    let mut args = vec!["-v", "get-cred", "-p", "oidc", "-r", &role, "-j"];
    args.extend_from_slice(more);
    sandbox.run(&args)
}

/// A sandbox whose STS calls go through a new front.
pub(crate) fn sts_behind_front() -> (Sandbox, FaultFront) {
    let peers = Peers::shared();
    let front = FaultFront::start(peers.sts_endpoint());
    let sandbox = Sandbox::with_peers(peers).env("AWS_ENDPOINT_URL_STS", front.url());
    (sandbox, front)
}

#[track_caller]
fn assert_retried(run: &Run, times: usize, reason: &str) {
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("retry:"))
        .collect();
    assert_eq!(lines.len(), times, "{}", run.streams());
    assert!(
        lines.iter().all(|l| l.contains(reason)),
        "-v names the reason {reason:?}{}",
        run.streams()
    );
}

#[test]
fn sts_503_twice_then_success() {
    let (sandbox, front) = sts_behind_front();
    front.arm("503", 2, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_success();
    creds_json(&run);
    assert_eq!(front.attempts(STS_PATH), 3, "{}", front.log());
    assert_retried(&run, 2, "HTTP 503");
    assert_eq!(sandbox.browser_runs(), 1, "one login for all attempts");
}

#[test]
fn sts_throttling_twice_then_success() {
    let (sandbox, front) = sts_behind_front();
    front.arm("throttling", 2, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_success();
    assert_eq!(front.attempts(STS_PATH), 3);
    assert_retried(&run, 2, "HTTP 400 Throttling");
}

#[test]
fn sts_idp_communication_error_twice_then_success() {
    let (sandbox, front) = sts_behind_front();
    front.arm("idp_error", 2, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_success();
    assert_eq!(front.attempts(STS_PATH), 3);
    assert_retried(&run, 2, "IDPCommunicationError");
}

#[test]
fn sts_connection_reset_twice_then_success() {
    let (sandbox, front) = sts_behind_front();
    front.arm("reset", 2, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_success();
    assert_eq!(front.attempts(STS_PATH), 3);
    assert_retried(&run, 2, "reset or timed out");
}

#[test]
fn sts_429_waits_for_retry_after() {
    let (sandbox, front) = sts_behind_front();
    front.arm("429", 1, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_success();
    assert_eq!(front.attempts(STS_PATH), 2);
    assert_retried(&run, 1, "in 1000 ms");
}

#[test]
fn three_faults_fail_with_the_last_answer() {
    let (sandbox, front) = sts_behind_front();
    front.arm("503", 5, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_code(1);
    assert_eq!(front.attempts(STS_PATH), 3, "at most three attempts");
    assert!(run.stderr.contains("503"), "{}", run.streams());
}

#[test]
fn non_retryable_sts_errors_are_tried_once() {
    for kind in ["access_denied", "invalid_identity_token"] {
        let (sandbox, front) = sts_behind_front();
        front.arm(kind, 1, Some(STS_PATH));
        let run = get_cred(&sandbox);
        run.assert_code(1);
        assert_eq!(front.attempts(STS_PATH), 1, "{kind}{}", run.streams());
        assert_retried(&run, 0, "");
    }
}

#[test]
fn a_hung_sts_ends_with_a_timeout_naming_the_url() {
    let (sandbox, front) = sts_behind_front();
    front.arm("hang", 1, Some(STS_PATH));
    let run = get_cred(&sandbox);
    run.assert_code(1);
    assert!(
        run.stderr.contains("no answer in time") && run.stderr.contains(front.url()),
        "{}",
        run.streams()
    );
    assert_eq!(
        front.attempts(STS_PATH),
        1,
        "a timeout past the budget is not retried"
    );
}

/// The provider's discovery path.
pub(crate) const DISCOVERY: &str = "/.well-known/openid-configuration";

/// A sandbox whose provider requests (discovery, token) go through a new
/// front; its config.yaml (every `-s` call renews), for more sandboxes.
pub(crate) fn provider_behind_front() -> (Sandbox, FaultFront, String) {
    let peers = Peers::shared();
    let front = FaultFront::start(peers.issuer());
    let sandbox = Sandbox::with_peers(peers);
    let config = config_with_oidc_extra(peers, FORCE_MISS).replace(
        &peers.metadata_url(),
        &format!("{}{DISCOVERY}", front.url()),
    );
    sandbox.write_config(&config);
    (sandbox, front, config)
}

#[test]
fn provider_faults_on_discovery_and_refresh_are_retried_but_codes_are_not_resent() {
    let peers = Peers::shared();
    let (sandbox, front, config) = provider_behind_front();
    let discovery = DISCOVERY;

    // Discovery: 502 twice, then the login goes on.
    front.arm("502", 2, Some(discovery));
    get_cred_s(&sandbox).assert_success();
    assert_eq!(front.attempts(discovery), 3);
    let token_requests = front.attempts("/token");
    assert_eq!(token_requests, 1, "one code grant");

    // A refresh grant: 503 twice, then renewed without a browser.
    front.arm("503", 2, Some("/token"));
    let renewal = get_cred_s(&sandbox);
    renewal.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "{}", renewal.streams());
    assert_eq!(front.attempts("/token"), token_requests + 3);

    // An authorization code that reached the server is never sent again.
    let fresh = Sandbox::with_peers(peers);
    fresh.write_config(&config);
    let before = front.attempts("/token");
    front.arm("503", 1, Some("/token"));
    let login = get_cred_s(&fresh);
    login.assert_code(1);
    assert_eq!(front.attempts("/token"), before + 1, "{}", login.streams());
}
