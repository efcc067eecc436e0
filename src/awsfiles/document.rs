//! The format-preserving document for `~/.aws/config` and `~/.aws/credentials`
//! (text in, text out, no I/O).
//!
//! The document is a list of raw lines, each with its own line ending. Every
//! line that an edit does not touch is written back byte for byte: comments
//! (`#`, `;`, inline ones too), blank lines, indentation, key spelling and
//! order, `\r\n` endings, a missing final newline, a UTF-8 byte-order mark,
//! continuation lines and nested sub-properties (`s3 =` followed by indented
//! `key = value` lines), sections we do not know (`[sso-session x]`,
//! `[services x]`, `[plugins]`) and duplicated sections or keys.
//!
//! Reading follows the AWS SDKs' shared profile-file rules (the conformance
//! suite every SDK runs): in the config file profiles are `[profile NAME]`
//! and `[default]`, in the credentials file `[NAME]`; a comment after a value
//! counts only when whitespace precedes it; a line that starts with
//! whitespace continues the previous property; invalid names are ignored.
//!
//! Edits address a section by its header text with whitespace normalised
//! (`profile dev`, `default`, `dev`) and a key case-insensitively:
//! - [`Document::set`] changes the value in place, keeping the key's spelling,
//!   the spacing around `=` and an inline comment; continuation lines of the
//!   old value go. A missing key goes after the last property of its
//!   section; a missing section goes at the end after one blank line. The new
//!   lines use the file's line ending (its first one; `\n` for a new file).
//! - [`Document::remove`] deletes every occurrence of a key in the section
//!   with its continuation lines.
//! - [`Document::remove_section`] deletes a header and its properties.
//! - A section whose header appears more than once is never edited: the edit
//!   fails with [`Error::DuplicateSection`] naming the lines, because botocore
//!   refuses such files and we cannot tell which copy the user means.
//!   Duplicates elsewhere are left alone.
//! - Values that would read back differently (line breaks, other control
//!   characters, leading or trailing whitespace, `#` or `;` after whitespace
//!   or at the start) are refused with [`Error::InvalidValue`].
//!
//! # Limitations
//! - Comment lines directly above a removed *key* stay: a comment above a
//!   block of keys usually describes the block, and we cannot tell. Comment
//!   lines directly above a removed *section* header (no blank line between)
//!   go with it; comment and blank lines at the end of a removed section
//!   stay, because they usually introduce the next section. Comment lines
//!   between a removed key and its continuation lines go with it.
//! - When a key appears twice in the edited section, `set` changes the last
//!   one (the one readers use) and leaves the others; `remove` removes all.
//! - Line endings are never converted, but new lines use the file's first
//!   line ending even when the file mixes them.
//! - A file without a final newline keeps it missing unless an edit appends
//!   after (or removes) the last line: then the old last line gets a line
//!   ending and the file ends with one.
//! - New keys are written as `key = value`, whatever spacing the file uses.
//! - botocore (AWS CLI, boto3) does not strip inline comments from values:
//!   it reads `region = eu-west-1 # home` as `eu-west-1 # home`, where the
//!   SDK rules read `eu-west-1`. `set` keeps such a comment (the file already
//!   meant that to botocore) and never writes one itself.
//! - Removing a section can leave a different number of blank lines than a
//!   human would: it drops the blank lines before the section when the
//!   section was followed by a blank line or by the end of the file.

use std::collections::BTreeMap;

use super::error::Error;

/// The spaces and tabs the profile-file rules trim.
const WS: [char; 2] = [' ', '\t'];

/// `s` without leading and trailing [`WS`] (a byte loop: both are ASCII).
fn trim_ws(s: &str) -> &str {
    trim_ws_end(trim_ws_start(s))
}

fn is_ws_byte(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_ws_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while b.get(i).is_some_and(|&c| is_ws_byte(c)) {
        i += 1;
    }
    s.get(i..).unwrap_or_default()
}

fn trim_ws_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut j = b.len();
    while j > 0 && b.get(j - 1).is_some_and(|&c| is_ws_byte(c)) {
        j -= 1;
    }
    s.get(..j).unwrap_or_default()
}

// Byte searches use `memchr` (SIMD where the CPU has it): parsing a file
// looks for a line end, an '=' or a comment start on every line. On x86_64
// they use its SSE2 searchers, which are part of the architecture: built
// and run inline, without memchr's run-time dispatch, which costs more than
// searching a line.
#[inline]
fn find_byte3(hay: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = memchr::arch::x86_64::sse2::memchr::Three::new(a, b, c) {
        return s.find(hay);
    }
    memchr::memchr3(a, b, c, hay)
}

#[inline]
fn find_byte2(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = memchr::arch::x86_64::sse2::memchr::Two::new(a, b) {
        return s.find(hay);
    }
    memchr::memchr2(a, b, hay)
}

#[inline]
fn find_byte(hay: &[u8], a: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = memchr::arch::x86_64::sse2::memchr::One::new(a) {
        return s.find(hay);
    }
    memchr::memchr(a, hay)
}

/// `f` with the index of every `\n` in `hay`, in order.
#[inline]
fn for_each_newline(hay: &[u8], mut f: impl FnMut(usize)) {
    // SSE2 is part of x86_64: its searcher needs no detection at run time,
    // so each search inlines here instead of going through memchr's
    // dispatch (most lines are shorter than one AVX2 vector anyway).
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(b'\n') {
        one.iter(hay).for_each(&mut f);
        return;
    }
    memchr::memchr_iter(b'\n', hay).for_each(f);
}

/// Which AWS file a document is: it decides how section names read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile NAME]`, `[default]`, `[sso-session NAME]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// The line ending a line had; its value is its length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Eol {
    None = 0,
    Lf = 1,
    CrLf = 2,
}

impl Eol {
    fn len(self) -> usize {
        usize::from(self as u8)
    }

    fn as_str(self) -> &'static str {
        match self {
            Eol::None => "",
            Eol::Lf => "\n",
            Eol::CrLf => "\r\n",
        }
    }
}

/// One line: where its text is (a span of the parsed text, or a line an
/// edit wrote), its ending, and its kind (decided once, when it is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    /// Byte range in `Document::src`, or with `own` an index into
    /// `Document::own` (`start`) and nothing else. 32 bits keep a line in
    /// 16 bytes: the line table of a large file is more than half its size,
    /// and every page of it is a page fault to fill (text over 4 GiB is not
    /// split into lines at all, see [`Document::parse_string`]).
    start: u32,
    end: u32,
    own: bool,
    eol: Eol,
    kind: Kind,
    /// For a header whose name is known ([`Line::inner`]): the name's last
    /// byte, so lookups pass over most headers without reading their text
    /// (see [`Line::may_name`]); 0 when not known.
    name_last: u8,
    /// For a header that parses: the byte range of the text inside its
    /// brackets within the line, when it fits; `(0, 0)` otherwise. Edits
    /// look sections up by name many times; this spares re-parsing headers.
    inner: (u16, u16),
}

