//! End-to-end `get-cred` against real peers (oidc-provider and moto's STS on
//! 127.0.0.1), plus `peers_selftest`, which proves the peers and browser.sh
//! work without our binary. Install the peers first: `bash tests/peers/install.sh`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::Digest as _;

use crate::support::{self, Peers, Run, Sandbox, parse_exports, role_arn};

// ---------------------------------------------------------------------------
// Self-test: the peers alone, driven the way our binary will drive them.
// ---------------------------------------------------------------------------

/// One callback the tiny loopback listener accepted with the right state.
struct Callback {
    params: Vec<(String, String)>,
    rejected: usize,
}

impl Callback {
    fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A one-shot loopback listener on `http://127.0.0.1:PORT` (no path), like
/// the CLI's: wrong state → 400 and keep waiting; right state → 200 and done.
fn listen_for_callback(expected_state: String) -> (String, mpsc::Receiver<Callback>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local addr").port();
    listener
        .set_nonblocking(true)
        .expect("nonblocking listener");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut rejected = 0;
        for _ in 0..10 {
            let stream = loop {
                match listener.accept() {
                    Ok((s, _)) => break Some(s),
                    Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                    Err(_) => break None,
                }
            };
            let Some(mut stream) = stream else { return };
            let Some(params) = read_query(&mut stream) else {
                continue;
            };
            let state_ok = params
                .iter()
                .any(|(k, v)| k == "state" && *v == expected_state);
            let status = if state_ok {
                "200 OK"
            } else {
                "400 Bad Request"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            );
            if state_ok {
                let _ = tx.send(Callback { params, rejected });
                return;
            }
            rejected += 1;
        }
    });
    (format!("http://127.0.0.1:{port}"), rx)
}

fn read_query(stream: &mut TcpStream) -> Option<Vec<(String, String)>> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    for _ in 0..100 {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1)?;
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    Some(
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut resp = agent()
        .post(url)
        .send_form(form.iter().copied())
        .unwrap_or_else(|e| panic!("POST {url} failed: {e}"));
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, body)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn random_b64(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("OS randomness");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Drives one authorization-code + PKCE login through browser.sh; returns
/// the callback and what is needed to redeem the code.
fn authorize(sandbox: &Sandbox, client_id: &str) -> (Callback, String, String) {
    let state = random_b64(16);
    let verifier = random_b64(32);
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let (redirect_uri, rx) = listen_for_callback(state.clone());
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid offline_access")
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("state", &state)
        .append_pair("nonce", &random_b64(16))
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let pgid = sandbox.open_browser(&format!("{}/auth?{query}", sandbox.issuer()));
    let callback = rx.recv_timeout(Duration::from_secs(30));
    support::kill_group(pgid);
    let callback = callback.unwrap_or_else(|_| {
        panic!(
            "no callback within 30 s; browser.log:\n{}",
            sandbox.browser_log()
        )
    });
    (callback, redirect_uri, verifier)
}

fn sts_tag<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml.get(start..)?.find(&format!("</{tag}>"))?;
    xml.get(start..start + len)
}

fn sts(peers: &Peers, form: &[(&str, &str)]) -> (u16, String) {
    let mut all = vec![("Version", "2011-06-15")];
    all.extend_from_slice(form);
    post_form(&format!("{}/", peers.sts_endpoint()), &all)
}

