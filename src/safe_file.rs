//! Every file operation that must be safe against crashes, races and files
//! that are not what they seem. Config, cache and AWS-file code call these;
//! nothing else in the crate renames, creates or locks those files.
//!
//! - [`write_atomic`]: a temp file beside the target, created exclusively
//!   (so never through a planted link) with the exact mode, fsynced, renamed
//!   over the target (retried briefly on Windows, where a reader holding the
//!   target open makes the rename fail), then the directory fsynced so the
//!   rename itself survives a crash.
//! - [`private_dir`]: create a directory 0700, or narrow a wider real one.
//!   A directory reached through a symlink is the user's arrangement: it is
//!   used, never `chmod`ed.
//! - [`lock`]: an exclusive lock on a sidecar file, created 0600 without
//!   following a link; a contended lock is waited for by blocking (in a
//!   thread, with a timeout), not by polling.
//! - [`create_new`]: exclusive creation of a small private file.
//! - [`read_capped`]: reads a regular file, after the user's own symlinks,
//!   up to a size cap. A FIFO, a device or an oversized file is an error
//!   naming it, never a hang or an out-of-memory.
//! - [`resolve_symlinks`]: the file a write really lands in, so a dotfile
//!   manager's link stays a link.
//!
//! The lock is a file of its own because the rename replaces the target: a
//! lock held on the old inode would not exclude a writer that opened the new
//! one. Lock files are never deleted (that would let two writers lock two
//! different inodes).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Read caps: what each kind of file may weigh before we refuse it.
pub mod caps {
    /// `~/.aws/config` and `~/.aws/credentials`: generated configs with
    /// 100,000 profiles stay under this.
    pub const AWS_FILE: u64 = 16 * 1024 * 1024;
    /// `config.yaml`.
    pub const CONFIG: u64 = 1024 * 1024;
    /// One cache entry (a few KiB in practice).
    pub const CACHE_ENTRY: u64 = 64 * 1024;
    /// Markers we leave beside locks and caches (one line).
    pub const MARKER: u64 = 4096;
}

/// What went wrong with a file. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system call failed. The OS's words are part of the
    /// message (not a separate cause), so a one-line notice keeps them.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "read", "write", "lock".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Not a regular file (a FIFO, a device, a directory, a socket).
    #[error("{} is {kind}, not a regular file; replace it with a regular file or remove it, then retry", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is instead, e.g. "a FIFO".
        kind: &'static str,
    },
    /// Larger than the cap for its kind.
    #[error("{} is larger than {} KiB, more than this file can hold; check what it contains", path.display(), limit / 1024)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap in bytes.
        limit: u64,
    },
    /// A symbolic link where we keep a file of our own (a lock or marker).
    #[error("{} is a symbolic link, where aws-cli-oidc keeps a file of its own; remove the link, then retry", path.display())]
    Link {
        /// The link.
        path: PathBuf,
    },
    /// A directory we need exists but is something else.
    #[error("{} exists and is not a directory; move it away, then retry", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// Another process held the lock for longer than we wait.
    #[error(
        "timed out after {}s waiting for the lock {}; another aws-cli-oidc may be stuck: end it, then retry",
        waited.as_secs(),
        path.display()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

/// The directory a file lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string())
}

/// Follow symlinks (dangling ones too) to the file a write really replaces.
pub fn resolve_symlinks(path: &Path) -> Result<PathBuf, Error> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p).map_err(io("follow the link", &p))?;
                p = if target.is_absolute() {
                    target
                } else {
                    parent_dir(&p).join(target)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(Error::Io {
        action: "follow the link",
        path: path.to_path_buf(),
        source: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// Create `dir` (and missing parents) with mode 0700, or narrow an existing
/// real directory that others can reach. A link to a directory is followed
/// but never `chmod`ed: the target is the user's arrangement.
pub fn private_dir(dir: &Path) -> Result<(), Error> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            narrow_dir(dir, &meta);
            Ok(())
        }
        Ok(meta) if meta.file_type().is_symlink() => match fs::metadata(dir) {
            Ok(target) if target.is_dir() => Ok(()),
            Ok(_) => Err(Error::NotADirectory {
                path: dir.to_path_buf(),
            }),
            Err(e) => Err(io("open directory", dir)(e)),
        },
        Ok(_) => Err(Error::NotADirectory {
            path: dir.to_path_buf(),
        }),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir).map_err(io("create directory", dir))
        }
        Err(e) => Err(io("open directory", dir)(e)),
    }
}

