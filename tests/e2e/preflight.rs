//! Everything that can be checked without the network is refused before a
//! browser tab opens (the browser script never runs) and before any file
//! is written. A bad argument is a usage error (exit 2) found while parsing.

use std::os::unix::fs::PermissionsExt;

use crate::support::Sandbox;

fn assert_refused_before_browser(
    sandbox: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
    code: i32,
    fragments: &[&str],
) {
    let run = sandbox.run_with_env(args, env);
    run.assert_code(code);
    for fragment in fragments {
        assert!(
            run.stderr.contains(fragment),
            "{fragment:?} missing{}",
            run.streams()
        );
    }
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "the browser ran{}",
        run.streams()
    );
    assert!(
        !sandbox.aws_credentials_path().exists(),
        "credentials written"
    );
    assert!(!sandbox.aws_config_path().exists(), "config written");
}

#[test]
fn bad_roles_are_refused_before_the_browser() {
    let sandbox = Sandbox::new();
    // -r is checked while the arguments are parsed: a usage error.
    for role in [
        "arn:aws:iam::123456789012:user/alice",
        "developer",
        "arn:aws-mars:iam::123456789012:role/x",
    ] {
        assert_refused_before_browser(
            &sandbox,
            &["get-cred", "-p", "oidc", "-r", role],
            &[],
            2,
            &[role, "expected arn:aws:iam::123456789012:role/NAME"],
        );
    }
    // A bad default role in config.yaml is refused before the browser too.
    let yaml = std::fs::read_to_string(sandbox.config_path()).unwrap();
    let developer = crate::support::role_arn("developer");
    let user = "arn:aws:iam::123456789012:user/alice";
    sandbox.write_config(&yaml.replacen(&developer, user, 1));
    assert_refused_before_browser(
        &sandbox,
        &["login", "--profile", "dev", "-p", "oidc"],
        &[],
        1,
        &[user, "role/NAME"],
    );
}

#[test]
fn a_bad_region_is_a_usage_error_before_the_browser() {
    let sandbox = Sandbox::new();
    assert_refused_before_browser(
        &sandbox,
        &[
            "login",
            "--profile",
            "dev",
            "-p",
            "oidc",
            "--region",
            "us east 1",
        ],
        &[],
        2,
        &["'us east 1'", "--region", "us-east-1"],
    );
}

#[test]
fn a_clear_text_sts_endpoint_is_refused_before_the_browser() {
    let sandbox = Sandbox::new();
    assert_refused_before_browser(
        &sandbox,
        &["get-cred", "-p", "oidc"],
        &[("AWS_ENDPOINT_URL_STS", "http://sts.example.com")],
        1,
        &["STS endpoint", "http://sts.example.com"],
    );
}

#[test]
fn an_unwritable_aws_directory_is_refused_before_the_browser() {
    let sandbox = Sandbox::new();
    let aws = sandbox
        .aws_credentials_path()
        .parent()
        .unwrap()
        .to_path_buf();
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o500)).unwrap();
    let run = sandbox.run(&["login", "--profile", "dev", "-p", "oidc"]);
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o700)).unwrap();
    run.assert_code(1);
    assert!(run.stderr.contains("read-only"), "{}", run.streams());
    assert!(
        run.stderr.contains(&*aws.to_string_lossy()),
        "{}",
        run.streams()
    );
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "the browser ran{}",
        run.streams()
    );
}

#[test]
fn login_with_a_region_checks_the_config_file_first() {
    let sandbox = Sandbox::new();
    let config = sandbox.aws_config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // botocore refuses a duplicated section; so do we, before the login.
    let text = "[profile dev]\nregion = eu-west-1\n[profile dev]\noutput = json\n";
    std::fs::write(&config, text).unwrap();
    let run = sandbox.run(&[
        "login",
        "--profile",
        "dev",
        "-p",
        "oidc",
        "--region",
        "eu-central-1",
    ]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("appears more than once"),
        "{}",
        run.streams()
    );
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "the browser ran{}",
        run.streams()
    );
    assert!(
        !sandbox.aws_credentials_path().exists(),
        "credentials written without the config"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}
