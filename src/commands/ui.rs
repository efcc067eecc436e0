//! The terminal side: messages on stderr, the login URL, the role prompt.
//!
//! stdout belongs to the requested output alone. botocore pipes stdin, stdout
//! and stderr of a credential_process, so when stderr is not a terminal the
//! login URL and prompts also go to `/dev/tty` when there is one.

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};

/// Where messages go, and how much of them.
pub struct Ui {
    verbosity: u8,
    quiet: std::cell::Cell<bool>,
}

fn tty() -> Option<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()
}

/// `n` and the noun in the right number: "1 cached entry", "2 cached entries".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether a terminal can show the login URL and prompts (botocore gives a
/// credential_process no usable stdin and may hide its stderr).
pub fn has_terminal() -> bool {
    tty().is_some()
}

/// One message on stderr. Messages quote provider, STS and file text, so
/// they pass the sanitiser whatever the caller did.
fn say(msg: &str) {
    eprintln!("aws-cli-oidc: {}", aws_cli_oidc::text::sanitize_lines(msg));
}

impl Ui {
    /// `verbosity` is the count of `-v`.
    pub fn new(verbosity: u8) -> Ui {
        Ui {
            verbosity,
            quiet: std::cell::Cell::new(false),
        }
    }

    /// Something the user must see (a warning, a result summary).
    pub fn warn(&self, msg: &str) {
        say(msg);
    }

    /// Progress worth a line at default verbosity (not with `--quiet`).
    pub fn info(&self, msg: &str) {
        if !self.quiet.get() {
            say(msg);
        }
    }

    /// Suppress [`Ui::info`] (cron wants silence when all is well).
    pub fn set_quiet(&self, quiet: bool) {
        self.quiet.set(quiet);
    }

    /// Detail shown with `-v`. Callers pass no secrets.
    pub fn debug(&self, msg: &str) {
        if self.verbosity >= 1 {
            say(msg);
        }
    }

    /// Launch a browser on the login URL unless `no_browser`, then show the
    /// URL where a person can see it: as the fallback when a browser was
    /// launched, as the thing to do when not.
    pub fn open_login_url(&self, url: &str, no_browser: bool) -> Result<(), String> {
        let launched = if no_browser {
            None
        } else {
            Some(aws_cli_oidc::oidc::browser::open_browser(url))
        };
        let text = match &launched {
            Some(Ok(())) => {
                format!(
                    "opened the login page in your browser; if nothing opened, visit:\n\n    {url}\n"
                )
            }
            Some(Err(e)) => format!(
                "could not launch a browser ({e}); to log in, open this URL in a browser:\n\n    {url}\n"
            ),
            None => format!("to log in, open this URL in a browser:\n\n    {url}\n"),
        };
        eprintln!("{text}");
        if !std::io::stderr().is_terminal()
            && let Some(mut t) = tty()
        {
            let _ = writeln!(t, "{text}");
        }
        launched.unwrap_or(Ok(()))
    }

    /// Ask which role to assume, on the terminal: typing filters the list
    /// (fuzzy match on the ARN and the account alias). `None` when there is
    /// no terminal (never a hang) or the person cancels.
    pub fn choose_role(&self, labels: &[String]) -> Option<usize> {
        let read = tty()?;
        let write = read.try_clone().ok()?;
        let term = console::Term::read_write_pair(read, write);
        if !term.is_term() {
            return None;
        }
        dialoguer::FuzzySelect::new()
            .with_prompt("Choose the role to assume (type to filter)")
            .items(labels)
            .default(0)
            .interact_on_opt(&term)
            .ok()
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_use_the_singular_for_one_only() {
        assert_eq!(
            count(0, "cached entry", "cached entries"),
            "0 cached entries"
        );
        assert_eq!(count(1, "cached entry", "cached entries"), "1 cached entry");
        assert_eq!(
            count(2, "profile stays", "profiles stay"),
            "2 profiles stay"
        );
    }
}
