//! What aws-cli-oidc keeps in the AWS files: login credentials in the
//! credentials file, `credential_process` stanzas in the config file, and the
//! list of profiles we manage. The `login`, `install-profile`, `refresh` and
//! `status` commands call these; they print nothing.

use std::path::Path;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::credential_process::{CredentialProcessSpec, is_ours};
use super::document::{Document, FileKind, check_profile_name};
use super::error::Error;
use super::location::{AwsPaths, Platform};
use super::store::{FileOutcome, StoreOptions, read_document, update};
use crate::sts::Credentials;

/// Marker key: the provider a managed credentials section came from.
pub const MARKER_PROVIDER: &str = "x_aws_cli_oidc_provider";
/// Marker key: the role a managed credentials section holds.
pub const MARKER_ROLE_ARN: &str = "x_aws_cli_oidc_role_arn";
/// Marker key: the session duration a login asked for with `-d`.
pub const MARKER_DURATION: &str = "x_aws_cli_oidc_duration";
/// When the session token expires (RFC 3339, UTC).
pub const EXPIRES_KEY: &str = "x_security_token_expires";

/// Keys that make a credentials section hold credentials (static or ours).
pub const CREDENTIAL_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// Everything a login writes for one profile.
#[derive(Debug, Clone)]
pub struct LoginWrite<'a> {
    /// The AWS profile (`default` allowed).
    pub profile: &'a str,
    /// The aws-cli-oidc provider name (marker value).
    pub provider: &'a str,
    /// The role assumed (marker value).
    pub role_arn: &'a str,
    /// The temporary credentials.
    pub credentials: &'a Credentials,
    /// Also set `region` in the config file's profile.
    pub region: Option<&'a str>,
    /// Overwrite a section that holds keys without our marker.
    pub force: bool,
    /// The `-d` the login used, so `refresh` renews for as long
    /// (`x_aws_cli_oidc_duration`); `None` leaves the provider's default.
    pub duration: Option<u32>,
}

/// What [`write_login_credentials`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    /// The credentials file.
    pub credentials: FileOutcome,
    /// The config file, when a region was given.
    pub config: Option<FileOutcome>,
    /// The config file's profile has a `credential_process`, which the static
    /// keys just written now shadow (the caller should warn).
    pub shadows_credential_process: bool,
}

/// What [`install_credential_process`] should write.
#[derive(Debug, Clone)]
pub struct InstallRequest<'a> {
    /// The AWS profile (`default` allowed).
    pub profile: &'a str,
    /// The full command line, from [`CredentialProcessSpec::to_command_line`].
    pub command_line: &'a str,
    /// Also set `region`.
    pub region: Option<&'a str>,
    /// Remove shadowing static keys from the credentials file and replace a
    /// foreign `credential_process`.
    pub force: bool,
}

/// What [`install_credential_process`] did (or, dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallOutcome {
    /// The config file.
    pub config: FileOutcome,
    /// The credentials file, when `force` removed shadowing keys.
    pub credentials: Option<FileOutcome>,
}

impl InstallOutcome {
    /// Whether any file changed (false on a repeated identical install).
    pub fn changed(&self) -> bool {
        self.config.changed || self.credentials.as_ref().is_some_and(|c| c.changed)
    }
}

/// What [`uninstall_credential_process`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UninstallOutcome {
    /// The config file.
    pub config: FileOutcome,
    /// There was no `credential_process` for the profile: nothing to do.
    pub not_installed: bool,
    /// The whole section went (it held nothing but our keys).
    pub removed_section: bool,
}

/// Where a managed profile's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagedSource {
    /// Keys written by `login` into the credentials file.
    Credentials {
        /// `x_aws_cli_oidc_provider`.
        provider: String,
        /// `x_aws_cli_oidc_role_arn`, when present.
        role_arn: Option<String>,
        /// `x_security_token_expires`, when present and valid.
        expires: Option<OffsetDateTime>,
        /// `x_aws_cli_oidc_duration`: the `-d` of the login, when given.
        duration: Option<u32>,
    },
    /// A `credential_process` stanza of ours in the config file.
    CredentialProcess {
        /// What the line asks for.
        spec: CredentialProcessSpec,
    },
}

