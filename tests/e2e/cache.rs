//! End-to-end secret cache and session policy against real peers: the
//! `credential_process` path (`get-cred -s`), single-flight cold starts,
//! silent refresh-token renewal and rotation, the fallbacks when the grant
//! is gone, the cron `refresh` command, the file store without a Secret
//! Service, and `clear-secret`. Install the peers first:
//! `bash tests/peers/install.sh`.
//!
//! The harness clears the environment, so `DBUS_SESSION_BUS_ADDRESS` is
//! unset and `secret_store: auto` always lands on the file store under
//! `<config dir>/cache`; the tests read and tamper with those files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Peers, Run, Sandbox, default_config, role_arn};

/// Provider debug events (`E2E_PROVIDER_DEBUG=1`) go to its stderr log.
const DEBUG: (&str, &str) = ("E2E_PROVIDER_DEBUG", "1");

fn cache_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.config_dir().join("cache")
}

/// File names in the cache directory, sorted (`.store` included).
pub(crate) fn cache_files(sandbox: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache_dir(sandbox))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The cached-credentials entry files (`creds.<provider>.<hash>.json`).
pub(crate) fn creds_entries(sandbox: &Sandbox, provider: &str) -> Vec<PathBuf> {
    let prefix = format!("creds.{provider}.");
    cache_files(sandbox)
        .into_iter()
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".json"))
        .map(|n| cache_dir(sandbox).join(n))
        .collect()
}

pub(crate) fn refresh_entry_path(sandbox: &Sandbox, provider: &str) -> PathBuf {
    cache_dir(sandbox).join(format!("refresh.{provider}.json"))
}

pub(crate) fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON ({e})", path.display()))
}

/// The stored refresh token of `provider`, or `None` when there is no entry.
pub(crate) fn stored_refresh_token(sandbox: &Sandbox, provider: &str) -> Option<String> {
    let path = refresh_entry_path(sandbox, provider);
    if !path.exists() {
        return None;
    }
    read_json(&path)["refresh_token"]
        .as_str()
        .map(str::to_owned)
}

/// Replaces the stored refresh token with one the provider never issued:
/// to the provider that is a revoked grant (`invalid_grant`).
fn revoke_stored_refresh_token(sandbox: &Sandbox, provider: &str) {
    let path = refresh_entry_path(sandbox, provider);
    let mut entry = read_json(&path);
    entry["refresh_token"] = serde_json::Value::from("revoked-by-the-e2e-test");
    std::fs::write(&path, entry.to_string())
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The default config with `extra` lines added to provider `oidc`.
pub(crate) fn config_with_oidc_extra(peers: &Peers, extra: &str) -> String {
    let base = default_config(peers);
    let anchor = "  login_timeout_seconds: 30\nsaml:\n";
    assert!(base.contains(anchor), "default_config changed shape");
    base.replacen(
        anchor,
        &format!("  login_timeout_seconds: 30\n{extra}saml:\n"),
        1,
    )
}

/// A margin longer than the 60-minute session: every `-s` call misses and
/// takes the renewal path.
pub(crate) const FORCE_MISS: &str = "  refresh_margin_minutes: 720\n";

/// `Version 1` credential_process JSON from `-j`.
pub(crate) fn creds_json(run: &Run) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}){}", run.streams()));
    assert_eq!(doc["Version"], 1, "{}", run.streams());
    for key in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert!(
            doc[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} missing{}",
            run.streams()
        );
    }
    doc
}

