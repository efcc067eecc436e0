//! Choosing the store from `secret_store` (`auto`, `keyring`, `file`).
//!
//! - `file`: everything in 0600 files under `<config dir>/cache`.
//! - `keyring`: everything in the OS keyring. Every `credential_process`
//!   call then pays a keyring connection (on Linux a D-Bus connection and an
//!   encrypted Secret Service session, about 10 ms), and on macOS a Keychain
//!   access that may prompt after each upgrade of the binary.
//! - `auto` (the default) splits by lifetime, as the AWS CLI does: the
//!   short-lived AWS credentials go to 0600 files, the long-lived refresh
//!   token to the keyring when it answers (a [`SplitStore`]). The keyring is
//!   opened only when a refresh token is read or written, so a cache hit
//!   never touches it. Entries an older version kept in the keyring are
//!   still read (and credentials read there copied to files).
//!
//! A keyring can be missing (no D-Bus session), locked with nobody to unlock
//! it (a headless box), or hang, so it is probed first: a read of a probe
//! entry (written on the first probe), on a thread, with a timeout. `auto`
//! falls back to files when the probe fails and remembers that in
//! `cache/.store`, so later runs neither wait for the probe again nor repeat
//! the notice. The marker is trusted for a day, then the keyring is probed
//! again in case it has become usable. A refresh token written to files
//! meanwhile is still read, and removed when a new one goes to the keyring.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, SystemTime};

use super::{Error, FileStore, KeyringStore, SecretStore, StoreKind, cache_dir, locks_dir};
use crate::safe_file;

/// How long the keyring gets to answer the probe.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The file in the cache directory that records `auto` chose files.
pub const STORE_MARKER: &str = ".store";

/// How long the marker is trusted before the keyring is probed again.
const MARKER_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The probe's entry. It holds no secret; [`super::clear`] removes it too.
pub(crate) const PROBE_KEY: &str = "probe";

/// The `secret_store` setting; its spellings live in the key table.
pub use crate::config::StoreChoice;

/// An opened store and, at most once per fallback, a one-line notice for
/// the person (never a secret).
pub struct Opened {
    /// The store.
    pub store: Box<dyn SecretStore + Send + Sync>,
    /// E.g. "no usable keyring; storing secrets in … (mode 0600)": one
    /// plain line (the platform's error is logged with -v).
    pub notice: Option<String>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("store", &self.store.kind())
            .field("notice", &self.notice)
            .finish()
    }
}

/// Open the store `choice` names for the config directory `config_dir`.
///
/// - `file`: a [`FileStore`] in `<config_dir>/cache`; touches nothing yet.
/// - `keyring`: the OS keyring if it answers within `probe_timeout`, else
///   [`Error::KeyringUnavailable`] saying how to switch to files.
/// - `auto`: files without probing when the `cache/.store` marker is less
///   than a day old; otherwise the keyring if it answers, else files, the
///   marker written, and a notice when the marker is new.
pub fn open_store(
    choice: StoreChoice,
    config_dir: &Path,
    probe_timeout: Duration,
) -> Result<Opened, Error> {
    open_with(
        choice,
        config_dir,
        probe_timeout,
        SystemTime::now(),
        probe_platform,
    )
}

/// Connect, then read the probe entry, writing it when missing. A read
/// alone proves little: a locked Secret Service answers a search for a
/// missing item without unlocking anything, and refuses only the write
/// (measured with gnome-keyring started without `--unlock`: the read
/// returned nothing in 1 ms, the write failed with NoStorageAccess). Once the
/// entry exists, reading it needs the collection unlocked, so later probes
/// are one read.
fn probe_platform() -> Result<KeyringStore, Error> {
    let store = KeyringStore::platform()?;
    if store.get(PROBE_KEY)?.is_none() {
        store.set(PROBE_KEY, "aws-cli-oidc keyring probe; holds no secret")?;
    }
    Ok(store)
}

