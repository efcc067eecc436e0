//! The safe store on a real file system: parallel writers, writers killed
//! mid-write, symlinks, modes, read-only files, the lock.
//!
//! Multi-process tests re-run this test binary (`std::env::current_exe()`)
//! with `--exact awsfiles_store::child_writer` and `AWSFILES_CHILD` telling
//! the child what to do; without that variable the child test does nothing.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_cli_oidc::awsfiles::store::{read_document, update};
use aws_cli_oidc::awsfiles::{Document, Error, FileEnv, FileKind, Platform, StoreOptions, locate};

const CHILD_ENV: &str = "AWSFILES_CHILD";
const PATH_ENV: &str = "AWSFILES_PATH";
const PROFILE_ENV: &str = "AWSFILES_PROFILE";

fn no_wait() -> impl FnMut(&Path) {
    |_: &Path| {}
}

fn set(path: &Path, section: &str, key: &str, value: &str) -> Result<bool, Error> {
    let opts = StoreOptions {
        lock_timeout: Duration::from_secs(60),
        dry_run: false,
    };
    update(path, &opts, &mut no_wait(), |d| d.set(section, key, value)).map(|(o, _)| o.changed)
}

/// The child side of the multi-process tests; a no-op in a normal run.
#[test]
fn child_writer() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    let path = PathBuf::from(std::env::var(PATH_ENV).expect("child path"));
    let profile = std::env::var(PROFILE_ENV).expect("child profile");
    match mode.as_str() {
        "write" => {
            set(
                &path,
                &profile,
                "aws_access_key_id",
                &format!("AKIA{profile}"),
            )
            .expect("write");
            set(&path, &profile, "aws_secret_access_key", "s").expect("write");
        }
        "toggle" => {
            // Runs until killed.
            for i in 0.. {
                let v = if i % 2 == 0 { "new" } else { "old" };
                set(&path, &profile, "value", v).expect("toggle");
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn_child(mode: &str, path: &Path, profile: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "awsfiles_store::child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, mode)
        .env(PATH_ENV, path)
        .env(PROFILE_ENV, profile)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child")
}

const FOREIGN: &str = "# Hand-written, do not touch\r\n; really\r\n[static]\r\naws_access_key_id = AKIASTATIC # mine\r\naws_secret_access_key = x\r\n";

#[test]
fn fifty_parallel_writers_all_land_and_keep_foreign_bytes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    fs::write(&path, FOREIGN).expect("seed");
    let children: Vec<Child> = (0..50)
        .map(|i| spawn_child("write", &path, &format!("p{i}")))
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success(), "a writer failed");
    }
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.starts_with(FOREIGN), "foreign bytes changed:\n{text}");
    let profiles = Document::parse(&text)
        .profiles(FileKind::Credentials)
        .expect("parses");
    for i in 0..50 {
        let p = profiles
            .profiles
            .get(&format!("p{i}"))
            .expect("section present");
        assert_eq!(
            p.get("aws_access_key_id").map(String::as_str),
            Some(format!("AKIAp{i}").as_str())
        );
        assert_eq!(
            p.get("aws_secret_access_key").map(String::as_str),
            Some("s")
        );
    }
    assert_eq!(profiles.profiles.len(), 51);
}

/// A small xorshift generator: random kill times need no crypto.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn writer_killed_at_random_moments_leaves_old_or_new_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    // A larger file makes each write take long enough to be interrupted.
    let mut seed_text = String::from("# crash test\n");
    for i in 0..300 {
        seed_text.push_str(&format!("[filler{i}]\naws_access_key_id = AKIA{i} ; c\n\n"));
    }
    seed_text.push_str("[crash]\nvalue = old\n");
    fs::write(&path, &seed_text).expect("seed");
    let new_text = seed_text.replace("value = old", "value = new");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    let started = Instant::now();
    let (mut saw_old, mut saw_new, mut stale) = (0, 0, 0);
    for _ in 0..200 {
        // Kill at a random moment after the child's first rename, so every
        // round interrupts a running writer however slow the machine is.
        let ino = |p: &Path| fs::metadata(p).map(|m| m.ino()).unwrap_or(0);
        let before = ino(&path);
        let mut child = spawn_child("toggle", &path, "crash");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ino(&path) == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros(next(&mut seed) % 15_000));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let text = fs::read_to_string(&path).expect("read");
        if text == seed_text {
            saw_old += 1;
        } else if text == new_text {
            saw_new += 1;
        } else {
            panic!("torn file after kill:\n{text}");
        }
        read_document(&path).expect("parses").expect("exists");
        stale += fs::read_dir(tmp.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .count();
    }
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    println!(
        "crash test: 200 kills in {:?}: {saw_old} old, {saw_new} new, {stale} kills left a temp file",
        started.elapsed()
    );
    // Leftover temp files are dot files no reader looks at; the next writer
    // removes them under the lock.
    set(&path, "crash", "value", "final").expect("write after crashes");
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn symlinked_credentials_file_stays_a_link() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let real_dir = tmp.path().join("dotfiles");
    fs::create_dir(&real_dir).expect("mkdir");
    let real = real_dir.join("aws-credentials");
    fs::write(&real, "[a]\nk = v\n").expect("seed");
    let link = tmp.path().join("credentials");
    symlink(&real, &link).expect("symlink");
    assert!(set(&link, "b", "k", "w").expect("write"));
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&real).expect("read"),
        "[a]\nk = v\n\n[b]\nk = w\n"
    );
    assert!(real_dir.join("aws-credentials.lock").exists());
}

