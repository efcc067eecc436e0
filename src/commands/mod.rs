//! Commands: turn arguments into typed inputs, call the core, render.
//! Everything that touches the process environment, the terminal or the
//! clock lives here, read once into [`Env`].

mod all_roles;
mod clear_secret;
pub mod completion;
mod console;
mod exec;
mod get_cred;
mod hints;
mod install_profile;
mod lazy_client;
pub mod logging;
mod login;
mod refresh;
mod roles;
mod setup;
mod spinner;
mod status;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use aws_cli_oidc::awsfiles::location::{self, AwsPaths, FileEnv, Platform};
use aws_cli_oidc::cache::{DEFAULT_PROBE_TIMEOUT, Opened, open_store};
use aws_cli_oidc::config::{ConfigFile, ProviderConfig};
use aws_cli_oidc::federation::{self, Effects};
use aws_cli_oidc::http::client::NetworkSettings;
use aws_cli_oidc::oidc::headless::{self, BrowserEnv, LoginFlow, LoginSituation, Os, login_flow};
use aws_cli_oidc::session::{self, Obtained, Plan, Source};
use aws_cli_oidc::sts::EndpointEnv;

use aws_cli_oidc::cli::{Cli, Command, Lazy, TargetArgs};
use lazy_client::LazyClient;
pub use ui::Ui;

/// A usage mistake found after parsing (clap exits 2 for its own); `main`
/// maps it to exit code 2 as well.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// What a command wants from the session policy.
pub struct Want {
    /// Read and write AWS credentials in the cache (`-s`).
    pub use_cache: bool,
    /// Renew silently with the stored refresh token.
    pub allow_refresh: bool,
    /// An interactive login is acceptable.
    pub allow_login: bool,
    /// Log in only when a browser or a terminal can reach the person. For
    /// the credential_process mode (`-s`): the SDK captures stderr, so a
    /// URL or device code printed there alone would never be seen and the
    /// call would hang until the login times out.
    pub login_needs_browser_or_terminal: bool,
    /// Fail when the secret store cannot be opened.
    pub store_required: bool,
    /// What to suggest when a login is needed but impossible.
    pub login_hint: String,
}

impl Want {
    /// For a command a person runs at a terminal (`exec`, `console`): the
    /// cache, then the refresh token, then a login; no store is fine.
    fn at_terminal() -> Want {
        Want {
            use_cache: true,
            allow_refresh: true,
            allow_login: true,
            login_needs_browser_or_terminal: false,
            store_required: false,
            login_hint: String::new(),
        }
    }
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
    /// What decides whether a browser can be used here.
    pub browser: BrowserEnv,
    /// `AWS_CLI_OIDC_EXEC`: set inside `exec`.
    pub exec_marker: Option<String>,
    /// `SHELL` (on Windows, else `COMSPEC`): what `exec` runs without a command.
    pub shell: Option<PathBuf>,
    /// `AWS_CLI_OIDC_FEDERATION_ENDPOINT`: where `console` asks for a sign-in token.
    pub federation_endpoint: Option<String>,
}

/// How the person logs in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flow {
    /// `--no-browser`: print the URL only (and keep the loopback login).
    pub no_browser: bool,
    /// `--device`: the device authorization grant.
    pub device: bool,
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
            browser: BrowserEnv {
                ssh_connection: var("SSH_CONNECTION"),
                ssh_tty: var("SSH_TTY"),
                display: var("DISPLAY"),
                wayland_display: var("WAYLAND_DISPLAY"),
                browser: var("BROWSER"),
                in_container: var("container").is_some()
                    || std::path::Path::new("/.dockerenv").exists()
                    || std::path::Path::new("/run/.containerenv").exists(),
            },
            exec_marker: var(aws_cli_oidc::exec::MARKER),
            shell: var("SHELL")
                .or_else(|| var("COMSPEC").filter(|_| cfg!(windows)))
                .map(PathBuf::from),
            federation_endpoint: var(aws_cli_oidc::console::ENDPOINT_VAR),
            sts: EndpointEnv {
                endpoint_url_sts: var("AWS_ENDPOINT_URL_STS"),
                endpoint_url: var("AWS_ENDPOINT_URL"),
                region: var("AWS_REGION"),
                default_region: var("AWS_DEFAULT_REGION"),
            },
        }
    }
}

