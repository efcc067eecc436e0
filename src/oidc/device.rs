//! The OAuth 2.0 device authorization grant (RFC 8628), for machines where
//! no browser can reach a loopback listener: ask the provider's
//! `device_authorization_endpoint` for a user code, hand the prompt to the
//! caller, then poll the token endpoint until the person approves, denies,
//! or the code expires.
//!
//! It leaves to others: showing the prompt and opening a browser (the
//! binary, through [`DeviceEffects::on_prompt`]), sleeping and reading the
//! clock (injected too, so the tests never sleep), and federating the tokens
//! (the federation layer). There is no nonce in this grant, so the ID token
//! is checked by [`id_token::validate`] without one.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::{ClientCredentials, Error, LoginResult, Metadata, authorize, id_token, token};
use crate::http::{HttpClient, check_url};
use crate::secret::Secret;
use crate::text::sanitize;

/// RFC 8628 §3.5: the wait between polls when the provider names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// RFC 8628 §3.5: what `slow_down` adds to the wait, for good.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The longest device-code lifetime we wait for, whatever the provider says.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// The longest poll interval we accept.
pub const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// The lifetime assumed when the provider omits the (required) `expires_in`;
/// short enough that a broken provider cannot keep us polling for long.
pub const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(300);

/// Polls never come faster than this, whatever the provider says, so a
/// provider answering `interval: 0` cannot make us hammer it.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// What the person must see to approve the login (RFC 8628 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePrompt {
    /// `verification_uri`: where to enter the code.
    pub verification_uri: String,
    /// `verification_uri_complete`: the same page with the code filled in.
    pub verification_uri_complete: Option<String>,
    /// `user_code`, short and meant to be read by a person (not a secret on
    /// its own: it is useless without the person's login at the provider).
    pub user_code: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
    /// The wait between polls the provider asked for.
    pub interval: Duration,
}

impl DevicePrompt {
    /// The page to open in a browser: the complete URI when there is one.
    pub fn browser_url(&self) -> &str {
        self.verification_uri_complete
            .as_deref()
            .unwrap_or(&self.verification_uri)
    }
}

/// The instructions for stderr, several lines, without a trailing newline.
impl fmt::Display for DevicePrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.expires_in.as_secs().div_ceil(60);
        let expiry = match minutes {
            1 => "1 minute".to_string(),
            n => format!("{n} minutes"),
        };
        match &self.verification_uri_complete {
            Some(complete) => write!(
                f,
                "to log in, open this URL in a browser on any device and confirm the code:\n\n    \
                 {complete}\n\n    code: {}   (expires in {expiry})\n",
                self.user_code
            ),
            None => write!(
                f,
                "to log in, open this URL in a browser on any device and enter the code:\n\n    \
                 {}\n\n    code: {}   (expires in {expiry})\n",
                self.verification_uri, self.user_code
            ),
        }
    }
}

/// A started device authorization: the secret `device_code` to poll with,
/// and the prompt for the person.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    /// `device_code`, sent only to the token endpoint.
    pub device_code: Secret<String>,
    /// What to show.
    pub prompt: DevicePrompt,
}

/// The effects the device login needs, supplied by the caller.
pub struct DeviceEffects<'a> {
    /// Show the prompt (and maybe open a browser); called once, before polling.
    pub on_prompt: &'a mut dyn FnMut(&DevicePrompt),
    /// Wait this long (the binary sleeps; tests only record it).
    pub sleep: &'a mut dyn FnMut(Duration),
    /// The current time, read again after every wait.
    pub now: &'a mut dyn FnMut() -> OffsetDateTime,
}

