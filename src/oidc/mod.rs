//! OpenID Connect and OAuth 2.0: discovery, the authorization-code login with
//! PKCE to a loopback listener (RFC 8252, RFC 7636, RFC 9207), token requests
//! (code, refresh, RFC 8693 token exchange) and ID-token claims.
//!
//! It leaves to others: printing the URL and any warning (the binary), the
//! ID token's signature (STS checks it), and which grant to use when (the
//! federation layer). Submodules: [`discovery`], [`pkce`], [`authorize`],
//! [`loopback`], [`token`], [`id_token`], [`browser`], [`device`] (RFC 8628)
//! and [`headless`] (whether a browser can be used here).

pub mod authorize;
pub mod browser;
pub mod device;
pub mod discovery;
pub mod headless;
pub mod id_token;
pub mod loopback;
pub mod pkce;
pub mod token;

pub use discovery::discover;
pub use token::{ExchangeParams, refresh, token_exchange};

use std::time::Duration;

use time::OffsetDateTime;

pub use self::authorize::AuthorizationParams;
pub use self::browser::open_browser;
pub use self::loopback::{CallbackOutcome, Loopback, Pages, parse_callback};
pub use self::pkce::Pkce;
use crate::config::ClientAuthMethod;
use crate::http::{Error as HttpError, HttpClient};
use crate::secret::Secret;

/// Random bytes in `state` and `nonce` (RFC 6749 §10.10 asks for at least 128 bits).
const STATE_BYTES: usize = 32;

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
    /// `authorization_response_iss_parameter_supported` (RFC 9207): every
    /// authorization response carries `iss`.
    pub iss_parameter_supported: bool,
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

