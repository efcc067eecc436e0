//! Composes config, OIDC, SAML and STS into "log in and get AWS credentials".
