//! `setup`: configure one provider in `config.yaml`, by a wizard on a
//! terminal or by flags for scripts.
//!
//! Both modes run every value through the same [`check`] as it is given, so
//! a bad duration or role ARN is reported by its key before anything is
//! written; the document is then validated as a whole by
//! [`ConfigFile::provider`] and saved by [`ConfigFile::save`] (atomic, mode
//! 0600, other providers and unknown keys kept). Prompts, the discovery
//! result and the closing summary go to stderr: stdout stays empty, unlike
//! the Go tool's setup. The wizard runs only when stdin and stderr are
//! terminals; anything else (a script, CI, a credential_process) gets the
//! flag mode and never a prompt.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use aws_cli_oidc::config::{
    ConfigFile, FederationType, ProviderConfig, TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_ID_TOKEN, keys,
};
use aws_cli_oidc::oidc::Metadata;
use aws_cli_oidc::sts::arn::RoleArn;
use console::Term;
use dialoguer::{Confirm, Input, Password, Select};

use super::Ctx;
use aws_cli_oidc::cli::SetupArgs;

/// The answer that removes an optional value in the wizard (an empty answer
/// keeps the offered default, as dialoguer does).
const CLEAR: &str = "-";

/// The required keys and the flags that give them.
const REQUIRED: [(&str, &str); 3] = [
    (keys::METADATA_URL, "--metadata-url"),
    (keys::CLIENT_ID, "--client-id"),
    (keys::FEDERATION_TYPE, "--federation-type"),
];

/// Every key a flag of [`SetupArgs`] sets, with the flag's spelling and value.
fn flag_values(a: &SetupArgs) -> Vec<(&'static str, &'static str, Option<&str>)> {
    vec![
        (
            keys::METADATA_URL,
            "--metadata-url",
            a.metadata_url.as_deref(),
        ),
        (keys::CLIENT_ID, "--client-id", a.client_id.as_deref()),
        (
            keys::CLIENT_SECRET,
            "--client-secret",
            a.client_secret.as_deref(),
        ),
        (
            keys::FEDERATION_TYPE,
            "--federation-type",
            a.federation_type.as_deref(),
        ),
        (
            keys::DEFAULT_IAM_ROLE_ARN,
            "--default-role",
            a.default_role.as_deref(),
        ),
        (
            keys::ROLE_SESSION_NAME,
            "--role-session-name",
            a.role_session_name.as_deref(),
        ),
        (
            keys::TOKEN_EXCHANGE_AUDIENCE,
            "--token-exchange-audience",
            a.token_exchange_audience.as_deref(),
        ),
        (
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            "--token-exchange-subject-token-type",
            a.token_exchange_subject_token_type.as_deref(),
        ),
        (
            keys::MAX_SESSION_DURATION_SECONDS,
            "--max-duration",
            a.max_duration.as_deref(),
        ),
        (keys::AWS_REGION, "--region", a.region.as_deref()),
        (keys::SCOPES, "--scopes", a.scopes.as_deref()),
        (
            keys::ROLE_SESSION_NAME_CLAIM,
            "--role-session-name-claim",
            a.role_session_name_claim.as_deref(),
        ),
        (
            keys::SUCCESSFUL_REDIRECT_URL,
            "--successful-redirect-url",
            a.successful_redirect_url.as_deref(),
        ),
        (
            keys::FAILURE_REDIRECT_URL,
            "--failure-redirect-url",
            a.failure_redirect_url.as_deref(),
        ),
        (
            keys::ADDITIONAL_QUERY,
            "--additional-query",
            a.additional_query.as_deref(),
        ),
        (
            keys::CLIENT_AUTH_METHOD,
            "--client-auth-method",
            a.client_auth_method.as_deref(),
        ),
        (
            keys::CLIENT_AUTH_CERT,
            "--client-auth-cert",
            a.client_auth_cert.as_deref(),
        ),
        (
            keys::CLIENT_AUTH_KEY,
            "--client-auth-key",
            a.client_auth_key.as_deref(),
        ),
        (
            keys::CLIENT_AUTH_CA,
            "--client-auth-ca",
            a.client_auth_ca.as_deref(),
        ),
        (keys::CA_BUNDLE, "--ca-bundle", a.ca_bundle.as_deref()),
        (
            keys::LOOPBACK_PORT,
            "--loopback-port",
            a.loopback_port.as_deref(),
        ),
        (
            keys::LOGIN_TIMEOUT_SECONDS,
            "--login-timeout",
            a.login_timeout.as_deref(),
        ),
        (
            keys::SECRET_STORE,
            "--secret-store",
            a.secret_store.as_deref(),
        ),
        (
            keys::REFRESH_MARGIN_MINUTES,
            "--refresh-margin",
            a.refresh_margin.as_deref(),
        ),
        (
            keys::INSECURE_SKIP_VERIFY,
            "--insecure-skip-verify",
            a.insecure_skip_verify.as_deref(),
        ),
    ]
}

