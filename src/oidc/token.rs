//! Token endpoint requests: the authorization code grant (with the PKCE
//! verifier), the refresh token grant, the RFC 8628 device code grant, and
//! RFC 8693 token exchange, with
//! `client_secret_post` or `client_secret_basic` client authentication.
//!
//! Response bodies are read as loose JSON and never quoted in errors when
//! the status is 200 (they would hold tokens).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::{ClientCredentials, Error, TokenResponse};
use crate::config::ClientAuthMethod;
use crate::http::{HttpClient, Replay, Request, check_url};
use crate::secret::{Secret, redact_echoes};
use crate::text::one_line;

/// `grant_type` of RFC 8693.
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// `grant_type` of RFC 8628.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Longest part of a non-JSON error body quoted in a message.
const SNIPPET: usize = 200;

/// The RFC 8693 parameters besides the client.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeParams<'a> {
    /// `subject_token`.
    pub subject_token: &'a Secret<String>,
    /// `subject_token_type`, a full URN.
    pub subject_token_type: &'a str,
    /// `audience`, sent only when set.
    pub audience: Option<&'a str>,
    /// `requested_token_type`, a full URN.
    pub requested_token_type: &'a str,
}

/// Exchange an authorization code (RFC 6749 §4.1.3 with RFC 7636 §4.5).
pub fn authorization_code(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    code: &Secret<String>,
    code_verifier: &Secret<String>,
    redirect_uri: &str,
) -> Result<TokenResponse, Error> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.expose().as_str()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", code_verifier.expose().as_str()),
    ];
    post(http, token_endpoint, client, &form)
}

/// The refresh token grant (RFC 6749 §6).
pub fn refresh(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    refresh_token: &Secret<String>,
) -> Result<TokenResponse, Error> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose().as_str()),
    ];
    post(http, token_endpoint, client, &form)
}

/// RFC 8693 token exchange.
pub fn token_exchange(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    p: &ExchangeParams<'_>,
) -> Result<TokenResponse, Error> {
    let mut form = vec![
        ("grant_type", TOKEN_EXCHANGE_GRANT),
        ("subject_token", p.subject_token.expose().as_str()),
        ("subject_token_type", p.subject_token_type),
        ("requested_token_type", p.requested_token_type),
    ];
    if let Some(audience) = p.audience.filter(|a| !a.is_empty()) {
        form.push(("audience", audience));
    }
    post(http, token_endpoint, client, &form)
}

/// Poll for the tokens of a device authorization (RFC 8628 §3.4). While the
/// user has not finished, this fails with [`Error::TokenEndpoint`] carrying
/// `authorization_pending` or `slow_down`; the device flow reads those.
pub fn device_code(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    device_code: &Secret<String>,
) -> Result<TokenResponse, Error> {
    let form = [
        ("grant_type", DEVICE_CODE_GRANT),
        ("device_code", device_code.expose().as_str()),
    ];
    post(http, token_endpoint, client, &form)
}

/// POST `form` plus client authentication and read the answer.
fn post(
    http: &dyn HttpClient,
    url: &str,
    client: &ClientCredentials,
    form: &[(&str, &str)],
) -> Result<TokenResponse, Error> {
    if check_url(url).is_err() {
        return Err(Error::InsecureUrl {
            field: "token_endpoint".into(),
            url: url.to_string(),
        });
    }
    // Codes are single-use: a request that may have reached the server is
    // never sent again (see `crate::http::retry`).
    let single_use = form
        .iter()
        .any(|(k, _)| matches!(*k, "code" | "device_code"));
    let req = client_request(url, client, form).replay(if single_use {
        Replay::IfUnsent
    } else {
        Replay::Safe
    });
    let resp = http.send(&req).map_err(|source| Error::TokenRequest {
        url: url.to_string(),
        source,
    })?;
    log::debug!("token endpoint: {url} answered HTTP {}", resp.status);
    if !(200..300).contains(&resp.status) {
        return Err(endpoint_error(
            url,
            resp.status,
            &resp.body,
            &sent_values(client, form),
        ));
    }
    parse_success(url, &resp.body)
}

