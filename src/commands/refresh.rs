//! `refresh`: renew the credentials-file profiles that `login` wrote, with
//! the stored refresh tokens. Never opens a browser and never prompts, so it
//! can run from cron: with `--quiet` it prints nothing when all is well.
//!
//! `--jitter` waits a random time before the first network call when some
//! profile is due, so that a fleet's cron jobs do not all reach the provider
//! in the same second ([`aws_cli_oidc::jitter`]). The wait is a plain sleep:
//! Ctrl-C ends it like any other.
//!
//! Exit codes ([`aws_cli_oidc::cli::exit`]): 0 every profile is fresh; 3 at
//! least one needs an interactive login (stderr lists the commands); 1 any
//! other error, including a `--profile` that login did not write and a
//! provider or STS that fails or throttles beyond the retries (the other
//! profiles are renewed first; the refresh token is kept).

use std::process::ExitCode;

use anyhow::Result;
use aws_cli_oidc::awsfiles::StoreOptions;
use aws_cli_oidc::awsfiles::profiles::{
    LoginWrite, ManagedSource, check_login_target, format_expiry, list_managed,
    write_login_credentials,
};
use aws_cli_oidc::config::ConfigFile;
use aws_cli_oidc::{jitter, session};

use super::{Ctx, Flow, UsageError, Want, hints, ui};
use aws_cli_oidc::cli::{RefreshArgs, TargetArgs};

use aws_cli_oidc::cli::exit::NEEDS_LOGIN;

