//! Choosing the store from `secret_store` (`auto`, `keyring`, `file`).
//!
//! A keyring can be missing (no D-Bus session), locked with nobody to unlock
//! it (a headless box), or hang, so it is probed first: a read of a probe
//! entry (written on the first probe), on a thread, with a timeout. `auto`
//! falls back to files when the probe fails and remembers that in
//! `cache/.store`, so later runs (the `credential_process` hot path) neither
//! wait for the probe again nor repeat the notice. The marker is trusted for
//! a day, then the keyring is probed again in case it has become usable.
//! Entries written to files meanwhile stay there (0600) until `clear` or
//! expiry; after a switch back they are simply not consulted.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
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
    /// plain line a person without a keyring can act on.
    pub notice: Option<String>,
    /// Why the keyring was not used, as the platform said it (for `-v`).
    pub reason: Option<String>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("store", &self.store.kind())
            .field("notice", &self.notice)
            .field("reason", &self.reason)
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
    let opened = |store, notice| {
        Ok(Opened {
            store,
            notice,
            reason: None,
        })
    };
    match choice {
        StoreChoice::File => opened(file_store(), None),
        StoreChoice::Keyring => match run_probe(probe, probe_timeout) {
            Ok(k) => opened(Box::new(k.with_locks_dir(&locks)), None),
            Err(reason) => Err(Error::KeyringUnavailable {
                reason,
                config_file: crate::config::config_path(config_dir),
            }),
        },
        StoreChoice::Auto => {
            let marker = cache.join(STORE_MARKER);
            let state = marker_state(&marker, now);
            if state == Marker::Fresh {
                return opened(file_store(), None);
            }
            match run_probe(probe, probe_timeout) {
                Ok(k) => {
                    if state == Marker::Stale {
                        let _ = std::fs::remove_file(&marker);
                    }
                    opened(Box::new(k.with_locks_dir(&locks)), None)
                }
                Err(reason) => {
                    // A marker that cannot be written only costs a probe per run.
                    // Of many parallel first callers, only the one that
                    // creates the marker prints the notice.
                    let first = state == Marker::Absent
                        && safe_file::private_dir(&cache).is_ok()
                        && safe_file::create_new(&marker, MARKER_TEXT).unwrap_or(false);
                    if !first {
                        let _ = safe_file::private_dir(&cache)
                            .and_then(|()| safe_file::write_atomic(&marker, MARKER_TEXT, 0o600));
                    }
                    let notice = first.then(|| {
                        format!(
                            "no usable keyring; storing secrets in {} (mode 0600); set `secret_store: file` in config.yaml to skip the check",
                            cache.display()
                        )
                    });
                    Ok(Opened {
                        store: file_store(),
                        notice,
                        reason: Some(reason),
                    })
                }
            }
        }
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
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// How often `counting_ok` was called (only the test above uses it).
    static PROBES: AtomicUsize = AtomicUsize::new(0);

    fn counting_ok() -> Result<KeyringStore, Error> {
        PROBES.fetch_add(1, Ordering::SeqCst);
        mock_ok()
    }

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

    #[test]
    fn auto_prefers_an_answering_keyring_and_writes_no_marker() {
        let tmp = tempfile::tempdir().unwrap();
        let o = open_with(StoreChoice::Auto, tmp.path(), T, SystemTime::now(), mock_ok).unwrap();
        assert_eq!(o.store.kind(), StoreKind::Keyring);
        assert_eq!(o.notice, None);
        assert!(!tmp.path().join("cache").join(STORE_MARKER).exists());
    }

    #[test]
    fn auto_falls_back_to_files_with_one_notice_then_skips_the_probe() {
        let tmp = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let o = open_with(StoreChoice::Auto, tmp.path(), T, now, hanging).unwrap();
        assert_eq!(o.store.kind(), StoreKind::File);
        let notice = o.notice.unwrap();
        assert!(
            notice.starts_with("no usable keyring; storing secrets in "),
            "{notice}"
        );
        assert!(!notice.contains('\n'), "one line: {notice}");
        assert!(
            o.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("the keyring did not answer")),
            "{:?}",
            o.reason
        );
        let marker = tmp.path().join("cache").join(STORE_MARKER);
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "file\n");
        assert_eq!(remembered_choice(tmp.path()), Some(StoreKind::File));

        // The next run trusts the marker: no probe (an answering keyring is
        // not even asked), no notice, no waiting.
        let probes = PROBES.load(Ordering::SeqCst);
        let o = open_with(StoreChoice::Auto, tmp.path(), T, now, counting_ok).unwrap();
        assert_eq!(
            PROBES.load(Ordering::SeqCst),
            probes,
            "the keyring was probed"
        );
        assert_eq!(o.store.kind(), StoreKind::File);
        assert_eq!(o.notice, None);
    }

    #[test]
    fn auto_reprobes_after_a_day_without_repeating_the_notice() {
        let tmp = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let o = open_with(StoreChoice::Auto, tmp.path(), T, now, failing).unwrap();
        assert!(o.notice.is_some());
        let later = now + Duration::from_secs(25 * 60 * 60);
        // Still failing a day later: files, marker refreshed, no new notice.
        let o = open_with(StoreChoice::Auto, tmp.path(), T, later, failing).unwrap();
        assert_eq!(o.store.kind(), StoreKind::File);
        assert_eq!(o.notice, None);
        // The keyring works again a day later: it is used, marker removed.
        let o = open_with(StoreChoice::Auto, tmp.path(), T, later, mock_ok).unwrap();
        assert_eq!(o.store.kind(), StoreKind::Keyring);
        assert!(!tmp.path().join("cache").join(STORE_MARKER).exists());
    }

    #[cfg(unix)]
    #[test]
    fn marker_and_cache_dir_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        open_with(StoreChoice::Auto, tmp.path(), T, SystemTime::now(), failing).unwrap();
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
        open_with(StoreChoice::Auto, tmp.path(), T, SystemTime::now(), failing).unwrap();
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
            assert_eq!(o.store.kind(), StoreKind::File);
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
        let o = open_with(StoreChoice::Auto, tmp.path(), T, SystemTime::now(), mock_ok).unwrap();
        assert_eq!(o.store.kind(), StoreKind::Keyring);
    }
}
