//! Rendering credentials for the user: shell exports or the
//! `credential_process` JSON.
//!
//! This module only builds text; the binary decides where it goes. Every
//! shell format sets `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION`. The last one is not
//! read by the AWS SDKs, but aws-vault sets it too and prompts and tools use
//! it to show when the session ends; it costs nothing to an SDK that ignores
//! it. It is RFC 3339 UTC with `Z`, like the JSON `Expiration`. With a
//! region, `AWS_REGION` and `AWS_DEFAULT_REGION` follow (the SDKs read the
//! first, the AWS CLI v1 and older tools the second).
//!
//! Every value comes from a safe alphabet (STS answers with other
//! characters are refused in [`crate::sts`]), so every format but
//! PowerShell writes it bare: a dotenv file is then read the same by
//! python-dotenv, Node and `docker run --env-file`, which keeps quotes.

use time::{OffsetDateTime, UtcOffset};

use crate::sts::Credentials;

/// Output formats of `get-cred` (also its `--format` values; the doc
/// lines are the help text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// POSIX shell `export` lines
    #[default]
    Sh,
    /// fish `set -gx` lines
    Fish,
    /// PowerShell `$Env:` assignments
    #[value(name = "powershell")]
    PowerShell,
    /// Windows cmd `set` lines
    Cmd,
    /// `KEY=value` lines
    Dotenv,
    /// credential_process JSON
    Json,
}

/// Render credentials in `format`. Every format ends with a newline. The
/// result holds the secrets: print it only where the user asked for it.
pub fn render(creds: &Credentials, format: Format) -> String {
    render_with_region(creds, None, format)
}

