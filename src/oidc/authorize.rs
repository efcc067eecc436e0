//! The authorization request URL (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, PKCE),
//! merged with `oidc_authentication_request_additional_query`.

use super::{Error, pkce};

/// Parameters whose value protects the login; the additional query may not
/// set them.
const PROTECTED: &[(&str, &str)] = &[
    ("state", "it protects the callback against forgery"),
    ("nonce", "it binds the ID token to this login"),
    ("code_challenge", "it is the PKCE challenge of this login"),
    ("code_challenge_method", "aws-cli-oidc always uses S256"),
    (
        "redirect_uri",
        "it is the loopback listener of this login (set loopback_port to choose the port)",
    ),
    (
        "response_type",
        "aws-cli-oidc only handles the authorization code flow",
    ),
    (
        "client_id",
        "set client_id in the provider's configuration instead",
    ),
];

/// What goes into the authorization URL.
#[derive(Debug, Clone)]
pub struct AuthorizationParams<'a> {
    /// `authorization_endpoint` from discovery; a query it has is kept.
    pub endpoint: &'a str,
    /// `client_id`.
    pub client_id: &'a str,
    /// The loopback redirect URI.
    pub redirect_uri: &'a str,
    /// Scopes besides `openid`.
    pub scopes: &'a [String],
    /// `state`.
    pub state: &'a str,
    /// `nonce`.
    pub nonce: &'a str,
    /// PKCE `code_challenge` (S256).
    pub code_challenge: &'a str,
    /// `oidc_authentication_request_additional_query`, raw query text.
    pub additional_query: Option<&'a str>,
}

/// Build the URL the browser opens.
///
/// The additional query is decoded like any URL query (a leading `?` is
/// fine). Its keys replace the base value of the same key (e.g. `scope`,
/// `prompt`) instead of adding a second one; other keys are appended. A
/// `scope` override still gets `openid`, without which no ID token comes back.
pub fn authorization_url(p: &AuthorizationParams<'_>) -> Result<String, Error> {
    let mut pairs: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), p.client_id.into()),
        ("redirect_uri".into(), p.redirect_uri.into()),
        (
            "scope".into(),
            scope_with_openid(p.scopes.iter().map(String::as_str)),
        ),
        ("state".into(), p.state.into()),
        ("nonce".into(), p.nonce.into()),
        ("code_challenge".into(), p.code_challenge.into()),
        ("code_challenge_method".into(), pkce::METHOD.into()),
    ];
    let base_len = pairs.len();
    for (key, value) in parse_additional_query(p.additional_query.unwrap_or(""))? {
        let value = if key == "scope" {
            scope_with_openid(value.split_ascii_whitespace())
        } else {
            value
        };
        match pairs.iter_mut().take(base_len).find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => pairs.push((key, value)),
        }
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.extend_pairs(&pairs);
    let query = ser.finish();
    // RFC 6749 §3.1: the endpoint has no fragment; drop one rather than put the query inside it.
    let endpoint = p.endpoint.split_once('#').map_or(p.endpoint, |(e, _)| e);
    let sep = match endpoint.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, q)) if q.ends_with('&') => "",
        Some(_) => "&",
    };
    Ok(format!("{endpoint}{sep}{query}"))
}

/// Decode the additional query and refuse keys that would weaken the login.
pub fn parse_additional_query(raw: &str) -> Result<Vec<(String, String)>, Error> {
    let raw = raw.trim();
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    let mut out = Vec::new();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        if key.is_empty() {
            continue;
        }
        if let Some((k, why)) = PROTECTED.iter().find(|(k, _)| *k == key) {
            return Err(Error::AdditionalQuery {
                key: Some((*k).to_string()),
                reason: format!("it may not set {k:?}: {why}; remove it from the query"),
            });
        }
        out.push((key.into_owned(), value.into_owned()));
    }
    Ok(out)
}

/// `openid` first, then the other scopes in order, without duplicates.
pub(super) fn scope_with_openid<'a>(scopes: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = vec!["openid"];
    for s in scopes.flat_map(str::split_ascii_whitespace) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(
        endpoint: &'a str,
        scopes: &'a [String],
        extra: Option<&'a str>,
    ) -> AuthorizationParams<'a> {
        AuthorizationParams {
            endpoint,
            client_id: "cli",
            redirect_uri: "http://127.0.0.1:5000",
            scopes,
            state: "st",
            nonce: "nn",
            code_challenge: "ch",
            additional_query: extra,
        }
    }

    fn query_of(url: &str) -> Vec<(String, String)> {
        let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn base_url_has_every_required_parameter() {
        let url = authorization_url(&params("https://idp.example/auth", &[], None)).unwrap();
        assert_eq!(
            url,
            "https://idp.example/auth?response_type=code&client_id=cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000\
             &scope=openid&state=st&nonce=nn&code_challenge=ch&code_challenge_method=S256"
        );
    }

    #[test]
    fn scopes_are_added_after_openid_without_duplicates() {
        let scopes = vec![
            "openid".to_string(),
            "email".to_string(),
            "profile email".to_string(),
        ];
        let url = authorization_url(&params("https://idp.example/auth", &scopes, None)).unwrap();
        assert_eq!(get(&query_of(&url), "scope"), ["openid email profile"]);
    }

    #[test]
    fn additional_query_overrides_scope_and_adds_prompt() {
        let url = authorization_url(&params(
            "https://idp.example/auth",
            &[],
            Some("?scope=email%20offline_access&prompt=consent"),
        ))
        .unwrap();
        let q = query_of(&url);
        assert_eq!(get(&q, "scope"), ["openid email offline_access"]);
        assert_eq!(get(&q, "prompt"), ["consent"]);
    }

    #[test]
    fn additional_query_is_decoded_once() {
        let url = authorization_url(&params(
            "https://idp.example/auth",
            &[],
            Some("kc_idp_hint=corp+saml&login_hint=a%40b.c"),
        ))
        .unwrap();
        let q = query_of(&url);
        assert_eq!(get(&q, "kc_idp_hint"), ["corp saml"]);
        assert_eq!(get(&q, "login_hint"), ["a@b.c"]);
    }

    #[test]
    fn additional_query_may_not_set_protected_keys() {
        for key in [
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
            "redirect_uri",
        ] {
            let extra = format!("prompt=login&{key}=x");
            let e = authorization_url(&params("https://idp.example/auth", &[], Some(&extra)))
                .unwrap_err();
            assert!(
                matches!(&e, Error::AdditionalQuery { key: Some(k), .. } if k == key),
                "{e}"
            );
            assert!(e.to_string().contains(key), "{e}");
        }
    }

    #[test]
    fn endpoint_query_is_preserved() {
        let url =
            authorization_url(&params("https://idp.example/auth?tenant=corp", &[], None)).unwrap();
        assert!(
            url.starts_with("https://idp.example/auth?tenant=corp&response_type=code&"),
            "{url}"
        );
        let q = query_of(&url);
        assert_eq!(get(&q, "tenant"), ["corp"]);
        assert_eq!(get(&q, "state"), ["st"]);
    }

    #[test]
    fn empty_additional_query_changes_nothing() {
        let a = authorization_url(&params("https://idp.example/auth", &[], Some(""))).unwrap();
        let b = authorization_url(&params("https://idp.example/auth", &[], Some("?"))).unwrap();
        let c = authorization_url(&params("https://idp.example/auth", &[], None)).unwrap();
        assert_eq!(a, c);
        assert_eq!(b, c);
    }
}
