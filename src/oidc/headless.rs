//! Whether a browser on this machine can finish a login: the rule that picks
//! the device authorization grant (RFC 8628) over the loopback browser login
//! when nobody asked for either.
//!
//! The environment is read once by the binary into [`BrowserEnv`]; the rule
//! itself, [`browser_usable`], is a pure function of it.
//!
//! # Logging in over SSH with the browser flow (fixed loopback port)
//!
//! Where the provider has no device flow, or the client may not use it, the
//! browser login still works on a remote machine by forwarding one fixed
//! loopback port over SSH:
//!
//! 1. Pick a free port, say 8991, and register `http://127.0.0.1:8991` as a
//!    redirect URI of the client at the provider (many providers accept any
//!    port for native clients registered as `http://127.0.0.1`, RFC 8252 §7.3;
//!    then nothing needs registering).
//! 2. In the provider's block of `~/.aws-cli-oidc/config.yaml` on the remote
//!    machine, set `loopback_port: 8991`.
//! 3. Connect with the port forwarded from your laptop to the remote loopback:
//!    `ssh -L 8991:127.0.0.1:8991 user@remote`
//! 4. On the remote machine run the login with `--no-browser` (which also keeps
//!    the device flow from being chosen automatically over SSH):
//!    `aws-cli-oidc get-cred -p myidp --no-browser`
//! 5. Open the printed URL in the browser on your laptop. The provider sends
//!    the browser to `http://127.0.0.1:8991/?code=…`, the tunnel carries it
//!    to the waiting `aws-cli-oidc`, and the login finishes on the remote side.
//!
//! If `ssh -L` says the port is in use on the laptop, choose another port in
//! steps 1–3; if the login says it cannot listen, the port is taken on the
//! remote machine.

/// The operating system family, as far as opening a browser is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux (a browser needs an X11 or Wayland display).
    Linux,
    /// macOS (`open` always reaches the logged-in desktop).
    MacOs,
    /// Windows (`start` always reaches the desktop).
    Windows,
    /// Another Unix (BSDs): treated like Linux.
    OtherUnix,
}

impl Os {
    /// The OS this program was built for.
    pub fn current() -> Os {
        if cfg!(target_os = "linux") {
            Os::Linux
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::OtherUnix
        }
    }
}

/// The parts of the environment that tell whether a browser can be opened.
/// Empty variables count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserEnv {
    /// `SSH_CONNECTION`.
    pub ssh_connection: Option<String>,
    /// `SSH_TTY`.
    pub ssh_tty: Option<String>,
    /// `DISPLAY` (X11).
    pub display: Option<String>,
    /// `WAYLAND_DISPLAY`.
    pub wayland_display: Option<String>,
    /// `BROWSER`: the user's own opener, which wins over every guess.
    pub browser: Option<String>,
    /// Running in a container: `/.dockerenv` or `/run/.containerenv` exists,
    /// or the `container` variable is set (systemd-nspawn, podman, toolbox).
    pub in_container: bool,
}

/// Whether opening a browser here can plausibly finish a loopback login.
///
/// `$BROWSER` set means yes (the user said how). Otherwise an SSH session
/// means no (a browser would open, if at all, on the remote machine's screen,
/// which cannot reach the person), so does Linux (or another Unix) without a
/// `DISPLAY` or `WAYLAND_DISPLAY`, and so does a container.
pub fn browser_usable(env: &BrowserEnv, os: Os) -> bool {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if set(&env.browser) {
        return true;
    }
    if set(&env.ssh_connection) || set(&env.ssh_tty) {
        return false;
    }
    if env.in_container {
        return false;
    }
    match os {
        Os::Linux | Os::OtherUnix => set(&env.display) || set(&env.wayland_display),
        Os::MacOs | Os::Windows => true,
    }
}

/// What decides how a login reaches the person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginSituation {
    /// [`browser_usable`] for this environment.
    pub browser_usable: bool,
    /// A terminal to print a URL or device code on (`/dev/tty`).
    pub terminal: bool,
    /// `--device`.
    pub device_flag: bool,
    /// `--no-browser`: print the URL only, and keep the loopback login.
    pub no_browser_flag: bool,
    /// The caller captures our stderr (the `credential_process` mode), so a
    /// URL printed there alone would never be seen.
    pub stderr_captured: bool,
}

/// How to log the person in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFlow {
    /// The loopback browser login; `launch` false prints the URL only.
    Browser {
        /// Launch a browser (else only print the URL).
        launch: bool,
    },
    /// The device authorization grant (RFC 8628).
    Device {
        /// Also open the verification page (`--device` with a browser at
        /// hand, as gh does).
        open_page: bool,
        /// Chosen because no browser can be used here, not asked for: say so.
        automatic: bool,
    },
    /// Nobody can be reached: the caller captures stderr and there is
    /// neither a usable browser nor a terminal. Waiting would only hang the
    /// caller until the login times out.
    Refuse,
}