impl Line {
    /// A line at `start..end` (both at most [`MAX_TEXT`]).
    fn new(start: usize, end: usize, own: bool, eol: Eol, text: &str) -> Line {
        Line::with_kind(start, end, own, eol, kind(text), || text)
    }

    /// The line of the parsed text `src` at `start..end`. Its kind comes
    /// from its first byte when that is enough; its text is sliced only for
    /// a header or an unusual first byte.
    #[inline(always)]
    fn parsed(src: &str, start: usize, end: usize, eol: Eol) -> Line {
        let text = || src.get(start..end).unwrap_or_default();
        let first = if start < end {
            src.as_bytes().get(start).copied()
        } else {
            None
        };
        let kind = kind_by_first(first).unwrap_or_else(|| kind_general(text()));
        Line::with_kind(start, end, false, eol, kind, text)
    }

    /// [`Line::new`] for a line whose kind is known: `text` is read only
    /// for a header.
    #[inline]
    fn with_kind<'t>(
        start: usize,
        end: usize,
        own: bool,
        eol: Eol,
        kind: Kind,
        text: impl FnOnce() -> &'t str,
    ) -> Line {
        let (inner, name_last) = if kind == Kind::Header {
            header_name(text())
        } else {
            ((0, 0), 0)
        };
        debug_assert!(end <= MAX_TEXT, "split only text of at most MAX_TEXT bytes");
        Line {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            own,
            eol,
            kind,
            name_last,
            inner,
        }
    }

    /// Whether this header line may name `want` (canonical): false only
    /// when its name is known to end otherwise, which [`same_name`] would
    /// also say, but without reading the line's text.
    fn may_name(&self, want: &str) -> bool {
        self.kind == Kind::Header
            && (self.name_last == 0 || Some(&self.name_last) == want.as_bytes().last())
    }

    fn start(&self) -> usize {
        self.start as usize
    }

    fn end(&self) -> usize {
        self.end as usize
    }
}

/// A header line's [`Line::inner`] and [`Line::name_last`]: where the text
/// inside its brackets is and its last byte, or `(0, 0)` and 0 when the
/// header does not parse or its name does not fit. Kept out of line: most
/// lines are not headers.
#[inline(never)]
fn header_name(text: &str) -> ((u16, u16), u8) {
    if let Ok(i) = header_inner(text) {
        let from = (i.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        if let (Ok(a), Ok(b)) = (u16::try_from(from), u16::try_from(from + i.len())) {
            return ((a, b), i.as_bytes().last().copied().unwrap_or(0));
        }
    }
    ((0, 0), 0)
}

/// The longest text whose lines the line table can address.
const MAX_TEXT: usize = u32::MAX as usize;

/// What a line is, decided from the line alone (as the SDK parsers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Comment,
    Header,
    Continuation,
    Entry,
}

fn kind(text: &str) -> Kind {
    kind_by_first(text.as_bytes().first().copied()).unwrap_or_else(|| kind_general(text))
}

/// [`kind`] decided from a line's first byte (`None`: the line is empty),
/// when that byte is enough: most lines start with a visible ASCII
/// character. Parsing reads only this byte of most lines.
#[inline]
fn kind_by_first(first: Option<u8>) -> Option<Kind> {
    match first {
        None => Some(Kind::Blank),
        Some(b'#' | b';') => Some(Kind::Comment),
        Some(b'[') => Some(Kind::Header),
        Some(c) if c.is_ascii_graphic() => Some(Kind::Entry),
        _ => None,
    }
}

/// [`kind`] by the rule itself, for any line.
fn kind_general(text: &str) -> Kind {
    if text.trim().is_empty() {
        Kind::Blank
    } else if text.starts_with(['#', ';']) {
        Kind::Comment
    } else if text.starts_with('[') {
        Kind::Header
    } else if text.starts_with(char::is_whitespace) {
        Kind::Continuation
    } else {
        Kind::Entry
    }
}

/// A parsed AWS config or credentials file that renders back byte for byte.
/// `Debug` shows only its size: the text may hold secret keys.
///
/// It keeps the parsed text as one buffer and each line as a span of it;
/// only the lines an edit writes own their text. Parsing, checking and
/// rendering allocate nothing per line, so the cost stays linear and small
/// for files with many thousands of profiles.
#[derive(Clone, Default)]
pub struct Document {
    bom: bool,
    /// The text as parsed (with the byte-order mark, if any).
    src: String,
    /// Text of lines written by edits.
    own: Vec<Box<str>>,
    lines: Vec<Line>,
    /// Parsed from more than [`MAX_TEXT`] bytes: `src` has no lines; it
    /// renders back whole, and checks and lookups refuse it.
    oversized: bool,
}

/// Two documents are equal when they render the same text.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.bom == other.bom
            && self.lines.len() == other.lines.len()
            && self
                .lines
                .iter()
                .zip(&other.lines)
                .all(|(a, b)| a.eol == b.eol && self.text(a) == other.text(b))
    }
}

impl Eq for Document {}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("bom", &self.bom)
            .field("lines", &self.lines.len())
            .finish_non_exhaustive()
    }
}

/// Keys whose values are secrets: never shown in diffs or `Debug` output.
pub const SECRET_KEYS: [&str; 3] = [
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key.trim_matches(WS)))
}

/// A line with the value of a secret key replaced by `<redacted>`, for
/// showing a diff to the user; other lines are returned as they are.
pub fn redact_line(text: &str) -> std::borrow::Cow<'_, str> {
    if kind(text) == Kind::Entry
        && let Ok(p) = entry_parts(text)
        && is_secret_key(&text[..p.key_end])
        && p.value_end > p.value_start
    {
        return format!(
            "{}<redacted>{}",
            &text[..p.value_start],
            &text[p.value_end..]
        )
        .into();
    }
    text.into()
}

/// Every line of a file as [`redact_line`] shows it, and in addition the
/// continuation lines under a secret key (`aws_secret_access_key =` with its
/// value on the next, indented line) redacted: for diffs shown to the user.
pub fn redact_lines(lines: &[&str]) -> Vec<String> {
    let mut under_secret = false;
    lines
        .iter()
        .map(|l| {
            let text = l.trim_end_matches('\n').trim_end_matches('\r');
            match kind(text) {
                Kind::Entry => {
                    under_secret = entry_parts(text)
                        .ok()
                        .and_then(|p| text.get(..p.key_end))
                        .is_some_and(is_secret_key);
                    redact_line(text).into_owned()
                }
                Kind::Continuation if under_secret => {
                    let indent = text.len() - text.trim_start().len();
                    format!("{}<redacted>", text.get(..indent).unwrap_or(""))
                }
                Kind::Continuation => text.to_string(),
                _ => {
                    under_secret = false;
                    text.to_string()
                }
            }
        })
        .collect()
}

