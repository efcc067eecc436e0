//! Our `credential_process` line, typed: [`CredentialProcessSpec`] builds it
//! for `install-profile` and parses it back for `status`,
//! `uninstall-profile` and the managed-profile listing, so the three agree on
//! every flag spelling (`-r X`, `--role X`, `--role=X`).
//!
//! botocore runs the line without a shell: it splits it with Python's
//! `shlex.split` on Unix and with its own splitter on Windows, so the
//! executable must be an absolute, literal path (no `~`, no `$VAR`) and every
//! argument is quoted for that splitter. Most other SDKs run it through
//! `sh -c` / `cmd.exe /C`; the quoting chosen here means the same to both.

use std::path::PathBuf;

use super::error::Error;
use super::location::Platform;

/// The program name the line must run.
pub const EXE_NAME: &str = "aws-cli-oidc";

/// What our `credential_process` line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialProcessSpec {
    /// Our executable, absolute.
    pub exe: PathBuf,
    /// `-p`: the provider in config.yaml (empty when a hand-edited line has
    /// none; `get-cred` then refuses to run).
    pub provider: String,
    /// `-r`: the role ARN, when not the provider's default.
    pub role_arn: Option<String>,
    /// `-d`: the session duration in seconds, when given.
    pub duration: Option<u32>,
    /// `--config-dir`: where config.yaml lives, when not the default.
    pub config_dir: Option<PathBuf>,
    /// Arguments we do not know (a hand edit, a newer version's flag), kept
    /// in order so a rewrite does not drop them.
    pub extra: Vec<String>,
}

impl CredentialProcessSpec {
    /// A spec for `provider` run by `exe`, with nothing else set.
    pub fn new(exe: impl Into<PathBuf>, provider: impl Into<String>) -> CredentialProcessSpec {
        CredentialProcessSpec {
            exe: exe.into(),
            provider: provider.into(),
            role_arn: None,
            duration: None,
            config_dir: None,
            extra: Vec::new(),
        }
    }

    /// The arguments after the executable, in the order we write them.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["get-cred".to_string()];
        if let Some(dir) = &self.config_dir {
            args.extend([
                "--config-dir".to_string(),
                dir.to_string_lossy().into_owned(),
            ]);
        }
        args.extend(["-p".to_string(), self.provider.clone()]);
        if let Some(role) = &self.role_arn {
            args.extend(["-r".to_string(), role.clone()]);
        }
        args.extend(["-j".to_string(), "-s".to_string()]);
        if let Some(d) = self.duration {
            args.extend(["-d".to_string(), d.to_string()]);
        }
        args.extend(self.extra.iter().cloned());
        args
    }

    /// The line to write as `credential_process`, quoted for `platform`.
    pub fn to_command_line(&self, platform: Platform) -> Result<String, Error> {
        let exe = self.exe.to_string_lossy();
        let args = self.args();
        let mut parts = Vec::with_capacity(args.len() + 1);
        for arg in std::iter::once(exe.as_ref()).chain(args.iter().map(String::as_str)) {
            parts.push(quote(arg, platform)?);
        }
        Ok(parts.join(" "))
    }

    /// Read a `credential_process` line back; `None` when it does not run
    /// our `get-cred` (another program's line, or one we cannot split).
    pub fn parse(line: &str, platform: Platform) -> Option<CredentialProcessSpec> {
        let words = split(line, platform)?;
        let (exe, rest) = words.split_first()?;
        if !is_our_exe(exe) || rest.first().map(String::as_str) != Some("get-cred") {
            return None;
        }
        let mut spec = CredentialProcessSpec::new(exe, "");
        for word in get_cred_words(&rest[1..])? {
            match word {
                GetCredWord::Provider(v) => spec.provider = v.to_string(),
                GetCredWord::Role(v) => spec.role_arn = Some(v.to_string()),
                GetCredWord::Duration(v) => spec.duration = Some(v.parse().ok()?),
                GetCredWord::ConfigDir(v) => spec.config_dir = Some(PathBuf::from(v)),
                // `-j` and `-s` are what makes it a credential_process; they
                // are written again by `args`, so they are not "extra".
                GetCredWord::Json | GetCredWord::UseSecret => {}
                GetCredWord::Other(w) => spec.extra.push(w.to_string()),
            }
        }
        Some(spec)
    }
}

