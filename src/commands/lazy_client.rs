//! An HTTP client built on first use, so a cache hit never pays for TLS
//! setup (loading the platform roots, parsing CA bundles). It retries
//! transient faults by `aws_cli_oidc::http::retry`.

use std::cell::OnceCell;

use aws_cli_oidc::http::client::{NetworkSettings, UreqClient};
use aws_cli_oidc::http::retry::{RetryEffects, Retrying};
use aws_cli_oidc::http::{Error, HttpClient, Request, Response};

use super::Ui;

pub struct LazyClient<'a> {
    settings: NetworkSettings,
    client: OnceCell<Retrying<UreqClient>>,
    warning: Option<String>,
    ui: &'a Ui,
}

impl<'a> LazyClient<'a> {
    /// `warning` is shown once, before the first request: it matters only
    /// when the network is used (e.g. `insecure_skip_verify`).
    pub fn new(settings: NetworkSettings, warning: Option<String>, ui: &'a Ui) -> Self {
        LazyClient {
            settings,
            client: OnceCell::new(),
            warning,
            ui,
        }
    }
}

impl HttpClient for LazyClient<'_> {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        if let Some(client) = self.client.get() {
            return client.send(req);
        }
        if let Some(w) = &self.warning {
            self.ui.warn(w);
        }
        let client = Retrying::new(UreqClient::new(&self.settings)?, RetryEffects::real());
        self.client.get_or_init(|| client).send(req)
    }
}