/// The profiles (and sso-sessions) a reader sees in one file or in both.
/// Property keys are lowercased; later definitions win. `Debug` redacts the
/// values of [`SECRET_KEYS`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Profiles {
    /// Profile name to properties.
    pub profiles: BTreeMap<String, BTreeMap<String, String>>,
    /// `[sso-session NAME]` sections of the config file.
    pub sso_sessions: BTreeMap<String, BTreeMap<String, String>>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |m: &BTreeMap<String, BTreeMap<String, String>>| {
            m.iter()
                .map(|(n, props)| {
                    let props: BTreeMap<&str, &str> = props
                        .iter()
                        .map(|(k, v)| {
                            let v = if is_secret_key(k) {
                                "<redacted>"
                            } else {
                                v.as_str()
                            };
                            (k.as_str(), v)
                        })
                        .collect();
                    format!("{n}: {props:?}")
                })
                .collect::<Vec<_>>()
        };
        f.debug_struct("Profiles")
            .field("profiles", &shown(&self.profiles))
            .field("sso_sessions", &shown(&self.sso_sessions))
            .finish()
    }
}

impl Profiles {
    /// Merge the profiles of the config file with those of the credentials
    /// file; the credentials file wins for a property set in both.
    pub fn merge(mut config: Profiles, credentials: Profiles) -> Profiles {
        for (name, props) in credentials.profiles {
            config.profiles.entry(name).or_default().extend(props);
        }
        config
    }
}

/// The byte offsets of a property line's parts.
struct EntryParts {
    key_end: usize,
    value_start: usize,
    value_end: usize,
}

/// Where an inline comment starts: `#` or `;` after whitespace (or anywhere,
/// for headers).
fn comment_start(text: &str, need_whitespace: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(off) = find_byte2(bytes.get(from..)?, b'#', b';') {
        let i = from + off;
        if !need_whitespace || after_whitespace(text, i) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether the character before byte `i` (a character boundary) is
/// whitespace.
fn after_whitespace(text: &str, i: usize) -> bool {
    match i.checked_sub(1).and_then(|j| text.as_bytes().get(j)) {
        None => false,
        Some(&b) if b.is_ascii() => char::from(b).is_whitespace(),
        Some(_) => text
            .get(..i)
            .and_then(|before| before.chars().next_back())
            .is_some_and(char::is_whitespace),
    }
}

fn entry_parts(text: &str) -> Result<EntryParts, &'static str> {
    let (key_end, eq) = entry_key(text)?;
    // After the '=' (not whitespace), a comment needs whitespace before it.
    let after = text.get(eq + 1..).unwrap_or_default();
    let content = match comment_start(after, true) {
        Some(c) => after.get(..c).unwrap_or_default(),
        None => after,
    };
    let value_start = eq + 1 + (content.len() - trim_ws_start(content).len());
    let value_end = (eq + 1 + trim_ws_end(content).len()).max(value_start);
    Ok(EntryParts {
        key_end,
        value_start,
        value_end,
    })
}

/// The end of a property line's key and the index of its '=', or why it is
/// not a property.
#[inline]
fn entry_key(text: &str) -> Result<(usize, usize), &'static str> {
    const NO_EQ: &str = "expected an '=' sign defining a property";
    let bytes = text.as_bytes();
    // The first '=' before any comment (one scan for all three bytes).
    let mut from = 0;
    let eq = loop {
        let i = from
            + find_byte3(bytes.get(from..).unwrap_or_default(), b'=', b'#', b';').ok_or(NO_EQ)?;
        if bytes.get(i) == Some(&b'=') {
            break i;
        }
        if after_whitespace(text, i) {
            return Err(NO_EQ);
        }
        from = i + 1;
    };
    // The key is what precedes the '=' without trailing whitespace, and
    // must not be empty: one backwards scan of bytes decides both.
    let key_end = bytes
        .get(..eq)
        .unwrap_or_default()
        .iter()
        .rposition(|&c| !is_ws_byte(c))
        .map_or(0, |last| last + 1);
    if key_end == 0 {
        return Err("property did not have a name");
    }
    Ok((key_end, eq))
}

/// Whether the value of a property line whose '=' is at `eq` is empty,
/// without scanning the value: it is when only spaces, tabs and a comment
/// follow the '='.
#[inline]
fn value_is_empty(text: &str, eq: usize) -> bool {
    let after = text.as_bytes().get(eq + 1..).unwrap_or_default();
    // The first byte that is not a space or tab: none, or a comment start
    // with whitespace before it.
    match after.iter().position(|&c| !is_ws_byte(c)) {
        None => true,
        Some(i) => i > 0 && matches!(after.get(i), Some(b'#' | b';')),
    }
}

/// The text inside a header's brackets, trimmed, or why it is not a header.
fn header_inner(text: &str) -> Result<&str, &'static str> {
    // The common case, `[name]` or `[profile name]` with no comment, in one
    // scan: what the general rule below gives for it.
    if let [b'[', inner @ .., b']'] = text.as_bytes()
        && find_byte2(inner, b'#', b';').is_none()
        && let Some(inner) = text.get(1..=inner.len())
    {
        return Ok(trim_ws(inner));
    }
    header_inner_general(text)
}

/// [`header_inner`] by the rule itself: a comment may start anywhere, then
/// the brackets, then the name trimmed.
fn header_inner_general(text: &str) -> Result<&str, &'static str> {
    let end = comment_start(text, false).unwrap_or(text.len());
    let line = trim_ws(text.get(..end).unwrap_or_default());
    let inner = line
        .strip_suffix(']')
        .ok_or("profile definition must end with ']'")?;
    let inner = inner
        .strip_prefix('[')
        .ok_or("profile definition must start with '['")?;
    Ok(trim_ws(inner))
}

/// `profile \t dev` and `profile dev` name the same section.
fn canonical(inner: &str) -> String {
    match inner.find(WS) {
        Some(i) => format!("{} {}", &inner[..i], inner[i..].trim_matches(WS)),
        None => inner.to_string(),
    }
}

/// Whether a header's inner text names `want` (already canonical), without
/// allocating.
fn same_name(inner: &str, want: &str) -> bool {
    // Equal names end alike: the canonical form keeps the name's last word
    // as it is, at its end. Most headers of a large file (`[profile p1]` to
    // `[profile p10000]`) are told apart by their last bytes alone.
    let end = trim_ws_end(inner);
    if end.is_empty() != want.is_empty()
        || end
            .bytes()
            .rev()
            .take_while(|&c| !is_ws_byte(c))
            .zip(want.bytes().rev())
            .any(|(a, b)| a != b)
    {
        return false;
    }
    match find_byte2(inner.as_bytes(), b' ', b'\t') {
        None => inner == want,
        Some(i) => {
            let word = inner.get(..i).unwrap_or_default();
            let rest = trim_ws(inner.get(i..).unwrap_or_default());
            want.len() == word.len() + 1 + rest.len()
                && want.starts_with(word)
                && want[word.len()..].starts_with(' ')
                && want.ends_with(rest)
        }
    }
}

/// Names of profiles, sso-sessions and properties: what the SDKs accept.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_/.%@:+".contains(c))
}