/// The one rule for choosing the login flow. `provider_offers_device` is
/// whether discovery lists a device authorization endpoint; reachability
/// does not depend on it, so callers may ask with `true` before discovery.
pub fn login_flow(s: &LoginSituation, provider_offers_device: bool) -> LoginFlow {
    if s.stderr_captured && !(s.no_browser_flag || s.browser_usable || s.terminal) {
        return LoginFlow::Refuse;
    }
    let automatic =
        !s.device_flag && !s.browser_usable && !s.no_browser_flag && provider_offers_device;
    if s.device_flag || automatic {
        return LoginFlow::Device {
            open_page: s.device_flag && s.browser_usable && !s.no_browser_flag,
            automatic,
        };
    }
    LoginFlow::Browser {
        launch: !s.no_browser_flag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn browser_usable_follows_the_table() {
        let desktop = BrowserEnv {
            display: some(":0"),
            ..BrowserEnv::default()
        };
        let ssh = BrowserEnv {
            ssh_connection: some("10.0.0.1 5000 10.0.0.2 22"),
            ..desktop.clone()
        };
        let cases: Vec<(&str, BrowserEnv, Os, bool)> = vec![
            ("linux desktop with X11", desktop.clone(), Os::Linux, true),
            (
                "linux desktop with Wayland",
                BrowserEnv {
                    wayland_display: some("wayland-0"),
                    ..BrowserEnv::default()
                },
                Os::Linux,
                true,
            ),
            ("linux console", BrowserEnv::default(), Os::Linux, false),
            ("bsd console", BrowserEnv::default(), Os::OtherUnix, false),
            (
                "empty DISPLAY counts as unset",
                BrowserEnv {
                    display: some(""),
                    ..BrowserEnv::default()
                },
                Os::Linux,
                false,
            ),
            ("ssh with X forwarding", ssh.clone(), Os::Linux, false),
            (
                "ssh tty only",
                BrowserEnv {
                    ssh_tty: some("/dev/pts/3"),
                    ..BrowserEnv::default()
                },
                Os::MacOs,
                false,
            ),
            ("mac desktop", BrowserEnv::default(), Os::MacOs, true),
            ("windows desktop", BrowserEnv::default(), Os::Windows, true),
            (
                "container with a display",
                BrowserEnv {
                    in_container: true,
                    ..desktop.clone()
                },
                Os::Linux,
                false,
            ),
            (
                "BROWSER wins over ssh",
                BrowserEnv {
                    browser: some("w3m"),
                    ..ssh.clone()
                },
                Os::Linux,
                true,
            ),
            (
                "BROWSER wins in a container",
                BrowserEnv {
                    browser: some("/usr/local/bin/open-on-host"),
                    in_container: true,
                    ..BrowserEnv::default()
                },
                Os::Linux,
                true,
            ),
            (
                "blank BROWSER does not count",
                BrowserEnv {
                    browser: some("  "),
                    ..ssh
                },
                Os::Linux,
                false,
            ),
        ];
        for (name, env, os, expected) in cases {
            assert_eq!(browser_usable(&env, os), expected, "{name}");
        }
    }

    #[test]
    fn login_flow_follows_the_table() {
        use LoginFlow::*;
        let desktop = LoginSituation {
            browser_usable: true,
            terminal: true,
            ..LoginSituation::default()
        };
        let ssh = LoginSituation {
            browser_usable: false,
            terminal: true,
            ..LoginSituation::default()
        };
        let sdk_headless = LoginSituation {
            browser_usable: false,
            terminal: false,
            stderr_captured: true,
            ..LoginSituation::default()
        };
        // (name, situation, provider offers device, expected)
        let cases: Vec<(&str, LoginSituation, bool, LoginFlow)> = vec![
            ("desktop", desktop, true, Browser { launch: true }),
            (
                "desktop, provider without device flow",
                desktop,
                false,
                Browser { launch: true },
            ),
            (
                "desktop --no-browser",
                LoginSituation {
                    no_browser_flag: true,
                    ..desktop
                },
                true,
                Browser { launch: false },
            ),
            (
                "desktop --device opens the page too",
                LoginSituation {
                    device_flag: true,
                    ..desktop
                },
                true,
                Device {
                    open_page: true,
                    automatic: false,
                },
            ),
            (
                "--device --no-browser only prints",
                LoginSituation {
                    device_flag: true,
                    no_browser_flag: true,
                    ..desktop
                },
                true,
                Device {
                    open_page: false,
                    automatic: false,
                },
            ),
            (
                "ssh picks the device flow",
                ssh,
                true,
                Device {
                    open_page: false,
                    automatic: true,
                },
            ),
            (
                "ssh without device flow prints the URL",
                ssh,
                false,
                Browser { launch: true },
            ),
            (
                "ssh --no-browser keeps the loopback login",
                LoginSituation {
                    no_browser_flag: true,
                    ..ssh
                },
                true,
                Browser { launch: false },
            ),
            (
                "ssh --device is asked for, not automatic",
                LoginSituation {
                    device_flag: true,
                    ..ssh
                },
                true,
                Device {
                    open_page: false,
                    automatic: false,
                },
            ),
            (
                "credential_process with nobody to reach",
                sdk_headless,
                true,
                Refuse,
            ),
            (
                "credential_process with a terminal",
                LoginSituation {
                    terminal: true,
                    ..sdk_headless
                },
                true,
                Device {
                    open_page: false,
                    automatic: true,
                },
            ),
            (
                "credential_process on a desktop",
                LoginSituation {
                    stderr_captured: true,
                    ..desktop
                },
                true,
                Browser { launch: true },
            ),
            (
                "credential_process --no-browser trusts the user",
                LoginSituation {
                    no_browser_flag: true,
                    ..sdk_headless
                },
                true,
                Browser { launch: false },
            ),
            (
                "no terminal, stderr not captured: print anyway",
                LoginSituation {
                    stderr_captured: false,
                    ..sdk_headless
                },
                false,
                Browser { launch: true },
            ),
        ];
        for (name, situation, offers, expected) in cases {
            assert_eq!(login_flow(&situation, offers), expected, "{name}");
        }
    }

    #[test]
    fn current_os_matches_the_build_target() {
        let os = Os::current();
        if cfg!(target_os = "linux") {
            assert_eq!(os, Os::Linux);
        } else {
            assert_ne!(os, Os::Linux);
        }
    }
}
