//! `exec`: run a command with the role's credentials.
//!
//! By default the child gets the container-credentials endpoint of
//! `aws_cli_oidc::credserver` and we stay as its parent: we answer its SDK,
//! renew through the session policy (cache, refresh token, login) when the
//! credentials near expiry, forward signals, and exit with its status. With
//! `--no-server` the child gets static keys and, on Unix, replaces us.

use std::ffi::OsString;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use aws_cli_oidc::cli::{ExecArgs, TargetArgs};
use aws_cli_oidc::config::ProviderConfig;
use aws_cli_oidc::credserver::Server;
use aws_cli_oidc::exec::{self as plan, Supply};
use aws_cli_oidc::secret::Secret;
use aws_cli_oidc::session::Obtained;

use super::{Ctx, Flow, UsageError, Want};

/// How often the parent looks at its child and at pending signals.
const TICK: Duration = Duration::from_millis(50);

pub fn run(ctx: &Ctx, args: ExecArgs) -> Result<ExitCode> {
    if let Some(marker) = &ctx.env.exec_marker {
        return Err(UsageError(format!(
            "already inside `aws-cli-oidc exec` for {marker} ({} is set); exit that shell first, \
             or run the command there directly",
            plan::MARKER
        ))
        .into());
    }
    let cfg = ctx.provider(&args.target)?;
    let flow = Flow {
        no_browser: args.no_browser,
        device: args.device,
    };
    let want = Want::at_terminal();
    let got = ctx.obtain(&cfg, &args.target, &want, flow)?;
    // Renewals ask for the role we got (a SAML picker is not shown again).
    let target = TargetArgs {
        role: Some(got.role_arn.clone()),
        ..args.target.clone()
    };
    let region = args.region.clone().or_else(|| cfg.aws_region.clone());
    let mut cmd = child_command(ctx, &args.command);
    for (name, _) in std::env::vars_os() {
        if plan::is_scrubbed(&name) {
            cmd.env_remove(&name);
        }
    }
    if args.no_server {
        let vars = plan::child_vars(
            &Supply::Static(&got.credentials),
            region.as_deref(),
            &cfg.name,
            &got.role_arn,
        );
        for (k, v) in &vars {
            cmd.env(k, v.expose());
        }
        return replace_or_wait(cmd);
    }
    warn_if_default_competes(ctx);
    let server = Server::bind()?;
    let full_uri = server.full_uri();
    let vars = plan::child_vars(
        &Supply::Endpoint {
            full_uri: &full_uri,
            token: server.token(),
        },
        region.as_deref(),
        &cfg.name,
        &got.role_arn,
    );
    for (k, v) in &vars {
        cmd.env(k, v.expose());
    }
    ctx.ui
        .debug(&format!("exec: credential endpoint on {full_uri}"));
    serve_while_running(ctx, &cfg, &target, flow, got, &server, cmd)
}

/// SDKs read the shared files before the container endpoint: a `[default]`
/// profile with credentials of its own would be used instead of ours.
fn warn_if_default_competes(ctx: &Ctx) {
    let Ok(paths) = ctx.aws_paths() else {
        return;
    };
    let Ok(profiles) = aws_cli_oidc::awsfiles::read_profiles(&paths) else {
        return;
    };
    if let Some(key) = plan::competing_default(&profiles) {
        ctx.ui.warn(&format!(
            "profile \"default\" has {key} in {} or {}; AWS SDKs in the command use it before the credentials exec serves (pass --profile there, remove it, or use exec --no-server)",
            paths.config.display(),
            paths.credentials.display()
        ));
    }
}

/// The command to run: the arguments, or `$SHELL` (else `/bin/sh`, or
/// `cmd.exe` on Windows).
fn child_command(ctx: &Ctx, argv: &[OsString]) -> Command {
    match argv.split_first() {
        Some((program, rest)) => {
            let mut cmd = Command::new(program);
            cmd.args(rest);
            cmd
        }
        None => Command::new(ctx.env.shell.clone().unwrap_or_else(|| {
            std::path::PathBuf::from(if cfg!(windows) { "cmd.exe" } else { "/bin/sh" })
        })),
    }
}

fn program_name(cmd: &Command) -> String {
    cmd.get_program().to_string_lossy().into_owned()
}

/// `--no-server`: become the child (Unix), so nothing of ours lingers.
#[cfg(unix)]
fn replace_or_wait(mut cmd: Command) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    anyhow::bail!("cannot run {}: {err}", program_name(&cmd))
}

#[cfg(not(unix))]
fn replace_or_wait(mut cmd: Command) -> Result<ExitCode> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {}", program_name(&cmd)))?;
    Ok(exit_code(status))
}

