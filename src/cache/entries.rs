//! What the cache holds: AWS credentials per (provider, role, duration) and
//! one refresh token per provider, as small versioned JSON documents; their
//! keys; and the index that lets [`clear`] find them, since keyrings cannot
//! list their entries.
//!
//! The index (key [`INDEX_KEY`]) maps each of our keys to its expiry (Unix
//! seconds) or `null` for refresh tokens. It is updated before the entry is
//! written, so a crash in between leaves at worst a name that points nowhere,
//! never an entry `clear` cannot find. Expired credential entries are deleted
//! whenever the index is written. Index updates are serialized with the lock
//! in the store's [`SecretStore::locks_dir`].

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{Error, MAX_VALUE_BYTES, SecretStore, lock};
use crate::secret::Secret;
use crate::sts::Credentials;

/// The key of the index entry.
pub const INDEX_KEY: &str = "index";

/// Version of the entry formats; another version reads as a miss.
const FORMAT: u32 = 1;

/// Index updates take milliseconds; waiting longer means something is stuck.
const INDEX_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest provider part of a key before it is shortened with a hash.
const MAX_PROVIDER_PART: usize = 64;

/// The provider name as a key part: `a-z`, `0-9` and `-` stay, every other
/// byte becomes `_xx` (hex). Injective, so `a.b` and `a_b` get different
/// keys, and free of `.`, so `creds.<part>.` prefixes never overlap. Long
/// names are cut and given a hash of the full name.
fn provider_part(provider: &str) -> String {
    let mut out = String::with_capacity(provider.len());
    for b in provider.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    if out.len() > MAX_PROVIDER_PART {
        out.truncate(40);
        out.push('-');
        out.push_str(&short_hash(provider));
    }
    out
}

/// First 16 hex digits (64 bits) of SHA-256.
fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    format!("{:016x}", u64::from_be_bytes(first))
}

/// The key of the credentials for `role_arn` with `duration_seconds` from
/// `provider`: `creds.<provider>.<16 hex digits>`. Stable across versions.
pub fn credentials_key(provider: &str, role_arn: &str, duration_seconds: u32) -> String {
    format!(
        "creds.{}.{}",
        provider_part(provider),
        short_hash(&format!("{role_arn}|{duration_seconds}"))
    )
}

/// The key of `provider`'s refresh token: `refresh.<provider>`.
pub fn refresh_token_key(provider: &str) -> String {
    format!("refresh.{}", provider_part(provider))
}

fn belongs_to(key: &str, provider: &str) -> bool {
    let part = provider_part(provider);
    key == format!("refresh.{part}") || key.starts_with(&format!("creds.{part}."))
}

fn encode_error(key: &str, what: &str) -> Error {
    Error::Encode {
        key: key.to_string(),
        reason: what.to_string(),
    }
}

/// Cached AWS credentials and the role they are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsEntry {
    /// The role assumed.
    pub role_arn: String,
    /// The credentials.
    pub credentials: Credentials,
}

#[derive(Serialize)]
struct CredentialsOut<'a> {
    v: u32,
    role_arn: &'a str,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    expiration: OffsetDateTime,
}

#[derive(Deserialize)]
struct CredentialsIn {
    v: u32,
    role_arn: String,
    access_key_id: Secret<String>,
    secret_access_key: Secret<String>,
    session_token: Secret<String>,
    #[serde(with = "time::serde::rfc3339")]
    expiration: OffsetDateTime,
}

impl CredentialsEntry {
    /// Pair credentials with their role.
    pub fn new(role_arn: &str, credentials: Credentials) -> CredentialsEntry {
        CredentialsEntry {
            role_arn: role_arn.to_string(),
            credentials,
        }
    }

    /// The stored form: `{"v":1,"role_arn":…,"access_key_id":…,
    /// "secret_access_key":…,"session_token":…,"expiration":"…Z"}`.
    pub fn to_json(&self) -> Result<String, Error> {
        let c = &self.credentials;
        let out = CredentialsOut {
            v: FORMAT,
            role_arn: &self.role_arn,
            access_key_id: c.access_key_id.expose(),
            secret_access_key: c.secret_access_key.expose(),
            session_token: c.session_token.expose(),
            expiration: c.expiration.to_offset(time::UtcOffset::UTC),
        };
        serde_json::to_string(&out).map_err(|_| encode_error(&self.role_arn, "expiration"))
    }

