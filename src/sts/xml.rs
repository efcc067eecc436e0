//! Reading STS query-API responses: the `…Result/Credentials` of a success
//! and the `ErrorResponse/Error` of a failure, with quick-xml's serde
//! support. quick-xml matches local names and ignores the
//! `https://sts.amazonaws.com/doc/2011-06-15/` namespace, which is what we
//! want: emulators and proxies are not always careful with it.

use serde::Deserialize;
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::Credentials;
use crate::secret::Secret;
use crate::text::one_line;

#[derive(Deserialize)]
struct SuccessXml {
    // Both calls answer with the same shape under a differently named result.
    #[serde(
        rename = "AssumeRoleWithWebIdentityResult",
        alias = "AssumeRoleWithSAMLResult"
    )]
    result: Option<ResultXml>,
}

#[derive(Deserialize)]
struct ResultXml {
    #[serde(rename = "Credentials")]
    credentials: Option<CredentialsXml>,
}

#[derive(Deserialize)]
struct CredentialsXml {
    #[serde(rename = "AccessKeyId")]
    access_key_id: Option<Secret<String>>,
    #[serde(rename = "SecretAccessKey")]
    secret_access_key: Option<Secret<String>>,
    #[serde(rename = "SessionToken")]
    session_token: Option<Secret<String>>,
    #[serde(rename = "Expiration")]
    expiration: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponseXml {
    #[serde(rename = "Error")]
    error: Option<ErrorXml>,
}

#[derive(Deserialize)]
struct ErrorXml {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
}

/// The `Code` and `Message` of an STS `ErrorResponse`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ApiError {
    pub(super) code: String,
    pub(super) message: String,
}

/// Read the credentials of a success response. The error text is ours
/// alone and never quotes the body, which holds the secret key.
pub(super) fn parse_success(body: &str) -> Result<Credentials, String> {
    let doc: SuccessXml = quick_xml::de::from_str(body).map_err(|e| match e {
        // Syntax errors name tags and positions, not content.
        quick_xml::DeError::InvalidXml(x) => format!("not well-formed XML: {x}"),
        _ => "not an STS response document".to_string(),
    })?;
    let creds = doc
        .result
        .ok_or("no AssumeRoleWithWebIdentityResult or AssumeRoleWithSAMLResult element")?
        .credentials
        .ok_or("no Credentials element")?;
    // The values end up in shell exports, .bat lines and dotenv files; AWS
    // issues them in these alphabets only, so anything else is refused
    // rather than quoted (the message never shows the value).
    let field = |v: Option<Secret<String>>, name: &str| -> Result<Secret<String>, String> {
        let allowed = |c: char| match name {
            "AccessKeyId" => c.is_ascii_uppercase() || c.is_ascii_digit(),
            _ => c.is_ascii_alphanumeric() || "+/=".contains(c),
        };
        match v.map(|s| s.into_inner().trim().to_string()) {
            Some(s) if !s.is_empty() && s.chars().all(allowed) => Ok(Secret::new(s)),
            Some(s) if !s.is_empty() => Err(format!(
                "Credentials has a {name} with unexpected characters"
            )),
            _ => Err(format!("Credentials has no {name}")),
        }
    };
    let access_key_id = field(creds.access_key_id, "AccessKeyId")?;
    let secret_access_key = field(creds.secret_access_key, "SecretAccessKey")?;
    let session_token = field(creds.session_token, "SessionToken")?;
    let expiration = creds.expiration.ok_or("Credentials has no Expiration")?;
    let expiration = parse_expiration(expiration.trim())?;
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration,
    })
}

/// Read an `ErrorResponse`; `None` when the body is not one.
pub(super) fn parse_error(body: &str) -> Option<ApiError> {
    let doc: ErrorResponseXml = quick_xml::de::from_str(body).ok()?;
    let err = doc.error?;
    let code = err.code.map(|c| one_line(&c)).filter(|c| !c.is_empty())?;
    let message = err.message.map(|m| one_line(&m)).unwrap_or_default();
    Some(ApiError { code, message })
}