#[test]
fn new_file_is_0600_in_new_aws_dir_0700() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let env = FileEnv {
        home: Some(tmp.path().to_string_lossy().into_owned()),
        ..Default::default()
    };
    let paths = locate(&env, Platform::Unix).expect("paths");
    assert!(set(&paths.credentials, "dev", "k", "v").expect("write"));
    let dir_mode = fs::metadata(tmp.path().join(".aws"))
        .expect("dir")
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let mode = fs::metadata(&paths.credentials)
        .expect("file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn existing_mode_is_never_widened() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("config");
    fs::write(&path, "[default]\n").expect("seed");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    set(&path, "default", "region", "eu-west-1").expect("write");
    assert_eq!(
        fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn read_only_file_gives_clear_error_and_stays() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    fs::write(&path, "[a]\nk = v\n").expect("seed");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).expect("chmod");
    let err = set(&path, "a", "k", "w").expect_err("must refuse");
    let msg = err.to_string();
    assert!(matches!(err, Error::ReadOnly { .. }), "{msg}");
    assert!(
        msg.contains("read-only") && msg.contains("credentials"),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), "[a]\nk = v\n");
    assert_eq!(
        fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o400
    );
}

#[test]
fn unchanged_render_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    fs::write(&path, "[a]\nk=v\n").expect("seed");
    let before = fs::metadata(&path)
        .expect("meta")
        .modified()
        .expect("mtime");
    let ino = fs::metadata(&path).expect("meta").ino();
    std::thread::sleep(Duration::from_millis(20));
    assert!(!set(&path, "a", "k", "v").expect("no-op"));
    let meta = fs::metadata(&path).expect("meta");
    assert_eq!(meta.modified().expect("mtime"), before);
    assert_eq!(meta.ino(), ino);
}

#[test]
fn lock_wait_is_reported_and_times_out_naming_the_lock() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    let lock_path = tmp.path().join("credentials.lock");
    let held = fs::File::create(&lock_path).expect("lock file");
    held.lock().expect("hold lock");
    let opts = StoreOptions {
        lock_timeout: Duration::from_millis(300),
        dry_run: false,
    };
    let mut waits = Vec::new();
    let err = update(
        &path,
        &opts,
        &mut |p: &Path| waits.push(p.to_path_buf()),
        |d| d.set("a", "k", "v"),
    )
    .expect_err("times out");
    assert!(matches!(
        err,
        Error::File(aws_cli_oidc::safe_file::Error::LockTimeout { .. })
    ));
    assert!(err.to_string().contains("credentials.lock"), "{err}");
    assert_eq!(waits, vec![lock_path.clone()]);
    assert!(!path.exists());

    // Released while we wait: the write goes through and says it waited.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        drop(held);
    });
    let opts = StoreOptions {
        lock_timeout: Duration::from_secs(10),
        dry_run: false,
    };
    let (outcome, _) =
        update(&path, &opts, &mut no_wait(), |d| d.set("a", "k", "v")).expect("waits");
    releaser.join().expect("thread");
    assert!(outcome.waited_for_lock && outcome.changed && outcome.created);

    // No contention: no wait reported.
    let (outcome, _) =
        update(&path, &opts, &mut no_wait(), |d| d.set("a", "k", "w")).expect("write");
    assert!(!outcome.waited_for_lock);
}

#[test]
fn dry_run_returns_diff_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("config");
    fs::write(&path, "[default]\nregion = a\n").expect("seed");
    let opts = StoreOptions {
        dry_run: true,
        ..Default::default()
    };
    let (outcome, _) = update(&path, &opts, &mut no_wait(), |d| {
        d.set("default", "region", "b")
    })
    .expect("dry run");
    assert!(outcome.changed);
    let diff = outcome.diff.expect("diff");
    assert!(diff.contains("-region = a\n+region = b\n"), "{diff}");
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "[default]\nregion = a\n"
    );
    assert!(!tmp.path().join("config.lock").exists());
}

#[test]
fn leftover_temp_files_are_not_read_as_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("credentials");
    fs::write(&path, "[a]\nk = v\n").expect("seed");
    fs::write(tmp.path().join(".credentials.tmpABC123"), "[a]\nk = torn").expect("leftover");
    let doc = read_document(&path).expect("read").expect("exists");
    assert_eq!(doc.get("a", "k").expect("get").as_deref(), Some("v"));
}

#[test]
fn dangling_relative_symlink_gets_its_target_created() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::create_dir(tmp.path().join("store")).expect("mkdir");
    let link = tmp.path().join("credentials");
    symlink("store/aws-credentials", &link).expect("symlink");
    assert!(set(&link, "dev", "k", "v").expect("write"));
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    let real = tmp.path().join("store/aws-credentials");
    assert_eq!(fs::read_to_string(&real).expect("read"), "[dev]\nk = v\n");
    assert_eq!(
        fs::metadata(&real).expect("meta").permissions().mode() & 0o777,
        0o600
    );
}
