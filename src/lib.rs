//! aws-cli-oidc: turn a browser login at an OpenID Connect provider into
//! short-lived AWS credentials.
//!
//! This crate is the core. It does no terminal I/O: paths, HTTP endpoints,
//! the environment snapshot and the browser launcher come in as arguments,
//! and so does the clock, except in these places: [`session`] reads it again
//! after waiting for another process's lock, and [`cache::open_store`] and
//! [`cache::remembered_choice`] for the age of the `auto` marker (both have a
//! variant taking it). The environment is read by the snapshot constructors
//! ([`awsfiles::FileEnv::from_process`]), by the HTTP client for the proxy
//! variables ([`http`]), and by [`oidc::browser`] for `$BROWSER`. The `aws-cli-oidc` binary (`src/main.rs` and
//! `src/commands/`) parses arguments, calls into here, and prints.
//!
//! Layers and what they own:
//! - [`cli`]: the command-line definition (clap types only, no I/O), shared
//!   by the binary, the man-page generator and the tests.
//! - [`completion`]: shell completion scripts and the names they offer.
//! - [`config`]: the Go-compatible `~/.aws-cli-oidc/config.yaml`.
//! - [`http`]: the one HTTP client every request goes through (TLS, proxies,
//!   the loopback-only rule for `http://`).
//! - [`oidc`]: discovery, PKCE, the loopback receiver, token requests, RFC 8693
//!   token exchange, ID-token claims.
//! - [`roles`]: the roles a provider offers, labelled with account aliases.
//! - [`saml`]: decoding and wrapping the assertion a token exchange returns,
//!   and reading its roles.
//! - [`sts`]: the STS query API (`AssumeRoleWithWebIdentity`,
//!   `AssumeRoleWithSAML`) and endpoint resolution.
//! - [`awsfiles`]: the format-preserving editor and safe store for
//!   `~/.aws/credentials` and `~/.aws/config`.
//! - [`cache`]: the secret stores (keyring or 0600 files) holding refresh
//!   tokens and cached AWS credentials, and the per-provider lock.
//! - [`console`]: the federated sign-in URL of the AWS console.
//! - [`credserver`]: the container-credentials endpoint `exec` serves its
//!   child on 127.0.0.1.
//! - [`exec`]: the environment `exec` gives its child.
//! - [`federation`]: composes the above into "log in, get credentials".
//! - [`session`]: the policy: cache hit, silent refresh, single-flight login.
//! - [`safe_file`]: atomic replace, private directories, locks and capped
//!   reads: every file operation that must survive crashes and races.
//! - [`output`]: renders credentials as shell exports or credential_process JSON.
#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod awsfiles;
pub mod cache;
pub mod cli;
pub mod completion;
pub mod config;
pub mod console;
pub mod credserver;
pub mod exec;
pub mod federation;
pub mod http;
pub mod manual;
pub mod oidc;
pub mod output;
pub mod roles;
pub mod safe_file;
pub mod saml;
pub mod secret;
pub mod session;
pub mod sts;
pub mod suggest;
pub mod text;
