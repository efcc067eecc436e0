//! The STS query API over plain HTTP: `AssumeRoleWithWebIdentity` and
//! `AssumeRoleWithSAML`, which need no AWS credentials, and endpoint
//! resolution. Also the IAM ARN parsing ([`arn`]) that config validation and
//! the SAML role attribute share.
//!
//! What this module leaves to others: choosing the role and the duration
//! (including the one retry at 3600 s after [`Error::is_duration_too_long`]),
//! caching the credentials, and the network settings of the HTTP client.

pub mod arn;
mod endpoint;
mod xml;

pub use endpoint::is_region;

use time::OffsetDateTime;

use crate::http::{HttpClient, Request, Response};
use crate::secret::{Secret, redact_echoes};

/// The STS API version both calls use.
pub const API_VERSION: &str = "2011-06-15";

/// Temporary AWS credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AccessKeyId`.
    pub access_key_id: Secret<String>,
    /// `SecretAccessKey`.
    pub secret_access_key: Secret<String>,
    /// `SessionToken`.
    pub session_token: Secret<String>,
    /// `Expiration`, UTC.
    pub expiration: OffsetDateTime,
}

/// The environment that picks the STS endpoint, read once by the binary.
#[derive(Debug, Clone, Default)]
pub struct EndpointEnv {
    /// `AWS_ENDPOINT_URL_STS`.
    pub endpoint_url_sts: Option<String>,
    /// `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// `AWS_REGION`.
    pub region: Option<String>,
    /// `AWS_DEFAULT_REGION`.
    pub default_region: Option<String>,
}

/// Errors of the STS layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// STS answered with an `ErrorResponse`.
    #[error("sts {action} {role_arn}: {code}: {message}")]
    Api {
        /// `AssumeRoleWithSAML` or `AssumeRoleWithWebIdentity`.
        action: &'static str,
        /// The role asked for.
        role_arn: String,
        /// e.g. `AccessDenied`.
        code: String,
        /// STS's message.
        message: String,
    },
    /// A failure status with a body that is not an STS `ErrorResponse`
    /// (an emulator's HTML error page, a proxy, the wrong service).
    #[error(
        "sts {action} {role_arn}: {endpoint} answered HTTP {status} with something other than an STS response: \
         {snippet:?}; check the endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the region) and the server's log"
    )]
    UnexpectedResponse {
        /// `AssumeRoleWithSAML` or `AssumeRoleWithWebIdentity`.
        action: &'static str,
        /// The role asked for.
        role_arn: String,
        /// The URL called.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The start of the body, on one line, markup stripped.
        snippet: String,
    },
    /// A success status whose body holds no usable credentials. The body is
    /// not quoted: it may hold part of a secret key.
    #[error(
        "sts {action} {role_arn}: {endpoint} answered HTTP {status} but the credentials are unreadable: {reason}"
    )]
    BadSuccess {
        /// `AssumeRoleWithSAML` or `AssumeRoleWithWebIdentity`.
        action: &'static str,
        /// The role asked for.
        role_arn: String,
        /// The URL called.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// What is missing or malformed.
        reason: String,
    },
    /// The HTTP request failed.
    #[error(transparent)]
    Http(#[from] crate::http::Error),
}

impl Error {
    /// True for the `ValidationError` STS gives when DurationSeconds exceeds
    /// the role's maximum session duration ("The requested DurationSeconds
    /// exceeds the MaxSessionDuration set for this role.") or the API's own
    /// 43200 s ceiling ("Member must have value less than or equal to 43200").
    pub fn is_duration_too_long(&self) -> bool {
        let Error::Api { code, message, .. } = self else {
            return false;
        };
        let m = message.to_ascii_lowercase();
        code == "ValidationError"
            && m.contains("durationseconds")
            && (m.contains("maxsessionduration") || m.contains("less than or equal to"))
    }
}

/// The STS endpoint URL for a call on `role_arn`, from the environment and the
/// provider's `aws_region`.
///
/// Order: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, then
/// `https://sts.{region}.{domain}` with the region from `AWS_REGION`,
/// `AWS_DEFAULT_REGION` or `config_region` (the domain is `amazonaws.com.cn`
/// for `cn-*` regions). With no region: `https://sts.amazonaws.com` for the
/// `aws` partition, else the partition's home region (`cn-north-1`,
/// `us-gov-west-1`) taken from the role ARN. Blank values count as unset.
pub fn resolve_endpoint(env: &EndpointEnv, config_region: Option<&str>, role_arn: &str) -> String {
    endpoint::resolve(env, config_region, role_arn)
}