/// POST to the device authorization endpoint (RFC 8628 §3.1), with the same
/// client authentication as the token requests.
pub fn authorize(
    http: &dyn HttpClient,
    endpoint: &str,
    client: &ClientCredentials,
    scopes: &[String],
) -> Result<DeviceAuthorization, Error> {
    if check_url(endpoint).is_err() {
        return Err(Error::InsecureUrl {
            field: "device_authorization_endpoint".into(),
            url: endpoint.to_string(),
        });
    }
    let scope = authorize::scope_with_openid(scopes.iter().map(String::as_str));
    let req = token::client_request(endpoint, client, &[("scope", scope.as_str())]);
    let resp = http.send(&req).map_err(|source| Error::DeviceRequest {
        url: endpoint.to_string(),
        source,
    })?;
    if !(200..300).contains(&resp.status) {
        return Err(
            match token::endpoint_error(
                endpoint,
                resp.status,
                &resp.body,
                &token::sent_values(client, &[]),
            ) {
                Error::TokenEndpoint {
                    url,
                    status,
                    error,
                    description,
                } => Error::DeviceEndpoint {
                    url,
                    status,
                    error,
                    description,
                },
                other => other,
            },
        );
    }
    parse_authorization(endpoint, &resp.body)
}

/// Read a device authorization response (RFC 8628 §3.2) without quoting it.
pub fn parse_authorization(endpoint: &str, body: &[u8]) -> Result<DeviceAuthorization, Error> {
    let fail = |reason: &str| Error::DeviceResponse {
        url: endpoint.to_string(),
        reason: reason.to_string(),
    };
    let json: Value = serde_json::from_slice(body).map_err(|_| fail("the body is not JSON"))?;
    let text = |name: &str| {
        json.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let seconds = |name: &str| match json.get(name) {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        // Some providers send numbers as strings.
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    // What a person reads: no escape sequences or line breaks from the network.
    let shown = |name: &str| text(name).map(|s| sanitize(&s).into_owned());
    let device_code = text("device_code").ok_or_else(|| fail("it has no device_code"))?;
    let user_code = shown("user_code").ok_or_else(|| fail("it has no user_code"))?;
    // Azure AD v1 spelled it verification_url.
    let verification_uri = shown("verification_uri")
        .or_else(|| shown("verification_url"))
        .ok_or_else(|| fail("it has no verification_uri"))?;
    let verification_uri_complete = shown("verification_uri_complete");
    // A person opens these pages; the clear-text rule applies to them too.
    for (field, url) in [
        ("verification_uri", Some(&verification_uri)),
        (
            "verification_uri_complete",
            verification_uri_complete.as_ref(),
        ),
    ] {
        if let Some(url) = url
            && check_url(url).is_err()
        {
            return Err(Error::InsecureUrl {
                field: field.to_string(),
                url: url.clone(),
            });
        }
    }
    // Bounded: these come from the network, and the polling loop adds them
    // to clocks (RFC 8628 suggests minutes, not years).
    let expires_in = seconds("expires_in")
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_EXPIRES_IN)
        .min(MAX_EXPIRES_IN);
    let interval = seconds("interval")
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_INTERVAL)
        .clamp(MIN_INTERVAL, MAX_INTERVAL);
    Ok(DeviceAuthorization {
        device_code: Secret::new(device_code),
        prompt: DevicePrompt {
            verification_uri,
            verification_uri_complete,
            user_code,
            expires_in,
            interval,
        },
    })
}

