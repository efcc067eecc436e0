//! `clear-secret`: remove our cached credentials and refresh tokens from both
//! secret stores. Succeeds when there is nothing to remove.

use std::process::ExitCode;

use anyhow::Result;
use aws_cli_oidc::cache::{
    self, DEFAULT_PROBE_TIMEOUT, FileStore, StoreChoice, cache_dir, locks_dir, open_store,
};

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
    let whose = provider
        .map(|p| format!(" of provider {p:?}"))
        .unwrap_or_default();
    ctx.ui
        .info(&format!("removed {removed} cached entries{whose}"));
    Ok(ExitCode::SUCCESS)
}