fn open_with(
    choice: StoreChoice,
    config_dir: &Path,
    probe_timeout: Duration,
    now: SystemTime,
    probe: fn() -> Result<KeyringStore, Error>,
) -> Result<Opened, Error> {
    let cache = cache_dir(config_dir);
    let locks = locks_dir(config_dir);
    let file_store = || -> Box<dyn SecretStore + Send + Sync> {
        Box::new(FileStore::new(&cache).with_locks_dir(&locks))
    };
    let opened = |store, notice| Ok(Opened { store, notice });
    match choice {
        StoreChoice::File => opened(file_store(), None),
        StoreChoice::Keyring => match run_probe(probe, probe_timeout) {
            Ok(k) => opened(Box::new(k.with_locks_dir(&locks)), None),
            Err(reason) => Err(Error::KeyringUnavailable {
                reason,
                config_file: crate::config::config_path(config_dir),
            }),
        },
        StoreChoice::Auto => opened(
            Box::new(SplitStore::auto(config_dir, probe_timeout, now, probe)),
            None,
        ),
    }
}

/// The keyring for `auto`, or `None` (files) with, the first time, a notice
/// saying so: no probe while the `cache/.store` marker is fresh; otherwise
/// the probe, and on failure the marker.
fn auto_keyring(
    config_dir: &Path,
    probe_timeout: Duration,
    now: SystemTime,
    probe: fn() -> Result<KeyringStore, Error>,
) -> (Option<KeyringStore>, Option<String>) {
    let cache = cache_dir(config_dir);
    let marker = cache.join(STORE_MARKER);
    let state = marker_state(&marker, now);
    if state == Marker::Fresh {
        return (None, None);
    }
    match run_probe(probe, probe_timeout) {
        Ok(k) => {
            if state == Marker::Stale {
                let _ = std::fs::remove_file(&marker);
            }
            (Some(k.with_locks_dir(locks_dir(config_dir))), None)
        }
        Err(reason) => {
            // A marker that cannot be written only costs a probe per run.
            // Of many parallel first callers, only the one that creates the
            // marker gets the notice.
            let first = state == Marker::Absent
                && safe_file::private_dir(&cache).is_ok()
                && safe_file::create_new(&marker, MARKER_TEXT).unwrap_or(false);
            if !first {
                let _ = safe_file::private_dir(&cache)
                    .and_then(|()| safe_file::write_atomic(&marker, MARKER_TEXT, 0o600));
            }
            // One plain line for the person; the platform's own words
            // (often a D-Bus message nobody can act on) only with -v.
            log::debug!("keyring not used: {reason}");
            let notice = first.then(|| {
                format!(
                    "no usable keyring; storing secrets in {} (mode 0600); set `secret_store: file` in config.yaml to skip the check",
                    cache.display()
                )
            });
            (None, notice)
        }
    }
}

type KeyringOpener = Box<dyn Fn() -> (Option<KeyringStore>, Option<String>) + Send + Sync>;

/// The `auto` store: AWS credentials (and any other entry) in files, refresh
/// tokens in the keyring, opened on first need; files when the keyring is
/// unusable. Reads also look in the other place, so entries written by an
/// older layout (everything in the keyring, or everything in files after a
/// fallback) are found.
pub struct SplitStore {
    files: FileStore,
    keyring: OnceLock<Option<KeyringStore>>,
    open_keyring: KeyringOpener,
    notice: Mutex<Option<String>>,
}

impl std::fmt::Debug for SplitStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplitStore")
            .field("files", &self.files)
            .field("keyring", &self.keyring.get())
            .finish_non_exhaustive()
    }
}

/// Entries that live long enough to deserve the keyring: refresh tokens.
fn is_long_lived(key: &str) -> bool {
    key.starts_with("refresh.")
}

impl SplitStore {
    /// The `auto` store of `config_dir`; the keyring is probed (see
    /// [`auto_keyring`]) when first needed.
    fn auto(
        config_dir: &Path,
        probe_timeout: Duration,
        now: SystemTime,
        probe: fn() -> Result<KeyringStore, Error>,
    ) -> SplitStore {
        let files = FileStore::new(cache_dir(config_dir)).with_locks_dir(locks_dir(config_dir));
        let config_dir = config_dir.to_path_buf();
        SplitStore {
            files,
            keyring: OnceLock::new(),
            open_keyring: Box::new(move || auto_keyring(&config_dir, probe_timeout, now, probe)),
            notice: Mutex::new(None),
        }
    }

    /// The keyring, opened (probed) on the first call; `None` when unusable.
    fn keyring(&self) -> Option<&KeyringStore> {
        self.keyring
            .get_or_init(|| {
                let (keyring, notice) = (self.open_keyring)();
                if let Some(n) = notice
                    && let Ok(mut slot) = self.notice.lock()
                {
                    *slot = Some(n);
                }
                keyring
            })
            .as_ref()
    }

