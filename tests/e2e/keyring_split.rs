//! `secret_store: auto` against a real Secret Service: AWS credentials go to
//! 0600 files and the refresh token to the keyring, a cache hit never
//! touches D-Bus, `clear-secret` empties both places, and entries an older
//! version kept in the keyring are still read.
//!
//! Ignored by default: they need an unlocked Secret Service on the session
//! bus, which `tests/keyring/run.sh` provides (`dbus-run-session` with a
//! throwaway gnome-keyring) and states in `AWS_CLI_OIDC_KEYRING_EXPECT`.
//! Each test uses its own provider name, because all of them share that
//! one keyring.

use crate::cache::{cache_files, creds_entries};
use crate::support::{Peers, Run, Sandbox, role_arn};

fn expect_unlocked_keyring() -> String {
    assert_eq!(
        std::env::var("AWS_CLI_OIDC_KEYRING_EXPECT").unwrap_or_default(),
        "unlocked",
        "run through tests/keyring/run.sh (AWS_CLI_OIDC_KEYRING_EXPECT=unlocked)"
    );
    std::env::var("DBUS_SESSION_BUS_ADDRESS").expect("a session bus (tests/keyring/run.sh)")
}

/// A sandbox on the session bus with one provider `name` (and `extra`
/// config lines, e.g. a `secret_store`).
fn sandbox(name: &str, extra: &str) -> Sandbox {
    let bus = expect_unlocked_keyring();
    let s = Sandbox::new().env("DBUS_SESSION_BUS_ADDRESS", &bus);
    s.write_config(&config(name, extra));
    s
}

fn config(name: &str, extra: &str) -> String {
    let meta = Peers::shared().metadata_url();
    let developer = role_arn("developer");
    format!(
        "{name}:\n  oidc_provider_metadata_url: {meta}\n  client_id: aws-cli\n  \
         aws_federation_type: oidc\n  default_iam_role_arn: {developer}\n  \
         max_session_duration_seconds: 3600\n  login_timeout_seconds: 30\n{extra}"
    )
}

/// `(key, store, kind)` of every cached entry of provider `name` that
/// `status --json` shows (the keyring is shared with the other tests).
fn entries(s: &Sandbox, name: &str) -> Vec<(String, String, String)> {
    let run = s.run(&["status", "--json"]);
    run.assert_success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("status --json is not JSON ({e}){}", run.streams()));
    let field = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or_default().to_string();
    let mut out: Vec<_> = v["cache_entries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (field(e, "key"), field(e, "store"), field(e, "kind")))
        .filter(|(k, _, _)| {
            *k == format!("refresh.{name}") || k.starts_with(&format!("creds.{name}."))
        })
        .collect();
    out.sort();
    out
}

fn get_cred(s: &Sandbox, name: &str) -> Run {
    s.run(&["get-cred", "-p", name, "-j", "-s"])
}

/// The same call with no reachable session bus: any D-Bus use would fail
/// (and make `auto` fall back with a notice and a `.store` marker).
fn get_cred_without_bus(s: &Sandbox, name: &str) -> Run {
    s.run_with_env(
        &["get-cred", "-p", name, "-j", "-s"],
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    )
}

#[test]
#[ignore = "needs an unlocked Secret Service: tests/keyring/run.sh"]
fn auto_keeps_credentials_in_files_and_the_refresh_token_in_the_keyring() {
    let name = "split";
    let s = sandbox(name, "");
    let first = get_cred(&s, name);
    first.assert_success();
    assert_eq!(s.browser_runs(), 1);

    // Credentials in a 0600 file, the refresh token only in the keyring.
    let creds = creds_entries(&s, name);
    assert_eq!(creds.len(), 1, "{:?}", cache_files(&s));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&creds[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let files = cache_files(&s);
    assert!(
        !files.iter().any(|n| n.starts_with("refresh.")),
        "{files:?}"
    );
    assert!(!files.iter().any(|n| n == ".store"), "{files:?}");
    let listed = entries(&s, name);
    assert!(
        listed.contains(&(
            "refresh.split".into(),
            "keyring".into(),
            "refresh_token".into()
        )),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|(k, store, kind)| k.starts_with("creds.split.")
                && store == "file"
                && kind == "credentials"),
        "{listed:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|(k, store, _)| k.starts_with("creds.") && store == "keyring")
    );

    // A hit needs no session bus at all: same answer, silent, no fallback.
    let hit = get_cred_without_bus(&s, name);
    hit.assert_success();
    assert_eq!(hit.stdout, first.stdout);
    assert_eq!(hit.stderr, "", "a hit must be silent");
    assert_eq!(s.browser_runs(), 1);
    assert!(!cache_files(&s).iter().any(|n| n == ".store"));

    // Without credentials, the refresh token from the keyring renews them
    // silently (no browser).
    std::fs::remove_file(&creds[0]).unwrap();
    let renewed = get_cred(&s, name);
    renewed.assert_success();
    assert_eq!(s.browser_runs(), 1, "{}", renewed.streams());
    assert_eq!(creds_entries(&s, name).len(), 1);

    // clear-secret empties both places.
    s.run(&["clear-secret", "-p", name]).assert_success();
    assert_eq!(entries(&s, name), Vec::new());
    assert!(creds_entries(&s, name).is_empty());
}

#[test]
#[ignore = "needs an unlocked Secret Service: tests/keyring/run.sh"]
fn entries_kept_in_the_keyring_by_the_older_layout_are_still_read() {
    let name = "upgrade";
    // Everything in the keyring, as `auto` did before the split (and as
    // `secret_store: keyring` still does).
    let s = sandbox(name, "  secret_store: keyring\n");
    let first = get_cred(&s, name);
    first.assert_success();
    assert_eq!(s.browser_runs(), 1);
    assert!(creds_entries(&s, name).is_empty(), "{:?}", cache_files(&s));
    let listed = entries(&s, name);
    assert!(
        listed
            .iter()
            .any(|(k, store, _)| k.starts_with("creds.upgrade.") && store == "keyring"),
        "{listed:?}"
    );

    // After the upgrade to the split `auto`: the same credentials, no login;
    // they are copied to a file, so the next hit needs no session bus.
    s.write_config(&config(name, ""));
    let hit = get_cred(&s, name);
    hit.assert_success();
    assert_eq!(hit.stdout, first.stdout);
    assert_eq!(s.browser_runs(), 1);
    let again = get_cred_without_bus(&s, name);
    again.assert_success();
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(again.stderr, "", "a hit must be silent");

    s.run(&["clear-secret", "-p", name]).assert_success();
    assert_eq!(entries(&s, name), Vec::new());
}
