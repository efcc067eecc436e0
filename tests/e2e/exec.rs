//! `exec` end to end, with the real `aws` CLI as the child: the assumed
//! role through the container-credentials endpoint, renewal across a
//! refresh, exit status, SIGTERM, nested exec, and the endpoint's refusals.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Peers, Sandbox, aws_cli, binary, default_config, kill_group, process_alive};

fn aws() -> String {
    aws_cli().to_string_lossy().into_owned()
}

#[test]
fn exec_runs_the_aws_cli_as_the_assumed_role_through_the_endpoint() {
    let sandbox = Sandbox::new();
    let aws = aws();
    // Competing variables in our environment must not reach the child.
    let run = sandbox.run_with_env(
        &[
            "exec",
            "-p",
            "oidc",
            "--",
            &aws,
            "sts",
            "get-caller-identity",
            "--output",
            "json",
        ],
        &[
            ("AWS_PROFILE", "ghost"),
            ("AWS_ACCESS_KEY_ID", "AKIASTALE"),
            ("AWS_SECRET_ACCESS_KEY", "stale"),
        ],
    );
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer/"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1);
}

#[test]
fn exec_gives_the_child_the_endpoint_marker_and_region_not_static_keys() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_with_env(
        &[
            "exec",
            "-p",
            "oidc",
            "--region",
            "eu-central-1",
            "--",
            "env",
        ],
        &[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x")],
    );
    run.assert_success();
    let vars: Vec<(&str, &str)> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .collect();
    let get = |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    let uri = get("AWS_CONTAINER_CREDENTIALS_FULL_URI").unwrap_or_default();
    assert!(uri.starts_with("http://127.0.0.1:"), "{}", run.stdout);
    assert_eq!(
        get("AWS_CONTAINER_AUTHORIZATION_TOKEN").map(str::len),
        Some(43)
    );
    assert_eq!(get("AWS_REGION"), Some("eu-central-1"));
    assert_eq!(get("AWS_DEFAULT_REGION"), Some("eu-central-1"));
    assert_eq!(
        get("AWS_CLI_OIDC_EXEC"),
        Some(format!("oidc/{}", crate::support::role_arn("developer")).as_str())
    );
    for gone in [
        "AWS_ACCESS_KEY_ID",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ] {
        assert_eq!(get(gone), None, "{gone} reached the child");
    }
    // The token never reaches our own output.
    let token = get("AWS_CONTAINER_AUTHORIZATION_TOKEN").unwrap_or("?");
    assert!(!run.stderr.contains(token));
}

#[test]
fn exec_no_server_gives_static_keys_and_becomes_the_child() {
    let sandbox = Sandbox::new();
    let aws = aws();
    let run = sandbox.run(&[
        "exec", "-p", "oidc", "--no-server", "--", "sh", "-c",
        "echo pid=$$ ppid=$PPID; env | grep -c '^AWS_CONTAINER_' ; \"$0\" sts get-caller-identity --output json",
        &aws,
    ]);
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer/"),
        "{}",
        run.streams()
    );
    assert!(
        run.stdout.lines().any(|l| l == "0"),
        "no endpoint variables{}",
        run.streams()
    );
    // setsid exec'd our binary in place, and our binary exec'd sh: sh's
    // parent is this test process, not a lingering aws-cli-oidc.
    let ppid = format!("ppid={}", std::process::id());
    assert!(
        run.stdout.contains(&ppid),
        "{ppid} expected{}",
        run.streams()
    );
}

#[test]
fn exec_returns_the_exit_status_of_the_command() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["exec", "-p", "oidc", "--", "sh", "-c", "exit 7"]);
    run.assert_code(7);
    let run = sandbox.run(&[
        "exec",
        "-p",
        "oidc",
        "--no-server",
        "--",
        "sh",
        "-c",
        "exit 9",
    ]);
    run.assert_code(9);
}