/// Refuse a profile name that readers would ignore.
pub fn check_profile_name(name: &str) -> Result<(), Error> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what: "profile",
            name: name.to_string(),
            reason: "use only letters, digits and - _ / . % @ : +",
        })
    }
}

fn check_key(key: &str) -> Result<(), Error> {
    if is_valid_name(key) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what: "key",
            name: key.to_string(),
            reason: "use only letters, digits and - _ / . % @ : +",
        })
    }
}

fn check_section(section: &str) -> Result<(), Error> {
    let bad = section.is_empty()
        || section != section.trim()
        || section
            .chars()
            .any(|c| c.is_control() || matches!(c, '[' | ']' | '#' | ';'));
    if bad {
        Err(Error::InvalidName {
            what: "section",
            name: section.to_string(),
            reason: "a section name cannot be empty, start or end with whitespace, or hold [ ] # ; or control characters",
        })
    } else {
        Ok(())
    }
}

/// Refuse a value that would not read back as written.
pub fn check_value(key: &str, value: &str) -> Result<(), Error> {
    let reason = if value.contains(['\n', '\r']) {
        Some("contains a line break")
    } else if value.chars().any(char::is_control) {
        Some("contains a control character")
    } else if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        Some("starts or ends with whitespace")
    } else if value.starts_with(['#', ';']) || comment_start(value, true).is_some() {
        Some("holds '#' or ';' at its start or after whitespace (an inline comment)")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidValue {
            key: key.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// The config-file section of a profile: `default` or `profile NAME`.
pub fn config_section(profile: &str) -> String {
    if profile == "default" {
        "default".to_string()
    } else {
        format!("profile {profile}")
    }
}

/// A section found in the document: header line index and end (exclusive).
#[derive(Debug, Clone, Copy)]
struct Span {
    header: usize,
    end: usize,
}

/// One property of a section as the reader sees it. `Debug` redacts the
/// values of [`SECRET_KEYS`].
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    /// The key as written.
    pub key: String,
    /// The value, continuation lines joined with `\n`.
    pub value: String,
    /// 1-based line number of the key.
    pub line: usize,
}

impl std::fmt::Debug for Property {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = if is_secret_key(&self.key) {
            "<redacted>"
        } else {
            &self.value
        };
        f.debug_struct("Property")
            .field("key", &self.key)
            .field("value", &value)
            .field("line", &self.line)
            .finish()
    }
}

/// What [`Document::walk`] reports, in file order.
enum Event<'a> {
    /// A header, with the text inside its brackets (trimmed).
    Section(&'a str),
    /// A property: its key as written and its line (the value is found
    /// only when asked for, with [`entry_parts`]).
    Property(&'a str, &'a str),
    /// A continuation line of the last property, trimmed.
    Continuation(&'a str),
}

const OVERSIZED: &str = "the text is larger than 4 GiB";

/// The error for line index `i` (0-based) breaking a rule.
fn parse_error(i: usize, reason: &str) -> Error {
    Error::Parse {
        path: Default::default(),
        line: i + 1,
        reason: reason.to_string(),
    }
}

/// A section as [`Document::profiles`] collects it.
struct RawSection<'a> {
    inner: &'a str,
    props: Vec<(&'a str, std::borrow::Cow<'a, str>)>,
}

impl Document {
    /// Split text into lines. Never fails: lines the rules reject are kept and
    /// reported by [`Document::validate`].
    pub fn parse(text: &str) -> Document {
        Document::parse_string(text.to_string())
    }

    /// [`Document::parse`] taking the text by value, which saves a copy.
    pub fn parse_string(src: String) -> Document {
        let body_start = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let body = src.get(body_start..).unwrap_or_default();
        if src.len() > MAX_TEXT {
            // Never read from a file (reads are capped far below), but kept:
            // it renders back whole, and checks and lookups refuse it.
            return Document {
                bom: false,
                src,
                own: Vec::new(),
                lines: Vec::new(),
                oversized: true,
            };
        }
        // A typical line is 20-40 bytes; one reservation avoids regrowing.
        let mut lines = Vec::with_capacity(body.len() / 24 + 1);
        // One search over the whole text finds every line end (cheaper than
        // a search per line).
        let bytes = src.as_bytes();
        let parsed = |start, end, eol| Line::parsed(&src, start, end, eol);
        let mut pos = body_start;
        for_each_newline(body.as_bytes(), |i| {
            let nl = body_start + i;
            let (end, eol) = match nl.checked_sub(1) {
                Some(cr) if cr >= pos && bytes.get(cr) == Some(&b'\r') => (cr, Eol::CrLf),
                _ => (nl, Eol::Lf),
            };
            lines.push(parsed(pos, end, eol));
            pos = nl + 1;
        });
        if pos < src.len() {
            lines.push(parsed(pos, src.len(), Eol::None));
        }
        Document {
            bom: body_start > 0,
            src,
            own: Vec::new(),
            lines,
            oversized: false,
        }
    }

    /// The text as parsed, before any edit.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// The text of a line (without its ending).
    fn text(&self, l: &Line) -> &str {
        if l.own {
            self.own.get(l.start()).map(|t| &**t).unwrap_or_default()
        } else {
            self.src.get(l.start()..l.end()).unwrap_or_default()
        }
    }

    /// The text of line `i` (empty past the end).
    fn line(&self, i: usize) -> &str {
        self.lines.get(i).map(|l| self.text(l)).unwrap_or_default()
    }

    fn kind_at(&self, i: usize) -> Option<Kind> {
        self.lines.get(i).map(|l| l.kind)
    }

    /// A line holding text an edit wrote.
    fn owned_line(&mut self, text: String, eol: Eol) -> Line {
        let line = Line::new(self.own.len(), 0, true, eol, &text);
        self.own.push(text.into_boxed_str());
        line
    }

