//! `install-profile` and `uninstall-profile`: the credential_process stanza in ~/.aws/config.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use aws_cli_oidc::awsfiles::profiles::{
    InstallRequest, install_credential_process, uninstall_credential_process,
};
use aws_cli_oidc::awsfiles::{CredentialProcessSpec, FileOutcome, Platform, StoreOptions};
use aws_cli_oidc::config::FederationType;

use super::Ctx;
use aws_cli_oidc::cli::{InstallProfileArgs, UninstallProfileArgs};

pub fn install(ctx: &Ctx, args: InstallProfileArgs) -> Result<ExitCode> {
    // Validates that the provider exists; touches no secret store and no network.
    let cfg = ctx.provider(&args.target)?;
    let role = args
        .target
        .role
        .clone()
        .or_else(|| cfg.default_iam_role_arn.clone());
    if role.is_none() && cfg.federation_type == FederationType::Oidc {
        bail!(
            "no role for profile {:?}: pass -r ROLE_ARN or set default_iam_role_arn for provider {:?}",
            args.profile,
            cfg.name
        );
    }
    // botocore runs the command without a shell, so the path must be absolute
    // and literal: no `~`, no `$VAR`.
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot find the path of this executable for credential_process")?;
    let mut spec = CredentialProcessSpec::new(exe, cfg.name.as_str());
    spec.role_arn = role;
    spec.duration = args.target.max_duration;
    // The SDK runs the line with its own environment: a config directory
    // chosen by --config-dir or AWS_CLI_OIDC_CONFIG must travel in it.
    spec.config_dir = ctx.non_default_config_dir()?;
    let command_line = spec.to_command_line(Platform::current())?;
    let paths = ctx.aws_paths()?;
    let req = InstallRequest {
        profile: &args.profile,
        command_line: &command_line,
        region: args.region.as_deref(),
        force: args.force,
    };
    let opts = StoreOptions {
        dry_run: args.dry_run,
        ..StoreOptions::default()
    };
    let outcome = install_credential_process(&paths, &req, &opts, &mut ctx.on_lock_wait())?;
    if args.dry_run {
        print_diffs([Some(&outcome.config), outcome.credentials.as_ref()])?;
    } else if outcome.changed() {
        ctx.ui.info(&format!(
            "profile {} in {} now runs: {command_line}",
            args.profile,
            outcome.config.path.display()
        ));
        if outcome.credentials.as_ref().is_some_and(|c| c.changed) {
            ctx.ui.info(&format!(
                "removed static keys of [{}] from {} (--force)",
                args.profile,
                paths.credentials.display()
            ));
        }
    } else {
        ctx.ui.info(&format!(
            "profile {} is already installed; nothing changed",
            args.profile
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn uninstall(ctx: &Ctx, args: UninstallProfileArgs) -> Result<ExitCode> {
    let paths = ctx.aws_paths()?;
    let opts = StoreOptions {
        dry_run: args.dry_run,
        ..StoreOptions::default()
    };
    let outcome =
        uninstall_credential_process(&paths, &args.profile, &opts, &mut ctx.on_lock_wait())?;
    if args.dry_run {
        print_diffs([Some(&outcome.config)])?;
    } else if outcome.not_installed {
        let ours = aws_cli_oidc::awsfiles::profiles::list_managed(&paths).unwrap_or_default();
        let hint = super::hints::did_you_mean(
            &args.profile,
            ours.iter()
                .filter(|m| {
                    matches!(
                        m.source,
                        aws_cli_oidc::awsfiles::profiles::ManagedSource::CredentialProcess { .. }
                    )
                })
                .map(|m| m.profile.as_str()),
            "uninstall-profile --profile",
            "the profiles install-profile wrote",
        );
        ctx.ui.info(&format!(
            "profile {} has no credential_process in {}; nothing to do{}",
            args.profile,
            paths.config.display(),
            hint.unwrap_or_default()
        ));
    } else {
        ctx.ui.info(&format!(
            "removed the credential_process of profile {} from {}",
            args.profile,
            paths.config.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--dry-run` output: the diffs the user asked for, on stdout.
fn print_diffs<'a>(outcomes: impl IntoIterator<Item = Option<&'a FileOutcome>>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for diff in outcomes
        .into_iter()
        .flatten()
        .filter_map(|o| o.diff.as_deref())
    {
        out.write_all(diff.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}
