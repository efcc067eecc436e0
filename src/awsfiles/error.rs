//! The one error type of the AWS files layer.

use std::path::{Path, PathBuf};

/// Errors of the AWS files layer. Messages name the file (and line), the
/// profile or key involved, and what to do next. Values are never included:
/// they may be secret keys.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file does not follow the AWS shared-config syntax.
    #[error("{}{line}: {reason}", loc(path))]
    Parse {
        /// The file (empty when parsing text that has no file).
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, e.g. `expected an '=' sign defining a property`.
        reason: String,
    },
    /// The section to edit appears more than once.
    #[error(
        "{}section [{section}] appears more than once (lines {}); botocore refuses such files: merge them by hand, then retry",
        prefix(path),
        join_lines(lines)
    )]
    DuplicateSection {
        /// The file.
        path: PathBuf,
        /// The header text, e.g. `profile dev`.
        section: String,
        /// 1-based line numbers of each header.
        lines: Vec<usize>,
    },
    /// A value would change meaning when written (newline, leading or trailing
    /// space, comment marker).
    #[error(
        "refusing to write key {key}: the value {reason}, which the AWS file format cannot hold"
    )]
    InvalidValue {
        /// The key.
        key: String,
        /// Why, e.g. `contains a newline`.
        reason: &'static str,
    },
    /// A profile, section or key name that AWS readers would ignore.
    #[error("invalid {what} name {name:?}: {reason}")]
    InvalidName {
        /// `profile`, `key` or `section`.
        what: &'static str,
        /// The name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// A command-line argument cannot be quoted safely for credential_process.
    #[error("cannot put argument {arg:?} into credential_process: {reason}")]
    Unquotable {
        /// The argument.
        arg: String,
        /// Why.
        reason: &'static str,
    },
    /// The file is not UTF-8.
    #[error("{}: file is not valid UTF-8; fix or remove it, then retry", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// Reading, locking or replacing the file failed, or it is not a
    /// regular file of sane size.
    #[error(transparent)]
    File(#[from] crate::safe_file::Error),
    /// The target file is read-only; it is left unchanged.
    #[error(
        "{} is read-only (mode {mode:o}); it was left unchanged: make it writable (chmod u+w) or point the AWS_* file variable elsewhere",
        path.display()
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// No home directory to put `.aws` in.
    #[error(
        "cannot find the home directory: set HOME (or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE)"
    )]
    NoHome,
    /// botocore would read the section under another name than the SDKs.
    #[error(
        "{}:{line}: botocore (the AWS CLI) reads section [{botocore}] as profile {botocore:?}, not {profile:?}, so it would never see what is written there; rename the header to [{profile}], then retry",
        path.display()
    )]
    BotocoreName {
        /// The file.
        path: PathBuf,
        /// 1-based line of the header.
        line: usize,
        /// What botocore reads between the brackets.
        botocore: String,
        /// The profile asked for.
        profile: String,
    },
    /// The credentials section holds keys not written by aws-cli-oidc.
    #[error(
        "{}: profile [{profile}] holds static keys not written by aws-cli-oidc; they may be long-lived keys: pass --force to overwrite them",
        path.display()
    )]
    StaticKeys {
        /// The credentials file.
        path: PathBuf,
        /// The profile.
        profile: String,
    },
    /// Static keys in the credentials file would shadow a credential_process.
    #[error(
        "{}: profile [{profile}] holds static keys, so botocore would use them and never call credential_process: pass --force to remove them",
        path.display()
    )]
    ShadowingKeys {
        /// The credentials file.
        path: PathBuf,
        /// The profile.
        profile: String,
    },
    /// The profile's credential_process belongs to another program.
    #[error(
        "{}: profile {profile:?} has a credential_process that is not aws-cli-oidc's; refusing to {action} it ({})",
        path.display(),
        if *action == "remove" { "edit the file by hand if it should go" } else { "pass --force to replace it" }
    )]
    ForeignCredentialProcess {
        /// The config file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// `replace` or `remove`.
        action: &'static str,
    },
}

impl Error {
    /// Attach the file path to a document error that was raised without one.
    pub fn with_path(self, file: &Path) -> Self {
        match self {
            Error::Parse { line, reason, .. } => Error::Parse {
                path: file.to_path_buf(),
                line,
                reason,
            },
            Error::DuplicateSection { section, lines, .. } => Error::DuplicateSection {
                path: file.to_path_buf(),
                section,
                lines,
            },
            other => other,
        }
    }
}

fn loc(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        "line ".to_string()
    } else {
        format!("{}:", path.display())
    }
}

fn prefix(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        String::new()
    } else {
        format!("{}: ", path.display())
    }
}

fn join_lines(lines: &[usize]) -> String {
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
