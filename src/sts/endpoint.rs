//! Which STS URL a call goes to: the same precedence the AWS CLI uses for
//! the settings we support (service-specific endpoint URL, global endpoint
//! URL, then the regional endpoint), so a profile that works with `aws`
//! works here and a local emulator is reached through the usual variables.

use super::EndpointEnv;
use super::arn::{Partition, partition_of};

/// The STS endpoint URL for a call on `role_arn`. See [`super::resolve_endpoint`].
pub(super) fn resolve(env: &EndpointEnv, config_region: Option<&str>, role_arn: &str) -> String {
    if let Some(url) = set(&env.endpoint_url_sts).or_else(|| set(&env.endpoint_url)) {
        return url.to_string();
    }
    // A region becomes part of a host name that will receive the ID token
    // or SAML assertion: only region-shaped values count.
    let region = set(&env.region)
        .or_else(|| set(&env.default_region))
        .or_else(|| config_region.map(str::trim).filter(|r| !r.is_empty()))
        .filter(|r| is_region(r));
    let region = match region {
        Some(r) => r,
        None => {
            // Without a region the commercial partition has a global endpoint;
            // the others have none, so their usual home region stands in.
            let partition = partition_of(role_arn).unwrap_or(Partition::Aws);
            match partition.default_region() {
                Some(r) => r,
                None => return "https://sts.amazonaws.com".to_string(),
            }
        }
    };
    format!(
        "https://sts.{region}.{}",
        Partition::of_region(region).dns_suffix()
    )
}

/// Whether `v` has the shape of a region: `xx-name-N` and longer forms
/// (`us-gov-west-1`, `eu-isoe-west-1`). The one region rule: it picks the
/// STS host, and `setup` and `login --region` check values with it.
pub fn is_region(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let middle = parts.get(1..parts.len().saturating_sub(1)).unwrap_or(&[]);
    parts.len() >= 3
        && v.len() <= 32
        && first.len() == 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && !last.is_empty()
        && last.chars().all(|c| c.is_ascii_digit())
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

/// An environment value that counts as set: present and not blank, as the
/// AWS CLI treats `AWS_REGION=` like an unset variable.
fn set(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        sts: Option<&str>,
        url: Option<&str>,
        region: Option<&str>,
        default: Option<&str>,
    ) -> EndpointEnv {
        EndpointEnv {
            endpoint_url_sts: sts.map(String::from),
            endpoint_url: url.map(String::from),
            region: region.map(String::from),
            default_region: default.map(String::from),
        }
    }

    const AWS_ROLE: &str = "arn:aws:iam::123456789012:role/r";
    const CN_ROLE: &str = "arn:aws-cn:iam::123456789012:role/r";
    const GOV_ROLE: &str = "arn:aws-us-gov:iam::123456789012:role/r";

    #[test]
    fn resolve_endpoint_follows_precedence_table() {
        #[rustfmt::skip]
        let table: &[(EndpointEnv, Option<&str>, &str, &str)] = &[
            // Service-specific URL wins over everything.
            (env(Some("http://127.0.0.1:5000"), Some("https://other"), Some("eu-west-1"), None), Some("us-east-1"), AWS_ROLE, "http://127.0.0.1:5000"),
            // Then the global endpoint URL.
            (env(None, Some("https://proxy.example"), Some("eu-west-1"), None), None, AWS_ROLE, "https://proxy.example"),
            // Empty values count as unset.
            (env(Some(""), Some("  "), Some(""), Some("")), Some("ap-northeast-1"), AWS_ROLE, "https://sts.ap-northeast-1.amazonaws.com"),
            // AWS_REGION before AWS_DEFAULT_REGION before the config.
            (env(None, None, Some("eu-west-1"), Some("us-west-2")), Some("ap-south-1"), AWS_ROLE, "https://sts.eu-west-1.amazonaws.com"),
            (env(None, None, None, Some("us-west-2")), Some("ap-south-1"), AWS_ROLE, "https://sts.us-west-2.amazonaws.com"),
            (env(None, None, None, None), Some("ap-south-1"), AWS_ROLE, "https://sts.ap-south-1.amazonaws.com"),
            // The region picks the domain.
            (env(None, None, Some("cn-northwest-1"), None), None, CN_ROLE, "https://sts.cn-northwest-1.amazonaws.com.cn"),
            (env(None, None, None, None), Some("us-gov-east-1"), GOV_ROLE, "https://sts.us-gov-east-1.amazonaws.com"),
            // No region at all: global for aws, the partition's home region otherwise.
            (env(None, None, None, None), None, AWS_ROLE, "https://sts.amazonaws.com"),
            (env(None, None, None, None), Some(""), AWS_ROLE, "https://sts.amazonaws.com"),
            (env(None, None, None, None), None, CN_ROLE, "https://sts.cn-north-1.amazonaws.com.cn"),
            (env(None, None, None, None), None, GOV_ROLE, "https://sts.us-gov-west-1.amazonaws.com"),
            (env(None, None, None, None), None, "not-an-arn", "https://sts.amazonaws.com"),
        ];
        for (i, (e, config_region, role, want)) in table.iter().enumerate() {
            assert_eq!(resolve(e, *config_region, role), *want, "row {i}");
        }
    }

    #[test]
    fn a_region_that_is_not_region_shaped_cannot_pick_the_host() {
        let e = EndpointEnv {
            region: Some("x.evil.example/".into()),
            ..EndpointEnv::default()
        };
        assert_eq!(
            resolve(&e, None, "arn:aws:iam::123456789012:role/r"),
            "https://sts.amazonaws.com"
        );
        assert_eq!(
            resolve(
                &EndpointEnv::default(),
                Some("eu-west-1"),
                "arn:aws:iam::123456789012:role/r"
            ),
            "https://sts.eu-west-1.amazonaws.com"
        );
    }
}
