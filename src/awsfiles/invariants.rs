//! The properties every text must keep through the document, checked in one
//! place: by the fuzz target (`fuzz/fuzz_targets/awsfiles_roundtrip.rs`) and
//! by the stable test that replays its seeds and every crash ever found
//! (`tests/cli/fuzz_replay.rs`).
//!
//! 1. Parsing then rendering gives the text back byte for byte.
//! 2. Reading profiles never panics (errors are fine).
//! 3. An accepted edit of a readable file leaves a readable file, and the
//!    edited key reads back with the value written.
//! 4. Removing a section of a readable file leaves a readable file.
//! 5. Saving writes what `render` gives (`render_to`), and `is_unchanged`
//!    says whether that is the parsed text, before and after an edit.

use super::document::{Document, FileKind};

/// Check the properties above on `text`; `Err` says which one broke.
#[doc(hidden)]
pub fn check(text: &str) -> Result<(), String> {
    let doc = Document::parse(text);
    if doc.render() != text {
        return Err("round trip changed the text".into());
    }
    same_saved_text(&doc)?;
    let _ = doc.profiles(FileKind::Config);
    let Ok(before) = doc.profiles(FileKind::Credentials) else {
        return Ok(());
    };
    let section = doc
        .section_names()
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "fuzz".to_string());
    let mut edited = doc.clone();
    if edited.set(&section, "fuzz_key", "v#1").is_ok() {
        same_saved_text(&edited)?;
        let after = Document::parse(&edited.render())
            .profiles(FileKind::Credentials)
            .map_err(|e| format!("an edit of [{section}] left an unreadable file: {e}"))?;
        if before.profiles.contains_key(&section)
            && after
                .profiles
                .get(&section)
                .and_then(|p| p.get("fuzz_key"))
                .map(String::as_str)
                != Some("v#1")
        {
            return Err(format!("the edited key of [{section}] did not read back"));
        }
    }
    let mut removed = doc.clone();
    if removed.remove_section(&section).is_ok() {
        Document::parse(&removed.render())
            .profiles(FileKind::Credentials)
            .map_err(|e| format!("removing [{section}] left an unreadable file: {e}"))?;
    }
    Ok(())
}

/// Property 5 for one document.
fn same_saved_text(doc: &Document) -> Result<(), String> {
    let rendered = doc.render();
    let mut written = Vec::new();
    doc.render_to(&mut written)
        .map_err(|e| format!("render_to failed: {e}"))?;
    if written != rendered.as_bytes() {
        return Err("render_to wrote other bytes than render gives".into());
    }
    if doc.is_unchanged() != (rendered == doc.source()) {
        return Err("is_unchanged disagrees with comparing the rendered text".into());
    }
    Ok(())
}
