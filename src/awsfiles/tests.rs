//! Tests across the awsfiles layer: the SDK conformance suites, fixture
//! round trips, fixture-driven edits and property tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use super::document::{Document, FileKind, Profiles};
use super::location::{FileEnv, Platform, default_profile, locate_str};
use super::profiles::{
    InstallRequest, LoginWrite, install_credential_process, uninstall_credential_process,
    write_login_credentials,
};
use super::store::{StoreOptions, update};
use super::{AwsPaths, Error};
use crate::secret::Secret;
use crate::sts::Credentials;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/awsfiles")
}

fn props_of(v: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    if let Some(map) = v.as_object() {
        for (name, props) in map {
            let p = props
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            out.insert(name.clone(), p);
        }
    }
    out
}

fn read_both(input: &Value) -> Result<Profiles, Error> {
    let config = match input.get("configFile").and_then(Value::as_str) {
        Some(t) => Document::parse(t).profiles(FileKind::Config)?,
        None => Profiles::default(),
    };
    let creds = match input.get("credentialsFile").and_then(Value::as_str) {
        Some(t) => Document::parse(t).profiles(FileKind::Credentials)?,
        None => Profiles::default(),
    };
    Ok(Profiles::merge(config, creds))
}

#[test]
#[allow(clippy::print_stdout)]
fn conformance_profile_parser_suite_passes() {
    let Some(path) = std::env::var_os("AWS_PROFILE_PARSER_TESTS") else {
        println!("skipped: AWS_PROFILE_PARSER_TESTS is not set");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read the profile parser suite");
    let suite: Value = serde_json::from_str(&text).expect("suite is JSON");
    let tests = suite["tests"].as_array().expect("tests array");
    let mut failures = Vec::new();
    for t in tests {
        let name = t["name"].as_str().unwrap_or("?");
        let got = read_both(&t["input"]);
        let out = &t["output"];
        let ok = match (out.get("errorContaining").and_then(Value::as_str), &got) {
            (Some(frag), Err(e)) => e.to_string().to_lowercase().contains(&frag.to_lowercase()),
            (Some(_), Ok(_)) => false,
            (None, Err(_)) => false,
            (None, Ok(p)) => {
                let cfg = &out["config"];
                let profiles_ok = p.profiles == props_of(&cfg["profiles"]);
                let sso_ok = match cfg.get("sso_sessions") {
                    Some(s) => p.sso_sessions == props_of(s),
                    None => true,
                };
                profiles_ok && sso_ok
            }
        };
        if !ok {
            failures.push(format!("{name}: got {got:?}, want {out}"));
        }
    }
    println!(
        "profile parser conformance: {}/{} passed",
        tests.len() - failures.len(),
        tests.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[allow(clippy::print_stdout)]
fn conformance_file_location_suite_passes() {
    let Some(path) = std::env::var_os("AWS_FILE_LOCATION_TESTS") else {
        println!("skipped: AWS_FILE_LOCATION_TESTS is not set");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read the file location suite");
    let suite: Value = serde_json::from_str(&text).expect("suite is JSON");
    let tests = suite["tests"].as_array().expect("tests array");
    let mut failures = Vec::new();
    for t in tests {
        let e = &t["environment"];
        let var = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
        let env = FileEnv {
            home: var("HOME"),
            userprofile: var("USERPROFILE"),
            homedrive: var("HOMEDRIVE"),
            homepath: var("HOMEPATH"),
            aws_config_file: var("AWS_CONFIG_FILE"),
            aws_shared_credentials_file: var("AWS_SHARED_CREDENTIALS_FILE"),
            aws_profile: var("AWS_PROFILE"),
        };
        let platform = if t["platform"] == "windows" {
            Platform::Windows
        } else {
            Platform::Unix
        };
        let got = locate_str(&env, platform).ok();
        let want = (
            t["configLocation"].as_str().unwrap_or_default().to_string(),
            t["credentialsLocation"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        let profile_ok = t
            .get("profile")
            .and_then(Value::as_str)
            .is_none_or(|p| default_profile(&env) == p);
        if got.as_ref() != Some(&want) || !profile_ok {
            failures.push(format!("{}: got {got:?}, want {want:?}", t["name"]));
        }
    }
    println!(
        "file location conformance: {}/{} passed",
        tests.len() - failures.len(),
        tests.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_roundtrip_fixture_renders_byte_identical() {
    let dir = fixtures().join("roundtrip");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fixtures dir") {
        let p = e.expect("entry").path();
        let text = std::fs::read_to_string(&p).expect("fixture is UTF-8");
        let doc = Document::parse(&text);
        assert_eq!(doc.render(), text, "{}", p.display());
        doc.validate()
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        n += 1;
    }
    assert!(n >= 10, "only {n} fixtures");
}

fn fixture_credentials() -> Credentials {
    Credentials {
        access_key_id: Secret::new("ASIAFIXTURE".into()),
        secret_access_key: Secret::new("fixture-secret".into()),
        session_token: Secret::new("fixture-token".into()),
        expiration: time::macros::datetime!(2026-11-27 22:00:00 UTC),
    }
}

/// Run one line of a case's `ops` file against files in `dir`.
fn run_op(dir: &Path, op: &str) -> Result<(), Error> {
    let f: Vec<&str> = op.split('|').collect();
    let paths = AwsPaths {
        config: dir.join("config"),
        credentials: dir.join("credentials"),
    };
    let opts = StoreOptions::default();
    let mut no_wait = |_: &Path| {};
    let arg = |i: usize| f.get(i).copied().unwrap_or_default();
    let opt = |i: usize| Some(arg(i)).filter(|s| !s.is_empty());
    match arg(0) {
        "set" => update(&dir.join(arg(1)), &opts, &mut no_wait, |d| {
            d.set(arg(2), arg(3), arg(4)).map(|_| ())
        })
        .map(|_| ()),
        "remove" => update(&dir.join(arg(1)), &opts, &mut no_wait, |d| {
            d.remove(arg(2), arg(3)).map(|_| ())
        })
        .map(|_| ()),
        "remove-section" => update(&dir.join(arg(1)), &opts, &mut no_wait, |d| {
            d.remove_section(arg(2)).map(|_| ())
        })
        .map(|_| ()),
        "login" => {
            let creds = fixture_credentials();
            let req = LoginWrite {
                profile: arg(1),
                provider: "keycloak",
                role_arn: "arn:aws:iam::123456789012:role/dev",
                credentials: &creds,
                region: opt(2),
                force: arg(3) == "force",
                duration: None,
            };
            write_login_credentials(&paths, &req, &opts, &mut no_wait).map(|_| ())
        }
        "install" => {
            let req = InstallRequest {
                profile: arg(1),
                command_line: arg(2),
                region: opt(3),
                force: arg(4) == "force",
            };
            install_credential_process(&paths, &req, &opts, &mut no_wait).map(|_| ())
        }
        "uninstall" => {
            uninstall_credential_process(&paths, arg(1), &opts, &mut no_wait).map(|_| ())
        }
        other => panic!("unknown op {other}"),
    }
}

fn data_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".lock") {
                return None;
            }
            Some((name.clone(), std::fs::read_to_string(dir.join(&name)).ok()?))
        })
        .collect()
}

#[test]
fn every_edit_fixture_turns_in_into_out() {
    let root = fixtures().join("edits");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("edits dir")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20);
    for case in cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        for (name, text) in data_files(&case.join("in")) {
            std::fs::write(tmp.path().join(name), text).expect("copy in");
        }
        let ops = std::fs::read_to_string(case.join("ops")).expect("ops");
        let want_err = std::fs::read_to_string(case.join("error")).ok();
        let mut result = Ok(());
        for op in ops.lines().filter(|l| !l.is_empty()) {
            result = run_op(tmp.path(), op);
            if result.is_err() {
                break;
            }
        }
        match (&want_err, &result) {
            (None, Err(e)) => panic!("{}: unexpected error: {e}", case.display()),
            (Some(w), Ok(())) => panic!("{}: expected error {w}", case.display()),
            (Some(w), Err(e)) => assert!(
                e.to_string().contains(w.trim()),
                "{}: error {e:?} does not contain {w}",
                case.display()
            ),
            (None, Ok(())) => {}
        }
        assert_eq!(
            data_files(tmp.path()),
            data_files(&case.join("out")),
            "{}",
            case.display()
        );
    }
}

// ---- property tests ----

#[derive(Debug, Clone)]
enum Item {
    Blank(&'static str),
    Comment(&'static str),
    Entry {
        key: &'static str,
        sep: &'static str,
        value: String,
        tail: &'static str,
        conts: Vec<&'static str>,
    },
}

#[derive(Debug, Clone)]
enum Op {
    Set(&'static str, &'static str, String),
    Remove(&'static str, &'static str),
    RemoveSection(&'static str),
}

const NAMES: [&str; 4] = ["dev", "prod", "default", "x-y"];
const KEYS: [&str; 5] = ["region", "Region", "output", "s3", "aws_access_key_id"];

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        prop::sample::select(vec!["", "  ", "\t"]).prop_map(Item::Blank),
        prop::sample::select(vec!["# c", "; c", "#", ";x = y"]).prop_map(Item::Comment),
        (
            prop::sample::select(KEYS.to_vec()),
            prop::sample::select(vec![" = ", "=", " =\t", " = "]),
            "[a-z0-9#;=/+]{0,6}",
            prop::sample::select(vec!["", " # note", "\t; x", "  "]),
            prop::collection::vec(
                prop::sample::select(vec!["  k = v", "\tmax = 10 # c", "  a=b"]),
                0..3
            ),
        )
            .prop_map(|(key, sep, value, tail, conts)| Item::Entry {
                key,
                sep,
                value,
                tail,
                conts
            }),
    ]
}

fn document() -> impl Strategy<Value = (String, bool)> {
    (
        prop::collection::vec(
            (
                prop::sample::select(NAMES.to_vec()),
                prop::sample::select(vec!["[{}]", "[ {} ]", "[{}] # c", "[{}];x"]),
                prop::collection::vec(item(), 0..5),
            ),
            0..5,
        ),
        prop::bool::ANY,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(sections, crlf, final_nl, bom)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut lines: Vec<String> = Vec::new();
            for (name, fmt, items) in sections {
                lines.push(fmt.replace("{}", name));
                for it in items {
                    match it {
                        Item::Blank(s) | Item::Comment(s) => lines.push(s.to_string()),
                        Item::Entry {
                            key,
                            sep,
                            value,
                            tail,
                            conts,
                        } => {
                            lines.push(format!("{key}{sep}{value}{tail}"));
                            lines.extend(conts.iter().map(|c| c.to_string()));
                        }
                    }
                }
            }
            let mut text = lines.join(eol);
            if final_nl && !text.is_empty() {
                text.push_str(eol);
            }
            (text, bom)
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            prop::sample::select(NAMES.to_vec()),
            prop::sample::select(KEYS.to_vec()),
            "[A-Za-z0-9/+=._#-]{0,12}"
        )
            .prop_map(|(s, k, v)| Op::Set(s, k, v)),
        (
            prop::sample::select(NAMES.to_vec()),
            prop::sample::select(KEYS.to_vec())
        )
            .prop_map(|(s, k)| Op::Remove(s, k)),
        prop::sample::select(NAMES.to_vec()).prop_map(Op::RemoveSection),
    ]
}

/// Line texts with endings, for comparing the untouched parts.
fn raw_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parse_then_render_is_identity(text in "(\\PC|\r|\n|\t| |\\[|\\]|=|#|;){0,200}") {
        prop_assert_eq!(Document::parse(&text).render(), text);
    }

    #[test]
    fn edits_change_only_their_section_and_mean_what_they_say(
        (text, bom) in document(), op in op()
    ) {
        let text = if bom { format!("\u{feff}{text}") } else { text };
        let doc = Document::parse(&text);
        prop_assume!(doc.validate().is_ok());
        let before = doc.profiles(FileKind::Credentials).expect("valid");
        let mut after_doc = doc.clone();
        let section = match &op { Op::Set(s, ..) | Op::Remove(s, _) | Op::RemoveSection(s) => *s };
        let result = match &op {
            Op::Set(s, k, v) => after_doc.set(s, k, v),
            Op::Remove(s, k) => after_doc.remove(s, k),
            Op::RemoveSection(s) => after_doc.remove_section(s),
        };
        let value_ok = match &op {
            Op::Set(_, k, v) => super::document::check_value(k, v).is_ok(),
            _ => true,
        };
        if !value_ok {
            let bad = matches!(result, Err(Error::InvalidValue { .. }));
            prop_assert!(bad, "{:?}", result);
            prop_assert_eq!(after_doc.render(), text);
            return Ok(());
        }
        let lines = doc.section_lines(section);
        if lines.len() > 1 {
            let dup = matches!(result, Err(Error::DuplicateSection { .. }));
            prop_assert!(dup, "{:?}", result);
            prop_assert_eq!(after_doc.render(), text);
            return Ok(());
        }
        prop_assert!(result.is_ok(), "{:?}", result);
        let out = after_doc.render();

        // Semantics: exactly the intended profiles.
        let mut want = before.clone();
        match &op {
            Op::Set(s, k, v) => {
                want.profiles.entry(s.to_string()).or_default().insert(k.to_lowercase(), v.clone());
            }
            Op::Remove(s, k) => {
                if let Some(p) = want.profiles.get_mut(*s) { p.remove(&k.to_lowercase()); }
            }
            Op::RemoveSection(s) => { want.profiles.remove(*s); }
        }
        let reparsed = Document::parse(&out);
        prop_assert_eq!(reparsed.profiles(FileKind::Credentials).expect("still valid"), want);

        // Bytes: only lines of the edited section (or, removing a section, the
        // comment and blank lines right above it; appending, the old last
        // line's ending) may differ.
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let out_body = out.strip_prefix('\u{feff}').unwrap_or(&out);
        prop_assert_eq!(text.starts_with('\u{feff}'), out.starts_with('\u{feff}'));
        let a = raw_lines(body);
        let b = raw_lines(out_body);
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a.iter().rev().zip(b.iter().rev())
            .take(a.len().min(b.len()) - prefix)
            .take_while(|(x, y)| x == y).count();
        let changed = (prefix, a.len() - suffix);
        if changed.0 < changed.1 || a.len() != b.len() {
            let (lo, hi) = match lines.first() {
                Some(&header_line) => {
                    let header = header_line - 1;
                    let end = (header + 1..a.len())
                        .find(|&i| a[i].starts_with('['))
                        .unwrap_or(a.len());
                    let mut lo = header;
                    if matches!(op, Op::RemoveSection(_)) {
                        while lo > 0 && {
                            let t = a[lo - 1].trim();
                            t.is_empty() || t.starts_with(['#', ';'])
                        } { lo -= 1; }
                    }
                    // Inserting after a last line without an ending adds one.
                    if end == a.len() && lo > 0 && !body.ends_with('\n') {
                        lo = lo.min(a.len() - 1);
                    }
                    (lo, end)
                }
                None => (a.len().saturating_sub(1), a.len()),
            };
            prop_assert!(changed.0 >= lo && changed.1 <= hi,
                "changed lines {:?} outside the allowed {:?}\n--- before\n{}\n--- after\n{}", changed, (lo, hi), text, out);
        }
    }
}

