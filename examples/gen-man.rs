//! Regenerates the man pages in `man/` from the clap definition and the
//! sections of `aws_cli_oidc::manual`: `cargo run --example gen-man`. A test
//! fails when `man/` is stale.

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "man".to_string());
    std::fs::create_dir_all(&dir)?;
    for (name, cmd) in aws_cli_oidc::manual::pages() {
        let man = clap_mangen::Man::new(cmd);
        let mut rendered = Vec::new();
        man.render(&mut rendered)?;
        let page = aws_cli_oidc::manual::assemble(&String::from_utf8_lossy(&rendered), &name);
        std::fs::write(std::path::Path::new(&dir).join(man.get_filename()), page)?;
    }
    Ok(())
}
