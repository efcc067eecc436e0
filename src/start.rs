//! The process entry point on glibc Linux.
//!
//! std's runtime start-up (`lang_start`) asks glibc for the main thread's
//! stack with `pthread_getattr_np`, which reads and `sscanf`s
//! `/proc/self/maps`, and installs SIGSEGV and SIGBUS handlers on an
//! alternate stack: about 100 k instructions and 19 system calls (65 against
//! 46 for `--version`), a seventh of a `credential_process` cache hit
//! (BENCHMARKS.md), only to print "stack overflow" instead of dying of a
//! plain SIGSEGV. This entry does the rest of what that start-up does for a
//! program like this one, and nothing else:
//!
//! - descriptors 0, 1 and 2 are open, on `/dev/null` if they were closed,
//!   so no file this process opens takes the place of stdout;
//! - SIGPIPE is ignored, so a write to a closed pipe is an error the
//!   command reports, as in every Rust program;
//! - a panic ends the process with exit code 101, after the panic hook
//!   printed it;
//! - stdout is flushed at exit (`std::process::exit` does that).
//!
//! The arguments need nothing: glibc hands them to std before `main`
//! (std reads them from `.init_array` on this target).

use std::ffi::c_int;
use std::process::ExitCode;

/// The C `main`, called by glibc's start-up.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const std::ffi::c_char) -> c_int {
    // SAFETY: single-threaded at this point; both only make system calls.
    unsafe {
        open_standard_fds();
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let code = match std::panic::catch_unwind(super::run) {
        Ok(code) => status(code),
        Err(_) => 101,
    };
    std::process::exit(code)
}

/// The number an `ExitCode` stands for (std does not show it; the codes
/// used are those of `aws_cli_oidc::cli::exit`).
fn status(code: ExitCode) -> c_int {
    (0..=u8::MAX)
        .find(|&n| ExitCode::from(n) == code)
        .map_or(1, c_int::from)
}

/// Put `/dev/null` on each of descriptors 0 to 2 that is closed; abort if
/// that fails, as std does.
unsafe fn open_standard_fds() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three pollfd; a zero timeout.
    let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
    for pfd in fds {
        let closed = if polled == -1 {
            // poll can fail for reasons of its own (EINVAL under some
            // sandboxes, ENOMEM); ask about each descriptor instead.
            // SAFETY: F_GETFD on any number is harmless.
            let failed = unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) } == -1;
            failed && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
        } else {
            pfd.revents & libc::POLLNVAL != 0
        };
        // SAFETY: a NUL-terminated path; the lowest free descriptor is the
        // closed one, since the lower ones are open by now.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != pfd.fd {
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_code_keeps_its_number() {
        for n in 0..=u8::MAX {
            assert_eq!(status(ExitCode::from(n)), c_int::from(n));
        }
        assert_eq!(status(ExitCode::SUCCESS), 0);
        assert_eq!(status(ExitCode::FAILURE), 1);
    }

    /// In a forked child with descriptors 0, 1 and 2 closed,
    /// `open_standard_fds` puts `/dev/null` on each. The child only makes
    /// system calls before `_exit`, as a fork of a threaded process must.
    #[test]
    fn closed_descriptors_get_dev_null() {
        // SAFETY: fork; the child below uses system calls only.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            // SAFETY: closing and inspecting our own descriptors.
            unsafe {
                libc::close(0);
                libc::close(1);
                libc::close(2);
                open_standard_fds();
                let mut ok = true;
                for fd in [c"/proc/self/fd/0", c"/proc/self/fd/1", c"/proc/self/fd/2"] {
                    let mut buf = [0u8; 16];
                    let n = libc::readlink(fd.as_ptr(), buf.as_mut_ptr().cast(), buf.len());
                    ok &= n == 9 && buf[..9] == *b"/dev/null";
                }
                libc::_exit(if ok { 0 } else { 1 });
            }
        }
        let mut wstatus = 0;
        // SAFETY: waiting for the child forked above.
        let waited = unsafe { libc::waitpid(pid, &mut wstatus, 0) };
        assert_eq!(waited, pid);
        assert!(libc::WIFEXITED(wstatus) && libc::WEXITSTATUS(wstatus) == 0);
    }
}