/// Check one value of `key` and return it as it is written to the file.
/// `value` is trimmed first; an empty value is accepted here (whether it may
/// be empty is the caller's business). The error says what is expected and
/// never repeats a client secret.
pub(crate) fn check(key: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let found = || format!("found {v:?}");
    match key {
        keys::METADATA_URL => {
            aws_cli_oidc::http::check_url(v).map_err(|e| {
                format!("{e}; expected https://HOST/.well-known/openid-configuration")
            })?;
            Ok(v.to_string())
        }
        keys::CLIENT_ID | keys::ROLE_SESSION_NAME_CLAIM | keys::TOKEN_EXCHANGE_AUDIENCE => {
            if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Err(format!("expected one word without spaces, {}", found()))
            } else {
                Ok(v.to_string())
            }
        }
        keys::CLIENT_SECRET => {
            if v.chars().any(char::is_control) {
                Err("the client secret holds a control character (a pasted line break?)".into())
            } else {
                Ok(v.to_string())
            }
        }
        keys::FEDERATION_TYPE => one_of(
            v,
            &[
                FederationType::Oidc.as_str(),
                FederationType::Saml2.as_str(),
            ],
        ),
        // The reason already quotes the faulty part; repeating the whole ARN
        // would wrap the wizard's one-line error.
        keys::DEFAULT_IAM_ROLE_ARN => RoleArn::parse(v)
            .map(|_| v.to_string())
            .map_err(|e| format!("not a role ARN: {}; expected {}", e.reason, e.example)),
        keys::ROLE_SESSION_NAME => {
            let ok_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
            if (2..=64).contains(&v.len()) && v.chars().all(ok_char) {
                Ok(v.to_string())
            } else {
                Err(format!(
                    "expected 2 to 64 letters, digits or +=,.@_- (the STS RoleSessionName rule), {}",
                    found()
                ))
            }
        }
        keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE => match v {
            "access_token" | TOKEN_TYPE_ACCESS_TOKEN => Ok(TOKEN_TYPE_ACCESS_TOKEN.to_string()),
            "id_token" | TOKEN_TYPE_ID_TOKEN => Ok(TOKEN_TYPE_ID_TOKEN.to_string()),
            _ => Err(format!("expected access_token or id_token, {}", found())),
        },
        keys::MAX_SESSION_DURATION_SECONDS => number(v, 900, 43_200),
        keys::LOOPBACK_PORT => number(v, 0, 65_535),
        keys::LOGIN_TIMEOUT_SECONDS => number(v, 1, 86_400),
        keys::REFRESH_MARGIN_MINUTES => number(v, 0, 720),
        keys::AWS_REGION => {
            if aws_cli_oidc::sts::is_region(v) {
                Ok(v.to_string())
            } else {
                Err(format!("expected a region such as us-east-1, {}", found()))
            }
        }
        keys::SCOPES => scopes(v),
        keys::ADDITIONAL_QUERY => query(v),
        keys::SUCCESSFUL_REDIRECT_URL | keys::FAILURE_REDIRECT_URL => {
            let lower = v.to_ascii_lowercase();
            let rest = lower
                .strip_prefix("https://")
                .or_else(|| lower.strip_prefix("http://"));
            match rest {
                Some(r)
                    if !r.is_empty() && !r.starts_with('/') && !v.contains(char::is_whitespace) =>
                {
                    Ok(v.to_string())
                }
                _ => Err(format!("expected an http:// or https:// URL, {}", found())),
            }
        }
        keys::CLIENT_AUTH_METHOD => one_of(v, &["client_secret_post", "client_secret_basic"]),
        keys::SECRET_STORE => one_of(v, &["auto", "keyring", "file"]),
        keys::CLIENT_AUTH_CERT | keys::CLIENT_AUTH_KEY | keys::CLIENT_AUTH_CA | keys::CA_BUNDLE => {
            if v.starts_with('~') {
                Err(format!(
                    "{v:?}: ~ is not expanded in config.yaml; write the full path"
                ))
            } else if std::path::Path::new(v).is_file() {
                Ok(v.to_string())
            } else {
                Err(format!(
                    "{v:?} is not a readable file; expected the path of a PEM file"
                ))
            }
        }
        keys::INSECURE_SKIP_VERIFY => match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "t" | "1" => Ok("true".into()),
            "false" | "no" | "n" | "f" | "0" => Ok("false".into()),
            _ => Err(format!("expected true or false (or yes, no), {}", found())),
        },
        _ => Ok(v.to_string()),
    }
}

