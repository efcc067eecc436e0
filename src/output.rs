//! Rendering credentials for the user: shell exports or the
//! `credential_process` JSON.

use crate::sts::Credentials;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// POSIX exports.
    Sh,
    /// fish.
    Fish,
    /// PowerShell.
    PowerShell,
    /// cmd.exe.
    Cmd,
    /// dotenv.
    Dotenv,
    /// credential_process JSON.
    Json,
}

/// Render credentials.
pub fn render(creds: &Credentials, format: Format) -> String {
    let _ = (creds, format);
    unimplemented!()
}
