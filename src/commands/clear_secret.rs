//! `clear-secret`: remove our cached credentials and refresh tokens from both
//! secret stores. Succeeds when there is nothing to remove.

use std::process::ExitCode;

use anyhow::{Result, bail};
use aws_cli_oidc::cache::{
    self, DEFAULT_PROBE_TIMEOUT, FileStore, StoreChoice, cache_dir, locks_dir, open_store,
};

use aws_cli_oidc::config::ConfigFile;
use aws_cli_oidc::suggest;

use super::Ctx;
use aws_cli_oidc::cli::ClearSecretArgs;

pub fn run(ctx: &Ctx, args: ClearSecretArgs) -> Result<ExitCode> {
    let dir = ctx.config_dir()?;
    let provider = args.provider.as_deref();
    let file = FileStore::new(cache_dir(&dir)).with_locks_dir(locks_dir(&dir));
    let mut removed = cache::clear(&file, provider)?;
    // The keyring is probed with a timeout: a locked or absent Secret
    // Service means there is nothing of ours we could remove there.
    match open_store(StoreChoice::Keyring, &dir, DEFAULT_PROBE_TIMEOUT) {
        Ok(opened) => removed += cache::clear(opened.store.as_ref(), provider)?,
        Err(e) => ctx.ui.debug(&format!("keyring not cleared: {e}")),
    }
    if let Some(name) = provider
        && removed == 0
    {
        // Entries of a provider since removed from config.yaml can still be
        // cleared by name; a name that is neither there nor cached is a typo.
        let file = ConfigFile::load_or_empty(&dir)?;
        let providers = file.providers();
        if !providers.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            let hint = match suggest::closest(name, providers.iter().map(String::as_str)) {
                Some(s) => format!("; did you mean {s:?}? run: aws-cli-oidc clear-secret -p {s}"),
                None if providers.is_empty() => String::new(),
                None => format!(" (configured: {})", providers.join(", ")),
            };
            bail!(
                "there is no provider {name:?} in {} and nothing cached for it{hint}",
                file.path.display()
            );
        }
    }
    let whose = provider
        .map(|p| format!(" of provider {p:?}"))
        .unwrap_or_default();
    ctx.ui.info(&format!(
        "removed {}{whose}",
        super::ui::count(removed, "cached entry", "cached entries")
    ));
    Ok(ExitCode::SUCCESS)
}
