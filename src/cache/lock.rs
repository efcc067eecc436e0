//! A per-key lock between processes, so that two `get-cred` runs that miss
//! the cache for the same key do one login between them, not two.
//!
//! The lock is [`safe_file::lock`] (flock on Unix, LockFileEx on Windows)
//! on `<locks dir>/<key>.lock`; see there why it is a file of its own.

use std::path::Path;
use std::time::Duration;

use super::{Error, check_key};
use crate::safe_file::{self, FileLock};

/// A held lock; released when dropped.
pub type KeyLock = FileLock;

/// Take the lock for `key` in `locks_dir` (created 0700; the file 0600,
/// never through a planted link), waiting at most `timeout`. A browser login
/// can take minutes, so callers pass their login timeout plus a little.
pub fn lock(locks_dir: &Path, key: &str, timeout: Duration) -> Result<KeyLock, Error> {
    lock_or_wait(locks_dir, key, timeout, &mut || {})
}

/// Like [`lock`], calling `on_wait` once when another process holds the
/// lock, just before waiting for it (so the person can be told why nothing
/// happens).
pub fn lock_or_wait(
    locks_dir: &Path,
    key: &str,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
) -> Result<KeyLock, Error> {
    check_key(key)?;
    safe_file::private_dir(locks_dir)?;
    let path = locks_dir.join(format!("{key}.lock"));
    match safe_file::lock(&path, timeout, &mut |_| on_wait()) {
        Err(safe_file::Error::LockTimeout { path, .. }) => {
            Err(Error::LockTimeout { path, timeout })
        }
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn uncontended_lock_does_not_wait() {
        let tmp = tempfile::tempdir().unwrap();
        let l = lock(tmp.path(), "creds.dev.00", Duration::from_secs(1)).unwrap();
        assert!(!l.waited());
        assert_eq!(l.path(), tmp.path().join("creds.dev.00.lock"));
        drop(l);
        let again = lock(tmp.path(), "creds.dev.00", Duration::ZERO).unwrap();
        assert!(!again.waited());
    }

    #[test]
    fn second_locker_waits_until_the_first_releases() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let first = lock(&dir, "creds.dev.00", Duration::from_secs(1)).unwrap();
        let (tx, rx) = mpsc::channel();
        let d = dir.clone();
        let t = std::thread::spawn(move || {
            let l = lock(&d, "creds.dev.00", Duration::from_secs(10)).unwrap();
            tx.send(()).unwrap();
            l.waited()
        });
        // The other thread cannot get in while we hold the lock.
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
        drop(first);
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(t.join().unwrap(), "second locker should report waiting");
    }

    #[test]
    fn locks_on_different_keys_do_not_block_each_other() {
        let tmp = tempfile::tempdir().unwrap();
        let _a = lock(tmp.path(), "creds.dev.00", Duration::ZERO).unwrap();
        let b = lock(tmp.path(), "creds.dev.01", Duration::ZERO).unwrap();
        assert!(!b.waited());
    }

    #[test]
    fn timeout_error_names_the_lock_file() {
        let tmp = tempfile::tempdir().unwrap();
        let _held = lock(tmp.path(), "refresh.dev", Duration::ZERO).unwrap();
        let err = lock(tmp.path(), "refresh.dev", Duration::from_millis(150)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("refresh.dev.lock"), "{text}");
        assert!(matches!(err, Error::LockTimeout { .. }));
    }

    #[cfg(unix)]
    #[test]
    fn lock_dir_is_0700_and_file_0600() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("locks");
        let l = lock(&dir, "index", Duration::ZERO).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(l.path()), 0o600);
    }

    /// Run by `lock_excludes_another_process` in a child process: holds the
    /// lock for a while. Does nothing when run on its own.
    #[test]
    #[ignore = "helper for lock_excludes_another_process"]
    fn hold_lock_helper() {
        let Some(dir) = std::env::var_os("AWS_CLI_OIDC_TEST_LOCK_DIR") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let l = lock(&dir, "creds.dev.00", Duration::from_secs(5)).unwrap();
        std::fs::write(dir.join("held"), "").unwrap();
        std::thread::sleep(Duration::from_millis(400));
        drop(l);
    }

    #[test]
    fn lock_excludes_another_process() {
        let tmp = tempfile::tempdir().unwrap();
        let exe = std::env::current_exe().unwrap();
        let mut child = std::process::Command::new(exe)
            .args([
                "--exact",
                "cache::lock::tests::hold_lock_helper",
                "--ignored",
            ])
            .env("AWS_CLI_OIDC_TEST_LOCK_DIR", tmp.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let held = tmp.path().join("held");
        let start = Instant::now();
        while !held.exists() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(held.exists(), "helper process never took the lock");
        let l = lock(tmp.path(), "creds.dev.00", Duration::from_secs(10)).unwrap();
        assert!(l.waited());
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn bad_key_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(matches!(
            lock(tmp.path(), "../x", Duration::ZERO),
            Err(Error::InvalidKey { .. })
        ));
    }
}
