//! The secret cache: where refresh tokens and short-lived AWS credentials are
//! kept between runs, so `get-cred -s` (botocore's `credential_process` hot
//! path) can answer from storage without a login or any network call.
//!
//! This module owns the storage layer and its primitives: the
//! [`SecretStore`] trait with a [`FileStore`] (one 0600 file per entry under
//! `<config dir>/cache/`), a [`KeyringStore`] (the OS keyring through
//! `keyring-core`) and the [`SplitStore`] of `auto` (credentials in files,
//! refresh tokens in the keyring), choosing between them ([`open_store`]), the entry
//! formats and their keys ([`credentials_key`], [`refresh_token_key`]), the
//! index that lets [`clear`] find entries in a keyring that cannot list, the
//! freshness rule ([`is_fresh`]) and a per-key inter-process lock ([`lock`]).
//! It leaves policy (when to look up, when to log in) to [`crate::session`]
//! and printing to the commands; it returns notices as values.
//!
//! Layout inside the config directory:
//! - `cache/<key>.json`: file-store entries; `cache/.store`: the remembered
//!   `auto` decision (see [`open_store`]).
//! - `locks/<key>.lock`: lock files, separate from the entries because an
//!   atomic replace swaps the entry's inode, which would drop a lock held on it.
//!
//! The policy that composes these pieces (a cache hit; else the provider's
//! lock, a second look, a silent refresh, a login) is
//! [`crate::session::obtain`]. It locks per provider, not per credentials
//! key: every role of a provider shares one refresh token, which the
//! provider may rotate on each use.

mod entries;
mod file;
mod keyring;
mod lock;
mod open;
mod policy;

#[cfg(test)]
mod keyring_real;

use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(test)]
pub(crate) use entries::get_credentials;
pub use entries::{
    CredentialsEntry, INDEX_KEY, RefreshTokenEntry, clear, credentials_key, delete_entry,
    get_refresh_token, put_credentials, put_refresh_token, refresh_token_key,
};
pub use file::FileStore;
pub use keyring::{KEYRING_SERVICE, KeyringStore, MAX_VALUE_BYTES};
pub use lock::{KeyLock, lock, lock_or_wait};
pub use open::{
    DEFAULT_PROBE_TIMEOUT, Opened, STORE_MARKER, SplitStore, StoreChoice, open_store,
    remembered_choice,
};
pub use policy::{
    DEFAULT_REFRESH_MARGIN, EXPIRATION_SLACK, is_fresh, refresh_margin, trusted_expiration,
};

/// Which backend a [`SecretStore`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// One file per entry under `<config dir>/cache/`.
    File,
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager).
    Keyring,
    /// `auto`: AWS credentials in files, refresh tokens in the keyring
    /// ([`SplitStore`]).
    Split,
}

impl StoreKind {
    /// `file`, `keyring` or (for the split) `file+keyring`.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::File => "file",
            StoreKind::Keyring => "keyring",
            StoreKind::Split => "file+keyring",
        }
    }
}

/// A key/value store for small secrets. Keys are made by
/// [`credentials_key`] and [`refresh_token_key`] (charset `[a-z0-9._-]`,
/// starting with a letter or digit); values are short JSON documents.
pub trait SecretStore {
    /// Which backend this is.
    fn kind(&self) -> StoreKind;
    /// The value under `key`; `Ok(None)` when there is none or it is unreadable
    /// as text (a corrupt entry counts as a miss).
    fn get(&self, key: &str) -> Result<Option<String>, Error>;
    /// Store `value` under `key`, replacing any previous value.
    fn set(&self, key: &str, value: &str) -> Result<(), Error>;
    /// Remove `key`; `Ok(false)` when it was not there.
    fn delete(&self, key: &str) -> Result<bool, Error>;
    /// Every key the store holds, for stores that can list (files);
    /// `Ok(None)` for those that cannot (keyrings), where [`clear`] relies on
    /// the index alone.
    fn list(&self) -> Result<Option<Vec<String>>, Error> {
        Ok(None)
    }
    /// The directory holding the lock that serializes index updates across
    /// processes. `None` (the default) leaves them unserialized, which only
    /// in-process test stores should do.
    fn locks_dir(&self) -> Option<&Path> {
        None
    }
    /// For a store made of two backends: the one that holds (and gets
    /// writes of) `key`, each with its own index. `None`: this store itself.
    fn holder(&self, _key: &str) -> Option<&dyn SecretStore> {
        None
    }
    /// For a store made of two backends: both of them, for deleting and
    /// clearing everywhere. `None`: this store itself.
    fn parts(&self) -> Option<Vec<&dyn SecretStore>> {
        None
    }
    /// A one-time notice for the person that arose after opening (the
    /// `auto` fallback to files, decided when the keyring is first needed).
    fn take_notice(&self) -> Option<String> {
        None
    }
}

/// `<config dir>/cache`: the file store's directory and the `auto` marker.
pub fn cache_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("cache")
}

