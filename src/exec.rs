//! The environment `exec` gives its child: what it removes, what it sets,
//! and the marker that refuses a nested `exec`. Pure; the command applies
//! the plan to a `std::process::Command`.

use std::ffi::OsStr;

use crate::secret::Secret;
use crate::sts::Credentials;

/// Set in the child to `PROVIDER/ROLE_ARN`: a nested `exec` is refused, and
/// a shell prompt can show the role.
pub const MARKER: &str = "AWS_CLI_OIDC_EXEC";

/// Variables that would compete with the credentials we give: profile
/// selection, web identity, container endpoints and static keys (all
/// `AWS_CONTAINER_*` too, see [`is_scrubbed`]).
const SCRUBBED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
];

/// Whether the child must not inherit the variable `name`.
pub fn is_scrubbed(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    SCRUBBED.contains(&name) || name.starts_with("AWS_CONTAINER_") || name == MARKER
}

/// How the child gets its credentials.
#[derive(Debug)]
pub enum Supply<'a> {
    /// The endpoint of [`crate::credserver`].
    Endpoint {
        /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
        full_uri: &'a str,
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
        token: &'a Secret<String>,
    },
    /// Static keys (`--no-server`): no renewal.
    Static(&'a Credentials),
}

/// The variables to set in the child. Secret values stay wrapped.
pub fn child_vars(
    supply: &Supply<'_>,
    region: Option<&str>,
    provider: &str,
    role_arn: &str,
) -> Vec<(&'static str, Secret<String>)> {
    let mut vars: Vec<(&'static str, Secret<String>)> = Vec::new();
    let plain = |v: &str| Secret::new(v.to_string());
    match supply {
        Supply::Endpoint { full_uri, token } => {
            vars.push(("AWS_CONTAINER_CREDENTIALS_FULL_URI", plain(full_uri)));
            vars.push(("AWS_CONTAINER_AUTHORIZATION_TOKEN", (*token).clone()));
        }
        Supply::Static(creds) => {
            vars.push(("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()));
            vars.push(("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.clone()));
            vars.push(("AWS_SESSION_TOKEN", creds.session_token.clone()));
            vars.push((
                "AWS_CREDENTIAL_EXPIRATION",
                plain(&crate::output::rfc3339_utc(creds.expiration)),
            ));
        }
    }
    if let Some(region) = region {
        vars.push(("AWS_REGION", plain(region)));
        vars.push(("AWS_DEFAULT_REGION", plain(region)));
    }
    vars.push((MARKER, plain(&format!("{provider}/{role_arn}"))));
    vars
}

/// Keys of a `[default]` profile that SDKs use before the container
/// endpoint (their chain reads the shared files first).
const COMPETING_DEFAULT_KEYS: &[&str] = &[
    "aws_access_key_id",
    "credential_process",
    "role_arn",
    "web_identity_token_file",
    "sso_start_url",
    "sso_session",
];

/// The key of the `default` profile that would shadow the credentials
/// `exec` serves, if any.
pub fn competing_default(profiles: &crate::awsfiles::document::Profiles) -> Option<&'static str> {
    let default = profiles.profiles.get("default")?;
    COMPETING_DEFAULT_KEYS
        .iter()
        .copied()
        .find(|k| default.contains_key(*k))
}

/// The exit code a shell reports for a child killed by signal `sig`.
pub fn signal_exit_code(sig: i32) -> u8 {
    u8::try_from(128 + sig.clamp(0, 127)).unwrap_or(255)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competing_variables_are_scrubbed_and_others_kept() {
        for name in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_SESSION_TOKEN",
            "AWS_CLI_OIDC_EXEC",
        ] {
            assert!(is_scrubbed(OsStr::new(name)), "{name}");
        }
        for name in [
            "AWS_REGION",
            "AWS_ENDPOINT_URL_STS",
            "AWS_CONFIG_FILE",
            "AWS_CA_BUNDLE",
            "PATH",
        ] {
            assert!(!is_scrubbed(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn endpoint_vars_carry_uri_token_region_and_marker() {
        let token = Secret::new("t0k".to_string());
        let vars = child_vars(
            &Supply::Endpoint {
                full_uri: "http://127.0.0.1:1/credentials",
                token: &token,
            },
            Some("eu-west-1"),
            "myop",
            "arn:aws:iam::1:role/dev",
        );
        let shown: Vec<(&str, &str)> = vars
            .iter()
            .map(|(k, v)| (*k, v.expose().as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://127.0.0.1:1/credentials"
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t0k"),
                ("AWS_REGION", "eu-west-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("AWS_CLI_OIDC_EXEC", "myop/arn:aws:iam::1:role/dev"),
            ]
        );
    }

    #[test]
    fn a_default_profile_with_credentials_is_found() {
        let mut profiles = crate::awsfiles::document::Profiles::default();
        assert_eq!(competing_default(&profiles), None);
        profiles
            .profiles
            .entry("default".into())
            .or_default()
            .insert("region".into(), "eu-west-1".into());
        assert_eq!(competing_default(&profiles), None);
        profiles
            .profiles
            .entry("default".into())
            .or_default()
            .insert("credential_process".into(), "x".into());
        assert_eq!(competing_default(&profiles), Some("credential_process"));
    }

    #[test]
    fn signal_codes_follow_the_shell() {
        assert_eq!(signal_exit_code(15), 143);
        assert_eq!(signal_exit_code(2), 130);
    }
}
