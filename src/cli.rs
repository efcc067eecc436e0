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
    /// Renew the credentials-file profiles written by login, with stored refresh tokens; never opens a browser
    Refresh(RefreshArgs),
    /// Configure a provider in config.yaml (a wizard on a terminal, or flags for scripts)
    Setup(Box<SetupArgs>),
    /// Remove cached credentials and refresh tokens from the secret stores
    ClearSecret(ClearSecretArgs),
    /// Show providers, managed profiles, cached entries and problems with the AWS files
    Status(StatusArgs),
    /// Run a command with the role's credentials, served to it fresh for as long as it runs
    Exec(ExecArgs),
    /// Open the AWS console signed in as the role (or print the sign-in URL)
    Console(ConsoleArgs),
    /// List the roles a provider offers (SAML: from the assertion; OIDC: the configured ones)
    Roles(RolesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completion(CompletionArgs),
}

/// Arguments of `roles`.
#[derive(Debug, Args)]
pub struct RolesArgs {
    /// Provider name, a top-level key of config.yaml
    #[arg(short = 'p', long = "provider", value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Machine-readable output
    #[arg(long)]
    pub json: bool,

    /// Do not launch a browser; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,
}

/// Arguments of `console`.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Region of the console page [default: aws_region of the provider, else AWS_REGION]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The console page to land on, an https:// URL [default: the console home]
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,

    /// Print the sign-in URL on stdout instead of opening a browser (it grants console access: keep it private)
    #[arg(long)]
    pub print: bool,

    /// Do not launch a browser for the login; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,

    /// Log in with the device authorization grant (RFC 8628), for machines without a browser
    #[arg(long)]
    pub device: bool,
}

/// Arguments of `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// AWS_REGION and AWS_DEFAULT_REGION for the command [default: aws_region of the provider]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Put static keys in the environment instead of serving renewable ones; on Unix, replace this process with the command
    #[arg(long)]
    pub no_server: bool,

    /// Do not launch a browser; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,

    /// Log in with the device authorization grant (RFC 8628), for machines without a browser
    #[arg(long)]
    pub device: bool,

    /// The command and its arguments, after `--` [default: $SHELL]
    #[arg(
        value_name = "CMD",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<std::ffi::OsString>,
}

/// Arguments of `refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Only these profiles (repeatable) [default: every profile login wrote]
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Renew profiles that expire within this many minutes
    #[arg(long, value_name = "MINUTES", default_value_t = 30)]
    pub within: u32,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `clear-secret`.
#[derive(Debug, Args)]
pub struct ClearSecretArgs {
    /// Only this provider's entries [default: all]
    #[arg(short = 'p', long = "provider", value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Accepted for compatibility with the Go tool (`-s keyring|file`); both stores are always cleared
    #[arg(short = 's', long = "use-secret", value_name = "STORE", hide = true)]
    pub use_secret: Option<String>,
}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `setup`. Every config key has a flag; with all required
/// ones given (or `--non-interactive`) no question is asked.
#[derive(Debug, Args, Default)]
pub struct SetupArgs {
    /// Provider name (a top-level key of config.yaml)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// Never prompt; fail when a required value is missing
    #[arg(long, short = 'y')]
    pub non_interactive: bool,

    /// oidc_provider_metadata_url: the discovery document URL
    #[arg(long, value_name = "URL")]
    pub metadata_url: Option<String>,

    /// client_id
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// client_secret (prefer --client-secret-stdin; flags show up in process lists)
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,

    /// Read client_secret from the first line of stdin
    #[arg(long, conflicts_with = "client_secret")]
    pub client_secret_stdin: bool,

    /// client_auth_method: client_secret_post or client_secret_basic
    #[arg(long, value_name = "METHOD")]
    pub client_auth_method: Option<String>,

    /// aws_federation_type: oidc or saml2
    #[arg(long, value_name = "TYPE")]
    pub federation_type: Option<String>,

    /// default_iam_role_arn
    #[arg(long, value_name = "ROLE_ARN")]
    pub default_role: Option<String>,

    /// max_session_duration_seconds (900..=43200)
    #[arg(long, value_name = "SECS")]
    pub max_duration: Option<String>,

