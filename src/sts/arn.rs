//! IAM ARNs this tool handles: roles (`arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`)
//! and SAML providers (`arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`).
//!
//! Parsing here is strict so that a typo in the config or in the IdP's role
//! mapper is reported by name before any request is sent, instead of coming
//! back from STS as a generic `ValidationError`.

use std::fmt;
use std::str::FromStr;

/// The AWS partitions whose STS endpoints this tool knows. Names, region
/// prefixes and DNS suffixes as in the SDKs' partition table
/// (<https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: Beijing and Ningxia.
    AwsCn,
    /// `aws-us-gov`: GovCloud (US).
    AwsUsGov,
    /// `aws-iso`: US ISO (`us-iso-*`).
    AwsIso,
    /// `aws-iso-b`: US ISOB (`us-isob-*`).
    AwsIsoB,
    /// `aws-iso-e`: EU ISOE (`eu-isoe-*`).
    AwsIsoE,
    /// `aws-iso-f`: US ISOF (`us-isof-*`).
    AwsIsoF,
}

/// Every partition: (partition, ARN segment, region prefix, DNS suffix,
/// default region). The one table the methods below read.
const PARTITIONS: [(Partition, &str, &str, &str, Option<&str>); 7] = [
    (Partition::Aws, "aws", "", "amazonaws.com", None),
    (
        Partition::AwsCn,
        "aws-cn",
        "cn-",
        "amazonaws.com.cn",
        Some("cn-north-1"),
    ),
    // GovCloud shares the commercial suffix; only the region differs.
    (
        Partition::AwsUsGov,
        "aws-us-gov",
        "us-gov-",
        "amazonaws.com",
        Some("us-gov-west-1"),
    ),
    (
        Partition::AwsIso,
        "aws-iso",
        "us-iso-",
        "c2s.ic.gov",
        Some("us-iso-east-1"),
    ),
    (
        Partition::AwsIsoB,
        "aws-iso-b",
        "us-isob-",
        "sc2s.sgov.gov",
        Some("us-isob-east-1"),
    ),
    (
        Partition::AwsIsoE,
        "aws-iso-e",
        "eu-isoe-",
        "cloud.adc-e.uk",
        Some("eu-isoe-west-1"),
    ),
    (
        Partition::AwsIsoF,
        "aws-iso-f",
        "us-isof-",
        "csp.hci.ic.gov",
        Some("us-isof-south-1"),
    ),
];

impl Partition {
    fn row(
        self,
    ) -> &'static (
        Partition,
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    ) {
        PARTITIONS
            .iter()
            .find(|row| row.0 == self)
            .unwrap_or(&PARTITIONS[0])
    }

    /// The partition as it appears in an ARN.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The partition named in an ARN, if it is one we know.
    pub fn from_arn_segment(segment: &str) -> Option<Partition> {
        PARTITIONS
            .iter()
            .find(|row| row.1 == segment)
            .map(|row| row.0)
    }

    /// The partition a region belongs to (by its prefix; `aws` otherwise).
    pub fn of_region(region: &str) -> Partition {
        PARTITIONS
            .iter()
            .skip(1)
            .find(|row| region.starts_with(row.2))
            .map_or(Partition::Aws, |row| row.0)
    }

    /// The DNS suffix of the partition's service endpoints.
    pub fn dns_suffix(self) -> &'static str {
        self.row().3
    }

    /// The region used when nothing names one. `aws` has a global STS
    /// endpoint instead, hence `None`.
    pub fn default_region(self) -> Option<&'static str> {
        self.row().4
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ARN that does not parse. The message names the value and shows the
/// expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} ARN {value:?}: {reason}; expected {example}")]
pub struct ArnError {
    /// `role` or `SAML provider`.
    pub kind: &'static str,
    /// The value as given.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
    /// A well-formed example of the expected shape.
    pub example: &'static str,
}

const ROLE_EXAMPLE: &str = "arn:aws:iam::123456789012:role/NAME";
const PROVIDER_EXAMPLE: &str = "arn:aws:iam::123456789012:saml-provider/NAME";

/// A validated IAM role ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn {
    partition: Partition,
    account: String,
    path: String,
    name: String,
}