#[test]
fn peers_selftest() {
    let peers = Peers::start();
    eprintln!("peers_selftest: both peers READY after {:?}", peers.startup);
    let issuer = peers.issuer().to_owned();
    let token_url = format!("{issuer}/token");

    // Discovery: the endpoints the CLI relies on.
    let mut resp = agent()
        .get(&peers.metadata_url())
        .call()
        .expect("discovery");
    let meta = json(&resp.body_mut().read_to_string().expect("discovery body"));
    assert_eq!(meta["issuer"], issuer.as_str());
    assert!(
        meta["grant_types_supported"].as_array().is_some_and(|g| g
            .iter()
            .any(|v| v == "urn:ietf:params:oauth:grant-type:token-exchange")),
        "token exchange not advertised: {meta}"
    );

    // Login as bob through browser.sh, redeem the code with the PKCE verifier.
    let sandbox = Sandbox::with_peers(&peers).user("bob");
    let (callback, redirect_uri, verifier) = authorize(&sandbox, "aws-cli");
    assert_eq!(
        callback.get("iss"),
        Some(issuer.as_str()),
        "callback carries iss"
    );
    let code = callback
        .get("code")
        .unwrap_or_else(|| panic!("no code in callback: {:?}", callback.params));
    let (status, body) = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &redirect_uri),
            ("client_id", "aws-cli"),
            ("code_verifier", &verifier),
        ],
    );
    assert_eq!(status, 200, "code exchange: {body}");
    let tokens = json(&body);
    let id_token = tokens["id_token"].as_str().expect("id_token").to_owned();
    let access_token = tokens["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let refresh_token = tokens["refresh_token"]
        .as_str()
        .expect("refresh_token is issued")
        .to_owned();
    let claims_b64 = id_token.split('.').nth(1).expect("JWT payload");
    let claims = json(&String::from_utf8_lossy(
        &URL_SAFE_NO_PAD.decode(claims_b64).expect("JWT base64url"),
    ));
    assert_eq!(claims["sub"], "bob");
    assert_eq!(claims["preferred_username"], "bob");
    assert_eq!(claims["email"], "bob@example.test");
    assert_eq!(claims["aud"], "aws-cli");

    // Refresh works for the public client.
    let (status, body) = post_form(
        &token_url,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", "aws-cli"),
        ],
    );
    assert_eq!(status, 200, "refresh: {body}");
    assert!(
        json(&body)["id_token"].is_string(),
        "refresh returns an id token: {body}"
    );

    // Token exchange → bare SAML assertion, base64url without padding, from
    // either an access token or an id token.
    let mut assertion = String::new();
    for (subject, kind) in [(&access_token, "access_token"), (&id_token, "id_token")] {
        let subject_type = format!("urn:ietf:params:oauth:token-type:{kind}");
        let (status, body) = post_form(
            &token_url,
            &[
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                ),
                ("client_id", "aws-cli"),
                ("subject_token", subject),
                ("subject_token_type", &subject_type),
                (
                    "requested_token_type",
                    "urn:ietf:params:oauth:token-type:saml2",
                ),
                ("audience", "urn:amazon:webservices"),
            ],
        );
        assert_eq!(status, 200, "token exchange with {kind}: {body}");
        let answer = json(&body);
        assert_eq!(
            answer["issued_token_type"],
            "urn:ietf:params:oauth:token-type:saml2"
        );
        assert_eq!(answer["token_type"], "N_A");
        let encoded = answer["access_token"].as_str().expect("access_token");
        assert!(!encoded.contains('='), "base64url without padding");
        let xml =
            String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).expect("base64url")).expect("UTF-8");
        assert!(
            xml.starts_with("<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""),
            "{xml}"
        );
        assert!(
            xml.contains("Recipient=\"https://signin.aws.amazon.com/saml\""),
            "{xml}"
        );
        assert!(
            xml.contains(&format!(
                "{},{}",
                role_arn("developer"),
                support::SAML_PROVIDER_ARN
            )),
            "{xml}"
        );
        assert!(
            xml.contains(&format!(
                "{},{}",
                support::SAML_PROVIDER_ARN,
                role_arn("admin")
            )),
            "{xml}"
        );
        assert!(
            xml.contains("https://aws.amazon.com/SAML/Attributes/RoleSessionName"),
            "{xml}"
        );
        assert!(
            xml.contains("https://aws.amazon.com/SAML/Attributes/SessionDuration"),
            "{xml}"
        );
        assertion = xml;
    }

    // Token exchange refuses other requested types and foreign tokens.
    let (status, body) = post_form(
        &token_url,
        &[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("client_id", "aws-cli"),
            ("subject_token", "not-a-token"),
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
            ),
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:saml2",
            ),
        ],
    );
    assert_eq!(status, 400, "foreign subject token: {body}");

    // Replaying the code fails and revokes what it produced (so the CLI must
    // never retry a code): the access token no longer exchanges.
    let (status, _) = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &redirect_uri),
            ("client_id", "aws-cli"),
            ("code_verifier", &verifier),
        ],
    );
    assert_eq!(status, 400, "code replay must fail");

    let (status, body) = post_form(
        &token_url,
        &[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("client_id", "aws-cli"),
            ("subject_token", &access_token),
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
            ),
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:saml2",
            ),
        ],
    );
    assert_eq!(status, 400, "revoked access token: {body}");

    // moto: web identity with the id token.
    let developer = role_arn("developer");
    let (status, body) = sts(
        &peers,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("RoleArn", &developer),
            ("RoleSessionName", "bob"),
            ("WebIdentityToken", &id_token),
        ],
    );
    assert_eq!(status, 200, "AssumeRoleWithWebIdentity: {body}");
    let key_id = sts_tag(&body, "AccessKeyId")
        .expect("AccessKeyId")
        .to_owned();
    let secret = sts_tag(&body, "SecretAccessKey")
        .expect("SecretAccessKey")
        .to_owned();
    let session = sts_tag(&body, "SessionToken")
        .expect("SessionToken")
        .to_owned();
    assert!(
        sts_tag(&body, "Expiration").is_some_and(|e| e.ends_with('Z')),
        "{body}"
    );

    // moto: the patched AssumeRoleWithSAML takes bob's provider-first admin pair.
    let response = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"r1\" Version=\"2.0\">{assertion}</samlp:Response>"
    );
    let saml = STANDARD.encode(response);
    let admin = role_arn("admin");
    let (status, body) = sts(
        &peers,
        &[
            ("Action", "AssumeRoleWithSAML"),
            ("RoleArn", &admin),
            ("PrincipalArn", support::SAML_PROVIDER_ARN),
            ("SAMLAssertion", &saml),
        ],
    );
    assert_eq!(status, 200, "AssumeRoleWithSAML admin: {body}");
    assert!(
        body.contains("assumed-role/admin/bob@example.test"),
        "{body}"
    );
    let other = role_arn("auditor");
    let (status, body) = sts(
        &peers,
        &[
            ("Action", "AssumeRoleWithSAML"),
            ("RoleArn", &other),
            ("PrincipalArn", support::SAML_PROVIDER_ARN),
            ("SAMLAssertion", &saml),
        ],
    );
    assert_eq!(
        status, 400,
        "a role outside the assertion is refused: {body}"
    );

    // moto: role `denied` → AccessDenied.
    let denied = role_arn("denied");
    let (status, body) = sts(
        &peers,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("RoleArn", &denied),
            ("RoleSessionName", "bob"),
            ("WebIdentityToken", &id_token),
        ],
    );
    assert!(
        matches!(status, 400 | 403),
        "AccessDenied status {status}: {body}"
    );
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");

    // The real AWS CLI reaches moto through AWS_ENDPOINT_URL_STS.
    let run = sandbox.aws_with_env(
        &["sts", "get-caller-identity", "--output", "json"],
        &[
            ("AWS_ACCESS_KEY_ID", &key_id),
            ("AWS_SECRET_ACCESS_KEY", &secret),
            ("AWS_SESSION_TOKEN", &session),
        ],
    );
    run.assert_success();
    assert!(
        run.stdout.contains("assumed-role/developer"),
        "{}",
        run.streams()
    );

    // browser.sh modes: forge (wrong state rejected, then the real login), deny.
    let forge = Sandbox::with_peers(&peers).mode("forge");
    let (callback, _, _) = authorize(&forge, "aws-cli");
    assert!(
        callback.get("code").is_some(),
        "forge mode still logs in: {:?}",
        callback.params
    );
    assert_eq!(callback.rejected, 1, "exactly one forged callback");
    assert_eq!(forge.forged_status(), Some(400));
    let deny = Sandbox::with_peers(&peers).mode("deny");
    let (callback, _, _) = authorize(&deny, "aws-cli");
    assert_eq!(
        callback.get("error"),
        Some("access_denied"),
        "{:?}",
        callback.params
    );
    assert_eq!(callback.get("code"), None);
    assert_eq!(
        (
            sandbox.browser_runs(),
            forge.browser_runs(),
            deny.browser_runs()
        ),
        (1, 1, 1)
    );
    assert!(
        !sandbox.browser_log().is_empty(),
        "browser.sh logs to E2E_DIR"
    );

    // Confidential client with client_secret_basic redeems its code too.
    let basic = Sandbox::with_peers(&peers);
    let (callback, redirect_uri, verifier) = authorize(&basic, "aws-cli-basic");
    let code = callback
        .get("code")
        .expect("code for aws-cli-basic")
        .to_owned();
    let mut resp = agent()
        .post(&token_url)
        .header(
            "Authorization",
            &format!("Basic {}", STANDARD.encode("aws-cli-basic:e2e-secret")),
        )
        .send_form([
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .expect("token request");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(status, 200, "client_secret_basic: {body}");

    // Device flow: browser.sh opens verification_uri_complete and confirms.
    let device = Sandbox::with_peers(&peers).user("alice");
    let (status, body) = post_form(
        &format!("{issuer}/device/auth"),
        &[("client_id", "aws-cli"), ("scope", "openid")],
    );
    assert_eq!(status, 200, "device authorization: {body}");
    let grant = json(&body);
    let device_code = grant["device_code"]
        .as_str()
        .expect("device_code")
        .to_owned();
    let complete = grant["verification_uri_complete"]
        .as_str()
        .expect("verification_uri_complete");
    let pgid = device.open_browser(complete);
    let deadline = Instant::now() + Duration::from_secs(20);
    let tokens = loop {
        let (status, body) = post_form(
            &token_url,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", &device_code),
                ("client_id", "aws-cli"),
            ],
        );
        if status == 200 {
            break json(&body);
        }
        assert!(
            body.contains("authorization_pending") || body.contains("slow_down"),
            "device poll: {body}"
        );
        assert!(
            Instant::now() < deadline,
            "device flow not finished; browser.log:\n{}",
            device.browser_log()
        );
        thread::sleep(Duration::from_millis(200));
    };
    support::kill_group(pgid);
    assert!(
        tokens["id_token"].is_string(),
        "device flow tokens: {tokens}"
    );

    // Drop kills both peers.
    let pids = peers.pids();
    drop(peers);
    for pid in pids {
        assert!(
            !support::process_alive(pid),
            "peer {pid} still alive after drop"
        );
    }
}

