//! Command-line types only: no I/O, no environment, no side effects, so
//! `--help` works on any machine.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::keys::{self, Key, Kind, Mode};
use crate::config::{MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, SubjectTokenType};

/// Turn a browser login at an OpenID Connect provider into short-lived AWS credentials.
///
/// aws-cli-oidc opens the provider's login page in a browser (or shows a
/// device code where no browser can be used), and turns the result into AWS
/// credentials: the ID token to STS AssumeRoleWithWebIdentity for `oidc`
/// providers, or an RFC 8693 token exchange to a SAML assertion and
/// AssumeRoleWithSAML for `saml2` providers. Refresh tokens are kept in the
/// OS keyring (or 0600 files), so later calls renew silently.
///
/// Providers are configured in config.yaml with `setup`; the Go
/// aws-cli-oidc's files work unchanged. The credentials go to stdout
/// (`get-cred`), into ~/.aws/credentials (`login`, renewed by `refresh`), or
/// are fetched by the AWS CLI and SDKs themselves through a
/// credential_process profile (`install-profile`).
#[derive(Debug, Parser)]
#[command(
    name = "aws-cli-oidc",
    version,
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

/// The exit codes of the binary, shared by every command.
pub mod exit {
    /// Something failed; the message says what and what to run next.
    pub const FAILURE: u8 = 1;
    /// A usage error: a bad, missing or conflicting argument.
    pub const USAGE: u8 = 2;
    /// `refresh`: a profile can only be renewed by an interactive login.
    pub const NEEDS_LOGIN: u8 = 3;
}

/// The exit codes of `command` ("" for the program itself), for its
/// `--help` and its man page. 2, a usage error, is in every list.
pub fn exit_codes(command: &str) -> Vec<(u8, &'static str)> {
    const FAILED: &str = "failure; the message says what failed and what to run next";
    let (ok, failed) = match command {
        "get-cred" => ("the credentials were printed on stdout", FAILED),
        "login" => ("the profile was written", FAILED),
        "install-profile" => ("the profile was written (or shown with --dry-run)", FAILED),
        "uninstall-profile" => (
            "the profile was removed, was not there, or was shown with --dry-run",
            FAILED,
        ),
        "refresh" => (
            "every profile is fresh or was renewed",
            "failure: a profile login did not write, a file that could not be written, or a provider or STS that failed or throttled past the retries (the other profiles are renewed first)",
        ),
        "setup" => ("the provider was written", FAILED),
        "clear-secret" => (
            "the entries were removed (or there were none)",
            "failure, or no provider of that name and nothing cached for it",
        ),
        "status" => (
            "the report was shown",
            "config.yaml or an AWS file could not be read (shown first)",
        ),
        "completion" => ("the script was printed", FAILED),
        "exec" => (
            "the command exited 0; once it runs, its own exit status is ours (128+N when signal N ended it)",
            "failure before the command ran (login, STS, a command that cannot be started)",
        ),
        "console" => (
            "the console was opened (or the URL printed with --print)",
            FAILED,
        ),
        "roles" => ("the roles were listed", FAILED),
        _ => ("success", FAILED),
    };
    let mut codes = vec![
        (0, ok),
        (exit::FAILURE, failed),
        (
            exit::USAGE,
            "usage error: a bad, missing or conflicting argument",
        ),
    ];
    match command {
        "refresh" => codes.push((
            exit::NEEDS_LOGIN,
            "a profile needs an interactive login; stderr lists the commands to run",
        )),
        "" => codes.push((
            exit::NEEDS_LOGIN,
            "refresh: a profile needs an interactive login",
        )),
        _ => {}
    }
    codes
}

/// The full definition, with the texts only `--help` and the man pages
/// show: each command's exit codes and `setup`'s key reference. Parsing a
/// command line needs none of them, and formatting them on every start cost
/// the credential_process hot path about an eighth of its instructions.
pub fn command() -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command().after_help(exit_help(""));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |s| {
            let s = s.after_help(exit_help(&name));
            if name == "setup" {
                s.long_about(setup_long_about())
            } else {
                s
            }
        });
    }
    cmd
}