fn temp_paths(dir: &Path) -> AwsPaths {
    AwsPaths {
        config: dir.join("config"),
        credentials: dir.join("credentials"),
    }
}

#[test]
fn login_reports_shadowed_credential_process_and_lists_managed_profile() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = temp_paths(tmp.path());
    std::fs::write(
        &paths.config,
        "[profile dev]\ncredential_process = /usr/bin/aws-cli-oidc get-cred -p dev\n",
    )
    .expect("seed");
    let creds = fixture_credentials();
    let req = LoginWrite {
        profile: "dev",
        provider: "keycloak",
        role_arn: "arn:aws:iam::123456789012:role/dev",
        credentials: &creds,
        region: None,
        force: false,
        duration: None,
    };
    let out = write_login_credentials(&paths, &req, &StoreOptions::default(), &mut |_| {})
        .expect("login");
    assert!(out.shadows_credential_process);
    assert!(out.credentials.changed && out.credentials.created && out.config.is_none());
    let seen = super::read_profiles(&paths).expect("read");
    let dev = seen.profiles.get("dev").expect("dev");
    assert!(dev.contains_key("credential_process") && dev.contains_key("aws_session_token"));
    let managed = super::list_managed(&paths).expect("list");
    assert_eq!(managed.len(), 2);
    assert_eq!(
        managed[0].source,
        super::ManagedSource::Credentials {
            provider: "keycloak".into(),
            role_arn: Some("arn:aws:iam::123456789012:role/dev".into()),
            expires: Some(time::macros::datetime!(2026-11-27 22:00:00 UTC)),
            duration: None,
        }
    );
    assert!(matches!(
        managed[1].source,
        super::ManagedSource::CredentialProcess { .. }
    ));
}

