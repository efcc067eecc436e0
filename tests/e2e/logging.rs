//! `-v`/`-vv` against the real peers: the log shows each step of a login,
//! and never a token, key, code or state.
//!
//! The secrets checked are the ones we can know from outside: the AWS
//! credentials from stdout, and anything shaped like a JWT (the ID token,
//! the web identity token). Codes and states are checked by their query
//! keys in the log lines; the login URL that `get-cred` prints for the
//! person (with its `state`) is not a log line and is left out of that check.

use crate::support::{Run, Sandbox};

/// Lines our logger wrote (`aws-cli-oidc: [level module] …`).
fn log_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("aws-cli-oidc: ["))
        .collect()
}

/// The `-j` document's three secrets.
fn credential_values(run: &Run) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}){}", run.streams()));
    ["AccessKeyId", "SecretAccessKey", "SessionToken"]
        .iter()
        .map(|k| {
            let v = doc[k].as_str().unwrap_or_default().to_owned();
            assert!(!v.is_empty(), "{k} missing{}", run.streams());
            v
        })
        .collect()
}

/// A word of base64url characters and dots with three or more segments
/// longer than 20 characters: a JWT, whatever its header says.
fn jwt_shaped(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .find(|word| word.split('.').filter(|s| s.len() > 20).count() >= 3)
}

/// A `code=VALUE` or `state=VALUE` with a non-empty value.
fn query_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.match_indices(key).find_map(|(i, _)| {
        let before = line.get(..i).and_then(|b| b.chars().last());
        let value = line.get(i + key.len()..).unwrap_or_default();
        let boundary = before.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
        (boundary && value.starts_with(|c: char| c.is_ascii_alphanumeric())).then_some(value)
    })
}

fn assert_no_secrets(run: &Run, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !run.stderr.contains(secret.as_str()),
            "stderr leaks a credential value{}",
            run.streams()
        );
    }
    if let Some(jwt) = jwt_shaped(&run.stderr) {
        panic!("stderr holds a JWT-shaped string {jwt:?}{}", run.streams());
    }
    for line in log_lines(run) {
        for key in [
            "code=",
            "state=",
            "nonce=",
            "code_verifier=",
            "access_token=",
        ] {
            assert!(
                query_value(line, key).is_none(),
                "log line carries a {key} value: {line:?}"
            );
        }
    }
}

fn assert_logged(run: &Run, needles: &[&str]) {
    let lines = log_lines(run);
    for needle in needles {
        assert!(
            lines.iter().any(|l| l.contains(needle)),
            "no log line contains {needle:?}{}",
            run.streams()
        );
    }
}

#[test]
fn vv_logs_each_step_of_an_oidc_login_without_secrets() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-vv", "-j"]);
    run.assert_success();
    let issuer = sandbox.issuer().to_owned();
    assert_logged(
        &run,
        &[
            &format!(
                "[debug oidc::discovery] discovery: GET {issuer}/.well-known/openid-configuration"
            ),
            "discovery: issuer ",
            "authorization_endpoint ",
            "loopback: listener bound on 127.0.0.1:",
            "login: opening the authorization endpoint ",
            "for client aws-cli",
            "loopback: callback received: GET /",
            &format!(
                "token endpoint: POST {issuer}/token grant_type authorization_code (public client)"
            ),
            &format!("token endpoint: {issuer}/token answered HTTP 200"),
            "login: ID token accepted",
            "sts: AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/developer at ",
            "sts: AssumeRoleWithWebIdentity http://127.0.0.1:",
            "answered HTTP 200",
            // -vv adds the HTTP layer's trace lines.
            "[trace http::client] Post ",
            " direct",
        ],
    );
    // The callback's query never reaches the log, not even its keys.
    assert!(
        log_lines(&run)
            .iter()
            .filter(|l| l.contains("callback received"))
            .all(|l| !l.contains('?')),
        "{}",
        run.streams()
    );
    let secrets = credential_values(&run);
    assert_no_secrets(&run, &secrets);
}

#[test]
fn vv_logs_a_saml_token_exchange_without_the_assertion() {
    let sandbox = Sandbox::new().user("alice");
    let run = sandbox.run(&["get-cred", "-p", "saml", "-vv", "-j"]);
    run.assert_success();
    assert_logged(
        &run,
        &[
            "federation: exchanging the urn:ietf:params:oauth:token-type:access_token",
            "grant_type urn:ietf:params:oauth:grant-type:token-exchange",
            "saml: 1 role(s) offered: arn:aws:iam::123456789012:role/developer; SessionDuration 3600s",
            "federation: SAML role arn:aws:iam::123456789012:role/developer via arn:aws:iam::123456789012:saml-provider/e2e-idp",
            "sts: AssumeRoleWithSAML arn:aws:iam::123456789012:role/developer at ",
        ],
    );
    let secrets = credential_values(&run);
    assert_no_secrets(&run, &secrets);
    // The assertion travels base64-encoded; its XML start would show up as `PHNhbWxw` or `PD94`.
    for prefix in ["PHNhbWxw", "PD94"] {
        assert!(!run.stderr.contains(prefix), "{}", run.streams());
    }
}

#[test]
fn one_v_logs_debug_only_and_none_logs_nothing() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-v", "-j"]);
    run.assert_success();
    let lines = log_lines(&run);
    assert!(
        lines.iter().any(|l| l.starts_with("aws-cli-oidc: [debug ")),
        "{}",
        run.streams()
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("aws-cli-oidc: [trace ")),
        "{}",
        run.streams()
    );
    let secrets = credential_values(&run);
    assert_no_secrets(&run, &secrets);

    let quiet = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    quiet.assert_success();
    assert!(log_lines(&quiet).is_empty(), "{}", quiet.streams());
}

#[test]
fn jwt_and_query_checks_catch_what_they_look_for() {
    // The checks above must be able to fail.
    let jwt = format!("{0}.{0}.{0}", "a".repeat(21));
    assert_eq!(jwt_shaped(&format!("x {jwt} y")), Some(jwt.as_str()));
    assert_eq!(
        jwt_shaped("http://127.0.0.1:3000/.well-known/openid-configuration"),
        None
    );
    assert!(query_value("GET /?code=abc&state=def", "code=").is_some());
    assert!(query_value("GET /?state=def", "state=").is_some());
    assert!(query_value("grant_type authorization_code", "code=").is_none());
    assert!(query_value("error_code=", "code=").is_none());
}