fn one_of(v: &str, allowed: &[&str]) -> Result<String, String> {
    let lower = v.to_ascii_lowercase();
    if allowed.contains(&lower.as_str()) {
        Ok(lower)
    } else {
        Err(format!(
            "expected one of: {}, found {v:?}",
            allowed.join(", ")
        ))
    }
}

fn number(v: &str, min: u64, max: u64) -> Result<String, String> {
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
        _ => Err(format!(
            "expected a whole number from {min} to {max}, found {v:?}"
        )),
    }
}

/// Space or comma separated scope tokens (RFC 6749 §3.3), without `openid`
/// (always sent) and duplicates, written space separated.
fn scopes(v: &str) -> Result<String, String> {
    let mut out: Vec<&str> = Vec::new();
    for word in v.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() || word == "openid" || out.contains(&word) {
            continue;
        }
        if !word
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
        {
            return Err(format!(
                "scope {word:?} has a character a scope cannot hold; expected words such as offline_access"
            ));
        }
        out.push(word);
    }
    Ok(out.join(" "))
}

/// `key=value&key=value` appended to the authorization request.
fn query(v: &str) -> Result<String, String> {
    let q = v.strip_prefix('?').unwrap_or(v);
    if q.contains(char::is_whitespace) {
        return Err(format!(
            "expected URL-encoded key=value pairs joined by & (spaces as %20), found {v:?}"
        ));
    }
    for pair in q.split('&') {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if key.is_empty() {
            return Err(format!(
                "expected key=value pairs joined by &, found an empty key in {v:?}"
            ));
        }
    }
    Ok(q.to_string())
}

/// A provider name: a top-level key of config.yaml.
fn check_name(v: &str) -> Result<String, String> {
    let v = v.trim();
    if v.is_empty() {
        return Err("the provider name is empty".into());
    }
    if v.starts_with('-')
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ':')
    {
        return Err(format!(
            "expected a name without spaces or colons, not starting with -, such as myop or corp.example.com, found {v:?}"
        ));
    }
    Ok(v.to_string())
}

/// Quote `s` for a POSIX shell when it needs it (for the commands we suggest).
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-@/:=+,".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The settings decided so far: keys in the order asked; an empty value
/// clears a key the provider had. No `Debug`: it holds the client secret.
#[derive(Default)]
struct Answers {
    values: Vec<(&'static str, String)>,
}

impl Answers {
    fn set(&mut self, key: &'static str, value: String) {
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.values.push((key, value)),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// The current values of the provider being set up, as defaults.
struct Current<'a> {
    file: &'a ConfigFile,
    name: String,
    typed: Option<ProviderConfig>,
}

impl Current<'_> {
    fn get(&self, key: &str) -> Option<String> {
        if let Some(v) = self.file.get_raw(&self.name, key) {
            return Some(v);
        }
        // A YAML list (scopes) is not a single raw value.
        if key == keys::SCOPES {
            return self
                .typed
                .as_ref()
                .map(|p| p.scopes.join(" "))
                .filter(|s| !s.is_empty());
        }
        None
    }

    fn exists(&self) -> bool {
        self.file
            .providers()
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&self.name))
    }
}

fn current<'a>(file: &'a ConfigFile, name: &str) -> Result<Current<'a>> {
    let folded: Vec<String> = file
        .providers()
        .into_iter()
        .filter(|p| p.to_lowercase() == name.to_lowercase())
        .collect();
    if folded.len() > 1 && !folded.iter().any(|p| p == name) {
        bail!(
            "provider {name:?} matches several providers in {} that differ only in case ({}); \
             run setup with the exact name",
            file.path.display(),
            folded.join(", ")
        );
    }
    Ok(Current {
        file,
        name: name.to_string(),
        typed: file.provider(name).ok(),
    })
}

pub fn run(ctx: &Ctx, mut args: SetupArgs) -> Result<ExitCode> {
    let dir = ctx.config_dir()?;
    let mut file = ConfigFile::load_or_empty(&dir)?;
    if args.client_secret_stdin {
        args.client_secret = Some(read_secret_line()?);
    }
    let all_required_flags = args.name.is_some()
        && args.metadata_url.is_some()
        && args.client_id.is_some()
        && args.federation_type.is_some();
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let (name, answers) = if terminal && !args.non_interactive && !all_required_flags {
        wizard(ctx, &args, &file, &Term::stderr())?
    } else {
        from_flags(ctx, &args, &file)?
    };

    let pairs: Vec<(&str, &str)> = answers
        .values
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    file.set_provider(&name, &pairs);
    // The whole provider as get-cred will read it, before anything is written.
    let cfg = file.provider(&name).with_context(|| {
        format!("the settings for provider {name:?} do not validate; nothing was written")
    })?;
    file.save()?;
    summary(ctx, &file, &cfg);
    Ok(ExitCode::SUCCESS)
}