#[test]
fn install_dry_run_returns_diffs_and_writes_nothing_then_second_install_is_unchanged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = temp_paths(tmp.path());
    let creds_text = "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = TOPSECRET\n";
    std::fs::write(&paths.credentials, creds_text).expect("seed");
    let req = InstallRequest {
        profile: "dev",
        command_line: "/usr/bin/aws-cli-oidc get-cred -p dev",
        region: Some("eu-west-1"),
        force: true,
    };
    let dry = StoreOptions {
        dry_run: true,
        ..Default::default()
    };
    let out = install_credential_process(&paths, &req, &dry, &mut |_| {}).expect("dry run");
    assert!(out.changed());
    let cfg_diff = out.config.diff.as_deref().expect("config diff");
    assert!(cfg_diff.starts_with("--- /dev/null\n"), "{cfg_diff}");
    assert!(cfg_diff.contains("+credential_process = /usr/bin/aws-cli-oidc get-cred -p dev"));
    let cred_diff = out
        .credentials
        .as_ref()
        .and_then(|c| c.diff.as_deref())
        .expect("diff");
    assert!(
        cred_diff.contains("-aws_secret_access_key = <redacted>"),
        "{cred_diff}"
    );
    assert!(!cred_diff.contains("TOPSECRET"));
    assert!(!paths.config.exists());
    assert_eq!(
        std::fs::read_to_string(&paths.credentials).expect("read"),
        creds_text
    );

    let opts = StoreOptions::default();
    assert!(
        install_credential_process(&paths, &req, &opts, &mut |_| {})
            .expect("install")
            .changed()
    );
    assert_eq!(
        std::fs::read_to_string(&paths.credentials).expect("read"),
        ""
    );
    let again = install_credential_process(&paths, &req, &opts, &mut |_| {}).expect("again");
    assert!(!again.changed() && again.credentials.is_none());
}