impl RoleArn {
    /// Parse `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. Surrounding
    /// whitespace is not accepted: callers trim where the format allows it.
    pub fn parse(value: &str) -> Result<RoleArn, ArnError> {
        let err = |reason: String| ArnError {
            kind: "role",
            value: value.to_string(),
            reason,
            example: ROLE_EXAMPLE,
        };
        let (partition, account, resource) = split_iam_arn(value).map_err(err)?;
        let Some(rest) = resource.strip_prefix("role/") else {
            return Err(err(format!("the resource is {resource:?}, not role/NAME")));
        };
        // Everything up to the last `/` is the path, which IAM writes with
        // leading and trailing slashes (`/` when there is none).
        let (path, name) = match rest.rsplit_once('/') {
            Some((inner, name)) => (format!("/{inner}/"), name),
            None => ("/".to_string(), rest),
        };
        check_role_name(name).map_err(err)?;
        check_path(&path).map_err(err)?;
        Ok(RoleArn {
            partition,
            account: account.to_string(),
            path,
            name: name.to_string(),
        })
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The 12-digit account ID.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The role's path, `/` when it has none, else `/a/b/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The role's name (the last path segment).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:iam::{}:role{}{}",
            self.partition, self.account, self.path, self.name
        )
    }
}

impl FromStr for RoleArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RoleArn::parse(s)
    }
}

/// A validated IAM SAML identity provider ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SamlProviderArn {
    partition: Partition,
    account: String,
    name: String,
}

impl SamlProviderArn {
    /// Parse `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    pub fn parse(value: &str) -> Result<SamlProviderArn, ArnError> {
        let err = |reason: String| ArnError {
            kind: "SAML provider",
            value: value.to_string(),
            reason,
            example: PROVIDER_EXAMPLE,
        };
        let (partition, account, resource) = split_iam_arn(value).map_err(err)?;
        let Some(name) = resource.strip_prefix("saml-provider/") else {
            return Err(err(format!(
                "the resource is {resource:?}, not saml-provider/NAME"
            )));
        };
        // IAM allows letters, digits and `._-` in provider names, up to 128.
        if name.is_empty() || name.len() > 128 {
            return Err(err("the provider name must be 1 to 128 characters".into()));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
        {
            return Err(err(format!(
                "the provider name contains {c:?}; allowed are letters, digits and ._-"
            )));
        }
        Ok(SamlProviderArn {
            partition,
            account: account.to_string(),
            name: name.to_string(),
        })
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The 12-digit account ID.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The provider's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for SamlProviderArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:iam::{}:saml-provider/{}",
            self.partition, self.account, self.name
        )
    }
}

impl FromStr for SamlProviderArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SamlProviderArn::parse(s)
    }
}

/// The partition segment of any ARN-looking string, without validating the
/// rest. Endpoint resolution uses it so a slightly odd ARN still reaches
/// the right partition and STS reports the real problem.
pub fn partition_of(arn: &str) -> Option<Partition> {
    let mut parts = arn.trim().split(':');
    match (parts.next(), parts.next()) {
        (Some("arn"), Some(p)) => Partition::from_arn_segment(p),
        _ => None,
    }
}

/// Split `arn:PARTITION:iam::ACCOUNT:RESOURCE` and check everything but the resource.
fn split_iam_arn(value: &str) -> Result<(Partition, &str, &str), String> {
    if value.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("it contains {c:?}"));
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return Err("it does not have the six colon-separated fields of an ARN".into());
    };
    if *arn != "arn" {
        return Err("it does not start with \"arn:\"".into());
    }
    let partition = Partition::from_arn_segment(partition).ok_or_else(|| {
        format!("unknown partition {partition:?}; expected aws, aws-cn or aws-us-gov")
    })?;
    if *service != "iam" {
        return Err(format!("the service is {service:?}, not iam"));
    }
    if !region.is_empty() {
        return Err(format!("IAM ARNs have no region, found {region:?}"));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the account {account:?} is not 12 digits"));
    }
    Ok((partition, account, resource))
}

