//! What the usual mistakes print: "did you mean", refresh telling its cases
//! apart, clear-secret with an unknown provider. Each case is a command, its
//! exit code and a fragment of stderr.

use crate::support::Bare;

const CONFIG: &str = "myop:\n  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  client_id: aws-cli\n  aws_federation_type: oidc\n";

const CREDENTIALS: &str = "[static]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[mine]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_session_token = token\nx_aws_cli_oidc_provider = myop\nx_security_token_expires = 2099-01-01T00:00:00Z\n";

const AWS_CONFIG: &str = "[profile proc]\ncredential_process = /usr/local/bin/aws-cli-oidc get-cred -p myop -r arn:aws:iam::123456789012:role/dev -j -s\n\n[profile plain]\nregion = eu-west-1\n";

fn home() -> Bare {
    let bare = Bare::new();
    bare.write(".aws-cli-oidc/config.yaml", CONFIG);
    bare.write(".aws/credentials", CREDENTIALS);
    bare.write(".aws/config", AWS_CONFIG);
    bare
}

#[test]
fn mistakes_get_a_message_that_says_what_to_do() {
    let bare = home();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["get-cred", "-p", "myopp"], 1, "did you mean \"myop\"?"),
        (
            &["get-cred", "-p", "prod"],
            1,
            "add it with: aws-cli-oidc setup prod",
        ),
        (
            &["refresh", "--profile", "mien"],
            1,
            "there is no profile \"mien\" in ",
        ),
        (
            &["refresh", "--profile", "mien"],
            1,
            "did you mean \"mine\"? run: aws-cli-oidc refresh --profile mine",
        ),
        (
            &["refresh", "--profile", "static"],
            1,
            "profile \"static\" in ",
        ),
        (
            &["refresh", "--profile", "static"],
            1,
            "was not written by `aws-cli-oidc login`",
        ),
        (
            &["refresh", "--profile", "plain"],
            1,
            "was not written by `aws-cli-oidc login`",
        ),
        (
            &["refresh", "--profile", "proc"],
            0,
            "profile \"proc\" is a credential_process profile",
        ),
        (
            &["refresh"],
            0,
            "nothing to refresh: 1 profile stays valid for more than 30 minutes",
        ),
        (
            &["uninstall-profile", "--profile", "prco"],
            0,
            "did you mean \"proc\"? run: aws-cli-oidc uninstall-profile --profile proc",
        ),
        (
            &["clear-secret", "-p", "myopp"],
            1,
            "there is no provider \"myopp\" in ",
        ),
        (
            &["clear-secret", "-p", "myopp"],
            1,
            "did you mean \"myop\"?",
        ),
        (
            &["clear-secret", "-p", "myop"],
            0,
            "removed 0 cached entries of provider \"myop\"",
        ),
    ];
    for (args, code, fragment) in cases {
        let run = bare.run(args);
        assert_eq!(run.code, Some(*code), "{args:?}{}", run.streams());
        assert!(
            run.stderr.contains(fragment),
            "{args:?}: want {fragment:?}{}",
            run.streams()
        );
    }
}

#[test]
fn refresh_quiet_prints_nothing_when_there_is_nothing_to_do() {
    let bare = home();
    let run = bare.run(&["refresh", "--quiet"]);
    assert_eq!(run.code, Some(0), "{}", run.streams());
    assert_eq!(run.stderr, "", "{}", run.streams());

    let empty = Bare::new();
    let run = empty.run(&["refresh"]);
    assert_eq!(run.code, Some(0), "{}", run.streams());
    assert!(
        run.stderr.contains("nothing to refresh: no profile in ")
            && run
                .stderr
                .contains("aws-cli-oidc login --profile NAME -p PROVIDER"),
        "{}",
        run.streams()
    );
}
