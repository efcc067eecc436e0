//! OpenID Connect and OAuth 2.0: discovery, the authorization-code login with
//! PKCE to a loopback listener (RFC 8252, RFC 7636, RFC 9207), token requests
//! (code, refresh, RFC 8693 token exchange) and ID-token claims.
//!
//! CONTRACT (kept by the implementation): the names below are used by the
//! rest of the crate.

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::ClientAuthMethod;
use crate::http::HttpClient;
use crate::secret::Secret;

/// The parts of the provider's discovery document we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// `issuer`.
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `device_authorization_endpoint`, when advertised.
    pub device_authorization_endpoint: Option<String>,
}

/// The client's identity at the token endpoint.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`, for confidential clients.
    pub client_secret: Option<Secret<String>>,
    /// Post or Basic.
    pub auth_method: ClientAuthMethod,
}

/// A token endpoint's successful answer.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// `access_token` (for a SAML token exchange: the assertion).
    pub access_token: Secret<String>,
    /// `id_token`.
    pub id_token: Option<Secret<String>>,
    /// `refresh_token`.
    pub refresh_token: Option<Secret<String>>,
    /// `expires_in`, seconds.
    pub expires_in: Option<u64>,
    /// `issued_token_type` (token exchange).
    pub issued_token_type: Option<String>,
}

/// Claims of an ID token we read (the signature is STS's business).
#[derive(Debug, Clone, Default)]
pub struct IdTokenClaims {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud`, one or many.
    pub aud: Vec<String>,
    /// `exp`, seconds since the epoch.
    pub exp: i64,
    /// `nonce`.
    pub nonce: Option<String>,
    /// Every claim, for `role_session_name_claim`.
    pub all: serde_json::Map<String, serde_json::Value>,
}

/// Everything a browser login needs.
#[derive(Debug, Clone)]
pub struct LoginRequest<'a> {
    /// From [`discover`].
    pub metadata: &'a Metadata,
    /// Client identity.
    pub client: &'a ClientCredentials,
    /// Scopes besides `openid`.
    pub scopes: &'a [String],
    /// `oidc_authentication_request_additional_query`.
    pub additional_query: Option<&'a str>,
    /// 0 = random port.
    pub loopback_port: u16,
    /// How long to wait for the callback.
    pub timeout: Duration,
    /// `successful_redirect_url`.
    pub successful_redirect_url: Option<&'a str>,
    /// `failure_redirect_url`.
    pub failure_redirect_url: Option<&'a str>,
}

/// The result of a login.
#[derive(Debug, Clone)]
pub struct LoginResult {
    /// Tokens from the code exchange (keeps the refresh token).
    pub tokens: TokenResponse,
    /// The validated ID-token claims.
    pub claims: IdTokenClaims,
}

/// Errors of the OIDC layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until implemented.
    #[error("{0}")]
    Other(String),
}

/// GET and check the discovery document at `metadata_url`.
pub fn discover(http: &dyn HttpClient, metadata_url: &str) -> Result<Metadata, Error> {
    let _ = (http, metadata_url);
    unimplemented!()
}

/// Run the browser login: bind the loopback listener, call `open_url` with the
/// authorization URL, wait for the callback, exchange the code, check the ID token.
pub fn browser_login(
    http: &dyn HttpClient,
    req: &LoginRequest<'_>,
    open_url: &mut dyn FnMut(&str) -> Result<(), String>,
    now: OffsetDateTime,
) -> Result<LoginResult, Error> {
    let _ = (http, req, open_url, now);
    unimplemented!()
}

/// The `refresh_token` grant.
pub fn refresh(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    refresh_token: &Secret<String>,
) -> Result<TokenResponse, Error> {
    let _ = (http, token_endpoint, client, refresh_token);
    unimplemented!()
}

/// RFC 8693 token exchange.
pub fn token_exchange(
    http: &dyn HttpClient,
    token_endpoint: &str,
    client: &ClientCredentials,
    subject_token: &Secret<String>,
    subject_token_type: &str,
    audience: Option<&str>,
    requested_token_type: &str,
) -> Result<TokenResponse, Error> {
    let _ = (
        http,
        token_endpoint,
        client,
        subject_token,
        subject_token_type,
        audience,
        requested_token_type,
    );
    unimplemented!()
}

impl IdTokenClaims {
    /// RoleSessionName from `claim` (or `preferred_username`, `email`, `sub`),
    /// sanitised to `[\w+=,.@-]{2,64}`.
    pub fn role_session_name(&self, claim: Option<&str>) -> Option<String> {
        let _ = claim;
        unimplemented!()
    }
}

/// Launching the browser (stub until implemented).
pub mod browser {
    /// Launch `$BROWSER` or the platform opener on `url`.
    pub fn open_browser(url: &str) -> Result<(), String> {
        let _ = url;
        unimplemented!()
    }
}
