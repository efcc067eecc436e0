//! Regenerates the man pages in `man/` from the clap definition:
//! `cargo run --example gen-man`. A test fails when `man/` is stale.

use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "man".to_string());
    std::fs::create_dir_all(&dir)?;
    clap_mangen::generate_to(aws_cli_oidc::cli::Cli::command(), &dir)
}