fn access_key(run: &Run) -> String {
    creds_json(run)["AccessKeyId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// How many times the provider logged `grant.success` for `grant_type`
/// (needs peers started with [`DEBUG`]).
fn grant_count(peers: &Peers, grant_type: &str) -> usize {
    let needle = format!("grant.success {grant_type}");
    peers
        .logs()
        .lines()
        .filter(|l| l.starts_with("[provider]") && l.trim_end().ends_with(&needle))
        .count()
}

pub(crate) fn get_cred_s(sandbox: &Sandbox) -> Run {
    get_cred_s_with_env(sandbox, &[])
}

/// [`get_cred_s`] with extra environment, e.g. `("BROWSER", "")` for a
/// caller that can reach nobody.
pub(crate) fn get_cred_s_with_env(sandbox: &Sandbox, env: &[(&str, &str)]) -> Run {
    sandbox.run_with_env(
        &[
            "get-cred",
            "-p",
            "oidc",
            "-r",
            &role_arn("developer"),
            "-j",
            "-s",
        ],
        env,
    )
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

// ---------------------------------------------------------------------------
// credential_process: cold start, hit, renewal, rotation
// ---------------------------------------------------------------------------

#[test]
fn parallel_cold_start_logs_in_once_and_all_print_the_same_credentials() {
    let peers = Peers::start_with(&[DEBUG]);
    let sandbox = Sandbox::with_peers(&peers).timeout(Duration::from_secs(150));
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20).map(|_| s.spawn(|| get_cred_s(&sandbox))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("runner thread panicked"))
            })
            .collect()
    });
    for run in &runs {
        run.assert_success();
    }
    let first = runs.first().map(|r| r.stdout.clone()).unwrap_or_default();
    creds_json(runs.first().unwrap_or_else(|| panic!("no runs")));
    for run in &runs {
        assert_eq!(
            run.stdout,
            first,
            "every caller prints the same credentials{}",
            run.streams()
        );
    }
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "one browser launch for 20 callers; browser.log:\n{}",
        sandbox.browser_log()
    );
    // The callers that waited for the one login said so on stderr.
    let waiting = runs
        .iter()
        .filter(|r| {
            r.stderr
                .contains("waiting for another aws-cli-oidc login for provider \"oidc\" to finish")
        })
        .count();
    assert!(
        (1..20).contains(&waiting),
        "{waiting} of 20 callers said they wait for the other login"
    );
    assert_eq!(
        grant_count(&peers, "authorization_code"),
        1,
        "one authorization-code exchange:\n{}",
        peers.logs()
    );
    assert_eq!(
        grant_count(&peers, "refresh_token"),
        0,
        "the waiters read the cache, they do not renew:\n{}",
        peers.logs()
    );
    let notices = runs
        .iter()
        .filter(|r| r.stderr.contains("no usable keyring"))
        .count();
    assert_eq!(
        notices, 1,
        "the file-store notice is printed once, not by every first caller"
    );
    assert_eq!(
        creds_entries(&sandbox, "oidc").len(),
        1,
        "{:?}",
        cache_files(&sandbox)
    );
}

#[test]
fn cache_hit_answers_with_the_peers_gone() {
    let peers = Peers::start();
    let sandbox = Sandbox::with_peers(&peers).timeout(Duration::from_secs(30));
    let first = get_cred_s(&sandbox);
    first.assert_success();
    creds_json(&first);
    let pids = peers.pids();
    drop(peers);
    for pid in pids {
        assert!(
            !crate::support::process_alive(pid),
            "peer {pid} survived its drop"
        );
    }
    let second = get_cred_s(&sandbox);
    second.assert_success();
    assert_eq!(
        second.stdout,
        first.stdout,
        "the hit prints the cached credentials{}",
        second.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1, "a hit launches no browser");
    assert!(
        second.stderr.trim().is_empty(),
        "a hit is silent{}",
        second.streams()
    );
    // The -s path without -r uses the default role: the same entry.
    let third = sandbox.run(&["get-cred", "-p", "oidc", "-j", "-s"]);
    third.assert_success();
    assert_eq!(third.stdout, first.stdout, "{}", third.streams());
}

#[test]
fn forced_miss_renews_silently_with_the_refresh_token() {
    let peers = Peers::start_with(&[DEBUG]);
    let sandbox = Sandbox::with_peers(&peers);
    sandbox.write_config(&config_with_oidc_extra(&peers, FORCE_MISS));
    let login = get_cred_s(&sandbox);
    login.assert_success();
    assert_eq!(sandbox.browser_runs(), 1);
    let token_before = stored_refresh_token(&sandbox, "oidc")
        .unwrap_or_else(|| panic!("login stores a refresh token: {:?}", cache_files(&sandbox)));

    let renewal = get_cred_s(&sandbox);
    renewal.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "renewal opens no browser");
    assert_eq!(grant_count(&peers, "refresh_token"), 1, "{}", peers.logs());
    assert_eq!(
        grant_count(&peers, "authorization_code"),
        1,
        "{}",
        peers.logs()
    );
    assert_ne!(
        access_key(&renewal),
        access_key(&login),
        "new STS credentials{}",
        renewal.streams()
    );
    let token_after = stored_refresh_token(&sandbox, "oidc");
    assert!(token_after.is_some(), "the refresh token stays stored");
    assert_ne!(
        token_after,
        Some(token_before),
        "the rotated token replaced the old one"
    );
    assert!(
        renewal.stderr.contains("renewed"),
        "says it renewed{}",
        renewal.streams()
    );
}

