//! The credential policy shared by `get-cred`, `login` and `refresh`: answer
//! from the cache when the credentials there are fresh, else renew silently
//! with the stored refresh token, else log in interactively.
//!
//! One process per provider does the renewal or login while parallel callers
//! wait on a per-provider lock and then read what it stored, so twenty
//! `credential_process` calls on a cold cache open one browser tab. The lock
//! is per provider, not per role, because providers rotate refresh tokens:
//! two concurrent refreshes with one token would make `oidc-provider` (and
//! Keycloak with revocation on) revoke the whole grant.
//!
//! Nothing here prints: notices go through [`Effects::notice`], and the
//! interactive login is a closure the command supplies.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::cache::{self, CredentialsEntry, RefreshTokenEntry, SecretStore};
use crate::config::ProviderConfig;
use crate::federation::{self, Effects, Outcome, Request};
use crate::oidc;
use crate::safe_file;
use crate::sts::Credentials;

/// What a caller allows and wants.
pub struct Plan<'a> {
    /// The provider.
    pub cfg: &'a ProviderConfig,
    /// `-r` and `-d`.
    pub req: &'a Request,
    /// The secret store, when one is usable.
    pub store: Option<&'a dyn SecretStore>,
    /// `<config dir>/locks`.
    pub locks_dir: &'a Path,
    /// Read and write AWS credentials in the store (`get-cred -s`).
    pub use_cached_credentials: bool,
    /// Try the stored refresh token before a login.
    pub allow_refresh: bool,
    /// A browser or a terminal can reach a person.
    pub allow_login: bool,
    /// The command to suggest when a login is needed but not allowed.
    pub login_hint: String,
    /// Called once when another process's login for this provider holds
    /// its lock, with how long this one will wait for it.
    pub on_wait: &'a dyn Fn(Duration),
}

/// Where the credentials came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The cache, without any network call.
    Cache,
    /// A silent refresh-token renewal.
    Refresh,
    /// An interactive login.
    Login,
}

/// Credentials and how they were obtained.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// The credentials.
    pub credentials: Credentials,
    /// The role they are for.
    pub role_arn: String,
    /// Where they came from.
    pub source: Source,
}

/// Errors of the policy layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Login, renewal or STS failed.
    #[error(transparent)]
    Federation(#[from] federation::Error),
    /// The secret store or the lock failed.
    #[error(transparent)]
    Cache(#[from] cache::Error),
    /// The login another process ran while we waited for it failed.
    #[error(
        "the login for provider {provider:?} in another aws-cli-oidc process failed: {message}; run the command again to retry"
    )]
    OtherLoginFailed {
        /// The provider.
        provider: String,
        /// The first line of that process's error.
        message: String,
    },
    /// No fresh credentials, no usable refresh token, and nobody to log in.
    #[error(
        "provider {provider:?} needs an interactive login, and there is no browser or terminal here to do it; run: {hint}"
    )]
    NeedsLogin {
        /// The provider.
        provider: String,
        /// The command to run.
        hint: String,
    },
}

impl Error {
    /// True when only an interactive login can help (`refresh` exits 3).
    pub fn needs_login(&self) -> bool {
        matches!(self, Error::NeedsLogin { .. })
    }
}

/// How long a caller waits for another process's login before giving up:
/// that login's own timeout plus slack for STS.
pub fn lock_timeout(cfg: &ProviderConfig) -> Duration {
    Duration::from_secs(cfg.login_timeout_seconds.saturating_add(30))
}