/// A valid `RoleSessionName` made from `candidate` (a username or email
/// from the ID token): STS accepts 2 to 64 of letters, digits and
/// `+=,.@_-`, so other characters become `-`, the result is cut at 64, and
/// anything shorter than 2 or without a letter or digit falls back to
/// `aws-cli-oidc`.
pub fn role_session_name(candidate: &str) -> String {
    let name: String = candidate
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.len() < 2 || !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        "aws-cli-oidc".to_string()
    } else {
        name
    }
}

/// `AssumeRoleWithWebIdentity`.
pub fn assume_role_with_web_identity(
    http: &dyn HttpClient,
    endpoint: &str,
    role_arn: &str,
    role_session_name: &str,
    web_identity_token: &Secret<String>,
    duration_seconds: u32,
) -> Result<Credentials, Error> {
    let duration = duration_seconds.to_string();
    let call = Call {
        action: "AssumeRoleWithWebIdentity",
        endpoint,
        role_arn,
    };
    call.run(
        http,
        [
            ("RoleSessionName", role_session_name),
            ("WebIdentityToken", web_identity_token.expose().as_str()),
            ("DurationSeconds", duration.as_str()),
        ],
        web_identity_token,
    )
}

/// `AssumeRoleWithSAML`; `saml_response_b64` is the standard-base64 `samlp:Response`.
pub fn assume_role_with_saml(
    http: &dyn HttpClient,
    endpoint: &str,
    role_arn: &str,
    principal_arn: &str,
    saml_response_b64: &Secret<String>,
    duration_seconds: u32,
) -> Result<Credentials, Error> {
    let duration = duration_seconds.to_string();
    let call = Call {
        action: "AssumeRoleWithSAML",
        endpoint,
        role_arn,
    };
    call.run(
        http,
        [
            ("PrincipalArn", principal_arn),
            ("SAMLAssertion", saml_response_b64.expose().as_str()),
            ("DurationSeconds", duration.as_str()),
        ],
        saml_response_b64,
    )
}

/// The `Code` of an STS `ErrorResponse`, for the retry policy.
fn error_code(resp: &Response) -> Option<String> {
    xml::parse_error(&String::from_utf8_lossy(&resp.body)).map(|e| e.code)
}

/// One STS call: what it is for messages, and where it goes.
struct Call<'a> {
    action: &'static str,
    endpoint: &'a str,
    role_arn: &'a str,
}