#[test]
fn expired_cached_credentials_renew_silently() {
    // Real expiry rather than a forced margin: the cached entry's
    // expiration is moved into the past.
    let sandbox = Sandbox::new();
    let login = get_cred_s(&sandbox);
    login.assert_success();
    let entries = creds_entries(&sandbox, "oidc");
    assert_eq!(entries.len(), 1, "{:?}", cache_files(&sandbox));
    let entry_path = entries.first().cloned().unwrap_or_default();
    let mut entry = read_json(&entry_path);
    entry["expiration"] = serde_json::Value::from("2020-01-01T00:00:00Z");
    std::fs::write(&entry_path, entry.to_string()).expect("rewrite the cached entry");
    let token_before = stored_refresh_token(&sandbox, "oidc");

    let renewal = get_cred_s(&sandbox);
    renewal.assert_success();
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "no browser for a renewal{}",
        renewal.streams()
    );
    assert_ne!(access_key(&renewal), access_key(&login));
    assert_ne!(stored_refresh_token(&sandbox, "oidc"), token_before);
    let stored = read_json(&entry_path);
    assert_eq!(
        stored["access_key_id"].as_str(),
        Some(access_key(&renewal).as_str()),
        "the renewed credentials are cached"
    );
}

#[test]
fn two_renewals_in_a_row_use_the_rotated_token() {
    let peers = Peers::shared();
    let sandbox = Sandbox::with_peers(peers);
    sandbox.write_config(&config_with_oidc_extra(peers, FORCE_MISS));
    let login = get_cred_s(&sandbox);
    login.assert_success();
    let t0 = stored_refresh_token(&sandbox, "oidc");
    assert!(t0.is_some(), "{:?}", cache_files(&sandbox));

    let r1 = get_cred_s(&sandbox);
    r1.assert_success();
    let t1 = stored_refresh_token(&sandbox, "oidc");
    let r2 = get_cred_s(&sandbox);
    r2.assert_success();
    let t2 = stored_refresh_token(&sandbox, "oidc");

    assert_eq!(
        sandbox.browser_runs(),
        1,
        "both renewals are silent{}",
        r2.streams()
    );
    assert!(t1.is_some() && t2.is_some());
    assert_ne!(t0, t1, "first renewal rotated the token");
    assert_ne!(t1, t2, "second renewal rotated it again");
    let keys = [access_key(&login), access_key(&r1), access_key(&r2)];
    assert!(
        keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2],
        "three distinct STS sessions: {keys:?}"
    );
    assert!(
        !r2.stderr.contains("invalid_grant"),
        "the second renewal's token was accepted{}",
        r2.streams()
    );
}

// ---------------------------------------------------------------------------
// The grant is gone
// ---------------------------------------------------------------------------

#[test]
fn revoked_refresh_token_falls_back_to_the_browser() {
    let peers = Peers::shared();
    let sandbox = Sandbox::with_peers(peers);
    sandbox.write_config(&config_with_oidc_extra(peers, FORCE_MISS));
    get_cred_s(&sandbox).assert_success();
    revoke_stored_refresh_token(&sandbox, "oidc");

    let run = get_cred_s(&sandbox);
    run.assert_success();
    creds_json(&run);
    assert_eq!(
        sandbox.browser_runs(),
        2,
        "a rejected refresh token leads to a browser login{}",
        run.streams()
    );
    assert!(run.stderr.contains("invalid_grant"), "{}", run.streams());
    let fresh = stored_refresh_token(&sandbox, "oidc");
    assert!(
        fresh
            .as_deref()
            .is_some_and(|t| t != "revoked-by-the-e2e-test"),
        "the new login stored a new refresh token: {fresh:?}"
    );
}