/// `Expiration` as UTC: RFC 3339 (with or without fractional seconds), or a
/// date-time without offset, which STS-compatible servers sometimes send
/// and which is UTC by the API's definition.
pub(super) fn parse_expiration(text: &str) -> Result<OffsetDateTime, String> {
    const NAIVE: &[BorrowedFormatItem<'static>] = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t.to_offset(UtcOffset::UTC));
    }
    PrimitiveDateTime::parse(text, NAIVE)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| format!("Expiration {text:?} is not an RFC 3339 date-time"))
}

/// A short, single-line excerpt of an error body for a message: markup
/// stripped, control characters dropped, at most [`SNIPPET_CHARS`]
/// characters, and any of `secrets` (as sent, raw or form-encoded) replaced,
/// in case a server or proxy echoes the request back.
pub(super) fn snippet(body: &str, secrets: &[&str]) -> String {
    let text = crate::secret::redact_echoes(body, secrets);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c => out.push(c),
        }
    }
    let flat = one_line(&out);
    if flat.is_empty() {
        return "(empty body)".to_string();
    }
    match flat.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", flat.get(..cut).unwrap_or_default()),
        None => flat,
    }
}

/// Length limit of [`snippet`].
pub(super) const SNIPPET_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn fixture(name: &str) -> String {
        let path = format!("{}/fixtures/sts/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parse_success_reads_web_identity_credentials() {
        let c = parse_success(&fixture("web_identity_success.xml")).unwrap();
        assert_eq!(c.access_key_id.expose(), "ASIAWEBIDENTITYEXAMPLE");
        assert_eq!(
            c.secret_access_key.expose(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
        );
        assert!(
            c.session_token
                .expose()
                .starts_with("FwoGZXIvYXdzEBYaDNvZXMPLE")
        );
        assert_eq!(c.expiration, datetime!(2026-11-27 22:10:00 UTC));
    }

    #[test]
    fn parse_success_reads_saml_credentials_with_fractional_expiration() {
        let c = parse_success(&fixture("saml_success.xml")).unwrap();
        assert_eq!(c.access_key_id.expose(), "ASIASAMLEXAMPLE00001");
        assert_eq!(c.expiration, datetime!(2026-11-27 23:00:00.123 UTC));
    }

    #[test]
    fn parse_success_reads_moto_response_with_microseconds() {
        // Captured from moto 5.2.1 answering our wrapped Keycloak assertion.
        let c = parse_success(&fixture("moto_saml_success.xml")).unwrap();
        assert!(c.access_key_id.expose().starts_with("ASIA"));
        assert_eq!(c.expiration, datetime!(2026-11-28 05:01:08.359793 UTC));
    }

    #[test]
    fn parse_success_without_credentials_names_what_is_missing() {
        let body = r#"<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
            <AssumeRoleWithSAMLResult><Credentials><AccessKeyId>AKIAX</AccessKeyId>
            <SecretAccessKey>s3cr3t/value</SecretAccessKey><Expiration>2026-01-01T00:00:00Z</Expiration>
            </Credentials></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>"#;
        let err = parse_success(body).unwrap_err();
        assert_eq!(err, "Credentials has no SessionToken");
        // A value that could break out of a .bat or dotenv line is refused,
        // and not shown.
        let hostile = body.replace(
            "<Expiration>",
            "<SessionToken>a\" &amp; calc &amp; \"</SessionToken><Expiration>",
        );
        let err = parse_success(&hostile).unwrap_err();
        assert_eq!(
            err,
            "Credentials has a SessionToken with unexpected characters"
        );
        assert_eq!(
            parse_success("<x/>").unwrap_err(),
            "no AssumeRoleWithWebIdentityResult or AssumeRoleWithSAMLResult element"
        );
        assert!(
            parse_success("<a><b></a>")
                .unwrap_err()
                .starts_with("not well-formed XML")
        );
    }

    #[test]
    fn parse_success_error_never_quotes_the_secret() {
        let body = r#"<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Credentials>
            <AccessKeyId>AKIAX</AccessKeyId><SecretAccessKey>TOPSECRETKEY</SecretAccessKey>
            <SessionToken>tok</SessionToken><Expiration>soon TOPSECRETKEY</Expiration>
            </Credentials></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>"#;
        let err = parse_success(body).unwrap_err();
        assert!(err.contains("Expiration"), "{err}");
        assert_eq!(
            err.matches("TOPSECRETKEY").count(),
            1,
            "only the bad Expiration value itself: {err}"
        );
    }

    #[test]
    fn parse_error_reads_code_and_message() {
        let e = parse_error(&fixture("saml_error_access_denied.xml")).unwrap();
        assert_eq!(e.code, "AccessDenied");
        assert_eq!(
            e.message,
            "Not authorized to perform sts:AssumeRoleWithSAML"
        );
        let e = parse_error(&fixture("web_identity_error_invalid_token.xml")).unwrap();
        assert_eq!(e.code, "InvalidIdentityToken");
        let e = parse_error(&fixture("error_duration_too_long.xml")).unwrap();
        assert_eq!(e.code, "ValidationError");
        assert!(e.message.contains("MaxSessionDuration"));
    }

    #[test]
    fn parse_error_is_none_for_success_html_and_garbage() {
        assert_eq!(parse_error(&fixture("saml_success.xml")), None);
        assert_eq!(
            parse_error("<!doctype html><html><title>500</title></html>"),
            None
        );
        assert_eq!(parse_error("\u{0}\u{1}garbage"), None);
        assert_eq!(parse_error(""), None);
    }

    #[test]
    fn parse_expiration_accepts_rfc3339_variants_and_naive_utc() {
        assert_eq!(
            parse_expiration("2026-01-01T00:00:00Z").unwrap(),
            datetime!(2026-01-01 00:00 UTC)
        );
        assert_eq!(
            parse_expiration("2026-01-01T09:00:00+09:00").unwrap(),
            datetime!(2026-01-01 00:00 UTC)
        );
        assert_eq!(
            parse_expiration("2026-01-01T00:00:00.5Z").unwrap(),
            datetime!(2026-01-01 00:00:00.5 UTC)
        );
        assert_eq!(
            parse_expiration("2026-01-01T00:00:00").unwrap(),
            datetime!(2026-01-01 00:00 UTC)
        );
        assert_eq!(
            parse_expiration("2026-01-01T00:00:00.250").unwrap(),
            datetime!(2026-01-01 00:00:00.25 UTC)
        );
        assert_eq!(
            parse_expiration("2026-01-01T09:00:00+09:00")
                .unwrap()
                .offset(),
            UtcOffset::UTC
        );
        assert!(
            parse_expiration("tomorrow")
                .unwrap_err()
                .contains("\"tomorrow\"")
        );
        assert!(parse_expiration("").is_err());
    }

    #[test]
    fn snippet_is_one_short_line_without_markup_or_secrets() {
        let html = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>";
        assert_eq!(
            snippet(html, &[]),
            "500 Internal Server Error Internal Server Error The server encountered an internal error."
        );
        let long = "x".repeat(500);
        let s = snippet(&long, &[]);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        let echoed = "bad request: SAMLAssertion=PHNhbWw%2BYWJj%3D%3D and PHNhbWw+YWJj==";
        let s = snippet(echoed, &["PHNhbWw+YWJj=="]);
        assert!(!s.contains("PHNhbWw"), "{s}");
        assert_eq!(snippet(" \r\n\t ", &[]), "(empty body)");
        assert_eq!(snippet("a\u{7}b\r\nc\u{1b}[2J", &[]), "a\\x07b c\\x1b[2J");
    }
}
