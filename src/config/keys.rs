//! The one table of provider keys: each key's name, type, range or choices,
//! default, one line of documentation, `setup` flag and wizard question.
//!
//! Everything that knows about a key reads it from [`KEYS`]: the YAML reader
//! ([`super::ConfigFile::provider`]) checks stored values with
//! [`Key::check`] in [`Mode::File`]; `setup` builds one flag per key from
//! the table (see [`crate::cli::SetupArgs`]) and checks flag values and
//! wizard answers with [`Mode::Typed`]; the README's key table and the
//! `setup` man page are tested against it.
//!
//! The two modes exist because the Go tool's files must keep loading exactly
//! as before: [`Mode::File`] accepts what viper accepted, while
//! [`Mode::Typed`] is what we ask of a value a person types now (a role ARN
//! that parses, a region that looks like one). Every typed value that passes
//! is written in a form that [`Mode::File`] reads back unchanged.

use super::{
    ClientAuthMethod, FederationType, MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, StoreChoice,
    SubjectTokenType,
};
use crate::sts::arn::RoleArn;

/// The key of the provider's `.well-known/openid-configuration` URL.
pub const METADATA_URL: &str = "oidc_provider_metadata_url";
/// Extra query text for the authorization request.
pub const ADDITIONAL_QUERY: &str = "oidc_authentication_request_additional_query";
/// Where the browser goes after a successful login.
pub const SUCCESSFUL_REDIRECT_URL: &str = "successful_redirect_url";
/// Where the browser goes after a failed login.
pub const FAILURE_REDIRECT_URL: &str = "failure_redirect_url";
/// The OAuth client id.
pub const CLIENT_ID: &str = "client_id";
/// The OAuth client secret.
pub const CLIENT_SECRET: &str = "client_secret";
/// PEM certificate for mTLS to the provider.
pub const CLIENT_AUTH_CERT: &str = "client_auth_cert";
/// PEM private key for mTLS to the provider.
pub const CLIENT_AUTH_KEY: &str = "client_auth_key";
/// PEM CA certificates for the provider.
pub const CLIENT_AUTH_CA: &str = "client_auth_ca";
/// Skip TLS verification.
pub const INSECURE_SKIP_VERIFY: &str = "insecure_skip_verify";
/// `oidc` or `saml2`.
pub const FEDERATION_TYPE: &str = "aws_federation_type";
/// Session length asked of STS.
pub const MAX_SESSION_DURATION_SECONDS: &str = "max_session_duration_seconds";
/// The role used when `-r` is not given.
pub const DEFAULT_IAM_ROLE_ARN: &str = "default_iam_role_arn";
/// `RoleSessionName` for STS.
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
/// Fixed port of the loopback redirect.
pub const LOOPBACK_PORT: &str = "loopback_port";
/// How long to wait for the browser login.
pub const LOGIN_TIMEOUT_SECONDS: &str = "login_timeout_seconds";
/// ID-token claim used as the role session name.
pub const ROLE_SESSION_NAME_CLAIM: &str = "role_session_name_claim";
/// How the client authenticates at the token endpoint.
pub const CLIENT_AUTH_METHOD: &str = "client_auth_method";
/// PEM CA bundle for every request.
pub const CA_BUNDLE: &str = "ca_bundle";
/// Where refresh tokens are kept.
pub const SECRET_STORE: &str = "secret_store";
/// How long before expiry credentials are renewed.
pub const REFRESH_MARGIN_MINUTES: &str = "refresh_margin_minutes";
/// The roles offered for this provider (read by `roles`).
pub const ROLES: &str = "roles";
/// Names for AWS account ids (read by `roles`).
pub const ACCOUNT_ALIASES: &str = "account_aliases";

/// What a key holds, and so how its values are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The discovery URL: https (or http to loopback when typed).
    MetadataUrl,
    /// An http(s) URL for the browser.
    RedirectUrl,
    /// One word without spaces.
    Word,
    /// A secret: never repeated in a message.
    Secret,
    /// Go's `ParseBool` spellings in the file; also yes/no when typed.
    Bool,
    /// A whole number within `min..=max`.
    Number {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// One of these words, compared ignoring case, written lowercased.
    Choice(&'static [&'static str]),
    /// `access_token`, `id_token` or their URNs; written as the URN.
    SubjectTokenType,
    /// An IAM role ARN.
    RoleArn,
    /// An STS `RoleSessionName`.
    SessionName,
    /// An AWS region name.
    Region,
    /// Scope words (a YAML list or a space/comma separated string).
    Scopes,
    /// `key=value&…` URL query text.
    Query,
    /// The path of a PEM file.
    PemFile,
    /// A list of IAM role ARNs.
    RoleArns,
    /// A map of 12-digit account ids to names.
    AccountAliases,
}

