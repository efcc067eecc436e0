//! The checked-in man pages match the CLI definition.

use std::collections::BTreeMap;
use std::path::Path;

use clap::CommandFactory;

fn pages_in(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn man_pages_are_up_to_date() {
    let fresh = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(aws_cli_oidc::cli::Cli::command(), fresh.path()).unwrap();
    let expected = pages_in(fresh.path());
    let checked_in = pages_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("man"));
    assert!(
        expected.contains_key("aws-cli-oidc.1") && expected.len() > 4,
        "generator produced {:?}",
        expected.keys()
    );
    assert_eq!(
        checked_in.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "man/ is stale: run `cargo run --example gen-man`"
    );
    for (name, text) in &expected {
        assert_eq!(
            &checked_in[name], text,
            "man/{name} is stale: run `cargo run --example gen-man`"
        );
    }
}
