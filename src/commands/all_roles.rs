//! `login --all-roles --profile-template T -p PROVIDER`: one browser login,
//! then one `AssumeRoleWithSAML` per role the assertion offers, each written
//! as its own profile, all in one locked write of the credentials file.
//!
//! The template's placeholders are `{account}`, `{alias}` (the account's
//! name from `account_aliases`, else its id), `{role}` (the role's name,
//! without its path) and `{provider}`. A role that STS refuses, or whose
//! profile cannot be written, is reported on stderr and the others are
//! still written; the exit code is then 1, so a script notices.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use aws_cli_oidc::awsfiles::StoreOptions;
use aws_cli_oidc::awsfiles::document::check_profile_name;
use aws_cli_oidc::awsfiles::profiles::{
    LoginWrite, check_login_files, format_expiry, write_login_credentials_many,
};
use aws_cli_oidc::cache;
use aws_cli_oidc::config::FederationType;
use aws_cli_oidc::federation;
use aws_cli_oidc::session;
use aws_cli_oidc::sts::arn::RoleArn;

use super::{Ctx, UsageError};
use aws_cli_oidc::cli::LoginArgs;

/// The placeholders a profile template may use.
const PLACEHOLDERS: [&str; 4] = ["account", "alias", "role", "provider"];

/// What the placeholders stand for.
pub struct Fill<'a> {
    account: &'a str,
    alias: &'a str,
    role: &'a str,
    provider: &'a str,
}