impl Kind {
    /// The type and range in a few words, for the README and man pages.
    pub fn describe(self) -> String {
        match self {
            Kind::MetadataUrl | Kind::RedirectUrl => "URL".into(),
            Kind::Word => "word".into(),
            Kind::Secret => "secret".into(),
            Kind::Bool => "true or false".into(),
            Kind::Number { min, max } => format!("{min}..={max}"),
            Kind::Choice(c) => c.join(", "),
            Kind::SubjectTokenType => SubjectTokenType::NAMES.join(", "),
            Kind::RoleArn => "role ARN".into(),
            Kind::SessionName => "2-64 of [A-Za-z0-9+=,.@_-]".into(),
            Kind::Region => "region".into(),
            Kind::Scopes => "list of words".into(),
            Kind::Query => "key=value&…".into(),
            Kind::PemFile => "PEM file path".into(),
            Kind::RoleArns => "list of role ARNs".into(),
            Kind::AccountAliases => "map of account id to name".into(),
        }
    }
}

/// Where a value comes from, which decides how strictly it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Stored in config.yaml: what the Go tool (viper) accepted.
    File,
    /// Typed now by a person (a `setup` flag or wizard answer).
    Typed,
}

/// A `setup` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// The long name without the dashes, e.g. `max-duration`.
    pub long: &'static str,
    /// The value's placeholder in `--help`, e.g. `SECS`.
    pub value_name: &'static str,
}

/// One provider key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key in config.yaml.
    pub name: &'static str,
    /// Type and range or choices.
    pub kind: Kind,
    /// A provider cannot work without it.
    pub required: bool,
    /// The value used when unset, as text; `None` when unset means "none".
    pub default: Option<&'static str>,
    /// One line of documentation.
    pub doc: &'static str,
    /// The `setup` flag that sets it, if any.
    pub flag: Option<Flag>,
    /// The setup wizard's question (empty when the wizard does not ask).
    pub prompt: &'static str,
    /// A key of the Go aws-cli-oidc (else new in this tool).
    pub go: bool,
}

const fn flag(long: &'static str, value_name: &'static str) -> Option<Flag> {
    Some(Flag { long, value_name })
}