/// Start the child, serve its credential requests, forward signals, and
/// return its exit status.
fn serve_while_running(
    ctx: &Ctx,
    cfg: &ProviderConfig,
    target: &TargetArgs,
    flow: Flow,
    got: Obtained,
    server: &Server,
    mut cmd: Command,
) -> Result<ExitCode> {
    let duration = aws_cli_oidc::federation::resolve_duration(
        cfg,
        &aws_cli_oidc::federation::Request {
            role_arn: target.role.clone(),
            duration: target.max_duration,
        },
    )?;
    let margin = aws_cli_oidc::cache::refresh_margin(cfg.refresh_margin_minutes, duration);
    let renew_want = Want {
        // The child may hold the terminal: log in only when a browser or a
        // terminal can reach the person.
        login_needs_browser_or_terminal: true,
        login_hint: format!(
            "aws-cli-oidc get-cred -p {} -r {} -s -j  (then the command inside exec works again)",
            cfg.name, got.role_arn
        ),
        ..Want::at_terminal()
    };
    let mut current = got.credentials;

    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", program_name(&cmd)))?;
    signals::install();
    let stop = AtomicBool::new(false);
    let port = server.port();

    // A thread of its own reaps the child and forwards signals, so they go
    // on while this thread answers a request, even one whose renewal is a
    // browser login that lasts minutes. When the child exits it stops the
    // server.
    let status = std::thread::scope(|scope| {
        let reaper = scope.spawn(|| {
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) => {}
                    Err(e) => break Err(e),
                }
                signals::forward(child.id());
                std::thread::sleep(TICK);
            };
            stop.store(true, Ordering::SeqCst);
            Server::wake(port);
            status
        });
        server.serve(&stop, &mut || {
            answer(ctx, cfg, target, flow, &renew_want, margin, &mut current)
        });
        reaper
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the child's watcher failed")))
    });
    let status = status.context("cannot wait for the command")?;
    Ok(exit_code(status))
}

/// The credentials for one request: from memory while fresh, else renewed
/// by the session policy. A failed renewal still serves unexpired ones.
fn answer(
    ctx: &Ctx,
    cfg: &ProviderConfig,
    target: &TargetArgs,
    flow: Flow,
    want: &Want,
    margin: time::Duration,
    current: &mut aws_cli_oidc::sts::Credentials,
) -> Result<Secret<String>, String> {
    let now = time::OffsetDateTime::now_utc();
    if !aws_cli_oidc::cache::is_fresh(current.expiration, now, margin) {
        match ctx.obtain(cfg, target, want, flow) {
            Ok(got) => *current = got.credentials,
            Err(e) => {
                ctx.ui
                    .warn(&format!("exec: could not renew the credentials: {e:#}"));
                if current.expiration <= now {
                    return Err(format!(
                        "the credentials of aws-cli-oidc exec expired and could not be renewed: {e:#}"
                    ));
                }
            }
        }
    }
    Ok(Secret::new(aws_cli_oidc::output::render_container_json(
        current,
    )))
}

fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return ExitCode::from(plan::signal_exit_code(sig));
        }
    }
    ExitCode::FAILURE
}

/// SIGINT, SIGTERM and SIGHUP reach the child. A signal the terminal sent
/// to the whole foreground group (Ctrl-C) already reached it, so only those
/// sent to us by a process (`kill`) are passed on; either way we stay until
/// the child exits.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicBool, Ordering};

    const FORWARDED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
    static PENDING: [AtomicBool; 3] = [
        AtomicBool::new(false),
        AtomicBool::new(false),
        AtomicBool::new(false),
    ];

    /// `si_code` of a signal the kernel raised itself (the tty driver's
    /// Ctrl-C and hang-up) on Linux.
    #[cfg(target_os = "linux")]
    fn from_kernel(info: *const libc::siginfo_t) -> bool {
        const SI_KERNEL: libc::c_int = 0x80;
        // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
        !info.is_null() && unsafe { (*info).si_code } == SI_KERNEL
    }

    #[cfg(not(target_os = "linux"))]
    fn from_kernel(_info: *const libc::siginfo_t) -> bool {
        false
    }

    extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // Only an atomic store: async-signal-safe.
        if from_kernel(info) {
            return;
        }
        if let Some(i) = FORWARDED.iter().position(|s| *s == sig) {
            PENDING[i].store(true, Ordering::SeqCst);
        }
    }

    pub fn install() {
        for sig in FORWARDED {
            // SAFETY: a zeroed sigaction is valid; the handler only stores
            // to atomics.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
    }

    pub fn forward(pid: u32) {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return;
        };
        for (i, sig) in FORWARDED.iter().enumerate() {
            if PENDING[i].swap(false, Ordering::SeqCst) {
                // SAFETY: plain syscall; the child is not reaped yet (we
                // reap it only in the same loop, before this call).
                unsafe {
                    libc::kill(pid, *sig);
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod signals {
    pub fn install() {}
    pub fn forward(_pid: u32) {}
}
