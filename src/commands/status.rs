//! `status`.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::StatusArgs;

pub fn run(_ctx: &Ctx, _args: StatusArgs) -> Result<ExitCode> {
    bail!("status is not implemented yet")
}