/// `--client-secret-stdin`: the first line of stdin, without its line end.
/// On a terminal it is read without echo.
fn read_secret_line() -> Result<String> {
    let line = if std::io::stdin().is_terminal() {
        eprint!("client secret (hidden): ");
        Term::stderr()
            .read_secure_line()
            .context("cannot read the client secret from the terminal")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the client secret from stdin (--client-secret-stdin)")?;
        line
    };
    let secret = line.trim_end_matches(['\r', '\n']).to_string();
    if secret.trim().is_empty() {
        bail!("--client-secret-stdin: stdin held no client secret on its first line");
    }
    Ok(secret)
}

/// The flag mode: values from flags, else the provider's current ones.
fn from_flags(ctx: &Ctx, args: &SetupArgs, file: &ConfigFile) -> Result<(String, Answers)> {
    let name = match args.name.as_deref() {
        Some(n) => Some(check_name(n).map_err(|e| anyhow::anyhow!("provider name: {e}"))?),
        None => None,
    };
    let mut answers = Answers::default();
    for (key, flag, value) in flag_values(args) {
        let Some(value) = value else { continue };
        let v = check(key, value).map_err(|e| anyhow::anyhow!("{key} ({flag}): {e}"))?;
        if v.is_empty() && REQUIRED.iter().any(|(k, _)| *k == key) {
            bail!("{key} ({flag}) is empty; it is required");
        }
        answers.set(key, v);
    }

    let cur = match name.as_deref() {
        Some(n) => Some(current(file, n)?),
        None => None,
    };
    let mut missing = Vec::new();
    if name.is_none() {
        missing.push("NAME (the provider name, the first argument)".to_string());
    }
    for (key, flag) in REQUIRED {
        let have = answers.get(key).is_some() || cur.as_ref().and_then(|c| c.get(key)).is_some();
        if !have {
            missing.push(format!("{flag} ({key})"));
        }
    }
    let (Some(name), Some(cur), true) = (name, cur, missing.is_empty()) else {
        bail!(
            "setup cannot ask without a terminal (or with --non-interactive); missing: {}; \
             pass them as flags, for example: aws-cli-oidc setup NAME --metadata-url URL \
             --client-id ID --federation-type oidc",
            missing.join(", ")
        );
    };

    let merged = |answers: &Answers, key: &str| {
        answers
            .get(key)
            .map(str::to_string)
            .or_else(|| cur.get(key))
    };
    if merged(&answers, keys::FEDERATION_TYPE).as_deref() == Some("saml2")
        && merged(&answers, keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE).is_none()
    {
        // The Go tool reads this key verbatim, so spell the default out.
        answers.set(
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            TOKEN_TYPE_ACCESS_TOKEN.to_string(),
        );
    }
    let merged = |key: &str| merged(&answers, key);
    // Only a URL given now is fetched: a script that changes the region of
    // an existing provider must not need the network.
    if !args.no_verify
        && let Some(url) = answers.get(keys::METADATA_URL).map(str::to_string)
    {
        let meta = fetch_metadata(ctx, &name, &url, &merged).with_context(|| {
            format!(
                "{} (--metadata-url): cannot use {url}; fix the URL, or pass --no-verify to skip this check",
                keys::METADATA_URL
            )
        })?;
        eprintln!("{}", describe_metadata(&meta));
    }
    warn_partition(&merged);
    Ok((name, answers))
}

/// GET the discovery document with the TLS settings known so far.
fn fetch_metadata(
    ctx: &Ctx,
    name: &str,
    url: &str,
    value: &dyn Fn(&str) -> Option<String>,
) -> Result<Metadata> {
    let mut cfg = ProviderConfig::new(name, url, "setup", FederationType::Oidc);
    cfg.ca_bundle = value(keys::CA_BUNDLE).map(PathBuf::from);
    cfg.client_auth_ca = value(keys::CLIENT_AUTH_CA).map(PathBuf::from);
    cfg.client_auth_cert = value(keys::CLIENT_AUTH_CERT).map(PathBuf::from);
    cfg.client_auth_key = value(keys::CLIENT_AUTH_KEY).map(PathBuf::from);
    cfg.insecure_skip_verify = value(keys::INSECURE_SKIP_VERIFY).as_deref() == Some("true");
    let (idp, _) = ctx.network_settings(&cfg);
    let idp = aws_cli_oidc::http::client::UreqClient::new(&idp)?;
    Ok(aws_cli_oidc::oidc::discover(&idp, url)?)
}

