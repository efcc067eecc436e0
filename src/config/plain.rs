//! A reader for the everyday shape of `config.yaml`, so that the
//! `credential_process` hot path does not run the YAML parser, which costs
//! about 115 k instructions a provider (BENCHMARKS.md, "config.yaml").
//!
//! The shape: providers as `name:` at column 0, each followed by
//! `key: value` lines at one indentation; every value a plain, `'single'` or
//! `"double"` quoted (without `\` escapes) scalar on one line, or empty;
//! comments and blank lines anywhere; ASCII text without tabs or CR. Files
//! written by `setup`, by the Go tool (viper) and by hand almost always take
//! this shape. Anything else (anchors, merge keys, lists, nested maps, block
//! scalars, multi-line or escaped strings, values YAML reads as floats,
//! duplicate keys...) gives `None`, and the caller parses the file with
//! `serde_yaml_ng`, which is the rule. The property test below holds this
//! reader to it: whatever it accepts, `serde_yaml_ng` reads the same.

use std::borrow::Cow;

use serde_yaml_ng::Value;

/// One provider: its name and settings in file order.
#[derive(PartialEq, Eq)]
pub(super) struct Provider<'a> {
    pub name: Cow<'a, str>,
    pub settings: Vec<(Cow<'a, str>, Scalar<'a>)>,
}

impl std::fmt::Debug for Provider<'_> {
    // Settings may hold the client secret: show the name and keys only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.name)
            .field(
                "keys",
                &self.settings.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A value as YAML reads it.
#[derive(PartialEq, Eq)]
pub(super) enum Scalar<'a> {
    /// Empty, `~`, `null`.
    Null,
    Bool(bool),
    /// A decimal without a leading zero.
    Uint(u64),
    Str(Cow<'a, str>),
}

impl Scalar<'_> {
    /// The value `serde_yaml_ng` gives for it.
    pub fn to_value(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Uint(n) => Value::Number((*n).into()),
            Scalar::Str(s) => Value::String(s.to_string()),
        }
    }
}

/// Longest key read here; libyaml refuses simple keys over 1024 characters.
const MAX_KEY: usize = 1000;

/// The providers of `text`, or `None` when it is not in the plain shape.
pub(super) fn parse(text: &str) -> Option<Vec<Provider<'_>>> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut providers: Vec<Provider<'_>> = Vec::new();
    // The indentation of the current provider's settings, once seen.
    let mut indent = None;
    for line in text.split('\n') {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        let (key, rest) = key(body)?;
        if depth == 0 {
            if !is_blank_or_comment(rest) || providers.iter().any(|p| p.name == key) {
                return None;
            }
            providers.push(Provider {
                name: key,
                settings: Vec::new(),
            });
            indent = None;
            continue;
        }
        let current = providers.last_mut()?;
        if *indent.get_or_insert(depth) != depth || current.settings.iter().any(|(k, _)| *k == key)
        {
            return None;
        }
        current.settings.push((key, value(rest)?));
    }
    Some(providers)
}

/// Split `key:` off a line's text; the key must read as a string, and not
/// as YAML's merge key `<<`.
fn key(body: &str) -> Option<(Cow<'_, str>, &str)> {
    let (key, rest) = if body.starts_with(['\'', '"']) {
        let (key, rest) = quoted(body)?;
        (key, rest.strip_prefix(':')?)
    } else {
        // The first `:` followed by a blank or the end ends a plain key.
        let colon = body
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|&i| matches!(body.as_bytes().get(i + 1), None | Some(b' ')))?;
        let text = &body[..colon];
        // Keys YAML reads as numbers, booleans or null are left to it.
        if text.ends_with(' ') || !matches!(resolve_plain(text)?, Scalar::Str(_)) {
            return None;
        }
        (Cow::Borrowed(text), &body[colon + 1..])
    };
    let raw_len = body.len() - rest.len();
    if raw_len > MAX_KEY || key == "<<" || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest))
}

