//! End-to-end `login --all-roles` against the peers: one browser login, one
//! profile per role of the SAML assertion, written in one locked update; a
//! role STS refuses is reported and the others are still written.

use crate::support::{ACCOUNT_ID, Sandbox, role_arn};

const TEMPLATE: &str = "{account}-{role}";

fn profile(role: &str) -> String {
    format!("{ACCOUNT_ID}-{role}")
}

fn caller_arn(sandbox: &Sandbox, profile: &str) -> String {
    let run = sandbox.aws(&[
        "sts",
        "get-caller-identity",
        "--profile",
        profile,
        "--output",
        "json",
    ]);
    run.assert_success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}){}", run.streams()));
    doc["Arn"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn all_roles_writes_one_profile_per_role_with_one_login() {
    let sandbox = Sandbox::new().user("bob");
    let run = sandbox.run(&[
        "login",
        "--all-roles",
        "--profile-template",
        TEMPLATE,
        "-p",
        "saml",
    ]);
    run.assert_success();
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "one browser login{}",
        run.streams()
    );
    assert!(run.stdout.is_empty(), "stdout stays empty{}", run.streams());
    assert!(
        run.stderr.contains("2 roles written"),
        "summary on stderr{}",
        run.streams()
    );

    let text = std::fs::read_to_string(sandbox.aws_credentials_path()).unwrap_or_default();
    for role in ["developer", "admin"] {
        assert!(
            text.contains(&format!("[{}]", profile(role))),
            "profile for {role} in:\n{text}"
        );
        assert!(
            text.contains(&format!("x_aws_cli_oidc_role_arn = {}", role_arn(role))),
            "marker for {role} in:\n{text}"
        );
    }
    assert!(
        caller_arn(&sandbox, &profile("admin")).contains(":assumed-role/admin/"),
        "admin profile works with the real AWS CLI"
    );
    assert!(caller_arn(&sandbox, &profile("developer")).contains(":assumed-role/developer/"));

    // The refresh token is kept like a normal login's (no keyring here, so in files).
    assert!(
        sandbox
            .config_dir()
            .join("cache")
            .join("refresh.saml.json")
            .is_file(),
        "refresh token stored{}",
        run.streams()
    );

    // Both profiles are ours: status lists them with their time left.
    let run = sandbox.run(&["status", "--json"]);
    run.assert_success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}){}", run.streams()));
    let listed: Vec<&str> = doc["profiles"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["profile"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(listed.len(), 2, "{doc}");
}

#[test]
fn all_roles_reports_a_denied_role_and_writes_the_rest() {
    let sandbox = Sandbox::new().user("erin");
    let run = sandbox.run(&[
        "login",
        "--all-roles",
        "--profile-template",
        TEMPLATE,
        "-p",
        "saml",
    ]);
    run.assert_code(1);
    let denied = role_arn("denied");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains(&denied) && l.contains("AccessDenied")),
        "the denied role is named with STS's code{}",
        run.streams()
    );
    assert!(
        run.stderr.contains("1 of 2 roles written"),
        "{}",
        run.streams()
    );
    let text = std::fs::read_to_string(sandbox.aws_credentials_path()).unwrap_or_default();
    assert!(
        text.contains(&format!("[{}]", profile("developer"))),
        "{text}"
    );
    assert!(!text.contains(&profile("denied")), "{text}");
    assert!(caller_arn(&sandbox, &profile("developer")).contains(":assumed-role/developer/"));
}

#[test]
fn all_roles_refuses_an_oidc_provider_before_the_browser() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "login",
        "--all-roles",
        "--profile-template",
        TEMPLATE,
        "-p",
        "oidc",
    ]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("saml2") && run.stderr.contains("\"oidc\""),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 0);
}

#[test]
fn all_roles_refuses_a_bad_template_before_the_browser() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "login",
        "--all-roles",
        "--profile-template",
        "{acount}-{role}",
        "-p",
        "saml",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("{acount}"), "{}", run.streams());
    assert_eq!(sandbox.browser_runs(), 0);
    assert!(!sandbox.aws_credentials_path().exists());
}
