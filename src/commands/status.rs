//! `status [--json]`: configured providers, the profiles we manage in the
//! AWS files with the time left before each expires, the secret store in use
//! and its cached entries, and warnings about the AWS files (static keys that
//! shadow our `credential_process`, modes wider than 0600, files botocore
//! would refuse).
//!
//! [`gather`] does the reading (files, directory listings, and a keyring
//! probe only when a provider says `secret_store: keyring`); [`render_human`]
//! and [`render_json`] are pure functions of what was gathered and `now`, so
//! the output can be tested with the clock fixed. The human output is the
//! answer to what the user asked, so it goes to stdout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use aws_cli_oidc::awsfiles::AwsPaths;
use aws_cli_oidc::awsfiles::document::{Document, FileKind};
use aws_cli_oidc::awsfiles::lint::{botocore_problems, shadowed_profiles};
use aws_cli_oidc::awsfiles::{ManagedSource, managed_in};
use aws_cli_oidc::cache::{
    self, CredentialsEntry, FileStore, INDEX_KEY, RefreshTokenEntry, SecretStore, StoreChoice,
    StoreKind,
};
use aws_cli_oidc::config::ConfigFile;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Ctx;
use aws_cli_oidc::cli::StatusArgs;

/// How long `status` lets the keyring answer: it is a quick look, and a
/// keyring that needs longer is reported as not answering.
const KEYRING_PROBE_TIMEOUT: Duration = Duration::from_millis(1500);

/// The version of the `--json` document; bumped only on incompatible changes.
const JSON_VERSION: u32 = 1;

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<ExitCode> {
    let inputs = Inputs {
        config_dir: ctx.config_dir()?,
        paths: ctx.aws_paths()?,
        now: OffsetDateTime::now_utc(),
    };
    let mut probe = |dir: &Path| -> Result<Box<dyn SecretStore>, String> {
        cache::open_store(StoreChoice::Keyring, dir, KEYRING_PROBE_TIMEOUT)
            .map(|o| o.store as Box<dyn SecretStore>)
            .map_err(|e| e.to_string())
    };
    let report = gather(&inputs, &mut probe);
    let now = OffsetDateTime::now_utc();
    let out = if args.json {
        render_json(&report, now)
    } else {
        // Profile names, markers and config values are read back from files
        // others may edit: no escape sequences reach the terminal.
        aws_cli_oidc::text::sanitize_lines(&render_human(&report, now)).into_owned()
    };
    print!("{out}");
    // A file we could not read makes the whole report doubtful: exit 1.
    Ok(if report.unreadable().next().is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

impl Report {
    /// The problems that keep config.yaml or an AWS file from being read
    /// (or config.yaml from being used); `status` shows them first and
    /// exits 1.
    pub fn unreadable(&self) -> impl Iterator<Item = &Warning> {
        let files = [
            &self.config_file,
            &self.aws_config_file,
            &self.aws_credentials_file,
        ];
        self.warnings.iter().filter(move |w| {
            w.kind == "config_error" && w.path.as_ref().is_some_and(|p| files.contains(&p))
        })
    }
}

/// Where to look.
pub struct Inputs {
    /// The config directory (config.yaml, cache/, locks/).
    pub config_dir: PathBuf,
    /// The AWS config and credentials files.
    pub paths: AwsPaths,
    /// The clock, for what is still fresh.
    pub now: OffsetDateTime,
}

/// Everything `status` shows, read once.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `config.yaml`.
    pub config_file: PathBuf,
    /// The AWS config file.
    pub aws_config_file: PathBuf,
    /// The AWS credentials file.
    pub aws_credentials_file: PathBuf,
    /// Providers in config.yaml, in file order.
    pub providers: Vec<ProviderRow>,
    /// Profiles we manage.
    pub profiles: Vec<ProfileRow>,
    /// The secret stores.
    pub secret_store: StoreRow,
    /// Cached entries in every store we looked at.
    pub cache_entries: Vec<EntryRow>,
    /// Problems found.
    pub warnings: Vec<Warning>,
}

/// One configured provider.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderRow {
    /// The name in config.yaml.
    pub name: String,
    /// `oidc` or `saml2`; `None` when the provider's settings are invalid.
    pub federation_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `default_iam_role_arn`.
    pub default_role: Option<String>,
    /// `secret_store` as configured (`auto` when unset).
    pub secret_store: String,
    /// The store this provider's secrets are in, as far as known without
    /// probing an `auto` keyring: `file`, `keyring`, `keyring unavailable`
    /// or `auto`.
    pub store_in_use: String,
}

