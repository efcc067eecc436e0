//! `install-profile` and `uninstall-profile`: the credential_process stanza in ~/.aws/config.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::{InstallProfileArgs, UninstallProfileArgs};

pub fn install(_ctx: &Ctx, _args: InstallProfileArgs) -> Result<ExitCode> {
    bail!("install-profile is not wired yet")
}

pub fn uninstall(_ctx: &Ctx, _args: UninstallProfileArgs) -> Result<ExitCode> {
    bail!("uninstall-profile is not wired yet")
}
