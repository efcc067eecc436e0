//! Turning one provider's map of settings into a [`ProviderConfig`]: reading
//! strings and native YAML types alike, and defaults. Each value is checked
//! by the key table ([`super::keys`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use super::keys::{self, Key, Mode};
use super::{
    ClientAuthMethod, DEFAULT_LOGIN_TIMEOUT_SECONDS, Error, FederationType, ProviderConfig,
    StoreChoice, SubjectTokenType,
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

    fn spec(&self, key: &'static str) -> Result<&'static Key, Error> {
        keys::key(key).ok_or_else(|| self.invalid(key, "not in the key table".to_string()))
    }

    /// A single value as text; null and empty (or blank) strings are unset.
    fn scalar(&self, key: &'static str) -> Result<Option<String>, Error> {
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

    /// A single value checked by the key table; `None` when unset.
    fn string(&self, key: &'static str) -> Result<Option<String>, Error> {
        let Some(raw) = self.scalar(key)? else {
            return Ok(None);
        };
        self.checked(key, &raw)
    }

    fn checked(&self, key: &'static str, raw: &str) -> Result<Option<String>, Error> {
        let v = self
            .spec(key)?
            .check(raw, Mode::File)
            .map_err(|reason| self.invalid(key, reason))?;
        Ok(Some(v).filter(|v| !v.is_empty()))
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

    fn bool(&self, key: &'static str) -> Result<bool, Error> {
        Ok(self.string(key)?.as_deref() == Some("true"))
    }

    fn uint(&self, key: &'static str) -> Result<Option<u64>, Error> {
        self.string(key)?
            .map(|s| {
                s.parse::<u64>()
                    .map_err(|_| self.invalid(key, format!("expected a whole number, found {s:?}")))
            })
            .transpose()
    }

    /// A value that the table checked against `parse`'s words.
    fn choice<T>(
        &self,
        key: &'static str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, Error> {
        self.string(key)?
            .map(|s| parse(&s).ok_or_else(|| self.invalid(key, format!("unexpected value {s:?}"))))
            .transpose()
    }

    /// A YAML list, or a string separated by spaces and/or commas, checked
    /// by the key table as one space-separated value.
    fn list(&self, key: &'static str) -> Result<Vec<String>, Error> {
        let Some(v) = lookup(self.map, key) else {
            return Ok(Vec::new());
        };
        let words: Vec<String> = match v {
            Value::Null => Vec::new(),
            Value::Sequence(seq) => {
                let mut out = Vec::new();
                for item in seq {
                    match scalar_text(item) {
                        Some(s) => out.push(s),
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
                Some(s) => vec![s],
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
        Ok(self
            .checked(key, &words.join(" "))?
            .map(|s| s.split(' ').map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// A map of 12-digit account ids to names (`account_aliases`).
    fn aliases(&self, key: &'static str) -> Result<BTreeMap<String, String>, Error> {
        let mut out = BTreeMap::new();
        let map = match lookup(self.map, key) {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Mapping(m)) => m,
            Some(other) => {
                return Err(self.invalid(
                    key,
                    format!(
                        "expected a map of account ids to names (`\"123456789012\": prod`), found {}",
                        kind(other)
                    ),
                ));
            }
        };
        for (k, v) in map {
            let id = scalar_text(k).unwrap_or_default();
            if !keys::is_account_id(&id) {
                return Err(self.invalid(
                    key,
                    format!("expected 12-digit account ids as keys, found {id:?}"),
                ));
            }
            match scalar_text(v) {
                Some(name) if !name.trim().is_empty() && !name.chars().any(char::is_control) => {
                    out.insert(id, name.trim().to_string());
                }
                _ => {
                    return Err(self.invalid(
                        key,
                        format!(
                            "account {id}: expected a name on one line, found {}",
                            kind(v)
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
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
    let client_id = r.required(keys::CLIENT_ID)?;
    let Some(federation_type) = r.choice(keys::FEDERATION_TYPE, FederationType::parse)? else {
        return Err(r.invalid(
            keys::FEDERATION_TYPE,
            format!(
                "missing; set it to one of: {} (or run aws-cli-oidc setup again)",
                FederationType::NAMES.join(", ")
            ),
        ));
    };

    let token_exchange_subject_token_type = r
        .choice(
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            SubjectTokenType::from_name_or_urn,
        )?
        // The Go tool's setup offered access_token first; SAML exchange
        // needs some type, so that one is the default.
        .or((federation_type == FederationType::Saml2).then_some(SubjectTokenType::AccessToken));

    // Each number is within the table's range, so these conversions fit.
    let narrow = |n: Option<u64>| n.and_then(|n| u32::try_from(n).ok());
    Ok(ProviderConfig {
        name: provider.to_string(),
        metadata_url,
        additional_query: r.string(keys::ADDITIONAL_QUERY)?,
        successful_redirect_url: r.string(keys::SUCCESSFUL_REDIRECT_URL)?,
        failure_redirect_url: r.string(keys::FAILURE_REDIRECT_URL)?,
        client_id,
        client_secret: r.string(keys::CLIENT_SECRET)?.map(Secret::new),
        client_auth_method: r
            .choice(keys::CLIENT_AUTH_METHOD, ClientAuthMethod::parse)?
            .unwrap_or_default(),
        client_auth_cert: r.path(keys::CLIENT_AUTH_CERT)?,
        client_auth_key: r.path(keys::CLIENT_AUTH_KEY)?,
        client_auth_ca: r.path(keys::CLIENT_AUTH_CA)?,
        ca_bundle: r.path(keys::CA_BUNDLE)?,
        insecure_skip_verify: r.bool(keys::INSECURE_SKIP_VERIFY)?,
        federation_type,
        max_session_duration_seconds: narrow(r.uint(keys::MAX_SESSION_DURATION_SECONDS)?),
        default_iam_role_arn: r.string(keys::DEFAULT_IAM_ROLE_ARN)?,
        role_session_name: r.string(keys::ROLE_SESSION_NAME)?,
        role_session_name_claim: r.string(keys::ROLE_SESSION_NAME_CLAIM)?,
        token_exchange_subject_token_type,
        token_exchange_audience: r.string(keys::TOKEN_EXCHANGE_AUDIENCE)?,
        aws_region: r.string(keys::AWS_REGION)?,
        scopes: r.list(keys::SCOPES)?,
        loopback_port: r
            .uint(keys::LOOPBACK_PORT)?
            .and_then(|n| u16::try_from(n).ok())
            .unwrap_or(0),
        login_timeout_seconds: r
            .uint(keys::LOGIN_TIMEOUT_SECONDS)?
            .unwrap_or(DEFAULT_LOGIN_TIMEOUT_SECONDS),
        secret_store: r.choice(keys::SECRET_STORE, StoreChoice::parse)?,
        refresh_margin_minutes: narrow(r.uint(keys::REFRESH_MARGIN_MINUTES)?),
        roles: r.list(keys::ROLES)?,
        account_aliases: r.aliases(keys::ACCOUNT_ALIASES)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ConfigFile, TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_ID_TOKEN};
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
            p.token_exchange_subject_token_type,
            Some(SubjectTokenType::AccessToken)
        );
    }

    #[test]
    fn subject_token_type_short_names_become_urns() {
        for (given, want) in [
            ("id_token", SubjectTokenType::IdToken),
            ("access_token", SubjectTokenType::AccessToken),
            (TOKEN_TYPE_ID_TOKEN, SubjectTokenType::IdToken),
            (TOKEN_TYPE_ACCESS_TOKEN, SubjectTokenType::AccessToken),
        ] {
            let p = load(&format!("  aws_federation_type: saml2\n  oidc_provider_token_exchange_subject_token_type: {given}\n"))
                .unwrap();
            assert_eq!(p.token_exchange_subject_token_type, Some(want), "{given}");
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
        assert_eq!(p.secret_store, Some(StoreChoice::File));
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

    #[test]
    fn roles_and_account_aliases_are_read_and_checked() {
        let p = oidc(
            "  roles:\n    - arn:aws:iam::123456789012:role/dev\n    - arn:aws:iam::210987654321:role/ops\n  account_aliases:\n    \"123456789012\": prod\n",
        )
        .unwrap();
        assert_eq!(
            p.roles,
            [
                "arn:aws:iam::123456789012:role/dev",
                "arn:aws:iam::210987654321:role/ops"
            ]
        );
        assert_eq!(p.account_aliases["123456789012"], "prod");
        let e = oidc("  roles: [arn:aws:iam::1:role/x]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("roles: not a role ARN"), "{e}");
        let e = oidc("  account_aliases:\n    prod: \"123456789012\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("12-digit account ids"), "{e}");
        assert!(oidc("  account_aliases: [a]\n").is_err());
    }
}
