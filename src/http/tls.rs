//! TLS settings for the client: the trusted roots (the platform's, plus any
//! CA bundle), the client certificate for mTLS, and the PEM files they come
//! from. Every error names the file and the setting to fix.

use std::path::Path;

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::Error;
use super::client::NetworkSettings;

pub(super) fn tls_config(settings: &NetworkSettings) -> Result<TlsConfig, Error> {
    // A CA bundle is added to the system's roots, not put in their place:
    // a corporate bundle usually holds only the intercepting proxy's CA,
    // while STS and the provider may still present public certificates.
    // (botocore replaces the roots with AWS_CA_BUNDLE; a bundle that already
    // contains the public roots works the same under both rules.)
    let roots = if settings.ca_bundles.is_empty() {
        RootCerts::PlatformVerifier
    } else {
        let native = rustls_native_certs::load_native_certs();
        log::debug!(
            "tls: {} system root certificates plus {} CA bundle(s)",
            native.certs.len(),
            settings.ca_bundles.len()
        );
        let mut certs: Vec<Certificate<'static>> = native
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        for path in &settings.ca_bundles {
            certs.extend(load_certs(path, "CA bundle")?);
        }
        RootCerts::new_with_certs(&certs)
    };
    let client_cert = match (&settings.client_cert, &settings.client_key) {
        (None, None) => None,
        (None, Some(key)) => {
            return Err(Error::Settings {
                what: "client key",
                path: key.display().to_string(),
                message: "is set without a client certificate; set client_auth_cert too".into(),
            });
        }
        (Some(cert), key) => {
            let chain = load_certs(cert, "client certificate")?;
            let key = load_key(key.as_deref().unwrap_or(cert))?;
            Some(ClientCert::new_with_certs(&chain, key))
        }
    };
    Ok(TlsConfig::builder()
        .root_certs(roots)
        .client_cert(client_cert)
        .disable_verification(settings.insecure_skip_verify)
        .build())
}

fn read_pem(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    let settings = |message: String| Error::Settings {
        what,
        path: path.display().to_string(),
        message,
    };
    // A regular file of sane size: a FIFO or a device must not hang or
    // exhaust a login.
    crate::safe_file::read_capped(path, crate::safe_file::caps::AWS_FILE)
        .map_err(|e| settings(format!("cannot be read: {e}")))?
        .ok_or_else(|| settings("cannot be read: it does not exist".to_string()))
}

fn load_certs(path: &Path, what: &'static str) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = read_pem(path, what)?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::Settings {
            what,
            path: path.display().to_string(),
            message: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(certs)
}

fn load_key(path: &Path) -> Result<PrivateKey<'static>, Error> {
    let pem = read_pem(path, "client key")?;
    ureq::tls::parse_pem(&pem)
        .find_map(|item| match item {
            Ok(PemItem::PrivateKey(k)) => Some(k),
            _ => None,
        })
        .ok_or_else(|| Error::Settings {
            what: "client key",
            path: path.display().to_string(),
            message: "holds no PEM private key (PKCS#8, PKCS#1 or SEC1); set client_auth_key"
                .into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::client::UreqClient;
    use crate::http::{HttpClient, Request};
    use std::fs;
    use std::net::TcpListener;
    use std::path::PathBuf;
    use std::thread;
    use std::time::{Duration, Instant};

    #[test]
    fn missing_ca_bundle_is_an_error_naming_the_file() {
        let settings = NetworkSettings {
            ca_bundles: vec!["/nonexistent/ca.pem".into()],
            ..Default::default()
        };
        let e = tls_config(&settings).expect_err("must fail");
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn ca_bundle_without_certificates_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        fs::write(&path, "not a certificate\n").unwrap();
        let settings = NetworkSettings {
            ca_bundles: vec![path.clone()],
            ..Default::default()
        };
        let e = tls_config(&settings).expect_err("must fail");
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }

    #[test]
    fn client_key_without_certificate_is_an_error() {
        let settings = NetworkSettings {
            client_key: Some("/tmp/k.pem".into()),
            ..Default::default()
        };
        assert!(matches!(
            tls_config(&settings),
            Err(Error::Settings {
                what: "client key",
                ..
            })
        ));
    }

    /// `openssl s_server` on 127.0.0.1 with the test certificates in
    /// `fixtures/oidc/tls` (a private CA, a server certificate for
    /// 127.0.0.1, a client certificate). Killed by PID when dropped. A
    /// missing openssl command fails the test: a skipped peer proves nothing.
    struct TlsServer {
        child: std::process::Child,
        url: String,
    }

    impl Drop for TlsServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn tls_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc/tls")
    }

    fn tls_server(extra: &[&str]) -> Option<TlsServer> {
        let server = try_tls_server(extra);
        assert!(
            server.is_some(),
            "cannot start `openssl s_server` on 127.0.0.1 (install the openssl package)"
        );
        server
    }

    fn try_tls_server(extra: &[&str]) -> Option<TlsServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = tls_dir();
        let child = std::process::Command::new("openssl")
            .arg("s_server")
            .args(["-accept", &format!("127.0.0.1:{port}"), "-www", "-quiet"])
            .arg("-cert")
            .arg(dir.join("server.pem"))
            .arg("-key")
            .arg(dir.join("server.key"))
            .args(extra)
            .current_dir(&dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let server = TlsServer {
            child,
            url: format!("https://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    #[test]
    fn ca_bundle_is_trusted_beside_the_system_roots() {
        let Some(server) = tls_server(&[]) else {
            return;
        };
        let platform = UreqClient::new(&NetworkSettings::default()).unwrap();
        let e = platform
            .send(&Request::get(server.url.clone()))
            .unwrap_err();
        assert!(e.to_string().contains(&server.url), "{e}");
        assert!(e.to_string().contains("AWS_CA_BUNDLE"), "{e}");

        let settings = NetworkSettings {
            ca_bundles: vec![tls_dir().join("ca.pem")],
            ..Default::default()
        };
        let resp = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }

    #[test]
    fn insecure_skip_verify_accepts_an_unknown_issuer() {
        let Some(server) = tls_server(&[]) else {
            return;
        };
        let settings = NetworkSettings {
            insecure_skip_verify: true,
            ..Default::default()
        };
        let resp = UreqClient::new(&settings)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }

    #[test]
    fn client_certificate_is_presented_for_mtls() {
        let Some(server) = tls_server(&["-Verify", "1", "-CAfile", "ca.pem"]) else {
            return;
        };
        let ca = vec![tls_dir().join("ca.pem")];
        let without = NetworkSettings {
            ca_bundles: ca.clone(),
            ..Default::default()
        };
        assert!(
            UreqClient::new(&without)
                .unwrap()
                .send(&Request::get(server.url.clone()))
                .is_err()
        );
        let with = NetworkSettings {
            ca_bundles: ca,
            client_cert: Some(tls_dir().join("client.pem")),
            client_key: Some(tls_dir().join("client.key")),
            ..Default::default()
        };
        let resp = UreqClient::new(&with)
            .unwrap()
            .send(&Request::get(server.url.clone()))
            .unwrap();
        assert_eq!(resp.status, 200);
    }
}
