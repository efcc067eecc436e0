//! The file backend: one file per entry, `<dir>/<key>.json`, mode 0600 in a
//! 0700 directory, replaced atomically.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{Error, SecretStore, StoreKind, check_key};
use crate::safe_file;

/// Secrets as files under one directory (normally `<config dir>/cache`).
/// Opening is free: nothing touches the disk until the first operation.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    locks_dir: Option<PathBuf>,
}

impl FileStore {
    /// A store keeping its files in `dir` (created 0700 on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> FileStore {
        FileStore {
            dir: dir.into(),
            locks_dir: None,
        }
    }

    /// Serialize index updates with a lock file in `locks_dir`.
    pub fn with_locks_dir(mut self, locks_dir: impl Into<PathBuf>) -> FileStore {
        self.locks_dir = Some(locks_dir.into());
        self
    }

    /// The directory holding the entry files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file holding `key`'s value.
    pub fn path_of(&self, key: &str) -> Result<PathBuf, Error> {
        check_key(key)?;
        Ok(self.dir.join(format!("{key}.json")))
    }
}

impl SecretStore for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        let path = self.path_of(key)?;
        // Our entries are a few KiB; a larger file, a FIFO or a device is
        // not ours, and the hot path must not read or wait on it.
        let bytes = safe_file::read_capped(&path, safe_file::caps::CACHE_ENTRY)?;
        Ok(bytes.and_then(|b| String::from_utf8(b).ok()))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        let path = self.path_of(key)?;
        safe_file::private_dir(&self.dir)?;
        Ok(safe_file::write_atomic(&path, value.as_bytes(), 0o600)?)
    }

    fn delete(&self, key: &str) -> Result<bool, Error> {
        let path = self.path_of(key)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(source) => Err(Error::Io {
                action: "delete cache entry",
                path,
                source,
            }),
        }
    }

    fn list(&self) -> Result<Option<Vec<String>>, Error> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Some(Vec::new())),
            Err(source) => {
                return Err(Error::Io {
                    action: "list cache directory",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        // Temp files and the marker start with '.', which no key does.
        let keys = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
            .filter(|k| check_key(k).is_ok())
            .collect();
        Ok(Some(keys))
    }

    fn locks_dir(&self) -> Option<&Path> {
        self.locks_dir.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::Read;

    fn store() -> (tempfile::TempDir, FileStore) {
        let tmp = tempfile::tempdir().unwrap();
        let s = FileStore::new(tmp.path().join("cache"));
        (tmp, s)
    }

    #[test]
    fn get_of_missing_entry_is_none_and_creates_nothing() {
        let (tmp, s) = store();
        assert_eq!(s.get("creds.dev.00").unwrap(), None);
        assert!(!tmp.path().join("cache").exists());
    }

    #[test]
    fn set_get_delete_round_trip() {
        let (_tmp, s) = store();
        s.set("refresh.dev", r#"{"v":1}"#).unwrap();
        assert_eq!(s.get("refresh.dev").unwrap().as_deref(), Some(r#"{"v":1}"#));
        s.set("refresh.dev", r#"{"v":2}"#).unwrap();
        assert_eq!(s.get("refresh.dev").unwrap().as_deref(), Some(r#"{"v":2}"#));
        assert!(s.delete("refresh.dev").unwrap());
        assert!(!s.delete("refresh.dev").unwrap());
        assert_eq!(s.get("refresh.dev").unwrap(), None);
        assert_eq!(s.kind(), StoreKind::File);
    }

    #[test]
    fn keys_with_path_characters_are_refused() {
        let (tmp, s) = store();
        for key in ["../escape", "a/b", ".store", "", "UPPER"] {
            assert!(matches!(s.set(key, "x"), Err(Error::InvalidKey { .. })));
            assert!(matches!(s.get(key), Err(Error::InvalidKey { .. })));
            assert!(matches!(s.delete(key), Err(Error::InvalidKey { .. })));
        }
        assert!(!tmp.path().join("escape.json").exists());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_0600_and_directory_0700() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, s) = store();
        s.set("refresh.dev", "v").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(s.dir()), 0o700);
        assert_eq!(mode(&s.path_of("refresh.dev").unwrap()), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn replace_narrows_a_widened_file_and_directory() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, s) = store();
        s.set("refresh.dev", "old").unwrap();
        let path = s.path_of("refresh.dev").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(s.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
        s.set("refresh.dev", "new").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(s.dir()), 0o700);
    }

    #[test]
    fn replace_is_atomic_and_leaves_no_temp_files() {
        let (_tmp, s) = store();
        s.set("refresh.dev", "first").unwrap();
        let path = s.path_of("refresh.dev").unwrap();
        // A reader holding the old file keeps seeing the old content: the
        // write went to a new inode that was renamed into place.
        let mut old = File::open(&path).unwrap();
        s.set("refresh.dev", "second").unwrap();
        let mut seen = String::new();
        old.read_to_string(&mut seen).unwrap();
        assert_eq!(seen, "first");
        assert_eq!(s.get("refresh.dev").unwrap().as_deref(), Some("second"));
        let names: Vec<String> = std::fs::read_dir(s.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["refresh.dev.json".to_string()]);
    }

    #[test]
    fn corrupt_or_oversized_files_read_as_a_miss() {
        let (_tmp, s) = store();
        s.set("refresh.dev", "x").unwrap();
        let path = s.path_of("refresh.dev").unwrap();
        std::fs::write(&path, b"\xff\xfe not utf-8").unwrap();
        assert_eq!(s.get("refresh.dev").unwrap(), None);
        let cap = safe_file::caps::CACHE_ENTRY as usize;
        std::fs::write(&path, vec![b'a'; cap + 1]).unwrap();
        let err = s.get("refresh.dev").unwrap_err();
        assert!(err.to_string().contains("refresh.dev.json"), "{err}");
        std::fs::write(&path, vec![b'a'; cap]).unwrap();
        assert_eq!(s.get("refresh.dev").unwrap().map(|v| v.len()), Some(65536));
    }

    #[test]
    fn list_returns_keys_and_skips_other_files() {
        let (_tmp, s) = store();
        assert_eq!(s.list().unwrap(), Some(vec![]));
        s.set("refresh.dev", "a").unwrap();
        s.set("index", "b").unwrap();
        std::fs::write(s.dir().join(".store"), "file\n").unwrap();
        std::fs::write(s.dir().join(".tmp-abc"), "x").unwrap();
        std::fs::write(s.dir().join("notes.txt"), "x").unwrap();
        std::fs::write(s.dir().join("Bad.json"), "x").unwrap();
        let mut keys = s.list().unwrap().unwrap();
        keys.sort();
        assert_eq!(keys, vec!["index", "refresh.dev"]);
    }

    #[test]
    fn directory_in_the_way_is_an_error_naming_it() {
        let (tmp, s) = store();
        std::fs::write(tmp.path().join("cache"), "not a dir").unwrap();
        let err = s.set("refresh.dev", "v").unwrap_err();
        assert!(err.to_string().contains("cache"), "{err}");
        assert!(matches!(
            err,
            Error::File(safe_file::Error::NotADirectory { .. })
        ));
    }

    /// Prints the cost of a cache hit's read (open, read, UTF-8 check) for
    /// the report; timings are not asserted.
    #[test]
    #[allow(clippy::print_stderr)]
    fn file_store_get_cost_is_measured() {
        let (_tmp, s) = store();
        let value = format!(
            r#"{{"v":1,"session_token":"{}","expiration":"2026-11-27T22:00:00Z"}}"#,
            "x".repeat(1000)
        );
        s.set("creds.dev.0123456789abcdef", &value).unwrap();
        let n = 2000;
        let start = std::time::Instant::now();
        for _ in 0..n {
            let got = s.get("creds.dev.0123456789abcdef").unwrap();
            assert_eq!(got.as_deref().map(str::len), Some(value.len()));
        }
        let per = start.elapsed().as_nanos() / n;
        eprintln!("FileStore::get: {per} ns/op ({} byte entry)", value.len());
    }
}
