//! Commands: turn arguments into typed inputs, call the core, render.
//! Everything that touches the process environment, the terminal or the
//! clock lives here, read once into [`Env`].

mod all_roles;
mod clear_secret;
mod get_cred;
mod install_profile;
mod lazy_client;
mod login;
mod refresh;
mod setup;
mod status;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use aws_cli_oidc::awsfiles::location::{self, AwsPaths, FileEnv, Platform};
use aws_cli_oidc::cache::{DEFAULT_PROBE_TIMEOUT, Opened, StoreChoice, open_store};
use aws_cli_oidc::config::{ConfigFile, ProviderConfig};
use aws_cli_oidc::federation::{self, Effects};
use aws_cli_oidc::http::client::NetworkSettings;
use aws_cli_oidc::session::{self, Obtained, Plan, Source};
use aws_cli_oidc::sts::EndpointEnv;

use crate::cli::{Cli, Command, TargetArgs};
use lazy_client::LazyClient;
pub use ui::Ui;

/// What a command wants from the session policy.
pub struct Want {
    /// Read and write AWS credentials in the cache (`-s`).
    pub use_cache: bool,
    /// Renew silently with the stored refresh token.
    pub allow_refresh: bool,
    /// An interactive login is acceptable.
    pub allow_login: bool,
    /// Fail when the secret store cannot be opened.
    pub store_required: bool,
    /// What to suggest when a login is needed but impossible.
    pub login_hint: String,
}

/// A snapshot of the environment variables we read, taken once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `HOME` (or the platform's home directory).
    pub home: Option<PathBuf>,
    /// `AWS_CLI_OIDC_CONFIG`.
    pub config_dir: Option<PathBuf>,
    /// `AWS_CA_BUNDLE`.
    pub aws_ca_bundle: Option<PathBuf>,
    /// The variables that locate the AWS files.
    pub files: FileEnv,
    /// STS endpoint variables.
    pub sts: EndpointEnv,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Env {
    /// Read the process environment.
    pub fn from_process() -> Env {
        Env {
            home: var("HOME")
                .or_else(|| var("USERPROFILE"))
                .map(PathBuf::from),
            config_dir: var("AWS_CLI_OIDC_CONFIG").map(PathBuf::from),
            aws_ca_bundle: var("AWS_CA_BUNDLE").map(PathBuf::from),
            files: FileEnv::from_process(),
            sts: EndpointEnv {
                endpoint_url_sts: var("AWS_ENDPOINT_URL_STS"),
                endpoint_url: var("AWS_ENDPOINT_URL"),
                region: var("AWS_REGION"),
                default_region: var("AWS_DEFAULT_REGION"),
            },
        }
    }
}

