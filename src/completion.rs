//! Shell completion scripts: clap_complete's static script for the options
//! and subcommands, plus a small hand-written layer that asks the binary for
//! the names only the user's files know (providers after `-p`, profiles after
//! `--profile`).
//!
//! Two choices, and why:
//! - **The bash labels.** clap_complete 4.6 builds bash's `case` labels two
//!   ways for a hyphenated binary name: the word loop tracks
//!   `aws__cli__oidc__subcmd__get__subcmd__cred` while the dispatch matches
//!   `aws__subcmd__cli__subcmd__oidc__subcmd__get__subcmd__cred` (clap issues
//!   #6421 and #6529), so nothing past the first word completes. We generate
//!   under [`GENERATED_NAME`], which has no hyphen, so both labels agree, and
//!   register our own function for the real name. No generated text is
//!   rewritten; if clap fixes the bug nothing here changes.
//! - **Dynamic values.** clap_complete's environment-driven engine
//!   (`COMPLETE=bash aws-cli-oidc`) sits behind its `unstable-dynamic`
//!   feature, whose shell protocol may change in any minor release (its docs
//!   ask users to re-source on every upgrade). Instead the scripts call the
//!   hidden, stable `aws-cli-oidc __complete providers|profiles`, which
//!   prints one name per line.
//!
//! The names come from files we did not write, and bash's `compgen -W`
//! would expand `$(…)` in them; [`safe_candidates`] keeps only names made of
//! the characters the SDKs accept in profile names, and the scripts read them
//! line by line without any expansion.

use std::io::Write;

use clap_complete::Shell;

/// The binary name the generator sees: `aws-cli-oidc` without hyphens (see
/// the module docs).
pub const GENERATED_NAME: &str = "aws_cli_oidc";

/// The name users type.
pub const BIN_NAME: &str = "aws-cli-oidc";

/// The first argument of the hidden candidate lister.
pub const HIDDEN_COMMAND: &str = "__complete";

/// The completion script for `shell`, for the command line `cmd`.
pub fn script(shell: Shell, mut cmd: clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    match shell {
        Shell::Bash => {
            clap_complete::generate(shell, &mut cmd, GENERATED_NAME, &mut out);
            let _ = out.write_all(BASH_LAYER.as_bytes());
        }
        Shell::Fish => {
            clap_complete::generate(shell, &mut cmd, BIN_NAME, &mut out);
            let _ = out.write_all(FISH_LAYER.as_bytes());
        }
        Shell::Zsh => {
            clap_complete::generate(shell, &mut cmd, BIN_NAME, &mut out);
            let _ = out.write_all(ZSH_LAYER.as_bytes());
        }
        _ => clap_complete::generate(shell, &mut cmd, BIN_NAME, &mut out),
    }
    out
}

/// The names a shell may be offered: valid profile-name characters only (no
/// blanks, quotes, `$` or control characters), sorted, without duplicates.
pub fn safe_candidates(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| crate::awsfiles::document::is_valid_name(n))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Wraps the generated `_aws_cli_oidc`: values of `-p`/`--provider` and
/// `--profile` come from `__complete`, the command after `exec … --` is
/// completed as its own command line (bash-completion's `_command_offset`
/// when loaded, else command and file names), everything else comes from
/// clap's function (whose labels agree because the generated name has no
/// hyphen).
const BASH_LAYER: &str = r#"
# aws-cli-oidc: names from config.yaml and the AWS files, then clap's completion.
_aws_cli_oidc_dynamic() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" kind="" i line
    local -a dir=()
    # After `exec … --`: the words are another command line.
    for (( i = 1; i < COMP_CWORD; i++ )); do
        [[ "${COMP_WORDS[i]}" == -- ]] || continue
        if declare -F _command_offset >/dev/null; then
            _command_offset $(( i + 1 ))
            return 0
        fi
        local what=-f
        (( COMP_CWORD == i + 1 )) && what=-c
        COMPREPLY=()
        while IFS= read -r line; do
            COMPREPLY+=("$line")
        done < <(compgen "$what" -- "$cur")
        return 0
    done
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        -p|--provider) kind=providers ;;
        --profile) kind=profiles ;;
    esac
    if [[ -z "$kind" ]]; then
        _aws_cli_oidc "$@"
        return
    fi
    for (( i = 1; i < COMP_CWORD - 1; i++ )); do
        [[ "${COMP_WORDS[i]}" == --config-dir ]] && dir=(--config-dir "${COMP_WORDS[i+1]}")
    done
    COMPREPLY=()
    while IFS= read -r line; do
        [[ "$line" == "$cur"* ]] && COMPREPLY+=("$line")
    done < <("${COMP_WORDS[0]}" __complete "$kind" "${dir[@]}" 2>/dev/null)
    return 0
}
complete -r aws_cli_oidc 2>/dev/null
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _aws_cli_oidc_dynamic -o nosort -o bashdefault -o default aws-cli-oidc
else
    complete -F _aws_cli_oidc_dynamic -o bashdefault -o default aws-cli-oidc
