//! botocore (from the peers' venv, installed by tests/peers/install.sh) as an
//! oracle for the AWS files we write.

use std::path::Path;
use std::process::{Command, Stdio};

use aws_cli_oidc::awsfiles::profiles::{
    InstallRequest, LoginWrite, install_credential_process, write_login_credentials,
};
use aws_cli_oidc::awsfiles::{AwsPaths, CredentialProcessSpec, Platform, StoreOptions};
use aws_cli_oidc::secret::Secret;
use aws_cli_oidc::sts::Credentials;

fn no_wait() -> impl FnMut(&Path) {
    |_| {}
}

/// botocore (from the peers' venv, installed by tests/peers/install.sh) reads the files we wrote the way we
/// meant: profiles, nested `s3`, sso-session, login keys and a quoted
/// credential_process command line.
#[test]
fn botocore_reads_what_we_wrote() {
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/.venv/bin/python");
    let has_botocore = Command::new(&python)
        .args(["-c", "import botocore"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        has_botocore,
        "{} cannot import botocore: run `bash tests/peers/install.sh`",
        python.display()
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = AwsPaths {
        config: tmp.path().join("config"),
        credentials: tmp.path().join("credentials"),
    };
    std::fs::write(
        &paths.config,
        "# top\n[default]\nregion = eu-west-1\n\n[profile work]\ns3 =\n  max_concurrent_requests = 20\noutput = json\n\n[sso-session corp]\nsso_region = eu-west-1\n",
    )
    .expect("seed config");
    std::fs::write(
        &paths.credentials,
        "# keys\r\n[static]\r\naws_access_key_id = AKIASTATIC\r\naws_secret_access_key = s\r\n",
    )
    .expect("seed credentials");
    let creds = Credentials {
        access_key_id: Secret::new("ASIAORACLE".into()),
        secret_access_key: Secret::new("oracle/secret+key".into()),
        session_token: Secret::new("FwoGZXIvYXdzEOracle==".into()),
        expiration: time::macros::datetime!(2026-11-27 22:00:00 UTC),
    };
    let opts = StoreOptions::default();
    write_login_credentials(
        &paths,
        &LoginWrite {
            profile: "dev",
            provider: "keycloak",
            role_arn: "arn:aws:iam::123456789012:role/dev",
            credentials: &creds,
            region: Some("eu-central-1"),
            force: false,
            duration: None,
        },
        &opts,
        &mut no_wait(),
    )
    .expect("login");
    let mut spec = CredentialProcessSpec::new("/opt/my tools/aws-cli-oidc", "tool");
    spec.role_arn = Some("arn:aws:iam::123456789012:role/it's $HOME".into());
    spec.config_dir = Some("/home/me/my config".into());
    spec.duration = Some(7200);
    let cmd = spec.to_command_line(Platform::Unix).expect("command");
    install_credential_process(
        &paths,
        &InstallRequest {
            profile: "tool",
            command_line: &cmd,
            region: Some("us-east-2"),
            force: false,
        },
        &opts,
        &mut no_wait(),
    )
    .expect("install");

    let script = r#"
import json, sys
import botocore.configloader as cl
from botocore.compat import compat_shell_split
cfg = cl.load_config(sys.argv[1])
creds = cl.raw_config_parse(sys.argv[2])
print(json.dumps({
    "config": cfg["profiles"],
    "sso": cfg["sso_sessions"],
    "credentials": creds,
    "argv": compat_shell_split(cfg["profiles"]["tool"]["credential_process"]),
}))
"#;
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&paths.config)
        .arg(&paths.credentials)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    // botocore splits our line into exactly the words we meant, and our
    // parser reads back what we wrote.
    let mut argv = vec!["/opt/my tools/aws-cli-oidc".to_string()];
    argv.extend(spec.args());
    assert_eq!(got["argv"], serde_json::json!(argv));
    assert_eq!(
        CredentialProcessSpec::parse(&cmd, Platform::Unix),
        Some(spec)
    );
    assert_eq!(got["config"]["dev"]["region"], "eu-central-1");
    assert_eq!(got["config"]["tool"]["region"], "us-east-2");
    assert_eq!(got["config"]["work"]["s3"]["max_concurrent_requests"], "20");
    assert_eq!(got["config"]["work"]["output"], "json");
    assert_eq!(got["config"]["default"]["region"], "eu-west-1");
    assert_eq!(got["sso"]["corp"]["sso_region"], "eu-west-1");
    let dev = &got["credentials"]["dev"];
    assert_eq!(dev["aws_access_key_id"], "ASIAORACLE");
    assert_eq!(dev["aws_secret_access_key"], "oracle/secret+key");
    assert_eq!(dev["aws_session_token"], "FwoGZXIvYXdzEOracle==");
    assert_eq!(dev["x_security_token_expires"], "2026-11-27T22:00:00Z");
    assert_eq!(
        got["credentials"]["static"]["aws_access_key_id"],
        "AKIASTATIC"
    );
}