/// Run one command.
pub fn run(cli: Cli, env: &Env) -> Result<ExitCode> {
    let ui = Ui::new(cli.verbose);
    let ctx = Ctx {
        config_dir: cli.config_dir,
        env,
        ui,
    };
    match cli.command {
        Command::GetCred(args) => get_cred::run(&ctx, args),
        Command::Login(args) => login::run(&ctx, args),
        Command::InstallProfile(args) => install_profile::install(&ctx, args),
        Command::UninstallProfile(args) => install_profile::uninstall(&ctx, args),
        Command::Refresh(args) => refresh::run(&ctx, args),
        Command::Setup(args) => setup::run(&ctx, *args),
        Command::ClearSecret(args) => clear_secret::run(&ctx, args),
        Command::Status(args) => status::run(&ctx, args),
        Command::Completion(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "aws-cli-oidc", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What every command has at hand.
pub struct Ctx<'a> {
    config_dir: Option<PathBuf>,
    env: &'a Env,
    ui: Ui,
}

impl Ctx<'_> {
    /// The config directory (`--config-dir`, `$AWS_CLI_OIDC_CONFIG`, `~/.aws-cli-oidc`).
    fn config_dir(&self) -> Result<PathBuf> {
        aws_cli_oidc::config::config_dir(self.config_dir.as_deref(), self.env.config_dir.as_deref(), self.env.home.as_deref())
            .context("cannot find the config directory: set HOME or AWS_CLI_OIDC_CONFIG, or pass --config-dir")
    }

    /// The AWS config and credentials files, located as the AWS CLI does.
    fn aws_paths(&self) -> Result<AwsPaths> {
        Ok(location::locate(&self.env.files, Platform::current())?)
    }

    /// Called by the files engine only when another process holds the lock.
    fn on_lock_wait(&self) -> impl FnMut(&std::path::Path) + '_ {
        |lock: &std::path::Path| {
            self.ui.info(&format!(
                "waiting for another aws-cli-oidc to release {}",
                lock.display()
            ))
        }
    }

    /// Load the provider named by `-p`.
    fn provider(&self, target: &TargetArgs) -> Result<ProviderConfig> {
        let Some(name) = target.provider.as_deref() else {
            bail!(
                "the provider name is required: pass -p PROVIDER (see aws-cli-oidc setup to add one)"
            );
        };
        let dir = self.config_dir()?;
        let file = ConfigFile::load(&dir)?;
        Ok(file.provider(name)?)
    }

    /// Network settings for the provider and for STS. Both honour the proxy
    /// variables and `AWS_CA_BUNDLE`/`ca_bundle`; only the provider's gets the
    /// mTLS client certificate and `client_auth_ca`.
    fn network_settings(&self, cfg: &ProviderConfig) -> (NetworkSettings, NetworkSettings) {
        let mut bundles: Vec<PathBuf> = cfg
            .ca_bundle
            .iter()
            .chain(self.env.aws_ca_bundle.iter())
            .cloned()
            .collect();
        bundles.dedup();
        let sts = NetworkSettings {
            ca_bundles: bundles.clone(),
            ..NetworkSettings::default()
        };
        let mut idp_bundles = bundles;
        idp_bundles.extend(cfg.client_auth_ca.iter().cloned());
        let idp = NetworkSettings {
            ca_bundles: idp_bundles,
            client_cert: cfg.client_auth_cert.clone(),
            client_key: cfg.client_auth_key.clone(),
            insecure_skip_verify: cfg.insecure_skip_verify,
            ..NetworkSettings::default()
        };
        (idp, sts)
    }

    /// The secret store for `cfg`. Its one-time notice (the `auto` fallback
    /// to files) goes to stderr. With `required` false a store that cannot
    /// be opened is only mentioned with `-v`.
    fn secret_store(&self, cfg: &ProviderConfig, required: bool) -> Result<Option<Opened>> {
        let config_dir = self.config_dir()?;
        let opened = StoreChoice::from_config(cfg.secret_store.as_deref())
            .and_then(|choice| open_store(choice, &config_dir, DEFAULT_PROBE_TIMEOUT));
        match opened {
            Ok(opened) => {
                if let Some(notice) = &opened.notice {
                    self.ui.warn(notice);
                }
                Ok(Some(opened))
            }
            Err(e) if required => {
                Err(anyhow::Error::new(e)
                    .context(format!("secret store of provider {:?}", cfg.name)))
            }
            Err(e) => {
                self.ui.debug(&format!(
                    "no secret store; the refresh token will not be kept: {e}"
                ));
                Ok(None)
            }
        }
    }

    /// Obtain credentials for `target` by the session policy (cache, then
    /// refresh token, then an interactive login, as `want` allows).
    fn obtain(
        &self,
        cfg: &ProviderConfig,
        target: &TargetArgs,
        want: &Want,
        no_browser: bool,
    ) -> Result<Obtained> {
        let opened = self.secret_store(cfg, want.store_required)?;
        let (idp_settings, sts_settings) = self.network_settings(cfg);
        let warn_insecure = || {
            if cfg.insecure_skip_verify {
                self.ui.warn(&format!(
                    "insecure_skip_verify is true for provider {:?}: TLS certificates of the identity provider are NOT verified; set it to false and use ca_bundle instead",
                    cfg.name
                ));
            }
        };
        let idp = LazyClient::new(idp_settings, &warn_insecure);
        let sts = LazyClient::new(sts_settings, &|| {});
        let req = federation::Request {
            role_arn: target.role.clone(),
            duration: target.max_duration,
        };
        let ui = &self.ui;
        let mut open_url = |url: &str| ui.open_login_url(url, no_browser);
        let mut choose_role = |roles: &[aws_cli_oidc::saml::RolePair]| ui.choose_role(roles);
        let mut notice = |msg: &str| ui.warn(msg);
        let mut fx = Effects {
            idp_http: &idp,
            sts_http: &sts,
            sts_env: &self.env.sts,
            open_url: &mut open_url,
            choose_role: &mut choose_role,
            notice: &mut notice,
            now: time::OffsetDateTime::now_utc(),
        };
        let config_dir = self.config_dir()?;
        let locks = aws_cli_oidc::cache::locks_dir(&config_dir);
        let plan = Plan {
            cfg,
            req: &req,
            store: opened
                .as_ref()
                .map(|o| o.store.as_ref() as &dyn aws_cli_oidc::cache::SecretStore),
            locks_dir: &locks,
            use_cached_credentials: want.use_cache,
            allow_refresh: want.allow_refresh,
            allow_login: want.allow_login && (no_browser || ui::can_reach_person()),
            login_hint: want.login_hint.clone(),
        };
        let mut login = |fx: &mut Effects<'_>| {
            ui.debug(&format!(
                "provider {:?}: discovering {}",
                cfg.name, cfg.metadata_url
            ));
            federation::login(cfg, &req, fx)
        };
        let got = session::obtain(&plan, &mut fx, &mut login)?;
        match got.source {
            Source::Cache => ui.debug(&format!("cache hit for {}", got.role_arn)),
            Source::Refresh | Source::Login => ui.info(&format!(
                "{} {} until {}",
                if got.source == Source::Refresh {
                    "renewed"
                } else {
                    "assumed"
                },
                got.role_arn,
                aws_cli_oidc::output::rfc3339_utc(got.credentials.expiration)
            )),
        }
        Ok(got)
    }
}