/// Every provider key, the Go tool's first.
pub static KEYS: &[Key] = &[
    Key {
        name: METADATA_URL,
        kind: Kind::MetadataUrl,
        required: true,
        default: None,
        doc: "The provider's discovery document (…/.well-known/openid-configuration)",
        flag: flag("metadata-url", "URL"),
        prompt: "OIDC metadata URL (…/.well-known/openid-configuration, or the issuer URL)",
        go: true,
    },
    Key {
        name: ADDITIONAL_QUERY,
        kind: Kind::Query,
        required: false,
        default: None,
        doc: "Extra authorization-request parameters as a URL query (prompt=login&kc_idp_hint=corp)",
        flag: flag("additional-query", "QUERY"),
        prompt: "Extra authorization query, key=value&… (optional)",
        go: true,
    },
    Key {
        name: SUCCESSFUL_REDIRECT_URL,
        kind: Kind::RedirectUrl,
        required: false,
        default: None,
        doc: "Where the browser goes after a successful login, instead of our page",
        flag: flag("successful-redirect-url", "URL"),
        prompt: "Page to show after a successful login (optional)",
        go: true,
    },
    Key {
        name: FAILURE_REDIRECT_URL,
        kind: Kind::RedirectUrl,
        required: false,
        default: None,
        doc: "Where the browser goes after a failed login, instead of our page",
        flag: flag("failure-redirect-url", "URL"),
        prompt: "Page to show after a failed login (optional)",
        go: true,
    },
    Key {
        name: CLIENT_ID,
        kind: Kind::Word,
        required: true,
        default: None,
        doc: "The OAuth client id registered at the provider",
        flag: flag("client-id", "ID"),
        prompt: "Client ID",
        go: true,
    },
    Key {
        name: CLIENT_SECRET,
        kind: Kind::Secret,
        required: false,
        default: None,
        doc: "The OAuth client secret; none for a public client (prefer --client-secret-stdin: flags show up in process lists)",
        flag: flag("client-secret", "SECRET"),
        prompt: "Client secret",
        go: true,
    },
    Key {
        name: CLIENT_AUTH_CERT,
        kind: Kind::PemFile,
        required: false,
        default: None,
        doc: "Client certificate (PEM) for mTLS to the provider",
        flag: flag("client-auth-cert", "FILE"),
        prompt: "mTLS client certificate, PEM path (optional)",
        go: true,
    },
    Key {
        name: CLIENT_AUTH_KEY,
        kind: Kind::PemFile,
        required: false,
        default: None,
        doc: "Client private key (PEM) for mTLS to the provider",
        flag: flag("client-auth-key", "FILE"),
        prompt: "mTLS client key, PEM path (optional)",
        go: true,
    },
    Key {
        name: CLIENT_AUTH_CA,
        kind: Kind::PemFile,
        required: false,
        default: None,
        doc: "CA certificates (PEM) trusted for the provider, beside the system roots",
        flag: flag("client-auth-ca", "FILE"),
        prompt: "CA certificates for the provider, PEM path (optional)",
        go: true,
    },
    Key {
        name: INSECURE_SKIP_VERIFY,
        kind: Kind::Bool,
        required: false,
        default: Some("false"),
        doc: "Skip TLS certificate checks of the provider (warned on every use; prefer ca_bundle)",
        flag: flag("insecure-skip-verify", "BOOL"),
        prompt: "Skip TLS verification (true/false)",
        go: true,
    },
    Key {
        name: FEDERATION_TYPE,
        kind: Kind::Choice(FederationType::NAMES),
        required: true,
        default: None,
        doc: "oidc: the ID token to AssumeRoleWithWebIdentity; saml2: RFC 8693 token exchange, then AssumeRoleWithSAML",
        flag: flag("federation-type", "TYPE"),
        prompt: "AWS federation type",
        go: true,
    },
    Key {
        name: MAX_SESSION_DURATION_SECONDS,
        kind: Kind::Number {
            min: MIN_SESSION_SECONDS as u64,
            max: MAX_SESSION_SECONDS as u64,
        },
        required: false,
        default: Some("3600"),
        doc: "Session duration asked of STS, in seconds (-d overrides it)",
        flag: flag("max-duration", "SECS"),
        prompt: "Session duration in seconds",
        go: true,
    },
    Key {
        name: DEFAULT_IAM_ROLE_ARN,
        kind: Kind::RoleArn,
        required: false,
        default: None,
        doc: "The role assumed when -r is not given",
        flag: flag("default-role", "ROLE_ARN"),
        prompt: "Default IAM role ARN (optional; -r picks one per command)",
        go: true,
    },
    Key {
        name: ROLE_SESSION_NAME,
        kind: Kind::SessionName,
        required: false,
        default: None,
        doc: "A fixed RoleSessionName [default: from the ID token]",
        flag: flag("role-session-name", "NAME"),
        prompt: "Role session name (optional; default: from the ID token)",
        go: true,
    },
    Key {
        name: TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
        kind: Kind::SubjectTokenType,
        required: false,
        default: Some("access_token (saml2)"),
        doc: "saml2: the token exchanged for the SAML assertion",
        flag: flag("token-exchange-subject-token-type", "TYPE"),
        prompt: "Subject token type for the exchange",
        go: true,
    },
    Key {
        name: TOKEN_EXCHANGE_AUDIENCE,
        kind: Kind::Word,
        required: false,
        default: None,
        doc: "saml2: the audience of the token exchange (the SAML client at the provider)",
        flag: flag("token-exchange-audience", "AUDIENCE"),
        prompt: "Token exchange audience (the SAML client at the provider)",
        go: true,
    },
    Key {
        name: AWS_REGION,
        kind: Kind::Region,
        required: false,
        default: None,
        doc: "Region of the STS endpoint, after AWS_REGION and AWS_DEFAULT_REGION",
        flag: flag("region", "REGION"),
        prompt: "AWS region for STS (optional)",
        go: false,
    },
    Key {
        name: SCOPES,
        kind: Kind::Scopes,
        required: false,
        default: None,
        doc: "Scopes asked for beside openid, e.g. offline_access",
        flag: flag("scopes", "SCOPES"),
        prompt: "Scopes beside openid (optional, space-separated, e.g. offline_access)",
        go: false,
    },
    Key {
        name: LOOPBACK_PORT,
        kind: Kind::Number {
            min: 0,
            max: 65_535,
        },
        required: false,
        default: Some("0"),
        doc: "Fixed port of the loopback redirect, for providers that match redirect URIs exactly (0 picks a free one)",
        flag: flag("loopback-port", "PORT"),
        prompt: "Loopback redirect port (optional; default 0 = random)",
        go: false,
    },
    Key {
        name: LOGIN_TIMEOUT_SECONDS,
        kind: Kind::Number {
            min: 1,
            max: 86_400,
        },
        required: false,
        default: Some("300"),
        doc: "How long to wait for the browser login, in seconds",
        flag: flag("login-timeout", "SECS"),
        prompt: "Login timeout in seconds (optional; default 300)",
        go: false,
    },
    Key {
        name: ROLE_SESSION_NAME_CLAIM,
        kind: Kind::Word,
        required: false,
        default: None,
        doc: "The ID-token claim used as RoleSessionName [default: preferred_username, then email, then sub]",
        flag: flag("role-session-name-claim", "CLAIM"),
        prompt: "ID-token claim for the role session name (optional)",
        go: false,
    },
    Key {
        name: CLIENT_AUTH_METHOD,
        kind: Kind::Choice(ClientAuthMethod::NAMES),
        required: false,
        default: Some("client_secret_post"),
        doc: "How the client secret is sent to the token endpoint",
        flag: flag("client-auth-method", "METHOD"),
        prompt: "Client authentication at the token endpoint",
        go: false,
    },
    Key {
        name: CA_BUNDLE,
        kind: Kind::PemFile,
        required: false,
        default: None,
        doc: "CA certificates (PEM) trusted beside the system roots for every request, like AWS_CA_BUNDLE",
        flag: flag("ca-bundle", "FILE"),
        prompt: "CA bundle for every request, PEM path (optional)",
        go: false,
    },
    Key {
        name: SECRET_STORE,
        kind: Kind::Choice(StoreChoice::NAMES),
        required: false,
        default: Some("auto"),
        doc: "Where refresh tokens and cached credentials are kept: auto is the OS keyring when it answers, else 0600 files",
        flag: flag("secret-store", "STORE"),
        prompt: "Where refresh tokens are kept",
        go: false,
    },
    Key {
        name: REFRESH_MARGIN_MINUTES,
        kind: Kind::Number { min: 0, max: 720 },
        required: false,
        default: Some("20"),
        doc: "Renew cached credentials with less than this many minutes left (capped at half the session)",
        flag: flag("refresh-margin", "MINUTES"),
        prompt: "Renew credentials this many minutes before expiry (optional)",
        go: false,
    },
    Key {
        name: ROLES,
        kind: Kind::RoleArns,
        required: false,
        default: None,
        doc: "Role ARNs offered by the roles command for this provider",
        flag: None,
        prompt: "",
        go: false,
    },
    Key {
        name: ACCOUNT_ALIASES,
        kind: Kind::AccountAliases,
        required: false,
        default: None,
        doc: "Names for 12-digit AWS account ids, shown by the roles command",
        flag: None,
        prompt: "",
        go: false,
    },
];