/// The value after `key:`: a scalar and perhaps a comment, or nothing.
fn value(rest: &str) -> Option<Scalar<'_>> {
    let text = rest.trim_start_matches(' ');
    if is_blank_or_comment(text) {
        return Some(Scalar::Null);
    }
    if text.starts_with(['\'', '"']) {
        let (value, after) = quoted(text)?;
        return (after.is_empty() || after.starts_with(' ') && is_blank_or_comment(after))
            .then_some(Scalar::Str(value));
    }
    // A plain scalar ends at a comment (` #`) or the end of the line.
    let end = text.find(" #").unwrap_or(text.len());
    let plain = text[..end].trim_end_matches(' ');
    if plain.contains(": ") || plain.ends_with(':') {
        return None;
    }
    match plain {
        "~" => Some(Scalar::Null),
        _ => resolve_plain(plain),
    }
}

fn is_blank_or_comment(text: &str) -> bool {
    let text = text.trim_start_matches(' ');
    text.is_empty() || text.starts_with('#')
}

/// What a plain scalar reads as. `None` for what YAML might read as
/// something this reader does not (numbers other than plain decimals, text
/// starting with an indicator) and for characters kept out of this shape.
fn resolve_plain(text: &str) -> Option<Scalar<'_>> {
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_alphanumeric() || first == b'/' || first == b'_') {
        return None;
    }
    // One pass (this runs for every line of the file on every call).
    let mut prev = first;
    for &b in text.as_bytes() {
        if matches!(b, b'[' | b']' | b'{' | b'}') || (b == b'#' && prev == b' ') {
            return None;
        }
        prev = b;
    }
    if let Some(b) = as_bool(text) {
        return Some(Scalar::Bool(b));
    }
    if let "null" | "Null" | "NULL" = text {
        return Some(Scalar::Null);
    }
    if first.is_ascii_digit() {
        // A decimal reads as a number, or with a leading zero as a string.
        // Text with a character that no number has (`123-abc.apps.example`)
        // is a string; anything else might be a float, hexadecimal or octal
        // number.
        if text.bytes().all(|b| b.is_ascii_digit()) && text.len() <= 19 {
            if text.len() > 1 && first == b'0' {
                return Some(Scalar::Str(Cow::Borrowed(text)));
            }
            return text.parse().ok().map(Scalar::Uint);
        }
        let never_a_number = text
            .bytes()
            .any(|b| !(b.is_ascii_hexdigit() || b"+-.oOxX".contains(&b)));
        return never_a_number.then_some(Scalar::Str(Cow::Borrowed(text)));
    }
    Some(Scalar::Str(Cow::Borrowed(text)))
}

