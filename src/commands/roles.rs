//! `roles -p PROVIDER [--json]`: the roles a provider offers, with account
//! aliases. SAML: the roles of a fresh assertion, got with the stored
//! refresh token when there is one, else with one browser login. OIDC: the
//! configured roles, without any network use.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use aws_cli_oidc::cli::{RolesArgs, TargetArgs};
use aws_cli_oidc::config::FederationType;
use aws_cli_oidc::federation;
use aws_cli_oidc::roles::{self, RoleRow};
use aws_cli_oidc::session::{self, Plan};

use super::Ctx;

pub fn run(ctx: &Ctx, args: RolesArgs) -> Result<ExitCode> {
    let target = TargetArgs {
        provider: args.provider.clone(),
        role: None,
        max_duration: None,
    };
    let cfg = ctx.provider(&target)?;
    let rows: Vec<RoleRow> = match cfg.federation_type {
        FederationType::Oidc => {
            let arns = roles::configured(&cfg);
            roles::rows(arns.iter().map(|a| (a.as_str(), None)), &cfg)
        }
        FederationType::Saml2 => roles::saml_rows(&saml_pairs(ctx, &cfg, args.no_browser)?, &cfg),
    };
    let mut out = std::io::stdout().lock();
    let text = if args.json {
        serde_json::to_string_pretty(&rows).context("cannot render the roles as JSON")? + "\n"
    } else if rows.is_empty() {
        ctx.ui.warn(&format!(
            "provider {:?} names no roles; set default_iam_role_arn or a roles: list in its config",
            cfg.name
        ));
        String::new()
    } else {
        render(&rows)
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .context("cannot write the roles to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// One line per role: account (alias), role ARN, `(default)` on the default.
fn render(rows: &[RoleRow]) -> String {
    let account = |r: &RoleRow| match &r.account_alias {
        Some(alias) => format!("{} ({alias})", r.account),
        None => r.account.clone(),
    };
    let width = rows
        .iter()
        .map(|r| account(r).chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|r| {
            format!(
                "{:width$}  {}{}\n",
                account(r),
                r.role_arn,
                if r.default { "  (default)" } else { "" }
            )
        })
        .collect()
}

fn saml_pairs(
    ctx: &Ctx,
    cfg: &aws_cli_oidc::config::ProviderConfig,
    no_browser: bool,
) -> Result<Vec<aws_cli_oidc::saml::RolePair>> {
    let opened = ctx.secret_store(cfg, false)?;
    let ui = &ctx.ui;
    let config_dir = ctx.config_dir()?;
    let locks = aws_cli_oidc::cache::locks_dir(&config_dir);
    let req = federation::Request::default();
    let on_wait = |left| super::warn_other_login(ui, &cfg.name, left);
    let plan = Plan {
        cfg,
        req: &req,
        store: opened
            .as_ref()
            .map(|o| o.store.as_ref() as &dyn aws_cli_oidc::cache::SecretStore),
        locks_dir: &locks,
        use_cached_credentials: false,
        allow_refresh: true,
        allow_login: true,
        login_hint: String::new(),
        on_wait: &on_wait,
    };
    ctx.with_unattended_effects(cfg, no_browser, |fx| {
        let (grant, source) =
            session::obtain_grant(&plan, fx, &mut |fx| federation::login_grant(cfg, fx))
                .with_context(|| format!("roles of provider {:?}", cfg.name))?;
        ui.debug(&format!("roles: tokens from {source:?}"));
        federation::saml_roles(cfg, &grant, fx)
            .with_context(|| format!("roles of provider {:?}", cfg.name))
    })
}
