//! The AWS shared config and credentials files: a format-preserving document
//! (no I/O), a safe store (lock, atomic replace), the file-location rules,
//! and what aws-cli-oidc keeps in those files. It owns every byte written to
//! `~/.aws`; commands decide what to write and print the outcome.
//!
//! - [`document`]: parse, query and edit the text (see its "Limitations").
//! - [`store`]: follow symlinks, lock `<file>.lock`, write atomically.
//! - [`location`]: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `~/.aws`.
//! - [`profiles`]: login credentials, `credential_process` stanzas, managed
//!   profiles.
//! - [`lint`]: what botocore would refuse, and keys shadowing our
//!   `credential_process`, for `status`.
//! - [`credential_process`]: our `credential_process` line, built and parsed
//!   by one type.

pub mod credential_process;
pub mod document;
mod error;
#[doc(hidden)]
pub mod invariants;
pub mod lint;
pub mod location;
pub mod profiles;
pub mod store;

pub use credential_process::CredentialProcessSpec;
pub use document::{Document, FileKind, Profiles, config_section};
pub use error::Error;
pub use location::{AwsPaths, FileEnv, Platform, locate};
pub use profiles::{
    InstallOutcome, InstallRequest, LoginOutcome, LoginWrite, ManagedProfile, ManagedSource,
    UninstallOutcome, install_credential_process, list_managed, managed_in, read_profiles,
    uninstall_credential_process, write_login_credentials,
};
pub use store::{FileOutcome, StoreOptions, read_document, update};

#[cfg(test)]
mod tests;
