//! Composes config, OIDC, SAML and STS into "log in and get AWS credentials".
//!
//! [`login_with_metadata`] runs the browser login; [`federate`] turns tokens from any grant
//! (a fresh login, and later a silent refresh) into AWS credentials, so both
//! paths share the role, duration and session-name rules. Nothing here prints:
//! notices and the role prompt are callbacks the command supplies.

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::{
    FederationType, MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, ProviderConfig, SubjectTokenType,
};
use crate::http::HttpClient;
use crate::oidc::device::DeviceEffects;
use crate::oidc::{self, ClientCredentials, IdTokenClaims, Metadata, TokenResponse};
use crate::saml::{self, RoleChoice, RolePair};
use crate::secret::Secret;
use crate::sts::{self, Credentials, EndpointEnv};

/// The default session duration when neither `-d` nor
/// `max_session_duration_seconds` is given: STS's own default.
pub const DEFAULT_DURATION: u32 = 3600;

/// The range STS accepts for DurationSeconds.
pub const DURATION_RANGE: std::ops::RangeInclusive<u32> = MIN_SESSION_SECONDS..=MAX_SESSION_SECONDS;

/// The token type a SAML token exchange asks for.
pub const SAML2_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:saml2";

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `-r`: overrides `default_iam_role_arn`.
    pub role_arn: Option<String>,
    /// `-d`: overrides `max_session_duration_seconds`.
    pub duration: Option<u32>,
}

/// The effects federation needs, supplied by the command.
pub struct Effects<'a> {
    /// Client for the identity provider (its TLS settings may include mTLS).
    pub idp_http: &'a dyn HttpClient,
    /// Client for STS.
    pub sts_http: &'a dyn HttpClient,
    /// The environment that picks the STS endpoint.
    pub sts_env: &'a EndpointEnv,
    /// Show the login URL and launch a browser.
    pub open_url: &'a mut dyn FnMut(&str) -> Result<(), String>,
    /// Ask the person to pick one of several roles; `None` when nobody can be asked.
    pub choose_role: &'a mut dyn FnMut(&[RolePair]) -> Option<usize>,
    /// One-line notices for stderr (never secrets).
    pub notice: &'a mut dyn FnMut(&str),
    /// The current time.
    pub now: OffsetDateTime,
}

/// Tokens from any grant, with where they came from.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The issuer that issued them.
    pub issuer: String,
    /// The token endpoint (for the SAML token exchange, and to redeem the refresh token later).
    pub token_endpoint: String,
    /// The token response.
    pub tokens: TokenResponse,
    /// Validated ID-token claims, when the response had an ID token.
    pub claims: Option<IdTokenClaims>,
}

/// A successful federation.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The AWS credentials.
    pub credentials: Credentials,
    /// The role that was assumed.
    pub role_arn: String,
    /// The refresh token the provider issued, if any (the cache stores it).
    pub refresh_token: Option<Secret<String>>,
    /// The issuer, for storing the refresh token.
    pub issuer: String,
    /// The token endpoint, for redeeming the refresh token later.
    pub token_endpoint: String,
    /// The validated ID token's `sub`, stored with the refresh token so a
    /// renewal can be checked to be the same person.
    pub subject: Option<String>,
}

