//! What the person sees while the tool waits for them: the device login's
//! instructions ([`announce`]) and a one-line spinner on stderr that shows
//! how long the tool will keep waiting (for the browser callback or the
//! device approval).
//!
//! It draws only when stderr is a terminal and `TERM` is not `dumb`: a
//! credential_process's stderr is a pipe to botocore, and carriage returns
//! would end up in its logs. `NO_COLOR` (any non-empty value, see
//! no-color.org) turns the colour off but keeps the spinner. The line is
//! erased when the spinner stops, so messages printed afterwards start clean;
//! Ctrl-C while it draws erases it too, says "interrupted" on a line of its
//! own and exits 130, as a shell reports SIGINT.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);
/// After the deadline the caller's own timeout fires; this only keeps a
/// forgotten spinner from drawing forever.
const GRACE: Duration = Duration::from_secs(30);
/// Erase the whole line and return to its start.
const CLEAR: &str = "\r\x1b[2K";

/// A spinner line is on the screen.
static DRAWING: AtomicBool = AtomicBool::new(false);
/// Ctrl-C was pressed: the spinner must not draw again.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static HANDLER: Once = Once::new();

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED_EXIT: i32 = 130;

/// On the first spinner, take over Ctrl-C so that it erases the spinner
/// line before the process ends. Without a handler the terminal would be
/// left with a half-drawn line and the shell prompt after it.
fn handle_ctrl_c() {
    HANDLER.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let mut err = std::io::stderr().lock();
            if DRAWING.load(Ordering::SeqCst) {
                let _ = write!(err, "{CLEAR}");
            }
            let _ = writeln!(err, "aws-cli-oidc: interrupted");
            let _ = err.flush();
            std::process::exit(INTERRUPTED_EXIT);
        });
        if let Err(e) = installed {
            log::debug!("spinner: no Ctrl-C handler: {e}");
        }
    });
}

/// Print `text` on stderr and, when stderr is not a terminal (botocore pipes
/// a credential_process's stderr), also on `/dev/tty` when there is one, so
/// the person sees the instructions either way.
pub fn announce(text: &str) {
    eprintln!("{text}");
    if !std::io::stderr().is_terminal()
        && let Ok(mut tty) = OpenOptions::new().write(true).open("/dev/tty")
    {
        let _ = writeln!(tty, "{text}");
    }
}

/// A running spinner; stops and erases its line when dropped.
pub struct Spinner {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Start drawing `label` with the time left until `time_left` has passed.
    /// `None` when stderr is not a terminal (nothing is drawn then).
    pub fn start(label: &str, time_left: Duration) -> Option<Spinner> {
        let term = std::env::var("TERM").unwrap_or_default();
        if !std::io::stderr().is_terminal() || term == "dumb" {
            return None;
        }
        handle_ctrl_c();
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let deadline = Instant::now()
            .checked_add(time_left)
            .unwrap_or_else(Instant::now);
        let label = label.to_string();
        let (tx, rx) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut frame = 0usize;
            let err = std::io::stderr();
            loop {
                let now = Instant::now();
                if now > deadline + GRACE {
                    break;
                }
                let left = deadline.saturating_duration_since(now);
                {
                    // The lock keeps the Ctrl-C handler's erase after a frame.
                    let mut err = err.lock();
                    if INTERRUPTED.load(Ordering::SeqCst) {
                        break;
                    }
                    DRAWING.store(true, Ordering::SeqCst);
                    let _ = write!(err, "{}", render(frame, &label, left, color));
                    let _ = err.flush();
                }
                frame = frame.wrapping_add(1);
                match rx.recv_timeout(TICK) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            let mut err = err.lock();
            if !INTERRUPTED.load(Ordering::SeqCst) {
                let _ = write!(err, "{CLEAR}");
                let _ = err.flush();
            }
            DRAWING.store(false, Ordering::SeqCst);
        });
        Some(Spinner {
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One frame: clear the line, then the glyph, the label and `m:ss left`.
fn render(frame: usize, label: &str, left: Duration, color: bool) -> String {
    let glyph = FRAMES.get(frame % FRAMES.len()).copied().unwrap_or('*');
    let secs = left.as_secs();
    let time = format!("{}:{:02} left", secs / 60, secs % 60);
    if color {
        format!("{CLEAR}\x1b[36m{glyph}\x1b[0m {label} \x1b[2m({time})\x1b[0m")
    } else {
        format!("{CLEAR}{glyph} {label} ({time})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_without_color_has_no_escape_besides_the_line_clear() {
        let line = render(0, "waiting for approval", Duration::from_secs(299), false);
        assert_eq!(line, "\r\x1b[2K⠋ waiting for approval (4:59 left)");
    }

    #[test]
    fn render_with_color_wraps_glyph_and_time() {
        let line = render(11, "waiting", Duration::from_millis(65_900), true);
        assert_eq!(
            line,
            "\r\x1b[2K\x1b[36m⠙\x1b[0m waiting \x1b[2m(1:05 left)\x1b[0m"
        );
    }

    #[test]
    fn start_draws_nothing_when_stderr_is_not_a_terminal() {
        // The test harness captures stderr, so it is not a terminal here;
        // under a terminal this only checks that stopping does not hang.
        let spinner = Spinner::start("waiting", Duration::from_secs(60));
        if !std::io::stderr().is_terminal() {
            assert!(spinner.is_none());
        }
        drop(spinner);
    }
}