fi
"#;

/// fish merges several `complete` lines for one option: these add the
/// names to the generated `-p`/`--profile` entries, and complete the words
/// after `exec … --` as their own command line.
const FISH_LAYER: &str = r#"
# aws-cli-oidc: names from config.yaml and the AWS files.
function __fish_aws_cli_oidc_names
    set -l cmd (commandline -opc)
    set -l dir
    set -l i (contains -i -- --config-dir $cmd)
    and set dir --config-dir $cmd[(math $i + 1)]
    command aws-cli-oidc __complete $argv[1] $dir 2>/dev/null
end
# After `exec … --`: the words are another command line.
function __fish_aws_cli_oidc_after_dashdash
    contains -- -- (commandline -opc)
end
complete -c aws-cli-oidc -n 'not __fish_aws_cli_oidc_after_dashdash' -s p -l provider -x -a '(__fish_aws_cli_oidc_names providers)'
complete -c aws-cli-oidc -n 'not __fish_aws_cli_oidc_after_dashdash' -l profile -x -a '(__fish_aws_cli_oidc_names profiles)'
function __fish_aws_cli_oidc_command
    set -l i (contains -i -- -- (commandline -opc))
    __fish_complete_subcommand --fcs-skip=$i
end
complete -c aws-cli-oidc -n __fish_aws_cli_oidc_after_dashdash -x -a '(__fish_aws_cli_oidc_command)'
"#;

/// Wraps the generated `_aws-cli-oidc` the same way as for bash (the words
/// after `exec … --` go to zsh's `_normal`). Meant to be sourced
/// (`source <(aws-cli-oidc completion zsh)`): the last `compdef` wins.
const ZSH_LAYER: &str = r#"
# aws-cli-oidc: names from config.yaml and the AWS files, then clap's completion.
_aws_cli_oidc_dynamic() {
    local kind="" i
    local -a dir names
    # After `exec … --`: the words are another command line.
    i=${words[(i)--]}
    if (( i < CURRENT )); then
        words=("${(@)words[i+1,-1]}")
        (( CURRENT -= i ))
        _normal
        return
    fi
    case "${words[CURRENT-1]}" in
        -p|--provider) kind=providers ;;
        --profile) kind=profiles ;;
    esac
    if [[ -z "$kind" ]]; then
        _aws-cli-oidc "$@"
        return
    fi
    i=${words[(i)--config-dir]}
    (( i < CURRENT - 1 )) && dir=(--config-dir "${words[i+1]}")
    names=("${(@f)$("${words[1]}" __complete "$kind" "${dir[@]}" 2>/dev/null)}")
    compadd -a names
}
if [ "$funcstack[1]" != "_aws-cli-oidc" ]; then
    compdef _aws_cli_oidc_dynamic aws-cli-oidc
fi
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_drop_names_a_shell_would_expand() {
        let names = [
            "dev",
            "prod-eu",
            "$(touch x)",
            "a b",
            "`id`",
            "dev",
            "team/ops",
            "x\u{1b}[2J",
        ]
        .map(String::from);
        assert_eq!(safe_candidates(names), ["dev", "prod-eu", "team/ops"]);
    }

    #[test]
    fn bash_labels_agree_when_generated_without_hyphens() {
        let text = String::from_utf8(script(
            Shell::Bash,
            <crate::cli::Cli as clap::CommandFactory>::command(),
        ))
        .unwrap();
        let tracked = "cmd=\"aws_cli_oidc__subcmd__get__subcmd__cred\"";
        let matched = "\n        aws_cli_oidc__subcmd__get__subcmd__cred)";
        assert!(text.contains(tracked), "{text}");
        assert!(text.contains(matched), "{text}");
        assert!(!text.contains("__subcmd__cli__subcmd__"), "{text}");
    }
}