/// Errors of the federation layer; each wraps the layer that failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// OIDC discovery, login or token request failed.
    #[error(transparent)]
    Oidc(#[from] oidc::Error),
    /// The SAML document could not be used.
    #[error(transparent)]
    Saml(#[from] saml::Error),
    /// STS refused or could not be reached.
    #[error(transparent)]
    Sts(#[from] sts::Error),
    /// The role ARN (from `-r` or `default_iam_role_arn`) is not one.
    #[error("provider {provider:?}: {source}")]
    BadRole {
        /// The provider.
        provider: String,
        /// What is wrong with the ARN.
        #[source]
        source: sts::arn::ArnError,
    },
    /// The STS endpoint would be called over an insecure URL.
    #[error(
        "the STS endpoint for role {role_arn} is refused: {source}; check AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL and the region"
    )]
    StsEndpoint {
        /// The role.
        role_arn: String,
        /// Why.
        #[source]
        source: crate::http::Error,
    },
    /// OIDC federation without a role to assume.
    #[error(
        "no role to assume for provider {provider:?}: pass -r ROLE_ARN or set default_iam_role_arn for it in config.yaml"
    )]
    NoRole {
        /// The provider.
        provider: String,
    },
    /// Several roles, no `-r`, and no terminal to ask on.
    #[error("the SAML assertion offers {} roles and none was chosen; pass one with -r:\n{}", roles.len(), roles.iter().map(|r| format!("  -r {}", r.role_arn)).collect::<Vec<_>>().join("\n"))]
    RoleNotChosen {
        /// The roles offered.
        roles: Vec<RolePair>,
    },
    /// A duration outside [`DURATION_RANGE`].
    #[error(
        "session duration {seconds}s for provider {provider:?} is outside {MIN_SESSION_SECONDS}..={MAX_SESSION_SECONDS} seconds; fix max_session_duration_seconds or -d"
    )]
    Duration {
        /// The provider.
        provider: String,
        /// The duration asked for.
        seconds: u32,
    },
    /// The token response lacks the token federation needs.
    #[error("token endpoint {url} returned no {what}; {hint}")]
    MissingToken {
        /// The token endpoint.
        url: String,
        /// `id_token` or `access_token`.
        what: &'static str,
        /// What to check.
        hint: &'static str,
    },
    /// `--all-roles` with a provider that is not `saml2`.
    #[error(
        "provider {provider:?} uses aws_federation_type {federation_type}; --all-roles needs a saml2 provider, whose assertion lists the roles (for oidc, log in once per role with -r)"
    )]
    AllRolesNeedsSaml {
        /// The provider.
        provider: String,
        /// Its federation type.
        federation_type: &'static str,
    },
    /// No RoleSessionName could be derived.
    #[error(
        "cannot derive a RoleSessionName for provider {provider:?}: the ID token has no usable preferred_username, email or sub claim; set aws_federation_role_session_name or role_session_name_claim"
    )]
    NoSessionName {
        /// The provider.
        provider: String,
    },
}

/// The client identity from the provider's config.
pub fn client_credentials(cfg: &ProviderConfig) -> ClientCredentials {
    ClientCredentials {
        client_id: cfg.client_id.clone(),
        client_secret: cfg.client_secret.clone(),
        auth_method: cfg.client_auth_method,
    }
}

/// Run the browser login against the discovered provider, and federate. The
/// caller discovers first: it needs the metadata to choose the flow (see
/// [`crate::oidc::headless::login_flow`]).
pub fn login_with_metadata(
    cfg: &ProviderConfig,
    req: &Request,
    metadata: &Metadata,
    fx: &mut Effects<'_>,
) -> Result<Outcome, Error> {
    let duration = resolve_duration(cfg, req)?;
    log::debug!(
        "federation: provider {:?}, {:?} federation, session duration {duration}s",
        cfg.name,
        cfg.federation_type
    );
    let grant = browser_grant(cfg, metadata, fx)?;
    federate(cfg, req, duration, &grant, fx)
}

/// The browser login (authorization code + PKCE to the loopback listener)
/// as a [`Grant`].
fn browser_grant(
    cfg: &ProviderConfig,
    metadata: &Metadata,
    fx: &mut Effects<'_>,
) -> Result<Grant, Error> {
    let client = client_credentials(cfg);
    let login_req = oidc::LoginRequest {
        metadata,
        client: &client,
        scopes: &cfg.scopes,
        additional_query: cfg.additional_query.as_deref(),
        loopback_port: cfg.loopback_port,
        timeout: Duration::from_secs(cfg.login_timeout_seconds),
        successful_redirect_url: cfg.successful_redirect_url.as_deref(),
        failure_redirect_url: cfg.failure_redirect_url.as_deref(),
    };
    let result = oidc::browser_login(fx.idp_http, &login_req, fx.open_url, fx.now)?;
    Ok(Grant {
        issuer: metadata.issuer.clone(),
        token_endpoint: metadata.token_endpoint.clone(),
        tokens: result.tokens,
        claims: Some(result.claims),
    })
}

