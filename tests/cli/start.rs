//! The process start on glibc Linux (`src/start.rs`), which replaces std's
//! runtime start-up: what a user sees must not change.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Bare, binary, run_bounded};

const ROLE: &str = "arn:aws:iam::123456789012:role/dev";
const CONFIG: &str = "corp:\n  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  client_id: aws-cli\n  aws_federation_type: oidc\n  default_iam_role_arn: arn:aws:iam::123456789012:role/dev\n  max_session_duration_seconds: 3600\n  secret_store: file\n";

/// Every file under `dir`, as (path relative to `dir`, bytes).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Started with descriptors 0, 1 and 2 closed, `install-profile` writes
/// the same files as with them open, and nothing it prints lands in one.
#[test]
fn closed_standard_descriptors_never_become_files_we_write() {
    let args = ["install-profile", "--profile", "dev", "-p", "corp"];
    let homes = [Bare::new(), Bare::new()];
    for home in &homes {
        home.write(".aws-cli-oidc/config.yaml", CONFIG);
        home.write(".aws/config", "[default]\nregion = eu-west-1\n");
    }
    let open = homes[0].run(&args);
    assert_eq!(open.code, Some(0), "{}", open.stderr);
    let printed = format!("{}{}", open.stdout, open.stderr);
    assert!(printed.contains("dev"), "{printed}");

    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"exec "$0" "$@" <&- >&- 2>&-"#)
        .arg(binary())
        .args(args)
        .env_clear()
        .env(
            "PATH",
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        )
        .env("HOME", homes[1].home.path())
        .current_dir(homes[1].home.path());
    let closed = run_bounded(&mut cmd, Duration::from_secs(20));
    assert_eq!(closed.code, Some(0), "{closed:?}");

    let written = files(homes[1].home.path());
    assert_eq!(files(homes[0].home.path()), written);
    for line in printed.lines().filter(|l| l.len() > 8) {
        for (path, bytes) in &written {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(line), "{path} holds printed text {line:?}");
        }
    }
}

/// Started with descriptors 0, 1 and 2 closed, the process runs with
/// `/dev/null` on them, as std's start-up arranged: `exec --no-server`
/// replaces itself with a shell that reports its descriptors. (Credentials
/// are planted in the file cache, so nothing logs in.)
#[test]
fn closed_standard_descriptors_are_dev_null() {
    use aws_cli_oidc::cache::{self, FileStore};
    let home = Bare::new();
    home.write(".aws-cli-oidc/config.yaml", CONFIG);
    let config_dir = home.config_dir();
    let store =
        FileStore::new(cache::cache_dir(&config_dir)).with_locks_dir(cache::locks_dir(&config_dir));
    let now = time::OffsetDateTime::now_utc();
    let creds = aws_cli_oidc::sts::Credentials {
        access_key_id: "ASIAEXAMPLE".to_string().into(),
        secret_access_key: "secret".to_string().into(),
        session_token: "token".to_string().into(),
        expiration: now + time::Duration::hours(1),
    };
    let key = cache::credentials_key("corp", ROLE, 3600);
    cache::put_credentials(&store, &key, ROLE, &creds, now).unwrap();

    let report = home.home.path().join("fds");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"exec "$0" "$@" <&- >&- 2>&-"#)
        .arg(binary())
        .args(["exec", "--no-server", "-p", "corp", "--", "sh", "-c"])
        // Each readlink runs in a command substitution, so the shell's own
        // descriptors are read before any redirection of its own.
        .arg(concat!(
            r#"a=$(readlink /proc/$$/fd/0 || echo closed); "#,
            r#"b=$(readlink /proc/$$/fd/1 || echo closed); "#,
            r#"c=$(readlink /proc/$$/fd/2 || echo closed); "#,
            r#"printf '%s\n' "$a" "$b" "$c" >"$REPORT""#
        ))
        .env_clear()
        .env(
            "PATH",
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        )
        .env("HOME", home.home.path())
        .env("REPORT", &report)
        .current_dir(home.home.path());
    let run = run_bounded(&mut cmd, Duration::from_secs(20));
    assert_eq!(run.code, Some(0), "{run:?}");
    let fds = std::fs::read_to_string(&report).unwrap();
    assert_eq!(fds, "/dev/null\n/dev/null\n/dev/null\n");
}

/// Writing to a pipe nobody reads is an error the command reports (exit 1,
/// "Broken pipe"), not a death by SIGPIPE.
#[test]
fn a_closed_pipe_is_reported_not_a_signal() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(binary())
        .args(["completion", "bash"])
        .env_clear()
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{:?} {stderr}", out.status);
    assert!(stderr.contains("Broken pipe"), "{stderr}");
}