/// Narrow a real directory to at most 0700, through a descriptor opened
/// without following links, so a link swapped in meanwhile is not changed.
/// Best effort: on file systems without Unix modes (a Windows drive under
/// WSL) chmod fails or does nothing, and refusing to work there would help
/// nobody.
#[cfg(unix)]
fn narrow_dir(dir: &Path, meta: &fs::Metadata) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return;
    }
    if let Ok(handle) = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY)
        .open(dir)
    {
        let _ = handle.set_permissions(fs::Permissions::from_mode(mode & 0o700));
    }
}

#[cfg(not(unix))]
fn narrow_dir(_dir: &Path, _meta: &fs::Metadata) {}

/// Write `bytes` to `target` atomically with exactly `mode` (Unix): readers
/// see the old or the new content, never a torn one, and after a crash the
/// file is one or the other. The caller resolves symlinks first when the
/// link must stay a link (see [`resolve_symlinks`]).
pub fn write_atomic(target: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    write_atomic_with(target, mode, |file| file.write_all(bytes))
}

/// [`write_atomic`] with the content written by `write` into the temporary
/// file, so a large file need not be built in memory first.
pub fn write_atomic_with(
    target: &Path,
    mode: u32,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let dir = parent_dir(target);
    let mut builder = tempfile::Builder::new();
    // The name starts with a dot and ends in `.tmpXXXXXX`: no reader of ours
    // mistakes it for data, and `sweep_temp_files` finds it.
    let prefix = format!(".{}.tmp", file_name(target));
    builder.prefix(&prefix).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    // tempfile creates with O_CREAT|O_EXCL: a link planted at the name makes
    // the creation fail instead of writing through it.
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(io("create a temporary file in", dir))?;
    #[cfg(unix)]
    {
        // The umask may have narrowed the mode further; set it exactly.
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(io("set the mode of", tmp.path()))?;
    }
    write(tmp.as_file_mut()).map_err(io("write", target))?;
    // Without the sync a crash could leave an empty file behind the rename.
    tmp.as_file().sync_all().map_err(io("write", target))?;
    let mut attempt = 0;
    loop {
        match tmp.persist(target) {
            Ok(_) => break,
            // Windows refuses the rename while another process has the target
            // open (an SDK reading ~/.aws/credentials); that lasts moments.
            Err(e)
                if cfg!(windows)
                    && e.error.kind() == ErrorKind::PermissionDenied
                    && attempt < 10 =>
            {
                attempt += 1;
                tmp = e.file;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(io("replace", target)(e.error)),
        }
    }
    sync_dir(dir)
}

/// Make a rename in `dir` durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("sync directory", dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), Error> {
    Ok(())
}