/// The line shown while another process's login for `provider` holds its
/// lock, with how long we wait for it.
fn warn_other_login(ui: &Ui, provider: &str, left: std::time::Duration) {
    ui.warn(&format!(
        "waiting for another aws-cli-oidc login for provider {provider:?} to finish (up to {}s)",
        left.as_secs()
    ));
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
        Command::GetCred(Lazy(args)) => get_cred::run(&ctx, args),
        Command::Login(Lazy(args)) => login::run(&ctx, args),
        Command::InstallProfile(Lazy(args)) => install_profile::install(&ctx, args),
        Command::UninstallProfile(Lazy(args)) => install_profile::uninstall(&ctx, args),
        Command::Refresh(Lazy(args)) => refresh::run(&ctx, args),
        Command::Setup(Lazy(args)) => setup::run(&ctx, *args),
        Command::ClearSecret(Lazy(args)) => clear_secret::run(&ctx, args),
        Command::Status(Lazy(args)) => status::run(&ctx, args),
        Command::Exec(Lazy(args)) => exec::run(&ctx, args),
        Command::Console(Lazy(args)) => console::run(&ctx, args),
        Command::Roles(Lazy(args)) => roles::run(&ctx, args),
        Command::Completion(Lazy(args)) => completion::script(args),
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

    /// The config directory as an absolute path when it is not the default
    /// `~/.aws-cli-oidc` (`None` when it is).
    fn non_default_config_dir(&self) -> Result<Option<PathBuf>> {
        let dir = self.config_dir()?;
        let default = aws_cli_oidc::config::config_dir(None, None, self.env.home.as_deref());
        if default.as_deref() == Some(dir.as_path()) {
            return Ok(None);
        }
        let absolute = std::path::absolute(&dir).with_context(|| {
            format!(
                "cannot make the config directory {} absolute",
                dir.display()
            )
        })?;
        Ok(Some(absolute))
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
            return Err(UsageError(
                "the provider name is required: pass -p PROVIDER (see aws-cli-oidc setup to add one)".into(),
            )
            .into());
        };
        let dir = self.config_dir()?;
        match ConfigFile::load_provider(&dir, name) {
            Err(aws_cli_oidc::config::Error::NotFound { path }) => bail!(
                "config file {} does not exist; create provider {name:?} with: aws-cli-oidc setup {name}",
                path.display()
            ),
            other => Ok(other?),
        }
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

    /// HTTP clients for the provider and STS, built on first use so a cache
    /// hit never sets up TLS. `insecure_skip_verify` is announced before the
    /// provider's first request, on every run that uses the network.
    fn http_clients(&self, cfg: &ProviderConfig) -> (LazyClient<'_>, LazyClient<'_>) {
        let (idp, sts) = self.network_settings(cfg);
        let warning = cfg.insecure_skip_verify.then(|| {
            format!(
                "insecure_skip_verify is true for provider {:?}: TLS certificates of the identity provider are NOT verified; set it to false and use ca_bundle instead",
                cfg.name
            )
        });
        (
            LazyClient::new(idp, warning, &self.ui),
            LazyClient::new(sts, None, &self.ui),
        )
    }

    /// The secret store for `cfg`. A notice from opening it goes to stderr
    /// (`auto` gives its fallback notice later, see `obtain`). With `required` false a store that cannot
    /// be opened is only mentioned with `-v`.
    fn secret_store(&self, cfg: &ProviderConfig, required: bool) -> Result<Option<Opened>> {
        let config_dir = self.config_dir()?;
        let opened = open_store(
            cfg.secret_store.unwrap_or_default(),
            &config_dir,
            DEFAULT_PROBE_TIMEOUT,
        );
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

    /// Run `f` with the effects of a login that asks nobody to choose a role
    /// (`roles` lists them all, `--all-roles` assumes them all): the
    /// provider's and STS's clients, the login URL opened (or only printed
    /// with `no_browser`) and notices on stderr.
    fn with_unattended_effects<T>(
        &self,
        cfg: &ProviderConfig,
        no_browser: bool,
        f: impl FnOnce(&mut Effects<'_>) -> T,
    ) -> T {
        let (idp, sts) = self.http_clients(cfg);
        let ui = &self.ui;
        let mut open_url = |url: &str| ui.open_login_url(url, no_browser);
        let mut choose_role = |_: &[aws_cli_oidc::saml::RolePair]| None;
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
        f(&mut fx)
    }

    /// Obtain credentials for `target` by the session policy (cache, then
    /// refresh token, then an interactive login, as `want` allows).
    fn obtain(
        &self,
        cfg: &ProviderConfig,
        target: &TargetArgs,
        want: &Want,
        flow: Flow,
    ) -> Result<Obtained> {
        use aws_cli_oidc::oidc::device::{DeviceEffects, DevicePrompt};
        use spinner::Spinner;
        use std::cell::RefCell;
        use std::time::Duration;

        let opened = self.secret_store(cfg, want.store_required)?;
        let (idp, sts) = self.http_clients(cfg);
        let req = federation::Request {
            role_arn: target.role.clone(),
            duration: target.max_duration,
        };
        let ui = &self.ui;
        let situation = LoginSituation {
            browser_usable: headless::browser_usable(&self.env.browser, Os::current()),
            terminal: ui::has_terminal(),
            device_flag: flow.device,
            no_browser_flag: flow.no_browser,
            stderr_captured: want.login_needs_browser_or_terminal,
        };

        // The spinner stops before anything else is printed or asked.
        let spinner: RefCell<Option<Spinner>> = RefCell::new(None);
        let stop_spinner = || drop(spinner.borrow_mut().take());
        let mut open_url = |url: &str| {
            let opened = ui.open_login_url(url, flow.no_browser);
            *spinner.borrow_mut() = Spinner::start(
                "waiting for the login in the browser",
                Duration::from_secs(cfg.login_timeout_seconds),
            );
            opened
        };
        // Another process's login for this provider holds the lock: say so
        // (even under `-s`, whose callers otherwise see nothing until the
        // timeout), with a spinner counting down on a terminal.
        let on_wait = |left: Duration| {
            warn_other_login(ui, &cfg.name, left);
            *spinner.borrow_mut() = Spinner::start(
                &format!("waiting for the other login for provider {:?}", cfg.name),
                left,
            );
        };
        let mut choose_role = |roles: &[aws_cli_oidc::saml::RolePair]| {
            stop_spinner();
            let rows = aws_cli_oidc::roles::saml_rows(roles, cfg);
            let labels: Vec<String> = rows.iter().map(aws_cli_oidc::roles::label).collect();
            ui.choose_role(&labels)
        };
        let mut notice = |msg: &str| {
            stop_spinner();
            ui.warn(msg)
        };
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
            allow_login: want.allow_login && login_flow(&situation, true) != LoginFlow::Refuse,
            login_hint: want.login_hint.clone(),
            on_wait: &on_wait,
        };
        // The flow is chosen by headless::login_flow once discovery says
        // whether the provider offers the device grant.
        let mut login = |fx: &mut Effects<'_>| {
            ui.debug(&format!(
                "provider {:?}: discovering {}",
                cfg.name, cfg.metadata_url
            ));
            let metadata = aws_cli_oidc::oidc::discover(fx.idp_http, &cfg.metadata_url)?;
            let offers_device = metadata.device_authorization_endpoint.is_some();
            let LoginFlow::Device {
                open_page,
                automatic,
            } = login_flow(&situation, offers_device)
            else {
                return federation::login_with_metadata(cfg, &req, &metadata, fx);
            };
            if automatic {
                ui.info("no browser can be used here (SSH session, container or no display); logging in with a device code instead (--no-browser keeps the browser login)");
            }
            let mut on_prompt = |prompt: &DevicePrompt| {
                spinner::announce(&prompt.to_string());
                if open_page && let Err(e) = aws_cli_oidc::oidc::open_browser(prompt.browser_url())
                {
                    ui.warn(&format!(
                        "could not launch a browser ({e}); open the URL above by hand"
                    ));
                }
                *spinner.borrow_mut() =
                    Spinner::start("waiting for the login to be approved", prompt.expires_in);
            };
            let mut sleep = |d: Duration| std::thread::sleep(d);
            let mut now = time::OffsetDateTime::now_utc;
            let mut device_fx = DeviceEffects {
                on_prompt: &mut on_prompt,
                sleep: &mut sleep,
                now: &mut now,
            };
            federation::login_device(cfg, &req, &metadata, fx, &mut device_fx)
        };
        let got = session::obtain(&plan, &mut fx, &mut login);
        stop_spinner();
        // `auto` decides about the keyring when the refresh token is first
        // needed; its fallback notice comes from then.
        if let Some(n) = opened.as_ref().and_then(|o| o.store.take_notice()) {
            ui.warn(&n);
        }
        let got = got?;
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