/// Run the device login: start the authorization, show the prompt, poll the
/// token endpoint at the provider's interval until the person approves, and
/// check the ID token.
///
/// `authorization_pending` keeps polling; `slow_down` adds five seconds to
/// the interval for the rest of the wait, and so does an HTTP 429 (the
/// request was refused unread, so the device code may be sent again);
/// `access_denied` ends with
/// [`Error::DeviceDenied`]; `expired_token`, or the clock passing
/// `expires_in`, ends with [`Error::DeviceExpired`].
pub fn device_login(
    http: &dyn HttpClient,
    metadata: &Metadata,
    client: &ClientCredentials,
    scopes: &[String],
    fx: &mut DeviceEffects<'_>,
) -> Result<LoginResult, Error> {
    let endpoint = metadata
        .device_authorization_endpoint
        .as_deref()
        .ok_or_else(|| Error::DeviceUnsupported {
            issuer: metadata.issuer.clone(),
        })?;
    let started = (fx.now)();
    let auth = authorize(http, endpoint, client, scopes)?;
    let prompt = &auth.prompt;
    (fx.on_prompt)(prompt);
    let deadline = started + prompt.expires_in;
    let expired = |at: OffsetDateTime| Error::DeviceExpired {
        verification_uri: prompt.verification_uri.clone(),
        waited: Duration::try_from(at - started).unwrap_or_default(),
    };
    let mut interval = prompt.interval;
    // Each poll waits at least MIN_INTERVAL, so a working clock ends the loop
    // long before this bound; it only guards against a clock that stands still.
    let max_polls = prompt.expires_in.as_secs() / MIN_INTERVAL.as_secs() + 1;
    let mut polls = 0;
    let tokens = loop {
        let now = (fx.now)();
        if now + interval >= deadline || polls >= max_polls {
            return Err(expired(now));
        }
        (fx.sleep)(interval);
        polls += 1;
        match token::device_code(http, &metadata.token_endpoint, client, &auth.device_code) {
            Ok(tokens) => break tokens,
            Err(Error::TokenEndpoint {
                error: Some(error),
                description,
                ..
            }) if is_poll_outcome(&error) => match error.as_str() {
                "authorization_pending" => {}
                "slow_down" => interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL),
                "access_denied" => {
                    return Err(Error::DeviceDenied {
                        verification_uri: prompt.verification_uri.clone(),
                        description,
                    });
                }
                _ => return Err(expired((fx.now)())),
            },
            Err(Error::TokenEndpoint { status: 429, .. }) => {
                interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL);
            }
            Err(other) => return Err(other),
        }
    };
    let id_token = tokens.id_token.as_ref().ok_or_else(|| Error::IdToken {
        reason: format!(
            "the token endpoint {} returned no id_token; make sure the client may use the openid scope",
            metadata.token_endpoint
        ),
    })?;
    let claims = id_token::validate(
        id_token,
        None,
        &client.client_id,
        &metadata.issuer,
        (fx.now)(),
    )?;
    Ok(LoginResult { tokens, claims })
}