/// Delete temp files that a killed [`write_atomic`] of `target` left. Call
/// it only under the target's lock, when no writer of ours can be using one.
pub fn sweep_temp_files(target: &Path) {
    let prefix = format!(".{}.tmp", file_name(target));
    // Exactly our names (the prefix and 6 random alphanumerics), so a
    // user's `.credentials.tmp.bak` stays.
    let ours = |name: &str| {
        name.strip_prefix(&prefix)
            .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    if let Ok(entries) = fs::read_dir(parent_dir(target)) {
        for e in entries.flatten() {
            if ours(&e.file_name().to_string_lossy()) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

fn private_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    opts
}

fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Create `path` with `bytes`, mode 0600, only if nothing is there (not even
/// a dangling link). Returns `false` when something already exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    let mut opts = private_options();
    opts.write(true).create_new(true);
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(bytes).map_err(io("write", path))?;
            Ok(true)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io("create", path)(e)),
    }
}

fn kind_of(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Read a regular file of at most `limit` bytes; `Ok(None)` when it does not
/// exist. The user's symlinks are followed; what they lead to must be a
/// regular file. Opening does not block on a FIFO, and nothing past the cap
/// is read.
pub fn read_capped(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, Error> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        // Opening a FIFO for reading would wait for a writer; with
        // O_NONBLOCK it returns at once and the type check below refuses it.
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", path)(e)),
    };
    let meta = file.metadata().map_err(io("read", path))?;
    if !meta.is_file() {
        return Err(Error::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(meta.file_type()),
        });
    }
    let too_large = || Error::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io("read", path))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

