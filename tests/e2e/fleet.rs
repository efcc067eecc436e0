//! At fleet scale (issue "At fleet scale"): a provider or STS that throttles
//! with HTTP 429 and `Retry-After`, and `refresh --jitter`.

use crate::cache::get_cred_s;
use crate::faults::{DISCOVERY, get_cred_with, provider_behind_front, sts_behind_front};
use crate::support::{Run, Sandbox};

#[track_caller]
fn retries(run: &Run, reason: &str) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.contains("retry:") && l.contains(reason))
        .count()
}

fn verbose_get_cred_s(sandbox: &Sandbox) -> Run {
    get_cred_with(sandbox, &["-s"])
}

#[test]
fn provider_429_with_retry_after_1_twice_then_success() {
    let (sandbox, front, _) = provider_behind_front();
    front.arm_429(2, DISCOVERY, "1");
    let login = verbose_get_cred_s(&sandbox);
    login.assert_success();
    assert_eq!(front.attempts(DISCOVERY), 3, "{}", front.log());
    assert_eq!(retries(&login, "HTTP 429"), 2, "{}", login.streams());

    // The refresh-token grant at the token endpoint, likewise.
    let before = front.attempts("/token");
    front.arm_429(2, "/token", "1");
    let renewal = verbose_get_cred_s(&sandbox);
    renewal.assert_success();
    assert_eq!(front.attempts("/token"), before + 3);
    assert_eq!(retries(&renewal, "HTTP 429"), 2, "{}", renewal.streams());
    assert_eq!(sandbox.browser_runs(), 1, "renewed without a browser");
}

#[test]
fn a_provider_retry_after_beyond_the_budget_fails_at_once_and_keeps_the_token() {
    let (sandbox, front, _) = provider_behind_front();
    get_cred_s(&sandbox).assert_success();
    let before = front.attempts("/token");
    front.arm_429(1, "/token", "120");
    let run = get_cred_s(&sandbox);
    run.assert_code(1);
    assert_eq!(front.attempts("/token"), before + 1, "no retry");
    let token_url = format!("{}/token", front.url());
    assert!(
        run.stderr.contains(&token_url)
            && run.stderr.contains("HTTP 429")
            && run.stderr.contains("asked to wait 120 s"),
        "names the provider's endpoint and the wait{}",
        run.streams()
    );
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "throttling is no reason to log in"
    );
    // The refresh token survived: the next call renews silently.
    get_cred_s(&sandbox).assert_success();
    assert_eq!(sandbox.browser_runs(), 1);

    // `refresh` says so and exits 1 (an error), not 3 (log in).
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    front.arm_429(1, "/token", "120");
    let refresh = sandbox.run(&["refresh", "--within", "90"]);
    refresh.assert_code(1);
    assert!(
        refresh.stderr.contains("profile dev: ")
            && refresh.stderr.contains("asked to wait 120 s")
            && !refresh.stderr.contains("interactive login"),
        "{}",
        refresh.streams()
    );
}

#[test]
fn sts_retry_after_beyond_the_budget_fails_refresh_after_renewing_the_others() {
    let (sandbox, front) = sts_behind_front();
    for profile in ["first", "second"] {
        sandbox
            .run(&["login", "--profile", profile, "-p", "oidc"])
            .assert_success();
    }
    front.arm_429(1, "/", "60");
    let run = sandbox.run(&["refresh", "--within", "90"]);
    run.assert_code(1);
    assert_eq!(
        run.stderr.matches("asked to wait 60 s").count(),
        1,
        "{}",
        run.streams()
    );
    assert!(
        run.stderr.contains(front.url()) && run.stderr.contains("HTTP 429"),
        "names STS's endpoint{}",
        run.streams()
    );
    assert_eq!(
        run.stderr.matches("renewed profile ").count(),
        1,
        "the other profile is renewed{}",
        run.streams()
    );
}

#[test]
fn refresh_jitter_waits_only_when_a_profile_is_due() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();

    // Nothing due within 15 minutes of a one-hour session: no wait.
    let idle = sandbox.run(&["refresh", "--within", "15", "--jitter", "0"]);
    idle.assert_success();
    assert!(
        !idle.stderr.contains("waiting") && idle.stderr.contains("nothing to refresh"),
        "{}",
        idle.streams()
    );
    let idle = sandbox.run(&["refresh", "--within", "16", "--jitter", "1s"]);
    idle.assert_success();
    assert!(!idle.stderr.contains("waiting"), "{}", idle.streams());

    // Due: a wait of at most the jitter, then the renewal.
    let renew = sandbox.run(&["refresh", "--within", "90", "--jitter", "2s"]);
    renew.assert_success();
    let waiting = renew
        .stderr
        .lines()
        .find(|l| l.contains("waiting "))
        .unwrap_or_else(|| panic!("says it waits{}", renew.streams()));
    assert!(
        waiting.contains("(--jitter 2s) before renewing"),
        "{}",
        renew.streams()
    );
    assert!(
        renew.stderr.contains("renewed profile dev"),
        "{}",
        renew.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1);
}

#[test]
fn refresh_jitter_ends_on_ctrl_c() {
    use std::time::{Duration, Instant};
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    let mut child = sandbox
        .binary_command(&["refresh", "--within", "90", "--jitter", "60m"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start refresh");
    // Wait (bounded) for the "waiting" line, then send SIGINT.
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let seen = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
    let pid = child.id().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill -INT");
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(seen.contains("waiting "), "{seen}");
    use std::os::unix::process::ExitStatusExt;
    let status = status.unwrap_or_else(|| panic!("refresh --jitter ignored SIGINT"));
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

#[test]
fn a_provider_that_is_down_makes_refresh_fail_not_ask_for_a_login() {
    let (sandbox, front, _) = provider_behind_front();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    front.arm("503", 3, Some("/token"));
    let down = sandbox.run(&["refresh", "--within", "90"]);
    down.assert_code(1);
    assert!(
        down.stderr.contains("profile dev: ")
            && down.stderr.contains("503")
            && !down.stderr.contains("interactive login"),
        "{}",
        down.streams()
    );
    // The refresh token was kept: once the provider is back, all is well.
    let back = sandbox.run(&["refresh", "--within", "90"]);
    back.assert_success();
    assert!(
        back.stderr.contains("renewed profile dev"),
        "{}",
        back.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1);
}
