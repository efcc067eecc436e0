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
    let (outcome, source) = match result {
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

/// Silent renewal. `Ok(None)` means "no usable refresh token; log in".
fn renew(
    plan: &Plan<'_>,
    store: &dyn SecretStore,
    duration: u32,
    fx: &mut Effects<'_>,
) -> Result<Option<Outcome>, Error> {
    let cfg = plan.cfg;
    let entry = match cache::get_refresh_token(store, &cfg.name) {
        Ok(Some(entry)) if entry.client_id == cfg.client_id => entry,
        Ok(_) => return Ok(None),
        Err(e) => {
            (fx.notice)(&format!("could not read the stored refresh token: {e}"));
            return Ok(None);
        }
    };
    let grant = match federation::refresh_grant(
        cfg,
        &entry.issuer,
        &entry.token_endpoint,
        &entry.refresh_token,
        fx,
    ) {
        Ok(grant) => grant,
        Err(federation::Error::Oidc(oidc::Error::TokenEndpoint {
            error: Some(code), ..
        })) if code == "invalid_grant" => {
            // Expired or revoked: it will never work again.
            let _ = cache::delete_entry(store, &cache::refresh_token_key(&cfg.name));
            (fx.notice)(&format!(
                "the stored refresh token for provider {:?} was rejected (invalid_grant); a new login is needed",
                cfg.name
            ));
            return Ok(None);
        }
        Err(e) => {
            (fx.notice)(&format!("silent renewal failed: {e}"));
            return Ok(None);
        }
    };
    // A rotated token replaces the old one before anything else can fail:
    // the old one is already spent.
    if let Some(rotated) = &grant.tokens.refresh_token {
        let new_entry = RefreshTokenEntry {
            refresh_token: rotated.clone(),
            token_endpoint: entry.token_endpoint.clone(),
            client_id: entry.client_id.clone(),
            issuer: entry.issuer.clone(),
            saved_at: fx.now,
        };
        if let Err(e) = cache::put_refresh_token(store, &cfg.name, &new_entry, fx.now) {
            (fx.notice)(&format!("could not store the rotated refresh token: {e}"));
        }
    }
    Ok(Some(federation::federate(
        cfg, plan.req, duration, &grant, fx,
    )?))
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
    if let Err(e) = store_refresh_token(
        store,
        cfg,
        token,
        &outcome.issuer,
        &outcome.token_endpoint,
        fx.now,
    ) {
        (fx.notice)(&format!("could not store the refresh token: {e}"));
    }
}

/// Store the refresh token a login returned, with where to redeem it. The
/// caller holds the provider's lock (see the module docs).
pub fn store_refresh_token(
    store: &dyn SecretStore,
    cfg: &ProviderConfig,
    token: &crate::secret::Secret<String>,
    issuer: &str,
    token_endpoint: &str,
    now: time::OffsetDateTime,
) -> Result<(), cache::Error> {
    let entry = RefreshTokenEntry {
        refresh_token: token.clone(),
        token_endpoint: token_endpoint.to_string(),
        client_id: cfg.client_id.clone(),
        issuer: issuer.to_string(),
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
    /// `on_wait` is called once, with that timeout, when another process's
    /// login holds it.
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
