//! Replays the fuzz target's seeds, every crash it ever found, and the
//! round-trip fixtures through the same property check, on stable Rust.

use std::path::{Path, PathBuf};

use aws_cli_oidc::awsfiles::invariants;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_none_or(|x| x != "md") {
            out.push(path);
        }
    }
}

#[test]
fn fuzz_seeds_regressions_and_fixtures_keep_the_document_invariants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for dir in [
        "fuzz/seeds/awsfiles_roundtrip",
        "fuzz/regressions/awsfiles_roundtrip",
        "fixtures/awsfiles",
    ] {
        files_under(&root.join(dir), &mut inputs);
    }
    assert!(inputs.len() >= 20, "only {} inputs found", inputs.len());
    let mut broken = Vec::new();
    for path in &inputs {
        let bytes = std::fs::read(path).expect("read input");
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Err(why) = invariants::check(text)
        {
            broken.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
