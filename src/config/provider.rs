//! Turning one provider's map of settings into a [`ProviderConfig`]: reading
//! strings and native YAML types alike, defaults, and validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use super::{
    ClientAuthMethod, DEFAULT_LOGIN_TIMEOUT_SECONDS, Error, FederationType, ProviderConfig,
    TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_ID_TOKEN, keys,
};
use crate::secret::Secret;

/// A scalar as text: strings as they are, numbers and bools as YAML prints
/// them. `None` for null, lists, maps and tagged values.
pub(super) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A short description of a value's kind, for messages (never its content).
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The key in `map` that names `key`: exact, else ignoring ASCII case (viper
/// reads keys case-insensitively, so hand-written `Client_ID` worked there).
pub(super) fn lookup_key<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.keys().find(|k| k.as_str() == Some(key)).or_else(|| {
        map.keys()
            .find(|k| k.as_str().is_some_and(|s| s.eq_ignore_ascii_case(key)))
    })
}

/// The value of `key` in `map`, found as [`lookup_key`] does.
pub(super) fn lookup<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    lookup_key(map, key).and_then(|k| map.get(k))
}

struct Reader<'a> {
    path: &'a Path,
    provider: &'a str,
    map: &'a Mapping,
}

impl Reader<'_> {
    fn invalid(&self, key: &'static str, reason: String) -> Error {
        Error::InvalidValue {
            path: self.path.to_path_buf(),
            provider: self.provider.to_string(),
            key,
            reason,
        }
    }

    /// A single value as text; null and empty (or blank) strings are unset.
    fn string(&self, key: &'static str) -> Result<Option<String>, Error> {
        let Some(v) = lookup(self.map, key) else {
            return Ok(None);
        };
        if v.is_null() {
            return Ok(None);
        }
        match scalar_text(v) {
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(self.invalid(
                key,
                format!(
                    "expected a single value, found {}; write it as `{key}: VALUE`",
                    kind(v)
                ),
            )),
        }
    }

    fn required(&self, key: &'static str) -> Result<String, Error> {
        self.string(key)?.ok_or_else(|| Error::MissingKey {
            path: self.path.to_path_buf(),
            provider: self.provider.to_string(),
            key,
        })
    }

    fn path(&self, key: &'static str) -> Result<Option<PathBuf>, Error> {
        Ok(self.string(key)?.map(PathBuf::from))
    }

    /// Go's `strconv.ParseBool` spellings, which is what viper accepted.
    fn bool(&self, key: &'static str) -> Result<bool, Error> {
        let Some(s) = self.string(key)? else {
            return Ok(false);
        };
        match s.trim() {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
            other => Err(self.invalid(key, format!("expected true or false, found {other:?}"))),
        }
    }

    fn uint(&self, key: &'static str, min: u64, max: u64) -> Result<Option<u64>, Error> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        match s.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(self.invalid(
                key,
                format!("expected a whole number from {min} to {max}, found {s:?}"),
            )),
        }
    }

    /// One of `allowed` (compared ignoring case), returned lowercased.
    fn choice(&self, key: &'static str, allowed: &[&str]) -> Result<Option<String>, Error> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        let lower = s.trim().to_lowercase();
        if allowed.contains(&lower.as_str()) {
            Ok(Some(lower))
        } else {
            Err(self.invalid(
                key,
                format!("expected one of: {}, found {s:?}", allowed.join(", ")),
            ))
        }
    }

    /// A YAML list, or a string separated by spaces and/or commas.
    fn list(&self, key: &'static str) -> Result<Vec<String>, Error> {
        let Some(v) = lookup(self.map, key) else {
            return Ok(Vec::new());
        };
        let items: Vec<String> = match v {
            Value::Null => Vec::new(),
            Value::Sequence(seq) => {
                let mut out = Vec::new();
                for item in seq {
                    match scalar_text(item) {
                        Some(s) => out.extend(split_words(&s)),
                        None if item.is_null() => {}
                        None => {
                            return Err(self.invalid(
                                key,
                                format!(
                                    "expected a list of words, found {} in the list",
                                    kind(item)
                                ),
                            ));
                        }
                    }
                }
                out
            }
            other => match scalar_text(other) {
                Some(s) => split_words(&s),
                None => {
                    return Err(self.invalid(
                        key,
                        format!(
                            "expected a list or a space separated string, found {}",
                            kind(other)
                        ),
                    ));
                }
            },
        };
        Ok(items)
    }
}

