//! Exit codes and the first words a user sees, for the usual mistakes:
//! every bad argument exits 2 in every command, failures exit 1, and each
//! command's `--help` lists its exit codes.

use clap::CommandFactory;

use crate::support::Bare;

/// A provider that validates; nothing here reaches its URL.
const CONFIG: &str = "corp:\n  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  client_id: aws-cli\n  aws_federation_type: saml2\n";

#[test]
fn usage_errors_exit_2_and_name_the_argument() {
    let bare = Bare::new();
    bare.write(".aws-cli-oidc/config.yaml", CONFIG);
    let cases: &[(&[&str], &str)] = &[
        (
            &["setup", "x", "--max-duration", "100"],
            "max_session_duration_seconds (--max-duration): expected a whole number from 900 to 43200",
        ),
        (
            &["setup", "x", "--federation-type", "oidcc"],
            "aws_federation_type (--federation-type): expected one of: oidc, saml2",
        ),
        (
            &["setup", "x", "--client-id", ""],
            "client_id (--client-id): is empty",
        ),
        (
            &["setup", "x", "--ca-bundle", "/no/such.pem"],
            "ca_bundle (--ca-bundle)",
        ),
        (&["setup"], "missing: NAME"),
        (&["get-cred", "-p", "corp", "-d", "100"], "--max-duration"),
        (&["get-cred", "-p", "corp", "-r", "dev"], "not a role ARN"),
        (&["get-cred"], "pass -p PROVIDER"),
        (
            &["login", "--profile", "a b", "-p", "corp"],
            "invalid profile name",
        ),
        (
            &[
                "install-profile",
                "--profile",
                "dev",
                "-p",
                "corp",
                "--region",
                "Frankfurt",
            ],
            "expected a region such as us-east-1",
        ),
        (
            &["uninstall-profile", "--profile", "a b"],
            "invalid profile name",
        ),
        (&["refresh", "--profile", "a]b"], "invalid profile name"),
        (
            &[
                "login",
                "--all-roles",
                "--profile-template",
                "{account}",
                "-p",
                "corp",
                "--device",
            ],
            "--device is not supported",
        ),
        (
            &[
                "login",
                "--all-roles",
                "--profile-template",
                "{nope}",
                "-p",
                "corp",
            ],
            "the placeholders are {account}, {alias}, {role}, {provider}",
        ),
        (&["completion", "nosh"], "invalid value 'nosh'"),
        (&["no-such-command"], "unrecognized subcommand"),
    ];
    for (args, fragment) in cases {
        let run = bare.run(args);
        assert_eq!(run.code, Some(2), "{args:?}{}", run.streams());
        assert!(
            run.stderr.contains(fragment),
            "{args:?}: want {fragment:?}{}",
            run.streams()
        );
        assert_eq!(run.stdout, "", "{args:?}{}", run.streams());
    }
}

#[test]
fn status_exits_1_and_shows_an_unreadable_config_first() {
    let bare = Bare::new();
    let run = bare.run(&["status"]);
    assert_eq!(run.code, Some(0), "{}", run.streams());

    bare.write(".aws-cli-oidc/config.yaml", "corp:\n  client_id: [x\n");
    let run = bare.run(&["status"]);
    assert_eq!(run.code, Some(1), "{}", run.streams());
    assert!(
        run.stdout.starts_with("Problems (1)\n  - ") && run.stdout.contains("not valid YAML"),
        "{}",
        run.streams()
    );
    assert!(!run.stdout.contains("none; add one"), "{}", run.streams());

    bare.write(".aws-cli-oidc/config.yaml", "corp:\n  client_id: x\n");
    let run = bare.run(&["status"]);
    assert_eq!(run.code, Some(1), "{}", run.streams());
    assert!(
        run.stdout.starts_with("Problems (1)")
            && run.stdout.contains("has no oidc_provider_metadata_url"),
        "{}",
        run.streams()
    );
    let run = bare.run(&["status", "--json"]);
    assert_eq!(run.code, Some(1), "{}", run.streams());
}

#[test]
fn every_help_lists_the_exit_codes() {
    let bare = Bare::new();
    let cmd = aws_cli_oidc::cli::Cli::command();
    let mut names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    names.push(String::new());
    for name in names {
        let mut args: Vec<&str> = Vec::new();
        if !name.is_empty() {
            args.push(&name);
        }
        args.push("--help");
        let run = bare.run(&args);
        assert_eq!(run.code, Some(0), "{args:?}{}", run.streams());
        assert!(
            run.stdout.contains("Exit status:\n  0  ") && run.stdout.contains("\n  2  usage error"),
            "{args:?}: no exit status{}",
            run.streams()
        );
    }
    let refresh = bare.run(&["refresh", "--help"]);
    assert!(
        refresh
            .stdout
            .contains("\n  3  a profile needs an interactive login"),
        "{}",
        refresh.streams()
    );
}