// ---------------------------------------------------------------------------
// Scenarios: our binary against the peers.
// ---------------------------------------------------------------------------

fn exports_of(run: &Run) -> Vec<(String, String)> {
    let exports = parse_exports(&run.stdout);
    for key in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        assert!(
            exports.iter().any(|(k, v)| k == key && !v.is_empty()),
            "missing export {key}{}",
            run.streams()
        );
    }
    for line in run.stdout.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.starts_with("export "),
            "stdout has a non-export line {line:?}{}",
            run.streams()
        );
    }
    exports
}

/// `aws sts get-caller-identity` with the given exported credentials; returns its ARN line.
fn caller_arn(sandbox: &Sandbox, exports: &[(String, String)]) -> String {
    let env: Vec<(&str, &str)> = exports
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let run = sandbox.aws_with_env(&["sts", "get-caller-identity", "--output", "json"], &env);
    run.assert_success();
    let identity = json(&run.stdout);
    identity["Arn"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn get_cred_oidc_prints_exports_and_json() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc"]);
    run.assert_success();
    let exports = exports_of(&run);
    assert!(caller_arn(&sandbox, &exports).contains("assumed-role/developer/"));

    let run = sandbox.run(&["get-cred", "-p", "oidc", "-j"]);
    run.assert_success();
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "-j prints one line{}", run.streams());
    let doc = json(lines.first().copied().unwrap_or_default());
    assert_eq!(doc["Version"], 1);
    for key in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert!(
            doc[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {doc}"
        );
    }
    let expiration = doc["Expiration"].as_str().unwrap_or_default();
    assert!(
        expiration.ends_with('Z'),
        "Expiration {expiration:?} is UTC with Z"
    );
    assert!(
        time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "Expiration {expiration:?} is RFC 3339"
    );
}

