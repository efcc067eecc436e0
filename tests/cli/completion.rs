//! `completion SHELL` prints a script for every shell clap_complete supports.

use std::process::Command;

#[test]
fn completion_scripts_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef aws-cli-oidc"),
        ("fish", "complete -c aws-cli-oidc"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_aws-cli-oidc"))
            .args(["completion", shell])
            .env_clear()
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell} script lacks {marker:?}");
        assert!(
            text.contains("get-cred"),
            "{shell} script lacks the get-cred subcommand"
        );
    }
}
