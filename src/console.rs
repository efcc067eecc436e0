//! The AWS console sign-in URL for a set of role credentials: the
//! federation flow of "custom identity broker access to the console".
//!
//! 1. `GET {endpoint}?Action=getSigninToken&SessionType=json&Session=…` with
//!    the credentials as `{"sessionId","sessionKey","sessionToken"}`,
//!    answered by `{"SigninToken": "…"}`;
//! 2. `{endpoint}?Action=login&Issuer=…&Destination=…&SigninToken=…`, which
//!    the browser opens.
//!
//! Both URLs grant access: they are [`Secret`]s, never logged, and errors
//! name the endpoint without its query. The endpoint is the partition's
//! (from the role ARN), or `AWS_CLI_OIDC_FEDERATION_ENDPOINT` for tests.

use crate::http::{HttpClient, Request};
use crate::secret::{Secret, redact_echoes};
use crate::sts::Credentials;
use crate::sts::arn::Partition;

/// The `Issuer` shown by the console's sign-out page.
pub const ISSUER: &str = "aws-cli-oidc";

/// The variable that points the flow at another endpoint (tests).
pub const ENDPOINT_VAR: &str = "AWS_CLI_OIDC_FEDERATION_ENDPOINT";

/// Errors of the console flow.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An ISO partition: its sign-in endpoint is not public.
    #[error(
        "no public console sign-in endpoint is known for partition {partition}; set {ENDPOINT_VAR} to its federation endpoint and pass --destination"
    )]
    UnknownPartition {
        /// The role's partition.
        partition: Partition,
    },
    /// The request did not complete.
    #[error("the federation endpoint {endpoint} could not be reached: {message}")]
    Transport {
        /// The endpoint, without query.
        endpoint: String,
        /// The cause, with the credentials redacted.
        message: String,
    },
    /// The endpoint answered without a sign-in token.
    #[error(
        "the federation endpoint {endpoint} returned HTTP {status} without a sign-in token{detail}; \
         the role's credentials may be too old or from a chained role"
    )]
    NoToken {
        /// The endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// A sanitised excerpt of the body, when it is not JSON.
        detail: String,
    },
}

/// The federation endpoint and console host of the public partitions. The
/// ISO partitions publish none; there `AWS_CLI_OIDC_FEDERATION_ENDPOINT`
/// and `--destination` must say where.
fn hosts(partition: Partition) -> Option<(&'static str, &'static str)> {
    match partition {
        Partition::Aws => Some((
            "https://signin.aws.amazon.com/federation",
            "console.aws.amazon.com",
        )),
        Partition::AwsCn => Some((
            "https://signin.amazonaws.cn/federation",
            "console.amazonaws.cn",
        )),
        Partition::AwsUsGov => Some((
            "https://signin.amazonaws-us-gov.com/federation",
            "console.amazonaws-us-gov.com",
        )),
        Partition::AwsIso | Partition::AwsIsoB | Partition::AwsIsoE | Partition::AwsIsoF => None,
    }
}

/// The federation endpoint of a partition, or the error that says how to
/// name one.
pub fn federation_endpoint(partition: Partition) -> Result<&'static str, Error> {
    hosts(partition)
        .map(|(endpoint, _)| endpoint)
        .ok_or(Error::UnknownPartition { partition })
}

/// The console home of a partition, in `region` when given.
pub fn default_destination(partition: Partition, region: Option<&str>) -> Result<String, Error> {
    let (_, host) = hosts(partition).ok_or(Error::UnknownPartition { partition })?;
    let mut url = format!("https://{host}/console/home");
    if let Some(region) = region {
        url.push_str("?region=");
        url.extend(form_urlencoded::byte_serialize(region.as_bytes()));
    }
    Ok(url)
}

