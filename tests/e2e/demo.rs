//! `demo/run.sh`, the one-command local demo from the README: it starts the
//! peers, sets up a provider, logs in and asks the real AWS CLI who it is.
//! Run here against the binary under test, so it never builds on its own.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{self, process_alive, run_bounded};

#[test]
fn demo_script_logs_in_and_shows_the_caller_identity() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("demo")
        .join("run.sh");
    let mut cmd = Command::new("setsid");
    cmd.arg("bash")
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_CLI_OIDC_BIN", support::binary());
    let run = run_bounded(&mut cmd, Duration::from_secs(90));
    run.assert_success();
    assert!(
        run.elapsed < Duration::from_secs(60),
        "the demo takes under a minute, took {:?}",
        run.elapsed
    );
    assert!(
        run.stdout
            .contains("\"Arn\": \"arn:aws:sts::123456789012:assumed-role/developer/alice\""),
        "caller identity shown{}",
        run.streams()
    );
    for step in ["==> 1/3 setup", "==> 2/3 login", "==> 3/3 the real AWS CLI"] {
        assert!(
            run.stdout.contains(step),
            "step {step:?} shown{}",
            run.streams()
        );
    }
    assert!(run.stdout.contains("demo: OK in"), "{}", run.streams());

    // The peers it started are gone: it kills them by PID on exit.
    let pids: Vec<u32> = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("peers: "))
        .map(|l| {
            l.split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(pids.len(), 2, "peer PIDs printed{}", run.streams());
    for pid in pids {
        assert!(!process_alive(pid), "peer {pid} still running");
    }
}