    /// aws_federation_role_session_name
    #[arg(long, value_name = "NAME")]
    pub role_session_name: Option<String>,

    /// role_session_name_claim
    #[arg(long, value_name = "CLAIM")]
    pub role_session_name_claim: Option<String>,

    /// oidc_provider_token_exchange_audience (saml2)
    #[arg(long, value_name = "AUDIENCE")]
    pub token_exchange_audience: Option<String>,

    /// oidc_provider_token_exchange_subject_token_type (saml2): access_token or id_token
    #[arg(long, value_name = "TYPE")]
    pub token_exchange_subject_token_type: Option<String>,

    /// oidc_authentication_request_additional_query
    #[arg(long, value_name = "QUERY")]
    pub additional_query: Option<String>,

    /// successful_redirect_url
    #[arg(long, value_name = "URL")]
    pub successful_redirect_url: Option<String>,

    /// failure_redirect_url
    #[arg(long, value_name = "URL")]
    pub failure_redirect_url: Option<String>,

    /// client_auth_cert (PEM) for mTLS
    #[arg(long, value_name = "FILE")]
    pub client_auth_cert: Option<String>,

    /// client_auth_key (PEM) for mTLS
    #[arg(long, value_name = "FILE")]
    pub client_auth_key: Option<String>,

    /// client_auth_ca (PEM)
    #[arg(long, value_name = "FILE")]
    pub client_auth_ca: Option<String>,

    /// ca_bundle (PEM) for every request
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: Option<String>,

    /// insecure_skip_verify (true or false); not recommended
    #[arg(long, value_name = "BOOL")]
    pub insecure_skip_verify: Option<String>,

    /// aws_region
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// scopes beside openid, space-separated
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,

    /// loopback_port (0 = random)
    #[arg(long, value_name = "PORT")]
    pub loopback_port: Option<String>,

    /// login_timeout_seconds
    #[arg(long, value_name = "SECS")]
    pub login_timeout: Option<String>,

    /// secret_store: auto, keyring or file
    #[arg(long, value_name = "STORE")]
    pub secret_store: Option<String>,

    /// refresh_margin_minutes: renew cached credentials with less than this left (0..=720)
    #[arg(long, value_name = "MINUTES")]
    pub refresh_margin: Option<String>,

    /// Skip fetching the metadata URL to check it
    #[arg(long)]
    pub no_verify: bool,
}

/// Arguments of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `aws-cli-oidc __complete KIND`: the names the completion scripts offer,
/// one per line. Parsed on its own, before [`Cli`], so it never shows up in
/// help, man pages or the generated scripts.
#[derive(Debug, Parser)]
#[command(name = "aws-cli-oidc __complete")]
pub struct CompleteCli {
    /// What to list
    #[arg(value_enum)]
    pub kind: CompleteKind,

    /// Directory holding config.yaml, as given on the command line being completed
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
}

/// What `__complete` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompleteKind {
    /// Provider names of config.yaml
    Providers,
    /// Profile names of the AWS config and credentials files
    Profiles,
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
    pub format: Option<crate::output::Format>,

    /// Reuse and store AWS credentials in the secret store (the credential_process mode)
    #[arg(short = 's', long = "use-secret")]
    pub use_secret: bool,

    /// Do not launch a browser; only print the login URL on stderr
    #[arg(long)]
    pub no_browser: bool,

    /// Log in with the device authorization grant (RFC 8628), for machines without a browser
    #[arg(long)]
    pub device: bool,
}

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Profile (section) of the credentials file to write
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present = "all_roles",
        conflicts_with = "all_roles"
    )]
    pub profile: Option<String>,

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

    /// Log in with the device authorization grant (RFC 8628), for machines without a browser
    #[arg(long)]
    pub device: bool,

    /// SAML: write one profile per role of the assertion, named by --profile-template
    #[arg(long, requires = "profile_template", conflicts_with = "role")]
    pub all_roles: bool,

    /// Profile name pattern for --all-roles: {account}, {alias} (account_aliases, else the account), {role} and {provider}
    #[arg(long, value_name = "TEMPLATE")]
    pub profile_template: Option<String>,
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
