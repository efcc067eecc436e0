//! The keyring backend through `keyring-core` 1.x and one platform store per
//! OS: Secret Service (libdbus, vendored) on Linux, the legacy Keychain on
//! macOS, Credential Manager on Windows. Elsewhere there is no keyring and
//! `auto` uses files.
//!
//! Cost on Linux, measured with gnome-keyring: every process pays a D-Bus
//! connection and a Diffie-Hellman session on connect (about 9 ms in a
//! release build, 65 ms in a debug build), then about 0.5 ms per read. The
//! file store's hit is tens of microseconds.
//!
//! Not used: the Linux kernel keyutils store. It keeps secrets only inside
//! a session keyring, so it works only under `keyctl session -` and loses
//! everything at logout; the keyring 3 crate is not used either, because
//! without features it silently falls back to an in-memory mock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{Error, KeyringFailure, SecretStore, StoreKind, check_key};

/// The keyring service name of every entry; the user name is the key.
pub const KEYRING_SERVICE: &str = "aws-cli-oidc";

/// Largest value stored in a keyring: the Windows Credential Manager's blob
/// limit (`CRED_MAX_CREDENTIAL_BLOB_SIZE`). Applied on every OS so an entry
/// that works on Linux also works on Windows.
pub const MAX_VALUE_BYTES: usize = 2560;

/// Secrets in the OS keyring, service [`KEYRING_SERVICE`], user = key.
/// Values are stored as UTF-8 bytes (`set_secret`), not through
/// `set_password`, which Windows stores as UTF-16 and so halves the limit.
pub struct KeyringStore {
    inner: Arc<CredentialStore>,
    locks_dir: Option<PathBuf>,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("vendor", &self.inner.vendor())
            .finish()
    }
}

impl KeyringStore {
    /// Connect to this OS's keyring. On Linux this opens a D-Bus session to
    /// the Secret Service and may block; [`super::open_store`] runs it on a
    /// thread with a timeout.
    pub fn platform() -> Result<KeyringStore, Error> {
        platform_store()
            .map(KeyringStore::with_store)
            .map_err(|e| Error::KeyringConnect {
                source: KeyringFailure(e),
            })
    }

    /// Use a given `keyring-core` store (tests use `keyring_core::mock`).
    pub fn with_store(inner: Arc<CredentialStore>) -> KeyringStore {
        KeyringStore {
            inner,
            locks_dir: None,
        }
    }

    /// Serialize index updates with a lock file in `locks_dir`.
    pub fn with_locks_dir(mut self, locks_dir: impl Into<PathBuf>) -> KeyringStore {
        self.locks_dir = Some(locks_dir.into());
        self
    }

    /// The store's vendor string, e.g. for `status` output.
    pub fn vendor(&self) -> String {
        self.inner.vendor()
    }

    fn entry(&self, action: &'static str, key: &str) -> Result<Entry, Error> {
        check_key(key)?;
        Entry::new_in_store(&self.inner, KEYRING_SERVICE, key)
            .map_err(|e| keyring_error(action, key, e))
    }
}

fn keyring_error(action: &'static str, key: &str, e: keyring_core::Error) -> Error {
    Error::Keyring {
        action,
        key: key.to_string(),
        source: KeyringFailure(e),
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(s)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "this build of aws-cli-oidc has no keyring for this operating system".to_string(),
    ))
}

impl SecretStore for KeyringStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        let entry = self.entry("read", key)?;
        match entry.get_secret() {
            Ok(bytes) => Ok(String::from_utf8(bytes).ok()),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            // Duplicates (possible in the Secret Service) read as a miss; the
            // next write removes them.
            Err(keyring_core::Error::Ambiguous(_)) => Ok(None),
            Err(keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..)) => {
                Ok(None)
            }
            Err(e) => Err(keyring_error("read", key, e)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        if value.len() > MAX_VALUE_BYTES {
            return Err(Error::TooLarge {
                key: key.to_string(),
                size: value.len(),
                limit: MAX_VALUE_BYTES,
            });
        }
        let entry = self.entry("write", key)?;
        match entry.set_secret(value.as_bytes()) {
            Ok(()) => Ok(()),
            Err(keyring_core::Error::Ambiguous(dups)) => {
                for dup in dups {
                    dup.delete_credential()
                        .map_err(|e| keyring_error("write", key, e))?;
                }
                entry
                    .set_secret(value.as_bytes())
                    .map_err(|e| keyring_error("write", key, e))
            }
            Err(e) => Err(keyring_error("write", key, e)),
        }
    }

    fn delete(&self, key: &str) -> Result<bool, Error> {
        let entry = self.entry("delete", key)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(keyring_core::Error::Ambiguous(dups)) => {
                for dup in dups {
                    dup.delete_credential()
                        .map_err(|e| keyring_error("delete", key, e))?;
                }
                Ok(true)
            }
            Err(e) => Err(keyring_error("delete", key, e)),
        }
    }

    fn locks_dir(&self) -> Option<&Path> {
        self.locks_dir.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock() -> KeyringStore {
        KeyringStore::with_store(keyring_core::mock::Store::new().unwrap())
    }

    #[test]
    fn set_get_delete_round_trip_in_mock_store() {
        let s = mock();
        assert_eq!(s.kind(), StoreKind::Keyring);
        assert_eq!(s.get("refresh.dev").unwrap(), None);
        s.set("refresh.dev", "one").unwrap();
        assert_eq!(s.get("refresh.dev").unwrap().as_deref(), Some("one"));
        s.set("refresh.dev", "two").unwrap();
        assert_eq!(s.get("refresh.dev").unwrap().as_deref(), Some("two"));
        assert!(s.delete("refresh.dev").unwrap());
        assert!(!s.delete("refresh.dev").unwrap());
        assert_eq!(s.get("refresh.dev").unwrap(), None);
    }

    #[test]
    fn values_over_the_windows_limit_are_refused_with_the_sizes() {
        let s = mock();
        s.set("refresh.dev", &"a".repeat(MAX_VALUE_BYTES)).unwrap();
        let err = s
            .set("refresh.dev", &"a".repeat(MAX_VALUE_BYTES + 1))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::TooLarge {
                size: 2561,
                limit: 2560,
                ..
            }
        ));
        assert!(err.to_string().contains("secret_store: file"), "{err}");
        // The previous value survives the refusal.
        assert_eq!(s.get("refresh.dev").unwrap().map(|v| v.len()), Some(2560));
    }

    #[test]
    fn keyring_errors_name_the_key_and_say_how_to_switch() {
        let s = mock();
        s.set("refresh.dev", "x").unwrap();
        let entry = s.entry("read", "refresh.dev").unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
        let err = s.get("refresh.dev").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"refresh.dev\""), "{text}");
        assert!(text.contains("secret_store: file"), "{text}");
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert!(source.contains("locked"), "{source}");
    }

    #[test]
    fn non_utf8_secret_reads_as_a_miss() {
        let s = mock();
        let entry = s.entry("write", "refresh.dev").unwrap();
        entry.set_secret(b"\xff\xfe").unwrap();
        assert_eq!(s.get("refresh.dev").unwrap(), None);
    }

    #[test]
    fn invalid_keys_are_refused_before_the_keyring_is_asked() {
        let s = mock();
        assert!(matches!(s.set("A/B", "x"), Err(Error::InvalidKey { .. })));
    }
}