/// The command lines a credential_process profile runs (`get-cred` with
/// `-p`, `-r`, `-d`, `--config-dir`, `-j`, `-s`, each at most once, in any
/// order, as `-r X`, `--role X` or `--role=X`: [`CredentialProcessSpec::args`]
/// and hand edits of it), parsed without building clap's command tree, which
/// cost a quarter of a cache hit's instructions (BENCHMARKS.md). `None` for
/// anything else (`-pX`, `-p=X` included), and
/// for any value clap might read differently (empty, starting with `-`,
/// out of range); clap then parses it. The tests check that whatever this
/// accepts, clap parses to the same [`Cli`].
///
/// [`CredentialProcessSpec::args`]: crate::awsfiles::CredentialProcessSpec::args
pub fn parse_credential_process(args: &[std::ffi::OsString]) -> Option<Cli> {
    use crate::awsfiles::credential_process::{GetCredWord, get_cred_words};

    fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(value?);
        Some(())
    }
    fn plain(v: &str) -> Option<&str> {
        (!v.is_empty() && !v.starts_with('-')).then_some(v)
    }
    let [_, sub, rest @ ..] = args else {
        return None;
    };
    if sub != "get-cred" {
        return None;
    }
    let rest: Vec<&str> = rest.iter().map(|a| a.to_str()).collect::<Option<_>>()?;
    let mut target = TargetArgs {
        provider: None,
        role: None,
        max_duration: None,
    };
    let (mut config_dir, mut json, mut use_secret) = (None, None, None);
    for word in get_cred_words(&rest)? {
        match word {
            GetCredWord::Provider(v) => once(&mut target.provider, plain(v).map(str::to_string))?,
            GetCredWord::Role(v) => {
                once(&mut target.role, plain(v).and_then(|v| role_arn(v).ok()))?
            }
            GetCredWord::Duration(v) => once(
                &mut target.max_duration,
                plain(v)
                    .and_then(|v| v.parse::<u32>().ok())
                    .filter(|d| (MIN_SESSION_SECONDS..=MAX_SESSION_SECONDS).contains(d)),
            )?,
            GetCredWord::ConfigDir(v) => once(&mut config_dir, plain(v).map(PathBuf::from))?,
            GetCredWord::Json => once(&mut json, Some(()))?,
            GetCredWord::UseSecret => once(&mut use_secret, Some(()))?,
            GetCredWord::Other(_) => return None,
        }
    }
    Some(Cli {
        config_dir,
        verbose: 0,
        command: Command::GetCred(Lazy(GetCredArgs {
            target,
            provider_positional: None,
            json: json.is_some(),
            format: None,
            region: None,
            use_secret: use_secret.is_some(),
            no_browser: false,
            device: false,
        })),
    })
}

/// Whether a command line asks for help, the one time [`command`]'s texts
/// are needed.
pub fn wants_help(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .any(|a| a == "-h" || a == "--help" || a == "help")
}