#[test]
fn error_messages_name_the_file_line_and_next_step() {
    let p = Path::new("/home/u/.aws/credentials");
    let parse = Document::parse("[dev]\nkey : value\n")
        .validate()
        .expect_err("invalid")
        .with_path(p);
    assert_eq!(
        parse.to_string(),
        "/home/u/.aws/credentials:2: expected an '=' sign defining a property"
    );
    let dup = Document::parse("[dev]\n[dev]\n")
        .set("dev", "k", "v")
        .expect_err("dup")
        .with_path(p);
    assert_eq!(
        dup.to_string(),
        "/home/u/.aws/credentials: section [dev] appears more than once (lines 1, 2); botocore refuses such files: merge them by hand, then retry"
    );
    let statik = Error::StaticKeys {
        path: p.into(),
        profile: "dev".into(),
    };
    assert_eq!(
        statik.to_string(),
        "/home/u/.aws/credentials: profile [dev] holds static keys not written by aws-cli-oidc; they may be long-lived keys: pass --force to overwrite them"
    );
    let shadow = Error::ShadowingKeys {
        path: p.into(),
        profile: "dev".into(),
    };
    assert_eq!(
        shadow.to_string(),
        "/home/u/.aws/credentials: profile [dev] holds static keys, so botocore would use them and never call credential_process: pass --force to remove them"
    );
    let value = Document::default()
        .set("dev", "aws_session_token", "abc #def")
        .expect_err("comment");
    assert_eq!(
        value.to_string(),
        "refusing to write key aws_session_token: the value holds '#' or ';' at its start or after whitespace (an inline comment), which the AWS file format cannot hold"
    );
    assert!(!value.to_string().contains("abc"));
}