/// One profile we manage.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRow {
    /// The profile name.
    pub profile: String,
    /// `credentials` (keys written by login) or `config` (credential_process).
    pub file: &'static str,
    /// The provider, from the marker or the command line.
    pub provider: Option<String>,
    /// The role, when known.
    pub role_arn: Option<String>,
    /// When the keys expire: the credentials file's keys, or for a
    /// `credential_process` profile the credentials cached for it (`-s`).
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    /// For a `credential_process` profile: the cache entry its `get-cred -s`
    /// reads, when one is cached.
    pub cache_key: Option<String>,
    /// The session duration: `-d` of the login or of the command line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `--config-dir` of a `credential_process` command line, when it
    /// points away from the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_dir: Option<PathBuf>,
}

/// The stores.
#[derive(Debug, Clone, Serialize)]
pub struct StoreRow {
    /// `<config dir>/cache`.
    pub cache_dir: PathBuf,
    /// `file` when `auto` remembered that the keyring failed (less than a
    /// day ago), else `None`.
    pub remembered: Option<&'static str>,
    /// `Some(true)` when a keyring provider made us probe and it answered,
    /// `Some(false)` when it did not, `None` when not probed.
    pub keyring_answered: Option<bool>,
}

/// One cached entry.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRow {
    /// The entry's key.
    pub key: String,
    /// `file` or `keyring`.
    pub store: &'static str,
    /// `credentials`, `refresh_token` or `unknown`.
    pub kind: &'static str,
    /// The provider whose key prefix it has, when configured.
    pub provider: Option<String>,
    /// The role of cached credentials.
    pub role_arn: Option<String>,
    /// When cached credentials expire.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    /// When a refresh token was stored.
    #[serde(with = "time::serde::rfc3339::option")]
    pub saved_at: Option<OffsetDateTime>,
}

/// A problem worth the user's attention.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Warning {
    /// `shadowing_keys`, `file_mode`, `botocore_refuses`, `config_error`,
    /// `keyring_unavailable` or `needs_login`.
    pub kind: &'static str,
    /// The file concerned.
    pub path: Option<PathBuf>,
    /// One line saying what is wrong and what to do.
    pub message: String,
}

fn warn(kind: &'static str, path: Option<&Path>, message: String) -> Warning {
    Warning {
        kind,
        path: path.map(Path::to_path_buf),
        message,
    }
}

/// A keyring opener: only called when a provider keeps secrets there
/// (`secret_store: keyring`, or `auto` without a remembered fallback).
pub type Probe<'a> = dyn FnMut(&Path) -> Result<Box<dyn SecretStore>, String> + 'a;

