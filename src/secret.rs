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

/// Replace every occurrence of the `sent` secrets in `text` (as sent, and
/// form-urlencoded) with `<redacted>`. For quoting a server's error body: a
/// proxy, WAF or debug endpoint may echo the request back. Values shorter
/// than 8 characters are left alone (they are not secrets, and would
/// shred the text).
pub fn redact_echoes(text: &str, sent: &[&str]) -> String {
    let mut out = text.to_string();
    for s in sent.iter().filter(|s| s.len() >= 8) {
        let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        out = out
            .replace(*s, "<redacted>")
            .replace(&encoded, "<redacted>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_redacted_raw_and_form_encoded() {
        let text = "bad: client_secret=s3cr%2Bt%2Fvalue raw s3cr+t/value id=abc";
        let out = redact_echoes(text, &["s3cr+t/value", "abc"]);
        assert_eq!(out, "bad: client_secret=<redacted> raw <redacted> id=abc");
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("AKIASECRETVALUE".to_string());
        assert!(!format!("{s:?}").contains("AKIA"));
        assert!(!format!("{s}").contains("AKIA"));
        assert_eq!(s.expose(), "AKIASECRETVALUE");
    }
}