/// Obtain credentials by the plan. `login` runs the interactive login.
pub fn obtain(
    plan: &Plan<'_>,
    fx: &mut Effects<'_>,
    login: &mut dyn FnMut(&mut Effects<'_>) -> Result<Outcome, federation::Error>,
) -> Result<Obtained, Error> {
    let cfg = plan.cfg;
    let duration = federation::preflight(cfg, plan.req, fx.sts_env)?;
    let requested_role = plan
        .req
        .role_arn
        .as_deref()
        .or(cfg.default_iam_role_arn.as_deref());
    let key = cache::credentials_key(&cfg.name, requested_role.unwrap_or(""), duration);
    let margin = cache::refresh_margin(cfg.refresh_margin_minutes, duration);

    let cached = |store: &dyn SecretStore, now| -> Option<Obtained> {
        let entry = CredentialsEntry::from_json(&store.get(&key).ok()??)?;
        let role_ok = requested_role.is_none_or(|r| r == entry.role_arn);
        (role_ok && cache::is_fresh(entry.credentials.expiration, now, margin)).then_some(
            Obtained {
                credentials: entry.credentials,
                role_arn: entry.role_arn,
                source: Source::Cache,
            },
        )
    };
    let cache_store = plan.store.filter(|_| plan.use_cached_credentials);
    if let Some(hit) = cache_store.and_then(|s| cached(s, fx.now)) {
        return Ok(hit);
    }

    let lock = ProviderLock::take(cfg, plan.locks_dir, plan.on_wait)?;
    // Another process may have filled the cache while we waited.
    let now = time::OffsetDateTime::now_utc().max(fx.now);
    if let Some(hit) = cache_store.and_then(|s| cached(s, now)) {
        return Ok(hit);
    }
    lock.check_other_failure()?;

    let mut result = None;
    if plan.allow_refresh
        && let Some(store) = plan.store
    {
        result = renew(plan, store, duration, fx)?;
    }
    let (mut outcome, source) = match result {
        Some(outcome) => (outcome, Source::Refresh),
        None if plan.allow_login => match login(fx) {
            Ok(outcome) => (outcome, Source::Login),
            Err(e) => {
                lock.record_failure(&e.to_string());
                return Err(e.into());
            }
        },
        None => {
            return Err(Error::NeedsLogin {
                provider: cfg.name.clone(),
                hint: plan.login_hint.clone(),
            });
        }
    };
    lock.record_success();
    // What STS says about expiry is trusted only as far as we asked.
    let obtained = time::OffsetDateTime::now_utc().max(fx.now);
    outcome.credentials.expiration =
        cache::trusted_expiration(outcome.credentials.expiration, obtained, duration);
    if let Some(store) = plan.store {
        if source == Source::Login {
            save_refresh_token(store, cfg, &outcome, fx);
        }
        if plan.use_cached_credentials
            && let Err(e) =
                cache::put_credentials(store, &key, &outcome.role_arn, &outcome.credentials, fx.now)
        {
            (fx.notice)(&format!("could not cache the credentials: {e}"));
        }
    }
    Ok(Obtained {
        credentials: outcome.credentials,
        role_arn: outcome.role_arn,
        source,
    })
}

/// Silent renewal. `Ok(None)` means "no usable refresh token; log in" (or,
/// for `refresh`, "a login is needed"); each reason is one notice.
fn renew(
    plan: &Plan<'_>,
    store: &dyn SecretStore,
    duration: u32,
    fx: &mut Effects<'_>,
) -> Result<Option<Outcome>, Error> {
    let cfg = plan.cfg;
    let Some(refreshed) = refresh_stored(cfg, store, plan.allow_login, fx)? else {
        return Ok(None);
    };
    if let Some(why) = refreshed.unusable_for(cfg) {
        (fx.notice)(&format!("{why}; {}", next_step(plan.allow_login)));
        return Ok(None);
    }
    Ok(Some(federation::federate(
        cfg,
        plan.req,
        duration,
        &refreshed.grant,
        fx,
    )?))
}

/// What happens after a renewal that cannot be used.
fn next_step(allow_login: bool) -> &'static str {
    if allow_login {
        "logging in again"
    } else {
        "a new login is needed"
    }
}