    /// Whether the keyring has been opened (for tests: a hit must not).
    pub fn keyring_opened(&self) -> bool {
        self.keyring.get().is_some()
    }
}

impl SecretStore for SplitStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Split
    }

    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        if is_long_lived(key)
            && let Some(k) = self.keyring()
            && let Some(v) = k.get(key)?
        {
            return Ok(Some(v));
        }
        if let Some(v) = self.files.get(key)? {
            return Ok(Some(v));
        }
        // Credentials an older version kept in the keyring. Only a file miss
        // gets here, which is about to need the refresh token anyway. A copy
        // goes to files, so the next hit is a file hit (best effort; the
        // next write of the key indexes it and removes the keyring's copy).
        match self.keyring() {
            Some(k) if !is_long_lived(key) => {
                let found = k.get(key)?;
                if let Some(v) = &found {
                    let _ = self.files.set(key, v);
                }
                Ok(found)
            }
            _ => Ok(None),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.holder(key).unwrap_or(&self.files).set(key, value)
    }

    fn delete(&self, key: &str) -> Result<bool, Error> {
        let mut deleted = self.files.delete(key)?;
        if let Some(k) = self.keyring() {
            deleted |= k.delete(key)?;
        }
        Ok(deleted)
    }

    fn list(&self) -> Result<Option<Vec<String>>, Error> {
        self.files.list()
    }

    fn locks_dir(&self) -> Option<&Path> {
        self.files.locks_dir()
    }

    fn holder(&self, key: &str) -> Option<&dyn SecretStore> {
        match self.keyring() {
            Some(k) if is_long_lived(key) => Some(k),
            _ => Some(&self.files),
        }
    }

    fn parts(&self) -> Option<Vec<&dyn SecretStore>> {
        let mut parts: Vec<&dyn SecretStore> = vec![&self.files];
        if let Some(k) = self.keyring() {
            parts.push(k);
        }
        Some(parts)
    }

    fn take_notice(&self) -> Option<String> {
        self.notice.lock().ok().and_then(|mut n| n.take())
    }
}

/// What the `auto` marker says: the keyring did not answer, use files.
const MARKER_TEXT: &[u8] = b"file\n";

#[derive(Debug, PartialEq, Eq)]
enum Marker {
    Absent,
    Stale,
    Fresh,
}

fn marker_state(marker: &Path, now: SystemTime) -> Marker {
    let Ok(meta) = std::fs::metadata(marker) else {
        return Marker::Absent;
    };
    let young = meta
        .modified()
        .ok()
        // A clock step back makes the marker look younger; a day's
        // difference either way still ends its life.
        .map(|m| now.duration_since(m).unwrap_or_else(|e| e.duration()))
        .is_some_and(|age| age < MARKER_MAX_AGE);
    // The content is a few bytes; anything but "file" is ignored.
    let says_file = young
        && safe_file::read_capped(marker, safe_file::caps::MARKER)
            .is_ok_and(|b| b.is_some_and(|b| b.trim_ascii() == MARKER_TEXT.trim_ascii()));
    if says_file {
        Marker::Fresh
    } else {
        Marker::Stale
    }
}

/// Run `probe` on a thread and wait at most `timeout`. A probe that hangs
/// (a D-Bus peer that never answers) is left behind; it ends with the process.
fn run_probe(
    probe: fn() -> Result<KeyringStore, Error>,
    timeout: Duration,
) -> Result<KeyringStore, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keyring-probe".into())
        .spawn(move || {
            let _ = tx.send(probe());
        })
        .map_err(|e| format!("cannot start the keyring probe: {e}"))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(store)) => Ok(store),
        Ok(Err(e)) => Err(reason_of(&e)),
        Err(_) => Err(format!(
            "the keyring did not answer within {}",
            human(timeout)
        )),
    }
}

fn reason_of(e: &Error) -> String {
    match e {
        Error::Keyring { source, .. } | Error::KeyringConnect { source } => source.to_string(),
        other => other.to_string(),
    }
}

fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The kind `auto` would pick right now without probing: `Some(File)` when
/// the marker is fresh, `None` when a probe is needed. For `status` output.
pub fn remembered_choice(config_dir: &Path) -> Option<StoreKind> {
    let marker: PathBuf = cache_dir(config_dir).join(STORE_MARKER);
    (marker_state(&marker, SystemTime::now()) == Marker::Fresh).then_some(StoreKind::File)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock_ok() -> Result<KeyringStore, Error> {
        Ok(KeyringStore::with_store(
            keyring_core::mock::Store::new().map_err(|_| Error::InvalidKey { key: "x".into() })?,
        ))
    }

    fn failing() -> Result<KeyringStore, Error> {
        Err(Error::KeyringConnect {
            source: super::super::KeyringFailure(keyring_core::Error::NoStorageAccess(
                "collection is locked".into(),
            )),
        })
    }

    fn hanging() -> Result<KeyringStore, Error> {
        std::thread::sleep(Duration::from_secs(30));
        failing()
    }

    const T: Duration = Duration::from_millis(200);

    #[test]
    fn file_choice_touches_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let o = open_with(StoreChoice::File, tmp.path(), T, SystemTime::now(), failing).unwrap();
        assert_eq!(o.store.kind(), StoreKind::File);
        assert_eq!(o.notice, None);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn keyring_choice_uses_a_keyring_that_answers() {
        let tmp = tempfile::tempdir().unwrap();
        let o = open_with(
            StoreChoice::Keyring,
            tmp.path(),
            T,
            SystemTime::now(),
            mock_ok,
        )
        .unwrap();
        assert_eq!(o.store.kind(), StoreKind::Keyring);
        assert_eq!(
            o.store.locks_dir(),
            Some(tmp.path().join("locks").as_path())
        );
    }

    #[test]
    fn keyring_choice_fails_with_how_to_switch_when_the_probe_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let err = open_with(
            StoreChoice::Keyring,
            tmp.path(),
            T,
            SystemTime::now(),
            failing,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("collection is locked"), "{text}");
        assert!(text.contains("secret_store: file"), "{text}");
        assert!(text.contains("config.yaml"), "{text}");
    }

    #[test]
    fn keyring_choice_times_out_instead_of_hanging() {
        let tmp = tempfile::tempdir().unwrap();
        let err = open_with(
            StoreChoice::Keyring,
            tmp.path(),
            T,
            SystemTime::now(),
            hanging,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("did not answer within 200ms"),
            "{err}"
        );
    }

    /// One mock keyring shared by every probe of a test run, like the one
    /// Secret Service all processes of a session talk to.
    fn shared_ok() -> Result<KeyringStore, Error> {
        static SHARED: OnceLock<std::sync::Arc<keyring_core::CredentialStore>> = OnceLock::new();
        let store = SHARED.get_or_init(|| keyring_core::mock::Store::new().unwrap());
        Ok(KeyringStore::with_store(store.clone()))
    }

    /// Probes by `counting_ok` (only the marker test uses it).
    static COUNTED_PROBES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    fn counting_ok() -> Result<KeyringStore, Error> {
        COUNTED_PROBES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        shared_ok()
    }

    fn split(
        dir: &Path,
        now: SystemTime,
        probe: fn() -> Result<KeyringStore, Error>,
    ) -> SplitStore {
        SplitStore::auto(dir, T, now, probe)
    }

    fn sample_creds(now: time::OffsetDateTime) -> crate::sts::Credentials {
        use crate::secret::Secret;
        crate::sts::Credentials {
            access_key_id: Secret::new("ASIAEXAMPLEEXAMPLE00".into()),
            secret_access_key: Secret::new("x".repeat(40)),
            session_token: Secret::new("t".repeat(900)),
            expiration: now + time::Duration::hours(1),
        }
    }

    fn sample_token(now: time::OffsetDateTime) -> crate::cache::RefreshTokenEntry {
        crate::cache::RefreshTokenEntry {
            refresh_token: crate::secret::Secret::new("REFRESHTOKEN".into()),
            token_endpoint: "https://idp.example/token".into(),
            client_id: "cli".into(),
            issuer: "https://idp.example".into(),
            metadata_url: "https://idp.example/.well-known/openid-configuration".into(),
            subject: None,
            saved_at: now,
        }
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/dev";

    #[test]
    fn auto_splits_credentials_to_files_and_refresh_tokens_to_the_keyring() {
        use crate::cache::{
            credentials_key, get_credentials, get_refresh_token, put_credentials,
            put_refresh_token, refresh_token_key,
        };
        let tmp = tempfile::tempdir().unwrap();
        let now = time::OffsetDateTime::now_utc();
        let provider = "split-a";
        let key = credentials_key(provider, ROLE, 3600);
        let s = split(tmp.path(), SystemTime::now(), shared_ok);
        put_credentials(&s, &key, ROLE, &sample_creds(now), now).unwrap();
        put_refresh_token(&s, provider, &sample_token(now), now).unwrap();
        assert_eq!(s.take_notice(), None);
        let files = FileStore::new(tmp.path().join("cache"));
        let keyring = shared_ok().unwrap();
        assert!(files.get(&key).unwrap().is_some());
        assert!(keyring.get(&key).unwrap().is_none());
        assert!(keyring.get(&refresh_token_key(provider)).unwrap().is_some());
        assert!(files.get(&refresh_token_key(provider)).unwrap().is_none());
        assert!(!tmp.path().join("cache").join(STORE_MARKER).exists());

        // A hit in a new process reads one file and never opens the keyring.
        let hit = split(tmp.path(), SystemTime::now(), shared_ok);
        assert!(get_credentials(&hit, &key, ROLE).unwrap().is_some());
        assert!(!hit.keyring_opened());
        // The refresh token comes from the keyring.
        let t = get_refresh_token(&hit, provider).unwrap().unwrap();
        assert_eq!(t.refresh_token.expose(), "REFRESHTOKEN");
        assert!(hit.keyring_opened());

        // clear empties both places.
        assert_eq!(crate::cache::clear(&hit, Some(provider)).unwrap(), 2);
        assert!(files.get(&key).unwrap().is_none());
        assert!(keyring.get(&refresh_token_key(provider)).unwrap().is_none());
    }

    #[test]
    fn auto_reads_entries_of_the_older_layouts() {
        use crate::cache::{
            credentials_key, get_credentials, get_refresh_token, put_credentials,
            put_refresh_token, refresh_token_key,
        };
        let tmp = tempfile::tempdir().unwrap();
        let now = time::OffsetDateTime::now_utc();
        // Everything in the keyring, as `auto` kept it before the split.
        let provider = "split-old-keyring";
        let key = credentials_key(provider, ROLE, 3600);
        let keyring = shared_ok().unwrap();
        put_credentials(&keyring, &key, ROLE, &sample_creds(now), now).unwrap();
        put_refresh_token(&keyring, provider, &sample_token(now), now).unwrap();
        let s = split(tmp.path(), SystemTime::now(), shared_ok);
        assert!(get_credentials(&s, &key, ROLE).unwrap().is_some());
        assert!(get_refresh_token(&s, provider).unwrap().is_some());
        // The credentials read from the keyring were copied to files: the
        // next hit does not open the keyring.
        let next = split(tmp.path(), SystemTime::now(), shared_ok);
        assert!(get_credentials(&next, &key, ROLE).unwrap().is_some());
        assert!(!next.keyring_opened());
        // New credentials go to files and the keyring copy goes.
        put_credentials(&s, &key, ROLE, &sample_creds(now), now).unwrap();
        assert!(keyring.get(&key).unwrap().is_none());
        assert!(
            FileStore::new(tmp.path().join("cache"))
                .get(&key)
                .unwrap()
                .is_some()
        );

        // Everything in files, as after a fallback; the keyring works now.
        let provider = "split-old-files";
        let files =
            FileStore::new(tmp.path().join("cache")).with_locks_dir(tmp.path().join("locks"));
        put_refresh_token(&files, provider, &sample_token(now), now).unwrap();
        let s = split(tmp.path(), SystemTime::now(), shared_ok);
        assert!(get_refresh_token(&s, provider).unwrap().is_some());
        // A new (rotated) token goes to the keyring; the file copy goes.
        put_refresh_token(&s, provider, &sample_token(now), now).unwrap();
        assert!(files.get(&refresh_token_key(provider)).unwrap().is_none());
        assert!(keyring.get(&refresh_token_key(provider)).unwrap().is_some());
    }

    #[test]
    fn auto_falls_back_to_files_with_one_notice_then_skips_the_probe() {
        use crate::cache::{get_refresh_token, put_refresh_token};
        let tmp = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let t = time::OffsetDateTime::now_utc();
        let s = split(tmp.path(), now, hanging);
        put_refresh_token(&s, "fb", &sample_token(t), t).unwrap();
        let notice = s.take_notice().unwrap();
        // One plain line: the platform's reason is only logged (-v).
        assert!(
            notice.starts_with("no usable keyring; storing secrets in "),
            "{notice}"
        );
        assert!(!notice.contains("did not answer"), "{notice}");
        assert_eq!(s.take_notice(), None);
        let marker = tmp.path().join("cache").join(STORE_MARKER);
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "file\n");
        assert_eq!(remembered_choice(tmp.path()), Some(StoreKind::File));
        assert!(tmp.path().join("cache").join("refresh.fb.json").exists());

        // The next run trusts the marker: no probe (an answering keyring is
        // not even asked), no notice, no waiting; the token is in files.
        let s = split(tmp.path(), now, counting_ok);
        assert!(get_refresh_token(&s, "fb").unwrap().is_some());
        let probes = COUNTED_PROBES.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(probes, 0, "the keyring was probed");
        assert_eq!(s.take_notice(), None);
    }

    #[test]
    fn auto_reprobes_after_a_day_without_repeating_the_notice() {
        let tmp = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let s = split(tmp.path(), now, failing);
        assert!(s.parts().unwrap().len() == 1);
        assert!(s.take_notice().is_some());
        let later = now + Duration::from_secs(25 * 60 * 60);
        // Still failing a day later: files, marker refreshed, no new notice.
        let s = split(tmp.path(), later, failing);
        assert_eq!(s.parts().unwrap().len(), 1);
        assert_eq!(s.take_notice(), None);
        // The keyring works again a day later: it is used, marker removed.
        let s = split(tmp.path(), later, shared_ok);
        assert_eq!(s.parts().unwrap().len(), 2);
        assert!(!tmp.path().join("cache").join(STORE_MARKER).exists());
    }

    #[cfg(unix)]
    #[test]
    fn marker_and_cache_dir_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        split(tmp.path(), SystemTime::now(), failing).parts();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&tmp.path().join("cache")), 0o700);
        assert_eq!(mode(&tmp.path().join("cache").join(STORE_MARKER)), 0o600);
    }

    /// Prints the cost of a whole `auto` cache hit after a fallback: open
    /// (marker check), read one entry, parse it, check freshness. Timings
    /// are not asserted.
    #[test]
    #[allow(clippy::print_stderr)]
    fn auto_file_hit_cost_is_measured() {
        use crate::cache::{credentials_key, get_credentials, is_fresh, put_credentials};
        use crate::secret::Secret;
        let tmp = tempfile::tempdir().unwrap();
        let now = time::OffsetDateTime::now_utc();
        split(tmp.path(), SystemTime::now(), failing).parts();
        let role = "arn:aws:iam::123456789012:role/dev";
        let key = credentials_key("dev", role, 3600);
        let creds = crate::sts::Credentials {
            access_key_id: Secret::new("ASIAEXAMPLEEXAMPLE00".into()),
            secret_access_key: Secret::new("x".repeat(40)),
            session_token: Secret::new("t".repeat(900)),
            expiration: now + time::Duration::hours(1),
        };
        let store = open_store(StoreChoice::Auto, tmp.path(), T).unwrap().store;
        put_credentials(store.as_ref(), &key, role, &creds, now).unwrap();
        let n = 1000;
        let start = std::time::Instant::now();
        for _ in 0..n {
            let o = open_store(StoreChoice::Auto, tmp.path(), T).unwrap();
            assert_eq!(o.store.kind(), StoreKind::Split);
            let c = get_credentials(o.store.as_ref(), &key, role)
                .unwrap()
                .unwrap();
            assert!(is_fresh(
                c.expiration,
                now,
                crate::cache::DEFAULT_REFRESH_MARGIN
            ));
        }
        let per = start.elapsed().as_nanos() / n;
        eprintln!("auto open + FileStore hit (open, read, parse, is_fresh): {per} ns/op");
    }

    #[test]
    fn unknown_marker_content_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("cache")).unwrap();
        std::fs::write(tmp.path().join("cache").join(STORE_MARKER), "keyring\n").unwrap();
        let s = split(tmp.path(), SystemTime::now(), mock_ok);
        assert_eq!(s.parts().unwrap().len(), 2);
    }
}
