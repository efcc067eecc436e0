//! The problems with the AWS files that `status` reports and that no edit
//! of ours would cause: what botocore refuses, and keys that keep our
//! `credential_process` from running. Pure functions of the text or the
//! parsed documents.

use std::collections::BTreeMap;

use super::credential_process::is_ours;
use super::document::{Document, FileKind};
use super::profiles::{CREDENTIAL_KEYS, MARKER_PROVIDER};

/// What makes botocore's configparser (strict mode) refuse a file that the
/// line syntax allows: a section header twice (compared exactly, as
/// configparser does) or a key twice in one section (compared ignoring case).
pub fn botocore_problems(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Vec<usize>)> = Vec::new();
    let mut keys: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut dup_keys: Vec<(String, String, Vec<usize>)> = Vec::new();
    let mut current: Option<String> = None;
    let mut flush = |current: &Option<String>, keys: &mut BTreeMap<String, Vec<usize>>| {
        if let Some(section) = current {
            for (key, lines) in std::mem::take(keys) {
                if lines.len() > 1 {
                    dup_keys.push((section.clone(), key, lines));
                }
            }
        }
        keys.clear();
    };
    let mut have_option = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let stripped = line.trim();
        if stripped.is_empty() || stripped.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) && have_option {
            continue;
        }
        if let Some(rest) = stripped.strip_prefix('[')
            && let Some(end) = rest.rfind(']')
        {
            flush(&current, &mut keys);
            let header = rest.get(..end).unwrap_or("").to_string();
            match sections.iter_mut().find(|(h, _)| *h == header) {
                Some((_, lines)) => lines.push(i + 1),
                None => sections.push((header.clone(), vec![i + 1])),
            }
            current = Some(header);
            have_option = false;
            continue;
        }
        let end = stripped.find(['=', ':']).unwrap_or(stripped.len());
        let key = stripped.get(..end).unwrap_or("").trim().to_lowercase();
        keys.entry(key).or_default().push(i + 1);
        have_option = true;
    }
    flush(&current, &mut keys);
    let lines = |l: &[usize]| {
        l.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<String> = sections
        .iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(h, l)| format!("section [{h}] appears more than once (lines {})", lines(l)))
        .collect();
    out.extend(dup_keys.iter().map(|(s, k, l)| {
        format!(
            "key {k:?} appears more than once in section [{s}] (lines {})",
            lines(l)
        )
    }));
    out
}

/// A profile whose `credential_process` of ours never runs, because the
/// credentials file has keys for it (botocore reads those first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed {
    /// The profile.
    pub profile: String,
    /// The keys carry our login marker (else they are static keys).
    pub written_by_login: bool,
}

/// Every profile of `config` with our `credential_process` that keys in
/// `credentials` shadow.
pub fn shadowed_profiles(
    credentials: Option<&Document>,
    config: Option<&Document>,
) -> Vec<Shadowed> {
    let (Some(credentials), Some(config)) = (credentials, config) else {
        return Vec::new();
    };
    let (Ok(creds), Ok(conf)) = (
        credentials.profiles(FileKind::Credentials),
        config.profiles(FileKind::Config),
    ) else {
        return Vec::new();
    };
    conf.profiles
        .iter()
        .filter(|(_, props)| props.get("credential_process").is_some_and(|c| is_ours(c)))
        .filter_map(|(name, _)| {
            let keys = creds.profiles.get(name)?;
            CREDENTIAL_KEYS
                .iter()
                .any(|k| keys.contains_key(*k))
                .then(|| Shadowed {
                    profile: name.clone(),
                    written_by_login: keys.contains_key(MARKER_PROVIDER),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_problems_find_duplicate_sections_and_keys_only() {
        assert_eq!(
            botocore_problems("[a]\nx = 1\n[b]\n[a]\ny = 2\n"),
            ["section [a] appears more than once (lines 1, 4)"]
        );
        assert_eq!(
            botocore_problems("[a]\nregion = 1\nREGION = 2\n"),
            ["key \"region\" appears more than once in section [a] (lines 2, 3)"]
        );
        // configparser compares headers exactly, and nested blocks are one value.
        assert!(botocore_problems("[profile a]\n[profile  a]\n").is_empty());
        assert!(botocore_problems("[a]\ns3 =\n  x = 1\n  x = 2\n# c\n; c\n").is_empty());
        assert!(botocore_problems("\u{feff}[a]\r\nk = v\r\n[b]\r\nk = v\r\n").is_empty());
    }

    #[test]
    fn shadowing_keys_are_found_and_told_apart() {
        let config = Document::parse(
            "[profile a]\ncredential_process = /x/aws-cli-oidc get-cred -p op -j -s\n\
             [profile b]\ncredential_process = /x/aws-cli-oidc get-cred -p op -j -s\n\
             [profile c]\ncredential_process = /x/other\n",
        );
        let credentials = Document::parse(
            "[a]\naws_access_key_id = A\n[b]\naws_session_token = T\nx_aws_cli_oidc_provider = op\n[c]\naws_access_key_id = C\n",
        );
        assert_eq!(
            shadowed_profiles(Some(&credentials), Some(&config)),
            [
                Shadowed {
                    profile: "a".into(),
                    written_by_login: false
                },
                Shadowed {
                    profile: "b".into(),
                    written_by_login: true
                },
            ]
        );
        assert!(shadowed_profiles(None, Some(&config)).is_empty());
    }
}