#[test]
fn expired_refresh_token_without_browser_fails_fast_with_hint() {
    let peers = Peers::start_with(&[("E2E_REFRESH_TOKEN_TTL", "2")]);
    let sandbox = Sandbox::with_peers(&peers).timeout(Duration::from_secs(60));
    sandbox.write_config(&config_with_oidc_extra(&peers, FORCE_MISS));
    get_cred_s(&sandbox).assert_success();
    assert!(stored_refresh_token(&sandbox, "oidc").is_some());
    std::thread::sleep(Duration::from_secs(3));

    let run = get_cred_s_with_env(&sandbox, &[("BROWSER", "")]);
    assert!(
        !run.timed_out,
        "no browser and no terminal must not hang{}",
        run.streams()
    );
    run.assert_code(1);
    assert!(
        run.elapsed < Duration::from_secs(10),
        "gave up after {:?}, login_timeout_seconds is 30",
        run.elapsed
    );
    assert!(
        run.stderr.contains("aws-cli-oidc get-cred -p oidc"),
        "names the command to run{}",
        run.streams()
    );
    assert!(run.stdout.trim().is_empty(), "{}", run.streams());
    assert_eq!(sandbox.browser_runs(), 1, "no browser was started");
    assert_eq!(
        stored_refresh_token(&sandbox, "oidc"),
        None,
        "the expired token was dropped"
    );
}

#[test]
fn cold_cache_without_browser_or_terminal_fails_fast() {
    let sandbox = Sandbox::new().env("BROWSER", "");
    let run = get_cred_s(&sandbox);
    assert!(!run.timed_out, "{}", run.streams());
    run.assert_code(1);
    assert!(
        run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
    assert!(run.stderr.contains("-p oidc"), "{}", run.streams());
    assert_eq!(sandbox.browser_runs(), 0);
}

// ---------------------------------------------------------------------------
// refresh (cron)
// ---------------------------------------------------------------------------

fn credentials_value(text: &str, profile: &str, key: &str) -> Option<String> {
    let header = format!("[{profile}]");
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().to_owned());
        }
    }
    None
}

#[test]
fn refresh_renews_login_profiles_and_reports_needed_logins() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    assert_eq!(sandbox.browser_runs(), 1);
    let creds_path = sandbox.aws_credentials_path();
    let read = || std::fs::read_to_string(&creds_path).unwrap_or_default();
    let before = read();
    let key_before = credentials_value(&before, "dev", "aws_access_key_id");
    let exp_before = credentials_value(&before, "dev", "x_security_token_expires");
    assert!(key_before.is_some() && exp_before.is_some(), "{before}");
    assert_eq!(
        credentials_value(&before, "dev", "x_aws_cli_oidc_provider").as_deref(),
        Some("oidc"),
        "{before}"
    );

    // Nothing due within 5 minutes: a no-op that says so, unless --quiet.
    let idle = sandbox.run(&["refresh", "--within", "5"]);
    idle.assert_success();
    assert_eq!(idle.stdout, "");
    assert!(
        idle.stderr
            .contains("nothing to refresh: 1 profile stays valid for more than 5 minutes"),
        "{}",
        idle.streams()
    );
    let quiet = sandbox.run(&["refresh", "--within", "5", "--quiet"]);
    quiet.assert_success();
    assert_eq!(
        (quiet.stdout.as_str(), quiet.stderr.as_str()),
        ("", ""),
        "--quiet with nothing to do prints nothing"
    );
    assert_eq!(read(), before, "a no-op leaves the file alone");

    // Credentials last 60 minutes, so --within 90 renews.
    std::thread::sleep(Duration::from_millis(1100));
    let renew = sandbox.run(&["refresh", "--within", "90"]);
    renew.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "refresh never opens a browser");
    let after = read();
    let key_after = credentials_value(&after, "dev", "aws_access_key_id");
    let exp_after = credentials_value(&after, "dev", "x_security_token_expires");
    assert_ne!(
        key_after,
        key_before,
        "new keys{}\n{after}",
        renew.streams()
    );
    assert_ne!(exp_after, exp_before, "new expiry\n{after}");
    assert!(renew.stdout.is_empty(), "{}", renew.streams());

    // The grant is revoked: exit 3, the login command listed, file untouched.
    revoke_stored_refresh_token(&sandbox, "oidc");
    let bytes_before = std::fs::read(&creds_path).expect("read credentials");
    let revoked = sandbox.run(&["refresh", "--within", "90"]);
    revoked.assert_code(3);
    assert!(
        revoked
            .stderr
            .contains("aws-cli-oidc login --profile dev -p oidc"),
        "lists the login command{}",
        revoked.streams()
    );
    assert_eq!(
        std::fs::read(&creds_path).expect("read credentials"),
        bytes_before,
        "the credentials file is byte-identical"
    );
    assert_eq!(sandbox.browser_runs(), 1);
}

