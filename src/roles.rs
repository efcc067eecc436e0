//! What `roles` lists and how roles are labelled for people: the role ARN,
//! its account and the account's alias from `account_aliases`.
//!
//! SAML providers offer the roles of their assertion (the command gets it
//! through `federation::saml_roles`); `oidc` providers can assume any role
//! that trusts them, so only the configured ones are known:
//! `default_iam_role_arn` and the `roles` list.

use std::collections::BTreeMap;

use crate::config::ProviderConfig;
use crate::saml::RolePair;
use crate::sts::arn::RoleArn;

/// One role, as `roles` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoleRow {
    /// The role ARN.
    pub role_arn: String,
    /// Its 12-digit account.
    pub account: String,
    /// The account's name from `account_aliases`.
    pub account_alias: Option<String>,
    /// The role's name, without its path.
    pub role_name: String,
    /// The SAML provider ARN of the assertion's pair (SAML only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_arn: Option<String>,
    /// Whether this is the provider's `default_iam_role_arn`.
    pub default: bool,
}

/// The configured roles of a provider: the default first, then `roles`.
pub fn configured(cfg: &ProviderConfig) -> Vec<String> {
    let mut out: Vec<String> = cfg.default_iam_role_arn.iter().cloned().collect();
    for arn in &cfg.roles {
        if !out.contains(arn) {
            out.push(arn.clone());
        }
    }
    out
}

/// Rows for role ARNs (with their SAML provider when known). An ARN that
/// does not parse keeps empty account and name rather than being dropped.
pub fn rows<'a>(
    roles: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    cfg: &ProviderConfig,
) -> Vec<RoleRow> {
    roles
        .into_iter()
        .map(|(arn, principal)| {
            let parsed = RoleArn::parse(arn).ok();
            let account = parsed
                .as_ref()
                .map(|a| a.account().to_string())
                .unwrap_or_default();
            RoleRow {
                role_arn: arn.to_string(),
                account_alias: cfg.account_aliases.get(&account).cloned(),
                account,
                role_name: parsed.map(|a| a.name().to_string()).unwrap_or_default(),
                principal_arn: principal.map(str::to_string),
                default: cfg.default_iam_role_arn.as_deref() == Some(arn),
            }
        })
        .collect()
}

/// Rows for the pairs of a SAML assertion.
pub fn saml_rows(pairs: &[RolePair], cfg: &ProviderConfig) -> Vec<RoleRow> {
    rows(
        pairs
            .iter()
            .map(|p| (p.role_arn.as_str(), Some(p.principal_arn.as_str()))),
        cfg,
    )
}

/// `ROLE_ARN  (alias)` for pickers and lists.
pub fn label(row: &RoleRow) -> String {
    match &row.account_alias {
        Some(alias) => format!("{}  ({alias})", row.role_arn),
        None => row.role_arn.clone(),
    }
}

/// The alias of `account`, else the account id itself (for `{alias}`).
pub fn alias_or_account<'a>(aliases: &'a BTreeMap<String, String>, account: &'a str) -> &'a str {
    aliases.get(account).map_or(account, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FederationType;

    fn cfg() -> ProviderConfig {
        let mut cfg = ProviderConfig::new("p", "https://idp/x", "c", FederationType::Oidc);
        cfg.default_iam_role_arn = Some("arn:aws:iam::111111111111:role/dev".into());
        cfg.roles = vec![
            "arn:aws:iam::222222222222:role/team/admin".into(),
            "arn:aws:iam::111111111111:role/dev".into(),
        ];
        cfg.account_aliases
            .insert("222222222222".into(), "prod".into());
        cfg
    }

    #[test]
    fn configured_roles_put_the_default_first_without_duplicates() {
        assert_eq!(
            configured(&cfg()),
            [
                "arn:aws:iam::111111111111:role/dev",
                "arn:aws:iam::222222222222:role/team/admin"
            ]
        );
    }

    #[test]
    fn rows_carry_account_alias_and_name() {
        let cfg = cfg();
        let arns = configured(&cfg);
        let rows = rows(arns.iter().map(|a| (a.as_str(), None)), &cfg);
        assert_eq!(rows[0].account_alias, None);
        assert!(rows[0].default);
        assert_eq!(rows[1].account, "222222222222");
        assert_eq!(rows[1].account_alias.as_deref(), Some("prod"));
        assert_eq!(rows[1].role_name, "admin");
        assert_eq!(
            label(&rows[1]),
            "arn:aws:iam::222222222222:role/team/admin  (prod)"
        );
        assert_eq!(
            alias_or_account(&cfg.account_aliases, "222222222222"),
            "prod"
        );
        assert_eq!(
            alias_or_account(&cfg.account_aliases, "111111111111"),
            "111111111111"
        );
    }
}
