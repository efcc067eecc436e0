//! Fuzz the AWS-file document: any UTF-8 text must render back byte for
//! byte, reading it must never panic, and an accepted edit must leave a file
//! that still reads.
//!
//! The document and its error type are compiled straight from the crate's
//! sources (they need only `thiserror`), so a fuzz build does not compile
//! the whole CLI (TLS, HTTP, keyring) with sanitizers.
#![no_main]

// Top-level modules, so `super::error` inside document.rs resolves here too.
#[allow(dead_code)]
#[path = "../../src/awsfiles/document.rs"]
mod document;
#[allow(dead_code)]
#[path = "../../src/awsfiles/error.rs"]
mod error;

use document::{Document, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Document::parse(text);
    assert_eq!(doc.render(), text, "round trip changed the text");
    let _ = doc.profiles(FileKind::Config);
    let Ok(before) = doc.profiles(FileKind::Credentials) else {
        return;
    };
    // Edit the first section (or a new one) and read the result back.
    let section = doc
        .section_names()
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "fuzz".to_string());
    let mut edited = doc.clone();
    if edited.set(&section, "fuzz_key", "v#1").is_ok() {
        let out = edited.render();
        let again = Document::parse(&out);
        let after = again
            .profiles(FileKind::Credentials)
            .expect("an edit left an unreadable file");
        if before.profiles.contains_key(&section) {
            assert_eq!(
                after
                    .profiles
                    .get(&section)
                    .and_then(|p| p.get("fuzz_key"))
                    .map(String::as_str),
                Some("v#1")
            );
        }
    }
    let mut removed = doc.clone();
    if removed.remove_section(&section).is_ok() {
        let _ = Document::parse(&removed.render())
            .profiles(FileKind::Credentials)
            .expect("removing a section left an unreadable file");
    }
});
