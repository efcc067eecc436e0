//! The `aws-cli-oidc` binary: parse, dispatch, print the error chain, exit.
//! Exit codes ([`aws_cli_oidc::cli::exit`]): 0 success, 1 failure, 2 usage
//! error (clap's own and [`commands::UsageError`]), 3 `refresh`: a profile
//! needs an interactive login.

mod commands;

use std::process::ExitCode;

use aws_cli_oidc::cli::exit;
use clap::Parser;

fn main() -> ExitCode {
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
    let cli = aws_cli_oidc::cli::Cli::parse();
    commands::logging::init(cli.verbose);
    match commands::run(cli, &env) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("aws-cli-oidc: error: {err:#}");
            if err.downcast_ref::<commands::UsageError>().is_some() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::from(exit::FAILURE)
            }
        }
    }
}