pub fn run(ctx: &Ctx, args: RefreshArgs) -> Result<ExitCode> {
    ctx.ui.set_quiet(args.quiet);
    let within = std::time::Duration::from_secs(u64::from(args.within) * 60);
    if let Some(max) = args.jitter {
        jitter::check_fits(within, max).map_err(UsageError)?;
    }
    let paths = ctx.aws_paths()?;
    let managed = list_managed(&paths)?;
    let now = time::OffsetDateTime::now_utc();
    let window = time::Duration::minutes(i64::from(args.within));
    let due = |expires: &Option<time::OffsetDateTime>| !expires.is_some_and(|e| e - now > window);
    let mut config = None;
    let (mut failures, mut logins) = (0usize, Vec::new());

    for name in &args.profiles {
        let source = managed
            .iter()
            .find(|m| &m.profile == name)
            .map(|m| &m.source);
        match source {
            Some(ManagedSource::Credentials { .. }) => continue,
            Some(ManagedSource::CredentialProcess { .. }) => {
                ctx.ui.info(&format!(
                    "profile {name:?} is a credential_process profile in {}: the AWS CLI and SDKs renew it by calling aws-cli-oidc themselves; nothing to refresh",
                    paths.config.display()
                ));
                continue;
            }
            None => {}
        }
        failures += 1;
        let (in_credentials, in_config) = hints::profile_names(&paths);
        if let Some(file) = [
            (&in_credentials, &paths.credentials),
            (&in_config, &paths.config),
        ]
        .into_iter()
        .find_map(|(names, path)| names.contains(name).then_some(path))
        {
            ctx.ui.warn(&format!(
                "profile {name:?} in {} was not written by `aws-cli-oidc login` (no x_aws_cli_oidc_provider key); nothing to refresh",
                file.display()
            ));
            continue;
        }
        let ours = managed
            .iter()
            .filter(|m| matches!(m.source, ManagedSource::Credentials { .. }))
            .map(|m| m.profile.as_str());
        let hint = hints::did_you_mean(name, ours, "refresh --profile", "the profiles login wrote")
            .unwrap_or_else(|| {
                "; write one with: aws-cli-oidc login --profile NAME -p PROVIDER".to_string()
            });
        ctx.ui.warn(&format!(
            "there is no profile {name:?} in {} or {}{hint}",
            paths.credentials.display(),
            paths.config.display()
        ));
    }
    let selected_profiles = || {
        managed.iter().filter_map(|m| match &m.source {
            ManagedSource::Credentials { expires, .. }
                if args.profiles.is_empty() || args.profiles.contains(&m.profile) =>
            {
                Some(expires)
            }
            _ => None,
        })
    };
    if let Some(max) = args.jitter
        && selected_profiles().any(due)
    {
        let wait = jitter::pick_delay(max, aws_cli_oidc::http::retry::os_random());
        ctx.ui.info(&format!(
            "waiting {} (--jitter {}) before renewing",
            jitter::show(wait),
            jitter::show(max)
        ));
        std::thread::sleep(wait);
    }
    let (mut renewed, mut fresh, mut selected) = (0usize, 0usize, 0usize);
    for m in &managed {
        let ManagedSource::Credentials {
            provider,
            role_arn,
            expires,
            duration,
        } = &m.source
        else {
            continue;
        };
        if !args.profiles.is_empty() && !args.profiles.contains(&m.profile) {
            continue;
        }
        selected += 1;
        if !due(expires) {
            fresh += 1;
            continue;
        }
        let relogin = format!(
            "aws-cli-oidc login --profile {} -p {}{}",
            m.profile,
            provider,
            role_arn
                .as_deref()
                .map(|r| format!(" -r {r}"))
                .unwrap_or_default()
        ) + &duration.map(|d| format!(" -d {d}")).unwrap_or_default();
        if config.is_none() {
            config = Some(ConfigFile::load(&ctx.config_dir()?)?);
        }
        let Some(file) = &config else { continue };
        let cfg = match file.provider(provider) {
            Ok(cfg) => cfg,
            Err(e) => {
                ctx.ui.warn(&format!("profile {}: {e}", m.profile));
                failures += 1;
                continue;
            }
        };
        let target = TargetArgs {
            provider: Some(provider.clone()),
            role: role_arn.clone(),
            max_duration: *duration,
        };
        let want = Want {
            use_cache: false,
            allow_refresh: true,
            allow_login: false,
            login_needs_browser_or_terminal: false,
            store_required: false,
            login_hint: relogin.clone(),
        };
        // What the write would refuse is found before the refresh token
        // is spent and STS is called.
        if let Err(e) = check_login_target(&paths, &m.profile, false, None) {
            ctx.ui.warn(&format!("profile {}: {e}", m.profile));
            failures += 1;
            continue;
        }
        let got = match ctx.obtain(
            &cfg,
            &target,
            &want,
            Flow {
                no_browser: true,
                device: false,
            },
        ) {
            Ok(got) => got,
            Err(e)
                if e.downcast_ref::<session::Error>()
                    .is_some_and(session::Error::needs_login) =>
            {
                logins.push(relogin);
                continue;
            }
            Err(e) => {
                ctx.ui.warn(&format!("profile {}: {e:#}", m.profile));
                failures += 1;
                continue;
            }
        };
        let write = LoginWrite {
            profile: &m.profile,
            provider,
            role_arn: &got.role_arn,
            credentials: &got.credentials,
            region: None,
            force: false,
            duration: *duration,
        };
        match write_login_credentials(
            &paths,
            &write,
            &StoreOptions::default(),
            &mut ctx.on_lock_wait(),
        ) {
            Ok(_) => {
                renewed += 1;
                ctx.ui.info(&format!(
                    "renewed profile {} until {}",
                    m.profile,
                    format_expiry(got.credentials.expiration)
                ));
            }
            Err(e) => {
                ctx.ui.warn(&format!("profile {}: {e}", m.profile));
                failures += 1;
            }
        }
    }

    if failures == 0 && logins.is_empty() && renewed == 0 {
        if fresh > 0 {
            ctx.ui.info(&format!(
                "nothing to refresh: {} valid for more than {} minutes (--within)",
                ui::count(fresh, "profile stays", "profiles stay"),
                args.within
            ));
        } else if selected == 0 && args.profiles.is_empty() {
            ctx.ui.info(&format!(
                "nothing to refresh: no profile in {} was written by `aws-cli-oidc login`; write one with: aws-cli-oidc login --profile NAME -p PROVIDER",
                paths.credentials.display()
            ));
        }
    }
    if !logins.is_empty() {
        ctx.ui.warn("these profiles need an interactive login:");
        for cmd in &logins {
            // Built from markers read back from the credentials file.
            eprintln!("    {}", aws_cli_oidc::text::sanitize(cmd));
        }
    }
    Ok(if failures > 0 {
        ExitCode::FAILURE
    } else if !logins.is_empty() {
        ExitCode::from(NEEDS_LOGIN)
    } else {
        ExitCode::SUCCESS
    })
}