impl Call<'_> {
    fn run<const N: usize>(
        &self,
        http: &dyn HttpClient,
        params: [(&str, &str); N],
        secret: &Secret<String>,
    ) -> Result<Credentials, Error> {
        // The client refuses insecure URLs (`crate::http::check_url`) for
        // every peer, so it is not repeated here. Always a form POST: the query API also accepts GET, but a token in
        // a URL ends up in proxy logs, and moto routes GETs to its S3 emulator.
        let common = [
            ("Action", self.action),
            ("Version", API_VERSION),
            ("RoleArn", self.role_arn),
        ];
        let mut req = Request::post_form(self.endpoint, common.into_iter().chain(params));
        // Throttling and transient STS codes are retried (`crate::http::retry`).
        req.error_code = Some(error_code);
        log::debug!(
            "sts: {} {} at {}",
            self.action,
            self.role_arn,
            self.endpoint
        );
        let resp = http.send(&req)?;
        log::debug!(
            "sts: {} {} answered HTTP {}",
            self.action,
            self.endpoint,
            resp.status
        );
        self.interpret(&resp, secret.expose())
    }

    fn interpret(&self, resp: &Response, secret: &str) -> Result<Credentials, Error> {
        let body = String::from_utf8_lossy(&resp.body);
        if (200..300).contains(&resp.status) {
            return xml::parse_success(&body).map_err(|reason| match xml::parse_error(&body) {
                Some(e) => self.api(e, secret),
                None => Error::BadSuccess {
                    action: self.action,
                    role_arn: self.role_arn.to_string(),
                    endpoint: self.endpoint.to_string(),
                    status: resp.status,
                    reason,
                },
            });
        }
        match xml::parse_error(&body) {
            Some(e) => Err(self.api(e, secret)),
            None => Err(Error::UnexpectedResponse {
                action: self.action,
                role_arn: self.role_arn.to_string(),
                endpoint: self.endpoint.to_string(),
                status: resp.status,
                snippet: xml::snippet(&body, &[secret]),
            }),
        }
    }

    /// An STS error, with any echo of the token or assertion we sent redacted.
    fn api(&self, e: xml::ApiError, secret: &str) -> Error {
        Error::Api {
            action: self.action,
            role_arn: self.role_arn.to_string(),
            code: redact_echoes(&e.code, &[secret]),
            message: redact_echoes(&e.message, &[secret]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    use crate::http::fake::FakeHttp;

    /// One canned STS answer.
    fn fake(status: u16, body: impl Into<Vec<u8>>) -> FakeHttp {
        FakeHttp::bytes(status, "text/xml", body.into())
    }

    /// One canned answer read from `fixtures/sts/NAME`.
    fn fixture(status: u16, name: &str) -> FakeHttp {
        let path = format!("{}/fixtures/sts/{name}", env!("CARGO_MANIFEST_DIR"));
        fake(
            status,
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        )
    }

    /// The single request sent, as decoded form pairs.
    fn form(http: &FakeHttp) -> Vec<(String, String)> {
        assert_eq!(http.count(), 1, "exactly one request");
        http.form(0)
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/x";
    const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/kc";
    const ENDPOINT: &str = "http://127.0.0.1:5000";

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn web_identity_posts_encoded_form_and_returns_credentials() {
        let http = fixture(200, "web_identity_success.xml");
        let token = Secret::new("eyJ.a+b/c=.sig=".to_string());
        let c =
            assume_role_with_web_identity(&http, ENDPOINT, ROLE, "alice", &token, 3600).unwrap();
        assert_eq!(c.access_key_id.expose(), "ASIAWEBIDENTITYEXAMPLE");
        assert_eq!(c.expiration, datetime!(2026-11-27 22:10:00 UTC));
        let seen = http.sent.borrow();
        assert_eq!(seen[0].method, crate::http::Method::Post);
        assert_eq!(seen[0].url, ENDPOINT);
        let raw = String::from_utf8(seen[0].body.clone().unwrap()).unwrap();
        // `=`, `+` and `/` in the token are encoded; a bare `=` would send moto to S3.
        assert!(
            raw.contains("WebIdentityToken=eyJ.a%2Bb%2Fc%3D.sig%3D"),
            "{raw}"
        );
        drop(seen);
        assert_eq!(
            form(&http),
            pairs(&[
                ("Action", "AssumeRoleWithWebIdentity"),
                ("Version", "2011-06-15"),
                ("RoleArn", ROLE),
                ("RoleSessionName", "alice"),
                ("WebIdentityToken", "eyJ.a+b/c=.sig="),
                ("DurationSeconds", "3600"),
            ])
        );
    }

    #[test]
    fn saml_posts_principal_and_assertion() {
        let http = fixture(200, "saml_success.xml");
        let saml = Secret::new("PHNhbWxwOlJlc3BvbnNlLz4=".to_string());
        let c = assume_role_with_saml(
            &http,
            "https://sts.amazonaws.com",
            ROLE,
            PROVIDER,
            &saml,
            43200,
        )
        .unwrap();
        assert_eq!(c.access_key_id.expose(), "ASIASAMLEXAMPLE00001");
        assert_eq!(
            form(&http),
            pairs(&[
                ("Action", "AssumeRoleWithSAML"),
                ("Version", "2011-06-15"),
                ("RoleArn", ROLE),
                ("PrincipalArn", PROVIDER),
                ("SAMLAssertion", "PHNhbWxwOlJlc3BvbnNlLz4="),
                ("DurationSeconds", "43200"),
            ])
        );
    }

    #[test]
    fn error_response_maps_to_api_error_message() {
        let http = fixture(403, "saml_error_access_denied.xml");
        let saml = Secret::new("PHNhbWxwOlJlc3BvbnNlLz4=".to_string());
        let err = assume_role_with_saml(&http, ENDPOINT, ROLE, PROVIDER, &saml, 3600).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sts AssumeRoleWithSAML arn:aws:iam::123456789012:role/x: AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML"
        );
        assert!(!err.is_duration_too_long());
    }

    #[test]
    fn web_identity_error_names_action_and_role() {
        let http = fixture(400, "web_identity_error_invalid_token.xml");
        let token = Secret::new("tok".to_string());
        let err =
            assume_role_with_web_identity(&http, ENDPOINT, ROLE, "s", &token, 900).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "sts AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/x: InvalidIdentityToken: No OpenIDConnect provider"
            ),
            "{err}"
        );
    }

    #[test]
    fn duration_validation_error_is_detected() {
        let http = fixture(400, "error_duration_too_long.xml");
        let saml = Secret::new("x".to_string());
        let err = assume_role_with_saml(&http, ENDPOINT, ROLE, PROVIDER, &saml, 43200).unwrap_err();
        assert!(err.is_duration_too_long(), "{err}");
        let api = |code: &str, message: &str| Error::Api {
            action: "AssumeRoleWithSAML",
            role_arn: ROLE.into(),
            code: code.into(),
            message: message.into(),
        };
        assert!(api("ValidationError", "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200").is_duration_too_long());
        assert!(!api("ValidationError", "Value '5' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900").is_duration_too_long());
        assert!(
            !api(
                "AccessDenied",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
            .is_duration_too_long()
        );
        assert!(!api("ValidationError", "Invalid RoleArn").is_duration_too_long());
    }

    #[test]
    fn html_500_gives_status_endpoint_and_snippet_but_not_the_request() {
        let mut body = std::fs::read_to_string(format!(
            "{}/fixtures/sts/moto_500.html",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        body.push_str("<pre>SAMLAssertion=QUJDREVGR0hJSktMTU5PUA%3D%3D</pre>");
        let http = fake(500, body);
        let saml = Secret::new("QUJDREVGR0hJSktMTU5PUA==".to_string());
        let err = assume_role_with_saml(&http, ENDPOINT, ROLE, PROVIDER, &saml, 3600).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("sts AssumeRoleWithSAML arn:aws:iam::123456789012:role/x: http://127.0.0.1:5000 answered HTTP 500"), "{msg}");
        assert!(
            msg.contains(
                "\"500 Internal Server Error Internal Server Error The server encountered"
            ),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
        assert!(!msg.contains("QUJDREVG"), "{msg}");
        match err {
            Error::UnexpectedResponse {
                status, snippet, ..
            } => {
                assert_eq!(status, 500);
                assert!(snippet.chars().count() <= xml::SNIPPET_CHARS + 1);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn success_status_with_garbage_body_does_not_quote_it() {
        let body = "<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Credentials><AccessKeyId>AKIA</AccessKeyId><SecretAccessKey>VERYSECRETVALUE</SecretAccessKey></Credentials></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>";
        let http = fake(200, body);
        let err = assume_role_with_saml(
            &http,
            ENDPOINT,
            ROLE,
            PROVIDER,
            &Secret::new("x".into()),
            3600,
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(
                "HTTP 200 but the credentials are unreadable: Credentials has no SessionToken"
            ),
            "{msg}"
        );
        assert!(!msg.contains("VERYSECRETVALUE"), "{msg}");
        assert!(!format!("{err:?}").contains("VERYSECRETVALUE"));
    }

    #[test]
    fn non_utf8_body_is_still_a_clear_error() {
        let http = fake(502, vec![0xff, 0xfe, b'o', b'o', b'p', b's']);
        let err = assume_role_with_web_identity(
            &http,
            ENDPOINT,
            ROLE,
            "s",
            &Secret::new("t".into()),
            3600,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedResponse { status: 502, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("oops"), "{err}");
    }

    #[test]
    fn role_session_name_is_always_valid_for_sts() {
        assert_eq!(role_session_name("alice@example.com"), "alice@example.com");
        assert_eq!(role_session_name(" Alice Smith "), "Alice-Smith");
        assert_eq!(role_session_name("名前"), "aws-cli-oidc");
        assert_eq!(role_session_name("山田 taro"), "---taro");
        assert_eq!(role_session_name("x"), "aws-cli-oidc");
        assert_eq!(role_session_name(""), "aws-cli-oidc");
        assert_eq!(role_session_name(&"a".repeat(100)).len(), 64);
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let http = fixture(200, "web_identity_success.xml");
        let c = assume_role_with_web_identity(
            &http,
            ENDPOINT,
            ROLE,
            "s",
            &Secret::new("t".into()),
            3600,
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("ASIAWEBIDENTITYEXAMPLE") && !dbg.contains("wJalrXUtnFEMI"),
            "{dbg}"
        );
    }
}
