//! The man pages' sections that clap does not know: EXIT STATUS, ENVIRONMENT,
//! FILES and EXAMPLES, as roff. `examples/gen-man.rs` renders each page with
//! clap_mangen and passes it through [`assemble`]; a test checks that `man/`
//! is what that gives. The exit codes come from [`crate::cli::exit_codes`],
//! the description from each command's long help.

use crate::cli::exit_codes;

/// The environment variables aws-cli-oidc reads, with what they do. The
/// README's environment table is checked against this list.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "AWS_CLI_OIDC_CONFIG",
        "The directory holding config.yaml (default ~/.aws-cli-oidc); --config-dir wins over it.",
    ),
    (
        "BROWSER",
        "The browser command; the login URL is its argument (as git and gh do).",
    ),
    (
        "AWS_CONFIG_FILE",
        "The AWS config file (default ~/.aws/config), as for the AWS CLI.",
    ),
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        "The AWS credentials file (default ~/.aws/credentials), as for the AWS CLI.",
    ),
    (
        "AWS_REGION",
        "The region of the STS endpoint, before AWS_DEFAULT_REGION and aws_region.",
    ),
    (
        "AWS_DEFAULT_REGION",
        "The region of the STS endpoint when AWS_REGION is unset.",
    ),
    (
        "AWS_ENDPOINT_URL_STS",
        "The STS endpoint, before AWS_ENDPOINT_URL and the regional endpoint.",
    ),
    (
        "AWS_ENDPOINT_URL",
        "The STS endpoint when AWS_ENDPOINT_URL_STS is unset.",
    ),
    (
        "AWS_CA_BUNDLE",
        "A PEM CA bundle trusted beside the system roots, for the provider and STS.",
    ),
    (
        "HTTPS_PROXY",
        "With HTTP_PROXY, ALL_PROXY and NO_PROXY (any case): proxies for the provider and STS.",
    ),
    (
        "SSH_CONNECTION",
        "With SSH_TTY, DISPLAY and WAYLAND_DISPLAY: whether a browser can be used here; if not, the device login is chosen when the provider offers it.",
    ),
    ("NO_COLOR", "No colour in the waiting spinner."),
    (
        "AWS_CLI_OIDC_FEDERATION_ENDPOINT",
        "The federation endpoint console asks for a sign-in token (for tests; default: the partition's https://signin.../federation).",
    ),
    (
        "AWS_CLI_OIDC_EXEC",
        "Set by exec in its child to PROVIDER/ROLE_ARN; a nested exec is refused. Show it in your prompt.",
    ),
];

/// The files aws-cli-oidc reads and writes.
const FILES: &[(&str, &str)] = &[
    (
        "~/.aws-cli-oidc/config.yaml",
        "The providers (see aws-cli-oidc-setup(1) for every key). Written by setup, mode 0600.",
    ),
    (
        "~/.aws-cli-oidc/cache/",
        "Cached AWS credentials, one 0600 file each; refresh tokens too when the OS keyring is not used (secret_store: file, or auto without a keyring).",
    ),
    (
        "~/.aws-cli-oidc/locks/",
        "Lock files that make parallel calls for one provider share one login.",
    ),
    (
        "~/.aws/credentials",
        "Profiles written by login and renewed by refresh; other lines are kept as they are.",
    ),
    (
        "~/.aws/config",
        "credential_process profiles written by install-profile.",
    ),
];