fn describe_metadata(meta: &Metadata) -> String {
    format!(
        "discovered:\n  issuer:                 {}\n  authorization endpoint: {}\n  token endpoint:         {}",
        meta.issuer, meta.authorization_endpoint, meta.token_endpoint
    )
}

/// A role in `aws-cn` with a commercial region (or the reverse) fails at
/// STS with a confusing error; say so now. Not fatal: `-r` may differ.
fn warn_partition(value: &dyn Fn(&str) -> Option<String>) {
    let (Some(role), Some(region)) = (value(keys::DEFAULT_IAM_ROLE_ARN), value(keys::AWS_REGION))
    else {
        return;
    };
    let Ok(arn) = RoleArn::parse(&role) else {
        return;
    };
    let region_partition = aws_cli_oidc::sts::arn::Partition::of_region(&region);
    if arn.partition() != region_partition {
        eprintln!(
            "aws-cli-oidc: warning: {} is in partition {} but aws_region {region} is in {}; \
             STS will refuse the role there",
            role,
            arn.partition(),
            region_partition
        );
    }
}

fn dialog<T>(r: dialoguer::Result<T>) -> Result<T> {
    r.context("the setup wizard could not use the terminal; run setup with flags instead")
}

/// The wizard. Flags given alongside are offered as the defaults, ahead of
/// the provider's current values.
fn wizard(
    ctx: &Ctx,
    args: &SetupArgs,
    file: &ConfigFile,
    term: &Term,
) -> Result<(String, Answers)> {
    let _ = term.write_line(&format!(
        "Set up a provider in {} (Ctrl-C stops without writing).",
        file.path.display()
    ));
    let name: String = dialog(
        Input::<String>::new()
            .with_prompt("Provider name")
            .with_initial_text(args.name.clone().unwrap_or_default())
            .validate_with(|s: &String| check_name(s).map(|_| ()))
            .interact_text_on(term),
    )?;
    let name = check_name(&name).map_err(anyhow::Error::msg)?;
    let cur = current(file, &name)?;
    if cur.exists() {
        let _ = term.write_line(&format!(
            "Provider {name:?} exists: its current values are offered; Enter keeps one, {CLEAR} removes an optional one."
        ));
    }
    let flags = flag_values(args);
    let default_of = |key: &str| -> Option<String> {
        flags
            .iter()
            .find(|(k, _, _)| *k == key)
            .and_then(|(_, _, v)| v.map(str::to_string))
            .or_else(|| cur.get(key))
    };
    let mut answers = Answers::default();
    let mut w = Wizard {
        term,
        answers: &mut answers,
        default_of: &default_of,
    };

    // Metadata URL, fetched until it works or the person keeps it anyway.
    loop {
        let url = w.text(
            keys::METADATA_URL,
            "OIDC metadata URL (…/.well-known/openid-configuration)",
            true,
            None,
        )?;
        if args.no_verify {
            break;
        }
        let _ = term.write_line(&format!("fetching {url} …"));
        let merged = |key: &str| default_of(key);
        match fetch_metadata(ctx, &name, &url, &merged) {
            Ok(meta) => {
                let _ = term.write_line(&describe_metadata(&meta));
                break;
            }
            Err(e) => {
                let _ = term.write_line(&format!("cannot use {url}: {e:#}"));
                let keep = dialog(
                    Confirm::new()
                        .with_prompt("Keep this URL anyway?")
                        .default(false)
                        .interact_on(term),
                )?;
                if keep {
                    break;
                }
            }
        }
    }
    w.text(keys::CLIENT_ID, "Client ID", true, None)?;
    w.secret(
        args.client_secret.as_deref(),
        cur.get(keys::CLIENT_SECRET).is_some(),
    )?;

    let fed_default = default_of(keys::FEDERATION_TYPE);
    let fed = w.select(
        keys::FEDERATION_TYPE,
        "AWS federation type",
        &[
            ("oidc", "oidc: AssumeRoleWithWebIdentity with the ID token"),
            (
                "saml2",
                "saml2: token exchange to a SAML assertion, then AssumeRoleWithSAML",
            ),
        ],
        fed_default.as_deref(),
        false,
    )?;
    if fed == "oidc" {
        w.text(
            keys::DEFAULT_IAM_ROLE_ARN,
            "Default IAM role ARN (optional; -r picks one per command)",
            false,
            None,
        )?;
        w.text(
            keys::ROLE_SESSION_NAME,
            "Role session name (optional; default: from the ID token)",
            false,
            None,
        )?;
    } else {
        w.text(
            keys::TOKEN_EXCHANGE_AUDIENCE,
            "Token exchange audience (the SAML client at the provider)",
            false,
            Some("urn:amazon:webservices"),
        )?;
        let short = default_of(keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE)
            .and_then(|v| check(keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE, &v).ok());
        w.select(
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            "Subject token type for the exchange",
            &[
                (TOKEN_TYPE_ACCESS_TOKEN, "access_token"),
                (TOKEN_TYPE_ID_TOKEN, "id_token"),
            ],
            short.as_deref(),
            false,
        )?;
        w.text(
            keys::DEFAULT_IAM_ROLE_ARN,
            "Default IAM role ARN (optional; with several roles you are asked)",
            false,
            None,
        )?;
    }
    w.text(
        keys::MAX_SESSION_DURATION_SECONDS,
        "Session duration in seconds (900-43200)",
        false,
        Some("3600"),
    )?;
    w.text(
        keys::AWS_REGION,
        "AWS region for STS (optional)",
        false,
        None,
    )?;
    w.text(
        keys::SCOPES,
        "Scopes beside openid (optional, space-separated, e.g. offline_access)",
        false,
        None,
    )?;

    let advanced = dialog(
        Confirm::new()
            .with_prompt("Change advanced settings (redirects, TLS, ports, secret store)?")
            .default(false)
            .interact_on(term),
    )?;
    if advanced {
        w.text(
            keys::ROLE_SESSION_NAME_CLAIM,
            "ID-token claim for the role session name (optional)",
            false,
            None,
        )?;
        w.text(
            keys::SUCCESSFUL_REDIRECT_URL,
            "Page to show after a successful login (optional)",
            false,
            None,
        )?;
        w.text(
            keys::FAILURE_REDIRECT_URL,
            "Page to show after a failed login (optional)",
            false,
            None,
        )?;
        w.text(
            keys::ADDITIONAL_QUERY,
            "Extra authorization query, key=value&… (optional)",
            false,
            None,
        )?;
        let method = default_of(keys::CLIENT_AUTH_METHOD);
        w.select(
            keys::CLIENT_AUTH_METHOD,
            "Client authentication at the token endpoint",
            &[
                (
                    "client_secret_post",
                    "client_secret_post (in the form body)",
                ),
                ("client_secret_basic", "client_secret_basic (HTTP Basic)"),
            ],
            method.as_deref(),
            true,
        )?;
        w.text(
            keys::CLIENT_AUTH_CERT,
            "mTLS client certificate, PEM path (optional)",
            false,
            None,
        )?;
        w.text(
            keys::CLIENT_AUTH_KEY,
            "mTLS client key, PEM path (optional)",
            false,
            None,
        )?;
        w.text(
            keys::CLIENT_AUTH_CA,
            "CA certificates for the provider, PEM path (optional)",
            false,
            None,
        )?;
        w.text(
            keys::CA_BUNDLE,
            "CA bundle for every request, PEM path (optional)",
            false,
            None,
        )?;
        w.text(
            keys::LOOPBACK_PORT,
            "Loopback redirect port (optional; default 0 = random)",
            false,
            None,
        )?;
        w.text(
            keys::LOGIN_TIMEOUT_SECONDS,
            "Login timeout in seconds (optional; default 300)",
            false,
            None,
        )?;
        w.text(
            keys::REFRESH_MARGIN_MINUTES,
            "Renew credentials this many minutes before expiry (optional)",
            false,
            None,
        )?;
        let store = default_of(keys::SECRET_STORE);
        w.select(
            keys::SECRET_STORE,
            "Where refresh tokens are kept",
            &[
                ("auto", "auto (the OS keyring, else a private file)"),
                ("keyring", "keyring"),
                ("file", "file"),
            ],
            store.as_deref(),
            true,
        )?;
        let _ = term.write_line(
            "insecure_skip_verify turns off TLS certificate checks of the provider: anyone on the \
             network can then read your tokens. Prefer ca_bundle.",
        );
        w.text(
            keys::INSECURE_SKIP_VERIFY,
            "Skip TLS verification (true/false)",
            false,
            Some("false"),
        )?;
    }
    let merged = |key: &str| {
        answers
            .get(key)
            .map(str::to_string)
            .or_else(|| cur.get(key))
    };
    warn_partition(&merged);
    Ok((name, answers))
}

