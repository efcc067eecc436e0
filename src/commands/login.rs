//! `login --profile`: log in and write the credentials into ~/.aws/credentials.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::LoginArgs;

pub fn run(_ctx: &Ctx, _args: LoginArgs) -> Result<ExitCode> {
    bail!("login is not wired yet")
}