    /// Parse the stored form; `None` for anything else (a corrupt entry or
    /// another format version is a miss).
    pub fn from_json(text: &str) -> Option<CredentialsEntry> {
        let e: CredentialsIn = serde_json::from_str(text).ok()?;
        (e.v == FORMAT).then(|| CredentialsEntry {
            role_arn: e.role_arn,
            credentials: Credentials {
                access_key_id: e.access_key_id,
                secret_access_key: e.secret_access_key,
                session_token: e.session_token,
                expiration: e.expiration.to_offset(time::UtcOffset::UTC),
            },
        })
    }
}

impl From<CredentialsEntry> for Credentials {
    fn from(e: CredentialsEntry) -> Credentials {
        e.credentials
    }
}

/// A provider's refresh token and what is needed to use it without
/// discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenEntry {
    /// The refresh token.
    pub refresh_token: Secret<String>,
    /// The token endpoint it is redeemed at.
    pub token_endpoint: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The issuer that issued it.
    pub issuer: String,
    /// The `oidc_provider_metadata_url` it was obtained through: a token is
    /// used only while the provider's config still names that URL, so a
    /// changed config means a login, never a token sent elsewhere. Empty in
    /// entries written before it was recorded.
    pub metadata_url: String,
    /// The login's ID-token `sub`, when known: a renewal must yield the
    /// same one.
    pub subject: Option<String>,
    /// When it was stored, UTC.
    pub saved_at: OffsetDateTime,
}

#[derive(Serialize)]
struct RefreshOut<'a> {
    v: u32,
    refresh_token: &'a str,
    token_endpoint: &'a str,
    client_id: &'a str,
    issuer: &'a str,
    metadata_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
}

#[derive(Deserialize)]
struct RefreshIn {
    v: u32,
    refresh_token: Secret<String>,
    token_endpoint: String,
    client_id: String,
    issuer: String,
    #[serde(default)]
    metadata_url: String,
    #[serde(default)]
    subject: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
}

impl RefreshTokenEntry {
    /// The stored form: `{"v":1,"refresh_token":…,"token_endpoint":…,
    /// "client_id":…,"issuer":…,"saved_at":"…Z"}`.
    pub fn to_json(&self) -> Result<String, Error> {
        let out = RefreshOut {
            v: FORMAT,
            refresh_token: self.refresh_token.expose(),
            token_endpoint: &self.token_endpoint,
            client_id: &self.client_id,
            issuer: &self.issuer,
            metadata_url: &self.metadata_url,
            subject: self.subject.as_deref(),
            saved_at: self.saved_at.to_offset(time::UtcOffset::UTC),
        };
        serde_json::to_string(&out).map_err(|_| encode_error(&self.issuer, "saved_at"))
    }

    /// Parse the stored form; `None` for anything else.
    pub fn from_json(text: &str) -> Option<RefreshTokenEntry> {
        let e: RefreshIn = serde_json::from_str(text).ok()?;
        (e.v == FORMAT).then(|| RefreshTokenEntry {
            refresh_token: e.refresh_token,
            token_endpoint: e.token_endpoint,
            client_id: e.client_id,
            issuer: e.issuer,
            metadata_url: e.metadata_url,
            subject: e.subject,
            saved_at: e.saved_at.to_offset(time::UtcOffset::UTC),
        })
    }
}

/// Our keys and their expiry (Unix seconds; `None` for refresh tokens).
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Index {
    v: u32,
    entries: BTreeMap<String, Option<i64>>,
}

fn read_index(store: &dyn SecretStore) -> Result<Index, Error> {
    let index = store
        .get(INDEX_KEY)?
        .and_then(|t| serde_json::from_str::<Index>(&t).ok())
        .filter(|i| i.v == FORMAT)
        .unwrap_or_default();
    Ok(index)
}