/// YAML's spellings of a boolean.
fn as_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A quoted scalar at the start of `text` and what follows it on the line.
/// Single quotes escape a quote as `''`; a double-quoted scalar with a `\`
/// escape is left to the YAML parser.
fn quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let quote = text.chars().next()?;
    let inner = &text[1..];
    if quote == '"' {
        let end = inner.find(['"', '\\'])?;
        return (inner.as_bytes()[end] == b'"')
            .then(|| (Cow::Borrowed(&inner[..end]), &inner[end + 1..]));
    }
    let mut out: Option<String> = None;
    let mut from = 0;
    loop {
        let end = from + inner[from..].find('\'')?;
        if inner.as_bytes().get(end + 1) == Some(&b'\'') {
            out.get_or_insert_with(String::new)
                .push_str(&inner[from..=end]);
            from = end + 2;
            continue;
        }
        let value = match out {
            Some(mut s) => {
                s.push_str(&inner[from..end]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&inner[..end]),
        };
        return Some((value, &inner[end + 1..]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_yaml_ng::Value;

    type Doc = Vec<(String, Vec<(Value, Value)>)>;

    fn owned(providers: Vec<Provider<'_>>) -> Doc {
        providers
            .into_iter()
            .map(|p| {
                let settings = p
                    .settings
                    .iter()
                    .map(|(k, v)| (Value::String(k.to_string()), v.to_value()))
                    .collect();
                (p.name.into_owned(), settings)
            })
            .collect()
    }

    /// What `serde_yaml_ng` reads, as `ConfigFile::provider` sees it (merge
    /// keys applied); `Err` says why it differs from anything this reader
    /// could give.
    fn by_yaml(text: &str) -> Result<Doc, String> {
        let value: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let top = match value {
            Value::Null => return Ok(Vec::new()),
            Value::Mapping(m) => m,
            other => return Err(format!("top level is {other:?}")),
        };
        let mut doc = Vec::new();
        for (k, mut v) in top {
            let name = k
                .as_str()
                .ok_or_else(|| format!("provider key {k:?}"))?
                .to_string();
            v.apply_merge().map_err(|e| format!("merge: {e}"))?;
            let settings = match v {
                Value::Null => Vec::new(),
                Value::Mapping(m) => m.into_iter().collect(),
                other => return Err(format!("provider {name:?} is {other:?}")),
            };
            doc.push((name, settings));
        }
        Ok(doc)
    }

    fn agrees(text: &str) -> Result<bool, TestCaseError> {
        let Some(plain) = parse(text) else {
            return Ok(false);
        };
        let yaml = by_yaml(text);
        prop_assert_eq!(Ok(owned(plain)), yaml, "text: {:?}", text);
        Ok(true)
    }

    #[test]
    fn everyday_files_take_the_plain_shape() {
        let cases = [
            // As the bench and people write it.
            "oidc:\n  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration\n  client_id: aws-cli\n  aws_federation_type: oidc\n  max_session_duration_seconds: 3600\n  insecure_skip_verify: False\n  secret_store: file\n",
            // As the Go tool (viper) writes it.
            include_str!("../../fixtures/config/go-oidc/config.yaml"),
            // Comments, blank lines, quotes, two providers.
            "# mine\nwork:   # the work one\n\n    client_id: 'it''s'   # note\n    scopes: openid, profile  # and email?\n    aws_region:\n    successful_redirect_url: https://x.example/#/done\nhome:\n  client_id: \"\"\n  role_session_name: ~\n",
        ];
        for text in cases {
            assert!(agrees(text).unwrap(), "not plain: {text:?}");
        }
        let two = owned(parse(cases[2]).unwrap());
        let s = |t: &str| Value::String(t.to_string());
        assert_eq!(two[0].0, "work");
        assert_eq!(two[0].1[0], (s("client_id"), s("it's")));
        assert_eq!(two[0].1[2], (s("aws_region"), Value::Null));
        assert_eq!(two[1].1[1], (s("role_session_name"), Value::Null));
        let first = owned(parse(cases[0]).unwrap());
        assert_eq!(first[0].1[3].1, Value::Number(3600.into()));
        assert_eq!(first[0].1[4].1, Value::Bool(false));
    }

    #[test]
    fn debug_shows_keys_not_values() {
        let shown = format!("{:?}", parse("a:\n  client_secret: s3cret\n"));
        assert!(
            shown.contains("client_secret") && !shown.contains("s3cret"),
            "{shown}"
        );
    }

    #[test]
    fn files_written_by_setup_take_the_plain_shape() {
        let mut file = super::super::ConfigFile::empty("/c/config.yaml".into());
        file.set_provider(
            "my idp",
            &[
                ("oidc_provider_metadata_url", "https://idp.example.com/x"),
                ("client_id", "aws-cli"),
                ("max_session_duration_seconds", "3600"),
                ("insecure_skip_verify", "false"),
                ("client_secret", ""),
                ("aws_federation_role_session_name", "o'brien: x"),
            ],
        );
        let text = file.render().unwrap();
        assert!(agrees(&text).unwrap(), "not plain: {text}");
    }

    #[test]
    fn other_shapes_are_left_to_the_yaml_parser() {
        for text in [
            "a:\n  b: 0x10\n",
            "a:\n  b: 1e3\n",
            "a:\n  b: .inf\n",
            "a:\n  b: -1\n",
            "a:\n  b: \"x\\ty\"\n",
            "a:\n  b: 'two\n    lines'\n",
            "a:\n  b:\n    c: d\n",
            "a:\n  b:\n  - c\n",
            "a: &x\n  b: c\nd:\n  <<: *x\n",
            "a:\n\tb: c\n",
            "a:\r\n  b: c\r\n",
            "a:\n  b: é\n",
            "a:\n  b: c\na:\n  b: d\n",
            "a:\n  b: c\n  b: d\n",
            "a:\n  b: c\n   d: e\n",
            "a: x\n",
            "1:\n  b: c\n",
            "true:\n  b: c\n",
            "---\na:\n  b: c\n",
            "a:\n  b: c: d\n",
            "a:\n  b: [c]\n",
            "a:\n  \"<<\": x\n",
            "a:\n  '<<':\n",
            &format!("'{}':\n  b: c\n", "''".repeat(600)),
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    /// Scalars in and near the plain shape.
    fn scalar() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("true"),
            Just("False"),
            Just("null"),
            Just("~"),
            Just("'a''b'"),
            Just("\"q\""),
            Just("\"\""),
            Just("''"),
            Just("0x1F"),
            Just("1.5"),
            Just("1e3"),
            Just("Infinity"),
            Just("'<<'"),
        ];
        prop_oneof![
            6 => "[a-zA-Z0-9 :#'\"\\\\/_.,\\[\\]{}&*!|>%@`?~+-]{0,10}",
            2 => "[0-9][0-9a-fA-FxXoO.+-]{0,6}",
            1 => "[0-9]{1,21}",
            3 => word.prop_map(str::to_string),
        ]
    }

    /// Lines from the plain shape and near it.
    fn line() -> impl Strategy<Value = String> {
        let raw = prop_oneof![
            Just(String::new()),
            Just("# c".to_string()),
            Just("   # c".to_string()),
            Just("---".to_string()),
            Just("...".to_string()),
            Just("- a".to_string()),
            Just("  - a".to_string()),
            Just("\tb: c".to_string()),
            Just("  <<: *x".to_string()),
            Just("x: &x".to_string()),
        ];
        let depth = prop_oneof![Just(0usize), Just(2), Just(2), Just(2), Just(3), Just(4)];
        let sep = prop_oneof![Just(": "), Just(": "), Just(":"), Just(":  "), Just(" : ")];
        let comment = prop_oneof![Just(""), Just(""), Just(" # c"), Just("#c"), Just("  #")];
        prop_oneof![
            4 => (depth, scalar(), sep, scalar(), comment)
                .prop_map(|(d, k, s, v, c)| format!("{}{k}{s}{v}{c}", " ".repeat(d))),
            1 => raw,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Whatever this reader accepts, the YAML parser reads the same.
        #[test]
        fn what_it_accepts_yaml_reads_the_same(lines in prop::collection::vec(line(), 0..8)) {
            agrees(&lines.join("\n"))?;
        }

        /// Providers and settings as people write them: accepted, and read
        /// as YAML reads them.
        #[test]
        fn structured_files_agree(
            providers in prop::collection::vec(
                (
                    prop_oneof![3 => "[a-z][a-z0-9 ._-]{0,8}[a-z0-9]", 1 => scalar()],
                    prop::collection::vec((prop_oneof![3 => "[a-z_]{1,12}", 1 => scalar()], scalar()), 0..5),
                ),
                1..3,
            ),
        ) {
            let mut text = String::new();
            for (name, settings) in &providers {
                text.push_str(&format!("{name}:\n"));
                for (k, v) in settings {
                    text.push_str(&format!("  {k}: {v}\n"));
                }
            }
            agrees(&text)?;
        }
    }
}