/// Read everything `status` shows. Never fails: what cannot be read becomes
/// a warning.
pub fn gather(inputs: &Inputs, probe: &mut Probe<'_>) -> Report {
    let mut warnings = Vec::new();
    let config_file = aws_cli_oidc::config::config_path(&inputs.config_dir);
    let cache_dir = cache::cache_dir(&inputs.config_dir);

    let mut providers = Vec::new();
    // Per provider: the default role and duration `get-cred` would use.
    let mut defaults: BTreeMap<String, (Option<String>, u32)> = BTreeMap::new();
    let remembered = cache::remembered_choice(&inputs.config_dir);
    let mut keyring: Option<Result<Box<dyn SecretStore>, String>> = None;
    match ConfigFile::load_or_empty(&inputs.config_dir) {
        Ok(file) => {
            for name in file.providers() {
                let row = match file.provider(&name) {
                    Ok(cfg) => {
                        let choice = cfg.secret_store.unwrap_or_default();
                        let setting = choice.as_str().to_string();
                        let in_use = match choice {
                            StoreChoice::File => "file".to_string(),
                            StoreChoice::Keyring => {
                                let answered = keyring
                                    .get_or_insert_with(|| probe(&inputs.config_dir))
                                    .is_ok();
                                if answered {
                                    "keyring".to_string()
                                } else {
                                    "keyring unavailable".to_string()
                                }
                            }
                            StoreChoice::Auto if remembered == Some(StoreKind::File) => {
                                "file".to_string()
                            }
                            // Credentials in files, refresh tokens in the keyring.
                            StoreChoice::Auto => {
                                let answered = keyring
                                    .get_or_insert_with(|| probe(&inputs.config_dir))
                                    .is_ok();
                                if answered { "file+keyring" } else { "file" }.to_string()
                            }
                        };
                        defaults.insert(
                            cfg.name.clone(),
                            (
                                cfg.default_iam_role_arn.clone(),
                                cfg.max_session_duration_seconds
                                    .unwrap_or(aws_cli_oidc::federation::DEFAULT_DURATION),
                            ),
                        );
                        ProviderRow {
                            name: cfg.name.clone(),
                            federation_type: Some(cfg.federation_type.as_str().to_string()),
                            client_id: Some(cfg.client_id.clone()),
                            default_role: cfg.default_iam_role_arn.clone(),
                            secret_store: setting,
                            store_in_use: in_use,
                        }
                    }
                    Err(e) => {
                        warnings.push(warn("config_error", Some(&config_file), e.to_string()));
                        ProviderRow {
                            name: name.clone(),
                            federation_type: None,
                            client_id: None,
                            default_role: None,
                            secret_store: "auto".into(),
                            store_in_use: "unknown".into(),
                        }
                    }
                };
                providers.push(row);
            }
        }
        Err(e) => warnings.push(warn("config_error", Some(&config_file), e.to_string())),
    }
    if let Some(Err(reason)) = &keyring {
        warnings.push(warn(
            "keyring_unavailable",
            Some(&config_file),
            format!("a provider has secret_store: keyring, but {reason}"),
        ));
    }

    // Cached entries: the file store always (listing needs no keyring), the
    // keyring only when it was probed for a provider that uses it.
    let names: Vec<String> = providers.iter().map(|p| p.name.clone()).collect();
    let files = FileStore::new(&cache_dir);
    let mut cache_entries = Vec::new();
    match files.list() {
        Ok(keys) => {
            let mut keys = keys.unwrap_or_default();
            keys.sort();
            for key in keys {
                if let Some(row) = entry_row(&files, "file", &key, &names) {
                    if let Ok(path) = files.path_of(&key) {
                        check_mode(&path, &mut warnings);
                    }
                    cache_entries.push(row);
                }
            }
        }
        Err(e) => warnings.push(warn("config_error", Some(&cache_dir), e.to_string())),
    }
    if let Some(Ok(store)) = &keyring {
        for key in keyring_keys(store.as_ref(), &names) {
            if let Some(row) = entry_row(store.as_ref(), "keyring", &key, &names) {
                cache_entries.push(row);
            }
        }
    }

    needs_login_warnings(&providers, &cache_entries, inputs.now, &mut warnings);
    check_mode(&config_file, &mut warnings);
    let paths = &inputs.paths;
    let credentials = read_aws_file(&paths.credentials, FileKind::Credentials, &mut warnings);
    let config = read_aws_file(&paths.config, FileKind::Config, &mut warnings);
    let mut profiles = managed_profiles(credentials.as_ref(), config.as_ref());
    link_cached(&mut profiles, &defaults, &cache_entries);
    shadow_warnings(paths, credentials.as_ref(), config.as_ref(), &mut warnings);

    Report {
        config_file,
        aws_config_file: paths.config.clone(),
        aws_credentials_file: paths.credentials.clone(),
        providers,
        profiles,
        secret_store: StoreRow {
            cache_dir,
            remembered: remembered.map(StoreKind::as_str),
            keyring_answered: keyring.as_ref().map(Result::is_ok),
        },
        cache_entries,
        warnings,
    }
}

