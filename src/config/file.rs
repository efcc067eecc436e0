//! The document: reading, looking providers up, editing and the atomic save.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use super::provider::{self, scalar_text};
use super::{Error, ProviderConfig, config_path, plain};
use crate::safe_file;

/// A loaded `config.yaml`: the whole document, so that rewriting it keeps
/// providers and keys this version does not know.
#[derive(Clone)]
pub struct ConfigFile {
    /// Where it was read from (and where [`ConfigFile::save`] writes).
    pub path: PathBuf,
    doc: Mapping,
}

impl fmt::Debug for ConfigFile {
    // The document holds client secrets; show only the names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("path", &self.path)
            .field("providers", &self.providers())
            .finish()
    }
}

impl ConfigFile {
    /// An empty document that [`ConfigFile::save`] will write to `path`.
    pub fn empty(path: PathBuf) -> ConfigFile {
        ConfigFile {
            path,
            doc: Mapping::new(),
        }
    }

    /// Parse `text`; `path` is only used in error messages and by `save`.
    /// An empty file (or one holding only comments) has no providers.
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, Error> {
        let value: Value = serde_yaml_ng::from_str(text).map_err(|source| {
            let loc = source.location();
            Error::Syntax {
                path: path.to_path_buf(),
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
                source,
            }
        })?;
        let doc = match value {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            other => {
                return Err(Error::NotAMapOfProviders {
                    path: path.to_path_buf(),
                    found: provider::kind(&other),
                });
            }
        };
        Ok(ConfigFile {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// Read and parse `dir/config.yaml`.
    pub fn load(dir: &Path) -> Result<ConfigFile, Error> {
        let (path, text) = read(dir)?;
        ConfigFile::parse(&text, &path)
    }

    /// What `ConfigFile::load(dir)?.provider(name)` gives, without the YAML
    /// parser when the file has the plain shape ([`plain`]): the
    /// `credential_process` hot path reads one provider on every call.
    pub fn load_provider(dir: &Path, name: &str) -> Result<ProviderConfig, Error> {
        let (path, text) = read(dir)?;
        if let Some(providers) = plain::parse(&text)
            && let Found::One(i) = find_name(providers.iter().map(|p| Some(&*p.name)), name)
            && let Some(provider) = providers.get(i)
        {
            let map: Mapping = provider
                .settings
                .iter()
                .map(|(k, v)| (Value::String(k.to_string()), v.to_value()))
                .collect();
            return provider::from_mapping(&path, &provider.name, &map);
        }
        ConfigFile::parse(&text, &path)?.provider(name)
    }

    /// Like [`ConfigFile::load`], but a missing file gives an empty document
    /// (for `setup`, which creates the file).
    pub fn load_or_empty(dir: &Path) -> Result<ConfigFile, Error> {
        match ConfigFile::load(dir) {
            Err(Error::NotFound { path }) => Ok(ConfigFile::empty(path)),
            other => other,
        }
    }

    /// The provider names, in file order.
    pub fn providers(&self) -> Vec<String> {
        self.doc.keys().filter_map(scalar_text).collect()
    }

    /// The key of the provider `name` in the document, found by [`find_name`].
    fn find(&self, name: &str) -> Result<Value, Error> {
        let keys: Vec<&Value> = self.doc.keys().collect();
        let texts: Vec<Option<String>> = keys.iter().map(|k| scalar_text(k)).collect();
        match find_name(texts.iter().map(Option::as_deref), name) {
            Found::One(i) => Ok(keys[i].clone()),
            Found::None => {
                let configured = self.providers();
                let suggestion =
                    crate::suggest::closest(name, configured.iter().map(String::as_str))
                        .map(str::to_string);
                Err(Error::ProviderNotFound {
                    profile: name.to_string(),
                    path: self.path.clone(),
                    configured,
                    suggestion,
                })
            }
            Found::Several(matches) => Err(Error::AmbiguousProvider {
                profile: name.to_string(),
                path: self.path.clone(),
                matches: matches
                    .into_iter()
                    .filter_map(|i| texts[i].clone())
                    .collect(),
            }),
        }
    }

    /// The provider called `name` (exact, else unique case-insensitive
    /// match), validated and typed.
    pub fn provider(&self, name: &str) -> Result<ProviderConfig, Error> {
        let key = self.find(name)?;
        let real_name = scalar_text(&key).unwrap_or_else(|| name.to_string());
        let mut value = self.doc.get(&key).cloned().unwrap_or(Value::Null);
        // viper (through go-yaml) honours `<<: *anchor`, so shared defaults
        // written that way must work here too.
        if let Err(e) = value.apply_merge() {
            return Err(Error::InvalidValue {
                path: self.path.clone(),
                provider: real_name,
                key: "<<",
                reason: format!("{e}; a merge key must refer to a map of settings"),
            });
        }
        let map = match value {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            other => {
                return Err(Error::ProviderNotAMap {
                    path: self.path.clone(),
                    provider: real_name,
                    found: provider::kind(&other),
                });
            }
        };
        provider::from_mapping(&self.path, &real_name, &map)
    }

    /// The stored text of `key` for provider `name` (lookups as in
    /// [`ConfigFile::provider`]), unvalidated; `None` when missing, empty or
    /// not a single value. For `setup` to offer the current values as
    /// defaults. This may be the client secret: do not print it.
    pub fn get_raw(&self, name: &str, key: &str) -> Option<String> {
        let pkey = self.find(name).ok()?;
        let map = self.doc.get(&pkey)?.as_mapping()?;
        provider::lookup(map, key)
            .and_then(scalar_text)
            .filter(|s| !s.trim().is_empty())
    }

    /// Set `pairs` on provider `name`, writing each value as a YAML string as
    /// the Go tool does. The provider is found like [`ConfigFile::provider`]
    /// does (so a name viper lowercased is updated, not duplicated), else
    /// added at the end. Existing keys keep their place and spelling; new
    /// keys go after them in the order given; keys not in `pairs` stay.
    pub fn set_provider(&mut self, name: &str, pairs: &[(&str, &str)]) {
        let key = self
            .find(name)
            .unwrap_or_else(|_| Value::String(name.to_string()));
        let entry = self.doc.entry(key).or_insert(Value::Null);
        if !entry.is_mapping() {
            *entry = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(map) = entry else { return };
        for (k, v) in pairs {
            let existing = provider::lookup_key(map, k).cloned();
            let slot = existing.unwrap_or_else(|| Value::String((*k).to_string()));
            map.insert(slot, Value::String((*v).to_string()));
        }
    }

    /// Remove provider `name` (exact name only); true if it was there.
    pub fn remove_provider(&mut self, name: &str) -> bool {
        self.doc.shift_remove(name).is_some()
    }

    /// The document as YAML text.
    pub fn render(&self) -> Result<String, Error> {
        if self.doc.is_empty() {
            return Ok(String::new());
        }
        serde_yaml_ng::to_string(&self.doc).map_err(|source| Error::Render {
            path: self.path.clone(),
            source,
        })
    }

    /// Write the document to [`ConfigFile::path`] atomically, mode 0600.
    /// A missing directory is created with mode 0700. If the path is a
    /// symlink its target is replaced, so dotfile managers keep working.
    pub fn save(&self) -> Result<(), Error> {
        let text = self.render()?;
        let target = safe_file::resolve_symlinks(&self.path)?;
        // A missing directory is created private; an existing one (perhaps
        // a dotfiles repository the file links into) is left as it is.
        let dir = safe_file::parent_dir(&target);
        if !dir.is_dir() {
            safe_file::private_dir(dir)?;
        }
        safe_file::write_atomic(&target, text.as_bytes(), 0o600)?;
        Ok(())
    }
}

/// Read `dir/config.yaml` as text.
fn read(dir: &Path) -> Result<(PathBuf, String), Error> {
    let path = config_path(dir);
    let Some(bytes) = safe_file::read_capped(&path, safe_file::caps::CONFIG)? else {
        return Err(Error::NotFound { path });
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::NotUtf8 { path: path.clone() })?;
    Ok((path, text))
}

/// Which provider a name means.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// The one at this index.
    One(usize),
    None,
    /// These, all equal to the name ignoring case.
    Several(Vec<usize>),
}

/// The provider `name` among `names` (in file order; `None` for keys that
/// are not names): the exact name, else the one name equal to it ignoring
/// case (viper lowercased the names the Go tool wrote, so `get-cred MyOp`
/// must still find `myop`).
fn find_name<'a>(names: impl Iterator<Item = Option<&'a str>>, name: &str) -> Found {
    let lower = name.to_lowercase();
    let mut folded = Vec::new();
    for (i, text) in names.enumerate() {
        match text {
            Some(text) if text == name => return Found::One(i),
            Some(text) if text.to_lowercase() == lower => folded.push(i),
            _ => {}
        }
    }
    match folded.len() {
        0 => Found::None,
        1 => Found::One(folded[0]),
        _ => Found::Several(folded),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        ClientAuthMethod, FederationType, TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_ID_TOKEN,
    };
    use super::*;

    fn fixture_dir(case: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/config")
            .join(case)
    }

    fn parse(text: &str) -> ConfigFile {
        ConfigFile::parse(text, Path::new("/c/config.yaml")).unwrap()
    }

    #[test]
    fn go_oidc_fixture_loads_with_string_values() {
        let cfg = ConfigFile::load(&fixture_dir("go-oidc")).unwrap();
        assert_eq!(cfg.providers(), ["google"]);
        let p = cfg.provider("google").unwrap();
        assert_eq!(p.federation_type, FederationType::Oidc);
        assert_eq!(
            p.metadata_url,
            "https://accounts.google.com/.well-known/openid-configuration"
        );
        assert_eq!(p.max_session_duration_seconds, Some(3600));
        assert!(!p.insecure_skip_verify);
        assert_eq!(p.role_session_name.as_deref(), Some("alice@example.com"));
        assert_eq!(
            p.default_iam_role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/developer")
        );
        assert!(p.client_secret.is_some());
        assert_eq!(p.client_auth_cert, None);
        assert_eq!(p.additional_query, None);
    }

    #[test]
    fn go_keycloak_saml_fixture_loads_without_insecure_skip_verify() {
        let p = ConfigFile::load(&fixture_dir("go-keycloak-saml"))
            .unwrap()
            .provider("myop")
            .unwrap();
        assert_eq!(p.federation_type, FederationType::Saml2);
        assert_eq!(p.max_session_duration_seconds, Some(43200));
        assert!(!p.insecure_skip_verify);
        assert!(p.client_secret.is_none());
        assert_eq!(
            p.token_exchange_audience.as_deref(),
            Some("urn:amazon:webservices")
        );
        assert_eq!(
            p.token_exchange_subject_token_type.map(|t| t.urn()),
            Some(TOKEN_TYPE_ACCESS_TOKEN)
        );
    }

    #[test]
    fn native_types_fixture_loads_new_keys() {
        let cfg = ConfigFile::load(&fixture_dir("native-types")).unwrap();
        let dev = cfg.provider("dev").unwrap();
        assert_eq!(dev.max_session_duration_seconds, Some(7200));
        assert_eq!(dev.loopback_port, 8912);
        assert_eq!(dev.login_timeout_seconds, 120);
        assert_eq!(dev.refresh_margin_minutes, Some(10));
        assert_eq!(dev.scopes, ["offline_access", "profile"]);
        assert_eq!(dev.aws_region.as_deref(), Some("eu-west-1"));
        assert_eq!(dev.role_session_name_claim.as_deref(), Some("email"));
        assert_eq!(dev.client_auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(dev.ca_bundle, Some(PathBuf::from("/etc/ssl/corp-ca.pem")));
        assert_eq!(dev.secret_store.map(|s| s.as_str()), Some("keyring"));
        assert_eq!(
            cfg.get_raw("dev", "x_future_key").as_deref(),
            Some("kept but ignored")
        );
        let saml = cfg.provider("saml").unwrap();
        assert!(saml.insecure_skip_verify);
        assert_eq!(
            saml.token_exchange_subject_token_type.map(|t| t.urn()),
            Some(TOKEN_TYPE_ID_TOKEN)
        );
        assert_eq!(saml.scopes, ["offline_access", "groups"]);
    }

    #[test]
    fn dotted_names_fixture_finds_names_with_dots_and_capitals() {
        let cfg = ConfigFile::load(&fixture_dir("dotted-names")).unwrap();
        assert_eq!(
            cfg.providers(),
            ["corp.example.com", "MyOp.Prod", "myop.staging"]
        );
        assert_eq!(cfg.provider("corp.example.com").unwrap().client_id, "corp");
        assert_eq!(cfg.provider("MyOp.Prod").unwrap().client_id, "prod");
        // Case-insensitive fallback, reporting the name as the file spells it.
        let p = cfg.provider("myop.prod").unwrap();
        assert_eq!(
            (p.name.as_str(), p.client_id.as_str()),
            ("MyOp.Prod", "prod")
        );
        assert_eq!(cfg.provider("MYOP.STAGING").unwrap().client_id, "staging");
    }

    #[test]
    fn empty_strings_fixture_means_everything_unset() {
        let p = ConfigFile::load(&fixture_dir("empty-strings"))
            .unwrap()
            .provider("blank")
            .unwrap();
        assert!(!p.insecure_skip_verify);
        assert_eq!(p.login_timeout_seconds, 300);
        assert_eq!(p.loopback_port, 0);
        assert_eq!(p.client_auth_method, ClientAuthMethod::ClientSecretPost);
        assert!(p.scopes.is_empty());
        assert!(p.client_secret.is_none());
        assert_eq!(
            (
                p.max_session_duration_seconds,
                p.refresh_margin_minutes,
                p.secret_store
            ),
            (None, None, None)
        );
        assert_eq!(
            (p.role_session_name.as_deref(), p.aws_region.as_deref()),
            (None, None)
        );
        assert_eq!(
            (p.ca_bundle.as_ref(), p.client_auth_ca.as_ref()),
            (None, None)
        );
        assert_eq!(p.token_exchange_subject_token_type, None);
    }

    #[test]
    fn malformed_fixture_gives_one_line_error_with_path_and_line() {
        let dir = fixture_dir("malformed");
        let e = ConfigFile::load(&dir).unwrap_err();
        let Error::Syntax { line, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(*line, Some(4));
        let path = dir.join("config.yaml");
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("{}:4:", path.display())), "{msg}");
        let source = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_default();
        assert!(!source.is_empty());
        assert!(
            !msg.contains('\n') && !source.contains('\n'),
            "{msg}: {source}"
        );
    }

    #[test]
    fn missing_file_says_path_and_setup() {
        let tmp = tempfile::tempdir().unwrap();
        let e = ConfigFile::load(tmp.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "config file {} does not exist; create it with: aws-cli-oidc setup NAME",
                tmp.path().join("config.yaml").display()
            )
        );
        let empty = ConfigFile::load_or_empty(tmp.path()).unwrap();
        assert!(empty.providers().is_empty());
        assert_eq!(empty.path, tmp.path().join("config.yaml"));
    }

    #[test]
    fn empty_and_comment_only_files_have_no_providers() {
        assert!(parse("").providers().is_empty());
        assert!(parse("# nothing yet\n").providers().is_empty());
    }

    #[test]
    fn top_level_list_is_rejected() {
        let e = ConfigFile::parse("- a\n- b\n", Path::new("/c/config.yaml")).unwrap_err();
        assert!(
            matches!(
                e,
                Error::NotAMapOfProviders {
                    found: "a list",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn duplicate_provider_is_a_syntax_error_with_line() {
        let e = ConfigFile::parse(
            "a:\n  client_id: x\na:\n  client_id: y\n",
            Path::new("/c/config.yaml"),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Syntax { line: Some(_), .. }), "{e:?}");
    }

    /// `load_provider` gives what loading the whole file and asking for
    /// the provider gives: the same settings, the same errors.
    #[test]
    fn load_provider_reads_what_load_then_provider_reads() {
        let show = |r: Result<ProviderConfig, Error>| match r {
            Ok(p) => format!(
                "{p:?} secret={:?}",
                p.client_secret.as_ref().map(|s| s.expose().clone())
            ),
            Err(e) => format!("error: {e}"),
        };
        let mut plain_files = 0;
        for case in [
            "dotted-names",
            "empty-strings",
            "go-keycloak-saml",
            "go-oidc",
            "malformed",
            "native-types",
        ] {
            let dir = fixture_dir(case);
            let text = std::fs::read_to_string(config_path(&dir)).unwrap();
            plain_files += usize::from(plain::parse(&text).is_some());
            let mut names = ConfigFile::load(&dir).map_or(Vec::new(), |f| f.providers());
            names.extend(names.iter().map(|n| n.to_uppercase()).collect::<Vec<_>>());
            names.push("not-there".to_string());
            for name in names {
                let whole = ConfigFile::load(&dir).and_then(|f| f.provider(&name));
                assert_eq!(
                    show(ConfigFile::load_provider(&dir, &name)),
                    show(whole),
                    "{case}: {name}"
                );
            }
        }
        // The Go tool's files and hand-written ones take the fast path.
        assert!(plain_files >= 3, "{plain_files}");
        let missing = ConfigFile::load_provider(Path::new("/nonexistent/dir"), "a");
        assert!(matches!(missing, Err(Error::NotFound { .. })));
    }

    #[test]
    fn unknown_provider_lists_configured_ones() {
        let cfg = parse("a:\n  client_id: x\nb:\n  client_id: y\n");
        let e = cfg.provider("c").unwrap_err();
        let Error::ProviderNotFound { configured, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(configured, &["a", "b"]);
        assert!(e.to_string().contains("aws-cli-oidc setup c"));
    }

    #[test]
    fn provider_names_differing_only_in_case_are_ambiguous_unless_exact() {
        let cfg = parse("Dev:\n  client_id: x\nDEV:\n  client_id: y\n");
        assert!(matches!(
            cfg.provider("dev").unwrap_err(),
            Error::AmbiguousProvider { .. }
        ));
        // An exact match wins over case-insensitive ones.
        assert!(!matches!(
            cfg.provider("DEV").unwrap_err(),
            Error::AmbiguousProvider { .. }
        ));
    }

    #[test]
    fn provider_that_is_not_a_map_is_reported() {
        let e = parse("a: hello\n").provider("a").unwrap_err();
        assert!(
            matches!(
                e,
                Error::ProviderNotAMap {
                    found: "a string",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn debug_does_not_show_secrets() {
        let cfg = ConfigFile::load(&fixture_dir("go-oidc")).unwrap();
        assert!(!format!("{cfg:?}").contains("GOCSPX"));
    }

    #[test]
    fn set_provider_keeps_other_providers_and_unknown_keys() {
        let mut cfg = parse("a:\n  client_id: x\n  x_custom: keep\nb:\n  client_id: y\n");
        cfg.set_provider(
            "a",
            &[
                ("client_id", "new"),
                ("max_session_duration_seconds", "3600"),
                ("client_secret", ""),
            ],
        );
        let text = cfg.render().unwrap();
        let back = parse(&text);
        assert_eq!(back.providers(), ["a", "b"]);
        assert_eq!(back.get_raw("a", "client_id").as_deref(), Some("new"));
        assert_eq!(back.get_raw("a", "x_custom").as_deref(), Some("keep"));
        assert_eq!(back.get_raw("b", "client_id").as_deref(), Some("y"));
        assert_eq!(back.get_raw("a", "client_secret"), None);
        // Written as strings, as the Go tool does, in insertion order.
        assert_eq!(
            text,
            "a:\n  client_id: new\n  x_custom: keep\n  max_session_duration_seconds: '3600'\n  client_secret: ''\nb:\n  client_id: y\n"
        );
    }

    #[test]
    fn set_provider_updates_lowercased_name_instead_of_duplicating() {
        let mut cfg = parse("myop:\n  client_id: x\n");
        cfg.set_provider("MyOp", &[("client_id", "y")]);
        assert_eq!(cfg.providers(), ["myop"]);
        assert_eq!(cfg.get_raw("myop", "client_id").as_deref(), Some("y"));
    }

    #[test]
    fn set_provider_adds_new_provider_at_the_end_and_it_validates() {
        let mut cfg = ConfigFile::load(&fixture_dir("go-keycloak-saml")).unwrap();
        cfg.set_provider(
            "corp.example.com",
            &[
                (
                    "oidc_provider_metadata_url",
                    "https://corp.example.com/.well-known/openid-configuration",
                ),
                ("client_id", "corp"),
                ("aws_federation_type", "oidc"),
                ("insecure_skip_verify", "false"),
                ("max_session_duration_seconds", "3600"),
            ],
        );
        let back = parse(&cfg.render().unwrap());
        assert_eq!(back.providers(), ["myop", "corp.example.com"]);
        let p = back.provider("corp.example.com").unwrap();
        assert_eq!(p.max_session_duration_seconds, Some(3600));
        assert_eq!(
            back.provider("myop").unwrap().max_session_duration_seconds,
            Some(43200)
        );
    }

    #[test]
    fn set_provider_replaces_an_empty_entry() {
        let mut cfg = parse("a:\n");
        cfg.set_provider("a", &[("client_id", "x")]);
        assert_eq!(cfg.get_raw("a", "client_id").as_deref(), Some("x"));
    }

    #[test]
    fn every_fixture_round_trips_to_the_same_document() {
        for case in [
            "go-oidc",
            "go-keycloak-saml",
            "native-types",
            "dotted-names",
            "empty-strings",
        ] {
            let cfg = ConfigFile::load(&fixture_dir(case)).unwrap();
            let again = parse(&cfg.render().unwrap());
            assert_eq!(again.doc, cfg.doc, "{case}");
        }
    }

    #[test]
    fn remove_provider_removes_only_that_one() {
        let mut cfg = parse("a:\n  client_id: x\nb:\n  client_id: y\n");
        assert!(cfg.remove_provider("a"));
        assert!(!cfg.remove_provider("a"));
        assert_eq!(cfg.providers(), ["b"]);
    }

    #[cfg(unix)]
    #[test]
    fn save_creates_private_dir_and_file_atomically() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested/.aws-cli-oidc");
        let mut cfg = ConfigFile::load_or_empty(&dir).unwrap();
        cfg.set_provider("p", &[("client_id", "x")]);
        cfg.save().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("config.yaml")), 0o600);
        let loaded = ConfigFile::load(&dir).unwrap();
        assert_eq!(loaded.get_raw("p", "client_id").as_deref(), Some("x"));
        // Only config.yaml is left behind: the temp file was renamed.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn save_through_symlink_replaces_the_target() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("dotfiles");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("config.yaml"), "a:\n  client_id: x\n").unwrap();
        let dir = tmp.path().join("cfg");
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(real.join("config.yaml"), dir.join("config.yaml")).unwrap();
        let mut cfg = ConfigFile::load(&dir).unwrap();
        cfg.set_provider("a", &[("client_id", "y")]);
        cfg.save().unwrap();
        assert!(
            std::fs::symlink_metadata(dir.join("config.yaml"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read_to_string(real.join("config.yaml"))
                .unwrap()
                .contains("client_id: y")
        );
    }
}