impl Reader<'_> {
    /// `roles`: a list of role ARNs, each validated.
    fn role_arns(&self, key: &'static str) -> Result<Vec<String>, Error> {
        let mut out: Vec<String> = Vec::new();
        for arn in self.list(key)? {
            crate::sts::arn::RoleArn::parse(&arn).map_err(|e| self.invalid(key, e.to_string()))?;
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
        Ok(out)
    }

    /// `account_aliases`: a map of account ids (YAML numbers are padded to
    /// 12 digits, as YAML drops leading zeros) to names without control
    /// characters.
    fn account_aliases(&self, key: &'static str) -> Result<BTreeMap<String, String>, Error> {
        let mut out = BTreeMap::new();
        let map = match lookup(self.map, key) {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Mapping(map)) => map,
            Some(other) => {
                return Err(self.invalid(
                    key,
                    format!(
                        "expected a map of account id to name, found {}",
                        kind(other)
                    ),
                ));
            }
        };
        for (k, v) in map {
            let account = match k {
                Value::Number(n) => format!("{:0>12}", n.to_string()),
                other => scalar_text(other).unwrap_or_default(),
            };
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(self.invalid(
                    key,
                    format!("expected 12-digit account ids as keys, found {account:?}"),
                ));
            }
            let alias = scalar_text(v)
                .map(|a| a.trim().to_string())
                .unwrap_or_default();
            if alias.is_empty() || alias.chars().any(char::is_control) {
                return Err(self.invalid(
                    key,
                    format!("the name of account {account} must be non-empty text on one line"),
                ));
            }
            out.insert(account, alias);
        }
        Ok(out)
    }
}

fn split_words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Validate and type one provider's settings.
pub(super) fn from_mapping(
    path: &Path,
    provider: &str,
    map: &Mapping,
) -> Result<ProviderConfig, Error> {
    let r = Reader {
        path,
        provider,
        map,
    };

    let metadata_url = r.required(keys::METADATA_URL)?;
    let lower = metadata_url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(r.invalid(
            keys::METADATA_URL,
            format!(
                "expected an https:// URL such as https://idp.example.com/.well-known/openid-configuration, found {metadata_url:?}"
            ),
        ));
    }
    let client_id = r.required(keys::CLIENT_ID)?;
    let federation_type = match r
        .choice(keys::FEDERATION_TYPE, &["oidc", "saml2"])?
        .as_deref()
    {
        Some("oidc") => FederationType::Oidc,
        Some(_) => FederationType::Saml2,
        None => {
            return Err(r.invalid(
                keys::FEDERATION_TYPE,
                "missing; set it to one of: oidc, saml2 (or run aws-cli-oidc setup again)"
                    .to_string(),
            ));
        }
    };

    let client_auth_method = match r
        .choice(
            keys::CLIENT_AUTH_METHOD,
            &["client_secret_post", "client_secret_basic"],
        )?
        .as_deref()
    {
        Some("client_secret_basic") => ClientAuthMethod::ClientSecretBasic,
        _ => ClientAuthMethod::ClientSecretPost,
    };

    let token_exchange_subject_token_type = match r.string(keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE)? {
        Some(s) => Some(normalise_token_type(s.trim()).ok_or_else(|| {
            r.invalid(
                keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
                format!("expected one of: {TOKEN_TYPE_ACCESS_TOKEN}, {TOKEN_TYPE_ID_TOKEN} (or access_token, id_token), found {s:?}"),
            )
        })?),
        // The Go tool's setup offered access_token first; SAML exchange
        // needs some type, so that one is the default.
        None if federation_type == FederationType::Saml2 => Some(TOKEN_TYPE_ACCESS_TOKEN.to_string()),
        None => None,
    };

    // Bounded so that later `Instant + Duration` arithmetic cannot overflow
    // (that panics); a day is far beyond any interactive login.
    let login_timeout_seconds = r
        .uint(keys::LOGIN_TIMEOUT_SECONDS, 1, 86_400)?
        .unwrap_or(DEFAULT_LOGIN_TIMEOUT_SECONDS);
    // STS caps sessions at 12 hours, so a larger margin would renew forever.
    let refresh_margin_minutes = r
        .uint(keys::REFRESH_MARGIN_MINUTES, 0, 720)?
        .map(|n| n as u32);

    let mut scopes: Vec<String> = Vec::new();
    for s in r.list(keys::SCOPES)? {
        // `openid` is always sent; listing it again would duplicate it.
        if s != "openid" && !scopes.contains(&s) {
            scopes.push(s);
        }
    }

    Ok(ProviderConfig {
        name: provider.to_string(),
        metadata_url,
        additional_query: r.string(keys::ADDITIONAL_QUERY)?,
        successful_redirect_url: r.string(keys::SUCCESSFUL_REDIRECT_URL)?,
        failure_redirect_url: r.string(keys::FAILURE_REDIRECT_URL)?,
        client_id,
        client_secret: r.string(keys::CLIENT_SECRET)?.map(Secret::new),
        client_auth_method,
        client_auth_cert: r.path(keys::CLIENT_AUTH_CERT)?,
        client_auth_key: r.path(keys::CLIENT_AUTH_KEY)?,
        client_auth_ca: r.path(keys::CLIENT_AUTH_CA)?,
        ca_bundle: r.path(keys::CA_BUNDLE)?,
        insecure_skip_verify: r.bool(keys::INSECURE_SKIP_VERIFY)?,
        federation_type,
        max_session_duration_seconds: r
            .uint(keys::MAX_SESSION_DURATION_SECONDS, 900, 43_200)?
            .map(|n| n as u32),
        default_iam_role_arn: r.string(keys::DEFAULT_IAM_ROLE_ARN)?,
        role_session_name: r.string(keys::ROLE_SESSION_NAME)?,
        role_session_name_claim: r.string(keys::ROLE_SESSION_NAME_CLAIM)?,
        token_exchange_subject_token_type,
        token_exchange_audience: r.string(keys::TOKEN_EXCHANGE_AUDIENCE)?,
        aws_region: r.string(keys::AWS_REGION)?,
        scopes,
        loopback_port: r
            .uint(keys::LOOPBACK_PORT, 0, 65_535)?
            .map_or(0, |n| n as u16),
        login_timeout_seconds,
        secret_store: r.choice(keys::SECRET_STORE, &["auto", "keyring", "file"])?,
        refresh_margin_minutes,
        roles: r.role_arns(keys::ROLES)?,
        account_aliases: r.account_aliases(keys::ACCOUNT_ALIASES)?,
    })
}

