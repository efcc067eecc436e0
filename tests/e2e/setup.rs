//! `setup`: the flag mode for scripts (no terminal, no prompt, no hang), the
//! checks that name the key, the private atomic write that keeps other
//! providers and unknown keys, and the wizard driven on a real
//! pseudo-terminal by tmux. The providers written here are then used by
//! `get-cred` against the real peers (see `support`).

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Instant;

use aws_cli_oidc::config::ConfigFile;
use serde_yaml_ng::{Mapping, Value};

use crate::support::{self, Run, Sandbox, Tmux, default_config, parse_exports, role_arn};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The document as plain YAML values, to compare providers key by key.
fn yaml(path: &Path) -> Mapping {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_yaml_ng::from_str::<Value>(&text) {
        Ok(Value::Mapping(m)) => m,
        other => panic!("{} is not a map of providers: {other:?}", path.display()),
    }
}

fn provider_map(doc: &Mapping, name: &str) -> Mapping {
    doc.get(name)
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_else(|| panic!("provider {name} missing from {doc:?}"))
}

fn text(map: &Mapping, key: &str) -> Option<String> {
    map.get(key).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A sandbox whose config also holds a key this version does not know.
fn sandbox_with_unknown_key() -> Sandbox {
    let sandbox = Sandbox::new();
    let peers = support::Peers::shared();
    sandbox.write_config(&format!(
        "{}  x_future_key: kept as it was\n",
        default_config(peers)
    ));
    sandbox
}

/// Runs `aws-cli-oidc ARGS` in the sandbox environment with `input` on stdin.
fn run_with_stdin(sandbox: &Sandbox, args: &[&str], input: &str) -> Run {
    let started = Instant::now();
    let mut child = Command::new("setsid")
        .arg(support::binary())
        .args(args)
        .env_clear()
        .envs(sandbox.envs())
        .current_dir(sandbox.home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the binary: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(support::COMMAND_TIMEOUT) {
        Ok(Ok(out)) => Run {
            code: out.status.code(),
            timed_out: false,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: started.elapsed(),
        },
        Ok(Err(e)) => panic!("waiting for the binary failed: {e}"),
        Err(_) => {
            support::kill_group(pid);
            panic!(
                "the binary did not exit within {:?}",
                support::COMMAND_TIMEOUT
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Flag mode
// ---------------------------------------------------------------------------

#[test]
fn setup_flags_create_private_dir_and_file() {
    let bare = support::Bare::new();
    let dir = bare.home.path().join("new").join("cfg");
    let dir_arg = dir.to_string_lossy().into_owned();
    let run = bare.run(&[
        "--config-dir",
        &dir_arg,
        "setup",
        "corp.example.com",
        "--metadata-url",
        "https://idp.example.com/.well-known/openid-configuration",
        "--client-id",
        "aws-cli",
        "--federation-type",
        "SAML2",
        "--default-role",
        "arn:aws-cn:iam::123456789012:role/dev",
        "--region",
        "cn-north-1",
        "--no-verify",
    ]);
    run.assert_success();
    assert_eq!(run.stdout, "", "stdout stays empty{}", run.streams());
    let file = dir.join("config.yaml");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let cfg = ConfigFile::load(&dir)
        .and_then(|f| f.provider("corp.example.com"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.federation_type.as_str(), "saml2");
    assert_eq!(
        cfg.token_exchange_subject_token_type.map(|t| t.urn()),
        Some("urn:ietf:params:oauth:token-type:access_token")
    );
    assert_eq!(
        cfg.default_iam_role_arn.as_deref(),
        Some("arn:aws-cn:iam::123456789012:role/dev")
    );
    // The next commands, with the same --config-dir, on stderr.
    for next in [
        "get-cred -p corp.example.com",
        "login --profile corp.example.com -p corp.example.com",
        "install-profile --profile corp.example.com -p corp.example.com",
    ] {
        assert!(
            run.stderr
                .contains(&format!("aws-cli-oidc --config-dir {dir_arg} {next}")),
            "{next}{}",
            run.streams()
        );
    }
}

#[test]
fn setup_flags_keep_other_providers_and_unknown_keys_then_get_cred_works() {
    let sandbox = sandbox_with_unknown_key();
    let before = yaml(&sandbox.config_path());
    let peers = support::Peers::shared();
    let meta = peers.metadata_url();
    let developer = role_arn("developer");
    let run = sandbox.run(&[
        "setup",
        "fresh",
        "--metadata-url",
        &meta,
        "--client-id",
        "aws-cli",
        "--federation-type",
        "oidc",
        "--default-role",
        &developer,
        "--max-duration",
        "3600",
        "--region",
        "us-east-1",
        "--login-timeout",
        "30",
    ]);
    run.assert_success();
    assert_eq!(run.stdout, "", "stdout stays empty{}", run.streams());
    // The metadata was fetched and shown.
    assert!(
        run.stderr
            .contains(&format!("issuer:                 {}", peers.issuer())),
        "{}",
        run.streams()
    );
    assert!(
        run.stderr.contains("aws-cli-oidc get-cred -p fresh"),
        "{}",
        run.streams()
    );

    assert_eq!(mode(&sandbox.config_path()), 0o600);
    let after = yaml(&sandbox.config_path());
    let mut names: Vec<&Value> = after.keys().collect();
    assert_eq!(names.pop(), Some(&Value::String("fresh".into())));
    assert_eq!(names, before.keys().collect::<Vec<_>>());
    for (name, value) in &before {
        assert_eq!(after.get(name), Some(value), "provider {name:?} changed");
    }
    let quick = provider_map(&after, "quick");
    assert_eq!(
        text(&quick, "x_future_key").as_deref(),
        Some("kept as it was")
    );

    let get = sandbox.run(&["get-cred", "-p", "fresh"]);
    get.assert_success();
    let exports = parse_exports(&get.stdout);
    assert!(
        exports
            .iter()
            .any(|(k, v)| k == "AWS_ACCESS_KEY_ID" && !v.is_empty()),
        "{}",
        get.streams()
    );
}

#[test]
fn setup_client_secret_stdin_reads_one_line_and_never_shows_it() {
    let sandbox = Sandbox::new();
    let peers = support::Peers::shared();
    let meta = peers.metadata_url();
    let developer = role_arn("developer");
    let run = run_with_stdin(
        &sandbox,
        &[
            "setup",
            "conf",
            "--metadata-url",
            &meta,
            "--client-id",
            "aws-cli-secret",
            "--client-secret-stdin",
            "--federation-type",
            "oidc",
            "--default-role",
            &developer,
            "--login-timeout",
            "30",
        ],
        "e2e-secret\nsecond line is ignored\n",
    );
    run.assert_success();
    assert!(
        !run.stderr.contains("e2e-secret") && run.stdout.is_empty(),
        "{}",
        run.streams()
    );
    let cfg = ConfigFile::load(&sandbox.config_dir())
        .and_then(|f| f.provider("conf"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cfg.client_secret.as_ref().map(|s| s.expose().as_str()),
        Some("e2e-secret")
    );
    // The confidential client only works with exactly that secret.
    sandbox.run(&["get-cred", "-p", "conf"]).assert_success();
}

#[test]
fn setup_flags_update_an_existing_provider_keeping_its_other_keys() {
    // The metadata URL is not given, so it is not fetched (idp.example.com
    // would not answer): updating one key needs no network.
    let bare = support::Bare::new();
    let dir = bare.config_dir();
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("config.yaml");
    std::fs::write(
        &file,
        "dev:\n  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  \
         client_id: aws-cli\n  client_secret: s3cr3t\n  aws_federation_type: oidc\n  \
         max_session_duration_seconds: 7200\n  scopes: [offline_access, profile]\n  x_future_key: keep\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let before = provider_map(&yaml(&file), "dev");
    let run = bare.run(&[
        "setup",
        "dev",
        "-y",
        "--region",
        "us-gov-west-1",
        "--default-role",
        "arn:aws-us-gov:iam::123456789012:role/ops",
    ]);
    run.assert_success();
    let after = provider_map(&yaml(&file), "dev");
    for (k, v) in &before {
        assert_eq!(after.get(k), Some(v), "{k:?} changed");
    }
    assert_eq!(text(&after, "aws_region").as_deref(), Some("us-gov-west-1"));
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(mode(&file), 0o600);
    assert!(!run.stderr.contains("s3cr3t"), "{}", run.streams());
}

#[test]
fn setup_without_terminal_names_missing_flags_and_never_prompts() {
    let bare = support::Bare::new();
    let run = bare.run(&["setup"]);
    // Exit 2, not killed by the harness's timeout: it asked nothing.
    run.assert_code(2);
    assert_eq!(run.stdout, "");
    for flag in ["NAME", "--metadata-url", "--client-id", "--federation-type"] {
        assert!(run.stderr.contains(flag), "{flag}{}", run.streams());
    }
    assert!(
        !run.stderr.contains("Provider name"),
        "no prompt{}",
        run.streams()
    );

    let run = bare.run(&["setup", "dev", "--client-id", "x", "--non-interactive"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("missing: --metadata-url (oidc_provider_metadata_url), --federation-type (aws_federation_type)"),
        "{}",
        run.streams()
    );
    assert!(!bare.config_dir().join("config.yaml").exists());
}

#[test]
fn setup_invalid_flag_values_exit_2_naming_the_key() {
    let bare = support::Bare::new();
    let base = [
        "setup",
        "dev",
        "--metadata-url",
        "https://idp.example.com/.well-known/openid-configuration",
        "--client-id",
        "aws-cli",
        "--no-verify",
    ];
    let cases: [(&[&str], &str); 7] = [
        (
            &["--federation-type", "oidc", "--max-duration", "899"],
            "max_session_duration_seconds (--max-duration): expected a whole number from 900 to 43200",
        ),
        (
            &["--federation-type", "oidc", "--max-duration", "43201"],
            "max_session_duration_seconds",
        ),
        (
            &[
                "--federation-type",
                "oidc",
                "--default-role",
                "arn:aws:iam::123456789012:user/dev",
            ],
            "default_iam_role_arn (--default-role)",
        ),
        (
            &[
                "--federation-type",
                "oidc",
                "--default-role",
                "arn:aws:iam::12:role/dev",
            ],
            "default_iam_role_arn",
        ),
        (
            &["--federation-type", "saml"],
            "aws_federation_type (--federation-type): expected one of: oidc, saml2",
        ),
        (
            &[
                "--federation-type",
                "oidc",
                "--insecure-skip-verify",
                "maybe",
            ],
            "insecure_skip_verify",
        ),
        (
            &["--federation-type", "oidc", "--region", "Frankfurt"],
            "aws_region",
        ),
    ];
    for (extra, want) in cases {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        let run = bare.run(&args);
        run.assert_code(2);
        assert!(run.stderr.contains(want), "{extra:?}: {}", run.streams());
        assert!(!bare.config_dir().join("config.yaml").exists(), "{extra:?}");
    }
    // The Go tool's validator refused every value here; ours takes booleans.
    let mut args: Vec<&str> = base.to_vec();
    args.extend_from_slice(&["--federation-type", "oidc", "--insecure-skip-verify", "no"]);
    bare.run(&args).assert_success();
}

#[test]
fn setup_warns_when_the_role_partition_differs_from_the_region() {
    let bare = support::Bare::new();
    let args = |role: &'static str, region: &'static str| {
        [
            "setup",
            "dev",
            "--metadata-url",
            "https://idp.example.com/.well-known/openid-configuration",
            "--client-id",
            "aws-cli",
            "--federation-type",
            "oidc",
            "--default-role",
            role,
            "--region",
            region,
            "--no-verify",
        ]
    };
    let run = bare.run(&args("arn:aws-cn:iam::123456789012:role/dev", "us-east-1"));
    run.assert_success();
    assert!(
        run.stderr
            .contains("is in partition aws-cn but aws_region us-east-1 is in aws"),
        "{}",
        run.streams()
    );
    let run = bare.run(&args(
        "arn:aws-us-gov:iam::123456789012:role/dev",
        "us-gov-east-1",
    ));
    run.assert_success();
    assert!(!run.stderr.contains("warning"), "{}", run.streams());
}

#[test]
fn setup_metadata_url_that_cannot_be_fetched_names_the_key() {
    let bare = support::Bare::new();
    // Port 9 on loopback: nothing listens, so the fetch fails at once.
    let run = bare.run(&[
        "setup",
        "dev",
        "--metadata-url",
        "http://127.0.0.1:9/.well-known/openid-configuration",
        "--client-id",
        "aws-cli",
        "--federation-type",
        "oidc",
    ]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("oidc_provider_metadata_url (--metadata-url)")
            && run.stderr.contains("--no-verify"),
        "{}",
        run.streams()
    );
    let run = bare.run(&[
        "setup",
        "dev",
        "--metadata-url",
        "http://idp.example.com/.well-known/openid-configuration",
        "--client-id",
        "aws-cli",
        "--federation-type",
        "oidc",
        "--no-verify",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("oidc_provider_metadata_url"),
        "clear-text URL refused{}",
        run.streams()
    );
}

// ---------------------------------------------------------------------------
// On a terminal: tmux gives the binary a real pseudo-terminal.
// ---------------------------------------------------------------------------

#[test]
fn setup_wizard_on_a_terminal_hides_secret_shows_issuer_and_writes_answers() {
    let sandbox = sandbox_with_unknown_key();
    let before = yaml(&sandbox.config_path());
    let peers = support::Peers::shared();
    let tmux = Tmux::start(&sandbox.envs(), &support::binary(), &["setup"]);

    tmux.answer("Provider name", "wiz");
    tmux.answer("OIDC metadata URL", &peers.metadata_url());
    tmux.wait_for("token endpoint:");
    tmux.answer("Client ID", "aws-cli-secret");
    tmux.answer("Client secret (hidden", "e2e-secret");
    tmux.answer("AWS federation type", ""); // oidc, the first choice
    // A wrong answer is refused on the spot and asked again.
    tmux.answer("Default IAM role ARN", "arn:aws:iam::1:role/developer");
    tmux.wait_for("is not 12 digits");
    tmux.answer("Default IAM role ARN", &role_arn("developer"));
    tmux.answer("Role session name", "");
    tmux.answer("Session duration in seconds", "60");
    tmux.wait_for("from 900 to 43200");
    tmux.answer("Session duration in seconds", "7200");
    tmux.answer("AWS region", "us-east-1");
    tmux.answer("Scopes beside openid", "");
    tmux.answer("Change advanced settings", "");
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 0, "screen:\n{screen}");
    eprintln!("--- wizard screen ---\n{screen}\n--- end ---");
    assert_eq!(tmux.stdout(), "", "stdout stays empty");

    assert!(
        !screen.contains("e2e-secret"),
        "secret on screen:\n{screen}"
    );
    assert!(
        screen.contains(&format!("issuer:                 {}", peers.issuer())),
        "{screen}"
    );
    for next in [
        "aws-cli-oidc get-cred -p wiz",
        "aws-cli-oidc login --profile wiz -p wiz",
        "aws-cli-oidc install-profile --profile wiz -p wiz",
    ] {
        assert!(screen.contains(next), "{next}:\n{screen}");
    }

    assert_eq!(mode(&sandbox.config_path()), 0o600);
    let after = yaml(&sandbox.config_path());
    for (name, value) in &before {
        assert_eq!(after.get(name), Some(value), "provider {name:?} changed");
    }
    let cfg = ConfigFile::load(&sandbox.config_dir())
        .and_then(|f| f.provider("wiz"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.metadata_url, peers.metadata_url());
    assert_eq!(cfg.client_id, "aws-cli-secret");
    assert_eq!(
        cfg.client_secret.as_ref().map(|s| s.expose().as_str()),
        Some("e2e-secret")
    );
    assert_eq!(cfg.federation_type.as_str(), "oidc");
    assert_eq!(cfg.default_iam_role_arn, Some(role_arn("developer")));
    assert_eq!(cfg.max_session_duration_seconds, Some(7200));
    assert_eq!(cfg.aws_region.as_deref(), Some("us-east-1"));
    assert!(cfg.scopes.is_empty());

    sandbox.run(&["get-cred", "-p", "wiz"]).assert_success();
}

#[test]
fn setup_flags_given_the_issuer_url_write_the_discovery_url() {
    let sandbox = Sandbox::new();
    let peers = support::Peers::shared();
    let run = sandbox.run(&[
        "setup",
        "byissuer",
        "--metadata-url",
        peers.issuer(),
        "--client-id",
        "aws-cli",
        "--federation-type",
        "oidc",
    ]);
    run.assert_success();
    assert!(
        run.stderr.contains("using the discovery document"),
        "{}",
        run.streams()
    );
    let cfg = ConfigFile::load(&sandbox.config_dir())
        .and_then(|f| f.provider("byissuer"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.metadata_url, peers.metadata_url());
}

#[test]
fn setup_wizard_given_the_issuer_url_finds_the_discovery_document_and_works() {
    let sandbox = Sandbox::new();
    let peers = support::Peers::shared();
    let tmux = Tmux::start(
        &sandbox.envs(),
        &support::binary(),
        &["setup", "fromissuer"],
    );
    // The name from the command line is shown, not asked.
    tmux.wait_for("Provider name: fromissuer");
    tmux.answer("OIDC metadata URL", peers.issuer());
    tmux.wait_for("found the discovery document at");
    tmux.wait_for("token endpoint:");
    tmux.answer("Client ID", "aws-cli");
    tmux.answer("Client secret (hidden", ""); // a public client
    tmux.wait_for("Client secret: (none)");
    tmux.answer("AWS federation type", "");
    tmux.answer("Default IAM role ARN", &role_arn("developer"));
    tmux.answer("Role session name", "");
    tmux.answer("Session duration in seconds", "");
    tmux.answer("AWS region", "us-east-1");
    tmux.answer("Scopes beside openid", "");
    tmux.answer("Change advanced settings", "");
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 0, "screen:\n{screen}");
    assert!(!screen.contains("Keep this URL anyway?"), "{screen}");
    assert!(
        !screen.contains("[hidden]"),
        "an empty secret shows as (none):\n{screen}"
    );
    assert_eq!(
        screen.matches("Provider name").count(),
        1,
        "the name is not asked:\n{screen}"
    );

    let cfg = ConfigFile::load(&sandbox.config_dir())
        .and_then(|f| f.provider("fromissuer"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.metadata_url, peers.metadata_url());
    assert!(cfg.client_secret.is_none());
    let run = sandbox.run(&["get-cred", "-p", "fromissuer", "-j"]);
    run.assert_success();
    assert!(run.stdout.contains("\"AccessKeyId\""), "{}", run.streams());
}

#[test]
fn setup_wizard_rerun_offers_current_values_and_keeps_the_secret() {
    let sandbox = Sandbox::new();
    let before = provider_map(&yaml(&sandbox.config_path()), "oidc_post");
    let tmux = Tmux::start(&sandbox.envs(), &support::binary(), &["setup", "oidc_post"]);
    // The name from the command line is not asked again.
    tmux.wait_for("Provider name: oidc_post");
    tmux.wait_for("its current values are offered");
    tmux.answer("OIDC metadata URL", "");
    tmux.wait_for("token endpoint:");
    tmux.answer("Client ID", "");
    tmux.answer("Enter keeps the current one", "");
    tmux.answer("AWS federation type", "");
    tmux.answer(&format!("[{}]", role_arn("developer")), "");
    tmux.answer("Role session name", "");
    tmux.answer("Session duration in seconds", "");
    tmux.answer("AWS region", "eu-west-1");
    tmux.answer("Scopes beside openid", "");
    tmux.answer("Change advanced settings", "");
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 0, "screen:\n{screen}");
    assert!(
        !screen.contains("e2e-secret"),
        "secret on screen:\n{screen}"
    );

    let after = provider_map(&yaml(&sandbox.config_path()), "oidc_post");
    for (k, v) in &before {
        assert_eq!(
            text(&after, k.as_str().unwrap_or_default()),
            text(&before, k.as_str().unwrap_or_default()),
            "{k:?} (was {v:?})"
        );
    }
    assert_eq!(text(&after, "aws_region").as_deref(), Some("eu-west-1"));
    // The Go tool's default duration, offered and taken.
    assert_eq!(
        text(&after, "max_session_duration_seconds").as_deref(),
        Some("3600")
    );
    sandbox
        .run(&["get-cred", "-p", "oidc_post"])
        .assert_success();
}

#[test]
fn get_cred_on_a_terminal_for_a_missing_provider_names_setup_and_asks_nothing() {
    let sandbox = Sandbox::new();
    let tmux = Tmux::start(
        &sandbox.envs(),
        &support::binary(),
        &["get-cred", "-p", "nope"],
    );
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 1, "screen:\n{screen}");
    assert!(
        screen.contains("aws-cli-oidc setup nope"),
        "names the setup command:\n{screen}"
    );
    assert!(!screen.contains("Provider name"), "no wizard:\n{screen}");
}

#[test]
fn get_cred_ctrl_c_ends_the_spinner_line_cleanly() {
    // The browser never calls back, so the spinner runs until Ctrl-C.
    let sandbox = Sandbox::new().mode("never");
    let tmux = Tmux::start(
        &sandbox.envs(),
        &support::binary(),
        &["get-cred", "-p", "oidc"],
    );
    tmux.wait_for("waiting for the login in the browser");
    tmux.key("C-c");
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 130, "screen:\n{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("aws-cli-oidc: interrupted")),
        "interrupted on a line of its own:\n{screen}"
    );
    assert!(
        !screen.contains("waiting for the login in the browser"),
        "the spinner line was erased:\n{screen}"
    );
    assert!(
        screen.contains("opened the login page in your browser; if nothing opened, visit:"),
        "{screen}"
    );
}

#[test]
fn setup_wizard_saml2_with_advanced_settings_accepts_insecure_skip_verify() {
    let sandbox = Sandbox::new();
    let peers = support::Peers::shared();
    let tmux = Tmux::start(&sandbox.envs(), &support::binary(), &["setup", "wsaml"]);
    tmux.answer("OIDC metadata URL", &peers.metadata_url());
    tmux.wait_for("token endpoint:");
    tmux.answer("Client ID", "aws-cli-basic");
    tmux.answer("Client secret (hidden", "e2e-secret");
    tmux.wait_for("AWS federation type");
    tmux.key("Down"); // saml2
    tmux.answer("AWS federation type", "");
    tmux.answer("Token exchange audience", ""); // urn:amazon:webservices
    tmux.wait_for("Subject token type");
    tmux.key("Down"); // id_token
    tmux.answer("Subject token type", "");
    tmux.answer("Default IAM role ARN", "");
    tmux.answer("Session duration in seconds", "");
    tmux.answer("AWS region", "");
    tmux.answer("Scopes beside openid", "offline_access openid");
    tmux.wait_for("Change advanced settings");
    tmux.key("y");
    tmux.answer("claim for the role session name", "");
    tmux.answer("after a successful login", "");
    tmux.answer("after a failed login", "https://");
    tmux.wait_for("expected an http:// or https:// URL");
    tmux.answer("after a failed login", "");
    tmux.answer("Extra authorization query", "prompt=login");
    tmux.wait_for("Client authentication at the token endpoint");
    tmux.key("Down"); // client_secret_basic
    tmux.answer("Client authentication at the token endpoint", "");
    tmux.answer("mTLS client certificate", "~/cert.pem");
    tmux.wait_for("write the full path");
    tmux.answer("mTLS client certificate", "");
    tmux.answer("mTLS client key", "");
    tmux.answer("CA certificates for the provider", "");
    tmux.answer("CA bundle for every request", "");
    tmux.answer("Loopback redirect port", "");
    tmux.answer("Login timeout in seconds", "30");
    tmux.answer("minutes before expiry", "");
    tmux.answer("Where refresh tokens are kept", "");
    tmux.wait_for("anyone on the network can then read your tokens");
    tmux.answer("Skip TLS verification", "yes");
    let (code, screen) = tmux.exit_code();
    assert_eq!(code, 0, "screen:\n{screen}");
    assert!(
        !screen.contains("e2e-secret"),
        "secret on screen:\n{screen}"
    );
    assert_eq!(tmux.stdout(), "", "stdout stays empty");

    let file = ConfigFile::load(&sandbox.config_dir()).unwrap_or_else(|e| panic!("{e}"));
    let cfg = file.provider("wsaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.federation_type.as_str(), "saml2");
    assert_eq!(
        cfg.token_exchange_audience.as_deref(),
        Some("urn:amazon:webservices")
    );
    assert_eq!(
        cfg.token_exchange_subject_token_type.map(|t| t.urn()),
        Some("urn:ietf:params:oauth:token-type:id_token")
    );
    assert_eq!(cfg.client_auth_method.as_str(), "client_secret_basic");
    assert_eq!(cfg.scopes, ["offline_access"]);
    assert_eq!(cfg.additional_query.as_deref(), Some("prompt=login"));
    assert!(cfg.insecure_skip_verify);
    assert_eq!(cfg.login_timeout_seconds, 30);
    assert_eq!(cfg.max_session_duration_seconds, Some(3600));
    // Left at their built-in defaults, these keys are not written.
    for key in [
        "secret_store",
        "loopback_port",
        "client_auth_cert",
        "failure_redirect_url",
    ] {
        assert_eq!(file.get_raw("wsaml", key), None, "{key}");
    }

    let run = sandbox.run(&["get-cred", "-p", "wsaml", "-j"]);
    run.assert_success();
    assert!(run.stdout.contains("\"AccessKeyId\""), "{}", run.streams());
}

#[test]
fn setup_wizard_unreachable_metadata_asks_and_ctrl_c_writes_nothing() {
    let bare = support::Bare::new();
    let env = vec![
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        ),
        (
            "HOME".to_string(),
            bare.home.path().to_string_lossy().into_owned(),
        ),
    ];
    let tmux = Tmux::start(&env, &support::binary(), &["setup"]);
    tmux.answer("Provider name", "dev");
    tmux.answer("OIDC metadata URL", "http://idp.example.com/x");
    tmux.wait_for("error:");
    // Valid but unreachable: the reason is shown and the URL is not taken silently.
    tmux.answer(
        "OIDC metadata URL",
        "http://127.0.0.1:9/.well-known/openid-configuration",
    );
    tmux.wait_for("Keep this URL anyway?");
    tmux.key("C-c");
    let (code, screen) = tmux.exit_code();
    assert_ne!(code, 0, "screen:\n{screen}");
    assert!(
        screen.contains("cannot use http://127.0.0.1:9/.well-known/openid-configuration"),
        "the fetch failure is shown:\n{screen}"
    );
    assert!(
        !bare.config_dir().exists(),
        "nothing written after Ctrl-C:\n{screen}"
    );
}

#[test]
fn setup_refresh_margin_flag_writes_and_checks_the_key() {
    let sandbox = crate::support::Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let base = [
        "--config-dir",
        dir_arg.as_str(),
        "setup",
        "m",
        "-y",
        "--metadata-url",
        "https://idp.example/.well-known/openid-configuration",
        "--client-id",
        "c",
        "--federation-type",
        "oidc",
        "--no-verify",
    ];
    let bad: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--refresh-margin", "9999"])
        .collect();
    let run = sandbox.run(&bad);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("refresh_margin_minutes (--refresh-margin)"),
        "{}",
        run.streams()
    );
    let good: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--refresh-margin", "30"])
        .collect();
    sandbox.run(&good).assert_success();
    let text = std::fs::read_to_string(dir.path().join("config.yaml")).unwrap();
    assert!(text.contains("refresh_margin_minutes: '30'"), "{text}");
}