fn check_role_name(name: &str) -> Result<(), String> {
    // IAM: 1 to 64 of letters, digits and `+=,.@_-`.
    if name.is_empty() || name.len() > 64 {
        return Err("the role name must be 1 to 64 characters".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return Err(format!(
            "the role name contains {c:?}; allowed are letters, digits and +=,.@_-"
        ));
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), String> {
    // IAM: up to 512 printable ASCII characters, no empty segment.
    if path.len() > 512 {
        return Err("the role path is longer than 512 characters".into());
    }
    if path.contains("//") {
        return Err("the role path has an empty segment (\"//\")".into());
    }
    if let Some(c) = path.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!("the role path contains {c:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arn_parses_partition_account_and_name() {
        let arn = RoleArn::parse("arn:aws:iam::123456789012:role/admin").unwrap();
        assert_eq!(arn.partition(), Partition::Aws);
        assert_eq!(arn.account(), "123456789012");
        assert_eq!(arn.name(), "admin");
        assert_eq!(arn.path(), "/");
        assert_eq!(arn.to_string(), "arn:aws:iam::123456789012:role/admin");
    }

    #[test]
    fn role_arn_with_path_keeps_path_and_round_trips() {
        let text = "arn:aws-us-gov:iam::000000000001:role/team/ops/deploy-bot";
        let arn: RoleArn = text.parse().unwrap();
        assert_eq!(arn.partition(), Partition::AwsUsGov);
        assert_eq!(arn.path(), "/team/ops/");
        assert_eq!(arn.name(), "deploy-bot");
        assert_eq!(arn.to_string(), text);
    }

    #[test]
    fn role_arn_in_china_partition_parses() {
        let arn = RoleArn::parse("arn:aws-cn:iam::123456789012:role/x").unwrap();
        assert_eq!(arn.partition(), Partition::AwsCn);
    }

    #[test]
    fn role_arn_errors_name_the_value_and_the_problem() {
        let cases = [
            ("", "empty"),
            ("arn:aws:iam::123:role/x", "not 12 digits"),
            ("arn:aws:iam::12345678901a:role/x", "not 12 digits"),
            ("arn:aws:s3::123456789012:role/x", "not iam"),
            ("arn:aws:iam:us-east-1:123456789012:role/x", "no region"),
            ("arn:aws-mars:iam::123456789012:role/x", "unknown partition"),
            ("arn:aws:iam::123456789012:user/x", "not role/NAME"),
            ("arn:aws:iam::123456789012:role/", "1 to 64"),
            ("arn:aws:iam::123456789012:role/a b", "contains ' '"),
            ("arn:aws:iam::123456789012:role/a*b", "contains '*'"),
            ("arn:aws:iam::123456789012:role//x", "empty segment"),
            ("aws:iam::123456789012:role/x", "six colon-separated"),
            ("urn:aws:iam::123456789012:role/x", "does not start with"),
            (" arn:aws:iam::123456789012:role/x", "contains ' '"),
        ];
        for (value, want) in cases {
            let err = RoleArn::parse(value).unwrap_err().to_string();
            assert!(err.contains(&format!("{value:?}")), "{err}");
            assert!(err.contains(want), "{value}: {err}");
            assert!(
                err.contains("expected arn:aws:iam::123456789012:role/NAME"),
                "{err}"
            );
        }
    }

    #[test]
    fn saml_provider_arn_parses_and_rejects_role() {
        let p = SamlProviderArn::parse("arn:aws:iam::123456789012:saml-provider/keycloak").unwrap();
        assert_eq!(p.name(), "keycloak");
        assert_eq!(p.account(), "123456789012");
        assert_eq!(p.partition(), Partition::Aws);
        assert_eq!(
            p.to_string(),
            "arn:aws:iam::123456789012:saml-provider/keycloak"
        );
        let err = SamlProviderArn::parse("arn:aws:iam::123456789012:role/x").unwrap_err();
        assert!(err.to_string().contains("not saml-provider/NAME"), "{err}");
        assert!(SamlProviderArn::parse("arn:aws:iam::123456789012:saml-provider/a/b").is_err());
    }

    #[test]
    fn partition_of_reads_only_the_partition_segment() {
        assert_eq!(
            partition_of("arn:aws-cn:iam::1:role/x"),
            Some(Partition::AwsCn)
        );
        assert_eq!(
            partition_of("arn:aws-us-gov:whatever"),
            Some(Partition::AwsUsGov)
        );
        assert_eq!(partition_of("not an arn"), None);
        assert_eq!(partition_of(""), None);
    }

    #[test]
    fn partition_of_region_and_dns_suffix() {
        assert_eq!(
            Partition::of_region("cn-northwest-1").dns_suffix(),
            "amazonaws.com.cn"
        );
        assert_eq!(Partition::of_region("us-gov-east-1"), Partition::AwsUsGov);
        assert_eq!(
            Partition::of_region("us-gov-east-1").dns_suffix(),
            "amazonaws.com"
        );
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
        assert_eq!(Partition::of_region("us-isob-east-1"), Partition::AwsIsoB);
        assert_eq!(
            Partition::of_region("us-iso-east-1").dns_suffix(),
            "c2s.ic.gov"
        );
        assert_eq!(Partition::of_region("eu-isoe-west-1"), Partition::AwsIsoE);
    }

    #[test]
    fn every_partition_round_trips_through_its_arn_segment() {
        for (p, segment, _, _, _) in PARTITIONS {
            assert_eq!(Partition::from_arn_segment(segment), Some(p));
            assert_eq!(p.as_str(), segment);
            let arn = format!("arn:{segment}:iam::123456789012:role/x");
            assert_eq!(RoleArn::parse(&arn).unwrap().partition(), p);
        }
    }
}