/// `<config dir>/locks`: the lock files of [`lock`].
pub fn locks_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("locks")
}

/// Errors of the cache layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A cache file is not what it should be (a FIFO, a link where a lock
    /// belongs, too large) or could not be created or replaced.
    #[error(transparent)]
    File(#[from] crate::safe_file::Error),
    /// A file or directory of the cache could not be read or written.
    #[error("cannot {action} {}; check its owner and permissions", path.display())]
    Io {
        /// What was being done, e.g. "write cache entry".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A key outside the charset the stores accept.
    #[error(
        "invalid cache key {key:?}: keys are 1 to 200 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
    )]
    InvalidKey {
        /// The key as given.
        key: String,
    },
    /// The keyring refused an operation.
    #[error(
        "keyring could not {action} entry {key:?} (service {KEYRING_SERVICE:?}); \
         to keep secrets in files instead, set `secret_store: file` for the provider in config.yaml"
    )]
    Keyring {
        /// "read", "write" or "delete".
        action: &'static str,
        /// The entry's key (the keyring's user name).
        key: String,
        /// What the keyring said.
        #[source]
        source: KeyringFailure,
    },
    /// The OS keyring could not be reached at all (no D-Bus session, no
    /// Secret Service, no keyring on this OS).
    #[error(
        "cannot connect to the keyring; to keep secrets in files instead, set `secret_store: file` \
         for the provider in config.yaml"
    )]
    KeyringConnect {
        /// What the keyring said.
        #[source]
        source: KeyringFailure,
    },
    /// `secret_store: keyring`, but the keyring did not answer the probe.
    #[error(
        "no usable keyring ({reason}); to keep secrets in files instead, set `secret_store: file` \
         for the provider in {}",
        config_file.display()
    )]
    KeyringUnavailable {
        /// Why, e.g. "no answer within 2s" or the keyring's error text.
        reason: String,
        /// The config.yaml to edit.
        config_file: PathBuf,
    },
    /// A value over the Windows Credential Manager's size limit.
    #[error(
        "cache entry {key:?} is {size} bytes, over the keyring limit of {limit} bytes; \
         set `secret_store: file` for the provider in config.yaml"
    )]
    TooLarge {
        /// The entry's key.
        key: String,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// An entry could not be encoded (a date outside RFC 3339's years).
    #[error("cannot encode cache entry for {key}: {reason} is out of range")]
    Encode {
        /// The entry's role, issuer or key.
        key: String,
        /// The field.
        reason: String,
    },
    /// An unknown `secret_store` value.
    #[error("secret_store {value:?} is not one of auto, keyring, file; fix it in config.yaml")]
    UnknownChoice {
        /// The value as given.
        value: String,
    },
    /// Another process held the lock for the whole timeout.
    #[error(
        "waited {}s for the lock {} without getting it: another aws-cli-oidc is still working on \
         the same credentials (a browser login?); finish or cancel it and retry",
        timeout.as_secs(),
        path.display()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        timeout: Duration,
    },
}

/// A `keyring-core` error with the secret bytes some variants carry
/// (`BadEncoding`, `BadDataFormat`) kept out of `Debug`: both `Debug` and
/// `Display` show only the keyring's message.
pub struct KeyringFailure(::keyring_core::Error);

impl KeyringFailure {
    /// The keyring's error.
    pub fn inner(&self) -> &::keyring_core::Error {
        &self.0
    }
}

impl std::fmt::Debug for KeyringFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // keyring-core's Display never shows secret bytes; its Debug does.
        write!(f, "KeyringFailure({:?})", self.0.to_string())
    }
}

impl std::fmt::Display for KeyringFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for KeyringFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

/// Keys the stores accept: short, a strict charset, never a path.
pub(crate) fn check_key(key: &str) -> Result<(), Error> {
    let ok_first = key
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ok_rest = key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok_first && ok_rest && key.len() <= 200 {
        Ok(())
    } else {
        Err(Error::InvalidKey {
            key: key.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_key_accepts_generated_keys_and_refuses_paths() {
        assert!(check_key("creds.dev.0123456789abcdef").is_ok());
        assert!(check_key("refresh.my_2eorg").is_ok());
        assert!(check_key(INDEX_KEY).is_ok());
        for bad in [
            "", ".store", "../x", "a/b", "a\\b", "Dev", "a b", "é", "-x", "_x",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_key(&"a".repeat(201)).is_err());
    }

    #[test]
    fn keyring_failure_debug_hides_secret_bytes() {
        let e = Error::Keyring {
            action: "read",
            key: "refresh.dev".into(),
            source: KeyringFailure(::keyring_core::Error::BadEncoding(
                b"SECRETTOKEN\xff".to_vec(),
            )),
        };
        let debug = format!("{e:?}");
        assert!(!debug.contains("83, 69, 67"), "{debug}");
        assert!(!debug.contains("SECRETTOKEN"), "{debug}");
        assert!(e.to_string().contains("secret_store: file"));
    }
}