#[test]
fn refresh_quiet_with_nothing_managed_prints_nothing() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["refresh", "--quiet"]);
    run.assert_success();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

// ---------------------------------------------------------------------------
// The store itself
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn auto_store_without_secret_service_uses_private_files_and_says_so_once() {
    let peers = Peers::shared();
    let sandbox = Sandbox::with_peers(peers);
    sandbox.write_config(&config_with_oidc_extra(peers, "  secret_store: auto\n"));
    let first = get_cred_s(&sandbox);
    first.assert_success();
    let notice = |run: &Run| {
        run.stderr
            .lines()
            .filter(|l| l.contains("no usable keyring"))
            .count()
    };
    assert_eq!(
        notice(&first),
        1,
        "the first call says where secrets go{}",
        first.streams()
    );
    assert!(
        first
            .stderr
            .contains(&cache_dir(&sandbox).display().to_string()),
        "the notice names the directory{}",
        first.streams()
    );
    let line = first
        .stderr
        .lines()
        .find(|l| l.contains("no usable keyring"))
        .unwrap_or_default();
    assert!(
        !line.to_lowercase().contains("dbus") && !line.contains("Platform failure"),
        "the notice is one plain line; the raw error only with -v{}",
        first.streams()
    );
    let second = get_cred_s(&sandbox);
    second.assert_success();
    assert_eq!(notice(&second), 0, "only once{}", second.streams());
    assert_eq!(
        second.stdout, first.stdout,
        "the second call is a file-store hit"
    );
    // A miss path (another provider's login) does not repeat it either.
    let other = sandbox.run(&["get-cred", "-p", "oidc_post", "-j", "-s"]);
    other.assert_success();
    assert_eq!(notice(&other), 0, "{}", other.streams());

    let dir = cache_dir(&sandbox);
    assert_eq!(mode_of(&dir), 0o700, "cache dir mode");
    let files = cache_files(&sandbox);
    assert!(files.iter().any(|f| f == "refresh.oidc.json"), "{files:?}");
    assert_eq!(creds_entries(&sandbox, "oidc").len(), 1, "{files:?}");
    for name in &files {
        let mode = mode_of(&dir.join(name));
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}, must be private");
        if name.ends_with(".json") {
            assert_eq!(mode, 0o600, "{name} is {mode:o}");
        }
    }
}

#[test]
fn get_cred_without_s_caches_no_credentials_but_keeps_the_refresh_token() {
    let sandbox = Sandbox::new();
    let first = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    first.assert_success();
    assert!(
        creds_entries(&sandbox, "oidc").is_empty(),
        "{:?}",
        cache_files(&sandbox)
    );
    assert!(
        stored_refresh_token(&sandbox, "oidc").is_some(),
        "{:?}",
        cache_files(&sandbox)
    );
    // The kept token renews the next call without a browser.
    let second = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    second.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "{}", second.streams());
    assert_ne!(access_key(&second), access_key(&first));
    assert!(
        creds_entries(&sandbox, "oidc").is_empty(),
        "{:?}",
        cache_files(&sandbox)
    );
}

