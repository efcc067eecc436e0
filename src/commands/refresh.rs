//! `refresh`.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::RefreshArgs;

pub fn run(_ctx: &Ctx, _args: RefreshArgs) -> Result<ExitCode> {
    bail!("refresh is not implemented yet")
}