/// The "Exit status" paragraph of `command`'s `--help`.
fn exit_help(command: &str) -> String {
    let mut s = String::from("Exit status:");
    for (code, what) in exit_codes(command) {
        s.push_str(&format!("\n  {code}  {what}"));
    }
    s
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and print AWS credentials (exports, or credential_process JSON with -j)
    ///
    /// Logs in at the provider and prints the credentials on stdout: export
    /// lines for a shell (or fish, PowerShell, cmd, dotenv with --format), or
    /// the one-line credential_process JSON with -j. Messages, the login URL
    /// and prompts go to stderr only. With -s the credentials are cached in
    /// the secret store and renewed silently with the stored refresh token,
    /// which is what a credential_process profile uses.
    GetCred(Lazy<GetCredArgs>),
    /// Log in and write the credentials into a profile of ~/.aws/credentials
    ///
    /// Writes [NAME] of the credentials file under a lock and with an atomic
    /// replace, keeping every other line of the file as it was. The provider,
    /// role and expiry are recorded beside the keys so that `refresh` can
    /// renew the profile later without a browser. A section holding keys
    /// aws-cli-oidc did not write is refused unless --force.
    Login(Lazy<LoginArgs>),
    /// Write a credential_process profile into ~/.aws/config so SDKs call this tool
    ///
    /// Writes `credential_process = /abs/path/aws-cli-oidc get-cred … -j -s`
    /// into [profile NAME]. The AWS CLI and SDKs then run it when they need
    /// credentials; it answers from the cache and renews silently, and opens
    /// a browser only when the refresh token no longer works.
    InstallProfile(Lazy<InstallProfileArgs>),
    /// Remove a profile that install-profile wrote
    ///
    /// Removes the credential_process stanza of [profile NAME] from the
    /// config file, and only one that aws-cli-oidc wrote.
    UninstallProfile(Lazy<UninstallProfileArgs>),
    /// Renew the credentials-file profiles written by login, with stored refresh tokens; never opens a browser
    ///
    /// For every profile that `login` wrote (or those named with --profile)
    /// that expires within --within minutes, trades the stored refresh token
    /// for new credentials and rewrites the profile. It never prompts, so it
    /// can run from cron or a systemd timer; a profile whose refresh token no
    /// longer works is listed with the login command to run (exit status 3).
    Refresh(Lazy<RefreshArgs>),
    /// Configure a provider in config.yaml (a wizard on a terminal, or flags for scripts)
    Setup(Lazy<Box<SetupArgs>>),
    /// Remove cached credentials and refresh tokens from the secret stores
    ///
    /// Removes the entries of one provider (-p) or all of them, from both the
    /// OS keyring and the file store. The next get-cred or login of that
    /// provider opens the browser again.
    ClearSecret(Lazy<ClearSecretArgs>),
    /// Show providers, managed profiles, cached entries and problems with the AWS files
    ///
    /// Reads config.yaml, the AWS files and the secret stores, and shows what
    /// aws-cli-oidc manages and when it expires. Problems that keep a file
    /// from being read come first; warnings (file modes, sections botocore
    /// refuses, static keys that shadow a credential_process) come last.
    /// --json gives the same as one JSON document.
    Status(Lazy<StatusArgs>),
    /// Run a command with the role's credentials, served to it fresh for as long as it runs
    Exec(Lazy<ExecArgs>),
    /// Open the AWS console signed in as the role (or print the sign-in URL)
    Console(Lazy<ConsoleArgs>),
    /// List the roles a provider offers (SAML: from the assertion; OIDC: the configured ones)
    Roles(Lazy<RolesArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    ///
    /// Prints the script on stdout; save it where the shell loads
    /// completions from.
    Completion(Lazy<CompletionArgs>),
}

/// A subcommand's arguments whose definition clap builds only when that
/// subcommand is the one parsed (or for help, completion scripts and man
/// pages, which build the whole tree). Building every subcommand's
/// arguments up front, to parse one of them, cost a fifth of a cache hit's
/// instructions (BENCHMARKS.md). Completion scripts list the global options
/// first since.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Runs `augment` on `cmd` but keeps the subcommand's about texts: the
/// derive sets them from the variant's doc comment before the deferred
/// arguments are added, and an argument struct's own doc comment would
/// replace them.
fn keep_about(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let reset = |text: Option<clap::builder::StyledStr>| {
        text.map_or(
            clap::builder::Resettable::Reset,
            clap::builder::Resettable::Value,
        )
    };
    augment(cmd)
        .about(reset(about))
        .long_about(reset(long_about))
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }

    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }

    fn update_from_arg_matches_mut(&mut self, m: &mut clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
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
    #[arg(long, value_name = "REGION", value_parser = region)]
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
    #[arg(long, value_name = "REGION", value_parser = region)]
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

/// `setup --help` and its man page: what it does, then every provider key.
fn setup_long_about() -> String {
    format!(
        "Configure a provider in config.yaml: a wizard on a terminal, or one flag per key for scripts.\n\n\
         On a terminal, setup asks for each value, offering the current ones, and checks the \
         metadata URL (an issuer URL is completed with /.well-known/openid-configuration). \
         Without a terminal, or with --non-interactive, the values come from the flags alone. \
         Other providers and keys this version does not know are kept; the file is written \
         atomically with mode 0600.\n\n{}",
        keys::reference()
    )
}

/// `-r`: a role ARN, checked while parsing so a typo is a usage error.
fn role_arn(s: &str) -> Result<String, String> {
    keys::role_arn(s.trim())
}

/// `--region`: checked like `aws_region`.
fn region(s: &str) -> Result<String, String> {
    keys::check_typed(keys::AWS_REGION, s)
}

/// `--profile`: a name the AWS SDKs read.
fn profile_name(s: &str) -> Result<String, String> {
    crate::awsfiles::document::check_profile_name(s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

/// `-d`'s help, with the range STS accepts.
fn duration_help() -> String {
    format!(
        "Session duration in seconds, {MIN_SESSION_SECONDS}..={MAX_SESSION_SECONDS} [default: max_session_duration_seconds, else 3600]"
    )
}

/// Arguments of `refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Only these profiles (repeatable) [default: every profile login wrote]
    #[arg(long = "profile", value_name = "NAME", value_parser = profile_name)]
    pub profiles: Vec<String>,

    /// Renew profiles that expire within this many minutes
    #[arg(long, value_name = "MINUTES", default_value_t = 30)]
    pub within: u32,

    /// Before renewing, wait a random time up to DURATION (900, 30s, 5m, 1h), so a fleet's scheduled runs spread out; no wait when nothing is due
    #[arg(long, value_name = "DURATION", value_parser = crate::jitter::parse_duration)]
    pub jitter: Option<std::time::Duration>,

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

/// The options of `setup` besides the provider keys.
#[derive(Debug, Args, Default, Clone)]
struct SetupOptions {
    /// Provider name (a top-level key of config.yaml)
    #[arg(value_name = "NAME")]
    name: Option<String>,

    /// Never prompt; fail when a required value is missing
    #[arg(long, short = 'y')]
    non_interactive: bool,

    /// Read client_secret from the first line of stdin
    #[arg(long, conflicts_with = keys::CLIENT_SECRET)]
    client_secret_stdin: bool,

    /// Skip fetching the metadata URL to check it
    #[arg(long)]
    no_verify: bool,
}

/// Arguments of `setup`: a few options, and one flag for each key of the
/// key table ([`keys::KEYS`]) that has one. The flags are made from the
/// table, and each value is checked by it while parsing, so a bad value is
/// a usage error (exit 2) that names the key and the flag. With all
/// required keys given (or `--non-interactive`) no question is asked.
#[derive(Default)]
pub struct SetupArgs {
    /// Provider name (a top-level key of config.yaml).
    pub name: Option<String>,
    /// `--non-interactive`: never prompt.
    pub non_interactive: bool,
    /// `--client-secret-stdin`.
    pub client_secret_stdin: bool,
    /// `--no-verify`: do not fetch the metadata URL.
    pub no_verify: bool,
    /// The key flags given, in table order, checked and as they will be
    /// written ("" clears an optional key).
    values: Vec<(&'static Key, String)>,
}

impl std::fmt::Debug for SetupArgs {
    // The values may hold the client secret: show only which keys were given.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupArgs")
            .field("name", &self.name)
            .field("non_interactive", &self.non_interactive)
            .field("client_secret_stdin", &self.client_secret_stdin)
            .field("no_verify", &self.no_verify)
            .field(
                "keys",
                &self.values.iter().map(|(k, _)| k.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl SetupArgs {
    /// The checked value given for `key`, if its flag was given.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every key flag given: the key and its checked value.
    pub fn values(&self) -> impl Iterator<Item = (&'static Key, &str)> {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// Set `key` as if its flag had been given (for `--client-secret-stdin`).
    /// Returns the reason when the table refuses the value.
    pub fn set(&mut self, key: &'static Key, value: &str) -> Result<(), String> {
        let v = key.check(value, Mode::Typed)?;
        self.values.retain(|(k, _)| k.name != key.name);
        self.values.push((key, v));
        Ok(())
    }
}

/// Checks a key flag's value with the key table; the error names the key and
/// the flag and never repeats a secret (clap's own message would).
#[derive(Clone, Copy)]
struct KeyValue(&'static Key);

impl clap::builder::TypedValueParser for KeyValue {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let key = self.0;
        let fail = |reason: &str| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{} ({}): {reason}\n", key.name, key.flag_text()),
            )
            .with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| fail("not valid UTF-8"))?;
        let v = key.check(text, Mode::Typed).map_err(|r| fail(&r))?;
        if v.is_empty() && key.required {
            return Err(fail("is empty; it is required"));
        }
        Ok(v)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names: &'static [&'static str] = match self.0.kind {
            Kind::Choice(names) => names,
            Kind::SubjectTokenType => SubjectTokenType::NAMES,
            Kind::Bool => &["true", "false"],
            _ => return None,
        };
        Some(Box::new(
            names.iter().map(|n| clap::builder::PossibleValue::new(*n)),
        ))
    }
}

impl clap::FromArgMatches for SetupArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<SetupArgs, clap::Error> {
        let mut args = SetupArgs::default();
        args.update_from_arg_matches(m)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        let o = SetupOptions::from_arg_matches(m)?;
        self.name = o.name;
        self.non_interactive = o.non_interactive;
        self.client_secret_stdin = o.client_secret_stdin;
        self.no_verify = o.no_verify;
        for key in keys::KEYS.iter().filter(|k| k.flag.is_some()) {
            if let Some(v) = m.get_one::<String>(key.name) {
                self.values.retain(|(k, _)| k.name != key.name);
                self.values.push((key, v.clone()));
            }
        }
        Ok(())
    }
}

impl Args for SetupArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let mut cmd = SetupOptions::augment_args(cmd);
        for key in keys::KEYS {
            let Some(flag) = key.flag else { continue };
            cmd = cmd.arg(
                clap::Arg::new(key.name)
                    .long(flag.long)
                    .value_name(flag.value_name)
                    .help(key.help())
                    .value_parser(KeyValue(key)),
            );
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        SetupArgs::augment_args(cmd)
    }
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
    #[arg(short = 'r', long = "role", value_name = "ROLE_ARN", value_parser = role_arn)]
    pub role: Option<String>,

    /// Session duration in seconds (the help text is [`duration_help`])
    #[arg(
        short = 'd',
        long = "max-duration",
        value_name = "SECS",
        help = duration_help(),
        value_parser = clap::value_parser!(u32).range(i64::from(MIN_SESSION_SECONDS)..=i64::from(MAX_SESSION_SECONDS))
    )]
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

    /// Also export AWS_REGION and AWS_DEFAULT_REGION [default: aws_region of the provider]
    #[arg(long, value_name = "REGION", value_parser = region)]
    pub region: Option<String>,

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
        value_parser = profile_name,
        required_unless_present = "all_roles",
        conflicts_with = "all_roles"
    )]
    pub profile: Option<String>,

    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also set `region` in [profile NAME] of the config file
    #[arg(long, value_name = "REGION", value_parser = region)]
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
    #[arg(long, value_name = "NAME", value_parser = profile_name)]
    pub profile: String,

    /// Provider and role
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also set `region` in the profile
    #[arg(long, value_name = "REGION", value_parser = region)]
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
    #[arg(long, value_name = "NAME", value_parser = profile_name)]
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
            "arn:aws:iam::123456789012:role/x",
            "-d",
            "3600",
            "-s",
            "-j",
        ])
        .unwrap();
        let Command::GetCred(Lazy(a)) = cli.command else {
            panic!("not get-cred")
        };
        assert_eq!(a.target.provider.as_deref(), Some("myop"));
        assert_eq!(a.target.max_duration, Some(3600));
        assert!(a.json && a.use_secret);
    }

    #[test]
    fn subcommand_arguments_are_built_only_for_the_one_parsed() {
        // Cheap start-up for every command: clap adds a subcommand's
        // arguments (setup has one per provider key) when it builds it.
        let mut cmd = Cli::command();
        let setup = cmd.find_subcommand("setup").expect("setup");
        assert_eq!(setup.get_arguments().count(), 0);
        cmd.build();
        let setup = cmd.find_subcommand("setup").expect("setup");
        assert!(setup.get_arguments().count() > 20);
    }

    /// `parse_credential_process` gives every field it does not read its
    /// empty value; an `env =` or a default on any of get-cred's arguments
    /// (or a new argument) would make clap disagree, so the list is fixed here.
    #[test]
    fn get_cred_arguments_are_the_ones_the_fast_path_knows() {
        let mut cmd = Cli::command();
        cmd.build();
        let get_cred = cmd.find_subcommand("get-cred").expect("get-cred");
        let mut seen: Vec<String> = get_cred
            .get_arguments()
            .map(|a| {
                assert!(
                    a.get_env().is_none(),
                    "{} reads the environment",
                    a.get_id()
                );
                let defaults: Vec<_> = a
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                format!("{}={}", a.get_id(), defaults.join(","))
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                "config_dir=",
                "device=false",
                "format=",
                "help=",
                "json=false",
                "max_duration=",
                "no_browser=false",
                "provider=",
                "provider_positional=",
                "region=",
                "role=",
                "use_secret=false",
                "verbose=0",
                "version=",
            ]
        );
    }

    fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(Into::into).collect()
    }

    /// What clap makes of `args`, for comparing with the fast path.
    fn by_clap(args: &[std::ffi::OsString]) -> Result<String, String> {
        Cli::try_parse_from(args)
            .map(|cli| format!("{cli:?}"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn credential_process_lines_skip_clap_and_parse_as_clap_does() {
        for line in [
            &["aws-cli-oidc", "get-cred", "-p", "op", "-j", "-s"][..],
            &[
                "aws-cli-oidc",
                "get-cred",
                "--config-dir",
                "/c d",
                "-p",
                "op",
                "-r",
                "arn:aws:iam::123456789012:role/r",
                "-j",
                "-s",
                "-d",
                "900",
            ],
            &[
                "aws-cli-oidc",
                "get-cred",
                "--provider=op",
                "--role",
                "arn:aws-cn:iam::123456789012:role/r",
                "--json",
                "--use-secret",
                "--max-duration=43200",
            ],
            &["aws-cli-oidc", "get-cred", "-js", "-p", "op"],
            &["aws-cli-oidc", "get-cred"],
        ] {
            let args = os(line);
            let fast = parse_credential_process(&args).map(|cli| format!("{cli:?}"));
            assert_eq!(fast.as_ref(), by_clap(&args).as_ref().ok(), "{line:?}");
        }
    }

    #[test]
    fn other_command_lines_are_left_to_clap() {
        for line in [
            &["aws-cli-oidc", "get-cred", "-p", "op", "-v"][..],
            &["aws-cli-oidc", "get-cred", "-p", "op", "-p", "other"],
            &["aws-cli-oidc", "get-cred", "-p", "op", "-s", "--use-secret"],
            &["aws-cli-oidc", "get-cred", "-p", "-r"],
            &["aws-cli-oidc", "get-cred", "-p", ""],
            &["aws-cli-oidc", "get-cred", "-p", "op", "-d", "60"],
            &["aws-cli-oidc", "get-cred", "-p", "op", "-d", "x"],
            &["aws-cli-oidc", "get-cred", "-p", "op", "-r", "not-an-arn"],
            &["aws-cli-oidc", "get-cred", "op"],
            &["aws-cli-oidc", "get-cred", "-p", "op", "--help"],
            &["aws-cli-oidc", "get-cred", "-p", "op", "--format", "fish"],
            &["aws-cli-oidc", "-v", "get-cred", "-p", "op"],
            &["aws-cli-oidc", "login", "-p", "op"],
            &["aws-cli-oidc"],
        ] {
            assert!(parse_credential_process(&os(line)).is_none(), "{line:?}");
        }
    }

    /// Words a credential_process line could hold, right and wrong.
    fn any_word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            prop::sample::select(vec![
                "-p",
                "--provider",
                "-r",
                "--role",
                "-d",
                "--max-duration",
                "--config-dir",
                "-j",
                "--json",
                "-s",
                "--use-secret",
                "-js",
                "-sj",
                "-v",
                "--format",
                "-",
                "",
                "--",
                "--provider=",
                "--role=arn:aws:iam::123456789012:role/r",
                "arn:aws:iam::123456789012:role/r",
                " arn:aws:iam::123456789012:role/r ",
                "arn:aws:iam::123456789012:user/u",
                "900",
                "43200",
                "43201",
                "+900",
                "0",
            ])
            .prop_map(str::to_string),
            "[a-z0-9/=+.:-]{1,12}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn whatever_the_fast_path_accepts_clap_parses_the_same(
            words in proptest::collection::vec(any_word(), 0..9),
        ) {
            let mut args = os(&["aws-cli-oidc", "get-cred"]);
            args.extend(words.iter().map(Into::into));
            if let Some(cli) = parse_credential_process(&args) {
                proptest::prop_assert_eq!(Ok(format!("{cli:?}")), by_clap(&args));
            }
        }

        #[test]
        fn every_line_install_profile_writes_takes_the_fast_path(
            provider in "[A-Za-z0-9_.][A-Za-z0-9_.-]{0,15}",
            role in proptest::option::of("[a-zA-Z0-9+=,.@_-]{1,20}"),
            duration in proptest::option::of(MIN_SESSION_SECONDS..=MAX_SESSION_SECONDS),
            config_dir in proptest::option::of("/[ -~]{1,20}"),
        ) {
            let mut spec = crate::awsfiles::CredentialProcessSpec::new("/bin/aws-cli-oidc", provider);
            spec.role_arn = role.map(|r| format!("arn:aws:iam::123456789012:role/{r}"));
            spec.duration = duration;
            spec.config_dir = config_dir.map(PathBuf::from);
            let mut args = os(&["aws-cli-oidc"]);
            args.extend(spec.args().iter().map(Into::into));
            let fast = parse_credential_process(&args).map(|cli| format!("{cli:?}"));
            proptest::prop_assert!(fast.is_some(), "{:?}", spec.args());
            proptest::prop_assert_eq!(fast.ok_or(String::new()), by_clap(&args));
        }
    }

    #[test]
    fn duration_outside_sts_range_is_a_usage_error() {
        let err =
            Cli::try_parse_from(["aws-cli-oidc", "get-cred", "-p", "x", "-d", "60"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
