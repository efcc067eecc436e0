//! Fuzz the AWS-file document: any UTF-8 text must render back byte for
//! byte, reading it must never panic, and an accepted edit must leave a file
//! that still reads. The properties live in the library
//! (`aws_cli_oidc::awsfiles::invariants`), where a stable test replays the
//! seeds and every crash found (`tests/cli/fuzz_replay.rs`): save a new
//! crash input in `fuzz/regressions/awsfiles_roundtrip/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(broken) = aws_cli_oidc::awsfiles::invariants::check(text)
    {
        panic!("{broken}");
    }
});
