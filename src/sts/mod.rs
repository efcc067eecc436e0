//! The STS query API over plain HTTP: `AssumeRoleWithWebIdentity` and
//! `AssumeRoleWithSAML`, which need no AWS credentials, and endpoint
//! resolution.
//!
//! CONTRACT (kept by the implementation): the names below are used by the
//! rest of the crate.

use time::OffsetDateTime;

use crate::http::HttpClient;
use crate::secret::Secret;

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
    /// The HTTP request failed.
    #[error(transparent)]
    Http(#[from] crate::http::Error),
}

impl Error {
    /// True for the `ValidationError` STS gives when DurationSeconds exceeds
    /// the role's maximum session duration.
    pub fn is_duration_too_long(&self) -> bool {
        unimplemented!()
    }
}

/// The STS endpoint URL for a call on `role_arn`, from the environment and the
/// provider's `aws_region`.
pub fn resolve_endpoint(env: &EndpointEnv, config_region: Option<&str>, role_arn: &str) -> String {
    let _ = (env, config_region, role_arn);
    unimplemented!()
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
    let _ = (
        http,
        endpoint,
        role_arn,
        role_session_name,
        web_identity_token,
        duration_seconds,
    );
    unimplemented!()
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
    let _ = (
        http,
        endpoint,
        role_arn,
        principal_arn,
        saml_response_b64,
        duration_seconds,
    );
    unimplemented!()
}
