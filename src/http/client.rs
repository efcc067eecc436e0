//! The real HTTP client over ureq 3.

use std::path::PathBuf;
use std::time::Duration;

use super::{Error, HttpClient, Request, Response};

/// Network settings shared by every request, to the provider and to STS.
#[derive(Debug, Clone, Default)]
pub struct NetworkSettings {
    /// Extra root certificates (PEM): `AWS_CA_BUNDLE` or `ca_bundle`.
    pub ca_bundles: Vec<PathBuf>,
    /// Client certificate (PEM) for mTLS.
    pub client_cert: Option<PathBuf>,
    /// Client key (PEM) for mTLS.
    pub client_key: Option<PathBuf>,
    /// Skip certificate verification (compatibility only).
    pub insecure_skip_verify: bool,
    /// Connect timeout; `None` = default.
    pub connect_timeout: Option<Duration>,
    /// Whole-request timeout; `None` = default.
    pub total_timeout: Option<Duration>,
}

/// The production client.
pub struct UreqClient {}

impl UreqClient {
    /// Build a client from settings.
    pub fn new(settings: &NetworkSettings) -> Result<Self, Error> {
        let _ = settings;
        unimplemented!()
    }
}

impl HttpClient for UreqClient {
    fn send(&self, req: &Request) -> Result<Response, Error> {
        let _ = req;
        unimplemented!()
    }
}

/// See [`super::check_url`].
pub fn check_url(url: &str) -> Result<(), Error> {
    let _ = url;
    unimplemented!()
}