#[test]
fn exec_without_a_command_runs_the_shell() {
    let sandbox = Sandbox::new();
    let script = sandbox.home().join("fake-shell");
    std::fs::write(
        &script,
        "#!/bin/sh\necho \"shell with $AWS_CLI_OIDC_EXEC\"\nexit 4\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let shell = script.to_string_lossy().into_owned();
    let run = sandbox.run_with_env(&["exec", "-p", "oidc"], &[("SHELL", &shell)]);
    run.assert_code(4);
    assert!(
        run.stdout.contains("shell with oidc/arn:aws:iam::"),
        "{}",
        run.streams()
    );
}

#[test]
fn nested_exec_is_refused() {
    let sandbox = Sandbox::new();
    let bin = binary().to_string_lossy().into_owned();
    let run = sandbox.run(&[
        "exec", "-p", "oidc", "--", &bin, "exec", "-p", "oidc", "--", "true",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("already inside `aws-cli-oidc exec` for oidc/"),
        "{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1, "the inner exec did not log in");
}

#[test]
fn sigterm_reaches_the_child_and_its_status_comes_back() {
    let sandbox = Sandbox::new();
    let ready = sandbox.home().join("ready");
    let got = sandbox.home().join("got-term");
    let script = format!(
        "trap 'echo term > {got}; exit 42' TERM; echo ready > {ready}; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; exit 3",
        got = got.display(),
        ready = ready.display()
    );
    let mut cmd = sandbox.binary_command(&["exec", "-p", "oidc", "--", "sh", "-c", &script]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start exec");
    let started = Instant::now();
    while !ready.exists() {
        if started.elapsed() > Duration::from_secs(60) || child.try_wait().ok().flatten().is_some()
        {
            kill_group(child.id());
            let _ = child.kill();
            panic!("the command inside exec never started");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            kill_group(child.id());
            let _ = child.kill();
            panic!("exec did not end after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    kill_group(child.id());
    assert!(got.exists(), "the child got no SIGTERM");
    assert_eq!(status.code(), Some(42), "the child's status comes back");
    assert!(!process_alive(child.id()));
}

#[test]
fn botocore_reads_through_the_endpoint_across_a_renewal() {
    let peers = Peers::shared();
    let sandbox = Sandbox::new();
    // A refresh margin longer than the session: every request renews.
    sandbox.write_config(&format!(
        "{}renewing:\n  oidc_provider_metadata_url: {}\n  client_id: aws-cli\n  aws_federation_type: oidc\n  default_iam_role_arn: {}\n  max_session_duration_seconds: 900\n  refresh_margin_minutes: 720\n  login_timeout_seconds: 30\n",
        default_config(peers),
        peers.metadata_url(),
        crate::support::role_arn("developer"),
    ));
    let aws = aws();
    let run = sandbox.run(&[
        "exec", "-p", "renewing", "--", "sh", "-c",
        "\"$0\" sts get-caller-identity --output text --query Arn && \"$0\" sts get-caller-identity --output text --query Arn",
        &aws,
    ]);
    run.assert_success();
    let arns: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("assumed-role/developer/"))
        .collect();
    assert_eq!(arns.len(), 2, "{}", run.streams());
    assert!(
        run.stderr.matches("renewed arn:aws:iam::").count() >= 2,
        "each request renewed through the refresh token{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1, "one login only");
}

#[test]
fn the_endpoint_refuses_missing_token_other_host_and_other_method() {
    let sandbox = Sandbox::new();
    let script = r#"
u=$AWS_CONTAINER_CREDENTIALS_FULL_URI; t=$AWS_CONTAINER_AUTHORIZATION_TOKEN
code() { curl -s -m 10 -o /dev/null -w '%{http_code}' "$@"; echo; }
code "$u"
code -H "Authorization: wrong" "$u"
code -H "Authorization: $t" -H "Host: evil.example" "$u"
code -X POST -H "Authorization: $t" "$u"
code -H "Authorization: $t" "$u"
curl -s -m 10 -H "Authorization: $t" "$u" | grep -c '"AccessKeyId"'
"#;
    let run = sandbox.run(&["exec", "-p", "oidc", "--", "sh", "-c", script]);
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        ["401", "401", "403", "405", "200", "1"],
        "{}",
        run.streams()
    );
}

#[test]
fn exec_warns_when_a_default_profile_would_shadow_the_endpoint() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.aws_credentials_path(),
        "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n",
    )
    .unwrap();
    let run = sandbox.run(&["exec", "-p", "oidc", "--", "true"]);
    run.assert_success();
    assert!(
        run.stderr
            .contains("profile \"default\" has aws_access_key_id"),
        "{}",
        run.streams()
    );
}

#[test]
fn the_endpoint_stops_when_the_command_exits() {
    let sandbox = Sandbox::new();
    let uri_file = sandbox.home().join("uri");
    let script = format!(
        "echo \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" > {}",
        uri_file.display()
    );
    sandbox
        .run(&["exec", "-p", "oidc", "--", "sh", "-c", &script])
        .assert_success();
    let uri = std::fs::read_to_string(&uri_file).unwrap_or_default();
    let addr = uri
        .trim()
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no endpoint URI: {uri:?}"))
        .to_owned();
    let refused = std::net::TcpStream::connect_timeout(
        &addr.parse().expect("127.0.0.1:PORT"),
        Duration::from_secs(2),
    );
    assert!(refused.is_err(), "{addr} still accepts connections");
}