/// The wizard's questions, sharing the defaults and the answers.
struct Wizard<'a> {
    term: &'a Term,
    answers: &'a mut Answers,
    default_of: &'a dyn Fn(&str) -> Option<String>,
}

impl Wizard<'_> {
    /// Ask for `key` as text. Returns the checked value ("" when unset).
    fn text(
        &mut self,
        key: &'static str,
        prompt: &str,
        required: bool,
        fallback: Option<&str>,
    ) -> Result<String> {
        let existing = (self.default_of)(key);
        let default = existing.clone().or_else(|| fallback.map(str::to_string));
        let mut input = Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(!required)
            .validate_with(move |s: &String| -> Result<(), String> {
                let v = s.trim();
                if v == CLEAR && !required {
                    return Ok(());
                }
                if v.is_empty() && required {
                    return Err("required".into());
                }
                check(key, v).map(|_| ())
            });
        if let Some(d) = default {
            input = input.default(d);
        }
        let raw = dialog(input.interact_text_on(self.term))?;
        let raw = raw.trim();
        let value = if raw == CLEAR && !required {
            String::new()
        } else {
            check(key, raw).map_err(anyhow::Error::msg)?
        };
        // A key that was never set and stays empty is not written at all.
        if !value.is_empty() || existing.is_some() {
            self.answers.set(key, value.clone());
        }
        Ok(value)
    }

    /// Ask for the client secret without echo. Enter keeps the current one.
    fn secret(&mut self, from_flag: Option<&str>, has_current: bool) -> Result<()> {
        if let Some(s) = from_flag {
            let v = check(keys::CLIENT_SECRET, s).map_err(anyhow::Error::msg)?;
            let _ = self
                .term
                .write_line("Client secret: (from the command line, hidden)");
            self.answers.set(keys::CLIENT_SECRET, v);
            return Ok(());
        }
        let prompt = if has_current {
            format!("Client secret (hidden; Enter keeps the current one, {CLEAR} removes it)")
        } else {
            "Client secret (hidden; Enter for none, a public client)".to_string()
        };
        let s = dialog(
            Password::new()
                .with_prompt(prompt)
                .allow_empty_password(true)
                .validate_with(|s: &String| check(keys::CLIENT_SECRET, s).map(|_| ()))
                .interact_on(self.term),
        )?;
        let s = s.trim();
        if s == CLEAR {
            if has_current {
                self.answers.set(keys::CLIENT_SECRET, String::new());
            }
        } else if !s.is_empty() {
            self.answers.set(keys::CLIENT_SECRET, s.to_string());
        }
        Ok(())
    }

    /// Pick one of `choices` (value, label). Returns the value.
    fn select(
        &mut self,
        key: &'static str,
        prompt: &str,
        choices: &[(&str, &str)],
        default: Option<&str>,
        optional: bool,
    ) -> Result<String> {
        let default_index = default
            .and_then(|d| check(key, d).ok())
            .and_then(|d| choices.iter().position(|(v, _)| *v == d))
            .unwrap_or(0);
        let labels: Vec<&str> = choices.iter().map(|(_, l)| *l).collect();
        let i = dialog(
            Select::new()
                .with_prompt(prompt)
                .items(&labels)
                .default(default_index)
                .interact_on(self.term),
        )?;
        let value = choices
            .get(i)
            .map(|(v, _)| (*v).to_string())
            .unwrap_or_default();
        // Optional keys left at their built-in default (the first choice)
        // are not written, so the file stays as short as the person made it.
        if !optional || i != 0 || (self.default_of)(key).is_some() {
            self.answers.set(key, value.clone());
        }
        Ok(value)
    }
}

