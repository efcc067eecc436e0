//! `console`: sign the browser in to the AWS console as the role.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use aws_cli_oidc::cli::ConsoleArgs;
use aws_cli_oidc::console;
use aws_cli_oidc::sts::arn::{Partition, partition_of};

use super::{Ctx, Flow, UsageError, Want};

pub fn run(ctx: &Ctx, args: ConsoleArgs) -> Result<ExitCode> {
    if let Some(dest) = &args.destination
        && !dest.starts_with("https://")
    {
        return Err(UsageError(format!(
            "--destination must be an https:// URL of the console, got {dest:?}"
        ))
        .into());
    }
    let cfg = ctx.provider(&args.target)?;
    let want = Want::at_terminal();
    let flow = Flow {
        no_browser: args.no_browser,
        device: args.device,
    };
    // Before the login: with the role known, its partition's endpoint (an
    // ISO partition has no public one) and the endpoint URL itself.
    let known_role = args
        .target
        .role
        .as_deref()
        .or(cfg.default_iam_role_arn.as_deref());
    if let Some(role) = known_role {
        let partition = partition_of(role).unwrap_or(Partition::Aws);
        let endpoint = match &ctx.env.federation_endpoint {
            Some(endpoint) => endpoint.clone(),
            None => console::federation_endpoint(partition)?.to_string(),
        };
        aws_cli_oidc::http::check_url(&endpoint)
            .with_context(|| format!("{} {endpoint}", console::ENDPOINT_VAR))?;
    }
    let got = ctx.obtain(&cfg, &args.target, &want, flow)?;
    let partition = partition_of(&got.role_arn).unwrap_or(Partition::Aws);
    let region = args
        .region
        .clone()
        .or_else(|| cfg.aws_region.clone())
        .or_else(|| ctx.env.sts.region.clone())
        .or_else(|| ctx.env.sts.default_region.clone());
    let endpoint = match &ctx.env.federation_endpoint {
        Some(endpoint) => endpoint.clone(),
        None => console::federation_endpoint(partition)?.to_string(),
    };
    let destination = match &args.destination {
        Some(destination) => destination.clone(),
        None => console::default_destination(partition, region.as_deref())?,
    };
    let (_, sts_http) = ctx.http_clients(&cfg);
    let token = console::signin_token(&sts_http, &endpoint, &got.credentials)?;
    let url = console::login_url(&endpoint, &token, &destination);
    if args.print {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", url.expose())
            .and_then(|_| out.flush())
            .context("cannot write the sign-in URL to stdout")?;
        return Ok(ExitCode::SUCCESS);
    }
    aws_cli_oidc::oidc::browser::open_browser(url.expose()).map_err(|e| {
        anyhow::anyhow!(
            "could not launch a browser ({}); run again with --print to get the sign-in URL on stdout",
            e.replace(url.expose().as_str(), "<sign-in URL>")
        )
    })?;
    ctx.ui.info(&format!(
        "opened the AWS console as {} (the session ends at {})",
        got.role_arn,
        aws_cli_oidc::output::rfc3339_utc(got.credentials.expiration)
    ));
    Ok(ExitCode::SUCCESS)
}
