//! `get-cred`: log in (or answer from the cache with `-s`) and print credentials.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use aws_cli_oidc::output::{self, Format};

use super::{Ctx, Flow, Want};
use aws_cli_oidc::cli::GetCredArgs;

pub fn run(ctx: &Ctx, mut args: GetCredArgs) -> Result<ExitCode> {
    if args.target.provider.is_none() {
        args.target.provider = args.provider_positional.take();
    }
    let cfg = ctx.provider(&args.target)?;
    let mut hint = format!("aws-cli-oidc get-cred -p {}", cfg.name);
    if let Some(role) = &args.target.role {
        hint.push_str(&format!(" -r {role}"));
    }
    hint.push_str(" -s -j  (once, in a terminal)");
    let want = Want {
        use_cache: args.use_secret,
        allow_refresh: true,
        allow_login: true,
        login_needs_browser_or_terminal: args.use_secret,
        // Without -s the store only keeps the refresh token; a missing
        // keyring must not break the Go tool's plain get-cred.
        store_required: args.use_secret,
        login_hint: hint,
    };
    let got = ctx.obtain(
        &cfg,
        &args.target,
        &want,
        Flow {
            no_browser: args.no_browser,
            device: args.device,
        },
    )?;
    let format = if args.json {
        Format::Json
    } else {
        args.format.unwrap_or_default()
    };
    let region = args.region.as_deref().or(cfg.aws_region.as_deref());
    let text = output::render_with_region(&got.credentials, region, format);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .context("cannot write the credentials to stdout")?;
    Ok(ExitCode::SUCCESS)
}
