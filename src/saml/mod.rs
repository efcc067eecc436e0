//! The SAML document a token exchange returns: decoding (base64url or
//! standard, padded or not), wrapping a bare `saml:Assertion` in a
//! `samlp:Response`, reading the AWS role attributes, and choosing a role.
//!
//! This module neither verifies signatures nor checks conditions: STS does
//! both, and the wrapping is built so that a signed assertion stays valid.
//! Requesting the token and calling STS belong to `oidc` and `sts`.

mod decode;
mod document;

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use quick_xml::escape::escape;

use crate::secret::Secret;
use crate::sts::arn::{ArnError, RoleArn, SamlProviderArn};
use crate::text::sanitize;
use document::{NS_ASSERTION, NS_PROTOCOL, Root};

/// The attribute whose values are `RoleArn,PrincipalArn` pairs.
pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// The attribute that caps the session duration, in seconds.
pub const SESSION_DURATION_ATTRIBUTE: &str =
    "https://aws.amazon.com/SAML/Attributes/SessionDuration";

/// One `RoleArn,PrincipalArn` pair from the Role attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePair {
    /// `arn:PARTITION:iam::ACCOUNT:role/NAME`.
    pub role_arn: String,
    /// `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    pub principal_arn: String,
}

impl RolePair {
    /// Parse one Role attribute value: a role ARN and a SAML provider ARN,
    /// comma-separated, in either order, each trimmed.
    pub fn parse(value: &str) -> Result<RolePair, Error> {
        let shape = |reason: &'static str| Error::RolePairShape {
            value: sanitize(value).into_owned(),
            reason,
        };
        let parts: Vec<&str> = value.split(',').map(str::trim).collect();
        let [a, b] = parts.as_slice() else {
            return Err(shape("it must hold exactly two comma-separated ARNs"));
        };
        let is_role = |arn: &str| {
            arn.split(':')
                .nth(5)
                .is_some_and(|r| r.starts_with("role/"))
        };
        let (role, provider) = match (is_role(a), is_role(b)) {
            (true, false) => (*a, *b),
            (false, true) => (*b, *a),
            (true, true) => {
                return Err(shape("both ARNs are roles; one must be the saml-provider"));
            }
            (false, false) => return Err(shape("neither ARN is a role (…:role/NAME)")),
        };
        let arn_err = |source: ArnError| Error::RolePairArn {
            value: sanitize(value).into_owned(),
            source,
        };
        RoleArn::parse(role).map_err(arn_err)?;
        SamlProviderArn::parse(provider).map_err(arn_err)?;
        Ok(RolePair {
            role_arn: role.to_string(),
            principal_arn: provider.to_string(),
        })
    }
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

