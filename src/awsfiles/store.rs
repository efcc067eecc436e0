//! The I/O edge of the AWS files: read, lock, edit, atomically replace.
//!
//! One update is: (1) follow symlinks to the real file, so a link kept by a
//! dotfile manager stays a link; (2) take an exclusive lock on a sidecar
//! `<name>.lock` beside it; (3) read, parse, edit, render; (4) write a temp
//! file `.<name>.tmpXXXXXX` in the same directory with mode 0600 (or the
//! file's mode when stricter; a mode is never widened); (5) fsync it, rename
//! it over the file, fsync the directory. When the render equals what was
//! read nothing is written, so the mtime stays.
//!
//! The lock is a separate file because the rename replaces the target: a
//! lock held on the old inode would not exclude a writer that opened the new
//! one. The lock file is never deleted (deleting it would let two writers
//! lock two different inodes). Readers need no lock: the rename makes every
//! read see either the old or the new file. Temp files left by a killed
//! writer start with a dot and end in `.tmpXXXXXX`, so no reader mistakes
//! them for data; the next writer deletes them while it holds the lock.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::document::{Document, redact_lines};
use super::error::Error;
use crate::safe_file;

/// How an update behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long to wait for another writer's lock.
    pub lock_timeout: Duration,
    /// Compute the change and its diff but write nothing (and take no lock).
    pub dry_run: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            lock_timeout: Duration::from_secs(10),
            dry_run: false,
        }
    }
}

/// What an update did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// The file as the caller named it.
    pub path: PathBuf,
    /// The text changed (with `dry_run`: would change).
    pub changed: bool,
    /// The file did not exist before (with `dry_run`: would be created).
    pub created: bool,
    /// Another process held the lock, so we waited.
    pub waited_for_lock: bool,
    /// With `dry_run`: a unified diff of the change (empty when unchanged).
    pub diff: Option<String>,
}

/// Follow symlinks (also dangling ones) to the file that really gets
/// written.
pub fn resolve_symlinks(path: &Path) -> Result<PathBuf, Error> {
    Ok(safe_file::resolve_symlinks(path)?)
}

/// Read and parse a file; `None` when it does not exist. The text must follow
/// the profile-file rules.
pub fn read_document(path: &Path) -> Result<Option<Document>, Error> {
    read_text(path)?
        .map(|text| {
            let doc = Document::parse_string(text);
            doc.validate().map_err(|e| e.with_path(path))?;
            Ok(doc)
        })
        .transpose()
}

fn read_text(path: &Path) -> Result<Option<String>, Error> {
    safe_file::read_capped(path, safe_file::caps::AWS_FILE)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
                path: path.to_path_buf(),
            })
        })
        .transpose()
}

/// The sidecar lock file of a target: `credentials` → `credentials.lock`.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "aws".to_string());
    target.with_file_name(format!("{name}.lock"))
}

/// Create the directory (mode 0700, as `~/.aws` should be) when missing. An
/// existing one is the user's and other tools', and is left as it is.
fn ensure_dir(dir: &Path) -> Result<(), Error> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    Ok(safe_file::private_dir(dir)?)
}

#[cfg(unix)]
fn existing_mode(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn existing_mode(meta: &fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o400
    } else {
        0o600
    }
}

