//! The hermetic integration tests: they run the binary on fixtures and need
//! no program beyond the binary itself and bash. `cargo test` runs them on
//! any machine; the tests against real peers are in `tests/e2e`.

#[path = "../support/mod.rs"]
mod support;

mod awsfiles_store;
mod completion;
mod config_keys;
mod exec;
mod exit_codes;
mod fuzz_replay;
mod man_pages;
mod messages;
mod start;
mod status;
