//! Command-line types only: no I/O, no environment, no side effects, so
//! `--help` works on any machine.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn a browser login at an OpenID Connect provider into short-lived AWS credentials.
#[derive(Debug, Parser)]
#[command(
    name = "aws-cli-oidc",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Directory holding config.yaml [default: $AWS_CLI_OIDC_CONFIG, else ~/.aws-cli-oidc]
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Log progress to stderr (-vv for more); tokens and keys are always redacted
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and print AWS credentials (exports, or credential_process JSON with -j)
    GetCred(GetCredArgs),
    /// Log in and write the credentials into a profile of ~/.aws/credentials
    Login(LoginArgs),
    /// Write a credential_process profile into ~/.aws/config so SDKs call this tool
    InstallProfile(InstallProfileArgs),
    /// Remove a profile that install-profile wrote
    UninstallProfile(UninstallProfileArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completion(CompletionArgs),
}

/// Arguments of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which provider and role to log in to; shared by get-cred, login and install-profile.
#[derive(Debug, Args, Clone)]
pub struct TargetArgs {
    /// Provider name, a top-level key of config.yaml
    #[arg(short = 'p', long = "provider", value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Role ARN to assume [default: default_iam_role_arn of the provider]
    #[arg(short = 'r', long = "role", value_name = "ROLE_ARN")]
    pub role: Option<String>,

    /// Session duration in seconds, 900..=43200 [default: max_session_duration_seconds, else 3600]
    #[arg(short = 'd', long = "max-duration", value_name = "SECS", value_parser = clap::value_parser!(u32).range(900..=43200))]
    pub max_duration: Option<u32>,
}

/// Arguments of `get-cred`.
#[derive(Debug, Args)]
pub struct GetCredArgs {
    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Provider name (old positional form of -p, as in early Go releases)
    #[arg(value_name = "PROVIDER", hide = true, conflicts_with = "provider")]
    pub provider_positional: Option<String>,

    /// Print credential_process JSON (one line, Version 1)
    #[arg(short = 'j', long)]
    pub json: bool,

    /// Output format [default: sh, or json with -j]
    #[arg(long, value_enum, conflicts_with = "json")]
    pub format: Option<OutputFormat>,

    /// Reuse and store AWS credentials in the secret store (the credential_process mode)
    #[arg(short = 's', long = "use-secret")]
    pub use_secret: bool,

    /// Do not launch a browser; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,
}

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Profile (section) of the credentials file to write
    #[arg(long, value_name = "NAME")]
    pub profile: String,

    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also set `region` in [profile NAME] of the config file
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Overwrite a section that holds keys aws-cli-oidc did not write
    #[arg(long)]
    pub force: bool,

    /// Do not launch a browser; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,
}

/// Arguments of `install-profile`.
#[derive(Debug, Args)]
pub struct InstallProfileArgs {
    /// Profile to write in the config file ("default" writes [default])
    #[arg(long, value_name = "NAME")]
    pub profile: String,

    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also set `region` in the profile
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Print the change as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Remove static keys of the same profile from the credentials file (they would shadow us)
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `uninstall-profile`.
#[derive(Debug, Args)]
pub struct UninstallProfileArgs {
    /// Profile to remove from the config file
    #[arg(long, value_name = "NAME")]
    pub profile: String,

    /// Print the change as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Output formats of `get-cred`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// POSIX shell `export` lines
    Sh,
    /// fish `set -gx` lines
    Fish,
    /// PowerShell `$Env:` assignments
    Powershell,
    /// Windows cmd `set` lines
    Cmd,
    /// `KEY=value` lines
    Dotenv,
    /// credential_process JSON
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn go_tool_flags_parse() {
        let cli = Cli::try_parse_from([
            "aws-cli-oidc",
            "get-cred",
            "-p",
            "myop",
            "-r",
            "arn:aws:iam::1:role/x",
            "-d",
            "3600",
            "-s",
            "-j",
        ])
        .unwrap();
        let Command::GetCred(a) = cli.command else {
            panic!("not get-cred")
        };
        assert_eq!(a.target.provider.as_deref(), Some("myop"));
        assert_eq!(a.target.max_duration, Some(3600));
        assert!(a.json && a.use_secret);
    }

    #[test]
    fn duration_outside_sts_range_is_a_usage_error() {
        let err =
            Cli::try_parse_from(["aws-cli-oidc", "get-cred", "-p", "x", "-d", "60"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