    /// The text inside a header line's brackets, or why it is not a header.
    #[inline(always)]
    fn header(&self, l: &Line) -> Result<&str, &'static str> {
        let text = self.text(l);
        match l.inner {
            (0, 0) => header_inner(text),
            (a, b) => Ok(text.get(usize::from(a)..usize::from(b)).unwrap_or_default()),
        }
    }

    /// The text, byte for byte as parsed except for the edits made.
    pub fn render(&self) -> String {
        let extra: usize = self.own.iter().map(|t| t.len() + 2).sum();
        let mut out = String::with_capacity(self.src.len() + extra + 2);
        self.render_pieces(|piece| {
            out.push_str(piece);
            true
        });
        out
    }

    /// [`Document::render`] written straight to `out`, for saving a large
    /// file without building its text in memory.
    pub fn render_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut result = Ok(());
        self.render_pieces(|piece| {
            result = out.write_all(piece.as_bytes());
            result.is_ok()
        });
        result
    }

    /// Whether [`Document::render`] would give back the parsed text (no edit
    /// changed it), found without building the text.
    pub fn is_unchanged(&self) -> bool {
        let src = self.src.as_bytes();
        let mut at = 0;
        let mut same = true;
        self.render_pieces(|piece| {
            let piece = piece.as_bytes();
            let end = at + piece.len();
            // Untouched runs are the source itself, at their own offset
            // until an edit shifts them: those compare without reading.
            same = src
                .get(at..end)
                .is_some_and(|s| std::ptr::eq(s.as_ptr(), piece.as_ptr()) || s == piece);
            at = end;
            same
        });
        same && at == src.len()
    }

    /// The rendered text in pieces, in order, to `f` until it returns
    /// false: the byte-order mark, runs of untouched lines (contiguous in
    /// `src`, each given at once), edited lines and their endings.
    fn render_pieces<'a>(&'a self, mut f: impl FnMut(&'a str) -> bool) {
        if self.oversized {
            f(&self.src);
            return;
        }
        if self.bom && !f(self.src.get(..'\u{feff}'.len_utf8()).unwrap_or_default()) {
            return;
        }
        // Untouched lines not given yet: `src[run.0..run.1]` (none when
        // empty).
        let mut run = (0, 0);
        let given = |run: (usize, usize)| self.src.get(run.0..run.1).unwrap_or_default();
        for l in &self.lines {
            if !l.own && self.ends_as_parsed(l) {
                if run.1 != l.start() {
                    if run.0 < run.1 && !f(given(run)) {
                        return;
                    }
                    run.0 = l.start();
                }
                run.1 = l.end() + l.eol.len();
            } else {
                if run.0 < run.1 && !f(given(run)) {
                    return;
                }
                run = (0, 0);
                if !f(self.text(l)) || !f(l.eol.as_str()) {
                    return;
                }
            }
        }
        if run.0 < run.1 {
            f(given(run));
        }
    }

    /// Whether a parsed line still ends as it did in `src` (an edit may give
    /// the last line the newline it lacked), read byte by byte: this runs
    /// for every line each time the text is rendered or compared.
    fn ends_as_parsed(&self, l: &Line) -> bool {
        let src = self.src.as_bytes();
        match l.eol {
            Eol::Lf => src.get(l.end()) == Some(&b'\n'),
            Eol::CrLf => src.get(l.end()..l.end() + 2) == Some(b"\r\n".as_slice()),
            Eol::None => l.end() <= src.len(),
        }
    }

    /// The line ending new lines get.
    fn eol(&self) -> Eol {
        self.lines
            .iter()
            .map(|l| l.eol)
            .find(|e| *e != Eol::None)
            .unwrap_or(Eol::Lf)
    }

    /// Walk the lines as the SDK parsers do, reporting sections, properties
    /// and continuation lines to `f`, or stop at the first syntax error.
    fn walk<'a>(&'a self, mut f: impl FnMut(Event<'a>)) -> Result<(), Error> {
        let err = parse_error;
        if self.oversized {
            return Err(err(0, OVERSIZED));
        }
        let mut have_section = false;
        // Whether the current property started empty (a sub-property block).
        let mut sub = false;
        let mut have_prop = false;
        for (i, l) in self.lines.iter().enumerate() {
            match l.kind {
                Kind::Blank | Kind::Comment => {}
                Kind::Header => {
                    let inner = self.header(l).map_err(|r| err(i, r))?;
                    f(Event::Section(inner));
                    have_section = true;
                    have_prop = false;
                }
                Kind::Entry => {
                    if !have_section {
                        return Err(err(i, "expected a profile definition before this property"));
                    }
                    let text = self.text(l);
                    let (key_end, eq) = entry_key(text).map_err(|r| err(i, r))?;
                    sub = value_is_empty(text, eq);
                    f(Event::Property(
                        text.get(..key_end).unwrap_or_default(),
                        text,
                    ));
                    have_prop = true;
                }
                Kind::Continuation => {
                    if !have_section {
                        return Err(err(
                            i,
                            "expected a profile definition before this continuation",
                        ));
                    }
                    if !have_prop {
                        return Err(err(i, "expected a property definition, found continuation"));
                    }
                    let line = self.text(l).trim();
                    if sub {
                        let content = match comment_start(line, true) {
                            Some(c) => line.get(..c).unwrap_or_default(),
                            None => line,
                        };
                        let Some(eq) = find_byte(content.as_bytes(), b'=') else {
                            return Err(err(i, "expected an '=' sign defining a sub-property"));
                        };
                        if trim_ws(content.get(..eq).unwrap_or_default()).is_empty() {
                            return Err(err(i, "sub-property did not have a name"));
                        }
                    }
                    f(Event::Continuation(line));
                }
            }
        }
        Ok(())
    }

    /// The first place where the file breaks the profile-file rules.
    pub fn validate(&self) -> Result<(), Error> {
        self.walk(|_| {})
    }

    /// The profiles a reader of this file sees.
    pub fn profiles(&self, kind: FileKind) -> Result<Profiles, Error> {
        let mut sections: Vec<RawSection<'_>> = Vec::new();
        self.walk(|e| match e {
            Event::Section(inner) => sections.push(RawSection {
                inner,
                props: Vec::new(),
            }),
            Event::Property(k, line) => {
                if let Some(s) = sections.last_mut() {
                    let v = entry_parts(line)
                        .ok()
                        .and_then(|p| line.get(p.value_start..p.value_end))
                        .unwrap_or_default();
                    s.props.push((k, v.into()));
                }
            }
            Event::Continuation(line) => {
                if let Some((_, v)) = sections.last_mut().and_then(|s| s.props.last_mut()) {
                    let v = v.to_mut();
                    v.push('\n');
                    v.push_str(line);
                }
            }
        })?;
        let mut out = Profiles::default();
        let has_prefixed_default = kind == FileKind::Config
            && sections
                .iter()
                .any(|s| same_name(s.inner, "profile default"));
        for s in sections {
            let (prefix, name) = match s.inner.find(WS) {
                Some(i) => (&s.inner[..i], s.inner[i..].trim_matches(WS)),
                None => ("", s.inner),
            };
            let target = match kind {
                FileKind::Config => match prefix {
                    "profile" => &mut out.profiles,
                    "sso-session" => &mut out.sso_sessions,
                    "" if name == "default" && !has_prefixed_default => &mut out.profiles,
                    _ => continue,
                },
                FileKind::Credentials => {
                    if !prefix.is_empty() {
                        continue;
                    }
                    &mut out.profiles
                }
            };
            if !is_valid_name(name) {
                continue;
            }
            let props = target.entry(name.to_string()).or_default();
            for (k, v) in s.props {
                if is_valid_name(k) {
                    props.insert(k.to_lowercase(), v.into_owned());
                }
            }
        }
        Ok(out)
    }

    /// Section names (header text, whitespace normalised) in file order,
    /// duplicates included.
    pub fn section_names(&self) -> Vec<String> {
        self.spans_all().into_iter().map(|(n, _)| n).collect()
    }

    fn spans_all(&self) -> Vec<(String, Span)> {
        let mut out: Vec<(String, Span)> = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            if l.kind == Kind::Header {
                if let Some(last) = out.last_mut() {
                    last.1.end = i;
                }
                let name = self.header(l).map(canonical).unwrap_or_default();
                out.push((
                    name,
                    Span {
                        header: i,
                        end: self.lines.len(),
                    },
                ));
            }
        }
        out
    }

    /// The one section named `section`; an error if it appears twice.
    fn find(&self, section: &str) -> Result<Option<Span>, Error> {
        if self.oversized {
            return Err(parse_error(0, OVERSIZED));
        }
        let want = canonical(section);
        // One pass without allocating a name per section: this runs for every
        // edit, and credentials files can hold thousands of profiles.
        let mut found: Vec<Span> = Vec::new();
        let mut in_match = false;
        for (i, l) in self.lines.iter().enumerate() {
            if l.kind != Kind::Header {
                continue;
            }
            if in_match && let Some(last) = found.last_mut() {
                last.end = i;
            }
            in_match =
                l.may_name(&want) && self.header(l).is_ok_and(|inner| same_name(inner, &want));
            if in_match {
                found.push(Span {
                    header: i,
                    end: self.lines.len(),
                });
            }
        }
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(Error::DuplicateSection {
                path: Default::default(),
                section: want,
                lines: many.iter().map(|s| s.header + 1).collect(),
            }),
        }
    }

    /// For the credentials file: `section`'s header as botocore (the AWS CLI,
    /// boto3) reads it, with its 1-based line, when that differs from the
    /// name the SDK rules give it. botocore keeps spaces inside the brackets,
    /// so `[ dev ]` is its profile " dev " while every other SDK reads "dev".
    pub fn botocore_credentials_name(
        &self,
        section: &str,
    ) -> Result<Option<(usize, String)>, Error> {
        let Some(span) = self.find(section)? else {
            return Ok(None);
        };
        // configparser strips the line, then takes what is between the first
        // '[' and the last ']' (its SECTCRE, `\[(?P<header>.+)\]`).
        let line = self.line(span.header).trim();
        let botocore = match (line.find('['), line.rfind(']')) {
            (Some(open), Some(close)) if close > open + 1 => &line[open + 1..close],
            _ => return Ok(None),
        };
        Ok((botocore != canonical(section)).then(|| (span.header + 1, botocore.to_string())))
    }

    /// Whether a section with this header exists (once or more).
    pub fn has_section(&self, section: &str) -> bool {
        let want = canonical(section);
        self.lines
            .iter()
            .any(|l| l.may_name(&want) && self.header(l).is_ok_and(|inner| same_name(inner, &want)))
    }

    /// The section of `profile` in a config file: `profile default` when the
    /// file has it (readers prefer it over `default`), else
    /// [`config_section`].
    pub fn config_section_for(&self, profile: &str) -> String {
        if profile == "default" && self.has_section("profile default") {
            "profile default".to_string()
        } else {
            config_section(profile)
        }
    }

    /// The index after an entry's last continuation line.
    fn entry_end(&self, entry: usize, limit: usize) -> usize {
        let mut end = entry + 1;
        for j in entry + 1..limit {
            match self.kind_at(j) {
                Some(Kind::Continuation) => end = j + 1,
                Some(Kind::Blank | Kind::Comment) => {}
                _ => break,
            }
        }
        end
    }

    /// Entry line indexes within a span, with the parts of each.
    fn entries(&self, span: Span) -> Vec<(usize, EntryParts)> {
        (span.header + 1..span.end)
            .filter_map(|i| {
                let l = self.lines.get(i)?;
                if l.kind != Kind::Entry {
                    return None;
                }
                entry_parts(self.text(l)).ok().map(|p| (i, p))
            })
            .collect()
    }

    /// The key of entry line `i`.
    fn key_at(&self, i: usize, p: &EntryParts) -> &str {
        self.line(i).get(..p.key_end).unwrap_or_default()
    }

    fn value_of(&self, i: usize, p: &EntryParts, span: Span) -> String {
        let mut v = self
            .line(i)
            .get(p.value_start..p.value_end)
            .unwrap_or_default()
            .to_string();
        for j in i + 1..self.entry_end(i, span.end) {
            if self.kind_at(j) == Some(Kind::Continuation) {
                v.push('\n');
                v.push_str(self.line(j).trim());
            }
        }
        v
    }

    /// The properties of a section in file order, or `None` when it is
    /// missing. Fails when the section appears more than once.
    pub fn properties(&self, section: &str) -> Result<Option<Vec<Property>>, Error> {
        let Some(span) = self.find(section)? else {
            return Ok(None);
        };
        Ok(Some(
            self.entries(span)
                .into_iter()
                .map(|(i, p)| Property {
                    key: self.key_at(i, &p).to_string(),
                    value: self.value_of(i, &p, span),
                    line: i + 1,
                })
                .collect(),
        ))
    }

    /// The value a reader sees for `key` in `section` (the last occurrence).
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>, Error> {
        let want = key.to_lowercase();
        Ok(self.properties(section)?.and_then(|props| {
            props
                .into_iter()
                .rev()
                .find(|p| same_key(&p.key, &want))
                .map(|p| p.value)
        }))
    }

    /// Set `key = value` in `section`, creating either when missing. Returns
    /// whether the text changed.
    pub fn set(&mut self, section: &str, key: &str, value: &str) -> Result<bool, Error> {
        check_section(section)?;
        check_key(key)?;
        check_value(key, value)?;
        let new_line = if value.is_empty() {
            format!("{key} =")
        } else {
            format!("{key} = {value}")
        };
        let Some(span) = self.find(section)? else {
            self.append_section(section, vec![new_line]);
            return Ok(true);
        };
        let want = key.to_lowercase();
        let entries = self.entries(span);
        let existing = entries
            .iter()
            .rev()
            .find(|(i, p)| same_key(self.key_at(*i, p), &want));
        if let Some((i, p)) = existing {
            let i = *i;
            if self.value_of(i, p, span) == value {
                return Ok(false);
            }
            let end = self.entry_end(i, span.end);
            let text = self.line(i);
            let mut prefix = text.get(..p.value_start).unwrap_or_default().to_string();
            let mut suffix = text.get(p.value_end..).unwrap_or_default().to_string();
            if !value.is_empty() {
                if !prefix.ends_with(char::is_whitespace) {
                    prefix.push(' ');
                }
                if !suffix.is_empty() && !suffix.starts_with(char::is_whitespace) {
                    suffix.insert(0, ' ');
                }
            }
            let eol = self.lines.get(i).map_or(Eol::None, |l| l.eol);
            let line = self.owned_line(format!("{prefix}{value}{suffix}"), eol);
            self.lines.splice(i..end, [line]);
            return Ok(true);
        }
        let at = match entries.last() {
            Some((i, _)) => self.entry_end(*i, span.end),
            None => span.header + 1,
        };
        self.insert_lines(at, vec![new_line]);
        Ok(true)
    }

    /// Remove every `key` of `section` with its continuation lines. Returns
    /// whether anything was removed.
    pub fn remove(&mut self, section: &str, key: &str) -> Result<bool, Error> {
        let Some(span) = self.find(section)? else {
            return Ok(false);
        };
        let want = key.to_lowercase();
        let doomed: Vec<(usize, usize)> = self
            .entries(span)
            .into_iter()
            .filter(|(i, p)| same_key(self.key_at(*i, p), &want))
            .map(|(i, _)| (i, self.entry_end(i, span.end)))
            .collect();
        for (start, end) in doomed.iter().rev() {
            self.lines.drain(*start..*end);
        }
        Ok(!doomed.is_empty())
    }

    /// Remove a whole section (see the module's "Limitations"). Returns
    /// whether it existed.
    pub fn remove_section(&mut self, section: &str) -> Result<bool, Error> {
        let Some(span) = self.find(section)? else {
            return Ok(false);
        };
        // Trailing blank and comment lines introduce whatever follows.
        let mut end = span.end;
        while end > span.header + 1
            && matches!(self.kind_at(end - 1), Some(Kind::Blank | Kind::Comment))
        {
            end -= 1;
        }
        // Comment lines glued to the header describe this section.
        let mut start = span.header;
        while start > 0 && self.kind_at(start - 1) == Some(Kind::Comment) {
            start -= 1;
        }
        let followed_by_blank = matches!(self.kind_at(end), None | Some(Kind::Blank));
        if followed_by_blank {
            while start > 0 && self.kind_at(start - 1) == Some(Kind::Blank) {
                start -= 1;
            }
        }
        self.lines.drain(start..end);
        Ok(true)
    }

    /// Insert lines before index `at`, giving the line before a line ending
    /// when it had none.
    fn insert_lines(&mut self, at: usize, texts: Vec<String>) {
        let eol = self.eol();
        if at > 0
            && let Some(prev) = self.lines.get_mut(at - 1)
            && prev.eol == Eol::None
        {
            prev.eol = eol;
        }
        let new: Vec<Line> = texts
            .into_iter()
            .map(|text| self.owned_line(text, eol))
            .collect();
        let at = at.min(self.lines.len());
        self.lines.splice(at..at, new);
    }

    fn append_section(&mut self, section: &str, body: Vec<String>) {
        let mut texts = Vec::new();
        let ends_blank = self.lines.last().is_none_or(|l| l.kind == Kind::Blank);
        if !ends_blank {
            texts.push(String::new());
        }
        texts.push(format!("[{section}]"));
        texts.extend(body);
        let at = self.lines.len();
        self.insert_lines(at, texts);
    }

    /// 1-based line numbers of the headers of `section` (more than one when
    /// duplicated): the proptests' oracle.
    #[cfg(test)]
    pub(crate) fn section_lines(&self, section: &str) -> Vec<usize> {
        let want = canonical(section);
        self.spans_all()
            .into_iter()
            .filter(|(n, _)| *n == want)
            .map(|(_, s)| s.header + 1)
            .collect()
    }
}

