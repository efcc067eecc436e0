//! A wrapper that keeps tokens and keys out of `Debug` output and logs.
//!
//! Modelled on cargo's `Secret<T>`: the value is reachable only through
//! [`Secret::expose`], so every place that reveals it is greppable.

use std::fmt;

/// A secret value (token, key, assertion). `Debug` and `Display` print a
/// placeholder; [`Secret::expose`] gives the value up.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wrap a value.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The wrapped value. Call this only where the user asked for the secret
    /// (credential output, a request body, a file we write).
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwrap into the inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

/// Below this length a secret is redacted only where it stands as a whole
/// word: a short client secret such as `abc` must not shred every word that
/// happens to contain it.
const WHOLE_WORD_BELOW: usize = 8;

/// Replace every occurrence of the `sent` secrets in `text` (as sent, and
/// form-urlencoded) with `<redacted>`, whatever their length. For quoting a
/// server's error body: a proxy, WAF or debug endpoint may echo the request
/// back. Secrets shorter than 8 characters are replaced where they are not
/// part of a longer run of letters and digits.
pub fn redact_echoes<S: AsRef<str>>(text: &str, sent: &[S]) -> String {
    let mut out = text.to_string();
    let mut sent: Vec<&str> = sent.iter().map(AsRef::as_ref).collect();
    // Longest first, so a secret that contains another goes whole.
    sent.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in sent.into_iter().filter(|s| !s.is_empty()) {
        let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        for needle in [s, encoded.as_str()] {
            out = if needle.len() >= WHOLE_WORD_BELOW {
                out.replace(needle, "<redacted>")
            } else {
                replace_whole_words(&out, needle)
            };
        }
    }
    out
}

/// `text` with each occurrence of `needle` that has no letter or digit
/// right before or after it replaced by `<redacted>`.
fn replace_whole_words(text: &str, needle: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(needle) {
        let (before, tail) = rest.split_at(at);
        let after = tail.get(needle.len()..).unwrap_or_default();
        out.push_str(before);
        let whole = !word(out.chars().next_back()) && !word(after.chars().next());
        out.push_str(if whole { "<redacted>" } else { needle });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_redacted_raw_and_form_encoded() {
        let text = "bad: client_secret=s3cr%2Bt%2Fvalue raw s3cr+t/value id=abc";
        let out = redact_echoes(text, &["s3cr+t/value", "abc1"]);
        assert_eq!(out, "bad: client_secret=<redacted> raw <redacted> id=abc");
    }

    #[test]
    fn short_secrets_are_redacted_where_they_stand_alone() {
        let text = "secret abc rejected (abc); abcdef and xabc stay; a=abc&b=1";
        assert_eq!(
            redact_echoes(text, &["abc"]),
            "secret <redacted> rejected (<redacted>); abcdef and xabc stay; a=<redacted>&b=1"
        );
        assert_eq!(redact_echoes("abcabc abc", &["abc"]), "abcabc <redacted>");
        assert_eq!(redact_echoes("x=a%2Bb", &["a+b"]), "x=<redacted>");
        assert_eq!(redact_echoes("k", &["k"]), "<redacted>");
        // Empty values are not secrets; longer secrets go whole first.
        assert_eq!(redact_echoes("abc", &[""]), "abc");
        assert_eq!(
            redact_echoes("tok abcdefgh1234", &["abc", "abcdefgh1234"]),
            "tok <redacted>"
        );
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("AKIASECRETVALUE".to_string());
        assert!(!format!("{s:?}").contains("AKIA"));
        assert!(!format!("{s}").contains("AKIA"));
        assert_eq!(s.expose(), "AKIASECRETVALUE");
    }
}
