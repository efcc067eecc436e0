//! `exec` refuses to nest before it reads any file or logs in.

use std::process::Command;

#[test]
fn exec_inside_exec_is_a_usage_error_naming_the_outer_role() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aws-cli-oidc"))
        .args(["exec", "-p", "myop", "--", "true"])
        .env_clear()
        .env("HOME", home.path())
        .env(
            "AWS_CLI_OIDC_EXEC",
            "corp/arn:aws:iam::123456789012:role/dev",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "already inside `aws-cli-oidc exec` for corp/arn:aws:iam::123456789012:role/dev"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
