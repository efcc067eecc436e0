//! A per-key lock between processes, so that two `get-cred` runs that miss
//! the cache for the same key do one login between them, not two.
//!
//! The lock is `std::fs::File::try_lock` (flock on Unix, LockFileEx on
//! Windows) on `<locks dir>/<key>.lock`, a file of its own: the entry it
//! guards is replaced by rename, and a lock on the replaced inode would guard
//! nothing. The OS drops the lock when the process dies, so a crash never
//! leaves a stale lock behind; the file itself stays and is reused.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::{Error, check_key, ensure_private_dir};

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct KeyLock {
    file: File,
    path: PathBuf,
    waited: bool,
}

impl KeyLock {
    /// True when another process held the lock first, so the caller should
    /// look in the cache again: that process has probably filled it.
    pub fn waited(&self) -> bool {
        self.waited
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for KeyLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes
        // the release independent of when the descriptor is closed.
        let _ = self.file.unlock();
    }
}

/// Take the lock for `key` in `locks_dir` (created 0700; the file 0600),
/// waiting at most `timeout`. A browser login can take minutes, so callers pass
/// their login timeout plus a little.
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
    ensure_private_dir(locks_dir)?;
    let path = locks_dir.join(format!("{key}.lock"));
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).map_err(|source| Error::Io {
        action: "open lock file",
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => {
            return Ok(KeyLock {
                file,
                path,
                waited: false,
            });
        }
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(source)) => {
            return Err(Error::Io {
                action: "lock",
                path,
                source,
            });
        }
    }
    on_wait();
    // Block on a second descriptor of the same open file (flock locks belong
    // to the open file, so `file` holds the lock once it is granted) in a
    // thread, so the wait ends the moment the holder lets go: polling added
    // up to its interval to every one of many parallel callers. On timeout
    // the thread is left blocked; if it is granted the lock later, it drops
    // its descriptor at once, which releases it.
    let waiter = file.try_clone().map_err(|source| Error::Io {
        action: "open lock file",
        path: path.clone(),
        source,
    })?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("lock-wait".into())
        .spawn(move || {
            let granted = waiter.lock();
            let _ = tx.send(granted);
        })
        .map_err(|source| Error::Io {
            action: "wait for lock",
            path: path.clone(),
            source,
        })?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(KeyLock {
            file,
            path,
            waited: true,
        }),
        Ok(Err(source)) => Err(Error::Io {
            action: "lock",
            path,
            source,
        }),
        Err(_) => Err(Error::LockTimeout { path, timeout }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let start = Instant::now();
        let err = lock(tmp.path(), "refresh.dev", Duration::from_millis(150)).unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(150));
        assert!(start.elapsed() < Duration::from_secs(5));
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
