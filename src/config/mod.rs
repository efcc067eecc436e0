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
//! [`ConfigFile::load_provider`], the `credential_process` hot path, reads
//! files of the everyday shape without the YAML parser (`plain`).
//!
//! Each key's type, range, default and documentation live in one table,
//! [`keys::KEYS`]; the reader here and `setup` both check values with it.

mod file;
mod plain;
mod provider;

use std::path::{Path, PathBuf};

use crate::secret::Secret;

pub use file::ConfigFile;

/// The file name inside the config directory.
pub const CONFIG_FILE_NAME: &str = "config.yaml";

pub mod keys;

/// The shortest session STS grants, in seconds.
pub const MIN_SESSION_SECONDS: u32 = 900;
/// The longest session STS grants, in seconds (and only when the role allows it).
pub const MAX_SESSION_SECONDS: u32 = 43_200;

/// RFC 8693 token type of an OAuth access token.
pub const TOKEN_TYPE_ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
/// RFC 8693 token type of an OpenID Connect ID token.
pub const TOKEN_TYPE_ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";

/// Default of `login_timeout_seconds`.
pub const DEFAULT_LOGIN_TIMEOUT_SECONDS: u64 = 300;

/// An enum of the words a key accepts: `as_str`, `label` (for the wizard),
/// `NAMES` (for the key table) and a case-insensitive `parse`.
macro_rules! choices {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $text:literal : $label:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vm])* $var,)+ }

        impl $name {
            /// Every value, in the order offered.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The spellings in the file, in the order offered.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The spelling in the file.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }

            /// A one-line explanation for the setup wizard.
            pub fn label(self) -> &'static str {
                match self { $($name::$var => $label),+ }
            }

            /// The value spelled `s`, ignoring case and surrounding blanks.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

choices! {
    /// How AWS trusts the login (`aws_federation_type`).
    FederationType {
        /// ID token to `AssumeRoleWithWebIdentity`.
        Oidc = "oidc": "oidc: AssumeRoleWithWebIdentity with the ID token",
        /// RFC 8693 token exchange to a SAML assertion, then `AssumeRoleWithSAML`.
        Saml2 = "saml2": "saml2: token exchange to a SAML assertion, then AssumeRoleWithSAML",
    }
}

choices! {
    /// How the client authenticates at the token endpoint (`client_auth_method`).
    #[derive(Default)]
    ClientAuthMethod {
        /// `client_id`/`client_secret` in the form body (the Go tool's way).
        #[default]
        ClientSecretPost = "client_secret_post": "client_secret_post (in the form body)",
        /// HTTP Basic.
        ClientSecretBasic = "client_secret_basic": "client_secret_basic (HTTP Basic)",
    }
}

choices! {
    /// Where refresh tokens and cached credentials are kept (`secret_store`).
    #[derive(Default)]
    StoreChoice {
        /// The keyring if it answers, else files (the default).
        #[default]
        Auto = "auto": "auto (the OS keyring, else a private file)",
        /// The keyring, or an error.
        Keyring = "keyring": "keyring",
        /// Files under `<config dir>/cache`.
        File = "file": "file",
    }
}

choices! {
    /// The RFC 8693 `subject_token_type` of the SAML exchange
    /// (`oidc_provider_token_exchange_subject_token_type`). The file holds
    /// the URN; the short names are accepted too.
    SubjectTokenType {
        /// The OAuth access token (the default).
        AccessToken = "access_token": "access_token",
        /// The OpenID Connect ID token.
        IdToken = "id_token": "id_token",
    }
}

impl SubjectTokenType {
    /// The RFC 8693 URN, as written to the file and sent.
    pub fn urn(self) -> &'static str {
        match self {
            SubjectTokenType::AccessToken => TOKEN_TYPE_ACCESS_TOKEN,
            SubjectTokenType::IdToken => TOKEN_TYPE_ID_TOKEN,
        }
    }

    /// From a short name or a URN.
    pub fn from_name_or_urn(s: &str) -> Option<SubjectTokenType> {
        let s = s.trim();
        SubjectTokenType::parse(s)
            .or_else(|| SubjectTokenType::ALL.iter().copied().find(|t| t.urn() == s))
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
    /// `max_session_duration_seconds`, within
    /// [`MIN_SESSION_SECONDS`]..=[`MAX_SESSION_SECONDS`].
    pub max_session_duration_seconds: Option<u32>,
    /// `default_iam_role_arn`.
    pub default_iam_role_arn: Option<String>,
    /// `aws_federation_role_session_name`.
    pub role_session_name: Option<String>,
    /// `role_session_name_claim`.
    pub role_session_name_claim: Option<String>,
    /// `oidc_provider_token_exchange_subject_token_type`. For `saml2` it
    /// defaults to [`SubjectTokenType::AccessToken`].
    pub token_exchange_subject_token_type: Option<SubjectTokenType>,
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
    /// `secret_store`; `None` when unset (which means [`StoreChoice::Auto`]).
    pub secret_store: Option<StoreChoice>,
    /// `refresh_margin_minutes`, within 0..=720; `None` when unset.
    pub refresh_margin_minutes: Option<u32>,
    /// `roles`: role ARNs offered by the `roles` command (no duplicates).
    pub roles: Vec<String>,
    /// `account_aliases`: 12-digit account id to a name.
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
                FederationType::Saml2 => Some(SubjectTokenType::AccessToken),
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
        "provider {profile:?} is not configured in {}{}",
        path.display(),
        not_found_hint(profile, configured, suggestion.as_deref())
    )]
    ProviderNotFound {
        /// The name asked for.
        profile: String,
        /// The config file.
        path: PathBuf,
        /// The providers the file has.
        configured: Vec<String>,
        /// The configured name closest to `profile`, when it looks like a typo.
        suggestion: Option<String>,
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

fn not_found_hint(name: &str, configured: &[String], suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!(
            "; did you mean {s:?}? ({}; add a new one with: aws-cli-oidc setup {name})",
            configured_list(configured)
        ),
        None => format!(
            " ({}); add it with: aws-cli-oidc setup {name}",
            configured_list(configured)
        ),
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
            suggestion: None,
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
            suggestion: None,
        };
        assert!(
            none.to_string().contains("no providers are configured yet"),
            "{none}"
        );
        let typo = Error::ProviderNotFound {
            profile: "myopp".into(),
            path: PathBuf::from("/c/config.yaml"),
            configured: vec!["myop".into()],
            suggestion: Some("myop".into()),
        };
        assert_eq!(
            typo.to_string(),
            "provider \"myopp\" is not configured in /c/config.yaml; did you mean \"myop\"? \
             (configured: \"myop\"; add a new one with: aws-cli-oidc setup myopp)"
        );
    }
}
