//! The Go-compatible provider configuration, `config.yaml` in the config
//! directory (`--config-dir`, else `$AWS_CLI_OIDC_CONFIG`, else
//! `~/.aws-cli-oidc`). One top-level key per provider.
//!
//! This module owns finding, parsing, validating and rewriting that file. It
//! reads every file the Go tool (viper) wrote: viper stores each value as a
//! YAML string (`"3600"`, `"false"`, `""`) and lowercases keys and provider
//! names, while people editing by hand write native YAML ints and bools. Both
//! are accepted, and an empty string always means "unset". Network checks of
//! the URLs (https only, loopback exception) are left to [`crate::http`].
//!
//! [`ConfigFile`] keeps the whole document as a `serde_yaml_ng` mapping, so
//! [`ConfigFile::set_provider`] and [`ConfigFile::save`] keep other providers
//! and keys this version does not know. Comments and the original quoting are
//! not kept: like the Go tool, saving re-renders the whole file.

mod file;
mod provider;

use std::path::{Path, PathBuf};

use crate::secret::Secret;

pub use file::ConfigFile;

/// The file name inside the config directory.
pub const CONFIG_FILE_NAME: &str = "config.yaml";

/// The keys a provider may have. The first block is the Go tool's, the second
/// is new in this tool.
pub mod keys {
    /// The provider's `.well-known/openid-configuration` URL (required).
    pub const METADATA_URL: &str = "oidc_provider_metadata_url";
    /// Extra query text for the authorization request.
    pub const ADDITIONAL_QUERY: &str = "oidc_authentication_request_additional_query";
    /// Where the browser goes after a successful login.
    pub const SUCCESSFUL_REDIRECT_URL: &str = "successful_redirect_url";
    /// Where the browser goes after a failed login.
    pub const FAILURE_REDIRECT_URL: &str = "failure_redirect_url";
    /// The OAuth client id (required).
    pub const CLIENT_ID: &str = "client_id";
    /// The OAuth client secret.
    pub const CLIENT_SECRET: &str = "client_secret";
    /// PEM certificate for mTLS to the provider.
    pub const CLIENT_AUTH_CERT: &str = "client_auth_cert";
    /// PEM private key for mTLS to the provider.
    pub const CLIENT_AUTH_KEY: &str = "client_auth_key";
    /// PEM CA certificates for the provider.
    pub const CLIENT_AUTH_CA: &str = "client_auth_ca";
    /// Skip TLS verification (`true`/`false`).
    pub const INSECURE_SKIP_VERIFY: &str = "insecure_skip_verify";
    /// `oidc` or `saml2` (required).
    pub const FEDERATION_TYPE: &str = "aws_federation_type";
    /// Session length asked of STS, 900..=43200.
    pub const MAX_SESSION_DURATION_SECONDS: &str = "max_session_duration_seconds";
    /// The role used when several are possible.
    pub const DEFAULT_IAM_ROLE_ARN: &str = "default_iam_role_arn";
    /// `RoleSessionName` for `AssumeRoleWithWebIdentity`.
    pub const ROLE_SESSION_NAME: &str = "aws_federation_role_session_name";
    /// RFC 8693 `subject_token_type` for the SAML exchange.
    pub const TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE: &str =
        "oidc_provider_token_exchange_subject_token_type";
    /// RFC 8693 `audience` for the SAML exchange.
    pub const TOKEN_EXCHANGE_AUDIENCE: &str = "oidc_provider_token_exchange_audience";