/// A refresh grant's answer.
#[derive(Debug)]
pub struct Refreshed {
    /// The tokens; an ID token that failed the checks is removed, so it is
    /// never used.
    pub grant: Grant,
    /// Why the answer's ID token was not usable, when it had one.
    pub id_token_rejected: Option<oidc::Error>,
}

impl Refreshed {
    /// Why this renewal cannot be used for `cfg`, in words for a notice:
    /// the federation needs an ID token (`oidc`, or a SAML exchange of the
    /// ID token) and the answer has no usable one (OIDC Core §12.2 lets a
    /// provider leave it out).
    pub fn unusable_for(&self, cfg: &ProviderConfig) -> Option<String> {
        let needs_id_token = match cfg.federation_type {
            FederationType::Oidc => true,
            FederationType::Saml2 => {
                cfg.token_exchange_subject_token_type
                    == Some(crate::config::SubjectTokenType::IdToken)
            }
        };
        match (&self.id_token_rejected, &self.grant.claims) {
            (Some(e), _) => Some(format!(
                "the provider's refresh answer has an ID token that fails the checks ({e})"
            )),
            (None, None) if needs_id_token => {
                Some("the provider's refresh answer has no ID token".to_string())
            }
            _ => None,
        }
    }
}

/// The `refresh_token` grant at `token_endpoint`, with the ID token (if the
/// provider returns one) checked like a login's, minus the nonce. An ID
/// token that fails the checks is not an error here: the caller still has
/// to store a rotated refresh token before it decides what to do.
pub fn refresh_grant(
    cfg: &ProviderConfig,
    issuer: &str,
    token_endpoint: &str,
    refresh_token: &Secret<String>,
    fx: &Effects<'_>,
) -> Result<Refreshed, Error> {
    let mut tokens = oidc::refresh(
        fx.idp_http,
        token_endpoint,
        &client_credentials(cfg),
        refresh_token,
    )?;
    let checked = tokens
        .id_token
        .as_ref()
        .map(|t| oidc::id_token::validate(t, None, &cfg.client_id, issuer, fx.now));
    let (claims, id_token_rejected) = match checked {
        Some(Ok(claims)) => (Some(claims), None),
        Some(Err(e)) => {
            tokens.id_token = None;
            (None, Some(e))
        }
        None => (None, None),
    };
    Ok(Refreshed {
        grant: Grant {
            issuer: issuer.to_string(),
            token_endpoint: token_endpoint.to_string(),
            tokens,
            claims,
        },
        id_token_rejected,
    })
}

/// Run the device login (RFC 8628) and federate, like [`login_with_metadata`] but with no
/// loopback listener: for machines where no browser can reach one.
pub fn login_device(
    cfg: &ProviderConfig,
    req: &Request,
    metadata: &Metadata,
    fx: &mut Effects<'_>,
    device: &mut DeviceEffects<'_>,
) -> Result<Outcome, Error> {
    let duration = resolve_duration(cfg, req)?;
    let client = client_credentials(cfg);
    let result = oidc::device::device_login(fx.idp_http, metadata, &client, &cfg.scopes, device)?;
    let grant = Grant {
        issuer: metadata.issuer.clone(),
        token_endpoint: metadata.token_endpoint.clone(),
        tokens: result.tokens,
        claims: Some(result.claims),
    };
    federate(cfg, req, duration, &grant, fx)
}

/// Everything about a request that can be checked without the network, so
/// it runs before any browser tab, device prompt or request: a refusal after
/// the login would cost the person a round trip. It checks the session
/// duration, the role ARN's shape and partition (a user ARN or a bare name
/// is refused with an example), that OIDC federation has a role at all, and
/// the STS endpoint URL (https, or http to loopback). Returns the duration.
pub fn preflight(cfg: &ProviderConfig, req: &Request, sts_env: &EndpointEnv) -> Result<u32, Error> {
    let duration = resolve_duration(cfg, req)?;
    let role = req
        .role_arn
        .as_deref()
        .or(cfg.default_iam_role_arn.as_deref());
    match role {
        Some(role) => {
            sts::arn::RoleArn::parse(role).map_err(|source| Error::BadRole {
                provider: cfg.name.clone(),
                source,
            })?;
            let endpoint = sts::resolve_endpoint(sts_env, cfg.aws_region.as_deref(), role);
            crate::http::check_url(&endpoint).map_err(|source| Error::StsEndpoint {
                role_arn: role.to_string(),
                source,
            })?;
        }
        // SAML takes its roles from the assertion; they are checked there.
        None if cfg.federation_type == FederationType::Oidc => {
            return Err(Error::NoRole {
                provider: cfg.name.clone(),
            });
        }
        None => {}
    }
    Ok(duration)
}

