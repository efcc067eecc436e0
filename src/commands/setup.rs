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
use aws_cli_oidc::config::keys::{self, Kind};
use aws_cli_oidc::config::{
    ClientAuthMethod, ConfigFile, FederationType, ProviderConfig, StoreChoice, SubjectTokenType,
};
use aws_cli_oidc::oidc::Metadata;
use aws_cli_oidc::sts::arn::RoleArn;
use console::Term;
use dialoguer::{Confirm, Input, Password, Select};

use super::{Ctx, UsageError};
use aws_cli_oidc::cli::SetupArgs;

/// The answer that removes an optional value in the wizard (an empty answer
/// keeps the offered default, as dialoguer does).
const CLEAR: &str = "-";

/// Check a value typed now for `key` with the key table ([`keys::KEYS`]);
/// a PEM path must also name a file on this machine. An empty value is
/// returned as "" (whether it may be empty is the caller's business).
pub(crate) fn check(key: &str, value: &str) -> Result<String, String> {
    let v = keys::check_typed(key, value)?;
    if keys::key(key).is_some_and(|k| k.kind == Kind::PemFile) && !v.is_empty() {
        keys::check_pem_exists(&v)?;
    }
    Ok(v)
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
        let secret = read_secret_line()?;
        if let Some(spec) = keys::key(keys::CLIENT_SECRET) {
            args.set(spec, &secret).map_err(|e| {
                UsageError(format!(
                    "{} (--client-secret-stdin): {e}",
                    keys::CLIENT_SECRET
                ))
            })?;
        }
    }
    let all_required_flags =
        args.name.is_some() && keys::required().all(|k| args.value(k.name).is_some());
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
        Some(n) => Some(check_name(n).map_err(|e| UsageError(format!("provider name: {e}")))?),
        None => None,
    };
    // The values were checked by the key table while parsing; what is left
    // is what only this machine can tell (does the PEM file exist?).
    let mut answers = Answers::default();
    for (key, value) in args.values() {
        let v = check(key.name, value)
            .map_err(|e| UsageError(format!("{} ({}): {e}", key.name, key.flag_text())))?;
        answers.set(key.name, v);
    }

    let cur = match name.as_deref() {
        Some(n) => Some(current(file, n)?),
        None => None,
    };
    let mut missing = Vec::new();
    if name.is_none() {
        missing.push("NAME (the provider name, the first argument)".to_string());
    }
    for key in keys::required() {
        let have =
            answers.get(key.name).is_some() || cur.as_ref().and_then(|c| c.get(key.name)).is_some();
        if !have {
            missing.push(format!("{} ({})", key.flag_text(), key.name));
        }
    }
    let (Some(name), Some(cur), true) = (name, cur, missing.is_empty()) else {
        return Err(UsageError(format!(
            "setup cannot ask without a terminal (or with --non-interactive); missing: {}; \
             pass them as flags, for example: aws-cli-oidc setup NAME --metadata-url URL \
             --client-id ID --federation-type oidc",
            missing.join(", ")
        ))
        .into());
    };

    let merged = |answers: &Answers, key: &str| {
        answers
            .get(key)
            .map(str::to_string)
            .or_else(|| cur.get(key))
    };
    if merged(&answers, keys::FEDERATION_TYPE).as_deref() == Some(FederationType::Saml2.as_str())
        && merged(&answers, keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE).is_none()
    {
        // The Go tool reads this key verbatim, so spell the default out.
        answers.set(
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            SubjectTokenType::AccessToken.urn().to_string(),
        );
    }
    let merged = |key: &str| merged(&answers, key);
    // Only a URL given now is fetched: a script that changes the region of
    // an existing provider must not need the network.
    let mut discovered = None;
    if !args.no_verify
        && let Some(url) = answers.get(keys::METADATA_URL).map(str::to_string)
    {
        let (found, meta) = discover(ctx, &name, &url, &merged).with_context(|| {
            format!(
                "{} (--metadata-url): cannot use {url}; fix the URL, or pass --no-verify to skip this check",
                keys::METADATA_URL
            )
        })?;
        eprintln!("{}", describe_metadata(&meta));
        discovered = Some(found).filter(|f| *f != url);
    }
    warn_partition(&merged);
    if let Some(found) = discovered {
        eprintln!("using the discovery document {found}");
        answers.set(keys::METADATA_URL, found);
    }
    Ok((name, answers))
}