/// Delete expired credential entries (except `keep`) and, while the index is
/// over the keyring size limit, the credentials closest to expiry: they are
/// only a cache. Refresh tokens are never evicted. True when any went.
fn prune(store: &dyn SecretStore, index: &mut Index, now: OffsetDateTime, keep: &str) -> bool {
    let now = now.unix_timestamp();
    let len = index.entries.len();
    let expired: Vec<String> = index
        .entries
        .iter()
        .filter(|(k, exp)| k.starts_with("creds.") && k.as_str() != keep && exp.unwrap_or(0) <= now)
        .map(|(k, _)| k.clone())
        .collect();
    for k in expired {
        // A failed delete keeps the name, so the next write tries again.
        if store.delete(&k).is_ok() {
            index.entries.remove(&k);
        }
    }
    while index_len(index) > MAX_VALUE_BYTES {
        let oldest = index
            .entries
            .iter()
            .filter(|(k, _)| k.starts_with("creds.") && k.as_str() != keep)
            .min_by_key(|(_, exp)| exp.unwrap_or(0))
            .map(|(k, _)| k.clone());
        let Some(k) = oldest else { break };
        if store.delete(&k).is_err() {
            break;
        }
        index.entries.remove(&k);
    }
    index.entries.len() != len
}

fn index_len(index: &Index) -> usize {
    serde_json::to_string(index).map(|s| s.len()).unwrap_or(0)
}

fn write_index(store: &dyn SecretStore, index: &mut Index) -> Result<(), Error> {
    if index.entries.is_empty() {
        store.delete(INDEX_KEY)?;
        return Ok(());
    }
    index.v = FORMAT;
    let text = serde_json::to_string(index).map_err(|_| encode_error(INDEX_KEY, "index"))?;
    store.set(INDEX_KEY, &text)
}

/// Run `f` under the index lock of `store` (if it has a locks directory).
fn with_index<T>(
    store: &dyn SecretStore,
    f: impl FnOnce(&mut Index) -> Result<T, Error>,
) -> Result<T, Error> {
    let _guard = match store.locks_dir() {
        Some(dir) => Some(lock(dir, INDEX_KEY, INDEX_LOCK_TIMEOUT)?),
        None => None,
    };
    let mut index = read_index(store)?;
    f(&mut index)
}

/// The backends of `store`: its parts, or itself.
fn parts(store: &dyn SecretStore) -> Vec<&dyn SecretStore> {
    store.parts().unwrap_or_else(|| vec![store])
}

/// Write `key` to the backend of `store` that holds it, and remove it from
/// the others (an older layout's copy, e.g. a refresh token kept in files
/// while the keyring was unusable).
fn put(
    store: &dyn SecretStore,
    key: &str,
    value: &str,
    expiry: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let holder = store.holder(key).unwrap_or(store);
    put_in(holder, key, value, expiry, now)?;
    for other in parts(store) {
        if !std::ptr::addr_eq(other, holder) {
            // Best effort: a leftover copy is only read when the new one is missing.
            let _ = delete_in(other, key);
        }
    }
    Ok(())
}

fn put_in(
    store: &dyn SecretStore,
    key: &str,
    value: &str,
    expiry: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), Error> {
    with_index(store, |index| {
        let before = index.entries.insert(key.to_string(), expiry);
        let pruned = prune(store, index, now, key);
        // Replacing a refresh token leaves the index as it was: skip the write.
        if pruned || before != Some(expiry) {
            write_index(store, index)?;
        }
        Ok(())
    })?;
    store.set(key, value)
}

/// The credentials stored under `key` for `role_arn`, fresh or not (see
/// [`super::is_fresh`]); `None` when missing, corrupt or for another role.
/// Reads exactly one entry.
#[cfg(test)]
pub(crate) fn get_credentials(
    store: &dyn SecretStore,
    key: &str,
    role_arn: &str,
) -> Result<Option<Credentials>, Error> {
    Ok(store
        .get(key)?
        .and_then(|t| CredentialsEntry::from_json(&t))
        .filter(|e| e.role_arn == role_arn)
        .map(|e| e.credentials))
}

/// Store credentials under `key` (from [`credentials_key`]), record them in
/// the index and delete expired ones.
pub fn put_credentials(
    store: &dyn SecretStore,
    key: &str,
    role_arn: &str,
    credentials: &Credentials,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let entry = CredentialsEntry::new(role_arn, credentials.clone());
    let json = entry.to_json()?;
    put(
        store,
        key,
        &json,
        Some(credentials.expiration.unix_timestamp()),
        now,
    )
}

/// `provider`'s refresh token; `None` when missing or corrupt.
pub fn get_refresh_token(
    store: &dyn SecretStore,
    provider: &str,
) -> Result<Option<RefreshTokenEntry>, Error> {
    Ok(store
        .get(&refresh_token_key(provider))?
        .and_then(|t| RefreshTokenEntry::from_json(&t)))
}