/// A profile aws-cli-oidc manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedProfile {
    /// The profile name.
    pub profile: String,
    /// What holds it.
    pub source: ManagedSource,
}

/// Format an expiry the way we write it: RFC 3339, UTC, whole seconds, `Z`.
pub fn format_expiry(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

fn holds_keys(props: &[super::document::Property]) -> bool {
    props
        .iter()
        .any(|p| CREDENTIAL_KEYS.contains(&p.key.to_lowercase().as_str()))
}

fn has_marker(props: &[super::document::Property]) -> bool {
    props
        .iter()
        .any(|p| p.key.eq_ignore_ascii_case(MARKER_PROVIDER))
}

/// Write login credentials into `[profile]` of the credentials file (and
/// `region` into the config file when given).
pub fn write_login_credentials(
    paths: &AwsPaths,
    req: &LoginWrite<'_>,
    opts: &StoreOptions,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<LoginOutcome, Error> {
    check_profile_name(req.profile)?;
    let path = paths.credentials.clone();
    let (credentials, ()) = update(&paths.credentials, opts, on_wait, |doc| {
        apply_login(doc, req, &path)
    })?;
    let mut shadows = false;
    let config = match req.region {
        Some(region) => {
            let (outcome, has_cp) = update(&paths.config, opts, on_wait, |doc| {
                let section = doc.config_section_for(req.profile);
                doc.set(&section, "region", region)?;
                Ok(doc.get(&section, "credential_process")?.is_some())
            })?;
            shadows = has_cp;
            Some(outcome)
        }
        None => None,
    };
    if req.region.is_none()
        && let Some(doc) = read_document(&paths.config)?
    {
        let section = doc.config_section_for(req.profile);
        shadows = doc.get(&section, "credential_process")?.is_some();
    }
    Ok(LoginOutcome {
        credentials,
        config,
        shadows_credential_process: shadows,
    })
}

/// Install `credential_process = <command line>` (and `region`) into the
/// config file's profile. Refuses when static keys in the credentials file
/// would shadow it, unless `force`, which removes them under the lock.
/// Idempotent; with `opts.dry_run` it only returns diffs.
pub fn install_credential_process(
    paths: &AwsPaths,
    req: &InstallRequest<'_>,
    opts: &StoreOptions,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<InstallOutcome, Error> {
    check_profile_name(req.profile)?;
    let shadowed = match read_document(&paths.credentials)? {
        Some(doc) => doc.properties(req.profile)?.is_some_and(|p| holds_keys(&p)),
        None => false,
    };
    if shadowed && !req.force {
        return Err(shadow_error(&paths.credentials, req.profile));
    }
    let config_path = paths.config.clone();
    let (config, ()) = update(&paths.config, opts, on_wait, |doc| {
        let section = doc.config_section_for(req.profile);
        if let Some(existing) = doc.get(&section, "credential_process")?
            && !is_ours(&existing)
            && !req.force
        {
            return Err(Error::ForeignCredentialProcess {
                path: config_path.clone(),
                profile: req.profile.to_string(),
                action: "replace",
            });
        }
        doc.set(&section, "credential_process", req.command_line)?;
        if let Some(region) = req.region {
            doc.set(&section, "region", region)?;
        }
        Ok(())
    })?;
    let credentials = if shadowed {
        let (outcome, ()) = update(&paths.credentials, opts, on_wait, |doc| {
            remove_credentials(doc, req.profile)
        })?;
        Some(outcome)
    } else {
        None
    };
    Ok(InstallOutcome {
        config,
        credentials,
    })
}

fn shadow_error(path: &Path, profile: &str) -> Error {
    Error::ShadowingKeys {
        path: path.to_path_buf(),
        profile: profile.to_string(),
    }
}

/// Remove the credential keys (and our markers) from `[profile]`; the section
/// goes too when nothing else is left in it.
fn remove_credentials(doc: &mut Document, profile: &str) -> Result<(), Error> {
    for key in CREDENTIAL_KEYS
        .iter()
        .chain(&[EXPIRES_KEY, MARKER_PROVIDER, MARKER_ROLE_ARN])
    {
        doc.remove(profile, key)?;
    }
    if doc.properties(profile)?.is_some_and(|p| p.is_empty()) {
        doc.remove_section(profile)?;
    }
    Ok(())
}

/// Remove the `credential_process` we installed for `profile`; refuses when
/// the command is not ours. The section goes too when nothing but `region`
/// is left in it.
pub fn uninstall_credential_process(
    paths: &AwsPaths,
    profile: &str,
    opts: &StoreOptions,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<UninstallOutcome, Error> {
    check_profile_name(profile)?;
    let config_path = paths.config.clone();
    let (config, (not_installed, removed_section)) = update(&paths.config, opts, on_wait, |doc| {
        let section = doc.config_section_for(profile);
        let Some(existing) = doc.get(&section, "credential_process")? else {
            return Ok((true, false));
        };
        if !is_ours(&existing) {
            return Err(Error::ForeignCredentialProcess {
                path: config_path.clone(),
                profile: profile.to_string(),
                action: "remove",
            });
        }
        doc.remove(&section, "credential_process")?;
        // Only the line we installed goes. Every other key stays, a region
        // too: it may have been the user's before we came. A section left
        // with nothing in it is removed, since install created it.
        let empty = doc.properties(&section)?.is_some_and(|p| p.is_empty());
        if empty {
            doc.remove_section(&section)?;
        }
        Ok((false, empty))
    })?;
    Ok(UninstallOutcome {
        config,
        not_installed,
        removed_section,
    })
}

/// The profiles aws-cli-oidc manages: credentials sections with our marker
/// (first) and config profiles whose `credential_process` is ours. Reads
/// without locking (writers replace files atomically).
pub fn list_managed(paths: &AwsPaths) -> Result<Vec<ManagedProfile>, Error> {
    let credentials = read_document(&paths.credentials)?;
    let config = read_document(&paths.config)?;
    Ok(managed_in(credentials.as_ref(), config.as_ref()))
}

/// The profiles an AWS SDK sees in the two files (a missing file reads as
/// empty; the credentials file wins for a property set in both): for the
/// completion lister and `exec`'s check of `[default]`.
pub fn read_profiles(paths: &AwsPaths) -> Result<super::Profiles, Error> {
    let read = |path: &Path, kind| -> Result<super::Profiles, Error> {
        Ok(match read_document(path)? {
            Some(doc) => doc.profiles(kind).map_err(|e| e.with_path(path))?,
            None => super::Profiles::default(),
        })
    };
    Ok(super::Profiles::merge(
        read(&paths.config, FileKind::Config)?,
        read(&paths.credentials, FileKind::Credentials)?,
    ))
}

/// [`list_managed`] for documents already read; an unreadable one (see
/// [`Document::profiles`]) contributes nothing.
pub fn managed_in(
    credentials: Option<&Document>,
    config: Option<&Document>,
) -> Vec<ManagedProfile> {
    let mut out = Vec::new();
    if let Some(profiles) = credentials.and_then(|d| d.profiles(FileKind::Credentials).ok()) {
        for (name, props) in profiles.profiles {
            let Some(provider) = props.get(MARKER_PROVIDER) else {
                continue;
            };
            out.push(ManagedProfile {
                profile: name,
                source: ManagedSource::Credentials {
                    provider: provider.clone(),
                    role_arn: props.get(MARKER_ROLE_ARN).cloned(),
                    expires: props
                        .get(EXPIRES_KEY)
                        .and_then(|e| OffsetDateTime::parse(e, &Rfc3339).ok()),
                    duration: props.get(MARKER_DURATION).and_then(|d| d.parse().ok()),
                },
            });
        }
    }
    if let Some(profiles) = config.and_then(|d| d.profiles(FileKind::Config).ok()) {
        for (name, props) in profiles.profiles {
            if let Some(spec) = props
                .get("credential_process")
                .and_then(|cmd| CredentialProcessSpec::parse(cmd, Platform::current()))
            {
                out.push(ManagedProfile {
                    profile: name,
                    source: ManagedSource::CredentialProcess { spec },
                });
            }
        }
    }
    out
}

/// What [`write_login_credentials_many`] did for one profile.
#[derive(Debug)]
pub struct ProfileWritten {
    /// The profile.
    pub profile: String,
    /// `Ok` when its keys were written; otherwise why this profile alone was
    /// left unchanged (static keys without `force`, a duplicated section, an
    /// invalid name or value).
    pub result: Result<(), Error>,
    /// The config file's profile has a `credential_process`, which the keys
    /// just written now shadow (the caller should warn).
    pub shadows_credential_process: bool,
}

/// What [`write_login_credentials_many`] did.
#[derive(Debug)]
pub struct ManyOutcome {
    /// The credentials file.
    pub credentials: FileOutcome,
    /// The config file, when any request set a region.
    pub config: Option<FileOutcome>,
    /// One entry per request, in order.
    pub profiles: Vec<ProfileWritten>,
}

/// Set one login's keys in the credentials document, or fail without
/// touching it.
/// Refuse a credentials section that holds keys we did not write (they may
/// be someone's long-lived keys), unless `force`.
fn refuse_unmanaged(doc: &Document, profile: &str, force: bool, path: &Path) -> Result<(), Error> {
    if let Some((line, botocore)) = doc.botocore_credentials_name(profile)? {
        return Err(Error::BotocoreName {
            path: path.to_path_buf(),
            line,
            botocore: crate::text::sanitize(&botocore).into_owned(),
            profile: profile.to_string(),
        });
    }
    if let Some(props) = doc.properties(profile)?
        && holds_keys(&props)
        && !has_marker(&props)
        && !force
    {
        return Err(Error::StaticKeys {
            path: path.to_path_buf(),
            profile: profile.to_string(),
        });
    }
    Ok(())
}

/// Everything [`write_login_credentials`] would refuse, checked read-only
/// before a login, so a refusal never costs a browser round trip: an invalid
/// name, static keys without `force`, an unparsable or duplicated section,
/// a read-only file or directory. With `region` the config file is checked
/// the same way, so the two files are written both or neither for any
/// reason that can be known in advance.
pub fn check_login_target(
    paths: &AwsPaths,
    profile: &str,
    force: bool,
    region: Option<&str>,
) -> Result<(), Error> {
    check_profile_name(profile)?;
    let path = &paths.credentials;
    if let Some(doc) = read_document(path)? {
        refuse_unmanaged(&doc, profile, force, path).map_err(|e| e.with_path(path))?;
        // Finds a duplicated section of the profile before the login.
        doc.properties(profile).map_err(|e| e.with_path(path))?;
    }
    check_writable(path)?;
    if let Some(region) = region {
        let path = &paths.config;
        super::document::check_value("region", region)?;
        if let Some(doc) = read_document(path)? {
            doc.properties(&doc.config_section_for(profile))
                .map_err(|e| e.with_path(path))?;
        }
        check_writable(path)?;
    }
    Ok(())
}

/// What a login of several profiles at once (`--all-roles`, whose profile
/// names are known only after the login) can check first: both files
/// parse as the AWS files must, and can be replaced.
pub fn check_login_files(paths: &AwsPaths, region: Option<&str>) -> Result<(), Error> {
    read_document(&paths.credentials)?;
    check_writable(&paths.credentials)?;
    if let Some(region) = region {
        super::document::check_value("region", region)?;
        read_document(&paths.config)?;
        check_writable(&paths.config)?;
    }
    Ok(())
}

/// The file can be replaced: it is not read-only, or it is missing and its
/// nearest existing directory is not read-only.
fn check_writable(path: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let target = super::store::resolve_symlinks(path)?;
        let existing = target
            .ancestors()
            .find(|p| !p.as_os_str().is_empty() && std::fs::metadata(p).is_ok());
        if let Some(existing) = existing
            && let Ok(meta) = std::fs::metadata(existing)
        {
            let mode = meta.permissions().mode() & 0o7777;
            if mode & 0o200 == 0 {
                return Err(Error::ReadOnly {
                    path: existing.to_path_buf(),
                    mode,
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn apply_login(doc: &mut Document, req: &LoginWrite<'_>, path: &Path) -> Result<(), Error> {
    check_profile_name(req.profile)?;
    let section = req.profile;
    refuse_unmanaged(doc, section, req.force, path)?;
    let creds = req.credentials;
    let expires = format_expiry(creds.expiration);
    let mut edited = doc.clone();
    edited.set(section, "aws_access_key_id", creds.access_key_id.expose())?;
    edited.set(
        section,
        "aws_secret_access_key",
        creds.secret_access_key.expose(),
    )?;
    edited.set(section, "aws_session_token", creds.session_token.expose())?;
    edited.set(section, EXPIRES_KEY, &expires)?;
    edited.set(section, MARKER_PROVIDER, req.provider)?;
    edited.set(section, MARKER_ROLE_ARN, req.role_arn)?;
    match req.duration {
        Some(d) => {
            edited.set(section, MARKER_DURATION, &d.to_string())?;
        }
        None => {
            edited.remove(section, MARKER_DURATION)?;
        }
    }
    *doc = edited;
    Ok(())
}

/// Write several logins' credentials in ONE locked update of the
/// credentials file (and one of the config file when any request sets a
/// region), so a parallel writer sees all of them or none. A profile that
/// cannot be written (static keys without `force`, a duplicated section, an
/// invalid name) is reported in its [`ProfileWritten`] and the others are
/// still written; only a failure of the file itself (lock, read, parse,
/// write) is an `Err`.
pub fn write_login_credentials_many(
    paths: &AwsPaths,
    reqs: &[LoginWrite<'_>],
    opts: &StoreOptions,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<ManyOutcome, Error> {
    let path = paths.credentials.clone();
    let (credentials, results) = update(&paths.credentials, opts, on_wait, |doc| {
        Ok(reqs
            .iter()
            .map(|req| apply_login(doc, req, &path).map_err(|e| e.with_path(&path)))
            .collect::<Vec<_>>())
    })?;
    let written = |i: usize| results.get(i).is_some_and(Result::is_ok);
    let with_region: Vec<(usize, &LoginWrite<'_>)> = reqs
        .iter()
        .enumerate()
        .filter(|(i, r)| r.region.is_some() && written(*i))
        .collect();
    let mut shadows = vec![false; reqs.len()];
    let config = if with_region.is_empty() {
        if let Some(doc) = read_document(&paths.config)? {
            for (i, req) in reqs.iter().enumerate() {
                let section = doc.config_section_for(req.profile);
                shadows[i] = doc
                    .get(&section, "credential_process")
                    .ok()
                    .flatten()
                    .is_some();
            }
        }
        None
    } else {
        let (outcome, found) = update(&paths.config, opts, on_wait, |doc| {
            for (_, req) in &with_region {
                if let Some(region) = req.region {
                    let section = doc.config_section_for(req.profile);
                    doc.set(&section, "region", region)?;
                }
            }
            Ok(reqs
                .iter()
                .map(|req| {
                    let section = doc.config_section_for(req.profile);
                    doc.get(&section, "credential_process")
                        .ok()
                        .flatten()
                        .is_some()
                })
                .collect::<Vec<_>>())
        })?;
        shadows = found;
        Some(outcome)
    };
    let profiles = reqs
        .iter()
        .zip(results)
        .zip(shadows)
        .map(|((req, result), shadow)| ProfileWritten {
            profile: req.profile.to_string(),
            shadows_credential_process: result.is_ok() && shadow,
            result,
        })
        .collect();
    Ok(ManyOutcome {
        credentials,
        config,
        profiles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_utc_z() {
        let t = time::macros::datetime!(2026-11-27 22:00:00.5 +01:00);
        assert_eq!(format_expiry(t), "2026-11-27T21:00:00Z");
    }
}

#[cfg(test)]
mod many_tests {
    use super::*;
    use crate::secret::Secret;

    fn creds(tag: &str) -> Credentials {
        Credentials {
            access_key_id: Secret::new(format!("ASIA{tag}")),
            secret_access_key: Secret::new(format!("secret-{tag}")),
            session_token: Secret::new(format!("token-{tag}")),
            expiration: time::macros::datetime!(2026-11-27 23:00:00 UTC),
        }
    }

    fn paths(dir: &Path) -> AwsPaths {
        AwsPaths {
            config: dir.join("config"),
            credentials: dir.join("credentials"),
        }
    }

    fn login<'a>(profile: &'a str, c: &'a Credentials, region: Option<&'a str>) -> LoginWrite<'a> {
        LoginWrite {
            profile,
            provider: "idp",
            role_arn: "arn:aws:iam::123456789012:role/x",
            credentials: c,
            region,
            force: false,
            duration: None,
        }
    }

    #[test]
    fn a_header_botocore_reads_with_spaces_is_refused_before_and_at_the_write() {
        let tmp = tempfile::tempdir().unwrap();
        let p = paths(tmp.path());
        let text = "# mine\n[ dev ]\naws_access_key_id = ASIAOLD\nx_aws_cli_oidc_provider = idp\n";
        std::fs::write(&p.credentials, text).unwrap();
        let err = check_login_target(&p, "dev", false, None).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::BotocoreName { line: 2, .. }), "{msg}");
        assert!(
            msg.contains("[ dev ]") && msg.contains("rename the header to [dev]"),
            "{msg}"
        );
        let c = creds("N");
        let err = write_login_credentials(
            &p,
            &login("dev", &c, None),
            &StoreOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, Error::BotocoreName { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&p.credentials).unwrap(), text);
        // A header both read the same way is fine, comments after it too.
        std::fs::write(
            &p.credentials,
            "[dev] # note\naws_access_key_id = A\nx_aws_cli_oidc_provider = idp\n",
        )
        .unwrap();
        check_login_target(&p, "dev", false, None).unwrap();
    }

    #[test]
    fn many_writes_every_profile_and_reports_the_refused_one() {
        let tmp = tempfile::tempdir().unwrap();
        let p = paths(tmp.path());
        let before = "[b]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n";
        std::fs::write(&p.credentials, before).unwrap();
        let (ca, cb, cc) = (creds("A"), creds("B"), creds("C"));
        let reqs = [
            login("a", &ca, None),
            login("b", &cb, None),
            login("bad name", &cc, None),
            login("c", &cc, None),
        ];
        let mut waits = 0;
        let out =
            write_login_credentials_many(&p, &reqs, &StoreOptions::default(), &mut |_: &Path| {
                waits += 1
            })
            .unwrap();
        assert_eq!(waits, 0);
        assert!(out.credentials.changed && out.config.is_none());
        let results: Vec<(&str, bool)> = out
            .profiles
            .iter()
            .map(|w| (w.profile.as_str(), w.result.is_ok()))
            .collect();
        assert_eq!(
            results,
            [("a", true), ("b", false), ("bad name", false), ("c", true)]
        );
        assert!(matches!(
            out.profiles[1].result,
            Err(Error::StaticKeys { .. })
        ));
        let text = std::fs::read_to_string(&p.credentials).unwrap();
        assert!(text.starts_with(before), "static keys untouched:\n{text}");
        assert!(text.contains("[a]\naws_access_key_id = ASIAA\n"), "{text}");
        assert!(text.contains("[c]\naws_access_key_id = ASIAC\n"), "{text}");
        assert!(
            !text.contains("ASIAB") && !text.contains("bad name"),
            "{text}"
        );
        let listed: Vec<String> = list_managed(&p)
            .unwrap()
            .into_iter()
            .map(|m| m.profile)
            .collect();
        assert_eq!(listed, ["a", "c"]);
    }

    #[test]
    fn many_sets_regions_in_one_config_update_and_reports_shadowing() {
        let tmp = tempfile::tempdir().unwrap();
        let p = paths(tmp.path());
        std::fs::write(
            &p.config,
            "[profile b]\ncredential_process = aws-cli-oidc get-cred -p idp\n",
        )
        .unwrap();
        let (ca, cb) = (creds("A"), creds("B"));
        let reqs = [
            login("a", &ca, Some("eu-west-1")),
            login("b", &cb, Some("eu-west-1")),
        ];
        let out =
            write_login_credentials_many(&p, &reqs, &StoreOptions::default(), &mut |_: &Path| {})
                .unwrap();
        assert!(out.config.as_ref().is_some_and(|c| c.changed));
        let shadows: Vec<bool> = out
            .profiles
            .iter()
            .map(|w| w.shadows_credential_process)
            .collect();
        assert_eq!(shadows, [false, true]);
        let config = std::fs::read_to_string(&p.config).unwrap();
        assert!(
            config.contains("[profile a]\nregion = eu-west-1\n"),
            "{config}"
        );
        assert!(
            config.contains("get-cred -p idp\nregion = eu-west-1\n"),
            "{config}"
        );
    }
}