/// The key called `name` (exact spelling).
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// The keys a provider cannot work without.
pub fn required() -> impl Iterator<Item = &'static Key> {
    KEYS.iter().filter(|k| k.required)
}

impl Key {
    /// `--long` for messages; "no flag" when it has none.
    pub fn flag_text(&self) -> String {
        self.flag
            .map_or_else(|| "no flag".to_string(), |f| format!("--{}", f.long))
    }

    /// The `setup --help` line: the key, its doc, range and default (clap
    /// lists the choices itself).
    pub fn help(&self) -> String {
        let mut s = format!("{}: {}", self.name, self.doc);
        if let Kind::Number { .. } = self.kind {
            s.push_str(&format!(" ({})", self.kind.describe()));
        }
        if let Some(d) = self.default {
            s.push_str(&format!(" [default: {d}]"));
        }
        s
    }

    /// Check one value of this key and return it as it is written to (or
    /// read from) the file. An empty or blank value is returned as "" (unset;
    /// whether it may be empty is the caller's business). The error says what
    /// is expected and never repeats a secret.
    ///
    /// In [`Mode::File`] text values come back untrimmed, as the Go tool
    /// used them; in [`Mode::Typed`] they are trimmed.
    pub fn check(&self, raw: &str, mode: Mode) -> Result<String, String> {
        let v = raw.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        let typed = mode == Mode::Typed;
        let as_given = if typed { v } else { raw };
        let found = || format!("found {v:?}");
        match self.kind {
            Kind::MetadataUrl if typed => crate::http::check_url(v)
                .map(|()| v.to_string())
                .map_err(|e| {
                    format!("{e}; expected https://HOST/.well-known/openid-configuration")
                }),
            Kind::MetadataUrl => {
                let lower = v.to_ascii_lowercase();
                if lower.starts_with("https://") || lower.starts_with("http://") {
                    Ok(as_given.to_string())
                } else {
                    Err(format!(
                        "expected an https:// URL such as https://idp.example.com/.well-known/openid-configuration, {}",
                        found()
                    ))
                }
            }
            Kind::RedirectUrl if typed => {
                let lower = v.to_ascii_lowercase();
                let rest = lower
                    .strip_prefix("https://")
                    .or_else(|| lower.strip_prefix("http://"));
                match rest {
                    Some(r)
                        if !r.is_empty()
                            && !r.starts_with('/')
                            && !v.contains(char::is_whitespace) =>
                    {
                        Ok(v.to_string())
                    }
                    _ => Err(format!("expected an http:// or https:// URL, {}", found())),
                }
            }
            Kind::Word if typed && v.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                Err(format!("expected one word without spaces, {}", found()))
            }
            Kind::Secret if typed && v.chars().any(char::is_control) => {
                Err("the client secret holds a control character (a pasted line break?)".into())
            }
            Kind::Bool => {
                let go = ["1", "t", "T", "true", "TRUE", "True"];
                let go_false = ["0", "f", "F", "false", "FALSE", "False"];
                let lower = v.to_ascii_lowercase();
                if go.contains(&v) || (typed && ["true", "t", "yes", "y", "1"].contains(&&*lower)) {
                    Ok("true".into())
                } else if go_false.contains(&v)
                    || (typed && ["false", "f", "no", "n", "0"].contains(&&*lower))
                {
                    Ok("false".into())
                } else {
                    Err(format!("expected true or false, {}", found()))
                }
            }
            Kind::Number { min, max } => match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
                _ => Err(format!(
                    "expected a whole number from {min} to {max}, {}",
                    found()
                )),
            },
            Kind::Choice(allowed) => {
                let lower = v.to_ascii_lowercase();
                if allowed.contains(&lower.as_str()) {
                    Ok(lower)
                } else {
                    Err(format!(
                        "expected one of: {}, {}",
                        allowed.join(", "),
                        found()
                    ))
                }
            }
            Kind::SubjectTokenType => SubjectTokenType::from_name_or_urn(v)
                .map(|t| t.urn().to_string())
                .ok_or_else(|| {
                    format!(
                        "expected one of: {}, {} (or {}), {}",
                        SubjectTokenType::AccessToken.urn(),
                        SubjectTokenType::IdToken.urn(),
                        SubjectTokenType::NAMES.join(", "),
                        found()
                    )
                }),
            // The reason already quotes the faulty part; repeating the whole
            // ARN would wrap the wizard's one-line error.
            Kind::RoleArn if typed => role_arn(v),
            Kind::SessionName if typed => {
                let ok_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
                if (2..=64).contains(&v.len()) && v.chars().all(ok_char) {
                    Ok(v.to_string())
                } else {
                    Err(format!(
                        "expected 2 to 64 letters, digits or +=,.@_- (the STS RoleSessionName rule), {}",
                        found()
                    ))
                }
            }
            Kind::Region if typed && !crate::sts::is_region(v) => {
                Err(format!("expected a region such as us-east-1, {}", found()))
            }
            Kind::Scopes => scopes(v, typed),
            Kind::Query if typed => query(v),
            Kind::PemFile if typed && v.starts_with('~') => Err(format!(
                "{v:?}: ~ is not expanded in config.yaml; write the full path"
            )),
            Kind::RoleArns => {
                let mut out: Vec<&str> = Vec::new();
                for word in v.split(|c: char| c.is_whitespace() || c == ',') {
                    if !word.is_empty() && !out.contains(&word) {
                        role_arn(word)?;
                        out.push(word);
                    }
                }
                Ok(out.join(" "))
            }
            _ => Ok(as_given.to_string()),
        }
    }
}

