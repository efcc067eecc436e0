//! Text we did not write, on its way to a terminal, a log or a file.
//!
//! A provider, STS, a proxy or a file someone else edited can put escape
//! sequences, line breaks and bidi overrides into any string we show: the
//! issuer, an error code, a device `user_code`. Printed raw, they retitle or
//! clear the terminal, or paint fake instructions. [`sanitize`] is the one
//! place that makes such characters visible; every string from the network
//! or from a foreign file passes it before it is shown, logged or written.
//! [`one_line`] folds layout whitespace first, for quoting a multi-line
//! error body.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as itself: C0 controls (ESC, BEL,
/// CR, LF, TAB...), DEL, C1 controls, the bidi embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), the bidi marks (U+200E, U+200F,
/// U+061C) and the Unicode line and paragraph separators (U+2028, U+2029).
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `s` with every hostile character (see [`hostile`]) replaced by a visible
/// escape: `\n`, `\r`, `\t`, `\x1b` for other ASCII controls and DEL, and
/// `\u{85}` for the rest. Everything else, including backslashes and
/// ordinary non-ASCII text, is kept as it is, so clean text comes back
/// unchanged (and unallocated).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hostile(c) && c.is_ascii() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if hostile(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`sanitize`] each line of `s` and keep the line breaks: for our own
/// multi-line messages (an error chain, a log record) that may quote
/// foreign text. A foreign line break was escaped where the text came in.
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && hostile(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(sanitize).collect::<Vec<_>>().join("\n"))
}

/// Runs of ASCII whitespace (spaces, tabs, line breaks) folded into one
/// space and trimmed, then [`sanitize`]d: a foreign multi-line body quoted
/// on one line.
pub fn one_line(s: &str) -> String {
    let folded = s
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    sanitize(&folded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_escaped_and_the_rest_kept() {
        let table: &[(&str, &str)] = &[
            ("plain text", "plain text"),
            ("", ""),
            (
                "https://idp.example/realms/a",
                "https://idp.example/realms/a",
            ),
            ("WDJB-MJHT", "WDJB-MJHT"),
            ("naïve 日本 ✓", "naïve 日本 ✓"),
            ("back\\slash", "back\\slash"),
            ("\u{1b}]0;pwned\u{7}", "\\x1b]0;pwned\\x07"),
            ("\u{1b}[2J\u{1b}[H", "\\x1b[2J\\x1b[H"),
            ("a\nb", "a\\nb"),
            ("a\rb", "a\\rb"),
            ("a\r\nb", "a\\r\\nb"),
            ("a\tb", "a\\tb"),
            ("\u{0}", "\\x00"),
            ("\u{8}", "\\x08"),
            ("\u{b}\u{c}", "\\x0b\\x0c"),
            ("\u{1f}", "\\x1f"),
            ("\u{7f}", "\\x7f"),
            ("\u{80}", "\\u{80}"),
            ("\u{85}", "\\u{85}"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("\u{9f}", "\\u{9f}"),
            ("\u{a0}", "\u{a0}"),
            ("\u{202a}\u{202b}\u{202c}", "\\u{202a}\\u{202b}\\u{202c}"),
            ("evil\u{202e}txt.exe", "evil\\u{202e}txt.exe"),
            ("\u{202d}", "\\u{202d}"),
            (
                "\u{2066}\u{2067}\u{2068}\u{2069}",
                "\\u{2066}\\u{2067}\\u{2068}\\u{2069}",
            ),
            ("\u{200e}\u{200f}\u{61c}", "\\u{200e}\\u{200f}\\u{61c}"),
            ("\u{2028}\u{2029}", "\\u{2028}\\u{2029}"),
            ("\u{2065}\u{206a}\u{2029}", "\u{2065}\u{206a}\\u{2029}"),
        ];
        for (input, want) in table {
            assert_eq!(sanitize(input), *want, "{input:?}");
            let out = sanitize(input);
            assert!(!out.chars().any(hostile), "{out:?}");
        }
    }

    #[test]
    fn clean_text_is_not_copied() {
        assert!(matches!(sanitize("https://a.example"), Cow::Borrowed(_)));
        assert!(matches!(sanitize_lines("one\ntwo"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_the_rest() {
        assert_eq!(
            sanitize_lines("one\ntwo\u{1b}[31m\r"),
            "one\ntwo\\x1b[31m\\r"
        );
    }

    #[test]
    fn one_line_folds_layout_whitespace_and_escapes_the_rest() {
        assert_eq!(
            one_line("  <Error>\n\t <Code>X</Code>\r\n "),
            "<Error> <Code>X</Code>"
        );
        assert_eq!(one_line("a\u{7}b \u{1b}[2J"), "a\\x07b \\x1b[2J");
        assert_eq!(one_line("\u{c}"), "");
    }
}
