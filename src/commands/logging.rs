//! `-v`/`-vv`: a tiny logger that writes the library's `log` records to
//! stderr, and [`redact`], the last line of defence that scrubs anything
//! shaped like a token or key from each line before it is printed.
//!
//! Only this crate's records are shown (targets `aws_cli_oidc` and below):
//! ureq-proto dumps raw request bytes at trace level, bodies included, and
//! those bodies hold codes, client secrets and tokens. The library is
//! written never to log a secret; [`redact`] is there for the day a change
//! forgets that.

use std::io::Write as _;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The crate name every record of ours carries as its target prefix.
const OUR_TARGET: &str = "aws_cli_oidc";

/// What replaces a scrubbed value.
pub const REDACTED: &str = "[redacted]";

struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

fn ours(target: &str) -> bool {
    target == OUR_TARGET
        || target
            .strip_prefix(OUR_TARGET)
            .is_some_and(|rest| rest.starts_with("::"))
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level() && ours(metadata.target())
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let module = record
            .target()
            .strip_prefix(OUR_TARGET)
            .map(|m| m.trim_start_matches(':'))
            .filter(|m| !m.is_empty())
            .unwrap_or("main");
        let level = match record.level() {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        };
        let line = format!("aws-cli-oidc: [{level} {module}] {}", record.args());
        let line = redact(&aws_cli_oidc::text::sanitize_lines(&line));
        // One write per line, so lines from two threads never interleave.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// The level for a count of `-v`: none, debug, then trace.
pub fn level_for(verbosity: u8) -> LevelFilter {
    match verbosity {
        0 => LevelFilter::Off,
        1 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    }
}

/// Install the stderr logger for `verbosity` (the count of `-v`). Without
/// `-v` nothing is installed and every `log::` call is a no-op.
pub fn init(verbosity: u8) {
    let level = level_for(verbosity);
    if level == LevelFilter::Off {
        return;
    }
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

/// Characters a token, key or base64 blob is made of ('.' aside: it joins
/// the segments of a JWT, and is checked separately).
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '%')
}

/// `line` with every token-shaped run replaced by [`REDACTED`]:
///
/// - a JWT or JWE: a dot-joined run whose first segment starts with `eyJ`
///   (base64url of `{"`), or with three or more segments of over 20
///   characters each;
/// - an AWS access key id: `AKIA`/`ASIA` followed by 12 or more capitals or
///   digits;
/// - a long blob: 32 or more token characters mixing upper case, lower
///   case and digits, or 40 or more mixing two of those without a `/`
///   (hex digests, lower-case tokens; the `/` rule spares URL paths).
///
/// Ordinary words, URLs, ARNs and numbers pass unchanged.
pub fn redact(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        let start = rest
            .find(|c: char| token_char(c) || c == '.')
            .unwrap_or(rest.len());
        out.push_str(rest.get(..start).unwrap_or_default());
        let tail = rest.get(start..).unwrap_or_default();
        let len = tail
            .find(|c: char| !(token_char(c) || c == '.'))
            .unwrap_or(tail.len());
        let run = tail.get(..len).unwrap_or_default();
        out.push_str(&redact_run(run));
        rest = tail.get(len..).unwrap_or_default();
    }
    out
}

/// One run of token characters and dots.
fn redact_run(run: &str) -> String {
    let segments: Vec<&str> = run.split('.').collect();
    // `eyJ` may follow a `key=` prefix in the same run.
    let jwt = segments
        .iter()
        .any(|s| s.find("eyJ").is_some_and(|i| s.len() - i >= 13))
        || (segments.iter().filter(|s| s.len() > 20).count() >= 3);
    if jwt {
        return REDACTED.to_string();
    }
    segments
        .iter()
        .map(|s| if secret_like(s) { REDACTED } else { s })
        .collect::<Vec<_>>()
        .join(".")
}

fn secret_like(segment: &str) -> bool {
    if let Some(id) = segment
        .strip_prefix("AKIA")
        .or_else(|| segment.strip_prefix("ASIA"))
        && id.len() >= 12
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return true;
    }
    let upper = segment.chars().any(|c| c.is_ascii_uppercase());
    let lower = segment.chars().any(|c| c.is_ascii_lowercase());
    let digit = segment.chars().any(|c| c.is_ascii_digit());
    let classes = [upper, lower, digit].into_iter().filter(|b| *b).count();
    let len = segment.len();
    (len >= 32 && classes == 3) || (len >= 40 && classes >= 2 && !segment.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwts_are_scrubbed_whole() {
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MX0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl";
        assert_eq!(
            redact(&format!("token {jwt} issued")),
            "token [redacted] issued"
        );
        // An unsigned JWT (empty signature) is still a JWT.
        assert_eq!(
            redact("id_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. next"),
            "[redacted] next"
        );
        // Three long segments without the eyJ prefix (a JWE body, say).
        let three = "abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuv";
        assert_eq!(redact(three), "[redacted]");
    }

    #[test]
    fn aws_key_ids_and_secret_keys_are_scrubbed() {
        assert_eq!(redact("key ASIAZ7EXAMPLE1234567 ok"), "key [redacted] ok");
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLE,"), "[redacted],");
        assert_eq!(
            redact("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end"),
            "secret [redacted] end"
        );
        // Not key ids: too short, or lower case.
        assert_eq!(redact("ASIA ASIAN AKIAx"), "ASIA ASIAN AKIAx");
    }

    #[test]
    fn long_blobs_and_query_values_are_scrubbed() {
        let code = "Xq3vN0d_-8kLmP2sR5tU7wY9zA1bC4eF6gH8iJ0kL2m";
        assert_eq!(
            redact(&format!("/?code={code}&state=abc")),
            "/?[redacted]&state=abc"
        );
        let hex = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";
        assert_eq!(redact(hex), "[redacted]");
        let b64 = "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM=";
        assert_eq!(redact(&format!("saml {b64}")), "saml [redacted]");
    }

    #[test]
    fn ordinary_text_urls_and_arns_pass_unchanged() {
        for line in [
            "aws-cli-oidc: [debug oidc::discovery] GET http://127.0.0.1:40123/.well-known/openid-configuration",
            "token endpoint https://sso.example.com/realms/corp/protocol/openid-connect/token grant authorization_code",
            "sts AssumeRoleWithSAML arn:aws:iam::123456789012:role/developer at https://sts.us-east-1.amazonaws.com answered HTTP 200",
            "listening on 127.0.0.1:38127; callback GET /",
            "saml roles: arn:aws:iam::123456789012:role/admin,arn:aws:iam::123456789012:saml-provider/e2e-idp",
            "urn:ietf:params:oauth:grant-type:token-exchange subject urn:ietf:params:oauth:token-type:access_token",
            "session alice@example.test for 3600s",
        ] {
            assert_eq!(redact(line), line);
        }
    }

    #[test]
    fn verbosity_maps_to_levels() {
        assert_eq!(level_for(0), LevelFilter::Off);
        assert_eq!(level_for(1), LevelFilter::Debug);
        assert_eq!(level_for(2), LevelFilter::Trace);
        assert_eq!(level_for(9), LevelFilter::Trace);
    }

    #[test]
    fn only_our_targets_are_shown() {
        assert!(ours("aws_cli_oidc"));
        assert!(ours("aws_cli_oidc::oidc::token"));
        assert!(!ours("aws_cli_oidcx"));
        assert!(!ours("ureq_proto::client"));
        assert!(!ours("ureq"));
    }
}