/// `-d`, then `max_session_duration_seconds`, then 3600; checked against [`DURATION_RANGE`].
pub fn resolve_duration(cfg: &ProviderConfig, req: &Request) -> Result<u32, Error> {
    let seconds = req
        .duration
        .or(cfg.max_session_duration_seconds)
        .unwrap_or(DEFAULT_DURATION);
    if DURATION_RANGE.contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Error::Duration {
            provider: cfg.name.clone(),
            seconds,
        })
    }
}

/// Turn a grant's tokens into AWS credentials by the provider's federation
/// type. Its claims are the validated ID-token claims when there are any (a
/// refresh may return no ID token).
pub fn federate(
    cfg: &ProviderConfig,
    req: &Request,
    duration: u32,
    grant: &Grant,
    fx: &mut Effects<'_>,
) -> Result<Outcome, Error> {
    let (credentials, role_arn) = match cfg.federation_type {
        FederationType::Oidc => oidc_federation(cfg, req, duration, grant, fx)?,
        FederationType::Saml2 => saml_federation(cfg, req, duration, grant, fx)?,
    };
    Ok(Outcome {
        credentials,
        role_arn,
        refresh_token: grant.tokens.refresh_token.clone(),
        issuer: grant.issuer.clone(),
        token_endpoint: grant.token_endpoint.clone(),
        subject: grant.claims.as_ref().map(|c| c.sub.clone()),
    })
}

fn oidc_federation(
    cfg: &ProviderConfig,
    req: &Request,
    duration: u32,
    grant: &Grant,
    fx: &mut Effects<'_>,
) -> Result<(Credentials, String), Error> {
    let (tokens, claims) = (&grant.tokens, grant.claims.as_ref());
    let role_arn = req
        .role_arn
        .clone()
        .or_else(|| cfg.default_iam_role_arn.clone())
        .ok_or_else(|| Error::NoRole {
            provider: cfg.name.clone(),
        })?;
    let id_token = tokens.id_token.as_ref().ok_or(Error::MissingToken {
        url: grant.token_endpoint.clone(),
        what: "id_token",
        hint: "make sure the client is allowed the openid scope",
    })?;
    let session_name = match &cfg.role_session_name {
        Some(name) => sts::role_session_name(name),
        None => claims
            .and_then(|c| c.role_session_name(cfg.role_session_name_claim.as_deref()))
            .ok_or_else(|| Error::NoSessionName {
                provider: cfg.name.clone(),
            })?,
    };
    let endpoint = sts::resolve_endpoint(fx.sts_env, cfg.aws_region.as_deref(), &role_arn);
    log::debug!(
        "federation: web identity for {role_arn} as session {session_name:?} at {endpoint}"
    );
    let creds = with_duration_fallback(duration, &role_arn, fx.notice, |d| {
        sts::assume_role_with_web_identity(
            fx.sts_http,
            &endpoint,
            &role_arn,
            &session_name,
            id_token,
            d,
        )
    })?;
    Ok((creds, role_arn))
}

fn saml_federation(
    cfg: &ProviderConfig,
    req: &Request,
    duration: u32,
    grant: &Grant,
    fx: &mut Effects<'_>,
) -> Result<(Credentials, String), Error> {
    let response = saml_exchange(cfg, grant, fx)?;
    let requested = req
        .role_arn
        .as_deref()
        .or(cfg.default_iam_role_arn.as_deref());
    let pair = match saml::choose_role(&response.roles, requested)? {
        RoleChoice::Chosen(pair) => pair,
        RoleChoice::Ambiguous(roles) => match (fx.choose_role)(&roles) {
            Some(i) if i < roles.len() => roles[i].clone(),
            _ => return Err(Error::RoleNotChosen { roles }),
        },
    };
    let creds = assume_saml_role(cfg, &pair, &response, duration, fx)?;
    Ok((creds, pair.role_arn))
}

