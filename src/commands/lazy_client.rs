//! An HTTP client built on first use, so a cache hit never pays for TLS
//! setup (loading the platform roots, parsing CA bundles).

use std::cell::OnceCell;

use aws_cli_oidc::http::client::{NetworkSettings, UreqClient};
use aws_cli_oidc::http::{Error, HttpClient, Request, Response};

pub struct LazyClient<'a> {
    settings: NetworkSettings,
    client: OnceCell<UreqClient>,
    on_first_use: &'a dyn Fn(),
}

impl<'a> LazyClient<'a> {
    /// `on_first_use` runs once, before the first request (for warnings that
    /// matter only when the network is used).
    pub fn new(settings: NetworkSettings, on_first_use: &'a dyn Fn()) -> Self {
        LazyClient {
            settings,
            client: OnceCell::new(),
            on_first_use,
        }
    }
}

impl HttpClient for LazyClient<'_> {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        if let Some(client) = self.client.get() {
            return client.send(req);
        }
        (self.on_first_use)();
        let client = UreqClient::new(&self.settings)?;
        self.client.get_or_init(|| client).send(req)
    }
}