    /// Region of the STS endpoint.
    pub const AWS_REGION: &str = "aws_region";
    /// Extra scopes beside `openid`.
    pub const SCOPES: &str = "scopes";
    /// Fixed port of the loopback redirect, 0 = random.
    pub const LOOPBACK_PORT: &str = "loopback_port";
    /// How long to wait for the browser login.
    pub const LOGIN_TIMEOUT_SECONDS: &str = "login_timeout_seconds";
    /// ID-token claim used as the role session name.
    pub const ROLE_SESSION_NAME_CLAIM: &str = "role_session_name_claim";
    /// `client_secret_post` or `client_secret_basic`.
    pub const CLIENT_AUTH_METHOD: &str = "client_auth_method";
    /// PEM CA bundle for every request.
    pub const CA_BUNDLE: &str = "ca_bundle";
    /// Where refresh tokens are kept: `auto`, `keyring` or `file`.
    pub const SECRET_STORE: &str = "secret_store";
    /// How long before expiry credentials are renewed.
    pub const REFRESH_MARGIN_MINUTES: &str = "refresh_margin_minutes";
    /// More role ARNs of an `oidc` provider, listed by `roles`.
    pub const ROLES: &str = "roles";
    /// Account id to a display name, for `roles`, the role picker and `{alias}`.
    pub const ACCOUNT_ALIASES: &str = "account_aliases";
}

/// RFC 8693 token type of an OAuth access token.
pub const TOKEN_TYPE_ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
/// RFC 8693 token type of an OpenID Connect ID token.
pub const TOKEN_TYPE_ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";

/// Default of `login_timeout_seconds`.
pub const DEFAULT_LOGIN_TIMEOUT_SECONDS: u64 = 300;

/// How AWS trusts the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FederationType {
    /// ID token to `AssumeRoleWithWebIdentity`.
    Oidc,
    /// RFC 8693 token exchange to a SAML assertion, then `AssumeRoleWithSAML`.
    Saml2,
}

impl FederationType {
    /// The spelling in the file: `oidc` or `saml2`.
    pub fn as_str(self) -> &'static str {
        match self {
            FederationType::Oidc => "oidc",
            FederationType::Saml2 => "saml2",
        }
    }
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

impl ClientAuthMethod {
    /// The spelling in the file: `client_secret_post` or `client_secret_basic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
        }
    }
}

/// One provider's settings, typed. Empty strings in the file are `None`.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The provider's name (the top-level key), as spelled in the file.
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
    /// `max_session_duration_seconds`, within 900..=43200.
    pub max_session_duration_seconds: Option<u32>,
    /// `default_iam_role_arn`.
    pub default_iam_role_arn: Option<String>,
    /// `aws_federation_role_session_name`.
    pub role_session_name: Option<String>,
    /// `role_session_name_claim`.
    pub role_session_name_claim: Option<String>,
    /// `oidc_provider_token_exchange_subject_token_type` (full URN). For
    /// `saml2` it defaults to [`TOKEN_TYPE_ACCESS_TOKEN`].
    pub token_exchange_subject_token_type: Option<String>,
    /// `oidc_provider_token_exchange_audience`.
    pub token_exchange_audience: Option<String>,
    /// `aws_region`.
    pub aws_region: Option<String>,
    /// `scopes`: extra scopes beside `openid` (never contains `openid`, no duplicates).
    pub scopes: Vec<String>,
    /// `loopback_port`: 0 = random.
    pub loopback_port: u16,
    /// `login_timeout_seconds`, default 300, within 1..=86400.
    pub login_timeout_seconds: u64,
    /// `secret_store`: `auto`, `keyring` or `file` (lowercased); `None` when unset.
    pub secret_store: Option<String>,
    /// `refresh_margin_minutes`, within 0..=720; `None` when unset.
    pub refresh_margin_minutes: Option<u32>,
    /// `roles`: role ARNs beside `default_iam_role_arn` (validated ARNs).
    pub roles: Vec<String>,
    /// `account_aliases`: 12-digit account id to its display name.
    pub account_aliases: std::collections::BTreeMap<String, String>,
}

