//! The end-to-end tests against real third-party peers: `oidc-provider`
//! (npm), moto's STS and the `aws` CLI (PyPI), tinyproxy, tmux, openssl, fish and zsh.
//! Install them with `bash tests/peers/install.sh`, then run
//! `cargo test --features e2e --test e2e`. A missing peer fails a test; it
//! is never skipped.

#[path = "../support/mod.rs"]
mod support;

mod all_roles;
mod aws_cli;
mod botocore_oracle;
mod cache;
mod completion;
mod console;
mod demo;
mod device;
mod exec;
mod faults;
mod get_cred;
mod hostile;
mod keyring_split;
mod logging;
mod network;
mod preflight;
mod roles;
mod setup;
mod status;
mod trust;