/// Check `value` typed now for the key `name` (trimmed as is when the table
/// has no such key).
pub fn check_typed(name: &str, value: &str) -> Result<String, String> {
    key(name).map_or_else(
        || Ok(value.trim().to_string()),
        |k| k.check(value, Mode::Typed),
    )
}

/// A PEM path given now must name a readable file (checked apart from
/// [`Key::check`], which stays free of file-system reads).
pub fn check_pem_exists(v: &str) -> Result<(), String> {
    if std::path::Path::new(v).is_file() {
        Ok(())
    } else {
        Err(format!(
            "{v:?} is not a readable file; expected the path of a PEM file"
        ))
    }
}

/// `v` if it is a role ARN, else what is wrong and an example.
pub fn role_arn(v: &str) -> Result<String, String> {
    RoleArn::parse(v)
        .map(|_| v.to_string())
        .map_err(|e| format!("not a role ARN: {}; expected {}", e.reason, e.example))
}

/// An AWS account id: 12 digits.
pub fn is_account_id(v: &str) -> bool {
    v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
}

/// Space or comma separated scope tokens (RFC 6749 §3.3), without `openid`
/// (always sent) and duplicates, written space separated. Typed scopes must
/// also be tokens a scope can hold.
fn scopes(v: &str, typed: bool) -> Result<String, String> {
    let mut out: Vec<&str> = Vec::new();
    for word in v.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() || word == "openid" || out.contains(&word) {
            continue;
        }
        if typed
            && !word
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
        {
            return Err(format!(
                "scope {word:?} has a character a scope cannot hold; expected words such as offline_access"
            ));
        }
        out.push(word);
    }
    Ok(out.join(" "))
}