impl ProviderConfig {
    /// A provider with the required settings and every other one at its
    /// default, as if the file had only these keys. For tests and callers
    /// that build settings in code; adding a field here does not break them.
    pub fn new(
        name: &str,
        metadata_url: &str,
        client_id: &str,
        federation_type: FederationType,
    ) -> ProviderConfig {
        ProviderConfig {
            name: name.to_string(),
            metadata_url: metadata_url.to_string(),
            additional_query: None,
            successful_redirect_url: None,
            failure_redirect_url: None,
            client_id: client_id.to_string(),
            client_secret: None,
            client_auth_method: ClientAuthMethod::default(),
            client_auth_cert: None,
            client_auth_key: None,
            client_auth_ca: None,
            ca_bundle: None,
            insecure_skip_verify: false,
            federation_type,
            max_session_duration_seconds: None,
            default_iam_role_arn: None,
            role_session_name: None,
            role_session_name_claim: None,
            token_exchange_subject_token_type: match federation_type {
                FederationType::Saml2 => Some(TOKEN_TYPE_ACCESS_TOKEN.to_string()),
                FederationType::Oidc => None,
            },
            token_exchange_audience: None,
            aws_region: None,
            scopes: Vec::new(),
            loopback_port: 0,
            login_timeout_seconds: DEFAULT_LOGIN_TIMEOUT_SECONDS,
            secret_store: None,
            refresh_margin_minutes: None,
            roles: Vec::new(),
            account_aliases: std::collections::BTreeMap::new(),
        }
    }
}

/// Errors of the config layer. Each names the file, and the provider and key
/// where there is one, and says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `config.yaml` does not exist.
    #[error("config file {} does not exist; create it with: aws-cli-oidc setup NAME", path.display())]
    NotFound {
        /// The config file.
        path: PathBuf,
    },
    /// Reading or writing `config.yaml` (or creating its directory) failed,
    /// or it is not a regular file of sane size.
    #[error("config file: {0}")]
    File(#[from] crate::safe_file::Error),
    /// `config.yaml` is not UTF-8.
    #[error("config file {} is not valid UTF-8; fix or remove it, then retry", path.display())]
    NotUtf8 {
        /// The config file.
        path: PathBuf,
    },
    /// The file is not valid YAML.
    #[error("{}: not valid YAML; fix the file there", location(path, *line, *column))]
    Syntax {
        /// The config file.
        path: PathBuf,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// The parser's error (one line).
        #[source]
        source: serde_yaml_ng::Error,
    },
    /// The top level is not a map of provider names.
    #[error(
        "{}: expected a map of provider names to settings at the top level, found {found}; \
         fix the file or move it away and run: aws-cli-oidc setup NAME",
        path.display()
    )]
    NotAMapOfProviders {
        /// The config file.
        path: PathBuf,
        /// What was found instead (e.g. "a list").
        found: &'static str,
    },
    /// A provider's entry is not a map of settings.
    #[error(
        "{}: provider {provider:?} is {found}, not a map of settings; \
         write its keys indented below it or run: aws-cli-oidc setup {provider}",
        path.display()
    )]
    ProviderNotAMap {
        /// The config file.
        path: PathBuf,
        /// The provider.
        provider: String,
        /// What was found instead.
        found: &'static str,
    },
    /// No provider of that name.
    #[error(
        "provider {profile:?} is not configured in {} ({}); add it with: aws-cli-oidc setup {profile}",
        path.display(),
        configured_list(configured)
    )]
    ProviderNotFound {
        /// The name asked for.
        profile: String,
        /// The config file.
        path: PathBuf,
        /// The providers the file has.
        configured: Vec<String>,
    },
    /// Several providers differ from the name only in case.
    #[error(
        "provider {profile:?} matches several providers in {} that differ only in case ({}); use the exact name",
        path.display(),
        configured_list(matches)
    )]
    AmbiguousProvider {
        /// The name asked for.
        profile: String,
        /// The config file.
        path: PathBuf,
        /// The candidates.
        matches: Vec<String>,
    },
    /// A required key is missing or empty.
    #[error(
        "{}: provider {provider:?} has no {key}; set it with: aws-cli-oidc setup {provider}",
        path.display()
    )]
    MissingKey {
        /// The config file.
        path: PathBuf,
        /// The provider.
        provider: String,
        /// The key.
        key: &'static str,
    },
    /// A key has a value that cannot be used.
    #[error("{}: provider {provider:?}, {key}: {reason}", path.display())]
    InvalidValue {
        /// The config file.
        path: PathBuf,
        /// The provider.
        provider: String,
        /// The key.
        key: &'static str,
        /// What is wrong and what to write instead. Never holds a secret.
        reason: String,
    },
    /// The document could not be rendered back to YAML.
    #[error("cannot render config file {}", path.display())]
    Render {
        /// The config file.
        path: PathBuf,
        /// The serializer's error.
        #[source]
        source: serde_yaml_ng::Error,
    },
}

