//! The provider key table (`config::keys::KEYS`) is the one description of
//! config.yaml's keys: the README, the man pages and `setup`'s flags must
//! all say the same. Each test names the key that is out of step.

use std::collections::BTreeSet;
use std::path::Path;

use aws_cli_oidc::config::keys::KEYS;
use clap::CommandFactory;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The keys named (in backticks) in the first column of the tables of the
/// README's `Configuration` section, before its `Environment` part.
fn readme_keys() -> BTreeSet<String> {
    let section = crate::support::readme_section("Configuration");
    let section = section
        .split("# Environment\n")
        .next()
        .unwrap_or(&section)
        .to_string();
    let mut keys = BTreeSet::new();
    for line in section.lines() {
        let Some(row) = line.strip_prefix('|') else {
            continue;
        };
        let first = row.split('|').next().unwrap_or("");
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                keys.insert(part.to_string());
            }
        }
    }
    keys
}

#[test]
fn readme_key_table_lists_exactly_the_keys_of_the_table() {
    let documented = readme_keys();
    let table: BTreeSet<String> = KEYS.iter().map(|k| k.name.to_string()).collect();
    for key in &table {
        assert!(
            documented.contains(key),
            "README.md: key {key} is in the key table (src/config/keys.rs) but not in the README's key table"
        );
    }
    for key in &documented {
        assert!(
            table.contains(key),
            "README.md: key {key} is in the README's key table but not in src/config/keys.rs"
        );
    }
}

#[test]
fn setup_man_page_names_every_key_and_flag() {
    let page = read("man/aws-cli-oidc-setup.1");
    for key in KEYS {
        // roff escapes '-' as '\-'.
        assert!(
            page.contains(&key.name.replace('-', "\\-")),
            "man/aws-cli-oidc-setup.1 does not name key {}; run `cargo run --example gen-man`",
            key.name
        );
        if let Some(flag) = key.flag {
            let roff = format!("\\-\\-{}", flag.long.replace('-', "\\-"));
            assert!(
                page.contains(&roff),
                "man/aws-cli-oidc-setup.1 lacks --{} of key {}",
                flag.long,
                key.name
            );
        }
    }
}

#[test]
fn setup_has_a_flag_for_each_key_flag_of_the_table_and_no_other_value_flag() {
    // Each subcommand's arguments are added when it is built (cli::Lazy).
    let mut cmd = aws_cli_oidc::cli::Cli::command();
    cmd.build();
    let setup = cmd.find_subcommand("setup").expect("setup subcommand");
    let value_flags: BTreeSet<String> = setup
        .get_arguments()
        .filter(|a| a.get_long().is_some() && a.get_action().takes_values() && !a.is_global_set())
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    let table: BTreeSet<String> = KEYS
        .iter()
        .filter_map(|k| k.flag.map(|f| f.long.to_string()))
        .collect();
    for flag in &table {
        assert!(value_flags.contains(flag), "setup has no --{flag}");
    }
    for flag in &value_flags {
        assert!(
            table.contains(flag),
            "setup --{flag} sets no key of the table (src/config/keys.rs)"
        );
    }
}