/// Providers whose next `get-cred` needs a browser: no refresh token stored
/// and no cached credentials still fresh. Said before a cron job or an SDK
/// finds out.
fn needs_login_warnings(
    providers: &[ProviderRow],
    entries: &[EntryRow],
    now: OffsetDateTime,
    warnings: &mut Vec<Warning>,
) {
    for p in providers.iter().filter(|p| p.federation_type.is_some()) {
        let mine = |e: &&EntryRow| e.provider.as_deref() == Some(p.name.as_str());
        let has_refresh = entries
            .iter()
            .filter(mine)
            .any(|e| e.kind == "refresh_token");
        let has_fresh = entries
            .iter()
            .filter(mine)
            .any(|e| e.kind == "credentials" && e.expires.is_some_and(|t| t > now));
        if !has_refresh && !has_fresh {
            warnings.push(warn(
                "needs_login",
                None,
                format!(
                    "provider {:?} has no refresh token and no fresh cached credentials: its next get-cred or credential_process call needs a browser login; run: aws-cli-oidc get-cred -p {} -s",
                    p.name, p.name
                ),
            ));
        }
    }
}

/// Keys a keyring holds for us: the index's, plus each provider's refresh
/// token (the index may have lost it).
fn keyring_keys(store: &dyn SecretStore, providers: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = store
        .get(INDEX_KEY)
        .ok()
        .flatten()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| {
            v.get("entries")
                .and_then(|e| e.as_object())
                .map(|m| m.keys().cloned().collect())
        })
        .unwrap_or_default();
    keys.extend(providers.iter().map(|p| cache::refresh_token_key(p)));
    keys.sort();
    keys.dedup();
    keys
}

/// The provider a key belongs to, by its `refresh.<part>` / `creds.<part>.`
/// prefix.
fn provider_of(key: &str, providers: &[String]) -> Option<String> {
    providers
        .iter()
        .find(|p| {
            let refresh = cache::refresh_token_key(p);
            let part = refresh.strip_prefix("refresh.").unwrap_or("");
            key == refresh || key.starts_with(&format!("creds.{part}."))
        })
        .cloned()
}

fn entry_row(
    store: &dyn SecretStore,
    store_name: &'static str,
    key: &str,
    providers: &[String],
) -> Option<EntryRow> {
    // The index and the keyring probe hold no secrets and are not entries.
    if key == INDEX_KEY || key == "probe" {
        return None;
    }
    let text = store.get(key).ok().flatten()?;
    let mut row = EntryRow {
        key: key.to_string(),
        store: store_name,
        kind: "unknown",
        provider: provider_of(key, providers),
        role_arn: None,
        expires: None,
        saved_at: None,
    };
    if key.starts_with("creds.")
        && let Some(entry) = CredentialsEntry::from_json(&text)
    {
        row.kind = "credentials";
        row.role_arn = Some(entry.role_arn);
        row.expires = Some(entry.credentials.expiration);
    } else if key.starts_with("refresh.")
        && let Some(entry) = RefreshTokenEntry::from_json(&text)
    {
        row.kind = "refresh_token";
        row.saved_at = Some(entry.saved_at);
    }
    Some(row)
}

/// Warn when a file we care about is readable or writable by others.
fn check_mode(path: &Path, warnings: &mut Vec<Warning>) {
    if let Some(mode) = aws_cli_oidc::safe_file::wider_than_private(path) {
        warnings.push(warn(
            "file_mode",
            Some(path),
            format!(
                "{}: mode {mode:04o} is wider than 0600, so other users may read it; run: chmod 600 {}",
                path.display(),
                path.display()
            ),
        ));
    }
}