/// The path of the discovery document under an issuer (OpenID Connect
/// Discovery 1.0, section 4).
const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// GET the discovery document at `url`; when `url` does not name one (an
/// issuer URL was given), `url` + [`WELL_KNOWN`] is tried first. Returns the
/// URL that worked and the document.
fn discover(
    ctx: &Ctx,
    name: &str,
    url: &str,
    value: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, Metadata)> {
    let base = url.trim_end_matches('/');
    if !base.ends_with(WELL_KNOWN) {
        let candidate = format!("{base}{WELL_KNOWN}");
        if let Ok(meta) = fetch_metadata(ctx, name, &candidate, value) {
            return Ok((candidate, meta));
        }
    }
    fetch_metadata(ctx, name, url, value).map(|meta| (url.to_string(), meta))
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
    // A name given on the command line is not asked again.
    let name = match args.name.as_deref() {
        Some(given) => {
            let name = check_name(given).map_err(|e| UsageError(format!("provider name: {e}")))?;
            let _ = term.write_line(&format!("Provider name: {name}"));
            name
        }
        None => dialog(
            Input::<String>::new()
                .with_prompt("Provider name")
                .validate_with(|s: &String| check_name(s).map(|_| ()))
                .interact_text_on(term),
        )
        .and_then(|n| check_name(&n).map_err(anyhow::Error::msg))?,
    };
    let cur = current(file, &name)?;
    if cur.exists() {
        let _ = term.write_line(&format!(
            "Provider {name:?} exists: its current values are offered; Enter keeps one, {CLEAR} removes an optional one."
        ));
    }
    let default_of = |key: &str| -> Option<String> {
        args.value(key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
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
        let url = w.text(keys::METADATA_URL, None)?;
        if args.no_verify {
            break;
        }
        let _ = term.write_line(&format!("fetching {url} …"));
        let merged = |key: &str| default_of(key);
        match discover(ctx, &name, &url, &merged) {
            Ok((found, meta)) => {
                if found != url {
                    let _ = term.write_line(&format!("found the discovery document at {found}"));
                    w.answers.set(keys::METADATA_URL, found);
                }
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
    w.text(keys::CLIENT_ID, None)?;
    w.secret(
        args.value(keys::CLIENT_SECRET).filter(|v| !v.is_empty()),
        cur.get(keys::CLIENT_SECRET).is_some(),
    )?;

    let fed = w.select(
        keys::FEDERATION_TYPE,
        &labels(FederationType::ALL, |t| t.as_str(), |t| t.label()),
    )?;
    if fed == FederationType::Oidc.as_str() {
        w.text(keys::DEFAULT_IAM_ROLE_ARN, None)?;
        w.text(keys::ROLE_SESSION_NAME, None)?;
    } else {
        w.text(
            keys::TOKEN_EXCHANGE_AUDIENCE,
            Some("urn:amazon:webservices"),
        )?;
        let subject = w.select(
            keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE,
            &labels(SubjectTokenType::ALL, |t| t.urn(), |t| t.label()),
        )?;
        // The Go tool reads this key verbatim, so the default is spelled out.
        w.answers
            .set(keys::TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPE, subject);
        w.text(keys::DEFAULT_IAM_ROLE_ARN, None)?;
    }
    w.text(keys::MAX_SESSION_DURATION_SECONDS, Some("3600"))?;
    w.text(keys::AWS_REGION, None)?;
    w.text(keys::SCOPES, None)?;

    let advanced = dialog(
        Confirm::new()
            .with_prompt("Change advanced settings (redirects, TLS, ports, secret store)?")
            .default(false)
            .interact_on(term),
    )?;
    if advanced {
        for key in [
            keys::ROLE_SESSION_NAME_CLAIM,
            keys::SUCCESSFUL_REDIRECT_URL,
            keys::FAILURE_REDIRECT_URL,
            keys::ADDITIONAL_QUERY,
        ] {
            w.text(key, None)?;
        }
        w.select(
            keys::CLIENT_AUTH_METHOD,
            &labels(ClientAuthMethod::ALL, |m| m.as_str(), |m| m.label()),
        )?;
        for key in [
            keys::CLIENT_AUTH_CERT,
            keys::CLIENT_AUTH_KEY,
            keys::CLIENT_AUTH_CA,
            keys::CA_BUNDLE,
            keys::LOOPBACK_PORT,
            keys::LOGIN_TIMEOUT_SECONDS,
            keys::REFRESH_MARGIN_MINUTES,
        ] {
            w.text(key, None)?;
        }
        w.select(
            keys::SECRET_STORE,
            &labels(StoreChoice::ALL, |c| c.as_str(), |c| c.label()),
        )?;
        let _ = term.write_line(
            "insecure_skip_verify turns off TLS certificate checks of the provider: anyone on the \
             network can then read your tokens. Prefer ca_bundle.",
        );
        w.text(keys::INSECURE_SKIP_VERIFY, Some("false"))?;
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
    /// Ask the key table's question for `key` as text, offering the
    /// current value, else `fallback`. Returns the checked value ("" when
    /// unset).
    fn text(&mut self, key: &'static str, fallback: Option<&str>) -> Result<String> {
        let (prompt, required) = keys::key(key).map_or((key, false), |k| (k.prompt, k.required));
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
                .report(false)
                .validate_with(|s: &String| check(keys::CLIENT_SECRET, s).map(|_| ()))
                .interact_on(self.term),
        )?;
        let s = s.trim();
        // What the answer did, never the secret itself.
        let shown = if s == CLEAR {
            if has_current {
                self.answers.set(keys::CLIENT_SECRET, String::new());
                "(removed)"
            } else {
                "(none)"
            }
        } else if !s.is_empty() {
            self.answers.set(keys::CLIENT_SECRET, s.to_string());
            "[hidden]"
        } else if has_current {
            "(the current one, kept)"
        } else {
            "(none)"
        };
        let _ = self.term.write_line(&format!("Client secret: {shown}"));
        Ok(())
    }

    /// Ask the key table's question for `key`: pick one of `choices`
    /// (value, label). Returns the value.
    fn select(
        &mut self,
        key: &'static str,
        choices: &[(&'static str, &'static str)],
    ) -> Result<String> {
        let (prompt, optional) = keys::key(key).map_or((key, true), |k| (k.prompt, !k.required));
        let default_index = (self.default_of)(key)
            .and_then(|d| check(key, &d).ok())
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

/// (value, label) pairs of a choice enum, for [`Wizard::select`].
fn labels<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&t| (value(t), label(t))).collect()
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
    fn pem_paths_typed_now_must_exist_here() {
        assert!(check(keys::CA_BUNDLE, "/no/such/ca.pem").is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        let p = f.path().to_string_lossy().into_owned();
        assert_eq!(check(keys::CLIENT_AUTH_CERT, &p), Ok(p.clone()));
        assert_eq!(
            check(keys::MAX_SESSION_DURATION_SECONDS, " 900 "),
            Ok("900".into())
        );
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
