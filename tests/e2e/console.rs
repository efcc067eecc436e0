//! `console` end to end: credentials from the real provider and moto, the
//! sign-in token from a stand-in federation endpoint on 127.0.0.1
//! (tests/peers/federation.py) that checks the `Session` JSON and the
//! `Destination`, and the session it received works with the real AWS CLI.

use std::time::{Duration, Instant};

use crate::support::{Federation, Sandbox};

const ENDPOINT_VAR: &str = "AWS_CLI_OIDC_FEDERATION_ENDPOINT";

fn query_of(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

#[test]
fn console_print_writes_only_the_sign_in_url_on_stdout() {
    let federation = Federation::start();
    let sandbox = Sandbox::new();
    let run = sandbox.run_with_env(
        &["console", "-p", "oidc", "--print", "-vv"],
        &[(ENDPOINT_VAR, federation.endpoint())],
    );
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stdout{}", run.streams());
    let url = lines[0];
    assert!(
        url.starts_with(&format!("{}?", federation.endpoint())),
        "{}",
        run.streams()
    );
    let pairs = query_of(url);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    assert_eq!(get("Action"), "login");
    assert_eq!(get("Issuer"), "aws-cli-oidc");
    assert_eq!(
        get("Destination"),
        "https://console.aws.amazon.com/console/home?region=us-east-1"
    );
    let token = get("SigninToken");
    assert!(token.starts_with("standin-"), "{url}");
    assert!(
        !run.stderr.contains(token),
        "the sign-in token reached stderr at -vv{}",
        run.streams()
    );

    // The stand-in got exactly the three session keys, and they are the
    // role's working credentials.
    let requests = federation.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["action"], "getSigninToken");
    assert_eq!(requests[0]["ok"], true, "{requests:?}");
    let session = &requests[0]["session"];
    let s = |k: &str| session[k].as_str().unwrap_or_default().to_owned();
    assert!(!run.stderr.contains(&s("sessionKey")));
    let arn = sandbox.caller_arn_with_keys(&s("sessionId"), &s("sessionKey"), &s("sessionToken"));
    assert!(arn.contains("assumed-role/developer/"), "{arn}");
}

#[test]
fn console_opens_the_destination_in_the_browser() {
    let federation = Federation::start();
    let sandbox = Sandbox::new();
    // Log in first (browser.sh drives the provider), so that the console
    // run below answers from the cache and $BROWSER sees only its URL.
    sandbox
        .run(&["get-cred", "-p", "oidc", "-s", "-j"])
        .assert_success();
    let opener = sandbox.home().join("open-url");
    std::fs::write(
        &opener,
        "#!/bin/sh\nexec curl -s -m 10 -o /dev/null \"$1\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let destination = "https://console.aws.amazon.com/s3/home?region=eu-west-1";
    let run = sandbox.run_with_env(
        &["console", "-p", "oidc", "--destination", destination],
        &[
            (ENDPOINT_VAR, federation.endpoint()),
            // setsid: the browser leaves the command's session at once, so
            // the harness, which kills that session when the command exits,
            // cannot stop it half way.
            ("BROWSER", &format!("setsid {}", opener.display())),
        ],
    );
    run.assert_success();
    assert!(run.stdout.is_empty(), "{}", run.streams());
    assert!(
        run.stderr.contains("opened the AWS console as"),
        "{}",
        run.streams()
    );
    assert!(!run.stderr.contains("standin-"), "{}", run.streams());

    let started = Instant::now();
    let login = loop {
        let requests = federation.requests();
        if let Some(login) = requests.iter().find(|r| r["action"] == "login") {
            break login.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the browser never opened the sign-in URL: {requests:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(login["ok"], true, "{login}");
    assert_eq!(login["token_ok"], true, "{login}");
    assert_eq!(login["issuer"], "aws-cli-oidc");
    assert_eq!(login["destination"], destination);
}

#[test]
fn console_refuses_a_destination_that_is_not_https() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "console",
        "-p",
        "oidc",
        "--destination",
        "http://evil.example/",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("https://"), "{}", run.streams());
    assert_eq!(sandbox.browser_runs(), 0);
}