#[test]
fn clear_secret_removes_one_provider_then_everything_and_succeeds_when_empty() {
    let sandbox = Sandbox::new();
    get_cred_s(&sandbox).assert_success();
    sandbox
        .run(&["get-cred", "-p", "oidc_post", "-j", "-s"])
        .assert_success();
    assert_eq!(creds_entries(&sandbox, "oidc").len(), 1);
    assert_eq!(
        creds_entries(&sandbox, "oidc_5fpost").len(),
        1,
        "{:?}",
        cache_files(&sandbox)
    );

    let run = sandbox.run(&["clear-secret", "-p", "oidc"]);
    run.assert_success();
    assert!(
        creds_entries(&sandbox, "oidc").is_empty(),
        "{:?}",
        cache_files(&sandbox)
    );
    assert_eq!(stored_refresh_token(&sandbox, "oidc"), None);
    assert!(
        stored_refresh_token(&sandbox, "oidc_5fpost").is_some(),
        "another provider's entries stay: {:?}",
        cache_files(&sandbox)
    );
    assert_eq!(creds_entries(&sandbox, "oidc_5fpost").len(), 1);

    let all = sandbox.run(&["clear-secret"]);
    all.assert_success();
    let left: Vec<String> = cache_files(&sandbox)
        .into_iter()
        .filter(|f| f.starts_with("creds.") || f.starts_with("refresh."))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    let again = sandbox.run(&["clear-secret"]);
    again.assert_success();
    assert!(again.stderr.contains("removed 0"), "{}", again.streams());

    // After clearing, -s needs a login again.
    get_cred_s(&sandbox).assert_success();
    assert_eq!(sandbox.browser_runs(), 3);
}

#[test]
fn refresh_renews_two_profiles_of_one_provider_through_the_token_chain() {
    let sandbox = Sandbox::new();
    for profile in ["dev", "dev2"] {
        sandbox
            .run(&["login", "--profile", profile, "-p", "oidc"])
            .assert_success();
    }
    let creds_path = sandbox.aws_credentials_path();
    let before = std::fs::read_to_string(&creds_path).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(1100));
    let run = sandbox.run(&["refresh", "--within", "90", "--quiet"]);
    run.assert_success();
    assert!(run.stderr.is_empty(), "--quiet{}", run.streams());
    let after = std::fs::read_to_string(&creds_path).unwrap_or_default();
    for profile in ["dev", "dev2"] {
        assert_ne!(
            credentials_value(&after, profile, "aws_access_key_id"),
            credentials_value(&before, profile, "aws_access_key_id"),
            "{profile} renewed\n{after}"
        );
    }
    assert_eq!(
        sandbox.browser_runs(),
        2,
        "only the two logins opened a browser"
    );
}

/// Fails with the product as of 6a0a140 (five launches, one per caller):
/// each caller that waited on the provider lock finds the cache still empty
/// and starts its own login, so one denied (or abandoned) login becomes a
/// browser tab per `credential_process` call. See the report of branch
/// `cachetests` for the suggested fix in `src/session.rs`.
#[test]
fn parallel_cold_start_with_a_denied_login_opens_one_browser() {
    let sandbox = Sandbox::new()
        .mode("deny")
        .timeout(Duration::from_secs(150));
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..5).map(|_| s.spawn(|| get_cred_s(&sandbox))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("runner thread panicked"))
            })
            .collect()
    });
    for run in &runs {
        run.assert_code(1);
    }
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "the person denied the login once; the waiting callers must not each open the browser again; browser.log:\n{}",
        sandbox.browser_log()
    );
}

#[test]
fn parallel_cold_start_for_two_roles_logs_in_once_and_renews_once() {
    let peers = Peers::start_with(&[DEBUG]);
    let sandbox = Sandbox::with_peers(&peers).timeout(Duration::from_secs(150));
    let roles = [role_arn("developer"), role_arn("auditor")];
    let runs: Vec<(usize, Run)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let (sandbox, role) = (&sandbox, &roles[i % 2]);
                s.spawn(move || {
                    (
                        i % 2,
                        sandbox.run(&["get-cred", "-p", "oidc", "-r", role, "-j", "-s"]),
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("runner thread panicked"))
            })
            .collect()
    });
    for (which, run) in &runs {
        run.assert_success();
        let same = runs.iter().filter(|(w, _)| w == which);
        for (_, other) in same {
            assert_eq!(other.stdout, run.stdout, "one answer per role");
        }
    }
    assert_eq!(sandbox.browser_runs(), 1, "one login for the provider");
    assert_eq!(
        grant_count(&peers, "authorization_code"),
        1,
        "{}",
        peers.logs()
    );
    assert_eq!(
        grant_count(&peers, "refresh_token"),
        1,
        "the other role came from one silent renewal:\n{}",
        peers.logs()
    );
    assert_eq!(
        creds_entries(&sandbox, "oidc").len(),
        2,
        "{:?}",
        cache_files(&sandbox)
    );
}

