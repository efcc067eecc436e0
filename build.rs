//! Links the binary with packed relative relocations (DT_RELR,
//! `-z pack-relative-relocs`) where the C library loads them: Linux with
//! glibc 2.36 or later. The dynamic loader then reads about 2 KB of
//! relocations instead of 167 KB and applies them in a tight loop; a
//! credential_process cache hit runs a quarter fewer instructions and takes
//! a sixth fewer page faults (BENCHMARKS.md). It changes nothing else: the
//! binary stays a PIE with full RELRO.
//!
//! A binary with DT_RELR does not start on an older glibc, and the linker
//! only knows the C library it links against, so the flag is added only for
//! a native build whose glibc (the one this script runs on) is new enough.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let target = env::var("TARGET").unwrap_or_default();
    let native = env::var("HOST").is_ok_and(|host| host == target);
    if native
        && target.ends_with("-linux-gnu")
        && host_glibc().is_some_and(|version| version >= (2, 36))
    {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The version of the glibc this build script runs on, as `(major, minor)`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn host_glibc() -> Option<(u32, u32)> {
    unsafe extern "C" {
        // glibc's own version string, such as "2.36"; always valid.
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a pointer to a static NUL-terminated string.
    let text = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let mut parts = text.to_str().ok()?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn host_glibc() -> Option<(u32, u32)> {
    None
}
