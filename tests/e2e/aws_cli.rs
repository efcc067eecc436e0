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

/// A config directory away from the default travels in the stanza, so the
/// SDK-run command finds it without `AWS_CLI_OIDC_CONFIG`.
#[test]
fn install_profile_keeps_a_non_default_config_dir() {
    let sandbox = Sandbox::new();
    let team = sandbox.home().join("team cfg");
    std::fs::create_dir_all(&team).unwrap();
    std::fs::rename(sandbox.config_path(), team.join("config.yaml")).unwrap();
    let team_arg = team.to_string_lossy().into_owned();
    let unset = [("AWS_CLI_OIDC_CONFIG", "")];
    let developer = role_arn("developer");
    let run = sandbox.run_with_env(
        &[
            "install-profile",
            "--config-dir",
            &team_arg,
            "--profile",
            "proc",
            "-p",
            "oidc",
            "-r",
            &developer,
        ],
        &unset,
    );
    run.assert_success();
    let config = std::fs::read_to_string(sandbox.aws_config_path()).unwrap_or_default();
    assert!(
        config.contains(&format!("--config-dir '{team_arg}'")),
        "AWS config:\n{config}"
    );

    let run = sandbox.aws_with_env(
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "proc",
            "--output",
            "json",
        ],
        &unset,
    );
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer/"),
        "{}",
        run.streams()
    );

    // status reads the directory back from the stanza.
    let run = sandbox.run_with_env(&["--config-dir", &team_arg, "status", "--json"], &unset);
    run.assert_success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("status JSON");
    let proc = doc["profiles"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["profile"] == "proc"))
        .unwrap_or_else(|| panic!("no proc profile in {doc}"));
    assert_eq!(proc["config_dir"], team_arg.as_str(), "{doc}");
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