/// One argument of `get-cred`, as far as a credential_process line uses
/// them, in clap's spellings (`src/cli.rs` defines the flags; the parsers
/// built on this are checked against clap in its tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetCredWord<'a> {
    /// `-p`, `--provider`.
    Provider(&'a str),
    /// `-r`, `--role`.
    Role(&'a str),
    /// `-d`, `--max-duration`, unparsed.
    Duration(&'a str),
    /// `--config-dir`.
    ConfigDir(&'a str),
    /// `-j`, `--json`.
    Json,
    /// `-s`, `--use-secret`.
    UseSecret,
    /// Anything else: another flag, a positional argument.
    Other(&'a str),
}

/// Reads `get-cred`'s arguments (those after the subcommand) into words:
/// `--flag=value`, `--flag value` and `-f value` for the value flags, and
/// `-js`/`-sj` for both switches. `None` when a value flag ends the line
/// without its value.
pub fn get_cred_words<'a, S: AsRef<str>>(args: &'a [S]) -> Option<Vec<GetCredWord<'a>>> {
    let mut words = Vec::with_capacity(args.len());
    let mut it = args.iter().map(AsRef::as_ref);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (arg, None),
        };
        let value_word: fn(&'a str) -> GetCredWord<'a> = match flag {
            "-p" | "--provider" => GetCredWord::Provider,
            "-r" | "--role" => GetCredWord::Role,
            "-d" | "--max-duration" => GetCredWord::Duration,
            "--config-dir" => GetCredWord::ConfigDir,
            _ => {
                match arg {
                    "-j" | "--json" => words.push(GetCredWord::Json),
                    "-s" | "--use-secret" => words.push(GetCredWord::UseSecret),
                    "-js" | "-sj" => words.extend([GetCredWord::Json, GetCredWord::UseSecret]),
                    _ => words.push(GetCredWord::Other(arg)),
                }
                continue;
            }
        };
        let value = match inline {
            Some(v) => v,
            None => it.next()?,
        };
        words.push(value_word(value));
    }
    Some(words)
}

/// Whether `exe` names our program (any directory, `.exe` or not).
fn is_our_exe(exe: &str) -> bool {
    let base = exe.rsplit(['/', '\\']).next().unwrap_or("");
    base.strip_suffix(".exe").unwrap_or(base) == EXE_NAME
}

/// Whether a `credential_process` line runs our `get-cred`.
pub fn is_ours(line: &str) -> bool {
    CredentialProcessSpec::parse(line, Platform::current()).is_some()
}

/// Whether an argument is safe unquoted for both `sh -c` and botocore's
/// `shlex.split`.
fn is_plain(arg: &str) -> bool {
    !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
}

/// Quote one word so no shell or splitter changes it: single quotes on Unix
/// (no `~`, `$VAR` or backslash processing), double quotes on Windows
/// (where `"` and `%` are refused, because `cmd.exe` expands `%VAR%` even
/// inside quotes).
fn quote(arg: &str, platform: Platform) -> Result<String, Error> {
    if arg.chars().any(char::is_control) {
        return Err(Error::Unquotable {
            arg: arg.to_string(),
            reason: "it holds a control character",
        });
    }
    Ok(match platform {
        Platform::Unix if is_plain(arg) => arg.to_string(),
        Platform::Unix => format!("'{}'", arg.replace('\'', r#"'"'"'"#)),
        Platform::Windows => {
            if arg.contains(['"', '%']) {
                return Err(Error::Unquotable {
                    arg: arg.to_string(),
                    reason: "on Windows it cannot hold '\"' or '%'",
                });
            }
            if is_plain(&arg.replace('\\', "/")) {
                arg.to_string()
            } else {
                // Backslashes before the closing quote would escape it.
                let trailing = arg.len() - arg.trim_end_matches('\\').len();
                format!("\"{arg}{}\"", "\\".repeat(trailing))
            }
        }
    })
}

/// Split a line into words the way botocore does: POSIX `shlex` rules on
/// Unix (single quotes literal; inside double quotes `\` escapes only `"`,
/// `\`, `$` and `` ` ``; a bare `\` escapes the next character), and the
/// `CommandLineToArgvW` rules on Windows (backslashes are literal except in
/// a run before a `"`, where each pair stands for one and an odd one escapes
/// the quote). `None` for an unterminated quote or a trailing escape.
fn split(line: &str, platform: Platform) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (platform, quote, c) {
            (Platform::Windows, _, '\\') => {
                in_word = true;
                let mut run = 1;
                while chars.peek() == Some(&'\\') {
                    chars.next();
                    run += 1;
                }
                if chars.peek() == Some(&'"') {
                    word.extend(std::iter::repeat_n('\\', run / 2));
                    if run % 2 == 1 {
                        chars.next();
                        word.push('"');
                    }
                } else {
                    word.extend(std::iter::repeat_n('\\', run));
                }
            }
            (_, None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (Platform::Unix, None, '\'') | (_, None, '"') => {
                in_word = true;
                quote = Some(c);
            }
            (_, Some(q), c) if c == q => quote = None,
            (Platform::Unix, Some('"'), '\\') => match chars.peek() {
                Some(&n @ ('"' | '\\' | '$' | '`')) => {
                    word.push(n);
                    chars.next();
                }
                _ => word.push('\\'),
            },
            (Platform::Unix, None, '\\') => {
                in_word = true;
                word.push(chars.next()?);
            }
            (_, _, c) => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXE: &str = "/usr/local/bin/aws-cli-oidc";

    fn unix(line: &str) -> Option<CredentialProcessSpec> {
        CredentialProcessSpec::parse(line, Platform::Unix)
    }

    #[test]
    fn default_line_is_unchanged_from_earlier_versions() {
        let mut spec = CredentialProcessSpec::new(EXE, "myop");
        spec.role_arn = Some("arn:aws:iam::123456789012:role/dev".into());
        assert_eq!(
            spec.to_command_line(Platform::Unix).unwrap(),
            "/usr/local/bin/aws-cli-oidc get-cred -p myop -r arn:aws:iam::123456789012:role/dev -j -s"
        );
        spec.duration = Some(7200);
        spec.config_dir = Some("/home/u/my config".into());
        assert_eq!(
            spec.to_command_line(Platform::Unix).unwrap(),
            "/usr/local/bin/aws-cli-oidc get-cred --config-dir '/home/u/my config' -p myop -r arn:aws:iam::123456789012:role/dev -j -s -d 7200"
        );
    }

    #[test]
    fn every_flag_spelling_parses() {
        for line in [
            "/x/aws-cli-oidc get-cred -p op -r R -d 900 -j -s",
            "/x/aws-cli-oidc get-cred --provider op --role R --max-duration 900 -j -s",
            "/x/aws-cli-oidc get-cred --provider=op --role=R --max-duration=900 -s -j",
            "'/x/aws-cli-oidc' get-cred -p 'op' -r \"R\" -d 900 -j -s",
        ] {
            let spec = unix(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(spec.provider, "op", "{line}");
            assert_eq!(spec.role_arn.as_deref(), Some("R"), "{line}");
            assert_eq!(spec.duration, Some(900), "{line}");
            assert!(spec.extra.is_empty(), "{line}: {:?}", spec.extra);
        }
    }

    #[test]
    fn other_programs_and_broken_lines_are_not_ours() {
        for line in [
            "/usr/bin/aws-vault export --format=json dev",
            "/x/aws-cli-oidc login -p op",
            "/x/aws-cli-oidc-helper get-cred -p op",
            "/x/aws-cli-oidc get-cred -p",
            "/x/aws-cli-oidc get-cred -p op -d soon",
            "/x/aws-cli-oidc get-cred -p 'op",
            "",
        ] {
            assert_eq!(unix(line), None, "{line:?}");
        }
    }

    #[test]
    fn windows_lines_parse_with_spaces_and_trailing_backslashes() {
        let mut spec = CredentialProcessSpec::new(r"C:\Program Files\aws-cli-oidc.exe", "op");
        spec.config_dir = Some(r"C:\Users\me\cfg dir\".into());
        let line = spec.to_command_line(Platform::Windows).unwrap();
        assert_eq!(
            line,
            r#""C:\Program Files\aws-cli-oidc.exe" get-cred --config-dir "C:\Users\me\cfg dir\\" -p op -j -s"#
        );
        assert_eq!(
            CredentialProcessSpec::parse(&line, Platform::Windows),
            Some(spec)
        );
    }

    #[test]
    fn a_line_without_provider_is_still_ours() {
        let spec = unix("/x/aws-cli-oidc get-cred --profile dev").unwrap();
        assert_eq!(spec.provider, "");
        assert_eq!(spec.extra, vec!["--profile", "dev"]);
    }

    #[test]
    fn unknown_arguments_are_kept() {
        let spec = unix("/x/aws-cli-oidc get-cred -p op -j -s -v").unwrap();
        assert_eq!(spec.extra, vec!["-v"]);
        // The long spellings of -j and -s are ours too: a rewrite writes
        // -j -s and must not repeat them (clap refuses a flag given twice).
        let long = unix("/x/aws-cli-oidc get-cred -p op --json --use-secret").unwrap();
        assert!(long.extra.is_empty(), "{:?}", long.extra);
        assert!(
            spec.to_command_line(Platform::Unix)
                .unwrap()
                .ends_with(" -v")
        );
    }

    #[test]
    fn control_characters_are_refused() {
        let spec = CredentialProcessSpec::new(EXE, "a\nb");
        assert!(matches!(
            spec.to_command_line(Platform::Unix),
            Err(Error::Unquotable { .. })
        ));
    }

    fn word() -> impl Strategy<Value = String> {
        // Printable text, quotes and shell characters included.
        "[ -~é€]{1,12}"
    }

    proptest! {
        #[test]
        fn unix_lines_round_trip(
            dir in "/[ -~é]{1,20}",
            provider in word(),
            role in proptest::option::of(word()),
            duration in proptest::option::of(900u32..43200),
            config_dir in proptest::option::of("/[ -~]{1,20}"),
        ) {
            let spec = CredentialProcessSpec {
                exe: PathBuf::from(format!("{dir}/aws-cli-oidc")),
                provider,
                role_arn: role,
                duration,
                config_dir: config_dir.map(PathBuf::from),
                extra: Vec::new(),
            };
            // Values that look like flags would be read as flags by clap too.
            prop_assume!(!spec.provider.starts_with('-'));
            prop_assume!(spec.role_arn.as_deref().is_none_or(|r| !r.starts_with('-')));
            let line = spec.to_command_line(Platform::Unix).unwrap();
            prop_assert_eq!(CredentialProcessSpec::parse(&line, Platform::Unix), Some(spec));
        }

        #[test]
        fn windows_lines_round_trip(
            provider in "[a-zA-Z0-9 ._\\\\-]{1,12}",
            config_dir in proptest::option::of("C:\\\\[a-zA-Z0-9 \\\\]{0,20}"),
        ) {
            let spec = CredentialProcessSpec {
                exe: PathBuf::from(r"C:\Program Files\aws-cli-oidc\aws-cli-oidc.exe"),
                provider,
                role_arn: None,
                duration: None,
                config_dir: config_dir.map(PathBuf::from),
                extra: Vec::new(),
            };
            prop_assume!(!spec.provider.starts_with('-') && !spec.provider.trim().is_empty());
            let line = spec.to_command_line(Platform::Windows).unwrap();
            prop_assert_eq!(CredentialProcessSpec::parse(&line, Platform::Windows), Some(spec));
        }

        #[test]
        fn parse_never_panics(line in "[ -~é]{0,80}") {
            let _ = CredentialProcessSpec::parse(&line, Platform::Unix);
            let _ = CredentialProcessSpec::parse(&line, Platform::Windows);
        }
    }
}