/// The full URN for `access_token`/`id_token` or the URNs themselves.
fn normalise_token_type(s: &str) -> Option<String> {
    match s {
        TOKEN_TYPE_ACCESS_TOKEN | "access_token" => Some(TOKEN_TYPE_ACCESS_TOKEN.to_string()),
        TOKEN_TYPE_ID_TOKEN | "id_token" => Some(TOKEN_TYPE_ID_TOKEN.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::ConfigFile;
    use super::*;

    const BASE: &str = "  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  client_id: aws-cli\n";

    fn load(extra: &str) -> Result<ProviderConfig, Error> {
        let text = format!("p:\n{BASE}{extra}");
        ConfigFile::parse(&text, Path::new("/c/config.yaml"))?.provider("p")
    }

    fn oidc(extra: &str) -> Result<ProviderConfig, Error> {
        load(&format!("  aws_federation_type: oidc\n{extra}"))
    }

    #[test]
    fn minimal_oidc_provider_gets_defaults() {
        let p = oidc("").unwrap();
        assert_eq!(p.name, "p");
        assert_eq!(p.federation_type, FederationType::Oidc);
        assert!(!p.insecure_skip_verify);
        assert_eq!(p.client_auth_method, ClientAuthMethod::ClientSecretPost);
        assert_eq!(p.login_timeout_seconds, 300);
        assert_eq!(p.loopback_port, 0);
        assert_eq!(p.max_session_duration_seconds, None);
        assert_eq!(p.token_exchange_subject_token_type, None);
        assert!(p.scopes.is_empty());
        assert!(p.client_secret.is_none());
        assert_eq!(p.secret_store, None);
        assert_eq!(p.refresh_margin_minutes, None);
    }

    #[test]
    fn saml2_defaults_subject_token_type_to_access_token_urn() {
        let p = load("  aws_federation_type: saml2\n").unwrap();
        assert_eq!(p.federation_type, FederationType::Saml2);
        assert_eq!(
            p.token_exchange_subject_token_type.as_deref(),
            Some(TOKEN_TYPE_ACCESS_TOKEN)
        );
    }

    #[test]
    fn subject_token_type_short_names_become_urns() {
        for (given, want) in [
            ("id_token", TOKEN_TYPE_ID_TOKEN),
            ("access_token", TOKEN_TYPE_ACCESS_TOKEN),
            (TOKEN_TYPE_ID_TOKEN, TOKEN_TYPE_ID_TOKEN),
            (TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_ACCESS_TOKEN),
        ] {
            let p = load(&format!("  aws_federation_type: saml2\n  oidc_provider_token_exchange_subject_token_type: {given}\n"))
                .unwrap();
            assert_eq!(
                p.token_exchange_subject_token_type.as_deref(),
                Some(want),
                "{given}"
            );
        }
    }

    #[test]
    fn unknown_subject_token_type_is_rejected_with_the_choices() {
        let e = load("  aws_federation_type: saml2\n  oidc_provider_token_exchange_subject_token_type: refresh_token\n")
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("oidc_provider_token_exchange_subject_token_type"),
            "{msg}"
        );
        assert!(
            msg.contains(TOKEN_TYPE_ID_TOKEN) && msg.contains("refresh_token"),
            "{msg}"
        );
    }

    #[test]
    fn quoted_strings_and_native_types_read_the_same() {
        let quoted = oidc(
            "  insecure_skip_verify: \"true\"\n  max_session_duration_seconds: \"3600\"\n  loopback_port: \"8080\"\n  login_timeout_seconds: \"60\"\n  refresh_margin_minutes: \"5\"\n",
        )
        .unwrap();
        let native = oidc(
            "  insecure_skip_verify: true\n  max_session_duration_seconds: 3600\n  loopback_port: 8080\n  login_timeout_seconds: 60\n  refresh_margin_minutes: 5\n",
        )
        .unwrap();
        for p in [&quoted, &native] {
            assert!(p.insecure_skip_verify);
            assert_eq!(p.max_session_duration_seconds, Some(3600));
            assert_eq!(p.loopback_port, 8080);
            assert_eq!(p.login_timeout_seconds, 60);
            assert_eq!(p.refresh_margin_minutes, Some(5));
        }
    }

    #[test]
    fn go_bool_spellings_are_accepted() {
        for (s, want) in [
            ("\"1\"", true),
            ("T", true),
            ("TRUE", true),
            ("\"0\"", false),
            ("F", false),
            ("False", false),
        ] {
            let p = oidc(&format!("  insecure_skip_verify: {s}\n")).unwrap();
            assert_eq!(p.insecure_skip_verify, want, "{s}");
        }
        let e = oidc("  insecure_skip_verify: maybe\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("insecure_skip_verify: expected true or false, found \"maybe\""),
            "{e}"
        );
    }

    #[test]
    fn missing_or_empty_insecure_skip_verify_is_false() {
        assert!(!oidc("").unwrap().insecure_skip_verify);
        assert!(
            !oidc("  insecure_skip_verify: \"\"\n")
                .unwrap()
                .insecure_skip_verify
        );
        assert!(
            !oidc("  insecure_skip_verify:\n")
                .unwrap()
                .insecure_skip_verify
        );
    }

    #[test]
    fn missing_metadata_url_names_file_provider_key_and_setup() {
        let e = ConfigFile::parse(
            "p:\n  client_id: x\n  aws_federation_type: oidc\n",
            Path::new("/c/config.yaml"),
        )
        .unwrap()
        .provider("p")
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "/c/config.yaml: provider \"p\" has no oidc_provider_metadata_url; set it with: aws-cli-oidc setup p"
        );
    }

    #[test]
    fn empty_client_id_counts_as_missing() {
        let text = "p:\n  oidc_provider_metadata_url: https://idp/x\n  client_id: \"\"\n  aws_federation_type: oidc\n";
        let e = ConfigFile::parse(text, Path::new("/c/config.yaml"))
            .unwrap()
            .provider("p")
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::MissingKey {
                    key: "client_id",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn metadata_url_must_be_http_or_https() {
        let text = "p:\n  oidc_provider_metadata_url: idp.example.com\n  client_id: x\n  aws_federation_type: oidc\n";
        let e = ConfigFile::parse(text, Path::new("/c/config.yaml"))
            .unwrap()
            .provider("p")
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidValue {
                    key: keys::METADATA_URL,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn federation_type_is_required_and_lists_the_choices() {
        let missing = load("").unwrap_err().to_string();
        assert!(
            missing.contains("aws_federation_type") && missing.contains("oidc, saml2"),
            "{missing}"
        );
        let wrong = load("  aws_federation_type: saml\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            wrong,
            "/c/config.yaml: provider \"p\", aws_federation_type: expected one of: oidc, saml2, found \"saml\""
        );
    }

    #[test]
    fn federation_type_ignores_case() {
        assert_eq!(
            load("  aws_federation_type: SAML2\n")
                .unwrap()
                .federation_type,
            FederationType::Saml2
        );
    }

    #[test]
    fn max_session_duration_must_be_within_sts_limits() {
        assert_eq!(
            oidc("  max_session_duration_seconds: 900\n")
                .unwrap()
                .max_session_duration_seconds,
            Some(900)
        );
        assert_eq!(
            oidc("  max_session_duration_seconds: 43200\n")
                .unwrap()
                .max_session_duration_seconds,
            Some(43200)
        );
        for bad in ["899", "43201", "-1", "1h", "3600.5"] {
            let e = oidc(&format!("  max_session_duration_seconds: {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(
                    "max_session_duration_seconds: expected a whole number from 900 to 43200"
                ),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn login_timeout_must_be_positive() {
        let e = oidc("  login_timeout_seconds: 0\n").unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidValue {
                    key: keys::LOGIN_TIMEOUT_SECONDS,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn loopback_port_range_is_checked() {
        assert_eq!(
            oidc("  loopback_port: 65535\n").unwrap().loopback_port,
            65535
        );
        assert_eq!(oidc("  loopback_port: 0\n").unwrap().loopback_port, 0);
        assert!(oidc("  loopback_port: 65536\n").is_err());
    }

    #[test]
    fn scopes_accept_list_or_separated_string_without_openid_or_duplicates() {
        let list = oidc("  scopes: [offline_access, profile, openid, profile]\n").unwrap();
        assert_eq!(list.scopes, ["offline_access", "profile"]);
        let text = oidc("  scopes: \"offline_access,profile  email\"\n").unwrap();
        assert_eq!(text.scopes, ["offline_access", "profile", "email"]);
        let bad = oidc("  scopes: {a: b}\n").unwrap_err();
        assert!(
            matches!(
                bad,
                Error::InvalidValue {
                    key: keys::SCOPES,
                    ..
                }
            ),
            "{bad:?}"
        );
    }

    #[test]
    fn client_auth_method_and_secret_store_are_checked() {
        let p = oidc("  client_auth_method: client_secret_basic\n  secret_store: File\n").unwrap();
        assert_eq!(p.client_auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(p.secret_store.as_deref(), Some("file"));
        let e = oidc("  client_auth_method: private_key_jwt\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("client_secret_post, client_secret_basic"), "{e}");
        assert!(oidc("  secret_store: vault\n").is_err());
    }

    #[test]
    fn list_where_a_value_is_expected_is_an_error_without_content() {
        let e = oidc("  client_secret: [hunter2]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("client_secret: expected a single value, found a list"),
            "{e}"
        );
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn client_secret_is_kept_secret_in_debug() {
        let p = oidc("  client_secret: hunter2\n").unwrap();
        assert_eq!(
            p.client_secret.as_ref().map(|s| s.expose().as_str()),
            Some("hunter2")
        );
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn roles_and_account_aliases_are_read_and_checked() {
        let cfg = oidc(
            "  roles:\n    - arn:aws:iam::123456789012:role/admin\n    - arn:aws:iam::012345678901:role/ro\n  account_aliases:\n    123456789012: prod\n    \"012345678901\": staging\n",
        )
        .unwrap();
        assert_eq!(
            cfg.roles,
            [
                "arn:aws:iam::123456789012:role/admin",
                "arn:aws:iam::012345678901:role/ro"
            ]
        );
        assert_eq!(cfg.account_aliases["123456789012"], "prod");
        assert_eq!(cfg.account_aliases["012345678901"], "staging");
        let err = oidc("  roles: [arn:aws:iam::1:role/x]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("roles"), "{err}");
        let cfg = oidc("  account_aliases:\n    12345678901: x\n").unwrap();
        assert_eq!(
            cfg.account_aliases["012345678901"], "x",
            "YAML drops leading zeros"
        );
        let err = oidc("  account_aliases:\n    dev: x\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"dev\""), "{err}");
        let err = oidc("  account_aliases: prod\n").unwrap_err().to_string();
        assert!(
            err.contains("account_aliases") && err.contains("a map"),
            "{err}"
        );
    }

    #[test]
    fn keys_are_matched_ignoring_case() {
        let text = "p:\n  OIDC_Provider_Metadata_URL: https://idp/x\n  Client_ID: c\n  AWS_FEDERATION_TYPE: oidc\n";
        let p = ConfigFile::parse(text, Path::new("/c/config.yaml"))
            .unwrap()
            .provider("p")
            .unwrap();
        assert_eq!(p.client_id, "c");
    }

    #[test]
    fn merge_keys_share_settings_between_providers() {
        let text = "base: &base\n  oidc_provider_metadata_url: https://idp/x\n  aws_federation_type: oidc\na:\n  <<: *base\n  client_id: a\n";
        let p = ConfigFile::parse(text, Path::new("/c/config.yaml"))
            .unwrap()
            .provider("a")
            .unwrap();
        assert_eq!(p.metadata_url, "https://idp/x");
        assert_eq!(p.client_id, "a");
    }
}
