//! `setup`.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::SetupArgs;

pub fn run(_ctx: &Ctx, _args: SetupArgs) -> Result<ExitCode> {
    bail!("setup is not implemented yet")
}