/// The RFC 8628 §3.5 error codes that are answers to the poll, not failures
/// of the request.
fn is_poll_outcome(error: &str) -> bool {
    matches!(
        error,
        "authorization_pending" | "slow_down" | "access_denied" | "expired_token"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientAuthMethod;
    use crate::http::fake::{FakeHttp, response};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use std::cell::Cell;

    const DEVICE_URL: &str = "https://idp.example/device/auth";
    const TOKEN_URL: &str = "https://idp.example/token";
    const T0: i64 = 1_800_000_000;

    fn metadata() -> Metadata {
        Metadata {
            issuer: "https://idp.example".into(),
            authorization_endpoint: "https://idp.example/auth".into(),
            token_endpoint: TOKEN_URL.into(),
            device_authorization_endpoint: Some(DEVICE_URL.into()),
            iss_parameter_supported: false,
        }
    }

    fn client() -> ClientCredentials {
        ClientCredentials {
            client_id: "aws-cli".into(),
            client_secret: None,
            auth_method: ClientAuthMethod::ClientSecretPost,
        }
    }

    fn grant(extra: &str) -> String {
        format!(
            r#"{{"device_code":"DEVCODE","user_code":"WDJB-MJHT","verification_uri":"https://idp.example/device","verification_uri_complete":"https://idp.example/device?user_code=WDJB-MJHT"{extra}}}"#
        )
    }

    fn id_token() -> String {
        let claims = serde_json::json!({
            "iss": "https://idp.example", "sub": "alice", "aud": "aws-cli",
            "exp": T0 + 3600, "preferred_username": "alice",
        });
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    fn oauth_error(code: &str) -> Result<crate::http::Response, crate::http::Error> {
        Ok(response(
            400,
            Some("application/json"),
            &format!(r#"{{"error":"{code}","error_description":"about {code}"}}"#),
        ))
    }

    fn json(status: u16, body: &str) -> Result<crate::http::Response, crate::http::Error> {
        Ok(response(status, Some("application/json"), body))
    }

    /// Runs the login against `answers`, with a clock that moves only when
    /// the login sleeps; returns the result, the sleeps and the prompts.
    fn run(
        answers: Vec<Result<crate::http::Response, crate::http::Error>>,
    ) -> (
        Result<LoginResult, Error>,
        Vec<Duration>,
        Vec<DevicePrompt>,
        FakeHttp,
    ) {
        let http = FakeHttp::new(answers);
        let clock = Cell::new(OffsetDateTime::from_unix_timestamp(T0).unwrap());
        let mut sleeps = Vec::new();
        let mut prompts = Vec::new();
        let result = {
            let mut on_prompt = |p: &DevicePrompt| prompts.push(p.clone());
            let mut sleep = |d: Duration| {
                sleeps.push(d);
                clock.set(clock.get() + d);
            };
            let mut now = || clock.get();
            let mut fx = DeviceEffects {
                on_prompt: &mut on_prompt,
                sleep: &mut sleep,
                now: &mut now,
            };
            device_login(
                &http,
                &metadata(),
                &client(),
                &["profile".to_string()],
                &mut fx,
            )
        };
        (result, sleeps, prompts, http)
    }

    #[test]
    fn pending_then_slow_down_then_success_waits_five_then_ten_seconds() {
        let ok = format!(
            r#"{{"access_token":"at","id_token":"{}","refresh_token":"rt"}}"#,
            id_token()
        );
        let (result, sleeps, prompts, http) = run(vec![
            json(200, &grant(r#","expires_in":600"#)),
            oauth_error("authorization_pending"),
            oauth_error("slow_down"),
            oauth_error("authorization_pending"),
            json(200, &ok),
        ]);
        let login = result.unwrap();
        assert_eq!(login.claims.sub, "alice");
        assert_eq!(login.tokens.refresh_token.unwrap().expose(), "rt");
        let secs: Vec<u64> = sleeps.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [5, 5, 10, 10]);
        assert_eq!(prompts.len(), 1);
        assert_eq!(prompts[0].user_code, "WDJB-MJHT");
        assert_eq!(prompts[0].expires_in, Duration::from_secs(600));
        // The authorization asks for openid plus the configured scopes, and
        // every poll sends the device code grant.
        assert!(
            http.form(0)
                .contains(&("scope".to_string(), "openid profile".to_string()))
        );
        assert_eq!(http.sent.borrow()[0].url, DEVICE_URL);
        for i in 1..5 {
            assert_eq!(http.sent.borrow()[i].url, TOKEN_URL);
            let form = http.form(i);
            assert!(form.contains(&("grant_type".into(), token::DEVICE_CODE_GRANT.into())));
            assert!(form.contains(&("device_code".into(), "DEVCODE".into())));
            assert!(form.contains(&("client_id".into(), "aws-cli".into())));
        }
    }

    #[test]
    fn a_throttled_poll_slows_down_like_slow_down() {
        let ok = format!(r#"{{"access_token":"at","id_token":"{}"}}"#, id_token());
        let (result, sleeps, _, _) = run(vec![
            json(200, &grant(r#","expires_in":600"#)),
            Ok(response(429, Some("text/plain"), "too many requests")),
            json(200, &ok),
        ]);
        assert_eq!(result.unwrap().claims.sub, "alice");
        let secs: Vec<u64> = sleeps.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [5, 10]);
    }

    #[test]
    fn provider_interval_is_honoured() {
        let (result, sleeps, _, _) = run(vec![
            json(200, &grant(r#","expires_in":60,"interval":2"#)),
            oauth_error("authorization_pending"),
            oauth_error("access_denied"),
        ]);
        assert!(matches!(result, Err(Error::DeviceDenied { .. })));
        assert_eq!(sleeps, [Duration::from_secs(2), Duration::from_secs(2)]);
    }

    #[test]
    fn pending_until_expiry_stops_with_a_clear_message() {
        let mut answers = vec![json(200, &grant(r#","expires_in":30"#))];
        answers.extend((0..20).map(|_| oauth_error("authorization_pending")));
        let (result, sleeps, _, http) = run(answers);
        let e = result.unwrap_err();
        // 30 s at 5 s per poll: five polls fit before a sixth would pass expiry.
        assert_eq!(sleeps.len(), 5, "{sleeps:?}");
        assert_eq!(http.sent.borrow().len(), 6);
        assert_eq!(
            e.to_string(),
            "the device code for https://idp.example/device expired after 25s before the login \
             was approved; run the command again and approve it sooner"
        );
    }

    #[test]
    fn expired_token_answer_ends_the_wait() {
        let (result, sleeps, _, _) = run(vec![
            json(200, &grant(r#","expires_in":600"#)),
            oauth_error("expired_token"),
        ]);
        assert!(matches!(result, Err(Error::DeviceExpired { .. })));
        assert_eq!(sleeps.len(), 1);
    }

    #[test]
    fn denial_names_the_page_and_the_next_step() {
        let (result, _, _, _) = run(vec![
            json(200, &grant(r#","expires_in":600"#)),
            oauth_error("access_denied"),
        ]);
        assert_eq!(
            result.unwrap_err().to_string(),
            "the login at https://idp.example/device was denied: about access_denied; run the \
             command again and approve the request"
        );
    }

    #[test]
    fn other_token_errors_are_reported_as_they_are() {
        let (result, _, _, _) = run(vec![json(200, &grant("")), oauth_error("invalid_client")]);
        assert!(matches!(
            result,
            Err(Error::TokenEndpoint { error: Some(e), .. }) if e == "invalid_client"
        ));
    }

    #[test]
    fn a_clock_that_stands_still_still_ends_the_wait() {
        let http = FakeHttp::with(|req| {
            if req.url == DEVICE_URL {
                response(200, None, &grant(r#","expires_in":10,"interval":1"#))
            } else {
                response(400, None, r#"{"error":"authorization_pending"}"#)
            }
        });
        let t = OffsetDateTime::from_unix_timestamp(T0).unwrap();
        let mut fx = DeviceEffects {
            on_prompt: &mut |_| {},
            sleep: &mut |_| {},
            now: &mut || t,
        };
        let e = device_login(&http, &metadata(), &client(), &[], &mut fx).unwrap_err();
        assert!(matches!(e, Error::DeviceExpired { .. }));
        assert_eq!(http.sent.borrow().len(), 12);
    }

    #[test]
    fn success_without_id_token_is_refused() {
        let (result, _, _, _) = run(vec![
            json(200, &grant("")),
            json(200, r#"{"access_token":"at"}"#),
        ]);
        assert!(matches!(result, Err(Error::IdToken { .. })));
    }

    #[test]
    fn provider_without_device_endpoint_is_named() {
        let http = FakeHttp::new(vec![]);
        let md = Metadata {
            device_authorization_endpoint: None,
            ..metadata()
        };
        let mut fx = DeviceEffects {
            on_prompt: &mut |_| {},
            sleep: &mut |_| {},
            now: &mut || OffsetDateTime::UNIX_EPOCH,
        };
        let e = device_login(&http, &md, &client(), &[], &mut fx).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the provider https://idp.example advertises no device_authorization_endpoint, so \
             --device cannot be used with it; log in with the browser instead (drop --device)"
        );
        assert!(http.sent.borrow().is_empty());
    }

    #[test]
    fn device_endpoint_error_names_the_endpoint() {
        let (result, _, prompts, _) = run(vec![Ok(response(
            400,
            Some("application/json"),
            r#"{"error":"unauthorized_client","error_description":"grant not allowed"}"#,
        ))]);
        assert_eq!(
            result.unwrap_err().to_string(),
            "device authorization endpoint https://idp.example/device/auth returned 400 \
             unauthorized_client: grant not allowed; check that the client may use the device \
             code grant"
        );
        assert!(prompts.is_empty());
    }

    #[test]
    fn confidential_client_authenticates_at_the_device_endpoint() {
        let http = FakeHttp::json(200, &grant(""));
        let c = ClientCredentials {
            client_secret: Some(Secret::new("s3cret".into())),
            auth_method: ClientAuthMethod::ClientSecretBasic,
            ..client()
        };
        authorize(&http, DEVICE_URL, &c, &[]).unwrap();
        assert!(
            http.header(0, "authorization")
                .unwrap()
                .starts_with("Basic ")
        );
        assert!(!http.form(0).iter().any(|(k, _)| k == "client_secret"));
    }

    #[test]
    fn parse_defaults_and_limits() {
        let a = parse_authorization(DEVICE_URL, grant(r#","interval":0"#).as_bytes()).unwrap();
        assert_eq!(a.prompt.interval, MIN_INTERVAL);
        assert_eq!(a.prompt.expires_in, DEFAULT_EXPIRES_IN);
        let a = parse_authorization(
            DEVICE_URL,
            br#"{"device_code":"d","user_code":"U","verification_url":"https://idp.example/d","expires_in":"900"}"#,
        )
        .unwrap();
        assert_eq!(a.prompt.verification_uri, "https://idp.example/d");
        assert_eq!(a.prompt.browser_url(), "https://idp.example/d");
        assert_eq!(a.prompt.expires_in, Duration::from_secs(900));
        assert_eq!(a.prompt.interval, DEFAULT_INTERVAL);
    }

    #[test]
    fn parse_refuses_missing_fields_and_clear_text_pages_without_quoting() {
        let e = parse_authorization(DEVICE_URL, br#"{"user_code":"SECRETCODE"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "device authorization endpoint https://idp.example/device/auth returned an unusable \
             answer: it has no device_code"
        );
        assert!(!format!("{e:?}").contains("SECRETCODE"));
        let e = parse_authorization(
            DEVICE_URL,
            br#"{"device_code":"d","user_code":"U","verification_uri":"http://evil.example/d"}"#,
        )
        .unwrap_err();
        assert!(matches!(e, Error::InsecureUrl { field, .. } if field == "verification_uri"));
        assert!(parse_authorization(DEVICE_URL, b"<html>").is_err());
    }

    #[test]
    fn device_code_stays_out_of_debug_output() {
        let a = parse_authorization(DEVICE_URL, grant("").as_bytes()).unwrap();
        assert!(!format!("{a:?}").contains("DEVCODE"));
    }

    #[test]
    fn prompt_text_shows_the_complete_uri_and_the_code() {
        let a = parse_authorization(DEVICE_URL, grant(r#","expires_in":600"#).as_bytes()).unwrap();
        assert_eq!(
            a.prompt.to_string(),
            "to log in, open this URL in a browser on any device and confirm the code:\n\n    \
             https://idp.example/device?user_code=WDJB-MJHT\n\n    code: WDJB-MJHT   (expires in \
             10 minutes)\n"
        );
        let plain = DevicePrompt {
            verification_uri_complete: None,
            expires_in: Duration::from_secs(45),
            ..a.prompt
        };
        assert_eq!(
            plain.to_string(),
            "to log in, open this URL in a browser on any device and enter the code:\n\n    \
             https://idp.example/device\n\n    code: WDJB-MJHT   (expires in 1 minute)\n"
        );
    }

    #[test]
    fn huge_expires_in_and_interval_are_bounded_not_a_panic() {
        let body = br#"{"device_code":"d","user_code":"U","verification_uri":"https://i/device","expires_in":1e300,"interval":18446744073709551615}"#;
        let auth = parse_authorization("https://i/device_authorization", body).unwrap();
        assert_eq!(auth.prompt.expires_in, MAX_EXPIRES_IN);
        assert_eq!(auth.prompt.interval, MAX_INTERVAL);
    }
}