#[test]
fn get_cred_dotenv_with_region_reads_back_under_dockers_env_file_rule() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "get-cred",
        "-p",
        "oidc",
        "--format",
        "dotenv",
        "--region",
        "eu-west-1",
    ]);
    run.assert_success();
    // docker run --env-file: KEY=VALUE, split at the first '=', taken literally.
    let pairs: Vec<(String, String)> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not KEY=VALUE: {l:?}"));
            (k.to_string(), v.to_string())
        })
        .collect();
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_REGION",
            "AWS_DEFAULT_REGION"
        ],
        "{}",
        run.streams()
    );
    for (k, v) in &pairs {
        assert!(
            !v.is_empty() && !v.contains(['\'', '"', ' ']),
            "{k} is written bare: {v:?}"
        );
    }
    assert!(
        pairs
            .iter()
            .any(|(k, v)| k == "AWS_REGION" && v == "eu-west-1")
    );
    assert!(caller_arn(&sandbox, &pairs).contains("assumed-role/developer/"));
}

#[test]
fn get_cred_duration_sets_expiration() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-d", "900", "-j"]);
    run.assert_success();
    let doc = json(run.stdout.trim());
    let expiration = doc["Expiration"].as_str().unwrap_or_default();
    let at =
        time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("Expiration {expiration:?}: {e}"));
    let left = (at - time::OffsetDateTime::now_utc()).whole_seconds();
    assert!(
        (780..=960).contains(&left),
        "-d 900 gave credentials for {left} s"
    );
}

