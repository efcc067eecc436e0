//! OpenID Connect discovery: fetch `oidc_provider_metadata_url` and keep the
//! endpoints the login needs, each checked against the clear-text rule.

use serde_json::Value;

use super::{Error, Metadata};
use crate::http::{HttpClient, Request, check_url};
use crate::text::sanitize;

/// GET and check the discovery document at `metadata_url`.
pub fn discover(http: &dyn HttpClient, metadata_url: &str) -> Result<Metadata, Error> {
    let fail = |reason: String, source| Error::Discovery {
        url: metadata_url.to_string(),
        reason,
        source,
    };
    check_url(metadata_url).map_err(|e| fail("the URL is not allowed".into(), Some(e)))?;
    log::debug!("discovery: GET {metadata_url}");
    let resp = http
        .send(&Request::get(metadata_url))
        .map_err(|e| fail("the request failed".into(), Some(e)))?;
    log::debug!("discovery: {metadata_url} answered HTTP {}", resp.status);
    if resp.status != 200 {
        return Err(fail(
            format!("HTTP status {}, expected 200", resp.status),
            None,
        ));
    }
    parse(metadata_url, &resp.body)
}

/// Parse a discovery document fetched from `metadata_url` (used in messages).
pub fn parse(metadata_url: &str, body: &[u8]) -> Result<Metadata, Error> {
    let fail = |reason: String| Error::Discovery {
        url: metadata_url.to_string(),
        reason,
        source: None,
    };
    let doc: Value = serde_json::from_slice(body).map_err(|e| {
        fail(format!(
            "not a JSON document ({e}); is this the .well-known/openid-configuration URL?"
        ))
    })?;
    if !doc.is_object() {
        return Err(fail("not a JSON object".into()));
    }
    // Sanitised as read: these reach messages and logs. A value that needed
    // it is no URL, so it fails the URL checks (or the issuer comparison).
    let text = |field: &str| {
        doc.get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| sanitize(s).into_owned())
    };
    let required = |field: &str| text(field).ok_or_else(|| fail(format!("it has no {field}")));
    let endpoint = |field: &str, url: String| match check_url(&url) {
        Ok(()) => Ok(url),
        Err(_) => Err(Error::InsecureUrl {
            field: field.to_string(),
            url,
        }),
    };
    let issuer = required("issuer")?;
    let authorization_endpoint = endpoint(
        "authorization_endpoint",
        required("authorization_endpoint")?,
    )?;
    let token_endpoint = endpoint("token_endpoint", required("token_endpoint")?)?;
    let device_authorization_endpoint = text("device_authorization_endpoint")
        .map(|u| endpoint("device_authorization_endpoint", u))
        .transpose()?;
    log::debug!(
        "discovery: issuer {issuer}, authorization_endpoint {authorization_endpoint}, token_endpoint {token_endpoint}"
    );
    let iss_parameter_supported = doc
        .get("authorization_response_iss_parameter_supported")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Metadata {
        issuer,
        authorization_endpoint,
        token_endpoint,
        device_authorization_endpoint,
        iss_parameter_supported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::fake::{FakeHttp, response};

    const URL: &str = "https://sso.example.com/realms/corp/.well-known/openid-configuration";

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/fixtures/oidc/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn keycloak_document_yields_endpoints() {
        let m = parse(URL, &fixture("keycloak.json")).unwrap();
        assert_eq!(m.issuer, "https://sso.example.com/realms/corp");
        assert_eq!(
            m.authorization_endpoint,
            "https://sso.example.com/realms/corp/protocol/openid-connect/auth"
        );
        assert_eq!(
            m.token_endpoint,
            "https://sso.example.com/realms/corp/protocol/openid-connect/token"
        );
        assert_eq!(
            m.device_authorization_endpoint.as_deref(),
            Some("https://sso.example.com/realms/corp/protocol/openid-connect/auth/device")
        );
    }

    #[test]
    fn oidc_provider_document_on_loopback_http_is_accepted() {
        let m = parse(
            "http://127.0.0.1:3000/.well-known/openid-configuration",
            &fixture("oidc-provider.json"),
        )
        .unwrap();
        assert_eq!(m.issuer, "http://127.0.0.1:3000");
        assert_eq!(m.token_endpoint, "http://127.0.0.1:3000/token");
        assert_eq!(m.device_authorization_endpoint, None);
    }

    #[test]
    fn missing_token_endpoint_is_named_with_the_url() {
        let e = parse(URL, &fixture("missing-token-endpoint.json")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("no token_endpoint"), "{text}");
        assert!(text.contains(URL), "{text}");
        assert!(text.contains("oidc_provider_metadata_url"), "{text}");
    }

    #[test]
    fn clear_text_endpoint_is_refused() {
        let e = parse(URL, &fixture("insecure-token-endpoint.json")).unwrap_err();
        assert!(
            matches!(&e, Error::InsecureUrl { field, url } if field == "token_endpoint" && url == "http://idp.example.com/token"),
            "{e}"
        );
    }

    #[test]
    fn discover_fetches_with_get_and_accept_json() {
        let body = String::from_utf8(fixture("keycloak.json")).unwrap();
        let http = FakeHttp::new(vec![Ok(response(200, Some("application/json"), &body))]);
        let m = discover(&http, URL).unwrap();
        assert_eq!(m.issuer, "https://sso.example.com/realms/corp");
        assert_eq!(http.sent.borrow()[0].url, URL);
        assert_eq!(
            http.header(0, "accept").as_deref(),
            Some("application/json")
        );
    }

    #[test]
    fn discover_reports_http_status() {
        let http = FakeHttp::new(vec![Ok(response(
            404,
            Some("text/html"),
            "<h1>not found</h1>",
        ))]);
        let text = discover(&http, URL).unwrap_err().to_string();
        assert!(
            text.contains("HTTP status 404") && text.contains(URL),
            "{text}"
        );
        assert!(!text.contains("not found</h1>"), "{text}");
    }

    #[test]
    fn discover_refuses_clear_text_metadata_url_without_sending() {
        let http = FakeHttp::new(vec![]);
        let e = discover(
            &http,
            "http://idp.example.com/.well-known/openid-configuration",
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Discovery {
                    source: Some(_),
                    ..
                }
            ),
            "{e}"
        );
        assert!(http.sent.borrow().is_empty());
    }

    #[test]
    fn non_json_document_is_an_error() {
        let e = parse(URL, b"<html>login</html>").unwrap_err();
        assert!(e.to_string().contains("not a JSON document"), "{e}");
    }
}
