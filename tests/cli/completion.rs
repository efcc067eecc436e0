//! `completion SHELL`: the bash script completes past the first word of our
//! hyphenated name (clap issues #6421/#6529) and offers the providers of
//! config.yaml and the profiles of the AWS files. Driven in a real bash the
//! way readline does it: the registered function with COMP_WORDS and
//! COMP_CWORD set, reading COMPREPLY.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{completion_home as home, run_bounded};

/// Sources `completion bash` in a fresh `bash --norc`, completes the last
/// of `words` with the function registered for `aws-cli-oidc`, and returns
/// COMPREPLY.
fn complete_bash(home: &Path, words: &[&str]) -> Vec<String> {
    let driver = r#"
set -u
source <(aws-cli-oidc completion bash) || exit 90
spec=$(complete -p aws-cli-oidc) || exit 91
fn=${spec#*-F }; fn=${fn%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
prev=""
(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
"$fn" aws-cli-oidc "${COMP_WORDS[COMP_CWORD]}" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let path = crate::support::path_with_binary();
    let mut cmd = Command::new("bash");
    cmd.args(["--norc", "--noprofile", "-c", driver, "driver"])
        .args(words)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .current_dir(home);
    let run = run_bounded(&mut cmd, Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "bash driver failed{}", run.streams());
    assert!(
        !home.join("pwned").exists(),
        "a provider name was executed by the shell"
    );
    run.stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_options_of_a_subcommand() {
    let home = home();
    let got = complete_bash(home.path(), &["aws-cli-oidc", "get-cred", "--fo"]);
    assert_eq!(got, ["--format"]);
    let got = complete_bash(home.path(), &["aws-cli-oidc", "get-cred", "--format", ""]);
    assert!(got.contains(&"fish".to_owned()), "{got:?}");
}

#[test]
fn bash_completes_subcommands_then_nested_options() {
    let home = home();
    let got = complete_bash(home.path(), &["aws-cli-oidc", "install-"]);
    assert_eq!(got, ["install-profile"]);
    let got = complete_bash(home.path(), &["aws-cli-oidc", "login", "--all"]);
    assert_eq!(got, ["--all-roles"]);
    let got = complete_bash(home.path(), &["aws-cli-oidc", "__"]);
    assert!(got.is_empty(), "the hidden lister is not offered: {got:?}");
}

#[test]
fn bash_completes_configured_providers_after_p() {
    let home = home();
    let got = complete_bash(home.path(), &["aws-cli-oidc", "get-cred", "-p", ""]);
    assert_eq!(got, ["myop", "work-sso"], "the hostile name is left out");
    let got = complete_bash(home.path(), &["aws-cli-oidc", "login", "--provider", "w"]);
    assert_eq!(got, ["work-sso"]);
}

#[test]
fn bash_provider_completion_follows_config_dir() {
    let home = home();
    let other = home.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("config.yaml"),
        "elsewhere:\n  oidc_provider_metadata_url: https://idp.example/x\n  client_id: c\n  aws_federation_type: oidc\n",
    )
    .unwrap();
    let dir = other.to_string_lossy().into_owned();
    let got = complete_bash(
        home.path(),
        &["aws-cli-oidc", "--config-dir", &dir, "get-cred", "-p", ""],
    );
    assert_eq!(got, ["elsewhere"]);
}

#[test]
fn bash_completes_profiles_of_both_aws_files() {
    let home = home();
    let got = complete_bash(home.path(), &["aws-cli-oidc", "login", "--profile", ""]);
    assert_eq!(got, ["default", "dev", "legacy", "prod-admin"]);
    let got = complete_bash(
        home.path(),
        &["aws-cli-oidc", "install-profile", "--profile", "pr"],
    );
    assert_eq!(got, ["prod-admin"]);
}

#[test]
fn bash_completes_the_command_after_exec_dashdash() {
    let home = home();
    let got = complete_bash(
        home.path(),
        &["aws-cli-oidc", "exec", "-p", "myop", "--", "ech"],
    );
    assert!(got.contains(&"echo".to_owned()), "{got:?}");
    assert!(!got.iter().any(|c| c.starts_with("--")), "{got:?}");
    std::fs::write(home.path().join("plan.tfvars"), "").unwrap();
    let got = complete_bash(
        home.path(),
        &[
            "aws-cli-oidc",
            "exec",
            "-p",
            "myop",
            "--",
            "terraform",
            "pla",
        ],
    );
    assert_eq!(got, ["plan.tfvars"]);
}

#[test]
fn bash_completion_without_files_offers_nothing_and_prints_no_error() {
    let home = tempfile::tempdir().unwrap();
    let got = complete_bash(home.path(), &["aws-cli-oidc", "get-cred", "-p", ""]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn completion_scripts_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef aws-cli-oidc"),
        ("fish", "complete -c aws-cli-oidc"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_aws-cli-oidc"))
            .args(["completion", shell])
            .env_clear()
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell} script lacks {marker:?}");
        assert!(
            text.contains("get-cred"),
            "{shell} script lacks the get-cred subcommand"
        );
    }
}