/// Read one AWS file: mode check, botocore check, parse. `None` when missing
/// or unreadable (then a warning says why).
fn read_aws_file(path: &Path, kind: FileKind, warnings: &mut Vec<Warning>) -> Option<Document> {
    let text =
        match aws_cli_oidc::safe_file::read_capped(path, aws_cli_oidc::safe_file::caps::AWS_FILE) {
            Ok(None) => return None,
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    warnings.push(warn(
                        "botocore_refuses",
                        Some(path),
                        format!(
                            "{}: not valid UTF-8; botocore cannot read it",
                            path.display()
                        ),
                    ));
                    return None;
                }
            },
            Err(e) => {
                warnings.push(warn("config_error", Some(path), e.to_string()));
                return None;
            }
        };
    check_mode(path, warnings);
    for problem in botocore_problems(&text) {
        warnings.push(warn(
            "botocore_refuses",
            Some(path),
            format!(
                "{}: {problem}; botocore refuses the whole file (\"Unable to parse config file\"): fix it by hand",
                path.display()
            ),
        ));
    }
    let doc = Document::parse(&text);
    match doc.profiles(kind) {
        Ok(_) => Some(doc),
        Err(e) => {
            warnings.push(warn(
                "botocore_refuses",
                Some(path),
                format!(
                    "{}; AWS tools cannot read this file: fix it by hand",
                    e.with_path(path)
                ),
            ));
            None
        }
    }
}

/// Give each `credential_process` profile the expiry of the credentials
/// its `get-cred -s` would answer from: the cache key is made of the
/// provider, the role (`-r`, else the provider's default) and the duration
/// (`-d`, else `max_session_duration_seconds`, else 3600).
fn link_cached(
    profiles: &mut [ProfileRow],
    defaults: &BTreeMap<String, (Option<String>, u32)>,
    entries: &[EntryRow],
) {
    for row in profiles.iter_mut().filter(|r| r.file == "config") {
        let Some(provider) = row.provider.as_deref() else {
            continue;
        };
        let Some((default_role, default_duration)) = defaults.get(provider) else {
            continue;
        };
        let Some(role) = row.role_arn.clone().or_else(|| default_role.clone()) else {
            continue;
        };
        let duration = row.duration.unwrap_or(*default_duration);
        let key = cache::credentials_key(provider, &role, duration);
        if let Some(entry) = entries
            .iter()
            .find(|e| e.key == key && e.role_arn.as_deref() == Some(role.as_str()))
        {
            row.expires = entry.expires;
            row.cache_key = Some(key);
        }
        if row.role_arn.is_none() {
            row.role_arn = Some(role);
        }
    }
}

/// The profiles we manage, as rows.
fn managed_profiles(credentials: Option<&Document>, config: Option<&Document>) -> Vec<ProfileRow> {
    managed_in(credentials, config)
        .into_iter()
        .map(|m| match m.source {
            ManagedSource::Credentials {
                provider,
                role_arn,
                expires,
                duration,
            } => ProfileRow {
                profile: m.profile,
                file: "credentials",
                provider: Some(provider),
                role_arn,
                expires,
                cache_key: None,
                duration,
                config_dir: None,
            },
            ManagedSource::CredentialProcess { spec } => ProfileRow {
                profile: m.profile,
                file: "config",
                provider: Some(spec.provider).filter(|p| !p.is_empty()),
                role_arn: spec.role_arn,
                expires: None,
                cache_key: None,
                duration: spec.duration,
                config_dir: spec.config_dir,
            },
        })
        .collect()
}

/// botocore reads the credentials file before it runs a `credential_process`,
/// so keys there for the same profile win and our command never runs.
fn shadow_warnings(
    paths: &AwsPaths,
    credentials: Option<&Document>,
    config: Option<&Document>,
    warnings: &mut Vec<Warning>,
) {
    for shadow in shadowed_profiles(credentials, config) {
        let whose = if shadow.written_by_login {
            "keys written by aws-cli-oidc login"
        } else {
            "static keys"
        };
        let name = shadow.profile;
        warnings.push(warn(
            "shadowing_keys",
            Some(&paths.credentials),
            format!(
                "{}: profile [{name}] holds {whose}, which botocore uses instead of running the credential_process of that profile in {}; remove them, or rerun install-profile --profile {name} with --force",
                paths.credentials.display(),
                paths.config.display()
            ),
        ));
    }
}

/// The time until `expires`: `42m`, `3h05m`, `2d4h`, or `expired 3m ago`.
pub fn time_left(expires: OffsetDateTime, now: OffsetDateTime) -> String {
    let secs = (expires - now).whole_seconds();
    if secs > 0 {
        span(secs)
    } else {
        format!("expired {} ago", span(-secs))
    }
}

