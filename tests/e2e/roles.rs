//! `roles` against the peers: the multi-role SAML user (bob: developer and
//! admin) with an account alias, once by browser and once by the stored
//! refresh token; an OIDC provider's configured roles without any login;
//! and `{alias}` in `login --all-roles --profile-template`.

use crate::support::{ACCOUNT_ID, Peers, SAML_PROVIDER_ARN, Sandbox, default_config, role_arn};

const ALIAS: &str = "e2e-prod";

fn sandbox_with_aliases(user: &str) -> Sandbox {
    let peers = Peers::shared();
    let sandbox = Sandbox::new().user(user);
    let meta = peers.metadata_url();
    sandbox.write_config(&format!(
        "{}saml_alias:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: saml2
  oidc_provider_token_exchange_audience: urn:amazon:webservices
  oidc_provider_token_exchange_subject_token_type: urn:ietf:params:oauth:token-type:access_token
  login_timeout_seconds: 30
  account_aliases:
    \"{ACCOUNT_ID}\": {ALIAS}
oidc_roles:
  oidc_provider_metadata_url: {meta}
  client_id: aws-cli
  aws_federation_type: oidc
  default_iam_role_arn: {developer}
  roles:
    - {admin}
    - arn:aws:iam::210987654321:role/readonly
  account_aliases:
    \"{ACCOUNT_ID}\": {ALIAS}
",
        default_config(peers),
        developer = role_arn("developer"),
        admin = role_arn("admin"),
    ));
    sandbox
}

#[test]
fn roles_lists_the_saml_assertion_roles_with_the_alias() {
    let sandbox = sandbox_with_aliases("bob");
    let run = sandbox.run(&["roles", "-p", "saml_alias"]);
    run.assert_success();
    assert_eq!(sandbox.browser_runs(), 1, "one login{}", run.streams());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.streams());
    for role in ["developer", "admin"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{ACCOUNT_ID} ({ALIAS})"))
                    && l.contains(&role_arn(role))),
            "{role} with the alias in:\n{}",
            run.stdout
        );
    }

    // Again, as JSON: the stored refresh token gives a fresh assertion
    // without another browser login.
    let run = sandbox.run(&["roles", "-p", "saml_alias", "--json"]);
    run.assert_success();
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "no second login{}",
        run.streams()
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}){}", run.streams()));
    let rows = doc.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "{doc}");
    for row in &rows {
        assert_eq!(row["account"], ACCOUNT_ID);
        assert_eq!(row["account_alias"], ALIAS);
        assert_eq!(row["principal_arn"], SAML_PROVIDER_ARN);
    }
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["role_name"].as_str())
        .collect();
    assert!(
        names.contains(&"admin") && names.contains(&"developer"),
        "{doc}"
    );
}

#[test]
fn roles_of_an_oidc_provider_are_the_configured_ones_without_a_login() {
    let sandbox = sandbox_with_aliases("alice");
    let run = sandbox.run(&["roles", "-p", "oidc_roles", "--json"]);
    run.assert_success();
    assert_eq!(sandbox.browser_runs(), 0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}){}", run.streams()));
    let arns: Vec<&str> = doc
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["role_arn"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        arns,
        [
            role_arn("developer").as_str(),
            role_arn("admin").as_str(),
            "arn:aws:iam::210987654321:role/readonly"
        ]
    );
    assert_eq!(doc[0]["default"], true);
    assert_eq!(doc[1]["account_alias"], ALIAS);
    assert_eq!(doc[2]["account_alias"], serde_json::Value::Null);
}

#[test]
fn all_roles_profile_template_fills_the_alias() {
    let sandbox = sandbox_with_aliases("bob");
    let run = sandbox.run(&[
        "login",
        "--all-roles",
        "--profile-template",
        "{alias}-{role}",
        "-p",
        "saml_alias",
    ]);
    run.assert_success();
    let text = std::fs::read_to_string(sandbox.aws_credentials_path()).unwrap_or_default();
    for role in ["developer", "admin"] {
        assert!(text.contains(&format!("[{ALIAS}-{role}]")), "{text}");
    }
}

/// The SAML role picker on a real terminal: typing filters the list (here
/// by the alias-free role name), Enter takes the match.
#[test]
fn saml_role_picker_filters_as_you_type_and_shows_the_alias() {
    let sandbox = sandbox_with_aliases("bob");
    let tmux = crate::support::Tmux::start(
        &sandbox.envs(),
        &crate::support::binary(),
        &["get-cred", "-p", "saml_alias", "-j"],
    );
    let screen = tmux.wait_for("type to filter");
    assert!(
        screen.contains(&format!("({ALIAS})")),
        "alias shown:\n{screen}"
    );
    tmux.key("a");
    tmux.key("d");
    tmux.key("m");
    let screen = tmux.wait_for("(type to filter) adm");
    let listed = screen
        .rsplit("(type to filter) adm")
        .next()
        .unwrap_or_default();
    assert!(
        listed.contains("role/admin") && !listed.contains("role/developer"),
        "the list is filtered:\n{screen}"
    );
    tmux.key("Enter");
    let (code, end) = tmux.exit_code();
    assert_eq!(code, 0, "{screen}\n{end}");
    let json: serde_json::Value = serde_json::from_str(tmux.stdout().trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{end}", tmux.stdout()));
    let s = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
    let arn =
        sandbox.caller_arn_with_keys(&s("AccessKeyId"), &s("SecretAccessKey"), &s("SessionToken"));
    assert!(arn.contains(":assumed-role/admin/"), "{arn}");
}
