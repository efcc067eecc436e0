//! `clear-secret`.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::ClearSecretArgs;

pub fn run(_ctx: &Ctx, _args: ClearSecretArgs) -> Result<ExitCode> {
    bail!("clear-secret is not implemented yet")
}