#[test]
fn get_cred_confidential_clients_post_and_basic() {
    for provider in ["oidc_post", "oidc_basic"] {
        let sandbox = Sandbox::new();
        let run = sandbox.run(&["get-cred", "-p", provider]);
        run.assert_success();
        exports_of(&run);
    }
}

#[test]
fn get_cred_saml_single_role() {
    let sandbox = Sandbox::new().user("alice");
    let run = sandbox.run(&["get-cred", "-p", "saml"]);
    run.assert_success();
    let exports = exports_of(&run);
    assert!(caller_arn(&sandbox, &exports).contains("assumed-role/developer/"));
}

#[test]
fn get_cred_saml_with_id_token_subject() {
    let sandbox = Sandbox::new().user("alice");
    let run = sandbox.run(&["get-cred", "-p", "saml_id", "-j"]);
    run.assert_success();
    assert!(
        json(run.stdout.trim())["AccessKeyId"].is_string(),
        "{}",
        run.streams()
    );
}

#[test]
fn get_cred_saml_several_roles_with_r_picks_admin() {
    let sandbox = Sandbox::new().user("bob");
    let run = sandbox.run(&["get-cred", "-p", "saml", "-r", &role_arn("admin")]);
    run.assert_success();
    let exports = exports_of(&run);
    assert!(caller_arn(&sandbox, &exports).contains("assumed-role/admin/"));
}

#[test]
fn get_cred_saml_several_roles_without_r_lists_them() {
    let sandbox = Sandbox::new().user("bob").timeout(Duration::from_secs(40));
    let run = sandbox.run(&["get-cred", "-p", "saml"]);
    assert!(
        !run.timed_out,
        "no terminal must mean no prompt and no hang{}",
        run.streams()
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains(&role_arn("developer")),
        "{}",
        run.streams()
    );
    assert!(run.stderr.contains(&role_arn("admin")), "{}", run.streams());
    assert!(
        run.stdout.trim().is_empty(),
        "nothing on stdout on failure{}",
        run.streams()
    );
}

#[test]
fn forged_callback_is_rejected_and_login_succeeds() {
    let sandbox = Sandbox::new().mode("forge");
    let run = sandbox.run(&["get-cred", "-p", "oidc"]);
    run.assert_success();
    exports_of(&run);
    assert_eq!(
        sandbox.forged_status(),
        Some(400),
        "browser.log:\n{}",
        sandbox.browser_log()
    );
}

#[test]
fn provider_access_denied_fails() {
    let sandbox = Sandbox::new().mode("deny");
    let run = sandbox.run(&["get-cred", "-p", "oidc"]);
    run.assert_code(1);
    assert!(run.stderr.contains("access_denied"), "{}", run.streams());
    assert!(run.stdout.trim().is_empty(), "{}", run.streams());
}

