//! "Did you mean" for profile names, shared by `refresh` and
//! `uninstall-profile`.

use aws_cli_oidc::awsfiles::{AwsPaths, FileKind, read_document};
use aws_cli_oidc::suggest;

/// The profile names of the credentials file and of the config file, as the
/// SDKs see them (empty when a file is missing or unreadable).
pub fn profile_names(paths: &AwsPaths) -> (Vec<String>, Vec<String>) {
    let names = |path: &std::path::Path, kind: FileKind| -> Vec<String> {
        read_document(path)
            .ok()
            .flatten()
            .and_then(|doc| doc.profiles(kind).ok())
            .map(|p| p.profiles.into_keys().collect())
            .unwrap_or_default()
    };
    (
        names(&paths.credentials, FileKind::Credentials),
        names(&paths.config, FileKind::Config),
    )
}

/// "; did you mean "dev"? run: aws-cli-oidc COMMAND dev" when `typed` looks
/// like a typo of one of `candidates`, else "; WHAT are: a, b", or `None`
/// when there are no candidates.
pub fn did_you_mean<'a>(
    typed: &str,
    candidates: impl Iterator<Item = &'a str>,
    command: &str,
    what: &str,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.collect();
    if candidates.is_empty() {
        return None;
    }
    Some(match suggest::closest(typed, candidates.iter().copied()) {
        Some(s) => format!("; did you mean {s:?}? run: aws-cli-oidc {command} {s}"),
        None => format!("; {what} are: {}", candidates.join(", ")),
    })
}