/// The permission bits of `path` when others may read or write it (wider
/// than 0600), for `status` to warn about; `None` otherwise, when it is
/// missing, or where there are no Unix modes.
pub fn wider_than_private(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A held exclusive lock; released when dropped (and by the OS when the
/// process dies, so a crash never leaves a stale lock).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
    waited: bool,
}

impl FileLock {
    /// True when another process held the lock first.
    pub fn waited(&self) -> bool {
        self.waited
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes
        // the release independent of when the descriptor is closed.
        let _ = self.file.unlock();
    }
}

/// Take an exclusive lock on the file `path` (created 0600 without following
/// a link), waiting at most `timeout`. `on_wait` is called once, before
/// waiting, when another process holds it. The directory must exist.
pub fn lock(
    path: &Path,
    timeout: Duration,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<FileLock, Error> {
    let mut opts = private_options();
    opts.read(true).write(true).create(true).truncate(false);
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if is_link_error(&e) => {
            return Err(Error::Link {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(io("open the lock file", path)(e)),
    };
    let meta = file.metadata().map_err(io("open the lock file", path))?;
    if !meta.is_file() {
        return Err(Error::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(meta.file_type()),
        });
    }
    let held = |file, waited| FileLock {
        file,
        path: path.to_path_buf(),
        waited,
    };
    match file.try_lock() {
        Ok(()) => return Ok(held(file, false)),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => return Err(io("lock", path)(e)),
    }
    on_wait(path);
    // Block on a second descriptor of the same open file (flock locks belong
    // to the open file, so `file` holds the lock once it is granted) in a
    // thread, so the wait ends the moment the holder lets go. On timeout the
    // thread is left blocked; if it is granted the lock later, it drops its
    // descriptor at once, which releases it.
    let waiter = file.try_clone().map_err(io("open the lock file", path))?;
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    std::thread::Builder::new()
        .name("lock-wait".into())
        .spawn(move || {
            let _ = tx.send(waiter.lock());
        })
        .map_err(io("wait for the lock", path))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(held(file, true)),
        Ok(Err(e)) => Err(io("lock", path)(e)),
        Err(_) => Err(Error::LockTimeout {
            path: path.to_path_buf(),
            waited: started.elapsed(),
        }),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn write_atomic_replaces_with_exact_mode_and_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("f");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&target, b"new", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(mode(&target), 0o600);
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "only the target is left");
    }

    #[test]
    fn sweep_removes_only_this_targets_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("credentials");
        fs::write(tmp.path().join(".credentials.tmpAbC123"), "x").unwrap();
        fs::write(tmp.path().join(".config.tmpAbC123"), "x").unwrap();
        fs::write(tmp.path().join(".credentials.tmp.bak"), "x").unwrap();
        sweep_temp_files(&target);
        assert!(!tmp.path().join(".credentials.tmpAbC123").exists());
        assert!(tmp.path().join(".config.tmpAbC123").exists());
        assert!(
            tmp.path().join(".credentials.tmp.bak").exists(),
            "the user's file stays"
        );
    }

    #[test]
    fn private_dir_creates_0700_narrows_wider_and_keeps_narrower() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o500);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    }

    #[test]
    fn private_dir_never_chmods_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("dotfiles");
        fs::create_dir(&real).unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
        let link = tmp.path().join(".aws");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        private_dir(&link).unwrap();
        assert_eq!(mode(&real), 0o755, "the link's target is the user's");
    }

    #[test]
    fn private_dir_refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("cache");
        fs::write(&file, "x").unwrap();
        let err = private_dir(&file).unwrap_err();
        assert!(matches!(err, Error::NotADirectory { .. }), "{err}");
        assert!(err.to_string().contains("cache"), "{err}");
    }

    #[test]
    fn read_capped_refuses_fifo_device_directory_and_oversize_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = read_capped(&fifo, 100).unwrap_err();
        assert!(err.to_string().contains("is a FIFO"), "{err}");
        let link = tmp.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_capped(&link, 100).unwrap_err();
        assert!(err.to_string().contains("is a device"), "{err}");
        assert!(matches!(
            read_capped(tmp.path(), 100),
            Err(Error::NotRegular { .. })
        ));
        let big = tmp.path().join("big");
        fs::write(&big, vec![b'a'; 101]).unwrap();
        let err = read_capped(&big, 100).unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 100, .. }), "{err}");
        fs::write(&big, vec![b'a'; 100]).unwrap();
        assert_eq!(read_capped(&big, 100).unwrap().unwrap().len(), 100);
        assert_eq!(read_capped(&tmp.path().join("none"), 100).unwrap(), None);
    }

    #[test]
    fn read_capped_follows_the_users_links_to_regular_files() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("real"), "data").unwrap();
        std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
        assert_eq!(
            read_capped(&tmp.path().join("link"), 100).unwrap().unwrap(),
            b"data"
        );
    }

    #[test]
    fn create_new_is_exclusive_private_and_never_follows_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("marker");
        assert!(create_new(&path, b"file\n").unwrap());
        assert!(!create_new(&path, b"other").unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), "file\n");
        assert_eq!(mode(&path), 0o600);
        let victim = tmp.path().join("victim");
        let planted = tmp.path().join("planted");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert!(!create_new(&planted, b"x").unwrap());
        assert!(!victim.exists(), "nothing written through the link");
    }

    #[test]
    fn lock_refuses_a_planted_link_and_names_it() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        let lock_path = tmp.path().join("credentials.lock");
        std::os::unix::fs::symlink(&victim, &lock_path).unwrap();
        let err = lock(&lock_path, Duration::from_secs(1), &mut |_| {}).unwrap_err();
        assert!(matches!(err, Error::Link { .. }), "{err}");
        assert!(err.to_string().contains("credentials.lock"), "{err}");
        assert!(!victim.exists());
    }

    #[test]
    fn lock_is_0600_and_a_second_taker_waits_then_times_out() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("x.lock");
        let first = lock(&path, Duration::from_secs(1), &mut |_| panic!("no wait")).unwrap();
        assert!(!first.waited());
        assert_eq!(mode(&path), 0o600);
        // flock locks belong to the open file, so a second open in this
        // process contends like another process would.
        let mut told = 0;
        let err = lock(&path, Duration::from_millis(50), &mut |_| told += 1).unwrap_err();
        assert_eq!(told, 1);
        assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
        assert!(err.to_string().contains("x.lock"), "{err}");
        drop(first);
        // The timed-out waiter's thread may take the lock for a moment
        // before it lets go; then it is free again.
        let again = lock(&path, Duration::from_secs(5), &mut |_| {});
        assert!(again.is_ok(), "{again:?}");
    }

    #[test]
    fn resolve_symlinks_follows_chains_and_dangling_links() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("c", tmp.path().join("b")).unwrap();
        assert_eq!(resolve_symlinks(&a).unwrap(), tmp.path().join("c"));
    }
}