#[test]
fn corrupt_cache_entries_are_misses_not_errors() {
    let sandbox = Sandbox::new();
    let login = get_cred_s(&sandbox);
    login.assert_success();
    // Garbage in the credentials entry: renewed silently and rewritten.
    let entry_path = creds_entries(&sandbox, "oidc")
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", cache_files(&sandbox)));
    std::fs::write(&entry_path, b"{not json\xff").expect("corrupt the entry");
    let renewed = get_cred_s(&sandbox);
    renewed.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "{}", renewed.streams());
    assert_eq!(
        read_json(&entry_path)["access_key_id"].as_str(),
        Some(access_key(&renewed).as_str())
    );
    // Garbage in both: a browser login, which repairs them.
    std::fs::write(&entry_path, b"garbage").expect("corrupt the entry");
    let refresh_path = refresh_entry_path(&sandbox, "oidc");
    std::fs::write(&refresh_path, b"garbage").expect("corrupt the refresh entry");
    let relogin = get_cred_s(&sandbox);
    relogin.assert_success();
    assert_eq!(sandbox.browser_runs(), 2, "{}", relogin.streams());
    assert!(stored_refresh_token(&sandbox, "oidc").is_some());
    let hit = get_cred_s(&sandbox);
    hit.assert_success();
    assert_eq!(hit.stdout, relogin.stdout, "repaired entry is a hit");
}

#[test]
fn each_duration_has_its_own_cache_entry() {
    let sandbox = Sandbox::new();
    let long = get_cred_s(&sandbox);
    long.assert_success();
    let short = sandbox.run(&[
        "get-cred",
        "-p",
        "oidc",
        "-r",
        &role_arn("developer"),
        "-d",
        "900",
        "-j",
        "-s",
    ]);
    short.assert_success();
    assert_ne!(access_key(&short), access_key(&long), "a different session");
    assert_eq!(
        creds_entries(&sandbox, "oidc").len(),
        2,
        "{:?}",
        cache_files(&sandbox)
    );
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "the 900 s session came from the refresh token"
    );
    let again = sandbox.run(&[
        "get-cred",
        "-p",
        "oidc",
        "-r",
        &role_arn("developer"),
        "-d",
        "900",
        "-j",
        "-s",
    ]);
    again.assert_success();
    assert_eq!(
        again.stdout, short.stdout,
        "a 900 s session is a hit with the 7.5 min margin"
    );
    assert_eq!(get_cred_s(&sandbox).stdout, long.stdout);
}

#[test]
fn refresh_after_clear_secret_needs_login_and_unknown_profile_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    sandbox.run(&["clear-secret"]).assert_success();
    let creds_path = sandbox.aws_credentials_path();
    let before = std::fs::read(&creds_path).expect("read credentials");
    let run = sandbox.run(&["refresh", "--within", "90"]);
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("aws-cli-oidc login --profile dev -p oidc"),
        "{}",
        run.streams()
    );
    assert_eq!(
        std::fs::read(&creds_path).expect("read credentials"),
        before
    );

    let unknown = sandbox.run(&["refresh", "--profile", "nope"]);
    unknown.assert_code(1);
    assert!(unknown.stderr.contains("nope"), "{}", unknown.streams());
    assert_eq!(sandbox.browser_runs(), 1);
}

/// `refresh` renews for as long as the login asked with `-d` (the
/// x_aws_cli_oidc_duration marker), not the provider's default.
#[test]
fn refresh_keeps_the_duration_the_login_asked_for() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "long", "-p", "oidc", "-d", "7200"])
        .assert_success();
    let creds_path = sandbox.aws_credentials_path();
    let read = || std::fs::read_to_string(&creds_path).unwrap_or_default();
    assert_eq!(
        credentials_value(&read(), "long", "x_aws_cli_oidc_duration").as_deref(),
        Some("7200")
    );
    // 2 h credentials: --within 150 (minutes) makes them due.
    let renew = sandbox.run(&["refresh", "--within", "150"]);
    renew.assert_success();
    let after = read();
    let expires = credentials_value(&after, "long", "x_security_token_expires")
        .and_then(|e| {
            time::OffsetDateTime::parse(&e, &time::format_description::well_known::Rfc3339).ok()
        })
        .unwrap_or_else(|| panic!("no expiry in {after}"));
    let left = expires - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(110),
        "renewed for the login's 2 h, not the 1 h default: {left}{}",
        renew.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1, "renewed without a browser");
}