/// Fill `{account}`, `{alias}`, `{role}` and `{provider}` into `template`.
/// Any other `{name}`, or a brace without its partner, is an error naming it.
pub fn render_template(template: &str, fill: &Fill<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        if after.starts_with('}') {
            return Err(format!(
                "profile template {template:?} has a '}}' without a '{{'"
            ));
        }
        let Some(close) = after.find('}') else {
            return Err(format!(
                "profile template {template:?} has a '{{' without a '}}'"
            ));
        };
        let name = &after[1..close];
        out.push_str(match name {
            "account" => fill.account,
            "alias" => fill.alias,
            "role" => fill.role,
            "provider" => fill.provider,
            other => {
                return Err(format!(
                    "profile template {template:?} uses {{{other}}}; the placeholders are {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The profile name for one role ARN.
fn profile_for(
    template: &str,
    role_arn: &str,
    provider: &str,
    aliases: &BTreeMap<String, String>,
) -> Result<String, String> {
    let arn = RoleArn::parse(role_arn).map_err(|e| e.to_string())?;
    let fill = Fill {
        account: arn.account(),
        alias: aws_cli_oidc::roles::alias_or_account(aliases, arn.account()),
        role: arn.name(),
        provider,
    };
    let name = render_template(template, &fill)?;
    check_profile_name(&name).map_err(|e| format!("{e} (from --profile-template {template:?})"))?;
    Ok(name)
}

pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<ExitCode> {
    let Some(template) = args.profile_template.as_deref() else {
        return Err(UsageError(
            "--all-roles needs --profile-template, e.g. '{account}-{role}'".into(),
        )
        .into());
    };
    if args.device {
        return Err(UsageError(
            "--all-roles logs in through the browser; --device is not supported with it (use --no-browser to only print the URL)".into(),
        )
        .into());
    }
    // Cheap checks first, so a bad template or provider costs no browser
    // round trip.
    let cfg = ctx.provider(&args.target)?;
    profile_for(
        template,
        "arn:aws:iam::123456789012:role/example",
        &cfg.name,
        &cfg.account_aliases,
    )
    .map_err(UsageError)?;
    if cfg.federation_type != FederationType::Saml2 {
        return Err(federation::Error::AllRolesNeedsSaml {
            provider: cfg.name.clone(),
            federation_type: cfg.federation_type.as_str(),
        }
        .into());
    }
    let paths = ctx.aws_paths()?;
    // The profile names come from the assertion, after the login; the
    // files themselves can be checked now.
    check_login_files(&paths, args.region.as_deref())?;
    let opened = ctx.secret_store(&cfg, false)?;
    let config_dir = ctx.config_dir()?;

    let req = federation::Request {
        role_arn: None,
        duration: args.target.max_duration,
    };
    let ui = &ctx.ui;
    // The same per-provider lock, with the same failure marker, as every
    // other login and renewal: the provider may rotate the refresh token we
    // are about to store. Every role is assumed, so nobody is asked to choose.
    let on_wait = |left| super::warn_other_login(ui, &cfg.name, left);
    let lock = session::ProviderLock::take(&cfg, &cache::locks_dir(&config_dir), &on_wait)?;
    lock.check_other_failure()?;
    let (all, now) = ctx.with_unattended_effects(&cfg, args.no_browser, |fx| {
        (federation::login_all_roles(&cfg, &req, fx), fx.now)
    });
    let all = match all {
        Ok(all) => all,
        Err(e) => {
            lock.record_failure(&e.to_string());
            return Err(anyhow::Error::new(e)
                .context(format!("login to provider {:?} for all roles", cfg.name)));
        }
    };
    lock.record_success();
    if let (Some(opened), Some(token)) = (&opened, &all.refresh_token)
        && let Err(e) = session::store_refresh_token(
            opened.store.as_ref(),
            &cfg,
            token,
            &session::Issued {
                issuer: &all.issuer,
                token_endpoint: &all.token_endpoint,
                subject: None,
            },
            now,
        )
    {
        ui.warn(&format!("could not store the refresh token: {e}"));
    }
    if let Some(n) = opened.as_ref().and_then(|o| o.store.take_notice()) {
        ui.warn(&n);
    }
    drop(lock);

    let mut failed = 0usize;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut writes = Vec::new();
    for role in &all.roles {
        let arn = &role.pair.role_arn;
        let credentials = match &role.credentials {
            Ok(c) => c,
            Err(e) => {
                ui.warn(&format!("role {arn}: not written: {e}"));
                failed += 1;
                continue;
            }
        };
        let profile = match profile_for(template, arn, &cfg.name, &cfg.account_aliases) {
            Ok(p) => p,
            Err(e) => {
                ui.warn(&format!("role {arn}: not written: {e}"));
                failed += 1;
                continue;
            }
        };
        if let Some(first) = names.get(&profile) {
            ui.warn(&format!(
                "role {arn}: not written: --profile-template {template:?} gives profile {profile:?} to {first} too; add {{account}} or {{role}} to the template"
            ));
            failed += 1;
            continue;
        }
        names.insert(profile.clone(), arn.clone());
        writes.push((profile, arn.as_str(), credentials));
    }
    let requests: Vec<LoginWrite<'_>> = writes
        .iter()
        .map(|(profile, arn, credentials)| LoginWrite {
            profile,
            provider: &cfg.name,
            role_arn: arn,
            credentials,
            region: args.region.as_deref(),
            force: args.force,
            duration: args.target.max_duration,
        })
        .collect();
    if !requests.is_empty() {
        let outcome = write_login_credentials_many(
            &paths,
            &requests,
            &StoreOptions::default(),
            &mut ctx.on_lock_wait(),
        )?;
        for (written, req) in outcome.profiles.iter().zip(&requests) {
            match &written.result {
                Ok(()) => ui.info(&format!(
                    "profile {} ({}) written to {}; expires {}",
                    written.profile,
                    req.role_arn,
                    outcome.credentials.path.display(),
                    format_expiry(req.credentials.expiration)
                )),
                Err(e) => {
                    ui.warn(&format!("role {}: not written: {e}", req.role_arn));
                    failed += 1;
                }
            }
            if written.shadows_credential_process {
                ui.warn(&format!(
                    "profile {:?} in {} has a credential_process, but the keys just written to {} take precedence over it (botocore reads the credentials file first)",
                    written.profile,
                    paths.config.display(),
                    paths.credentials.display()
                ));
            }
        }
    }
    let total = all.roles.len();
    if failed > 0 {
        ui.warn(&format!(
            "{} of {total} roles written; {failed} failed (see above)",
            total - failed
        ));
        return Ok(ExitCode::FAILURE);
    }
    ui.info(&format!("{total} roles written"));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(role: &str) -> Fill<'_> {
        Fill {
            account: "123456789012",
            alias: "prod",
            role,
            provider: "corp",
        }
    }

    #[test]
    fn template_fills_account_alias_role_and_provider() {
        assert_eq!(
            render_template("{account}-{role}@{provider}/{alias}", &fill("admin")).unwrap(),
            "123456789012-admin@corp/prod"
        );
        assert_eq!(render_template("static", &fill("r")).unwrap(), "static");
    }

    #[test]
    fn template_refuses_unknown_placeholders_and_stray_braces() {
        let err = render_template("{acount}-{role}", &fill("r")).unwrap_err();
        assert!(
            err.contains("{acount}") && err.contains("{account}, {alias}, {role}, {provider}"),
            "{err}"
        );
        assert!(
            render_template("{role", &fill("r"))
                .unwrap_err()
                .contains("without a '}'")
        );
        assert!(
            render_template("role}", &fill("r"))
                .unwrap_err()
                .contains("without a '{'")
        );
    }

    #[test]
    fn profile_uses_the_role_name_without_its_path_and_must_be_valid() {
        assert_eq!(
            profile_for(
                "{account}-{role}",
                "arn:aws:iam::123456789012:role/team/a/dev",
                "corp",
                &BTreeMap::new()
            )
            .unwrap(),
            "123456789012-dev"
        );
        let aliases = BTreeMap::from([("123456789012".to_string(), "prod".to_string())]);
        assert_eq!(
            profile_for(
                "{alias}-{role}",
                "arn:aws:iam::123456789012:role/dev",
                "corp",
                &aliases
            )
            .unwrap(),
            "prod-dev"
        );
        let err = profile_for(
            "{role} x",
            "arn:aws:iam::123456789012:role/dev",
            "corp",
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(
            err.contains("invalid profile name") && err.contains("--profile-template"),
            "{err}"
        );
    }
}