/// Redeem the stored refresh token if it is bound to this provider's
/// current settings, storing a rotated one at once (the old one is spent).
/// `None` means "no usable refresh token; log in", after a notice saying
/// why. A provider that throttles beyond the retry budget is an error: a
/// login would meet the same limit. So is any other failure when no login
/// may follow (`refresh`): a provider that is down is no reason to ask for
/// one. The caller holds the provider's lock.
fn refresh_stored(
    cfg: &ProviderConfig,
    store: &dyn SecretStore,
    allow_login: bool,
    fx: &mut Effects<'_>,
) -> Result<Option<federation::Refreshed>, Error> {
    let next = next_step(allow_login);
    let entry = match cache::get_refresh_token(store, &cfg.name) {
        Ok(Some(entry)) => entry,
        Ok(None) => return Ok(None),
        Err(e) => {
            (fx.notice)(&format!("could not read the stored refresh token: {e}"));
            return Ok(None);
        }
    };
    if let Some(why) = binding_mismatch(cfg, &entry, fx) {
        (fx.notice)(&format!(
            "the stored refresh token for provider {:?} {why}; {next}",
            cfg.name
        ));
        return Ok(None);
    }
    let refreshed = match federation::refresh_grant(
        cfg,
        &entry.issuer,
        &entry.token_endpoint,
        &entry.refresh_token,
        fx,
    ) {
        Ok(refreshed) => refreshed,
        Err(federation::Error::Oidc(e)) if e.is_invalid_grant() => {
            // Expired, revoked or replayed: it will never work again.
            let _ = cache::delete_entry(store, &cache::refresh_token_key(&cfg.name));
            (fx.notice)(&format!(
                "the stored refresh token for provider {:?} was rejected ({e}); {next}",
                cfg.name
            ));
            return Ok(None);
        }
        Err(e) if crate::http::is_throttled(&e) || !allow_login => return Err(e.into()),
        Err(e) => {
            (fx.notice)(&format!("silent renewal failed: {e}"));
            return Ok(None);
        }
    };
    let grant = &refreshed.grant;
    let subject = grant.claims.as_ref().map(|c| c.sub.as_str());
    // After a refresh the ID token must name the person who logged in.
    if let (Some(login), Some(now)) = (entry.subject.as_deref(), subject)
        && login != now
    {
        let _ = cache::delete_entry(store, &cache::refresh_token_key(&cfg.name));
        (fx.notice)(&format!(
            "the provider's refresh answer names subject \"{}\", not the login's \"{}\"; {next}",
            crate::text::sanitize(now),
            crate::text::sanitize(login)
        ));
        return Ok(None);
    }
    // A rotated token replaces the old one before anything else can fail:
    // the old one is already spent.
    if let Some(rotated) = &grant.tokens.refresh_token {
        let new_entry = RefreshTokenEntry {
            refresh_token: rotated.clone(),
            metadata_url: cfg.metadata_url.clone(),
            subject: entry.subject.clone().or(subject.map(str::to_string)),
            saved_at: fx.now,
            ..entry.clone()
        };
        if let Err(e) = cache::put_refresh_token(store, &cfg.name, &new_entry, fx.now) {
            (fx.notice)(&format!("could not store the rotated refresh token: {e}"));
        }
    }
    Ok(Some(refreshed))
}

