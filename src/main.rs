//! The `aws-cli-oidc` binary: parse, dispatch, print the error chain, exit.
//! Exit codes ([`aws_cli_oidc::cli::exit`]): 0 success, 1 failure, 2 usage
//! error (clap's own and [`commands::UsageError`]), 3 `refresh`: a profile
//! needs an interactive login.

// On glibc Linux the process starts in `start::main`, which skips std's
// runtime start-up (see there); elsewhere, and in the unit tests, std's.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod commands;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod start;

use std::process::ExitCode;

use aws_cli_oidc::cli::exit;
use clap::Parser;

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> ExitCode {
    run()
}

/// Parse, dispatch, print the error chain; the exit code.
fn run() -> ExitCode {
    let env = commands::Env::from_process();
    let mut args = std::env::args_os();
    if args
        .nth(1)
        .is_some_and(|a| a == aws_cli_oidc::completion::HIDDEN_COMMAND)
    {
        // The completion scripts' name lister: quiet and never failing.
        let cli = aws_cli_oidc::cli::CompleteCli::parse_from(std::env::args_os().skip(1));
        return commands::completion::candidates(cli, &env);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The credential_process hot path skips building clap's command tree.
    let parsed = match aws_cli_oidc::cli::parse_credential_process(&args) {
        Some(cli) => Ok(cli),
        None => {
            let command = if aws_cli_oidc::cli::wants_help(&args) {
                aws_cli_oidc::cli::command()
            } else {
                <aws_cli_oidc::cli::Cli as clap::CommandFactory>::command()
            };
            command.try_get_matches_from(&args).and_then(|m| {
                <aws_cli_oidc::cli::Cli as clap::FromArgMatches>::from_arg_matches(&m)
            })
        }
    };
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            // clap quotes the offending argument as given: a value with
            // escape sequences must not reach the terminal raw either.
            let text = err.render().to_string();
            eprint!("{}", aws_cli_oidc::text::sanitize_lines(&text));
            return ExitCode::from(exit::USAGE);
        }
    };
    commands::logging::init(cli.verbose);
    match commands::run(cli, &env) {
        Ok(code) => code,
        Err(err) => {
            // Errors quote provider, STS and file text: no escape sequences
            // reach the terminal, whatever a layer below forgot.
            let text = format!("{err:#}");
            eprintln!(
                "aws-cli-oidc: error: {}",
                aws_cli_oidc::text::sanitize_lines(&text)
            );
            if err.downcast_ref::<commands::UsageError>().is_some() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::from(exit::FAILURE)
            }
        }
    }
}
