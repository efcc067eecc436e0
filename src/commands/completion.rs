//! `completion SHELL` prints a script; the hidden `__complete KIND` prints
//! the names those scripts offer (see `aws_cli_oidc::completion`).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use aws_cli_oidc::awsfiles::location::{self, Platform};
use aws_cli_oidc::cli::{Cli, CompleteCli, CompleteKind, CompletionArgs};
use aws_cli_oidc::completion;
use aws_cli_oidc::config::ConfigFile;

use super::Env;

pub fn script(args: CompletionArgs) -> Result<ExitCode> {
    let text = completion::script(args.shell, <Cli as clap::CommandFactory>::command());
    let mut out = std::io::stdout().lock();
    out.write_all(&text)
        .and_then(|_| out.flush())
        .context("cannot write the completion script to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// Runs inside the user's shell at every TAB: prints nothing rather than an
/// error when a file is missing or broken.
pub fn candidates(cli: CompleteCli, env: &Env) -> ExitCode {
    let names = match cli.kind {
        CompleteKind::Providers => aws_cli_oidc::config::config_dir(
            cli.config_dir.as_deref(),
            env.config_dir.as_deref(),
            env.home.as_deref(),
        )
        .and_then(|dir| ConfigFile::load(&dir).ok())
        .map(|file| file.providers())
        .unwrap_or_default(),
        CompleteKind::Profiles => location::locate(&env.files, Platform::current())
            .ok()
            .and_then(|paths| aws_cli_oidc::awsfiles::read_profiles(&paths).ok())
            .map(|p| p.profiles.into_keys().collect())
            .unwrap_or_default(),
    };
    let mut out = std::io::stdout().lock();
    for name in completion::safe_candidates(names) {
        if writeln!(out, "{name}").is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