/// Whether a key as written is `want` (already lowercased), without
/// allocating.
fn same_key(key: &str, want: &str) -> bool {
    key.chars().flat_map(char::to_lowercase).eq(want.chars())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(input: &str, f: impl FnOnce(&mut Document)) -> String {
        let mut d = Document::parse(input);
        f(&mut d);
        d.render()
    }

    /// The character-by-character rule the byte scanners must agree with.
    fn naive_comment_start(text: &str, need_whitespace: bool) -> Option<usize> {
        let mut prev_ws = false;
        for (i, c) in text.char_indices() {
            if (c == '#' || c == ';') && (prev_ws || !need_whitespace) {
                return Some(i);
            }
            prev_ws = c.is_whitespace();
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn byte_scanners_agree_with_the_character_rules(
            text in "(\\PC|\u{3000}|\u{85}|\t| |=|#|;|\\[|\\]){0,40}"
        ) {
            let b = text.as_bytes();
            for (x, y, z) in [(b'=', b'#', b';'), (b' ', b' ', b' '), (b'\t', b'#', b'#')] {
                proptest::prop_assert_eq!(
                    find_byte3(b, x, y, z),
                    b.iter().position(|&c| c == x || c == y || c == z)
                );
                proptest::prop_assert_eq!(
                    find_byte2(b, x, y),
                    b.iter().position(|&c| c == x || c == y)
                );
                proptest::prop_assert_eq!(find_byte(b, x), b.iter().position(|&c| c == x));
            }
            for need in [true, false] {
                proptest::prop_assert_eq!(comment_start(&text, need), naive_comment_start(&text, need));
            }
            // entry_parts: the '=' before the comment, trimmed key and value.
            let content = &text[..naive_comment_start(&text, true).unwrap_or(text.len())];
            match (entry_parts(&text), content.find('=')) {
                (Err(_), None) => {}
                (Err(_), Some(eq)) => proptest::prop_assert!(content[..eq].trim_matches(WS).is_empty()),
                (Ok(p), Some(eq)) => {
                    proptest::prop_assert_eq!(value_is_empty(&text, eq), p.value_start == p.value_end);
                    proptest::prop_assert_eq!(&text[..p.key_end], content[..eq].trim_end_matches(WS));
                    proptest::prop_assert_eq!(
                        &text[p.value_start..p.value_end],
                        content[eq + 1..].trim_matches(WS)
                    );
                }
                (Ok(_), None) => proptest::prop_assert!(false, "no '=' but parsed"),
            }
            // header_inner: the fast path agrees with the general one.
            let general = {
                let end = naive_comment_start(&text, false).unwrap_or(text.len());
                text[..end]
                    .trim_matches(WS)
                    .strip_suffix(']')
                    .and_then(|t| t.strip_prefix('['))
                    .map(|t| t.trim_matches(WS))
            };
            proptest::prop_assert_eq!(header_inner(&text).ok(), general);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]

        /// The fuzz target's properties over line-structured text that hits
        /// the byte scanners' edges (runs near eight bytes, CRLF, a BOM,
        /// comments, continuations).
        #[test]
        fn structured_text_keeps_the_fuzz_invariants(
            lines in proptest::collection::vec(
                "(\\[ ?(profile )?[a-z]{0,9} ?\\]|[a-z_]{0,9} ?= ?[a-z#;=]{0,12}( [#;] ?c)?|  [a-z]{0,3} = [a-z]{0,3}|[#;].{0,5}| ?|\u{3000}\\[a\\])",
                0..12,
            ),
            crlf in proptest::bool::ANY,
            bom in proptest::bool::ANY,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, lines.join(eol));
            if let Err(broken) = super::super::invariants::check(&text) {
                proptest::prop_assert!(false, "{broken}: {text:?}");
            }
        }
    }

    #[test]
    fn round_trip_keeps_crlf_bom_and_missing_newline() {
        let text = "\u{feff}# c\r\n[default]\r\nregion = eu-west-1 ; x\r\n\r\n[profile a]\n s3 =\n  k = v\nkey=v";
        assert_eq!(Document::parse(text).render(), text);
    }

    #[test]
    fn set_value_keeps_inline_comment() {
        let out = edit("[dev]\nregion  =  us-east-1   # home\n", |d| {
            assert!(d.set("dev", "REGION", "eu-west-1").unwrap());
        });
        assert_eq!(out, "[dev]\nregion  =  eu-west-1   # home\n");
    }

    #[test]
    fn set_value_on_empty_value_with_comment_keeps_comment() {
        let out = edit("[dev]\nregion = # todo\n", |d| {
            d.set("dev", "region", "x").unwrap();
        });
        assert_eq!(out, "[dev]\nregion = x # todo\n");
        assert_eq!(
            Document::parse(&out)
                .get("dev", "region")
                .unwrap()
                .as_deref(),
            Some("x")
        );
    }

    #[test]
    fn set_same_value_changes_nothing() {
        let mut d = Document::parse("[dev]\nregion=eu\n");
        assert!(!d.set("dev", "region", "eu").unwrap());
        assert_eq!(d.render(), "[dev]\nregion=eu\n");
    }

    #[test]
    fn new_key_goes_after_last_property_before_trailing_comments() {
        let out = edit("[a]\nx = 1\n s = 2\n\n# about b\n[b]\n", |d| {
            d.set("a", "y", "3").unwrap();
        });
        assert_eq!(out, "[a]\nx = 1\n s = 2\ny = 3\n\n# about b\n[b]\n");
    }

    #[test]
    fn new_section_goes_at_end_after_one_blank_line_with_file_eol() {
        let out = edit("[a]\r\nx = 1", |d| {
            d.set("profile b", "k", "v").unwrap();
        });
        assert_eq!(out, "[a]\r\nx = 1\r\n\r\n[profile b]\r\nk = v\r\n");
    }

    #[test]
    fn set_replaces_nested_block() {
        let out = edit("[profile a]\ns3 =\n  max = 1\n\n  min = 2\nx = 1\n", |d| {
            d.set("profile a", "s3", "none").unwrap();
        });
        assert_eq!(out, "[profile a]\ns3 = none\nx = 1\n");
    }

    #[test]
    fn duplicate_section_is_refused_with_line_numbers() {
        let mut d = Document::parse("[a]\nx = 1\n[b]\n[a]\n");
        let e = d.set("a", "x", "2").unwrap_err();
        assert!(e.to_string().contains("lines 1, 4"), "{e}");
        assert_eq!(d.render(), "[a]\nx = 1\n[b]\n[a]\n");
        // Other sections stay editable.
        assert!(d.set("b", "y", "1").unwrap());
    }

    #[test]
    fn values_that_change_meaning_are_refused() {
        let mut d = Document::default();
        for v in ["a\nb", " a", "a ", "a #b", "#a", ";a", "a\tb;c", "a\u{0}"] {
            assert!(
                matches!(d.set("x", "k", v), Err(Error::InvalidValue { .. })),
                "{v:?}"
            );
        }
        assert!(d.set("x", "k", "a#b;c").is_ok());
    }

    #[test]
    fn remove_key_takes_continuations_keeps_comment_above() {
        let out = edit("[a]\n# keys\ns3 =\n  a = 1\nx = 2\n", |d| {
            assert!(d.remove("a", "S3").unwrap());
        });
        assert_eq!(out, "[a]\n# keys\nx = 2\n");
    }

    #[test]
    fn remove_section_takes_glued_comments_and_separator() {
        let out = edit("[a]\nx=1\n\n# b\n[b]\ny=2\n\n# c\n[c]\n", |d| {
            assert!(d.remove_section("b").unwrap());
        });
        assert_eq!(out, "[a]\nx=1\n\n# c\n[c]\n");
        let out = edit("[a]\nx=1\n\n[b]\ny=2\n", |d| {
            assert!(d.remove_section("b").unwrap());
        });
        assert_eq!(out, "[a]\nx=1\n");
    }

    #[test]
    fn secrets_stay_out_of_debug_and_redacted_lines() {
        let d = Document::parse("[a]\naws_secret_access_key = SECRETVALUE # c\nregion = eu\n");
        assert!(!format!("{d:?}").contains("SECRETVALUE"));
        let p = d.profiles(FileKind::Credentials).unwrap();
        assert!(!format!("{p:?}").contains("SECRETVALUE"));
        assert!(format!("{p:?}").contains("eu"));
        let props = d.properties("a").unwrap().unwrap();
        assert!(!format!("{props:?}").contains("SECRETVALUE"));
        assert_eq!(
            redact_line("aws_secret_access_key = SECRETVALUE # c"),
            "aws_secret_access_key = <redacted> # c"
        );
        assert_eq!(redact_line("region = eu"), "region = eu");
    }

    #[test]
    fn same_name_agrees_with_canonical() {
        let names = [
            "dev",
            "profile dev",
            "profile\t dev",
            "profile devx",
            "profiledev",
            "a b c",
            "a  b\tc",
        ];
        for inner in names {
            for want in names {
                let want = canonical(want);
                assert_eq!(
                    same_name(inner, &want),
                    canonical(inner) == want,
                    "{inner:?} {want:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn header_fast_path_agrees_with_the_rule(
            text in "[ \t]?\\[?[ \t]?[a-c]{0,3}([ \t]{1,2}[a-c#;]{1,3}){0,2}[ \t]?\\]?[ \t]?",
        ) {
            proptest::prop_assert_eq!(header_inner(&text), header_inner_general(&text));
        }

        #[test]
        fn same_name_agrees_with_canonical_for_any_header(
            inner in "[a-c]{1,3}([ \t]{1,2}[a-c]{1,3}){0,2}",
            want in "[a-c]{1,3}([ \t]{1,2}[a-c]{1,3}){0,2}",
        ) {
            let want = canonical(&want);
            proptest::prop_assert_eq!(same_name(&inner, &want), canonical(&inner) == want);
        }
    }

    proptest::proptest! {
        /// The first-byte fast path of `kind`, and the parse that reads only
        /// that byte, agree with the rule for every line.
        #[test]
        fn each_line_gets_the_kind_the_rule_gives(
            text in "\u{feff}?(\\PC|\u{3000}|\u{85}|\t| |\r|\n|\r\n|=|#|;|\\[|\\]){0,60}"
        ) {
            proptest::prop_assert_eq!(kind(&text), kind_general(&text));
            let d = Document::parse(&text);
            for l in &d.lines {
                proptest::prop_assert_eq!(l.kind, kind_general(d.text(l)));
            }
        }
    }

    #[test]
    fn a_line_takes_16_bytes() {
        // The line table of a 10,000-profile file is 40,000 of them.
        assert_eq!(std::mem::size_of::<Line>(), 16);
    }

    #[test]
    fn header_whitespace_is_normalised() {
        let d = Document::parse("[ profile \t dev ]\nk = v\n");
        assert_eq!(d.get("profile dev", "k").unwrap().as_deref(), Some("v"));
    }

    #[test]
    fn config_prefers_profile_default() {
        let d = Document::parse("[default]\n[profile default]\n");
        assert_eq!(d.config_section_for("default"), "profile default");
        assert_eq!(Document::default().config_section_for("default"), "default");
    }
}