/// `AssumeRoleWithSAML` for one role of the assertion. The IdP's
/// SessionDuration caps what we may ask for; STS would refuse more.
fn assume_saml_role(
    cfg: &ProviderConfig,
    pair: &RolePair,
    response: &saml::SamlResponse,
    duration: u32,
    fx: &mut Effects<'_>,
) -> Result<Credentials, sts::Error> {
    let duration = match response.session_duration {
        Some(cap) if cap < duration => cap.max(*DURATION_RANGE.start()),
        _ => duration,
    };
    let endpoint = sts::resolve_endpoint(fx.sts_env, cfg.aws_region.as_deref(), &pair.role_arn);
    log::debug!(
        "federation: SAML role {} via {} for {duration}s at {endpoint}",
        pair.role_arn,
        pair.principal_arn
    );
    with_duration_fallback(duration, &pair.role_arn, fx.notice, |d| {
        sts::assume_role_with_saml(
            fx.sts_http,
            &endpoint,
            &pair.role_arn,
            &pair.principal_arn,
            &response.base64,
            d,
        )
    })
}

/// Many roles keep IAM's default one-hour maximum while users configure
/// twelve; rather than fail, retry once at the default and say so.
fn with_duration_fallback(
    duration: u32,
    role_arn: &str,
    notice: &mut dyn FnMut(&str),
    mut call: impl FnMut(u32) -> Result<Credentials, sts::Error>,
) -> Result<Credentials, sts::Error> {
    match call(duration) {
        Err(e) if duration > DEFAULT_DURATION && e.is_duration_too_long() => {
            log::debug!(
                "federation: {role_arn} refused {duration}s; falling back to {DEFAULT_DURATION}s"
            );
            notice(&format!(
                "role {role_arn} does not allow {duration}s sessions; retrying with {DEFAULT_DURATION}s (raise the role's MaxSessionDuration or lower max_session_duration_seconds)"
            ));
            call(DEFAULT_DURATION)
        }
        other => other,
    }
}

/// One role of an all-roles login and what STS said for it.
#[derive(Debug)]
pub struct RoleResult {
    /// The role and its SAML provider, from the assertion.
    pub pair: RolePair,
    /// The credentials, or why STS refused this role.
    pub credentials: Result<Credentials, Error>,
}

/// The result of [`login_all_roles`]: one entry per role of the assertion,
/// in document order, plus what is needed to store the refresh token.
#[derive(Debug)]
pub struct AllRoles {
    /// Every role the assertion offered.
    pub roles: Vec<RoleResult>,
    /// The refresh token the provider issued, if any.
    pub refresh_token: Option<Secret<String>>,
    /// The issuer, for storing the refresh token.
    pub issuer: String,
    /// The token endpoint, for redeeming the refresh token later.
    pub token_endpoint: String,
}

/// One browser login, one token exchange for a SAML assertion, then one
/// `AssumeRoleWithSAML` per role the assertion offers. A role STS refuses is
/// reported in its [`RoleResult`] and the others are still assumed; only a
/// failure before STS (discovery, login, exchange, an assertion without
/// roles) is an `Err`. Only for `saml2` providers: an `oidc` provider fails
/// with [`Error::AllRolesNeedsSaml`] before anything else happens.
pub fn login_all_roles(
    cfg: &ProviderConfig,
    req: &Request,
    fx: &mut Effects<'_>,
) -> Result<AllRoles, Error> {
    if cfg.federation_type != FederationType::Saml2 {
        return Err(Error::AllRolesNeedsSaml {
            provider: cfg.name.clone(),
            federation_type: cfg.federation_type.as_str(),
        });
    }
    let duration = resolve_duration(cfg, req)?;
    let metadata = oidc::discover(fx.idp_http, &cfg.metadata_url)?;
    let grant = browser_grant(cfg, &metadata, fx)?;
    let response = saml_exchange(cfg, &grant, fx)?;
    if response.roles.is_empty() {
        return Err(saml::Error::NoRoles.into());
    }
    let mut roles = Vec::with_capacity(response.roles.len());
    for pair in &response.roles {
        let credentials = assume_saml_role(cfg, pair, &response, duration, fx).map_err(Error::from);
        roles.push(RoleResult {
            pair: pair.clone(),
            credentials,
        });
    }
    Ok(AllRoles {
        roles,
        refresh_token: grant.tokens.refresh_token.clone(),
        issuer: grant.issuer,
        token_endpoint: grant.token_endpoint,
    })
}