/// A few command lines of `command` ("" for the program), with what they do.
fn examples(command: &str) -> &'static [(&'static str, &'static str)] {
    match command {
        "" | "setup" => &[
            (
                "aws-cli-oidc setup myop",
                "Configure provider myop with the wizard.",
            ),
            (
                "aws-cli-oidc setup myop --metadata-url https://idp.example.com/realms/corp --client-id aws-cli --federation-type oidc --default-role arn:aws:iam::123456789012:role/developer",
                "The same without questions, for scripts (the issuer URL is completed to its discovery document).",
            ),
            (
                "eval \"$(aws-cli-oidc get-cred -p myop)\"",
                "Log in and export the credentials into this shell.",
            ),
            (
                "aws-cli-oidc install-profile --profile dev -p myop && aws s3 ls --profile dev",
                "Let the AWS CLI and SDKs fetch the credentials themselves.",
            ),
        ],
        "get-cred" => &[
            (
                "eval \"$(aws-cli-oidc get-cred -p myop)\"",
                "Export the credentials of the default role into this shell.",
            ),
            (
                "aws-cli-oidc get-cred -p myop -r arn:aws:iam::123456789012:role/admin -d 900 -j",
                "Another role for 15 minutes, as credential_process JSON.",
            ),
            (
                "aws-cli-oidc get-cred -p myop --format dotenv --region eu-west-1 > aws.env && docker run --env-file aws.env amazon/aws-cli sts get-caller-identity",
                "A dotenv file for docker, with the region.",
            ),
        ],
        "login" => &[
            (
                "aws-cli-oidc login --profile dev -p myop",
                "Write [dev] of ~/.aws/credentials.",
            ),
            (
                "aws-cli-oidc login --all-roles --profile-template '{account}-{role}' -p corp",
                "SAML: one login, one profile per role of the assertion.",
            ),
        ],
        "install-profile" => &[
            (
                "aws-cli-oidc install-profile --profile dev -p myop --region eu-west-1",
                "Write [profile dev] with a credential_process and a region.",
            ),
            (
                "aws-cli-oidc install-profile --profile dev -p myop --dry-run",
                "Show the change as a diff and write nothing.",
            ),
        ],
        "uninstall-profile" => &[(
            "aws-cli-oidc uninstall-profile --profile dev",
            "Remove what install-profile wrote for dev.",
        )],
        "refresh" => &[
            (
                "aws-cli-oidc refresh",
                "Renew every profile login wrote that expires within 30 minutes.",
            ),
            (
                "aws-cli-oidc refresh --quiet --within 40 --jitter 5m",
                "The same from cron every 15 minutes: silent unless something needs attention, starting at a random moment within 5 minutes when something is due, so a fleet does not reach the provider all at once.",
            ),
        ],
        "clear-secret" => &[
            (
                "aws-cli-oidc clear-secret -p myop",
                "Forget myop's refresh token and cached credentials.",
            ),
            ("aws-cli-oidc clear-secret", "Forget everything stored."),
        ],
        "status" => &[
            (
                "aws-cli-oidc status",
                "What is configured, managed and cached.",
            ),
            (
                "aws-cli-oidc status --json | jq '.profiles[] | select(.seconds_left < 600)'",
                "Profiles that expire within ten minutes.",
            ),
        ],
        "completion" => &[
            (
                "aws-cli-oidc completion bash > ~/.local/share/bash-completion/completions/aws-cli-oidc",
                "Install bash completion for the current user.",
            ),
            (
                "echo 'source <(aws-cli-oidc completion zsh)' >> ~/.zshrc",
                "zsh, sourced, so that provider and profile names complete too.",
            ),
        ],
        "exec" => &[
            (
                "aws-cli-oidc exec -p myop -- terraform apply",
                "Run one command; its SDK renews the credentials through the endpoint for as long as it runs.",
            ),
            (
                "aws-cli-oidc exec -p myop -r arn:aws:iam::123456789012:role/admin",
                "A shell ($SHELL) with another role.",
            ),
            (
                "aws-cli-oidc exec -p myop --no-server -- env",
                "Static keys in the environment instead of the endpoint.",
            ),
        ],
        "console" => &[
            (
                "aws-cli-oidc console -p myop",
                "Open the console home of the provider's region, signed in as the role.",
            ),
            (
                "aws-cli-oidc console -p myop --print --destination https://console.aws.amazon.com/s3/",
                "Print the sign-in URL for the S3 console instead of opening it.",
            ),
        ],
        "roles" => &[
            (
                "aws-cli-oidc roles -p corp",
                "The roles the provider offers, with account aliases.",
            ),
            ("aws-cli-oidc roles -p corp --json", "The same as JSON."),
        ],
        _ => &[],
    }
}

/// Escape text for a roff text line: backslashes, hyphens (so they are not
/// hyphenation points) and a leading dot or quote (a request otherwise).
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn tagged(out: &mut String, title: &str, items: &[(String, String)]) {
    out.push_str(&format!(".SH \"{title}\"\n"));
    for (tag, text) in items {
        out.push_str(&format!(".TP\n{}\n{}\n", tag, roff(text)));
    }
}

