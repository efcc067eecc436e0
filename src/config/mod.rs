//! The Go-compatible provider configuration, `config.yaml` in the config
//! directory (`--config-dir`, else `$AWS_CLI_OIDC_CONFIG`, else
//! `~/.aws-cli-oidc`). One top-level key per provider.
//!
//! CONTRACT (kept by the implementation): the names below are used by the
//! rest of the crate.

use std::path::{Path, PathBuf};

use crate::secret::Secret;

/// How AWS trusts the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FederationType {
    /// ID token to `AssumeRoleWithWebIdentity`.
    Oidc,
    /// RFC 8693 token exchange to a SAML assertion, then `AssumeRoleWithSAML`.
    Saml2,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthMethod {
    /// `client_id`/`client_secret` in the form body (the Go tool's way).
    #[default]
    ClientSecretPost,
    /// HTTP Basic.
    ClientSecretBasic,
}

/// One provider's settings, typed. Empty strings in the file are `None`.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The provider's name (the top-level key).
    pub name: String,
    /// `oidc_provider_metadata_url`.
    pub metadata_url: String,
    /// `oidc_authentication_request_additional_query`, raw query text.
    pub additional_query: Option<String>,
    /// `successful_redirect_url`.
    pub successful_redirect_url: Option<String>,
    /// `failure_redirect_url`.
    pub failure_redirect_url: Option<String>,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: Option<Secret<String>>,
    /// `client_auth_method`: `client_secret_post` (default) or `client_secret_basic`.
    pub client_auth_method: ClientAuthMethod,
    /// `client_auth_cert` (PEM path) for mTLS.
    pub client_auth_cert: Option<PathBuf>,
    /// `client_auth_key` (PEM path) for mTLS.
    pub client_auth_key: Option<PathBuf>,
    /// `client_auth_ca` (PEM path), extra roots for the provider.
    pub client_auth_ca: Option<PathBuf>,
    /// `ca_bundle` (PEM path), extra roots for every request.
    pub ca_bundle: Option<PathBuf>,
    /// `insecure_skip_verify`; missing or empty means false.
    pub insecure_skip_verify: bool,
    /// `aws_federation_type`.
    pub federation_type: FederationType,
    /// `max_session_duration_seconds`.
    pub max_session_duration_seconds: Option<u32>,
    /// `default_iam_role_arn`.
    pub default_iam_role_arn: Option<String>,
    /// `aws_federation_role_session_name`.
    pub role_session_name: Option<String>,
    /// `role_session_name_claim`.
    pub role_session_name_claim: Option<String>,
    /// `oidc_provider_token_exchange_subject_token_type` (full URN).
    pub token_exchange_subject_token_type: Option<String>,
    /// `oidc_provider_token_exchange_audience`.
    pub token_exchange_audience: Option<String>,
    /// `aws_region`.
    pub aws_region: Option<String>,
    /// `scopes`: extra scopes beside `openid`.
    pub scopes: Vec<String>,
    /// `loopback_port`: 0 = random.
    pub loopback_port: u16,
    /// `login_timeout_seconds`, default 300.
    pub login_timeout_seconds: u64,
}

/// A loaded `config.yaml`.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Where it was read from.
    pub path: PathBuf,
}

/// Errors of the config layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until implemented.
    #[error("provider {profile:?} is not configured in {}", path.display())]
    ProviderNotFound {
        /// The name asked for.
        profile: String,
        /// The config file.
        path: PathBuf,
    },
}

/// The config directory: `flag`, else `env_dir` (`$AWS_CLI_OIDC_CONFIG`), else `home/.aws-cli-oidc`.
pub fn config_dir(
    flag: Option<&Path>,
    env_dir: Option<&Path>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    let _ = (flag, env_dir, home);
    unimplemented!()
}

impl ConfigFile {
    /// Read and parse `dir/config.yaml`.
    pub fn load(dir: &Path) -> Result<ConfigFile, Error> {
        let _ = dir;
        unimplemented!()
    }

    /// The provider called `name`.
    pub fn provider(&self, name: &str) -> Result<ProviderConfig, Error> {
        let _ = name;
        unimplemented!()
    }
}