/// The `Session` parameter: the credentials as the endpoint wants them.
pub fn session_json(creds: &Credentials) -> Secret<String> {
    Secret::new(
        serde_json::json!({
            "sessionId": creds.access_key_id.expose(),
            "sessionKey": creds.secret_access_key.expose(),
            "sessionToken": creds.session_token.expose(),
        })
        .to_string(),
    )
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// Exchange the credentials for a sign-in token at `endpoint`.
pub fn signin_token(
    http: &dyn HttpClient,
    endpoint: &str,
    creds: &Credentials,
) -> Result<Secret<String>, Error> {
    let session = session_json(creds);
    let url = format!(
        "{endpoint}?{}",
        query(&[
            ("Action", "getSigninToken"),
            ("SessionType", "json"),
            ("Session", session.expose()),
        ])
    );
    let secrets = [
        session.expose().as_str(),
        creds.secret_access_key.expose().as_str(),
        creds.session_token.expose().as_str(),
    ];
    let resp = http
        .send(&Request::get(url))
        .map_err(|e| Error::Transport {
            endpoint: endpoint.to_string(),
            message: redact_echoes(&e.to_string(), &secrets),
        })?;
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "SigninToken")]
        signin_token: Secret<String>,
    }
    match serde_json::from_slice::<Answer>(&resp.body) {
        Ok(a) if resp.status == 200 && !a.signin_token.expose().is_empty() => Ok(a.signin_token),
        _ => {
            let text = redact_echoes(&resp.body_text(), &secrets);
            let excerpt: String = crate::text::one_line(&text).chars().take(200).collect();
            Err(Error::NoToken {
                endpoint: endpoint.to_string(),
                status: resp.status,
                detail: if excerpt.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", excerpt.trim())
                },
            })
        }
    }
}

/// The URL that signs the browser in and lands on `destination`.
pub fn login_url(endpoint: &str, token: &Secret<String>, destination: &str) -> Secret<String> {
    Secret::new(format!(
        "{endpoint}?{}",
        query(&[
            ("Action", "login"),
            ("Issuer", ISSUER),
            ("Destination", destination),
            ("SigninToken", token.expose()),
        ])
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::fake::FakeHttp;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: Secret::new("ASIAEXAMPLE".into()),
            secret_access_key: Secret::new("secret/key+value".into()),
            session_token: Secret::new("FwoGsessiontoken==".into()),
            expiration: time::macros::datetime!(2026-11-27 22:15:42 UTC),
        }
    }

    #[test]
    fn partitions_have_their_own_endpoints_and_consoles() {
        assert_eq!(
            federation_endpoint(Partition::AwsCn).unwrap(),
            "https://signin.amazonaws.cn/federation"
        );
        assert_eq!(
            federation_endpoint(Partition::AwsUsGov).unwrap(),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(
            default_destination(Partition::Aws, Some("eu-west-1")).unwrap(),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            default_destination(Partition::AwsUsGov, None).unwrap(),
            "https://console.amazonaws-us-gov.com/console/home"
        );
        let err = federation_endpoint(Partition::AwsIsoB)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("aws-iso-b") && err.contains(ENDPOINT_VAR),
            "{err}"
        );
    }

    #[test]
    fn token_request_carries_the_session_json() {
        let http = FakeHttp::json(200, r#"{"SigninToken":"tok123"}"#);
        let token = signin_token(&http, "https://signin.example/federation", &creds()).unwrap();
        assert_eq!(token.expose(), "tok123");
        let url = http.sent.borrow()[0].url.clone();
        let (base, q) = url.split_once('?').unwrap();
        assert_eq!(base, "https://signin.example/federation");
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(q.as_bytes()).into_owned().collect();
        assert_eq!(pairs[0], ("Action".into(), "getSigninToken".into()));
        assert_eq!(pairs[1], ("SessionType".into(), "json".into()));
        let session: serde_json::Value = serde_json::from_str(&pairs[2].1).unwrap();
        assert_eq!(
            session,
            serde_json::json!({"sessionId": "ASIAEXAMPLE", "sessionKey": "secret/key+value", "sessionToken": "FwoGsessiontoken=="})
        );
    }

    #[test]
    fn refusal_names_the_endpoint_and_hides_the_credentials() {
        let http = FakeHttp::json(400, "bad session secret/key+value");
        let err = signin_token(&http, "https://signin.example/federation", &creds())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("https://signin.example/federation returned HTTP 400"),
            "{err}"
        );
        assert!(!err.contains("secret/key+value"), "{err}");
    }

    #[test]
    fn login_url_has_issuer_destination_and_token_and_debug_hides_it() {
        let url = login_url(
            "https://signin.aws.amazon.com/federation",
            &Secret::new("tok/1".into()),
            "https://console.aws.amazon.com/s3/home?region=eu-west-1",
        );
        assert_eq!(
            url.expose(),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=aws-cli-oidc\
             &Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1\
             &SigninToken=tok%2F1"
        );
        assert!(!format!("{url:?}").contains("tok"));
    }
}
