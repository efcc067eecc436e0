//! Reading ID-token claims and the checks that bind the token to this login
//! (nonce, audience, expiry).
//!
//! The signature is not verified here: STS verifies it against the IAM OIDC
//! provider's keys in `AssumeRoleWithWebIdentity`, and the token came to us
//! straight from the token endpoint over TLS. Doing it twice would pull in a
//! JOSE stack and a JWKS fetch for no added trust.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{Error, IdTokenClaims};
use crate::secret::Secret;
use crate::text::sanitize;

/// Clock skew allowed on `exp`, in seconds.
pub const EXP_LEEWAY_SECS: i64 = 60;

/// base64url that accepts the token with or without padding.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode the claims of a compact JWS, without checking anything.
pub fn decode(jwt: &Secret<String>) -> Result<IdTokenClaims, Error> {
    let fail = |reason: &str| Error::IdToken {
        reason: reason.to_string(),
    };
    let parts: Vec<&str> = jwt.expose().trim().split('.').collect();
    let payload = match parts.as_slice() {
        [_, payload, _] => *payload,
        [_, _, _, _, _] => {
            return Err(fail(
                "it is encrypted (JWE); configure the client to sign ID tokens only",
            ));
        }
        _ => return Err(fail("it is not a JWT (header.payload.signature)")),
    };
    let bytes = B64URL
        .decode(payload)
        .map_err(|_| fail("its payload is not base64url"))?;
    let all: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| fail("its payload is not a JSON object"))?;
    let text = |name: &str| all.get(name).and_then(Value::as_str).map(str::to_string);
    let aud = match all.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let exp = match all.get("exp") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
    .ok_or_else(|| fail("it has no numeric exp claim"))?;
    Ok(IdTokenClaims {
        iss: text("iss").unwrap_or_default(),
        sub: text("sub").unwrap_or_default(),
        aud,
        exp,
        nonce: text("nonce"),
        all,
    })
}

/// Decode and check: `iss` equals the discovery document's `issuer`,
/// `nonce` equals `expected_nonce` when one is given (a login; after a
/// refresh there is none), `aud` contains `client_id`, and the token has not
/// expired (with [`EXP_LEEWAY_SECS`] of leeway).
pub fn validate(
    jwt: &Secret<String>,
    expected_nonce: Option<&str>,
    client_id: &str,
    issuer: &str,
    now: OffsetDateTime,
) -> Result<IdTokenClaims, Error> {
    let claims = decode(jwt)?;
    let fail = |reason: String| Error::IdToken { reason };
    // OIDC Core §3.1.3.7: a token from another issuer is not this login's.
    if claims.iss != issuer {
        return Err(fail(format!(
            "its issuer \"{}\" is not the provider's \"{issuer}\" (from discovery); check oidc_provider_metadata_url",
            sanitize(&claims.iss)
        )));
    }
    if let Some(expected) = expected_nonce
        && claims.nonce.as_deref() != Some(expected)
    {
        return Err(fail(
            "its nonce does not match this login (a replayed or mixed-up token); log in again"
                .into(),
        ));
    }
    if !claims.aud.iter().any(|a| a == client_id) {
        return Err(fail(format!(
            "its audience {:?} does not include client_id {client_id:?}; check client_id in the configuration",
            claims.aud
        )));
    }
    if claims.exp <= now.unix_timestamp() - EXP_LEEWAY_SECS {
        return Err(fail(format!(
            "it expired at {} (unix time); check the system clock, then log in again",
            claims.exp
        )));
    }
    Ok(claims)
}

