//! The SAML document a token exchange returns: decoding (base64url or
//! standard, padded or not), wrapping a bare `saml:Assertion` in a
//! `samlp:Response`, and reading the AWS role attributes.
//!
//! CONTRACT (kept by the implementation): the names below are used by the
//! rest of the crate.

use crate::secret::Secret;

/// One `RoleArn,PrincipalArn` pair from the Role attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePair {
    /// `arn:PARTITION:iam::ACCOUNT:role/NAME`.
    pub role_arn: String,
    /// `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    pub principal_arn: String,
}

/// A `samlp:Response` ready for STS.
#[derive(Debug, Clone)]
pub struct SamlResponse {
    /// Standard base64 of the Response XML, as `AssumeRoleWithSAML` wants it.
    pub base64: Secret<String>,
    /// The roles offered, in document order.
    pub roles: Vec<RolePair>,
    /// The `SessionDuration` attribute, if present.
    pub session_duration: Option<u32>,
}

/// What role selection decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleChoice {
    /// Exactly this role.
    Chosen(RolePair),
    /// Several roles and nothing requested: the caller must ask, or fail listing them.
    Ambiguous(Vec<RolePair>),
}

/// Errors of the SAML layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until implemented.
    #[error("{0}")]
    Invalid(String),
}

/// Decode the `access_token` of a token-exchange response into a Response.
pub fn from_token_exchange(access_token: &Secret<String>) -> Result<SamlResponse, Error> {
    let _ = access_token;
    unimplemented!()
}

/// Pick the role: `requested` must match exactly.
pub fn choose_role(roles: &[RolePair], requested: Option<&str>) -> Result<RoleChoice, Error> {
    let _ = (roles, requested);
    unimplemented!()
}