/// Store `provider`'s refresh token, replacing the previous one.
pub fn put_refresh_token(
    store: &dyn SecretStore,
    provider: &str,
    entry: &RefreshTokenEntry,
    now: OffsetDateTime,
) -> Result<(), Error> {
    put(
        store,
        &refresh_token_key(provider),
        &entry.to_json()?,
        None,
        now,
    )
}

/// Delete one entry (e.g. a refresh token the provider rejected) and its
/// index record; `Ok(false)` when it was not there.
pub fn delete_entry(store: &dyn SecretStore, key: &str) -> Result<bool, Error> {
    let mut deleted = false;
    for part in parts(store) {
        deleted |= delete_in(part, key)?;
    }
    Ok(deleted)
}

fn delete_in(store: &dyn SecretStore, key: &str) -> Result<bool, Error> {
    with_index(store, |index| {
        let deleted = store.delete(key)?;
        if index.entries.remove(key).is_some() {
            write_index(store, index)?;
        }
        Ok(deleted)
    })
}

/// Delete our entries: all of them, or only `provider`'s. Returns how many
/// entries existed and were deleted (the index itself not counted); 0 when
/// there was nothing.
pub fn clear(store: &dyn SecretStore, provider: Option<&str>) -> Result<usize, Error> {
    let mut deleted = 0;
    for part in parts(store) {
        deleted += clear_in(part, provider)?;
    }
    Ok(deleted)
}

