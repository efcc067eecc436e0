//! `login --profile`: log in and write the credentials into ~/.aws/credentials.

use std::process::ExitCode;

use anyhow::Result;
use aws_cli_oidc::awsfiles::StoreOptions;
use aws_cli_oidc::awsfiles::profiles::{
    LoginWrite, check_login_target, format_expiry, write_login_credentials,
};

use super::{Ctx, Flow, Want};
use aws_cli_oidc::cli::LoginArgs;

pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<ExitCode> {
    if args.all_roles {
        return super::all_roles::run(ctx, args);
    }
    let Some(profile) = args.profile.as_deref() else {
        return Err(super::UsageError("pass --profile NAME (or --all-roles)".into()).into());
    };
    // Everything the write would refuse is checked first, so a refusal
    // never costs a browser round trip.
    let cfg = ctx.provider(&args.target)?;
    let paths = ctx.aws_paths()?;
    check_login_target(&paths, profile, args.force, args.region.as_deref())?;
    // An explicit login always goes to the browser; it stores the refresh
    // token so `refresh` can renew this profile later.
    let want = Want {
        use_cache: false,
        allow_refresh: false,
        allow_login: true,
        login_needs_browser_or_terminal: false,
        store_required: false,
        login_hint: String::new(),
    };
    let outcome = ctx.obtain(
        &cfg,
        &args.target,
        &want,
        Flow {
            no_browser: args.no_browser,
            device: args.device,
        },
    )?;
    let write = LoginWrite {
        profile,
        provider: &cfg.name,
        role_arn: &outcome.role_arn,
        credentials: &outcome.credentials,
        region: args.region.as_deref(),
        force: args.force,
        duration: args.target.max_duration,
    };
    let written = write_login_credentials(
        &paths,
        &write,
        &StoreOptions::default(),
        &mut ctx.on_lock_wait(),
    )?;
    if written.shadows_credential_process {
        ctx.ui.warn(&format!(
            "profile {:?} in {} has a credential_process, but the keys just written to {} take precedence over it (botocore reads the credentials file first)",
            profile,
            paths.config.display(),
            paths.credentials.display()
        ));
    }
    ctx.ui.info(&format!(
        "profile {} ({}) written to {}; expires {}",
        profile,
        outcome.role_arn,
        written.credentials.path.display(),
        format_expiry(outcome.credentials.expiration)
    ));
    Ok(ExitCode::SUCCESS)
}
