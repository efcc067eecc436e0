//! End-to-end with the real AWS CLI (awscli 1.x from tests/peers/.venv):
//! profiles written by `login` are read by botocore, and a profile installed
//! by `install-profile` runs our binary as its `credential_process`.

use crate::support::{Sandbox, role_arn};

#[test]
fn login_writes_a_profile_the_aws_cli_uses() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["login", "--profile", "dev", "-p", "oidc"]);
    run.assert_success();

    let run = sandbox.aws(&[
        "sts",
        "get-caller-identity",
        "--profile",
        "dev",
        "--output",
        "json",
    ]);
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer/"),
        "{}",
        run.streams()
    );

    let run = sandbox.aws(&["configure", "get", "aws_access_key_id", "--profile", "dev"]);
    run.assert_success();
    let key = run.stdout.trim();
    assert!(
        !key.is_empty() && !key.contains(char::is_whitespace),
        "access key id {key:?}{}",
        run.streams()
    );
}

#[test]
fn install_profile_runs_as_credential_process() {
    let sandbox = Sandbox::new();
    let developer = role_arn("developer");
    let run = sandbox.run(&[
        "install-profile",
        "--profile",
        "proc",
        "-p",
        "oidc",
        "-r",
        &developer,
    ]);
    run.assert_success();
    let config = std::fs::read_to_string(sandbox.aws_config_path()).unwrap_or_default();
    assert!(config.contains("[profile proc]"), "AWS config:\n{config}");
    assert!(
        config.contains("credential_process"),
        "AWS config:\n{config}"
    );
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "install-profile alone does not log in"
    );

    let run = sandbox.aws(&[
        "sts",
        "get-caller-identity",
        "--profile",
        "proc",
        "--output",
        "json",
    ]);
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer/"),
        "{}",
        run.streams()
    );
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "botocore ran our binary, which logged in once"
    );
}

/// `login --profile` refuses a section holding someone else's static keys
/// before it opens the browser, and leaves the file byte-identical.
#[test]
fn login_refuses_unmanaged_keys_before_the_browser() {
    let sandbox = Sandbox::new();
    let path = sandbox.aws_credentials_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let text = "# long-lived keys\n[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n";
    std::fs::write(&path, text).unwrap();
    let run = sandbox.run(&["login", "--profile", "dev", "-p", "oidc"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("static keys") && run.stderr.contains("--force"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 0, "refused before any browser");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// Role chaining the AWS way: botocore assumes `[profile child]`'s
/// `role_arn` with the credentials of `source_profile = proc`, our
/// credential_process profile (README, "Role chaining").
#[test]
fn botocore_chains_a_role_from_the_credential_process_profile() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["install-profile", "--profile", "proc", "-p", "oidc"]);
    run.assert_success();
    let path = sandbox.aws_config_path();
    let mut config = std::fs::read_to_string(&path).unwrap_or_default();
    config.push_str(&format!(
        "\n[profile child]\nrole_arn = {}\nsource_profile = proc\nrole_session_name = chained\n",
        role_arn("admin")
    ));
    std::fs::write(&path, config).unwrap();

    let run = sandbox.aws(&[
        "sts",
        "get-caller-identity",
        "--profile",
        "child",
        "--output",
        "text",
        "--query",
        "Arn",
    ]);
    run.assert_success();
    assert!(
        run.stdout.contains(":assumed-role/admin/chained"),
        "the chained role{}",
        run.streams()
    );
    assert_eq!(
        sandbox.browser_runs(),
        1,
        "one login, by the source profile"
    );
}
