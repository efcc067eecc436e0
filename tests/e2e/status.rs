//! `status --json` after a real login against the peers.

use crate::support::{self, Sandbox};

#[test]
fn status_json_after_login_lists_provider_profile_and_cache() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["login", "--profile", "dev", "-p", "oidc"])
        .assert_success();
    let run = sandbox.run(&["status", "--json"]);
    run.assert_success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}){}", run.streams()));
    assert_eq!(doc["version"], 1);
    let providers: Vec<&str> = doc["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        providers.contains(&"oidc") && providers.contains(&"saml"),
        "{doc}"
    );

    let profiles = doc["profiles"].as_array().expect("profiles");
    assert_eq!(profiles.len(), 1, "{doc}");
    let dev = &profiles[0];
    assert_eq!(dev["profile"], "dev");
    assert_eq!(dev["file"], "credentials");
    assert_eq!(dev["provider"], "oidc");
    assert_eq!(dev["role_arn"], support::role_arn("developer"));
    let left = dev["seconds_left"].as_i64().expect("seconds_left");
    assert!((3000..=3600).contains(&left), "seconds_left {left}");

    // No keyring in the sandbox: auto fell back to files and remembered it,
    // and status listed the refresh token without probing again.
    assert_eq!(doc["secret_store"]["remembered"], "file", "{doc}");
    assert!(
        doc["cache_entries"]
            .as_array()
            .expect("cache_entries")
            .iter()
            .any(|e| e["key"] == "refresh.oidc" && e["kind"] == "refresh_token"),
        "{doc}"
    );
    // The sandbox writes config.yaml with the default umask (0644).
    assert!(
        doc["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["kind"] == "file_mode"
                && w["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("config.yaml"))),
        "{doc}"
    );
}
