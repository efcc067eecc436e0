//! Tests against the real OS keyring. Ignored by default: they need a
//! Secret Service, which `tests/keyring/run.sh` provides with
//! `dbus-run-session` and `gnome-keyring-daemon`, once unlocked and once
//! locked. Each test states which of the two it expects in
//! `AWS_CLI_OIDC_KEYRING_EXPECT` and refuses to run under the other, so a
//! wrong setup fails instead of passing vacuously.

use std::time::{Duration, Instant};

use time::macros::datetime;

use super::*;
use crate::secret::Secret;

const PROBE: Duration = Duration::from_secs(5);

fn expect(mode: &str) {
    let got = std::env::var("AWS_CLI_OIDC_KEYRING_EXPECT").unwrap_or_default();
    assert_eq!(
        got, mode,
        "run through tests/keyring/run.sh (AWS_CLI_OIDC_KEYRING_EXPECT={mode})"
    );
}

/// A provider name no other run uses, so leftovers cannot fake a pass.
fn unique_provider() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("real-{hex}")
}

#[test]
#[ignore = "needs an unlocked Secret Service: tests/keyring/run.sh"]
fn unlocked_keyring_round_trip() {
    expect("unlocked");
    let tmp = tempfile::tempdir().unwrap();
    let opened = open_store(StoreChoice::Keyring, tmp.path(), PROBE).unwrap();
    assert_eq!(opened.store.kind(), StoreKind::Keyring);
    assert_eq!(opened.notice, None);
    // `auto` splits, with the keyring as the refresh tokens' place.
    let opened = open_store(StoreChoice::Auto, tmp.path(), PROBE).unwrap();
    assert_eq!(opened.store.kind(), StoreKind::Split);
    assert_eq!(opened.store.parts().map(|p| p.len()), Some(2));
    assert_eq!(opened.store.take_notice(), None);
    let store = open_store(StoreChoice::Keyring, tmp.path(), PROBE)
        .unwrap()
        .store;
    let s = store.as_ref();
    let provider = unique_provider();
    let key = refresh_token_key(&provider);

    // Raw set / get / replace / delete through the Secret Service.
    assert_eq!(s.get(&key).unwrap(), None);
    s.set(&key, "first").unwrap();
    assert_eq!(s.get(&key).unwrap().as_deref(), Some("first"));
    s.set(&key, "second").unwrap();
    assert_eq!(s.get(&key).unwrap().as_deref(), Some("second"));
    // A second connection (another process, in effect) sees the value.
    let other = KeyringStore::platform().unwrap();
    assert_eq!(other.get(&key).unwrap().as_deref(), Some("second"));
    assert!(s.delete(&key).unwrap());
    assert!(!s.delete(&key).unwrap());
    assert_eq!(other.get(&key).unwrap(), None);

    // The largest value the Windows limit allows goes through unchanged.
    let big = "x".repeat(MAX_VALUE_BYTES);
    s.set(&key, &big).unwrap();
    assert_eq!(s.get(&key).unwrap().map(|v| v.len()), Some(MAX_VALUE_BYTES));
    assert!(s.delete(&key).unwrap());

    // Entries, index and clear on the real keyring.
    let now = datetime!(2026-11-27 12:00 UTC);
    let role = "arn:aws:iam::123456789012:role/dev";
    let ckey = credentials_key(&provider, role, 3600);
    let creds = crate::sts::Credentials {
        access_key_id: Secret::new("ASIAEXAMPLE".into()),
        secret_access_key: Secret::new("secret".into()),
        session_token: Secret::new("token".repeat(200)),
        expiration: datetime!(2026-11-27 13:00 UTC),
    };
    put_credentials(s, &ckey, role, &creds, now).unwrap();
    let rt = RefreshTokenEntry {
        refresh_token: Secret::new("rt".into()),
        token_endpoint: "https://idp.example/token".into(),
        client_id: "cli".into(),
        issuer: "https://idp.example".into(),
        metadata_url: String::new(),
        subject: None,
        saved_at: now,
    };
    put_refresh_token(s, &provider, &rt, now).unwrap();
    assert_eq!(get_credentials(s, &ckey, role).unwrap(), Some(creds));
    assert_eq!(get_refresh_token(s, &provider).unwrap(), Some(rt));
    assert_eq!(clear(s, Some(&provider)).unwrap(), 2);
    assert_eq!(get_refresh_token(s, &provider).unwrap(), None);
    assert_eq!(s.get(&ckey).unwrap(), None);
}

/// Prints what a `keyring` hit costs with a working Secret Service:
/// connect, probe read, entry read. Timings are not asserted.
#[test]
#[ignore = "needs an unlocked Secret Service: tests/keyring/run.sh"]
#[allow(clippy::print_stderr)]
fn unlocked_keyring_hit_cost_is_measured() {
    expect("unlocked");
    let tmp = tempfile::tempdir().unwrap();
    let key = refresh_token_key(&unique_provider());
    let first = open_store(StoreChoice::Keyring, tmp.path(), PROBE).unwrap();
    assert_eq!(first.store.kind(), StoreKind::Keyring);
    first.store.set(&key, "value").unwrap();
    let n = 20;
    let start = Instant::now();
    for _ in 0..n {
        let o = open_store(StoreChoice::Keyring, tmp.path(), PROBE).unwrap();
        assert_eq!(o.store.get(&key).unwrap().as_deref(), Some("value"));
    }
    let per = start.elapsed().as_micros() / n;
    eprintln!("keyring open + Secret Service hit (connect, probe, read): {per} us/op");
    assert!(first.store.delete(&key).unwrap());
}

#[test]
#[ignore = "needs a locked or absent Secret Service: tests/keyring/run.sh"]
fn unusable_keyring_errors_and_auto_falls_back() {
    expect("unusable");
    let tmp = tempfile::tempdir().unwrap();
    let err = open_store(StoreChoice::Keyring, tmp.path(), PROBE).unwrap_err();
    assert!(
        matches!(err, Error::KeyringUnavailable { .. }),
        "expected KeyringUnavailable, got {err:?}"
    );
    assert!(err.to_string().contains("secret_store: file"), "{err}");

    // `auto` probes when the refresh token is first needed, falls back to
    // files and says so once.
    let opened = open_store(StoreChoice::Auto, tmp.path(), PROBE).unwrap();
    assert_eq!(opened.store.kind(), StoreKind::Split);
    assert_eq!(opened.notice, None);
    opened.store.set("refresh.dev", "v").unwrap();
    assert!(tmp.path().join("cache/refresh.dev.json").exists());
    let notice = opened
        .store
        .take_notice()
        .expect("first fallback gives a notice");
    assert!(notice.starts_with("no usable keyring; "), "{notice}");

    // The decision is remembered: no probe, no notice.
    let again = open_store(StoreChoice::Auto, tmp.path(), PROBE).unwrap();
    assert_eq!(
        again.store.get("refresh.dev").unwrap().as_deref(),
        Some("v")
    );
    assert_eq!(again.store.take_notice(), None);
}