fn span(secs: i64) -> String {
    let mins = secs / 60;
    match mins {
        0 => "<1m".to_string(),
        1..60 => format!("{mins}m"),
        60..1440 => format!("{}h{:02}m", mins / 60, mins % 60),
        _ => format!("{}d{}h", mins / 1440, (mins % 1440) / 60),
    }
}

/// Columns padded to their widest cell, two spaces apart, indented by two;
/// the last column is not padded, so no line ends in spaces.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            line.push(' ');
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(width.saturating_sub(cell.chars().count()) + 1));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn or_dash(v: Option<&str>) -> String {
    v.unwrap_or("-").to_string()
}

/// The human report.
pub fn render_human(r: &Report, now: OffsetDateTime) -> String {
    let mut out = String::new();
    let unreadable: Vec<&Warning> = r.unreadable().collect();
    if !unreadable.is_empty() {
        out.push_str(&format!("Problems ({})\n", unreadable.len()));
        for w in &unreadable {
            out.push_str(&format!("  - {}\n", w.message));
        }
        out.push('\n');
    }
    let config_unreadable = unreadable
        .iter()
        .any(|w| w.path.as_ref() == Some(&r.config_file));
    out.push_str(&format!("Providers ({})\n", r.config_file.display()));
    if r.providers.is_empty() && config_unreadable {
        out.push_str("  unknown: config.yaml could not be read (see Problems above)\n");
    } else if r.providers.is_empty() {
        out.push_str("  none; add one with: aws-cli-oidc setup NAME\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .providers
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    or_dash(p.federation_type.as_deref()),
                    or_dash(p.client_id.as_deref()),
                    or_dash(p.default_role.as_deref()),
                    if p.secret_store == p.store_in_use {
                        p.secret_store.clone()
                    } else {
                        format!("{} ({})", p.secret_store, p.store_in_use)
                    },
                ]
            })
            .collect();
        out.push_str(&table(
            &["NAME", "TYPE", "CLIENT", "DEFAULT ROLE", "SECRET STORE"],
            &rows,
        ));
    }

    out.push_str(&format!(
        "\nProfiles ({}, {})\n",
        r.aws_credentials_file.display(),
        r.aws_config_file.display()
    ));
    if r.profiles.is_empty() {
        out.push_str("  none; write one with: aws-cli-oidc login --profile NAME -p PROVIDER\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .profiles
            .iter()
            .map(|p| {
                vec![
                    p.profile.clone(),
                    match p.file {
                        "credentials" => "credentials (login)".to_string(),
                        _ => "config (credential_process)".to_string(),
                    },
                    or_dash(p.provider.as_deref()),
                    or_dash(p.role_arn.as_deref()),
                    match (p.file, p.expires) {
                        ("config", Some(e)) => format!("{} (cached)", time_left(e, now)),
                        (_, Some(e)) => time_left(e, now),
                        ("credentials", None) => "unknown".to_string(),
                        _ => "on demand".to_string(),
                    },
                ]
            })
            .collect();
        out.push_str(&table(
            &["PROFILE", "FILE", "PROVIDER", "ROLE", "EXPIRES"],
            &rows,
        ));
    }

    out.push_str(&format!(
        "\nSecret store ({})\n",
        r.secret_store.cache_dir.display()
    ));
    let remembered = match r.secret_store.remembered {
        Some(kind) => format!(
            "  auto: {kind} (remembered: the keyring did not answer; probed again after a day)\n"
        ),
        None => "  auto: AWS credentials in files, refresh tokens in the keyring when it answers, else files\n".to_string(),
    };
    out.push_str(&remembered);
    match r.secret_store.keyring_answered {
        Some(true) => out.push_str("  keyring: answered\n"),
        Some(false) => out.push_str("  keyring: did not answer\n"),
        None => {}
    }
    if r.cache_entries.is_empty() {
        out.push_str("  no cached entries\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .cache_entries
            .iter()
            .map(|e| {
                vec![
                    e.key.clone(),
                    e.store.to_string(),
                    e.kind.replace('_', " "),
                    or_dash(e.provider.as_deref()),
                    or_dash(e.role_arn.as_deref()),
                    match (e.expires, e.saved_at) {
                        (Some(x), _) => time_left(x, now),
                        (None, Some(s)) => {
                            format!("saved {} ago", span((now - s).whole_seconds().max(0)))
                        }
                        (None, None) => "-".to_string(),
                    },
                ]
            })
            .collect();
        out.push_str(&table(
            &["KEY", "STORE", "KIND", "PROVIDER", "ROLE", "EXPIRES"],
            &rows,
        ));
    }

    out.push('\n');
    let rest: Vec<&Warning> = r
        .warnings
        .iter()
        .filter(|w| !unreadable.contains(w))
        .collect();
    if rest.is_empty() {
        out.push_str("No warnings\n");
    } else {
        out.push_str(&format!("Warnings ({})\n", rest.len()));
        for w in rest {
            out.push_str(&format!("  - {}\n", w.message));
        }
    }
    out
}

/// The `--json` document: the report plus `version`, `now` and each
/// profile's and entry's `seconds_left`.
pub fn render_json(r: &Report, now: OffsetDateTime) -> String {
    let mut value = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
    let left = |v: &mut serde_json::Value, field: &str| {
        if let Some(list) = v.get_mut(field).and_then(|l| l.as_array_mut()) {
            for item in list {
                let secs = item
                    .get("expires")
                    .and_then(|e| e.as_str())
                    .and_then(|e| OffsetDateTime::parse(e, &Rfc3339).ok())
                    .map(|e| (e - now).whole_seconds());
                if let Some(obj) = item.as_object_mut() {
                    obj.insert("seconds_left".into(), secs.into());
                }
            }
        }
    };
    left(&mut value, "profiles");
    left(&mut value, "cache_entries");
    if let Some(obj) = value.as_object_mut() {
        obj.insert("version".into(), JSON_VERSION.into());
        obj.insert("now".into(), aws_cli_oidc::output::rfc3339_utc(now).into());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// The fixture-time helpers, shared with `tests/cli/status.rs`.
#[cfg(test)]
#[path = "../../tests/support/fixture_time.rs"]
mod fixture_time;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-27 22:00:00 UTC);

    use super::fixture_time::copy_fixture;

    fn fixture_home(now: OffsetDateTime) -> tempfile::TempDir {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/status/home");
        copy_fixture(&src, tmp.path(), now);
        let creds = tmp.path().join(".aws/credentials");
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
        tmp
    }

    fn inputs(home: &Path) -> Inputs {
        Inputs {
            now: NOW,
            config_dir: home.join(".aws-cli-oidc"),
            paths: AwsPaths {
                config: home.join(".aws/config"),
                credentials: home.join(".aws/credentials"),
            },
        }
    }

    fn no_keyring(_: &Path) -> Result<Box<dyn SecretStore>, String> {
        panic!("no provider asked for the keyring, so it must not be probed")
    }

    #[test]
    fn human_output_of_the_fixture_matches_the_snapshot() {
        let home = fixture_home(NOW);
        let report = gather(&inputs(home.path()), &mut no_keyring);
        let root = home.path().to_string_lossy().into_owned();
        let out = render_human(&report, NOW).replace(&root, "$HOME");
        let expected_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/status/expected.txt");
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&expected_path, &out).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        assert_eq!(out, expected, "actual:\n{out}");
    }

    #[test]
    fn json_has_version_times_left_and_warning_kinds() {
        let home = fixture_home(NOW);
        let report = gather(&inputs(home.path()), &mut no_keyring);
        let v: serde_json::Value = serde_json::from_str(&render_json(&report, NOW)).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["now"], "2026-11-27T22:00:00Z");
        let dev = &v["profiles"][0];
        assert_eq!(dev["profile"], "dev");
        assert_eq!(dev["seconds_left"], 42 * 60 + 30);
        assert_eq!(v["profiles"][1]["seconds_left"], -(3 * 60 + 30));
        assert_eq!(v["profiles"][2]["file"], "config");
        // get-cred -s of that profile would answer from this cache entry.
        assert_eq!(v["profiles"][2]["seconds_left"], 12 * 60 + 30);
        assert_eq!(v["profiles"][2]["cache_key"], "creds.corp.1c91fd828a4e721e");
        assert_eq!(v["profiles"][0]["cache_key"], serde_json::Value::Null);
        let kinds: Vec<&str> = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "needs_login",
                "file_mode",
                "botocore_refuses",
                "shadowing_keys"
            ]
        );
        assert_eq!(v["secret_store"]["remembered"], "file");
    }

    #[test]
    fn keyring_provider_probes_once_and_lists_its_entries() {
        let home = fixture_home(NOW);
        let dir = home.path().join(".aws-cli-oidc");
        let yaml = std::fs::read_to_string(dir.join("config.yaml")).unwrap();
        let extra = "vault:\n  oidc_provider_metadata_url: https://idp.example.com/x\n  client_id: c\n  aws_federation_type: oidc\n  secret_store: keyring\n";
        std::fs::write(dir.join("config.yaml"), format!("{yaml}{extra}")).unwrap();
        let fake = home.path().join("fake-keyring");
        let mut calls = 0;
        let mut answering = |_: &Path| -> Result<Box<dyn SecretStore>, String> {
            calls += 1;
            let store = FileStore::new(&fake);
            let entry = RefreshTokenEntry {
                refresh_token: "t".to_string().into(),
                token_endpoint: "https://idp.example.com/token".into(),
                client_id: "c".into(),
                issuer: "https://idp.example.com".into(),
                metadata_url: "https://idp.example.com/x".into(),
                subject: None,
                saved_at: NOW - time::Duration::minutes(5),
            };
            cache::put_refresh_token(&store, "vault", &entry, NOW).map_err(|e| e.to_string())?;
            Ok(Box::new(store))
        };
        let report = gather(&inputs(home.path()), &mut answering);
        assert_eq!(calls, 1);
        let vault = report.providers.iter().find(|p| p.name == "vault").unwrap();
        assert_eq!(vault.store_in_use, "keyring");
        let entry = report
            .cache_entries
            .iter()
            .find(|e| e.store == "keyring")
            .unwrap();
        assert_eq!(
            (entry.key.as_str(), entry.kind, entry.provider.as_deref()),
            ("refresh.vault", "refresh_token", Some("vault"))
        );
        assert!(render_human(&report, NOW).contains("saved 5m ago"));

        let mut failing =
            |_: &Path| -> Result<Box<dyn SecretStore>, String> { Err("no D-Bus session".into()) };
        let report = gather(&inputs(home.path()), &mut failing);
        let vault = report.providers.iter().find(|p| p.name == "vault").unwrap();
        assert_eq!(vault.store_in_use, "keyring unavailable");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.kind == "keyring_unavailable" && w.message.contains("no D-Bus session"))
        );
    }

    #[test]
    fn nothing_configured_reads_as_empty_without_warnings() {
        let tmp = tempfile::tempdir().unwrap();
        let report = gather(&inputs(tmp.path()), &mut no_keyring);
        assert!(report.providers.is_empty() && report.profiles.is_empty());
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        let out = render_human(&report, NOW);
        assert!(out.contains("aws-cli-oidc setup NAME"), "{out}");
        assert!(out.ends_with("No warnings\n"), "{out}");
        assert!(
            !tmp.path().join(".aws-cli-oidc").exists(),
            "status created files"
        );
    }

    #[test]
    fn time_left_rounds_down_and_says_expired() {
        let t = |secs: i64| time_left(NOW + time::Duration::seconds(secs), NOW);
        assert_eq!(t(42 * 60 + 59), "42m");
        assert_eq!(t(30), "<1m");
        assert_eq!(t(3 * 3600 + 5 * 60), "3h05m");
        assert_eq!(t(2 * 86400 + 4 * 3600), "2d4h");
        assert_eq!(t(-3 * 60 - 10), "expired 3m ago");
        assert_eq!(t(0), "expired <1m ago");
    }

    #[test]
    fn table_aligns_columns_without_trailing_spaces() {
        let t = table(
            &["A", "BB"],
            &[vec!["xxx".into(), "y".into()], vec!["z".into(), "".into()]],
        );
        assert_eq!(t, "  A    BB\n  xxx  y\n  z\n");
    }
}