/// Errors of the OIDC layer. Each names the URL, setting or claim involved
/// and never a token, code or secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The discovery document could not be fetched or lacks a required field.
    #[error(
        "cannot use the discovery document at {url}: {reason}; check oidc_provider_metadata_url"
    )]
    Discovery {
        /// The metadata URL.
        url: String,
        /// What is wrong.
        reason: String,
        /// The HTTP error, when the request itself failed.
        #[source]
        source: Option<HttpError>,
    },
    /// An endpoint from the discovery document is not `https://` (nor
    /// `http://` to loopback).
    #[error(
        "the provider's {field} {url} is not https:// (http:// is allowed only to 127.0.0.1, \
         [::1] or localhost); fix the provider's configuration or oidc_provider_metadata_url"
    )]
    InsecureUrl {
        /// Which endpoint, e.g. `token_endpoint`.
        field: String,
        /// The refused URL.
        url: String,
    },
    /// The request to the token endpoint failed before an answer came back.
    #[error("token request to {url} failed")]
    TokenRequest {
        /// The token endpoint.
        url: String,
        /// The transport error.
        #[source]
        source: HttpError,
    },
    /// The token endpoint answered with an error status.
    #[error("token endpoint {url} returned {status}{}", token_error_text(error.as_deref(), description.as_deref()))]
    TokenEndpoint {
        /// The token endpoint.
        url: String,
        /// HTTP status.
        status: u16,
        /// OAuth `error` code, e.g. `invalid_grant`; `None` when the body is not OAuth JSON.
        error: Option<String>,
        /// `error_description`, or a short snippet of a non-JSON body.
        description: Option<String>,
    },
    /// The token endpoint answered 200 with something that is not a token response.
    #[error("token endpoint {url} returned an unusable answer: {reason}")]
    TokenResponse {
        /// The token endpoint.
        url: String,
        /// What is wrong (never the body).
        reason: String,
    },
    /// The wait timed out, and the only callbacks that came carried a wrong
    /// or missing `state` (reported instead of [`Error::CallbackTimeout`]).
    #[error(
        "no valid login callback arrived on {redirect_uri} within {}s: the callbacks received \
         carried a wrong state (a stale browser tab, or a request not started by this login); run \
         the login again and finish it in the newly opened page",
        waited.as_secs()
    )]
    StateMismatch {
        /// The loopback redirect URI.
        redirect_uri: String,
        /// How long we waited.
        waited: Duration,
    },
    /// RFC 9207: the callback's `iss` is not the configured provider.
    #[error(
        "the authorization response came from issuer \"{got}\", expected \"{expected}\"; refusing it \
         (RFC 9207 mix-up protection); check oidc_provider_metadata_url"
    )]
    IssuerMismatch {
        /// The issuer from discovery.
        expected: String,
        /// The `iss` in the callback.
        got: String,
    },
    /// RFC 9207: the provider promised `iss` in its answers and this one has none.
    #[error(
        "the authorization response has no iss parameter, though issuer \"{expected}\" advertises \
         authorization_response_iss_parameter_supported; refusing it (RFC 9207 mix-up protection)"
    )]
    IssuerMissing {
        /// The issuer from discovery.
        expected: String,
    },
    /// The provider sent the browser back with `error=...`.
    #[error("the provider refused the login: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    AuthorizationDenied {
        /// OAuth `error` code, e.g. `access_denied`.
        error: String,
        /// `error_description`, if given.
        description: Option<String>,
    },
    /// No callback arrived in time.
    #[error(
        "no login callback arrived on {redirect_uri} within {}s; finish the login in the browser \
         sooner, or raise login_timeout_seconds", waited.as_secs()
    )]
    CallbackTimeout {
        /// The loopback redirect URI that was waiting.
        redirect_uri: String,
        /// How long we waited.
        waited: Duration,
    },
    /// The ID token is missing or fails a check.
    #[error("ID token rejected: {reason}")]
    IdToken {
        /// Which check failed (never the token).
        reason: String,
    },
    /// The loopback listener could not be bound or failed.
    #[error(
        "cannot listen for the login callback on {addr}; free that port, or set loopback_port to \
         another one (0 picks a free port, but the provider must then allow any port)"
    )]
    Listener {
        /// The address, e.g. `127.0.0.1:8080`.
        addr: String,
        /// The socket error.
        source: std::io::Error,
    },
    /// The browser could not be started.
    #[error("cannot open a browser: {message}; open the printed URL by hand")]
    Browser {
        /// The launcher's error.
        message: String,
    },
    /// `oidc_authentication_request_additional_query` is unusable.
    #[error("oidc_authentication_request_additional_query: {reason}")]
    AdditionalQuery {
        /// The offending key, if one.
        key: Option<String>,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The request to the device authorization endpoint failed before an answer came back.
    #[error("device authorization request to {url} failed")]
    DeviceRequest {
        /// The device authorization endpoint.
        url: String,
        /// The transport error.
        #[source]
        source: HttpError,
    },
    /// The device authorization endpoint answered with an error status.
    #[error(
        "device authorization endpoint {url} returned {status}{}; check that the client may use \
         the device code grant",
        token_error_text(error.as_deref(), description.as_deref())
    )]
    DeviceEndpoint {
        /// The device authorization endpoint.
        url: String,
        /// HTTP status.
        status: u16,
        /// OAuth `error` code, e.g. `unauthorized_client`.
        error: Option<String>,
        /// `error_description`, or a short snippet of a non-JSON body.
        description: Option<String>,
    },
    /// The device authorization endpoint answered 200 with something unusable.
    #[error("device authorization endpoint {url} returned an unusable answer: {reason}")]
    DeviceResponse {
        /// The device authorization endpoint.
        url: String,
        /// What is wrong (never the body).
        reason: String,
    },
    /// `--device`, but the discovery document has no device endpoint.
    #[error(
        "the provider {issuer} advertises no device_authorization_endpoint, so --device cannot be \
         used with it; log in with the browser instead (drop --device)"
    )]
    DeviceUnsupported {
        /// The provider's issuer.
        issuer: String,
    },
    /// The device code expired before the person approved the login.
    #[error(
        "the device code for {verification_uri} expired after {}s before the login was approved; \
         run the command again and approve it sooner",
        waited.as_secs()
    )]
    DeviceExpired {
        /// The page the person was sent to.
        verification_uri: String,
        /// How long we polled.
        waited: Duration,
    },
    /// The person (or the provider) denied the device login.
    #[error(
        "the login at {verification_uri} was denied{}; run the command again and approve the request",
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    DeviceDenied {
        /// The page the person was sent to.
        verification_uri: String,
        /// `error_description`, if given.
        description: Option<String>,
    },
    /// The operating system's random number generator failed.
    #[error("cannot get random bytes for PKCE, state and nonce: {reason}")]
    Random {
        /// The OS error.
        reason: String,
    },
}

