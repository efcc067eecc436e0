//! Upsert one profile into an AWS credentials file through the safe store
//! (lock, parse, edit, atomic replace). Used by `bench/awsfiles_upsert.sh`.
//!
//! Usage: `awsfiles_upsert FILE PROFILE [VALUE]`. Without VALUE a fresh one
//! (the current time) is written, so every run really rewrites the file.

use std::path::PathBuf;
use std::process::ExitCode;

use aws_cli_oidc::awsfiles::{StoreOptions, update};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(profile)) = (args.first(), args.get(1)) else {
        eprintln!("usage: awsfiles_upsert FILE PROFILE [VALUE]");
        return ExitCode::from(2);
    };
    let value = args.get(2).cloned().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos().to_string())
            .unwrap_or_default()
    });
    let result = update(
        &PathBuf::from(file),
        &StoreOptions::default(),
        &mut |lock| eprintln!("waiting for {}", lock.display()),
        |doc| {
            doc.set(profile, "aws_access_key_id", "ASIABENCH")?;
            doc.set(profile, "aws_session_token", &value)
        },
    );
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
