//! Launching the user's browser on the authorization URL. This module starts
//! a process and prints nothing: showing the URL is the caller's job, and the
//! launcher's own output is sent to the null device so it can never mix into
//! our stdout (which may be credential_process JSON).

use std::process::{Command, Stdio};

/// Open `url` in a browser, without waiting for it.
///
/// `$BROWSER`, when set and not blank, wins, as for git and gh: it is split
/// on whitespace into a program and arguments; a `%s` in it is replaced by
/// the URL, otherwise the URL is appended. Without it, the platform's opener
/// (`xdg-open`, `open`, `start`) is used. `Err` carries a description; the
/// caller should then tell the user to open the URL by hand.
pub fn open_browser(url: &str) -> Result<(), String> {
    let browser = std::env::var("BROWSER").ok();
    match browser.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(browser) => spawn_browser_command(browser, url),
        None => open::that_detached(url).map_err(|e| format!("no browser could be started ({e})")),
    }
}

/// Start `$BROWSER`-style `command` on `url`, detached.
pub fn spawn_browser_command(command: &str, url: &str) -> Result<(), String> {
    let argv = browser_argv(command, url);
    let Some((program, args)) = argv.split_first() else {
        return Err("$BROWSER is empty".to_string());
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run $BROWSER program {program:?}: {e}"))?;
    // Reap it in the background so it leaves no zombie; a browser that stays
    // in the foreground must not hold up the login.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The argument vector for `$BROWSER`-style `command` and `url`.
pub fn browser_argv(command: &str, url: &str) -> Vec<String> {
    let mut argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    if command.contains("%s") {
        for arg in &mut argv {
            *arg = arg.replace("%s", url);
        }
    } else {
        argv.push(url.to_string());
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://idp.example/auth?a=1&b=2";

    #[test]
    fn url_is_appended_as_its_own_argument() {
        assert_eq!(
            browser_argv("firefox --new-window", URL),
            ["firefox", "--new-window", URL]
        );
    }

    #[test]
    fn percent_s_is_substituted() {
        assert_eq!(browser_argv("w3m %s -dump", URL), ["w3m", URL, "-dump"]);
    }

    #[test]
    fn missing_program_is_an_error_naming_it() {
        let e = spawn_browser_command("/nonexistent/browser-xyz", URL).unwrap_err();
        assert!(e.contains("/nonexistent/browser-xyz"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn spawn_does_not_wait_for_the_browser() {
        // The "browser" marks a file only after a while: it has not yet when
        // the spawn returns, so the spawn did not wait for it.
        let tmp = tempfile::tempdir().unwrap();
        let done = tmp.path().join("done");
        spawn_browser_command("sh -c 'sleep 2; touch \"$0\"' %s", &done.to_string_lossy()).unwrap();
        assert!(!done.exists(), "spawn waited for the browser to finish");
    }
}