impl Error {
    /// The token endpoint refused the grant itself: `invalid_grant`, or a
    /// 400 or 401 without an OAuth error in the body (an empty or HTML
    /// answer, as some providers give for a replayed refresh token). Such a
    /// refresh token will never work again.
    pub fn is_invalid_grant(&self) -> bool {
        match self {
            Error::TokenEndpoint {
                error: Some(code), ..
            } => code == "invalid_grant",
            Error::TokenEndpoint {
                status: 400 | 401,
                error: None,
                ..
            } => true,
            _ => false,
        }
    }
}

/// `" invalid_grant: description"`, `": snippet"` or nothing.
fn token_error_text(error: Option<&str>, description: Option<&str>) -> String {
    match (error, description) {
        (Some(e), Some(d)) => format!(" {e}: {d}"),
        (Some(e), None) => format!(" {e}"),
        (None, Some(d)) => format!(": {d}"),
        (None, None) => String::new(),
    }
}

/// Run the browser login: bind the loopback listener, call `open_url` with the
/// authorization URL, wait for the callback, exchange the code, check the ID token.
///
/// `open_url` should print the URL (on stderr) and try to launch a browser.
/// If it returns `Err`, the login keeps waiting: the user can open the printed
/// URL by hand. The wait ends after `req.timeout`.
pub fn browser_login(
    http: &dyn HttpClient,
    req: &LoginRequest<'_>,
    open_url: &mut dyn FnMut(&str) -> Result<(), String>,
    now: OffsetDateTime,
) -> Result<LoginResult, Error> {
    let pkce = Pkce::generate()?;
    let state = pkce::random_token(STATE_BYTES)?;
    let nonce = pkce::random_token(STATE_BYTES)?;
    // Bind before the browser opens, so the callback cannot race the listener.
    let listener = Loopback::bind(req.loopback_port)?;
    let redirect_uri = listener.redirect_uri();
    log::debug!("login: redirect_uri {redirect_uri}");
    let url = authorize::authorization_url(&AuthorizationParams {
        endpoint: &req.metadata.authorization_endpoint,
        client_id: &req.client.client_id,
        redirect_uri: &redirect_uri,
        scopes: req.scopes,
        state: &state,
        nonce: &nonce,
        code_challenge: pkce.challenge(),
        additional_query: req.additional_query,
    })?;
    // A failed launch is not fatal: the caller has printed the URL.
    // The URL itself carries state, nonce and the PKCE challenge: never logged.
    log::debug!(
        "login: opening the authorization endpoint {} for client {} (configured scopes {:?})",
        req.metadata.authorization_endpoint,
        req.client.client_id,
        req.scopes
    );
    let _ = open_url(&url);
    let pages = Pages {
        success_redirect: req.successful_redirect_url,
        failure_redirect: req.failure_redirect_url,
    };
    log::debug!(
        "login: waiting up to {}s for the callback",
        req.timeout.as_secs()
    );
    let issuer = loopback::IssuerCheck {
        expected: &req.metadata.issuer,
        required: req.metadata.iss_parameter_supported,
    };
    let code = listener.wait(&state, issuer, req.timeout, &pages)?;
    log::debug!("login: callback accepted; redeeming the authorization code");
    let tokens = token::authorization_code(
        http,
        &req.metadata.token_endpoint,
        req.client,
        &code,
        pkce.verifier(),
        &redirect_uri,
    )?;
    let id_token = tokens.id_token.as_ref().ok_or_else(|| Error::IdToken {
        reason: format!(
            "the token endpoint {} returned no id_token; make sure the client may use the openid scope",
            req.metadata.token_endpoint
        ),
    })?;
    let claims = id_token::validate(
        id_token,
        Some(&nonce),
        &req.client.client_id,
        &req.metadata.issuer,
        now,
    )?;
    log::debug!("login: ID token accepted (issuer {})", claims.iss);
    Ok(LoginResult { tokens, claims })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::fake::{FakeHttp, response};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::{Arc, Mutex};

    fn query_value(url: &str, key: &str) -> String {
        let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }

    /// A browser that follows the authorization URL straight back to the
    /// loopback listener, as a provider would after a successful login.
    fn fake_browser(url: &str, issuer: &str) {
        let redirect_uri = query_value(url, "redirect_uri");
        let port = redirect_uri.rsplit(':').next().unwrap().to_string();
        let target = format!(
            "/?code=the-code&state={}&iss={}",
            query_value(url, "state"),
            form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>()
        );
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
        });
    }

    #[test]
    fn error_messages_name_the_thing_and_the_next_step() {
        let cases = [
            (
                Error::CallbackTimeout {
                    redirect_uri: "http://127.0.0.1:5000".into(),
                    waited: Duration::from_secs(300),
                },
                "no login callback arrived on http://127.0.0.1:5000 within 300s; finish the login in the \
                 browser sooner, or raise login_timeout_seconds",
            ),
            (
                Error::IssuerMismatch {
                    expected: "https://a".into(),
                    got: "https://b".into(),
                },
                "the authorization response came from issuer \"https://b\", expected \"https://a\"; refusing \
                 it (RFC 9207 mix-up protection); check oidc_provider_metadata_url",
            ),
            (
                Error::AuthorizationDenied {
                    error: "access_denied".into(),
                    description: Some("no".into()),
                },
                "the provider refused the login: access_denied: no",
            ),
            (
                Error::TokenEndpoint {
                    url: "https://i/t".into(),
                    status: 401,
                    error: Some("invalid_client".into()),
                    description: None,
                },
                "token endpoint https://i/t returned 401 invalid_client",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }

    #[test]
    fn invalid_grant_includes_bare_400_and_401() {
        let refused = |status, error: Option<&str>| Error::TokenEndpoint {
            url: "https://i/t".into(),
            status,
            error: error.map(str::to_string),
            description: None,
        };
        assert!(refused(400, Some("invalid_grant")).is_invalid_grant());
        assert!(refused(400, None).is_invalid_grant());
        assert!(refused(401, None).is_invalid_grant());
        assert!(!refused(401, Some("invalid_client")).is_invalid_grant());
        assert!(!refused(500, None).is_invalid_grant());
        assert!(!refused(403, None).is_invalid_grant());
    }

    #[test]
    fn browser_login_runs_the_whole_code_flow() {
        let metadata = Metadata {
            issuer: "https://idp.example".into(),
            authorization_endpoint: "https://idp.example/auth".into(),
            token_endpoint: "https://idp.example/token".into(),
            device_authorization_endpoint: None,
            iss_parameter_supported: false,
        };
        let client = ClientCredentials {
            client_id: "cli".into(),
            client_secret: None,
            auth_method: ClientAuthMethod::ClientSecretPost,
        };
        let scopes = vec!["email".to_string()];
        let req = LoginRequest {
            metadata: &metadata,
            client: &client,
            scopes: &scopes,
            additional_query: Some("prompt=login"),
            loopback_port: 0,
            timeout: Duration::from_secs(10),
            successful_redirect_url: None,
            failure_redirect_url: None,
        };
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let opened = Arc::new(Mutex::new(String::new()));
        let seen = opened.clone();
        let http = FakeHttp::with(move |_req| {
            let nonce = query_value(&seen.lock().unwrap(), "nonce");
            let claims = serde_json::json!({
                "iss": "https://idp.example", "sub": "u1", "aud": "cli", "exp": 1_700_000_300,
                "nonce": nonce, "preferred_username": "alice"
            });
            let jwt = format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()));
            let body =
                serde_json::json!({"access_token": "at", "id_token": jwt, "refresh_token": "rt"});
            response(200, Some("application/json"), &body.to_string())
        });
        let mut open_url = |url: &str| {
            *opened.lock().unwrap() = url.to_string();
            fake_browser(url, "https://idp.example");
            Err("no browser here".to_string())
        };
        let result = browser_login(&http, &req, &mut open_url, now).unwrap();
        assert_eq!(result.claims.sub, "u1");
        assert_eq!(
            result.claims.role_session_name(None).as_deref(),
            Some("alice")
        );
        assert_eq!(result.tokens.refresh_token.unwrap().expose(), "rt");

        let url = opened.lock().unwrap().clone();
        assert!(
            url.starts_with("https://idp.example/auth?response_type=code&client_id=cli&"),
            "{url}"
        );
        assert_eq!(query_value(&url, "scope"), "openid email");
        assert_eq!(query_value(&url, "prompt"), "login");
        let form = http.form(0);
        let field = |k: &str| {
            form.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(field("code"), "the-code");
        assert_eq!(field("redirect_uri"), query_value(&url, "redirect_uri"));
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
        assert_eq!(challenge, query_value(&url, "code_challenge"));
    }
}