/// [`render`], plus `AWS_REGION` and `AWS_DEFAULT_REGION` when `region` is
/// given (the credential_process JSON has no region, so it is left out there).
pub fn render_with_region(creds: &Credentials, region: Option<&str>, format: Format) -> String {
    let expiration = rfc3339_utc(creds.expiration);
    if format == Format::Json {
        return render_json(creds, &expiration);
    }
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", creds.access_key_id.expose().as_str()),
        (
            "AWS_SECRET_ACCESS_KEY",
            creds.secret_access_key.expose().as_str(),
        ),
        ("AWS_SESSION_TOKEN", creds.session_token.expose().as_str()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
    ];
    if let Some(region) = region {
        vars.push(("AWS_REGION", region));
        vars.push(("AWS_DEFAULT_REGION", region));
    }
    let mut out = String::new();
    for (key, value) in vars {
        let line = match format {
            Format::Sh => format!("export {key}={}", sh_quote(value)),
            Format::Fish => format!("set -gx {key} {};", fish_quote(value)),
            Format::PowerShell => format!("$Env:{key} = {}", powershell_quote(value)),
            Format::Cmd => cmd_set(key, value),
            Format::Dotenv | Format::Json => format!("{key}={}", dotenv_quote(value)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ`: botocore and the SDKs parse this; fractional
/// seconds are dropped because some parsers of `credential_process` output
/// reject them. Built by hand so that it cannot fail.
pub fn rfc3339_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn render_json(creds: &Credentials, expiration: &str) -> String {
    // Built by hand rather than from a struct so the key order is fixed by
    // this code alone; serde_json only escapes the strings.
    let s = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    format!(
        "{{\"Version\":1,\"AccessKeyId\":{},\"SecretAccessKey\":{},\"SessionToken\":{},\"Expiration\":{}}}\n",
        s(creds.access_key_id.expose()),
        s(creds.secret_access_key.expose()),
        s(creds.session_token.expose()),
        s(expiration)
    )
}

/// The container-credentials answer (`AWS_CONTAINER_CREDENTIALS_FULL_URI`),
/// as ECS and EKS serve it: `AccessKeyId`, `SecretAccessKey`, `Token`,
/// `Expiration`. One line, no trailing newline.
pub fn render_container_json(creds: &Credentials) -> String {
    let s = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    format!(
        "{{\"AccessKeyId\":{},\"SecretAccessKey\":{},\"Token\":{},\"Expiration\":{}}}",
        s(creds.access_key_id.expose()),
        s(creds.secret_access_key.expose()),
        s(creds.session_token.expose()),
        s(&rfc3339_utc(creds.expiration))
    )
}

/// True for values every format can leave bare, as the Go tool did: the
/// base64 and key alphabets, region names and RFC 3339 times.
fn is_safe(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=._-:".contains(&b))
}

/// POSIX single quotes: nothing inside is special, and a `'` is written as
/// `'\''` (close, escaped quote, reopen).
fn sh_quote(value: &str) -> String {
    if is_safe(value) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish single quotes: only `\'` and `\\` are escapes inside them.
fn fish_quote(value: &str) -> String {
    if is_safe(value) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell verbatim strings, always quoted. PowerShell also treats the
/// typographic single quotes as quote characters, so those are doubled too.
fn powershell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// cmd.exe has no general quoting. `set "K=V"` keeps `&|<>^` and trailing
/// spaces literal, so it is used whenever the value is not plainly safe;
/// `%` and `"` cannot be made literal on an interactive command line and are
/// left as they are.
fn cmd_set(key: &str, value: &str) -> String {
    if is_safe(value) {
        format!("set {key}={value}")
    } else {
        format!("set \"{key}={value}\"")
    }
}

/// dotenv: bare when safe, else single quotes (literal in python-dotenv,
/// Node dotenv and Docker Compose), else double quotes with `\\` and `\"`.
fn dotenv_quote(value: &str) -> String {
    if is_safe(value) {
        value.to_string()
    } else if !value.contains('\'') && !value.contains('\n') {
        format!("'{value}'")
    } else {
        format!(
            "\"{}\"",
            value
                .replace('\\', r"\\")
                .replace('"', "\\\"")
                .replace('\n', r"\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use time::macros::datetime;

    fn creds(secret: &str) -> Credentials {
        Credentials {
            access_key_id: Secret::new("ASIAEXAMPLE".to_string()),
            secret_access_key: Secret::new(secret.to_string()),
            session_token: Secret::new("FwoG+ZX/IvYXdz==".to_string()),
            expiration: datetime!(2026-11-27 23:15:42.123456 +01:00),
        }
    }

    #[test]
    fn sh_leaves_safe_values_and_the_expiration_bare() {
        assert_eq!(
            render(&creds("ab/c+d=e"), Format::Sh),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY=ab/c+d=e\n\
             export AWS_SESSION_TOKEN=FwoG+ZX/IvYXdz==\n\
             export AWS_CREDENTIAL_EXPIRATION=2026-11-27T22:15:42Z\n"
        );
    }

    #[test]
    fn sh_quotes_embedded_single_quote() {
        let out = render(&creds("it's $x"), Format::Sh);
        assert!(
            out.contains("export AWS_SECRET_ACCESS_KEY='it'\\''s $x'\n"),
            "{out}"
        );
    }

    #[test]
    fn sh_quotes_empty_value() {
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn fish_uses_set_gx_and_escapes_backslash_and_quote() {
        let out = render(&creds(r"a'b\c"), Format::Fish);
        assert!(
            out.starts_with("set -gx AWS_ACCESS_KEY_ID ASIAEXAMPLE;\n"),
            "{out}"
        );
        assert!(
            out.contains(r"set -gx AWS_SECRET_ACCESS_KEY 'a\'b\\c';"),
            "{out}"
        );
        assert!(
            out.contains("set -gx AWS_SESSION_TOKEN FwoG+ZX/IvYXdz==;\n"),
            "{out}"
        );
    }

    #[test]
    fn powershell_always_quotes_and_doubles_single_quotes() {
        let out = render(&creds("a'b+/="), Format::PowerShell);
        assert!(
            out.starts_with("$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n"),
            "{out}"
        );
        assert!(
            out.contains("$Env:AWS_SECRET_ACCESS_KEY = 'a''b+/='\n"),
            "{out}"
        );
        assert!(
            out.contains("$Env:AWS_CREDENTIAL_EXPIRATION = '2026-11-27T22:15:42Z'\n"),
            "{out}"
        );
        assert_eq!(powershell_quote("x\u{2019}y"), "'x\u{2019}\u{2019}y'");
    }

    #[test]
    fn cmd_uses_set_and_quotes_the_whole_assignment_when_needed() {
        let out = render(&creds("a&b"), Format::Cmd);
        assert!(
            out.starts_with("set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n"),
            "{out}"
        );
        assert!(out.contains("set \"AWS_SECRET_ACCESS_KEY=a&b\"\n"), "{out}");
        assert!(
            out.contains("set AWS_SESSION_TOKEN=FwoG+ZX/IvYXdz==\n"),
            "{out}"
        );
    }

    #[test]
    fn dotenv_writes_bare_single_or_double_quoted_values() {
        let out = render(&creds("ab/c+d="), Format::Dotenv);
        assert!(out.contains("AWS_SECRET_ACCESS_KEY=ab/c+d=\n"), "{out}");
        assert!(
            out.contains("AWS_CREDENTIAL_EXPIRATION=2026-11-27T22:15:42Z\n"),
            "{out}"
        );
        assert_eq!(dotenv_quote("a b"), "'a b'");
        assert_eq!(dotenv_quote(r#"it's "x"\"#), r#""it's \"x\"\\""#);
    }

    /// `docker run --env-file`: `KEY=VALUE` per line, split at the first
    /// `=`, the value taken literally (quotes included).
    fn docker_env_file(text: &str) -> Vec<(String, String)> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (k, v) = l.split_once('=').expect("KEY=VALUE");
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    #[test]
    fn dotenv_reads_back_exactly_under_dockers_env_file_rule() {
        let c = creds("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+=");
        let text = render_with_region(&c, Some("eu-west-1"), Format::Dotenv);
        let pairs = docker_env_file(&text);
        let want = [
            ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+=",
            ),
            ("AWS_SESSION_TOKEN", "FwoG+ZX/IvYXdz=="),
            ("AWS_CREDENTIAL_EXPIRATION", "2026-11-27T22:15:42Z"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        assert_eq!(pairs, want, "{text}");
    }

    /// Every format but the credential_process JSON.
    const SHELLS: [Format; 5] = [
        Format::Sh,
        Format::Fish,
        Format::PowerShell,
        Format::Cmd,
        Format::Dotenv,
    ];

    #[test]
    fn a_region_adds_two_lines_to_every_shell_format_and_none_to_json() {
        let c = creds("x");
        for f in SHELLS {
            let out = render_with_region(&c, Some("us-gov-west-1"), f);
            assert_eq!(out.lines().count(), 6, "{f:?}");
            assert!(
                out.contains("AWS_REGION") && out.contains("AWS_DEFAULT_REGION"),
                "{f:?}"
            );
        }
        assert_eq!(
            render_with_region(&c, Some("us-east-1"), Format::Json),
            render(&c, Format::Json)
        );
        assert!(render(&c, Format::Sh).lines().count() == 4);
        assert!(
            render_with_region(&c, Some("us-east-1"), Format::Sh)
                .ends_with("export AWS_REGION=us-east-1\nexport AWS_DEFAULT_REGION=us-east-1\n")
        );
    }

    #[test]
    fn every_shell_format_has_four_lines() {
        for f in SHELLS {
            let out = render(&creds("x"), f);
            assert_eq!(out.lines().count(), 4, "{f:?}");
            assert!(out.ends_with('\n'), "{f:?}");
        }
    }

    #[test]
    fn json_is_one_line_with_fixed_key_order_and_utc_z() {
        let out = render(&creds("ab/c+d="), Format::Json);
        assert_eq!(
            out,
            "{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"ab/c+d=\",\
             \"SessionToken\":\"FwoG+ZX/IvYXdz==\",\"Expiration\":\"2026-11-27T22:15:42Z\"}\n"
        );
    }

    #[test]
    fn container_json_has_the_four_keys_sdks_read() {
        let out = render_container_json(&creds("ab/c+d="));
        assert_eq!(
            out,
            "{\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"ab/c+d=\",\
             \"Token\":\"FwoG+ZX/IvYXdz==\",\"Expiration\":\"2026-11-27T22:15:42Z\"}"
        );
    }

    #[test]
    fn json_parses_back_with_exactly_five_keys_and_escapes() {
        let out = render(&creds("q\"u'o\\te\n"), Format::Json);
        assert_eq!(out.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "AccessKeyId",
                "Expiration",
                "SecretAccessKey",
                "SessionToken",
                "Version"
            ]
        );
        assert_eq!(obj["Version"], 1);
        assert_eq!(obj["SecretAccessKey"], "q\"u'o\\te\n");
        assert_eq!(obj["Expiration"], "2026-11-27T22:15:42Z");
    }

    #[test]
    fn default_format_is_sh() {
        assert_eq!(Format::default(), Format::Sh);
    }

    #[test]
    fn rfc3339_pads_fields() {
        assert_eq!(
            rfc3339_utc(datetime!(2027-01-02 03:04:05 UTC)),
            "2027-01-02T03:04:05Z"
        );
    }
}