/// The roff of EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES for `command`
/// ("" for the program itself).
pub fn sections(command: &str) -> String {
    let mut out = String::new();
    let codes: Vec<(String, String)> = exit_codes(command)
        .into_iter()
        .map(|(code, what)| (format!("\\fB{code}\\fR"), what.to_string()))
        .collect();
    tagged(&mut out, "EXIT STATUS", &codes);
    let env: Vec<(String, String)> = ENVIRONMENT
        .iter()
        .map(|(name, what)| (format!("\\fB{}\\fR", roff(name)), (*what).to_string()))
        .collect();
    tagged(&mut out, "ENVIRONMENT", &env);
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, what)| (format!("\\fI{}\\fR", roff(path)), (*what).to_string()))
        .collect();
    tagged(&mut out, "FILES", &files);
    let examples = examples(command);
    if !examples.is_empty() {
        out.push_str(".SH EXAMPLES\n");
        for (line, what) in examples {
            out.push_str(&format!(
                ".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n",
                roff(what),
                roff(line)
            ));
        }
    }
    out
}

/// The program and each visible subcommand, as clap_mangen's `generate_to`
/// walks them, with the command name [`sections`] takes.
pub fn pages() -> Vec<(String, clap::Command)> {
    let mut root = crate::cli::command().disable_help_subcommand(true);
    root.build();
    let mut out: Vec<(String, clap::Command)> = root
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| (s.get_name().to_string(), s.clone()))
        .collect();
    out.push((String::new(), root));
    out
}

/// A page rendered by clap_mangen with our sections: its EXTRA section (the
/// exit codes of `--help`) is replaced by [`sections`], placed before
/// VERSION, and a DESCRIPTION that has more to say drops its first
/// paragraph, which only repeats NAME.
pub fn assemble(rendered: &str, command: &str) -> String {
    let lines: Vec<&str> = rendered.lines().collect();
    let mut out = String::new();
    let mut skipping = false;
    let mut placed = false;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        i += 1;
        if line.starts_with(".SH ") {
            skipping = line == ".SH EXTRA";
            if !placed && (line == ".SH VERSION" || line.starts_with(".SH AUTHOR")) {
                out.push_str(&sections(command));
                placed = true;
            }
            if line == ".SH DESCRIPTION" && lines.get(i + 1) == Some(&".PP") {
                out.push_str(line);
                out.push('\n');
                i += 2;
                continue;
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !placed {
        out.push_str(&sections(command));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_gets_exit_status_environment_files_and_examples() {
        for (name, _) in pages() {
            let s = sections(&name);
            for title in ["EXIT STATUS", "ENVIRONMENT", "FILES"] {
                assert!(s.contains(&format!(".SH \"{title}\"")), "{name}: {title}");
            }
            assert!(s.contains(".SH EXAMPLES"), "{name:?} has no examples");
            assert!(s.contains("\\fB2\\fR\nusage error"), "{name}");
        }
    }

    #[test]
    fn assemble_replaces_extra_and_keeps_the_rest() {
        let page = ".TH x 1\n.SH NAME\nx\n.SH EXTRA\nExit status:\n.SH VERSION\nv1\n";
        let out = assemble(page, "status");
        assert!(
            !out.contains(".SH EXTRA") && !out.contains("Exit status:"),
            "{out}"
        );
        let exit = out.find(".SH \"EXIT STATUS\"").unwrap();
        assert!(out.find(".SH NAME").unwrap() < exit);
        assert!(exit < out.find(".SH VERSION").unwrap());
        assert!(out.ends_with("v1\n"));
    }

    #[test]
    fn description_drops_the_summary_that_name_already_shows() {
        let page = ".SH NAME\nx \\- Do it\n.SH DESCRIPTION\nDo it\n.PP\nAt length.\n.SH OPTIONS\n";
        let out = assemble(page, "status");
        assert!(
            out.contains(".SH DESCRIPTION\nAt length.\n.SH OPTIONS"),
            "{out}"
        );
        let short = ".SH DESCRIPTION\nDo it\n.SH OPTIONS\n";
        assert!(assemble(short, "status").contains(".SH DESCRIPTION\nDo it\n"));
    }

    #[test]
    fn roff_escapes_requests_hyphens_and_backslashes() {
        assert_eq!(roff(".profile"), "\\&.profile");
        assert_eq!(roff("a-b\\c"), "a\\-b\\ec");
    }
}