/// `key=value&key=value` appended to the authorization request.
fn query(v: &str) -> Result<String, String> {
    let q = v.strip_prefix('?').unwrap_or(v);
    if q.contains(char::is_whitespace) {
        return Err(format!(
            "expected URL-encoded key=value pairs joined by & (spaces as %20), found {v:?}"
        ));
    }
    for pair in q.split('&') {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if key.is_empty() {
            return Err(format!(
                "expected key=value pairs joined by &, found an empty key in {v:?}"
            ));
        }
    }
    Ok(q.to_string())
}

/// The key table as man-page/`--help` text: one paragraph per key.
pub fn reference() -> String {
    let mut s = String::from(
        "Keys of a provider in config.yaml (empty values mean unset; the setup flag is in brackets):\n",
    );
    for k in KEYS {
        let flag = k.flag_text();
        let req = if k.required { ", required" } else { "" };
        let default = k
            .default
            .map_or_else(String::new, |d| format!("; default {d}"));
        s.push_str(&format!(
            "\n{} [{flag}]\n    {}{req}{default}. {}.\n",
            k.name,
            k.kind.describe(),
            k.doc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(name: &str) -> &'static Key {
        key(name).unwrap()
    }

    fn typed(name: &str, v: &str) -> Result<String, String> {
        k(name).check(v, Mode::Typed)
    }

    #[test]
    fn names_and_flags_are_unique_and_lowercase() {
        for (i, a) in KEYS.iter().enumerate() {
            assert_eq!(a.name, a.name.to_ascii_lowercase());
            assert!(!a.doc.is_empty() && !a.doc.ends_with('.'), "{}", a.name);
            assert_eq!(a.flag.is_some(), !a.prompt.is_empty(), "{}", a.name);
            for b in &KEYS[i + 1..] {
                assert_ne!(a.name, b.name);
                if let (Some(x), Some(y)) = (a.flag, b.flag) {
                    assert_ne!(x.long, y.long);
                }
            }
        }
    }

    #[test]
    fn every_default_is_a_valid_value() {
        for key in KEYS {
            if let Some(d) = key.default {
                let first = d.split(' ').next().unwrap_or(d);
                assert!(key.check(first, Mode::File).is_ok(), "{}: {d}", key.name);
            }
        }
    }

    #[test]
    fn documented_defaults_are_the_ones_the_code_uses() {
        let built =
            super::super::ProviderConfig::new("p", "https://i/x", "c", FederationType::Saml2);
        let margin = crate::cache::DEFAULT_REFRESH_MARGIN
            .whole_minutes()
            .to_string();
        let want = [
            (
                MAX_SESSION_DURATION_SECONDS,
                crate::federation::DEFAULT_DURATION.to_string(),
            ),
            (
                LOGIN_TIMEOUT_SECONDS,
                built.login_timeout_seconds.to_string(),
            ),
            (LOOPBACK_PORT, built.loopback_port.to_string()),
            (INSECURE_SKIP_VERIFY, built.insecure_skip_verify.to_string()),
            (REFRESH_MARGIN_MINUTES, margin),
            (
                CLIENT_AUTH_METHOD,
                built.client_auth_method.as_str().to_string(),
            ),
            (SECRET_STORE, StoreChoice::default().as_str().to_string()),
        ];
        for (name, value) in want {
            assert_eq!(k(name).default, Some(value.as_str()), "{name}");
        }
        let subject = built.token_exchange_subject_token_type.map(|t| t.as_str());
        assert!(
            k(TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE)
                .default
                .is_some_and(|d| Some(d.split(' ').next().unwrap_or(d)) == subject)
        );
        for key in KEYS {
            let has = want_default(key.name);
            assert_eq!(key.default.is_some(), has, "{}", key.name);
        }
    }

    fn want_default(name: &str) -> bool {
        [
            MAX_SESSION_DURATION_SECONDS,
            LOGIN_TIMEOUT_SECONDS,
            LOOPBACK_PORT,
            INSECURE_SKIP_VERIFY,
            REFRESH_MARGIN_MINUTES,
            CLIENT_AUTH_METHOD,
            SECRET_STORE,
            TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
        ]
        .contains(&name)
    }

    #[test]
    fn typed_values_read_back_unchanged_from_the_file() {
        for (name, v) in [
            (INSECURE_SKIP_VERIFY, "yes"),
            (TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE, "id_token"),
            (SCOPES, "openid, a b a"),
            (FEDERATION_TYPE, "SAML2"),
            (MAX_SESSION_DURATION_SECONDS, " 900 "),
        ] {
            let written = typed(name, v).unwrap();
            assert_eq!(k(name).check(&written, Mode::File), Ok(written.clone()));
        }
    }

    #[test]
    fn durations_outside_sts_limits_are_refused() {
        let n = MAX_SESSION_DURATION_SECONDS;
        assert_eq!(typed(n, "900"), Ok("900".into()));
        assert_eq!(typed(n, " 43200 "), Ok("43200".into()));
        for bad in ["899", "43201", "1h", "-5", "3600.0"] {
            let e = typed(n, bad).unwrap_err();
            assert!(e.contains("from 900 to 43200"), "{bad}: {e}");
        }
    }

    #[test]
    fn role_arns_of_every_partition_are_accepted() {
        for ok in [
            "arn:aws:iam::123456789012:role/dev",
            "arn:aws-cn:iam::123456789012:role/path/dev",
            "arn:aws-us-gov:iam::123456789012:role/dev",
        ] {
            assert_eq!(typed(DEFAULT_IAM_ROLE_ARN, ok), Ok(ok.to_string()));
        }
        let e = typed(DEFAULT_IAM_ROLE_ARN, "arn:aws:iam::123456789012:user/dev").unwrap_err();
        assert!(e.contains("role"), "{e}");
        // The Go tool never checked it: a file keeps loading.
        assert!(
            k(DEFAULT_IAM_ROLE_ARN)
                .check("not-an-arn", Mode::File)
                .is_ok()
        );
    }

    #[test]
    fn booleans_take_go_spellings_in_the_file_and_yes_no_when_typed() {
        for (given, want) in [
            ("yes", "true"),
            ("True", "true"),
            ("no", "false"),
            ("0", "false"),
        ] {
            assert_eq!(
                typed(INSECURE_SKIP_VERIFY, given),
                Ok(want.into()),
                "{given}"
            );
        }
        assert!(typed(INSECURE_SKIP_VERIFY, "maybe").is_err());
        assert!(k(INSECURE_SKIP_VERIFY).check("yes", Mode::File).is_err());
        assert_eq!(
            k(INSECURE_SKIP_VERIFY).check("T", Mode::File),
            Ok("true".into())
        );
    }

    #[test]
    fn choices_are_lowercased_or_refused() {
        assert_eq!(typed(FEDERATION_TYPE, "SAML2"), Ok("saml2".into()));
        let e = typed(FEDERATION_TYPE, "saml").unwrap_err();
        assert!(e.contains("oidc, saml2"), "{e}");
        assert_eq!(typed(SECRET_STORE, "File"), Ok("file".into()));
        assert!(typed(CLIENT_AUTH_METHOD, "private_key_jwt").is_err());
    }

    #[test]
    fn metadata_url_must_be_https_or_loopback_http_when_typed() {
        assert!(
            typed(
                METADATA_URL,
                "https://idp.example.com/.well-known/openid-configuration"
            )
            .is_ok()
        );
        assert!(
            typed(
                METADATA_URL,
                "http://127.0.0.1:8080/.well-known/openid-configuration"
            )
            .is_ok()
        );
        assert!(
            typed(
                METADATA_URL,
                "http://idp.example.com/.well-known/openid-configuration"
            )
            .is_err()
        );
        assert!(typed(METADATA_URL, "idp.example.com").is_err());
    }

    #[test]
    fn subject_token_type_short_names_become_urns() {
        let n = TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE;
        assert_eq!(
            typed(n, "id_token"),
            Ok(SubjectTokenType::IdToken.urn().into())
        );
        assert_eq!(
            typed(n, "access_token"),
            Ok(SubjectTokenType::AccessToken.urn().into())
        );
        assert!(typed(n, "refresh_token").is_err());
    }

    #[test]
    fn scopes_drop_openid_and_duplicates() {
        assert_eq!(
            typed(SCOPES, "openid, offline_access profile offline_access"),
            Ok("offline_access profile".into())
        );
        assert!(typed(SCOPES, "a\"b").is_err());
    }

    #[test]
    fn regions_ports_and_queries_are_checked() {
        for ok in ["us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1"] {
            assert!(typed(AWS_REGION, ok).is_ok(), "{ok}");
        }
        for bad in ["us-east", "US-EAST-1", "useast1", "us--1"] {
            assert!(typed(AWS_REGION, bad).is_err(), "{bad}");
        }
        assert!(typed(LOOPBACK_PORT, "65536").is_err());
        assert_eq!(typed(LOOPBACK_PORT, "0"), Ok("0".into()));
        assert!(typed(LOGIN_TIMEOUT_SECONDS, "0").is_err());
        assert_eq!(
            typed(ADDITIONAL_QUERY, "?prompt=login&kc_idp_hint=corp"),
            Ok("prompt=login&kc_idp_hint=corp".into())
        );
        assert!(typed(ADDITIONAL_QUERY, "=x").is_err());
        assert!(typed(ADDITIONAL_QUERY, "a=b c").is_err());
    }

    #[test]
    fn pem_paths_must_exist_and_not_start_with_tilde() {
        let e = typed(CA_BUNDLE, "~/ca.pem").unwrap_err();
        assert!(e.contains("full path"), "{e}");
        assert!(check_pem_exists("/no/such/ca.pem").is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        assert!(check_pem_exists(&f.path().to_string_lossy()).is_ok());
    }

    #[test]
    fn client_secret_errors_never_repeat_the_secret() {
        let e = typed(CLIENT_SECRET, "hunter2\u{7}x").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn reference_names_every_key_and_flag() {
        let text = reference();
        for key in KEYS {
            assert!(text.contains(key.name), "{}", key.name);
            if let Some(f) = key.flag {
                assert!(text.contains(&format!("--{}", f.long)), "{}", f.long);
            }
        }
    }
}