/// Errors of the SAML layer. None quotes the assertion itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The token is empty.
    #[error("the token exchange returned an empty access_token instead of a SAML assertion")]
    Empty,
    /// The token is a JWT.
    #[error(
        "the token exchange returned a JWT, not a SAML assertion; the IdP must support \
         requested_token_type urn:ietf:params:oauth:token-type:saml2 for this client"
    )]
    Jwt,
    /// The token is neither base64 nor base64url.
    #[error(
        "the token exchange's access_token is not base64 or base64url, so it cannot be a SAML assertion"
    )]
    NotBase64 {
        /// The decoder's complaint.
        source: base64::DecodeError,
    },
    /// The decoded token is not UTF-8 text.
    #[error("the decoded SAML assertion is not UTF-8 text")]
    NotUtf8 {
        /// The decoder's complaint.
        source: std::str::Utf8Error,
    },
    /// Not an XML document at all.
    #[error("the decoded SAML assertion is not an XML document")]
    NotXml,
    /// Malformed XML.
    #[error("the SAML document is not well-formed XML (near byte {position})")]
    Xml {
        /// Byte offset in the decoded document.
        position: u64,
        /// The parser's complaint.
        source: quick_xml::Error,
    },
    /// A DOCTYPE, refused to rule out entity attacks.
    #[error(
        "the SAML document contains a DOCTYPE declaration, which is refused (XML entity attacks)"
    )]
    Doctype,
    /// An entity reference that is neither predefined nor a character.
    #[error("the SAML document uses the undefined entity &{name};")]
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// Content after the root element.
    #[error("the SAML document has content after its root element")]
    TrailingContent,
    /// The document ends inside the root element.
    #[error("the SAML document ends before its root element is closed")]
    Truncated,
    /// The root is not a SAML Assertion or Response.
    #[error(
        "the SAML document's root element is <{root}>, expected an Assertion in {NS_ASSERTION} \
         or a Response in {NS_PROTOCOL}"
    )]
    NotSaml {
        /// The root element's qualified name.
        root: String,
    },
    /// Only encrypted assertions, which we cannot read.
    #[error(
        "the SAML response holds only an EncryptedAssertion; turn off assertion encryption \
         in the IdP's SAML client for AWS (STS needs the roles in clear)"
    )]
    Encrypted,
    /// The assertion lacks IssueInstant, so no Response can be built.
    #[error("the SAML assertion has no IssueInstant attribute")]
    NoIssueInstant,
    /// A Role value that is not a pair of ARNs.
    #[error(
        "role attribute value {value:?} is not \"ROLE_ARN,SAML_PROVIDER_ARN\": {reason}; fix the IdP's role mapper"
    )]
    RolePairShape {
        /// The attribute value.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A Role value with a malformed ARN.
    #[error("role attribute value {value:?} holds an invalid ARN; fix the IdP's role mapper")]
    RolePairArn {
        /// The attribute value.
        value: String,
        /// Which ARN and why.
        source: ArnError,
    },
    /// A SessionDuration that is not a number of seconds.
    #[error(
        "the SAML attribute {SESSION_DURATION_ATTRIBUTE} is {value:?}, not a whole number of seconds"
    )]
    SessionDuration {
        /// The attribute value.
        value: String,
    },
    /// No Role attribute at all.
    #[error(
        "the SAML assertion carries no {ROLE_ATTRIBUTE} attribute; add a role mapper to the IdP's \
         SAML client that emits \"ROLE_ARN,SAML_PROVIDER_ARN\" values"
    )]
    NoRoles,
    /// The only role offered is not the one requested.
    #[error(
        "role {requested} was requested, but the SAML assertion offers only {offered}; \
         use -r {offered}, or map {requested} to this user in the IdP"
    )]
    RoleMismatch {
        /// The role asked for.
        requested: String,
        /// The one role the assertion offers.
        offered: String,
    },
    /// Several roles offered, none the one requested.
    #[error(
        "role {requested} is not among the roles the SAML assertion offers: {}; choose one with -r ARN",
        offered.join(", ")
    )]
    RoleNotOffered {
        /// The role asked for.
        requested: String,
        /// The role ARNs offered.
        offered: Vec<String>,
    },
    /// The OS random generator failed.
    #[error("cannot generate a SAML Response ID: the OS random number generator failed: {cause}")]
    Random {
        /// The generator's complaint (not a `std::error::Error` without
        /// getrandom's `std` feature, hence in the message).
        cause: getrandom::Error,
    },
}