#[test]
fn browser_never_calls_back_times_out() {
    let sandbox = Sandbox::new()
        .mode("never")
        .timeout(Duration::from_secs(20));
    let run = sandbox.run(&["get-cred", "-p", "quick"]);
    assert!(
        !run.timed_out,
        "login_timeout_seconds: 3 must end the wait{}",
        run.streams()
    );
    run.assert_code(1);
    assert!(
        run.elapsed < Duration::from_secs(5),
        "took {:?} for a 3 s timeout",
        run.elapsed
    );
    assert!(
        run.stderr.contains("http://127.0.0.1:"),
        "names the redirect URI{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 1);
}

#[test]
fn no_browser_only_prints_the_url() {
    let sandbox = Sandbox::new().timeout(Duration::from_secs(20));
    let run = sandbox.run(&["get-cred", "-p", "quick", "--no-browser"]);
    assert!(!run.timed_out, "{}", run.streams());
    run.assert_code(1);
    assert_eq!(
        sandbox.browser_runs(),
        0,
        "--no-browser must not start $BROWSER"
    );
    let auth = format!("{}/auth?", sandbox.issuer());
    assert!(
        run.stderr.contains(&auth),
        "prints the authorization URL{}",
        run.streams()
    );
}

#[test]
fn sts_denied_names_role_and_code() {
    let sandbox = Sandbox::new();
    let denied = role_arn("denied");
    let run = sandbox.run(&["get-cred", "-p", "oidc", "-r", &denied]);
    run.assert_code(1);
    assert!(run.stderr.contains(&denied), "{}", run.streams());
    assert!(run.stderr.contains("AccessDenied"), "{}", run.streams());
}

fn mentions_a_line_number(text: &str) -> bool {
    let after = |marker: &str| {
        text.match_indices(marker).any(|(i, m)| {
            text.get(i + m.len()..)
                .and_then(|r| r.chars().next())
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    after("config.yaml:") || after("line ")
}

#[test]
fn malformed_config_names_file_and_line() {
    let sandbox = Sandbox::new();
    sandbox.write_config(
        "oidc:\n  client_id: aws-cli\n  aws_federation_type: [oidc\n  default_iam_role_arn: x\n",
    );
    let run = sandbox.run(&["get-cred", "-p", "oidc"]);
    run.assert_code(1);
    assert!(run.stderr.contains("config.yaml"), "{}", run.streams());
    assert!(
        mentions_a_line_number(&run.stderr),
        "names a line{}",
        run.streams()
    );
    assert_eq!(sandbox.browser_runs(), 0);
}

#[test]
fn unknown_provider_lists_configured_ones() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "nope"]);
    run.assert_code(1);
    assert!(run.stderr.contains("nope"), "{}", run.streams());
    for name in ["oidc", "saml", "quick"] {
        assert!(run.stderr.contains(name), "lists {name}{}", run.streams());
    }
    assert_eq!(sandbox.browser_runs(), 0);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["get-cred", "-p", "oidc", "--no-such-flag"]);
    run.assert_code(2);
    assert_eq!(sandbox.browser_runs(), 0);
}

#[test]
fn missing_provider_flag_is_a_usage_error() {
    let sandbox = Sandbox::new();
    for args in [
        &["get-cred", "-j"][..],
        &["install-profile", "--profile", "x"][..],
    ] {
        let run = sandbox.run(args);
        run.assert_code(2);
        assert!(run.stderr.contains("pass -p PROVIDER"), "{}", run.streams());
    }
    assert_eq!(sandbox.browser_runs(), 0);
}

/// Ctrl-C during the wait for the browser leaves nothing behind: the process
/// ends at once, the loopback listener is gone, and no credentials, cache
/// entries or temporary files were written.
#[test]
fn ctrl_c_while_waiting_for_the_browser_leaves_nothing_behind() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let sandbox = Sandbox::new().mode("never");
    let mut child = Command::new("setsid")
        .arg(support::binary())
        .args(["login", "--profile", "dev", "-p", "oidc"])
        .env_clear()
        .envs(sandbox.envs())
        .current_dir(sandbox.home())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aws-cli-oidc under setsid");
    let stderr = child.stderr.take().expect("stderr pipe");
    // The printed URL carries the redirect URI, and with it the listener's port.
    let url = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .map(|l| l.trim().to_owned())
        .find(|l| l.starts_with("http://"))
        .expect("the login URL on stderr");
    let port: u16 = url
        .split("redirect_uri=http%3A%2F%2F127.0.0.1%3A")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no loopback port in {url}"));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        "the listener is up while waiting"
    );

    // SIGINT to the whole session, as a terminal's Ctrl-C does.
    let status = Command::new("kill")
        .args(["-INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    // A hang guard, not a timing claim: the command must end on Ctrl-C.
    let deadline = Instant::now() + support::COMMAND_TIMEOUT;
    let exit = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "still running long after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    support::kill_group(child.id());
    assert!(!exit.success(), "interrupted, not successful: {exit:?}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the loopback listener on port {port} is gone"
    );
    assert!(
        !sandbox.aws_credentials_path().exists(),
        "no credentials file was written"
    );
    let cache = sandbox.home().join(".aws-cli-oidc").join("cache");
    let entries: Vec<String> = std::fs::read_dir(&cache)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("creds.") || n.starts_with("refresh."))
                .collect()
        })
        .unwrap_or_default();
    assert!(entries.is_empty(), "no cache entries: {entries:?}");
    let aws_dir = sandbox.home().join(".aws");
    let leftovers: Vec<String> = std::fs::read_dir(&aws_dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("tmp"))
                .collect()
        })
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "no temporary files: {leftovers:?}");
}