impl IdTokenClaims {
    /// RoleSessionName from `claim` (or else the first of
    /// `preferred_username`, `email`, `sub`), made valid for STS by
    /// [`crate::sts::role_session_name`]. `None` when the claim is absent or
    /// empty.
    pub fn role_session_name(&self, claim: Option<&str>) -> Option<String> {
        let value = |name: &str| match self.all.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let raw = match claim {
            Some(name) => value(name)?,
            None => ["preferred_username", "email", "sub"]
                .iter()
                .find_map(|n| value(n))?,
        };
        // One sanitiser for every RoleSessionName: STS's rules live in `sts`.
        Some(crate::sts::role_session_name(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn jwt(claims: Value) -> Secret<String> {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        Secret::new(format!("{header}.{payload}.c2lnbmF0dXJl"))
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
    }

    const ISS: &str = "https://idp.example";

    fn good() -> Value {
        json!({"iss": "https://idp.example", "sub": "u1", "aud": "cli", "exp": 1_700_000_300, "nonce": "n1"})
    }

    #[test]
    fn valid_token_yields_claims() {
        let c = validate(&jwt(good()), Some("n1"), "cli", ISS, now()).unwrap();
        assert_eq!(
            (c.iss.as_str(), c.sub.as_str(), c.exp),
            ("https://idp.example", "u1", 1_700_000_300)
        );
        assert_eq!(c.aud, ["cli"]);
        assert_eq!(c.nonce.as_deref(), Some("n1"));
    }

    #[test]
    fn audience_list_must_contain_client_id() {
        let mut claims = good();
        claims["aud"] = json!(["other", "cli"]);
        assert!(validate(&jwt(claims.clone()), Some("n1"), "cli", ISS, now()).is_ok());
        claims["aud"] = json!(["other"]);
        let e = validate(&jwt(claims), Some("n1"), "cli", ISS, now()).unwrap_err();
        assert!(e.to_string().contains("client_id \"cli\""), "{e}");
    }

    #[test]
    fn wrong_or_missing_nonce_is_rejected_but_refresh_needs_none() {
        let e = validate(&jwt(good()), Some("n2"), "cli", ISS, now()).unwrap_err();
        assert!(e.to_string().contains("nonce"), "{e}");
        let mut claims = good();
        claims.as_object_mut().unwrap().remove("nonce");
        assert!(validate(&jwt(claims.clone()), Some("n1"), "cli", ISS, now()).is_err());
        assert!(validate(&jwt(claims), None, "cli", ISS, now()).is_ok());
    }

    #[test]
    fn another_issuer_is_rejected_and_quoted_safely() {
        let mut claims = good();
        claims["iss"] = json!("https://evil.example\u{1b}]0;x\u{7}");
        let e = validate(&jwt(claims.clone()), Some("n1"), "cli", ISS, now()).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("https://evil.example\\x1b]0;x\\x07"),
            "{text}"
        );
        assert!(text.contains(ISS), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        claims.as_object_mut().unwrap().remove("iss");
        assert!(validate(&jwt(claims), None, "cli", ISS, now()).is_err());
    }

    #[test]
    fn expiry_allows_sixty_seconds_of_skew() {
        let mut claims = good();
        claims["exp"] = json!(1_700_000_000 - 59);
        assert!(validate(&jwt(claims.clone()), Some("n1"), "cli", ISS, now()).is_ok());
        claims["exp"] = json!(1_700_000_000 - 60);
        let e = validate(&jwt(claims), Some("n1"), "cli", ISS, now()).unwrap_err();
        assert!(e.to_string().contains("expired"), "{e}");
    }

    #[test]
    fn malformed_tokens_are_rejected_without_quoting_them() {
        for bad in [
            "SECRETTOKEN",
            "a.SECRETTOKEN!!.c",
            "a.b.c.d.e",
            &format!("x.{}.y", URL_SAFE_NO_PAD.encode("[1]")),
        ] {
            let e = decode(&Secret::new(bad.to_string())).unwrap_err();
            assert!(matches!(e, Error::IdToken { .. }));
            assert!(
                !e.to_string().contains("SECRETTOKEN") && !format!("{e:?}").contains("SECRETTOKEN")
            );
        }
    }

    #[test]
    fn padded_payload_is_accepted() {
        let header = URL_SAFE_NO_PAD.encode("{}");
        let payload = base64::engine::general_purpose::URL_SAFE.encode(good().to_string());
        assert!(decode(&Secret::new(format!("{header}.{payload}.sig"))).is_ok());
    }

    fn claims(v: Value) -> IdTokenClaims {
        decode(&jwt(v)).unwrap()
    }

    #[test]
    fn role_session_name_prefers_the_configured_claim() {
        let c = claims(
            json!({"exp": 1, "sub": "u1", "email": "a@b.c", "preferred_username": "alice", "upn": "ALICE@CORP"}),
        );
        assert_eq!(
            c.role_session_name(Some("upn")).as_deref(),
            Some("ALICE@CORP")
        );
        assert_eq!(c.role_session_name(None).as_deref(), Some("alice"));
        assert_eq!(c.role_session_name(Some("missing")), None);
    }

    #[test]
    fn role_session_name_falls_back_to_email_then_sub() {
        assert_eq!(
            claims(json!({"exp": 1, "sub": "u1", "email": "a@b.c"}))
                .role_session_name(None)
                .as_deref(),
            Some("a@b.c")
        );
        assert_eq!(
            claims(json!({"exp": 1, "sub": "u1"}))
                .role_session_name(None)
                .as_deref(),
            Some("u1")
        );
        assert_eq!(claims(json!({"exp": 1})).role_session_name(None), None);
    }

    #[test]
    fn role_session_name_is_sanitised_truncated_and_padded() {
        let c =
            claims(json!({"exp": 1, "sub": "x", "name": "Jöhn Doe/admin", "long": "a".repeat(80)}));
        assert_eq!(
            c.role_session_name(Some("name")).as_deref(),
            Some("J-hn-Doe-admin")
        );
        assert_eq!(c.role_session_name(Some("long")).map(|s| s.len()), Some(64));
        assert_eq!(
            c.role_session_name(Some("sub")).as_deref(),
            Some("aws-cli-oidc")
        );
    }
}