/// A grant for `plan`'s provider without federating it (for `roles`: the
/// SAML assertion's role list): a silent refresh when the stored token
/// allows it, else `login`, under the provider's lock. A new refresh token
/// is stored.
pub fn obtain_grant(
    plan: &Plan<'_>,
    fx: &mut Effects<'_>,
    login: &mut dyn FnMut(&mut Effects<'_>) -> Result<federation::Grant, federation::Error>,
) -> Result<(federation::Grant, Source), Error> {
    let cfg = plan.cfg;
    let lock = ProviderLock::take(cfg, plan.locks_dir, plan.on_wait)?;
    if plan.allow_refresh
        && let Some(store) = plan.store
        && let Some(refreshed) = refresh_stored(cfg, store, plan.allow_login, fx)?
    {
        match refreshed.unusable_for(cfg) {
            None => return Ok((refreshed.grant, Source::Refresh)),
            Some(why) => (fx.notice)(&format!("{why}; {}", next_step(plan.allow_login))),
        }
    }
    lock.check_other_failure()?;
    if !plan.allow_login {
        return Err(Error::NeedsLogin {
            provider: cfg.name.clone(),
            hint: plan.login_hint.clone(),
        });
    }
    let grant = match login(fx) {
        Ok(grant) => grant,
        Err(e) => {
            lock.record_failure(&e.to_string());
            return Err(e.into());
        }
    };
    lock.record_success();
    if let (Some(store), Some(token)) = (plan.store, &grant.tokens.refresh_token) {
        let issued = Issued {
            issuer: &grant.issuer,
            token_endpoint: &grant.token_endpoint,
            subject: grant.claims.as_ref().map(|c| c.sub.as_str()),
        };
        if let Err(e) = store_refresh_token(store, cfg, token, &issued, fx.now) {
            (fx.notice)(&format!("could not store the refresh token: {e}"));
        }
    }
    Ok((grant, Source::Login))
}

/// Why the stored refresh token may not be used with the provider's current
/// config, or `None` when it may. It is bound to the client and to the
/// metadata URL it was obtained through (and so to that issuer and token
/// endpoint): after a config change it is sent nowhere. An entry from before
/// the metadata URL was recorded is checked against a fresh discovery.
fn binding_mismatch(
    cfg: &crate::config::ProviderConfig,
    entry: &RefreshTokenEntry,
    fx: &Effects<'_>,
) -> Option<String> {
    if entry.client_id != cfg.client_id {
        return Some(format!(
            "was issued to client_id \"{}\", and the config now names \"{}\"",
            entry.client_id, cfg.client_id
        ));
    }
    if !entry.metadata_url.is_empty() {
        return (entry.metadata_url != cfg.metadata_url).then(|| {
            format!(
                "was obtained through {}, and oidc_provider_metadata_url is now {}",
                entry.metadata_url, cfg.metadata_url
            )
        });
    }
    match oidc::discover(fx.idp_http, &cfg.metadata_url) {
        Ok(m) if m.issuer == entry.issuer && m.token_endpoint == entry.token_endpoint => None,
        Ok(m) => Some(format!(
            "was issued by {} (token endpoint {}), and {} now names {} ({})",
            entry.issuer, entry.token_endpoint, cfg.metadata_url, m.issuer, m.token_endpoint
        )),
        Err(e) => Some(format!("cannot be checked against the provider ({e})")),
    }
}

fn save_refresh_token(
    store: &dyn SecretStore,
    cfg: &ProviderConfig,
    outcome: &Outcome,
    fx: &mut Effects<'_>,
) {
    let Some(token) = &outcome.refresh_token else {
        return;
    };
    let issued = Issued {
        issuer: &outcome.issuer,
        token_endpoint: &outcome.token_endpoint,
        subject: outcome.subject.as_deref(),
    };
    if let Err(e) = store_refresh_token(store, cfg, token, &issued, fx.now) {
        (fx.notice)(&format!("could not store the refresh token: {e}"));
    }
}

/// Where a refresh token came from, stored with it.
#[derive(Debug, Clone, Copy)]
pub struct Issued<'a> {
    /// The issuer (from discovery).
    pub issuer: &'a str,
    /// The token endpoint it is redeemed at.
    pub token_endpoint: &'a str,
    /// The login's ID-token `sub`, when there was an ID token.
    pub subject: Option<&'a str>,
}