/// The secret values a token request carried (codes, verifiers, tokens,
/// the client secret, the Basic `Authorization` value); public parameters
/// such as `grant_type` or `redirect_uri` stay quotable in error messages.
pub(super) fn sent_values(client: &ClientCredentials, form: &[(&str, &str)]) -> Vec<String> {
    const SECRET_KEYS: [&str; 6] = [
        "code",
        "code_verifier",
        "refresh_token",
        "subject_token",
        "device_code",
        "client_secret",
    ];
    let mut sent: Vec<String> = form
        .iter()
        .filter(|(k, _)| SECRET_KEYS.contains(k))
        .map(|(_, v)| v.to_string())
        .collect();
    if let Some(secret) = &client.client_secret {
        sent.push(secret.expose().clone());
    }
    if let Some(basic) = basic_credentials(client) {
        sent.push(basic);
    }
    sent
}

/// The base64 part of the `Authorization: Basic` header, for a client that
/// authenticates with `client_secret_basic` (RFC 6749 §2.3.1: both parts
/// form-urlencoded before base64).
fn basic_credentials(client: &ClientCredentials) -> Option<String> {
    let secret = client_secret(client)?;
    if client.auth_method != ClientAuthMethod::ClientSecretBasic {
        return None;
    }
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Some(STANDARD.encode(format!("{}:{}", enc(&client.client_id), enc(secret))))
}

/// The client secret, unless the client is public (none, or empty).
fn client_secret(client: &ClientCredentials) -> Option<&str> {
    client
        .client_secret
        .as_ref()
        .map(|s| s.expose().as_str())
        .filter(|s| !s.is_empty())
}

/// A POST of `form` to `url` with the client's authentication added, as
/// every request to the token endpoint (and the device authorization
/// endpoint) makes it. The caller checks `url` first.
pub(super) fn client_request(
    url: &str,
    client: &ClientCredentials,
    form: &[(&str, &str)],
) -> Request {
    let mut pairs: Vec<(&str, &str)> = form.to_vec();
    let secret = client_secret(client);
    match (secret, client.auth_method) {
        // A public client identifies itself in the form and has nothing to prove.
        (None, _) => pairs.push(("client_id", &client.client_id)),
        // The Go tool's way.
        (Some(secret), ClientAuthMethod::ClientSecretPost) => {
            pairs.push(("client_id", &client.client_id));
            pairs.push(("client_secret", secret));
        }
        // The secret goes in the Authorization header below.
        (Some(_), ClientAuthMethod::ClientSecretBasic) => {}
    }
    let mut req = Request::post_form(url, pairs).header("Accept", "application/json");
    if let Some(basic) = basic_credentials(client) {
        req = req.header("Authorization", format!("Basic {basic}"));
    }
    // The grant type and how the client authenticates; never the form values.
    log::debug!(
        "token endpoint: POST {url} grant_type {} ({})",
        form.iter()
            .find(|(k, _)| *k == "grant_type")
            .map_or("?", |(_, v)| *v),
        match (secret.is_some(), client.auth_method) {
            (false, _) => "public client",
            (true, ClientAuthMethod::ClientSecretPost) => "client_secret_post",
            (true, ClientAuthMethod::ClientSecretBasic) => "client_secret_basic",
        }
    );
    req
}

/// The error for a non-2xx answer: the OAuth `error` and `error_description`
/// when the body is OAuth JSON (RFC 6749 §5.2), else a short snippet.
/// `sent` are the values of the request (form values, the client secret):
/// anything of them the server echoes back is redacted before it is quoted.
pub(super) fn endpoint_error(url: &str, status: u16, body: &[u8], sent: &[String]) -> Error {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(Value::as_str)
            .map(|s| one_line(&redact_echoes(s, sent)))
            .filter(|s| !s.is_empty())
    };
    let (error, description) = match field("error") {
        Some(error) => (Some(error), field("error_description")),
        None => {
            let text = one_line(&redact_echoes(&String::from_utf8_lossy(body), sent));
            let snippet: String = text.chars().take(SNIPPET).collect();
            let snippet = if text.chars().count() > SNIPPET {
                format!("{snippet}…")
            } else {
                snippet
            };
            (None, Some(snippet).filter(|s| !s.is_empty()))
        }
    };
    Error::TokenEndpoint {
        url: url.to_string(),
        status,
        error,
        description,
    }
}