/// Lock, read, edit, and atomically write one file. `edit` gets the parsed
/// document (empty when the file is missing); `on_wait` is called once with
/// the lock file's path if another process holds the lock.
pub fn update<T>(
    path: &Path,
    opts: &StoreOptions,
    on_wait: &mut dyn FnMut(&Path),
    edit: impl FnOnce(&mut Document) -> Result<T, Error>,
) -> Result<(FileOutcome, T), Error> {
    let target = resolve_symlinks(path)?;
    let mut guard = None;
    if !opts.dry_run {
        ensure_dir(target.parent().unwrap_or(Path::new("")))?;
        guard = Some(safe_file::lock(
            &lock_path(&target),
            opts.lock_timeout,
            on_wait,
        )?);
        safe_file::sweep_temp_files(&target);
    }
    let waited = guard.as_ref().is_some_and(|g| g.waited());
    // The document keeps the text it was parsed from (no copy).
    let (mut doc, existed) = match read_text(&target)? {
        Some(text) => {
            let d = Document::parse_string(text);
            d.validate().map_err(|e| e.with_path(path))?;
            (d, true)
        }
        None => (Document::default(), false),
    };
    let value = edit(&mut doc).map_err(|e| e.with_path(path))?;
    let changed = !doc.is_unchanged();
    let created = !existed && changed;
    let mut outcome = FileOutcome {
        path: path.to_path_buf(),
        changed,
        created,
        waited_for_lock: waited,
        diff: None,
    };
    if opts.dry_run {
        outcome.diff = Some(unified_diff(doc.source(), &doc.render(), path, created));
        return Ok((outcome, value));
    }
    if !changed {
        return Ok((outcome, value));
    }
    let mode = match fs::metadata(&target) {
        Ok(meta) => {
            let m = existing_mode(&meta);
            if m & 0o200 == 0 {
                return Err(Error::ReadOnly {
                    path: path.to_path_buf(),
                    mode: m,
                });
            }
            // Never wider than 0600 for others, and never unreadable for
            // the owner (a 0200 file would be written back unreadable).
            (m & 0o600) | 0o400
        }
        Err(_) => 0o600,
    };
    // Written piece by piece: a large file is not built in memory again.
    // Runs of untouched lines are larger than the buffer and pass through.
    safe_file::write_atomic_with(&target, mode, |file| {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        doc.render_to(&mut out)?;
        out.flush()
    })?;
    drop(guard);
    Ok((outcome, value))
}

/// A unified diff (`---`/`+++` headers, one hunk with three lines of
/// context) between two texts; empty when they are equal. Values of secret
/// keys show as `<redacted>`. Edits touch one
/// region of a file, so one hunk spanning the first to the last changed line
/// is exact enough and keeps this dependency-free.
pub fn unified_diff(old: &str, new: &str, path: &Path, created: bool) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    let ctx = 3;
    let start = prefix.saturating_sub(ctx);
    let a_end = (a.len() - suffix + ctx).min(a.len());
    let b_end = (b.len() - suffix + ctx).min(b.len());
    let range = |s: usize, e: usize| {
        let n = e - s;
        let first = if n == 0 { s } else { s + 1 };
        format!("{first},{n}")
    };
    let shown = path.display();
    let mut out = String::new();
    if created {
        out.push_str("--- /dev/null\n");
    } else {
        out.push_str(&format!("--- {shown}\n"));
    }
    out.push_str(&format!("+++ {shown}\n"));
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(start, a_end),
        range(start, b_end)
    ));
    // Shown lines are redacted with their file's context, so a secret on a
    // continuation line is hidden too.
    let (ra, rb) = (redact_lines(&a), redact_lines(&b));
    let mut line = |mark: char, raw: &str, shown: &str| {
        out.push(mark);
        // The file is partly someone else's: its lines are shown escaped.
        out.push_str(&crate::text::sanitize(shown.trim_end_matches(['\r', '\n'])));
        out.push('\n');
        if !raw.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    };
    for i in start..prefix {
        line(' ', a[i], &ra[i]);
    }
    for i in prefix..a.len() - suffix {
        line('-', a[i], &ra[i]);
    }
    for i in prefix..b.len() - suffix {
        line('+', b[i], &rb[i]);
    }
    for i in a.len() - suffix..a_end {
        line(' ', a[i], &ra[i]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_one_hunk_with_context() {
        let d = unified_diff("a\nb\nc\n", "a\nB\nc\n", Path::new("f"), false);
        assert_eq!(d, "--- f\n+++ f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        assert_eq!(unified_diff("x", "x", Path::new("f"), false), "");
        let d = unified_diff("", "[a]\naws_session_token = TOKEN\n", Path::new("f"), true);
        assert!(
            d.contains("+aws_session_token = <redacted>") && !d.contains("TOKEN"),
            "{d}"
        );
    }

    #[test]
    fn lock_path_is_a_sidecar() {
        assert_eq!(
            lock_path(Path::new("/h/.aws/credentials")),
            Path::new("/h/.aws/credentials.lock")
        );
    }

    #[test]
    fn diff_redacts_secrets_on_continuation_lines_too() {
        let old = "[dev]\naws_secret_access_key =\n  CONTINUEDSECRET\nregion = eu\n";
        let new = "[dev]\nregion = eu-west-1\n";
        let d = unified_diff(old, new, std::path::Path::new("/c"), false);
        assert!(!d.contains("CONTINUEDSECRET"), "{d}");
        assert!(d.contains("-  <redacted>"), "{d}");
        assert!(d.contains("+region = eu-west-1"), "{d}");
    }
}
