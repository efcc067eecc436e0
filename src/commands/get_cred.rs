//! `get-cred`: log in and print credentials.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use aws_cli_oidc::output::{self, Format};

use super::Ctx;
use crate::cli::{GetCredArgs, OutputFormat};

pub fn run(ctx: &Ctx, mut args: GetCredArgs) -> Result<ExitCode> {
    if args.target.provider.is_none() {
        args.target.provider = args.provider_positional.take();
    }
    let cfg = ctx.provider(&args.target)?;
    if args.use_secret {
        ctx.ui
            .debug("-s: the credential cache is not implemented yet; logging in");
    }
    let outcome = ctx.login(&cfg, &args.target, args.no_browser, args.device)?;
    let format = if args.json {
        Format::Json
    } else {
        format_of(args.format.unwrap_or(OutputFormat::Sh))
    };
    let text = output::render(&outcome.credentials, format);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .context("cannot write the credentials to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn format_of(f: OutputFormat) -> Format {
    match f {
        OutputFormat::Sh => Format::Sh,
        OutputFormat::Fish => Format::Fish,
        OutputFormat::Powershell => Format::PowerShell,
        OutputFormat::Cmd => Format::Cmd,
        OutputFormat::Dotenv => Format::Dotenv,
        OutputFormat::Json => Format::Json,
    }
}
