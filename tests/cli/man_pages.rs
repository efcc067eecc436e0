//! The checked-in man pages match the CLI definition and
//! `aws_cli_oidc::manual`, as `examples/gen-man.rs` renders them.

use std::collections::BTreeMap;
use std::path::Path;

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
    for (name, cmd) in aws_cli_oidc::manual::pages() {
        let man = clap_mangen::Man::new(cmd);
        let mut rendered = Vec::new();
        man.render(&mut rendered).unwrap();
        let page = aws_cli_oidc::manual::assemble(&String::from_utf8_lossy(&rendered), &name);
        std::fs::write(fresh.path().join(man.get_filename()), page).unwrap();
    }
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

#[test]
fn man_environment_and_readme_name_the_same_variables() {
    let readme = crate::support::readme_section("Environment");
    let listed = aws_cli_oidc::manual::ENVIRONMENT;
    for (name, _) in listed {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md's Environment section does not name {name} (src/manual.rs ENVIRONMENT does)"
        );
    }
    // Every variable in the README's first column is in the man pages.
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for (i, var) in first.split('`').enumerate() {
            if i % 2 == 1 {
                assert!(
                    listed
                        .iter()
                        .any(|(n, what)| *n == var || what.contains(var)),
                    "README.md names {var} but src/manual.rs ENVIRONMENT does not"
                );
            }
        }
    }
}