fn clear_in(store: &dyn SecretStore, provider: Option<&str>) -> Result<usize, Error> {
    with_index(store, |index| {
        let mut keys: Vec<String> = index
            .entries
            .keys()
            .filter(|k| provider.is_none_or(|p| belongs_to(k, p)))
            .cloned()
            .collect();
        // Entries the index lost are found too: by listing where the store
        // can, and by name for the refresh token.
        let mut extra: Vec<String> = store
            .list()?
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k != INDEX_KEY && k != super::open::PROBE_KEY)
            .filter(|k| provider.is_none_or(|p| belongs_to(k, p)))
            .collect();
        if let Some(p) = provider {
            extra.push(refresh_token_key(p));
        }
        for k in extra {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let mut deleted = 0;
        for k in &keys {
            if store.delete(k)? {
                deleted += 1;
            }
            index.entries.remove(k);
        }
        match provider {
            None => {
                store.delete(INDEX_KEY)?;
                store.delete(super::open::PROBE_KEY)?;
            }
            Some(_) => write_index(store, index)?,
        }
        Ok(deleted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{FileStore, KeyringStore};
    use time::macros::datetime;

    fn creds(exp: OffsetDateTime) -> Credentials {
        Credentials {
            access_key_id: Secret::new("ASIAEXAMPLE".into()),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG".into()),
            session_token: Secret::new("FwoGZXIvYXdzEJr//////////".into()),
            expiration: exp,
        }
    }

    fn refresh(token: &str) -> RefreshTokenEntry {
        RefreshTokenEntry {
            refresh_token: Secret::new(token.into()),
            token_endpoint: "https://idp.example/token".into(),
            client_id: "cli".into(),
            issuer: "https://idp.example".into(),
            metadata_url: "https://idp.example/.well-known/openid-configuration".into(),
            subject: Some("u1".into()),
            saved_at: datetime!(2026-11-27 12:00 UTC),
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);
    const ROLE: &str = "arn:aws:iam::123456789012:role/dev";

    fn stores() -> Vec<(tempfile::TempDir, Box<dyn SecretStore>)> {
        let a = tempfile::tempdir().unwrap();
        let file = FileStore::new(a.path().join("cache")).with_locks_dir(a.path().join("locks"));
        let b = tempfile::tempdir().unwrap();
        let kr = KeyringStore::with_store(keyring_core::mock::Store::new().unwrap())
            .with_locks_dir(b.path().join("locks"));
        vec![(a, Box::new(file)), (b, Box::new(kr))]
    }

    fn index_keys(store: &dyn SecretStore) -> Vec<String> {
        read_index(store).unwrap().entries.into_keys().collect()
    }

    #[test]
    fn refresh_entries_written_before_the_binding_still_read() {
        let old = r#"{"v":1,"refresh_token":"rt","token_endpoint":"https://idp.example/token","client_id":"cli","issuer":"https://idp.example","saved_at":"2026-11-27T12:00:00Z"}"#;
        let e = RefreshTokenEntry::from_json(old).unwrap();
        assert_eq!(e.refresh_token.expose(), "rt");
        assert_eq!((e.metadata_url.as_str(), e.subject), ("", None));
    }

    #[test]
    fn credentials_key_is_stable_and_separates_role_duration_and_provider() {
        let k = credentials_key("dev", ROLE, 3600);
        assert_eq!(k, credentials_key("dev", ROLE, 3600));
        assert!(k.starts_with("creds.dev."), "{k}");
        assert_eq!(k.len(), "creds.dev.".len() + 16);
        // Pinned: a change would orphan every cached entry.
        assert_eq!(
            k,
            format!("creds.dev.{}", short_hash(&format!("{ROLE}|3600")))
        );
        assert_ne!(k, credentials_key("dev", ROLE, 7200));
        assert_ne!(
            k,
            credentials_key("dev", "arn:aws:iam::123456789012:role/ops", 3600)
        );
        assert_ne!(k, credentials_key("prod", ROLE, 3600));
        crate::cache::check_key(&k).unwrap();
    }

    #[test]
    fn short_hash_is_sha256_prefix() {
        // sha256("abc") = ba7816bf8f01cfea...
        assert_eq!(short_hash("abc"), "ba7816bf8f01cfea");
        // Leading zero digits are kept: keys are stable across versions.
        assert_eq!(short_hash("286"), "00328ce57bbc14b3");
    }

    #[test]
    fn provider_part_is_injective_and_safe() {
        assert_eq!(refresh_token_key("dev"), "refresh.dev");
        assert_eq!(refresh_token_key("my-idp"), "refresh.my-idp");
        assert_eq!(refresh_token_key("a.b"), "refresh.a_2eb");
        assert_eq!(refresh_token_key("a_b"), "refresh.a_5fb");
        assert_eq!(refresh_token_key("Dev"), "refresh._44ev");
        assert_eq!(refresh_token_key("../x"), "refresh._2e_2e_2fx");
        assert_eq!(refresh_token_key(""), "refresh._");
        for p in ["a.b", "a_b", "Dev", "../x", "", "ключ", &"x".repeat(300)] {
            crate::cache::check_key(&refresh_token_key(p)).unwrap();
            crate::cache::check_key(&credentials_key(p, ROLE, 900)).unwrap();
        }
        let long_a = refresh_token_key(&format!("{}a", "x".repeat(100)));
        let long_b = refresh_token_key(&format!("{}b", "x".repeat(100)));
        assert_ne!(long_a, long_b);
        assert!(long_a.len() <= "refresh.".len() + MAX_PROVIDER_PART);
    }

    #[test]
    fn credentials_entry_round_trips_and_keeps_secrets_out_of_debug() {
        let e = CredentialsEntry::new(ROLE, creds(datetime!(2026-11-27 13:00 +01:00)));
        let json = e.to_json().unwrap();
        assert!(
            json.contains(r#""expiration":"2026-11-27T12:00:00Z""#),
            "{json}"
        );
        assert!(json.contains(r#""role_arn":"arn:aws:iam::123456789012:role/dev""#));
        let back = CredentialsEntry::from_json(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.credentials.expiration.offset(), time::UtcOffset::UTC);
        let debug = format!("{back:?}");
        assert!(
            !debug.contains("ASIAEXAMPLE") && !debug.contains("wJalr"),
            "{debug}"
        );
        let c: Credentials = back.into();
        assert_eq!(c.session_token.expose(), "FwoGZXIvYXdzEJr//////////");
    }

    #[test]
    fn entries_of_another_version_or_shape_are_misses() {
        let json = CredentialsEntry::new(ROLE, creds(NOW)).to_json().unwrap();
        assert!(CredentialsEntry::from_json(&json.replace(r#""v":1"#, r#""v":2"#)).is_none());
        assert!(CredentialsEntry::from_json("{").is_none());
        assert!(CredentialsEntry::from_json("").is_none());
        assert!(CredentialsEntry::from_json(r#"{"v":1}"#).is_none());
        let rjson = refresh("rt").to_json().unwrap();
        assert_eq!(RefreshTokenEntry::from_json(&rjson), Some(refresh("rt")));
        assert!(RefreshTokenEntry::from_json(&json).is_none());
    }

    #[test]
    fn fixtures_parse_and_corrupt_fixture_is_a_miss() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cache");
        let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
        let c = CredentialsEntry::from_json(&read("credentials-v1.json")).unwrap();
        assert_eq!(c.role_arn, ROLE);
        assert_eq!(c.credentials.expiration, datetime!(2026-11-27 13:00 UTC));
        let r = RefreshTokenEntry::from_json(&read("refresh-v1.json")).unwrap();
        assert_eq!(r.client_id, "aws-cli-oidc");
        assert!(CredentialsEntry::from_json(&read("credentials-truncated.json")).is_none());
    }

    #[test]
    fn put_then_get_credentials_in_both_stores() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            let key = credentials_key("dev", ROLE, 3600);
            assert_eq!(get_credentials(s, &key, ROLE).unwrap(), None);
            let c = creds(datetime!(2026-11-27 13:00 UTC));
            put_credentials(s, &key, ROLE, &c, NOW).unwrap();
            assert_eq!(get_credentials(s, &key, ROLE).unwrap(), Some(c));
            // The same key read for another role (a hash collision) is a miss.
            assert_eq!(
                get_credentials(s, &key, "arn:aws:iam::1:role/x").unwrap(),
                None
            );
            assert_eq!(index_keys(s), vec![key]);
        }
    }

    #[test]
    fn corrupt_entry_reads_as_a_miss() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            let key = credentials_key("dev", ROLE, 3600);
            s.set(&key, "{\"v\":1,").unwrap();
            assert_eq!(get_credentials(s, &key, ROLE).unwrap(), None);
            s.set(&refresh_token_key("dev"), "garbage").unwrap();
            assert_eq!(get_refresh_token(s, "dev").unwrap(), None);
        }
    }

    #[test]
    fn refresh_token_is_replaced_per_provider() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            put_refresh_token(s, "dev", &refresh("one"), NOW).unwrap();
            put_refresh_token(s, "dev", &refresh("two"), NOW).unwrap();
            put_refresh_token(s, "prod", &refresh("three"), NOW).unwrap();
            let got = get_refresh_token(s, "dev").unwrap().unwrap();
            assert_eq!(got.refresh_token.expose(), "two");
            assert_eq!(index_keys(s), vec!["refresh.dev", "refresh.prod"]);
        }
    }

    #[test]
    fn writing_prunes_expired_credentials_but_not_refresh_tokens() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            let old = credentials_key("dev", ROLE, 900);
            let live = credentials_key("dev", ROLE, 3600);
            let earlier = datetime!(2026-11-27 09:00 UTC);
            put_credentials(
                s,
                &old,
                ROLE,
                &creds(datetime!(2026-11-27 10:00 UTC)),
                earlier,
            )
            .unwrap();
            put_refresh_token(s, "dev", &refresh("rt"), earlier).unwrap();
            put_credentials(s, &live, ROLE, &creds(datetime!(2026-11-27 13:00 UTC)), NOW).unwrap();
            assert_eq!(s.get(&old).unwrap(), None, "expired entry not pruned");
            assert!(s.get(&live).unwrap().is_some());
            assert!(get_refresh_token(s, "dev").unwrap().is_some());
            let mut want = vec![live.clone(), "refresh.dev".to_string()];
            want.sort();
            assert_eq!(index_keys(s), want);
        }
    }

    #[test]
    fn index_stays_under_the_keyring_limit_by_evicting_soonest_expiring() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            let n = 100;
            for i in 0..n {
                let role = format!("arn:aws:iam::123456789012:role/r{i}");
                let key = credentials_key("dev", &role, 3600);
                let exp = NOW + time::Duration::minutes(60 + i);
                put_credentials(s, &key, &role, &creds(exp), NOW).unwrap();
            }
            let text = s.get(INDEX_KEY).unwrap().unwrap();
            assert!(text.len() <= MAX_VALUE_BYTES, "{}", text.len());
            // The newest survives, the first (soonest to expire) is gone.
            let last = "arn:aws:iam::123456789012:role/r99";
            assert!(
                get_credentials(s, &credentials_key("dev", last, 3600), last)
                    .unwrap()
                    .is_some()
            );
            let first = "arn:aws:iam::123456789012:role/r0";
            assert_eq!(s.get(&credentials_key("dev", first, 3600)).unwrap(), None);
            // Every indexed key still exists.
            for k in index_keys(s) {
                assert!(s.get(&k).unwrap().is_some(), "{k} indexed but missing");
            }
        }
    }

    #[test]
    fn clear_one_provider_leaves_the_others() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            let exp = datetime!(2026-11-27 13:00 UTC);
            put_credentials(
                s,
                &credentials_key("dev", ROLE, 3600),
                ROLE,
                &creds(exp),
                NOW,
            )
            .unwrap();
            put_credentials(
                s,
                &credentials_key("dev", ROLE, 900),
                ROLE,
                &creds(exp),
                NOW,
            )
            .unwrap();
            put_refresh_token(s, "dev", &refresh("a"), NOW).unwrap();
            put_refresh_token(s, "dev-2", &refresh("b"), NOW).unwrap();
            put_credentials(
                s,
                &credentials_key("dev-2", ROLE, 900),
                ROLE,
                &creds(exp),
                NOW,
            )
            .unwrap();
            assert_eq!(clear(s, Some("dev")).unwrap(), 3);
            assert_eq!(get_refresh_token(s, "dev").unwrap(), None);
            assert!(get_refresh_token(s, "dev-2").unwrap().is_some());
            assert_eq!(index_keys(s).len(), 2);
            assert_eq!(clear(s, Some("dev")).unwrap(), 0);
        }
    }

    #[test]
    fn clear_all_removes_everything_including_the_index() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            assert_eq!(clear(s, None).unwrap(), 0);
            put_refresh_token(s, "dev", &refresh("a"), NOW).unwrap();
            put_refresh_token(s, "prod", &refresh("b"), NOW).unwrap();
            let key = credentials_key("prod", ROLE, 3600);
            put_credentials(s, &key, ROLE, &creds(datetime!(2026-11-27 13:00 UTC)), NOW).unwrap();
            assert_eq!(clear(s, None).unwrap(), 3);
            assert_eq!(s.get(INDEX_KEY).unwrap(), None);
            assert_eq!(s.get(&key).unwrap(), None);
            assert_eq!(clear(s, None).unwrap(), 0);
        }
    }

    #[test]
    fn clear_finds_a_refresh_token_the_index_lost() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            s.set(&refresh_token_key("dev"), &refresh("a").to_json().unwrap())
                .unwrap();
            assert_eq!(clear(s, Some("dev")).unwrap(), 1);
            assert_eq!(get_refresh_token(s, "dev").unwrap(), None);
        }
    }

    #[test]
    fn clear_removes_unindexed_files_of_the_file_store() {
        let tmp = tempfile::tempdir().unwrap();
        let s = FileStore::new(tmp.path().join("cache"));
        let key = credentials_key("dev", ROLE, 3600);
        let json = CredentialsEntry::new(ROLE, creds(NOW)).to_json().unwrap();
        s.set(&key, &json).unwrap();
        s.set(&credentials_key("prod", ROLE, 3600), &json).unwrap();
        assert_eq!(clear(&s, Some("dev")).unwrap(), 1);
        assert_eq!(s.get(&key).unwrap(), None);
        assert_eq!(clear(&s, None).unwrap(), 1);
        assert_eq!(s.list().unwrap(), Some(vec![]));
    }

    #[test]
    fn delete_entry_removes_entry_and_index_record() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            put_refresh_token(s, "dev", &refresh("a"), NOW).unwrap();
            assert!(delete_entry(s, &refresh_token_key("dev")).unwrap());
            assert!(!delete_entry(s, &refresh_token_key("dev")).unwrap());
            assert!(index_keys(s).is_empty());
            assert_eq!(s.get(INDEX_KEY).unwrap(), None);
        }
    }

    #[test]
    fn corrupt_index_is_treated_as_empty_and_rewritten() {
        for (_tmp, store) in stores() {
            let s = store.as_ref();
            s.set(INDEX_KEY, "not json").unwrap();
            put_refresh_token(s, "dev", &refresh("a"), NOW).unwrap();
            assert_eq!(index_keys(s), vec!["refresh.dev"]);
        }
    }
}
