//! `status`: the human report of a fixture setup (fixtures/status/home, with
//! its times resolved against the clock so the snapshot holds).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::fixture_time::copy_fixture;
use crate::support::{self, run_bounded};

fn run_status(home: &Path, args: &[&str]) -> support::Run {
    let mut cmd = Command::new("setsid");
    cmd.arg(support::binary())
        .arg("status")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .current_dir(home);
    run_bounded(&mut cmd, Duration::from_secs(30))
}

#[test]
fn status_human_output_of_fixture_matches_snapshot() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp HOME");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/status");
    let now = time::OffsetDateTime::now_utc();
    copy_fixture(&root.join("home"), home.path(), now);
    std::fs::set_permissions(
        home.path().join(".aws/credentials"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod credentials");

    let run = run_status(home.path(), &[]);
    run.assert_success();
    let shown = run
        .stdout
        .replace(&home.path().to_string_lossy().into_owned(), "$HOME");
    let expected = std::fs::read_to_string(root.join("expected.txt")).expect("snapshot");
    assert_eq!(shown, expected, "{}", run.streams());
    assert!(run.stderr.is_empty(), "nothing on stderr{}", run.streams());
}