/// The browser login alone, without STS: discovery, then the loopback
/// login. For callers that need the grant itself (`roles`).
pub fn login_grant(cfg: &ProviderConfig, fx: &mut Effects<'_>) -> Result<Grant, Error> {
    let metadata = oidc::discover(fx.idp_http, &cfg.metadata_url)?;
    browser_grant(cfg, &metadata, fx)
}

/// The roles a `saml2` provider's assertion offers for this grant, in
/// document order.
pub fn saml_roles(
    cfg: &ProviderConfig,
    grant: &Grant,
    fx: &Effects<'_>,
) -> Result<Vec<RolePair>, Error> {
    let response = saml_exchange(cfg, grant, fx)?;
    if response.roles.is_empty() {
        return Err(saml::Error::NoRoles.into());
    }
    Ok(response.roles)
}

/// The RFC 8693 exchange of a grant's token for the SAML assertion, as
/// [`federate`] does it for a single role.
fn saml_exchange(
    cfg: &ProviderConfig,
    grant: &Grant,
    fx: &Effects<'_>,
) -> Result<saml::SamlResponse, Error> {
    let subject_kind = cfg
        .token_exchange_subject_token_type
        .unwrap_or(SubjectTokenType::AccessToken);
    let subject_type = subject_kind.urn();
    let subject = if subject_kind == SubjectTokenType::IdToken {
        grant.tokens.id_token.as_ref().ok_or(Error::MissingToken {
            url: grant.token_endpoint.clone(),
            what: "id_token",
            hint: "the token exchange is configured to send the ID token; make sure the openid scope is granted",
        })?
    } else {
        &grant.tokens.access_token
    };
    log::debug!(
        "federation: exchanging the {subject_type} for {SAML2_TOKEN_TYPE} (audience {})",
        cfg.token_exchange_audience.as_deref().unwrap_or("none")
    );
    let exchanged = oidc::token_exchange(
        fx.idp_http,
        &grant.token_endpoint,
        &client_credentials(cfg),
        &oidc::ExchangeParams {
            subject_token: subject,
            subject_token_type: subject_type,
            audience: cfg.token_exchange_audience.as_deref(),
            requested_token_type: SAML2_TOKEN_TYPE,
        },
    )?;
    Ok(saml::from_token_exchange(&exchanged.access_token)?)
}

#[cfg(test)]
mod all_roles_tests {
    use super::*;
    use crate::http::fake::FakeHttp;

    #[test]
    fn all_roles_refuses_an_oidc_provider_before_any_request() {
        let no_network = FakeHttp::new(vec![]);
        let cfg = ProviderConfig::new(
            "corp",
            "https://idp.example.com/.well-known/openid-configuration",
            "aws-cli",
            FederationType::Oidc,
        );
        let env = EndpointEnv::default();
        let (mut open, mut choose, mut notice) = (
            |_: &str| -> Result<(), String> { panic!("no browser expected") },
            |_: &[RolePair]| -> Option<usize> { None },
            |_: &str| {},
        );
        let mut fx = Effects {
            idp_http: &no_network,
            sts_http: &no_network,
            sts_env: &env,
            open_url: &mut open,
            choose_role: &mut choose,
            notice: &mut notice,
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        let err = login_all_roles(&cfg, &Request::default(), &mut fx).unwrap_err();
        assert_eq!(no_network.count(), 0, "no request expected");
        assert!(matches!(err, Error::AllRolesNeedsSaml { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("\"corp\"") && text.contains("saml2") && text.contains("-r"),
            "{text}"
        );
    }
}