fn location(path: &Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", path.display()),
        (Some(l), None) => format!("{}:{l}", path.display()),
        _ => path.display().to_string(),
    }
}

fn configured_list(names: &[String]) -> String {
    if names.is_empty() {
        "no providers are configured yet".to_string()
    } else {
        let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        format!("configured: {}", quoted.join(", "))
    }
}

/// The config directory: `flag`, else `env_dir` (`$AWS_CLI_OIDC_CONFIG`), else
/// `home/.aws-cli-oidc`. Empty values count as unset, as in the Go tool, so
/// `AWS_CLI_OIDC_CONFIG=` falls back to the home directory. `None` only when
/// all three are missing.
pub fn config_dir(
    flag: Option<&Path>,
    env_dir: Option<&Path>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    fn set(p: Option<&Path>) -> Option<&Path> {
        p.filter(|p| !p.as_os_str().is_empty())
    }
    if let Some(dir) = set(flag).or(set(env_dir)) {
        return Some(dir.to_path_buf());
    }
    set(home).map(|h| h.join(".aws-cli-oidc"))
}

/// `dir/config.yaml`.
pub fn config_path(dir: &Path) -> PathBuf {
    dir.join(CONFIG_FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_dir_prefers_flag_then_env_then_home() {
        let (f, e, h) = (Path::new("/flag"), Path::new("/env"), Path::new("/home/u"));
        assert_eq!(
            config_dir(Some(f), Some(e), Some(h)),
            Some(PathBuf::from("/flag"))
        );
        assert_eq!(
            config_dir(None, Some(e), Some(h)),
            Some(PathBuf::from("/env"))
        );
        assert_eq!(
            config_dir(None, None, Some(h)),
            Some(PathBuf::from("/home/u/.aws-cli-oidc"))
        );
        assert_eq!(config_dir(None, None, None), None);
    }

    #[test]
    fn config_dir_treats_empty_values_as_unset() {
        let empty = Path::new("");
        let h = Path::new("/home/u");
        assert_eq!(
            config_dir(Some(empty), Some(empty), Some(h)),
            Some(PathBuf::from("/home/u/.aws-cli-oidc"))
        );
        assert_eq!(
            config_dir(Some(empty), Some(Path::new("/env")), Some(h)),
            Some(PathBuf::from("/env"))
        );
        assert_eq!(config_dir(None, None, Some(empty)), None);
    }

    #[test]
    fn new_matches_a_file_with_only_the_required_keys() {
        let text = "p:\n  oidc_provider_metadata_url: https://idp/x\n  client_id: c\n  aws_federation_type: saml2\n";
        let parsed = ConfigFile::parse(text, Path::new("/c/config.yaml"))
            .unwrap()
            .provider("p")
            .unwrap();
        let built = ProviderConfig::new("p", "https://idp/x", "c", FederationType::Saml2);
        // No PartialEq (the secret); Debug shows every field and redacts secrets.
        assert_eq!(format!("{built:?}"), format!("{parsed:?}"));
    }

    #[test]
    fn config_path_appends_config_yaml() {
        assert_eq!(
            config_path(Path::new("/d")),
            PathBuf::from("/d/config.yaml")
        );
    }

    #[test]
    fn provider_not_found_lists_configured_and_says_how_to_add() {
        let e = Error::ProviderNotFound {
            profile: "dev".into(),
            path: PathBuf::from("/c/config.yaml"),
            configured: vec!["myop".into(), "other".into()],
        };
        assert_eq!(
            e.to_string(),
            "provider \"dev\" is not configured in /c/config.yaml (configured: \"myop\", \"other\"); \
             add it with: aws-cli-oidc setup dev"
        );
        let none = Error::ProviderNotFound {
            profile: "dev".into(),
            path: PathBuf::from("/c/config.yaml"),
            configured: vec![],
        };
        assert!(
            none.to_string().contains("no providers are configured yet"),
            "{none}"
        );
    }
}