/// Read a successful token response without ever quoting it.
fn parse_success(url: &str, body: &[u8]) -> Result<TokenResponse, Error> {
    let fail = |reason: &str| Error::TokenResponse {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let json: Value = serde_json::from_slice(body).map_err(|_| fail("the body is not JSON"))?;
    let text = |name: &str| {
        json.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let access_token = text("access_token").ok_or_else(|| fail("it has no access_token"))?;
    // Some providers send expires_in as a string.
    let expires_in = match json.get("expires_in") {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(TokenResponse {
        access_token: Secret::new(access_token),
        id_token: text("id_token").map(Secret::new),
        refresh_token: text("refresh_token").map(Secret::new),
        expires_in,
        issued_token_type: text("issued_token_type"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::fake::{FakeHttp, response};

    const URL: &str = "https://idp.example/token";

    fn client(secret: Option<&str>, auth_method: ClientAuthMethod) -> ClientCredentials {
        ClientCredentials {
            client_id: "my client".into(),
            client_secret: secret.map(|s| Secret::new(s.to_string())),
            auth_method,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const OK: &str = r#"{"access_token":"at","id_token":"it","refresh_token":"rt","expires_in":300,"token_type":"Bearer"}"#;

    #[test]
    fn code_grant_sends_verifier_and_redirect_uri_with_post_auth() {
        let http = FakeHttp::json(200, OK);
        let c = client(Some("s3cret"), ClientAuthMethod::ClientSecretPost);
        let t = authorization_code(
            &http,
            URL,
            &c,
            &Secret::new("the-code".into()),
            &Secret::new("ver".into()),
            "http://127.0.0.1:5000",
        )
        .unwrap();
        assert_eq!(
            http.form(0),
            pairs(&[
                ("grant_type", "authorization_code"),
                ("code", "the-code"),
                ("redirect_uri", "http://127.0.0.1:5000"),
                ("code_verifier", "ver"),
                ("client_id", "my client"),
                ("client_secret", "s3cret"),
            ])
        );
        assert_eq!(http.header(0, "authorization"), None);
        assert_eq!(t.access_token.expose(), "at");
        assert_eq!(t.id_token.unwrap().expose(), "it");
        assert_eq!(t.refresh_token.unwrap().expose(), "rt");
        assert_eq!(t.expires_in, Some(300));
    }

    #[test]
    fn basic_auth_encodes_id_and_secret_and_keeps_them_out_of_the_form() {
        let http = FakeHttp::json(200, OK);
        let c = client(Some("a:b+c"), ClientAuthMethod::ClientSecretBasic);
        refresh(&http, URL, &c, &Secret::new("rt".into())).unwrap();
        assert_eq!(
            http.form(0),
            pairs(&[("grant_type", "refresh_token"), ("refresh_token", "rt")])
        );
        let expected = format!("Basic {}", STANDARD.encode("my+client:a%3Ab%2Bc"));
        assert_eq!(http.header(0, "authorization"), Some(expected));
    }

    #[test]
    fn public_client_sends_client_id_only() {
        for method in [
            ClientAuthMethod::ClientSecretPost,
            ClientAuthMethod::ClientSecretBasic,
        ] {
            let http = FakeHttp::json(200, OK);
            refresh(&http, URL, &client(None, method), &Secret::new("rt".into())).unwrap();
            assert_eq!(
                http.form(0).last(),
                Some(&("client_id".to_string(), "my client".to_string()))
            );
            assert!(!http.form(0).iter().any(|(k, _)| k == "client_secret"));
            assert_eq!(http.header(0, "authorization"), None);
        }
    }

    #[test]
    fn token_exchange_sends_rfc8693_fields_and_audience_when_set() {
        let http = FakeHttp::json(
            200,
            r#"{"access_token":"PHNhbWw+","issued_token_type":"urn:ietf:params:oauth:token-type:saml2","token_type":"N_A"}"#,
        );
        let subject = Secret::new("at".to_string());
        let p = ExchangeParams {
            subject_token: &subject,
            subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
            audience: Some("urn:amazon:webservices"),
            requested_token_type: "urn:ietf:params:oauth:token-type:saml2",
        };
        let t = token_exchange(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &p,
        )
        .unwrap();
        assert_eq!(
            http.form(0),
            pairs(&[
                ("grant_type", TOKEN_EXCHANGE_GRANT),
                ("subject_token", "at"),
                (
                    "subject_token_type",
                    "urn:ietf:params:oauth:token-type:access_token"
                ),
                (
                    "requested_token_type",
                    "urn:ietf:params:oauth:token-type:saml2"
                ),
                ("audience", "urn:amazon:webservices"),
                ("client_id", "my client"),
            ])
        );
        assert_eq!(
            t.issued_token_type.as_deref(),
            Some("urn:ietf:params:oauth:token-type:saml2")
        );
        assert!(t.id_token.is_none());

        let http = FakeHttp::json(200, OK);
        let p = ExchangeParams {
            audience: None,
            ..p
        };
        token_exchange(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &p,
        )
        .unwrap();
        assert!(!http.form(0).iter().any(|(k, _)| k == "audience"));
    }

    #[test]
    fn oauth_error_is_reported_with_url_code_and_description() {
        let http = FakeHttp::json(
            400,
            r#"{"error":"invalid_grant","error_description":"refresh token expired"}"#,
        );
        let e = refresh(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "token endpoint https://idp.example/token returned 400 invalid_grant: refresh token expired"
        );
    }

    #[test]
    fn non_json_error_gives_status_and_short_snippet() {
        let body = format!(
            "<html>\n<body>Bad Gateway {}</body></html>",
            "x".repeat(500)
        );
        let http = FakeHttp::new(vec![Ok(response(502, Some("text/html"), &body))]);
        let e = refresh(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with(
                "token endpoint https://idp.example/token returned 502: <html> <body>Bad Gateway"
            ),
            "{text}"
        );
        assert!(text.len() < 300, "{text}");
    }

    #[test]
    fn success_without_access_token_does_not_quote_the_body() {
        let http = FakeHttp::json(200, r#"{"id_token":"SECRETTOKEN"}"#);
        let e = refresh(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no access_token"), "{e}");
        assert!(
            !e.to_string().contains("SECRETTOKEN") && !format!("{e:?}").contains("SECRETTOKEN")
        );
    }

    #[test]
    fn expires_in_as_string_is_accepted() {
        let http = FakeHttp::json(200, r#"{"access_token":"a","expires_in":"3600"}"#);
        let t = refresh(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap();
        assert_eq!(t.expires_in, Some(3600));
    }

    #[test]
    fn clear_text_token_endpoint_is_refused_before_sending() {
        let http = FakeHttp::new(vec![]);
        let e = refresh(
            &http,
            "http://idp.example/token",
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap_err();
        assert!(matches!(e, Error::InsecureUrl { .. }));
        assert!(http.sent.borrow().is_empty());
    }

    #[test]
    fn transport_failure_keeps_the_source() {
        let http = FakeHttp::new(vec![]);
        let e = refresh(
            &http,
            URL,
            &client(None, ClientAuthMethod::ClientSecretPost),
            &Secret::new("rt".into()),
        )
        .unwrap_err();
        assert!(matches!(&e, Error::TokenRequest { url, .. } if url == URL));
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn echoed_basic_credentials_and_short_secrets_are_redacted() {
        let client = ClientCredentials {
            client_id: "cli".into(),
            client_secret: Some(Secret::new("k9".into())),
            auth_method: ClientAuthMethod::ClientSecretBasic,
        };
        let sent = sent_values(&client, &[("grant_type", "refresh_token")]);
        let basic = basic_credentials(&client).unwrap();
        let body = format!("denied: Authorization: Basic {basic} (secret k9)");
        let e = endpoint_error("https://i/t", 401, body.as_bytes(), &sent).to_string();
        assert!(!e.contains(&basic) && !e.contains(" k9"), "{e}");
        assert!(e.contains("Authorization: Basic <redacted>"), "{e}");
    }

    #[test]
    fn an_echoed_request_is_redacted_in_the_error() {
        let client = ClientCredentials {
            client_id: "cli".into(),
            client_secret: Some(Secret::new("very-secret-value".into())),
            auth_method: ClientAuthMethod::ClientSecretPost,
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt-0123456789"),
        ];
        let body = b"<html>Bad Request: grant_type=refresh_token&refresh_token=rt-0123456789&client_secret=very-secret-value</html>";
        let e = endpoint_error("https://i/t", 400, body, &sent_values(&client, &form)).to_string();
        assert!(
            !e.contains("rt-0123456789") && !e.contains("very-secret-value"),
            "{e}"
        );
        assert!(
            e.contains("grant_type=refresh_token"),
            "public parameters stay: {e}"
        );
        let json =
            br#"{"error":"invalid_request","error_description":"unknown token rt-0123456789"}"#;
        let e = endpoint_error("https://i/t", 400, json, &sent_values(&client, &form)).to_string();
        assert!(
            !e.contains("rt-0123456789") && e.contains("invalid_request"),
            "{e}"
        );
    }
}