/// Decode the `access_token` of a token-exchange response into a Response.
///
/// A bare `Assertion` (any prefix) is wrapped in a `samlp:Response` whose
/// Destination is the assertion's Recipient; the assertion is embedded byte
/// for byte so its signature stays valid. A document that already is a
/// `Response` is used as is.
pub fn from_token_exchange(access_token: &Secret<String>) -> Result<SamlResponse, Error> {
    let bytes = decode::token_bytes(access_token.expose())?;
    let text = std::str::from_utf8(&bytes).map_err(|source| Error::NotUtf8 { source })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let scan = document::scan(text)?;
    if !scan.has_assertion && scan.has_encrypted_assertion {
        return Err(Error::Encrypted);
    }

    let mut roles: Vec<RolePair> = Vec::new();
    let mut session_duration = None;
    for (name, value) in &scan.attributes {
        if name == ROLE_ATTRIBUTE {
            let pair = RolePair::parse(value)?;
            // Two mappers can emit the same pair; offering it twice would
            // make a single-role user pick between identical entries.
            if !roles.contains(&pair) {
                roles.push(pair);
            }
        } else if name == SESSION_DURATION_ATTRIBUTE && session_duration.is_none() {
            let seconds = value
                .trim()
                .parse::<u32>()
                .map_err(|_| Error::SessionDuration {
                    value: sanitize(value).into_owned(),
                })?;
            session_duration = Some(seconds);
        }
    }

    log::debug!(
        "saml: {} role(s) offered: {}; SessionDuration {}",
        roles.len(),
        roles
            .iter()
            .map(|r| r.role_arn.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        session_duration.map_or("absent".to_string(), |s| format!("{s}s"))
    );
    let xml = match scan.root {
        Root::Response => text.to_string(),
        Root::Assertion => wrap(text, &scan, &random_id()?)?,
    };
    Ok(SamlResponse {
        base64: Secret::new(STANDARD.encode(xml)),
        roles,
        session_duration,
    })
}

/// Pick the role: `requested` must match a role ARN exactly. A blank
/// `requested` counts as none.
pub fn choose_role(roles: &[RolePair], requested: Option<&str>) -> Result<RoleChoice, Error> {
    let requested = requested.filter(|r| !r.trim().is_empty());
    match (roles, requested) {
        ([], _) => Err(Error::NoRoles),
        (_, Some(r)) => match roles.iter().find(|p| p.role_arn == r) {
            Some(p) => Ok(RoleChoice::Chosen(p.clone())),
            // A single role that differs is not silently substituted: the
            // user asked for another account or permission set.
            None => match roles {
                [only] => Err(Error::RoleMismatch {
                    requested: r.to_string(),
                    offered: only.role_arn.clone(),
                }),
                _ => Err(Error::RoleNotOffered {
                    requested: r.to_string(),
                    offered: roles.iter().map(|p| p.role_arn.clone()).collect(),
                }),
            },
        },
        ([only], None) => Ok(RoleChoice::Chosen(only.clone())),
        (_, None) => Ok(RoleChoice::Ambiguous(roles.to_vec())),
    }
}

/// Build `samlp:Response` around the assertion at `scan.root_span` of `text`.
fn wrap(text: &str, scan: &document::Scan, id: &str) -> Result<String, Error> {
    let (start, end) = scan.root_span;
    let assertion = text.get(start..end).ok_or(Error::Truncated)?;
    let issue_instant = scan.issue_instant.as_deref().ok_or(Error::NoIssueInstant)?;

    let mut out = String::with_capacity(assertion.len() + 512);
    out.push_str("<samlp:Response xmlns:samlp=\"");
    out.push_str(NS_PROTOCOL);
    let _ = write!(
        out,
        "\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{}\"",
        escape(issue_instant)
    );
    if let Some(recipient) = &scan.recipient {
        let _ = write!(out, " Destination=\"{}\"", escape(recipient.as_str()));
    }
    out.push('>');
    if let Some(issuer) = &scan.issuer {
        // The namespace is declared on the Issuer copy, not on the Response,
        // so the assertion's in-scope namespaces are exactly what they were
        // (an inclusive-C14N signature would notice an extra one).
        out.push_str("<saml:Issuer xmlns:saml=\"");
        out.push_str(NS_ASSERTION);
        out.push('"');
        if let Some(format) = &issuer.format {
            let _ = write!(out, " Format=\"{}\"", escape(format.as_str()));
        }
        let _ = write!(out, ">{}</saml:Issuer>", escape(issuer.value.as_str()));
    }
    out.push_str(
        "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>",
    );
    out.push_str(assertion);
    out.push_str("</samlp:Response>");
    Ok(out)
}

/// `_` and 32 hex digits: an xs:ID (must not start with a digit) with 128
/// random bits, as SAML requires IDs to be unguessable.
fn random_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|cause| Error::Random { cause })?;
    let mut id = String::with_capacity(33);
    id.push('_');
    for b in bytes {
        let _ = write!(id, "{b:02x}");
    }
    Ok(id)
}

#[cfg(test)]
mod tests;