/// Store the refresh token a login returned, bound to where it may be
/// redeemed (see [`RefreshTokenEntry`]). The caller holds the provider's
/// lock (see the module docs).
pub fn store_refresh_token(
    store: &dyn SecretStore,
    cfg: &ProviderConfig,
    token: &crate::secret::Secret<String>,
    issued: &Issued<'_>,
    now: time::OffsetDateTime,
) -> Result<(), cache::Error> {
    let entry = RefreshTokenEntry {
        refresh_token: token.clone(),
        token_endpoint: issued.token_endpoint.to_string(),
        client_id: cfg.client_id.clone(),
        issuer: issued.issuer.to_string(),
        metadata_url: cfg.metadata_url.clone(),
        subject: issued.subject.map(str::to_string),
        saved_at: now,
    };
    cache::put_refresh_token(store, &cfg.name, &entry, now)
}

/// The per-provider lock that every login and renewal takes (the provider
/// may rotate the refresh token), with a failure marker beside it: when a
/// login fails, the callers that waited for it fail with its reason instead
/// of each opening a browser tab of their own, one after another.
pub struct ProviderLock {
    provider: String,
    guard: cache::KeyLock,
    failure: PathBuf,
    wait_started: SystemTime,
}

impl ProviderLock {
    /// Take the lock of `cfg`'s provider, waiting at most [`lock_timeout`].
    /// `on_wait` is called once, with that timeout, when another process
    /// holds it (so the person can be told why nothing happens).
    pub fn take(
        cfg: &ProviderConfig,
        locks_dir: &Path,
        on_wait: &dyn Fn(Duration),
    ) -> Result<ProviderLock, Error> {
        let wait_started = SystemTime::now();
        let timeout = lock_timeout(cfg);
        let guard = cache::lock_or_wait(
            locks_dir,
            &cache::refresh_token_key(&cfg.name),
            timeout,
            &mut || on_wait(timeout),
        )?;
        let failure = guard.path().with_extension("failed");
        Ok(ProviderLock {
            provider: cfg.name.clone(),
            guard,
            failure,
            wait_started,
        })
    }

    /// Another process held the lock, so the cache may have been filled.
    pub fn waited(&self) -> bool {
        self.guard.waited()
    }

    /// `Err` with its reason when the login we waited for failed.
    pub fn check_other_failure(&self) -> Result<(), Error> {
        if !self.waited() {
            return Ok(());
        }
        match failed_since(&self.failure, self.wait_started) {
            Some(message) => Err(Error::OtherLoginFailed {
                provider: self.provider.clone(),
                message,
            }),
            None => Ok(()),
        }
    }

    /// Leave `message` (its first line) for the callers waiting.
    pub fn record_failure(&self, message: &str) {
        record_failure(&self.failure, message);
    }

    /// The login worked: no marker stays behind.
    pub fn record_success(&self) {
        let _ = std::fs::remove_file(&self.failure);
    }
}

/// Leave the reason a login failed beside the lock, for the callers that
/// were waiting for it. Messages carry no secrets (see `crate::secret`).
/// Replaced atomically: never written through a link someone put there.
fn record_failure(path: &Path, message: &str) {
    let first_line = message.lines().next().unwrap_or("");
    let _ = safe_file::write_atomic(path, first_line.as_bytes(), 0o600);
}

/// The recorded failure, if it happened at or after `since`.
fn failed_since(path: &Path, since: SystemTime) -> Option<String> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    let bytes = safe_file::read_capped(path, safe_file::caps::MARKER).ok()??;
    let text = String::from_utf8_lossy(&bytes);
    let line: String = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(500)
        .collect();
    Some(if line.is_empty() {
        "unknown error".to_string()
    } else {
        line
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_counts_only_for_callers_that_waited_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("refresh.p.failed");
        let before = SystemTime::now() - Duration::from_secs(5);
        assert_eq!(failed_since(&path, before), None, "no marker, no failure");
        record_failure(&path, "the provider refused the login: access_denied\nmore");
        assert_eq!(
            failed_since(&path, before).as_deref(),
            Some("the provider refused the login: access_denied")
        );
        let later = SystemTime::now() + Duration::from_secs(5);
        assert_eq!(
            failed_since(&path, later),
            None,
            "an old failure is not ours"
        );
    }
}
