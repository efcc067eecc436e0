//! Where the AWS config and credentials files are: a pure function of an
//! environment snapshot and the platform, following the SDKs' rules.

use std::path::PathBuf;

use super::error::Error;

/// The platform whose path rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux, macOS and other Unix systems.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform this program runs on.
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }
}

/// The environment variables that decide the file locations, read once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileEnv {
    /// `HOME`.
    pub home: Option<String>,
    /// `USERPROFILE` (Windows).
    pub userprofile: Option<String>,
    /// `HOMEDRIVE` (Windows).
    pub homedrive: Option<String>,
    /// `HOMEPATH` (Windows).
    pub homepath: Option<String>,
    /// `AWS_CONFIG_FILE`.
    pub aws_config_file: Option<String>,
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub aws_shared_credentials_file: Option<String>,
    /// `AWS_PROFILE`.
    pub aws_profile: Option<String>,
}

impl FileEnv {
    /// Read the variables from the process environment (the binary calls
    /// this once).
    pub fn from_process() -> FileEnv {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        FileEnv {
            home: get("HOME"),
            userprofile: get("USERPROFILE"),
            homedrive: get("HOMEDRIVE"),
            homepath: get("HOMEPATH"),
            aws_config_file: get("AWS_CONFIG_FILE"),
            aws_shared_credentials_file: get("AWS_SHARED_CREDENTIALS_FILE"),
            aws_profile: get("AWS_PROFILE"),
        }
    }
}

/// The two AWS files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsPaths {
    /// The config file.
    pub config: PathBuf,
    /// The credentials file.
    pub credentials: PathBuf,
}

/// The user's home: `HOME`, then on Windows `USERPROFILE`, then
/// `HOMEDRIVE` + `HOMEPATH`.
pub fn home_dir(env: &FileEnv, platform: Platform) -> Option<String> {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    if let Some(h) = nonempty(&env.home) {
        return Some(h);
    }
    if platform == Platform::Windows {
        if let Some(h) = nonempty(&env.userprofile) {
            return Some(h);
        }
        if let (Some(d), Some(p)) = (nonempty(&env.homedrive), nonempty(&env.homepath)) {
            return Some(format!("{d}{p}"));
        }
    }
    None
}

fn sep(platform: Platform) -> char {
    match platform {
        Platform::Unix => '/',
        Platform::Windows => '\\',
    }
}

/// Join with the platform's separator (a pure string operation, so the
/// Windows rules can be tested on Unix).
fn join(base: &str, parts: &[&str], platform: Platform) -> String {
    let s = sep(platform);
    let mut out = base.trim_end_matches(['/', s]).to_string();
    for p in parts {
        out.push(s);
        out.push_str(p);
    }
    out
}

/// Expand a leading `~` (alone or followed by a separator) to the home.
fn expand_tilde(path: &str, env: &FileEnv, platform: Platform) -> Result<String, Error> {
    let rest = match path.strip_prefix('~') {
        Some(r) if r.is_empty() || r.starts_with('/') || r.starts_with(sep(platform)) => r,
        _ => return Ok(path.to_string()),
    };
    let home = home_dir(env, platform).ok_or(Error::NoHome)?;
    Ok(format!(
        "{}{}",
        home.trim_end_matches(['/', sep(platform)]),
        rest
    ))
}

/// The config and credentials paths, as strings in the platform's syntax.
pub fn locate_str(env: &FileEnv, platform: Platform) -> Result<(String, String), Error> {
    let pick = |var: &Option<String>, leaf: &str| -> Result<String, Error> {
        match var.as_deref().filter(|v| !v.is_empty()) {
            Some(p) => expand_tilde(p, env, platform),
            None => {
                let home = home_dir(env, platform).ok_or(Error::NoHome)?;
                Ok(join(&home, &[".aws", leaf], platform))
            }
        }
    };
    Ok((
        pick(&env.aws_config_file, "config")?,
        pick(&env.aws_shared_credentials_file, "credentials")?,
    ))
}

/// The config and credentials files for this environment.
pub fn locate(env: &FileEnv, platform: Platform) -> Result<AwsPaths, Error> {
    let (config, credentials) = locate_str(env, platform)?;
    Ok(AwsPaths {
        config: PathBuf::from(config),
        credentials: PathBuf::from(credentials),
    })
}

/// The profile in effect: `AWS_PROFILE`, else `default`.
pub fn default_profile(env: &FileEnv) -> String {
    env.aws_profile
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "default".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_in_override_expands_to_home() {
        let env = FileEnv {
            home: Some("/home/u".into()),
            aws_config_file: Some("~/cfg".into()),
            ..Default::default()
        };
        let (c, k) = locate_str(&env, Platform::Unix).unwrap();
        assert_eq!(c, "/home/u/cfg");
        assert_eq!(k, "/home/u/.aws/credentials");
    }

    #[test]
    fn no_home_is_an_error() {
        assert!(matches!(
            locate_str(&FileEnv::default(), Platform::Unix),
            Err(Error::NoHome)
        ));
    }
}