/// What was written and what to run next, on stderr.
fn summary(ctx: &Ctx, file: &ConfigFile, cfg: &ProviderConfig) {
    let mut base = "aws-cli-oidc".to_string();
    if let Some(dir) = &ctx.config_dir {
        base.push_str(&format!(
            " --config-dir {}",
            shell_word(&dir.to_string_lossy())
        ));
    }
    let p = shell_word(&cfg.name);
    let role = if cfg.default_iam_role_arn.is_some() {
        String::new()
    } else {
        " [-r ROLE_ARN]".to_string()
    };
    eprintln!(
        "\nwrote provider {:?} to {}\n\nnext, try:\n  {base} get-cred -p {p}{role}\n  {base} login --profile {p} -p {p}{role}\n  {base} install-profile --profile {p} -p {p}{role}",
        cfg.name,
        file.path.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_outside_sts_limits_are_refused() {
        let k = keys::MAX_SESSION_DURATION_SECONDS;
        assert_eq!(check(k, "900"), Ok("900".into()));
        assert_eq!(check(k, " 43200 "), Ok("43200".into()));
        for bad in ["899", "43201", "1h", "-5", "3600.0"] {
            let e = check(k, bad).unwrap_err();
            assert!(e.contains("from 900 to 43200"), "{bad}: {e}");
        }
    }

    #[test]
    fn role_arns_of_every_partition_are_accepted() {
        let k = keys::DEFAULT_IAM_ROLE_ARN;
        for ok in [
            "arn:aws:iam::123456789012:role/dev",
            "arn:aws-cn:iam::123456789012:role/path/dev",
            "arn:aws-us-gov:iam::123456789012:role/dev",
        ] {
            assert_eq!(check(k, ok), Ok(ok.to_string()));
        }
        let e = check(k, "arn:aws:iam::123456789012:user/dev").unwrap_err();
        assert!(e.contains("role"), "{e}");
    }

    #[test]
    fn insecure_skip_verify_accepts_every_boolean_spelling() {
        let k = keys::INSECURE_SKIP_VERIFY;
        for (given, want) in [
            ("yes", "true"),
            ("True", "true"),
            ("no", "false"),
            ("0", "false"),
        ] {
            assert_eq!(check(k, given), Ok(want.to_string()), "{given}");
        }
        assert!(check(k, "maybe").is_err());
    }

    #[test]
    fn federation_type_and_choices_are_lowercased_or_refused() {
        assert_eq!(check(keys::FEDERATION_TYPE, "SAML2"), Ok("saml2".into()));
        let e = check(keys::FEDERATION_TYPE, "saml").unwrap_err();
        assert!(e.contains("oidc, saml2"), "{e}");
        assert_eq!(check(keys::SECRET_STORE, "File"), Ok("file".into()));
        assert!(check(keys::CLIENT_AUTH_METHOD, "private_key_jwt").is_err());
    }

    #[test]
    fn metadata_url_must_be_https_or_loopback_http() {
        let k = keys::METADATA_URL;
        assert!(
            check(
                k,
                "https://idp.example.com/.well-known/openid-configuration"
            )
            .is_ok()
        );
        assert!(check(k, "http://127.0.0.1:8080/.well-known/openid-configuration").is_ok());
        assert!(check(k, "http://idp.example.com/.well-known/openid-configuration").is_err());
        assert!(check(k, "idp.example.com").is_err());
    }

    #[test]
    fn subject_token_type_short_names_become_urns() {
        let k = keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE;
        assert_eq!(check(k, "id_token"), Ok(TOKEN_TYPE_ID_TOKEN.into()));
        assert_eq!(check(k, "access_token"), Ok(TOKEN_TYPE_ACCESS_TOKEN.into()));
        assert!(check(k, "refresh_token").is_err());
    }

    #[test]
    fn scopes_drop_openid_and_duplicates() {
        assert_eq!(
            check(
                keys::SCOPES,
                "openid, offline_access profile offline_access"
            ),
            Ok("offline_access profile".into())
        );
        assert!(check(keys::SCOPES, "a\"b").is_err());
    }

    #[test]
    fn regions_ports_and_queries_are_checked() {
        for ok in ["us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1"] {
            assert!(check(keys::AWS_REGION, ok).is_ok(), "{ok}");
        }
        for bad in ["us-east", "US-EAST-1", "useast1", "us--1"] {
            assert!(check(keys::AWS_REGION, bad).is_err(), "{bad}");
        }
        assert!(check(keys::LOOPBACK_PORT, "65536").is_err());
        assert_eq!(check(keys::LOOPBACK_PORT, "0"), Ok("0".into()));
        assert!(check(keys::LOGIN_TIMEOUT_SECONDS, "0").is_err());
        assert_eq!(
            check(keys::ADDITIONAL_QUERY, "?prompt=login&kc_idp_hint=corp"),
            Ok("prompt=login&kc_idp_hint=corp".into())
        );
        assert!(check(keys::ADDITIONAL_QUERY, "=x").is_err());
        assert!(check(keys::ADDITIONAL_QUERY, "a=b c").is_err());
    }

    #[test]
    fn pem_paths_must_exist_and_not_start_with_tilde() {
        let e = check(keys::CA_BUNDLE, "~/ca.pem").unwrap_err();
        assert!(e.contains("full path"), "{e}");
        assert!(check(keys::CA_BUNDLE, "/no/such/ca.pem").is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        let p = f.path().to_string_lossy().into_owned();
        assert_eq!(check(keys::CLIENT_AUTH_CERT, &p), Ok(p.clone()));
    }

    #[test]
    fn client_secret_errors_never_repeat_the_secret() {
        let e = check(keys::CLIENT_SECRET, "hunter2\u{7}x").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn provider_names_refuse_spaces_colons_and_dashes_first() {
        assert_eq!(
            check_name(" corp.example.com "),
            Ok("corp.example.com".into())
        );
        for bad in ["", "a b", "a:b", "-p"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn suggested_commands_quote_odd_names() {
        assert_eq!(shell_word("myop"), "myop");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("/tmp/x y"), "'/tmp/x y'");
    }
}
