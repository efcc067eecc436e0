//! PKCE (RFC 7636, method S256) and the random `state` and `nonce` values,
//! all from the OS CSPRNG.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::Error;
use crate::secret::Secret;

/// The only `code_challenge_method` we send.
pub const METHOD: &str = "S256";

/// A PKCE verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    verifier: Secret<String>,
    challenge: String,
}

impl Pkce {
    /// A fresh pair from 32 random bytes (a 43-character verifier).
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes)?;
        Ok(Self::from_verifier_bytes(bytes))
    }

    /// The pair for given verifier bytes (tests, known vectors).
    pub fn from_verifier_bytes(bytes: [u8; 32]) -> Self {
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier: Secret::new(verifier),
            challenge,
        }
    }

    /// `code_verifier`, sent only to the token endpoint.
    pub fn verifier(&self) -> &Secret<String> {
        &self.verifier
    }

    /// `code_challenge`, sent in the authorization URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

/// `n` random bytes as base64url without padding, for `state` and `nonce`.
pub fn random_token(n: usize) -> Result<String, Error> {
    let mut bytes = vec![0u8; n];
    fill_random(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|e| Error::Random {
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let bytes = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let p = Pkce::from_verifier_bytes(bytes);
        assert_eq!(
            p.verifier().expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn generated_verifier_is_43_unreserved_chars_and_differs_each_time() {
        let a = Pkce::generate().unwrap();
        let b = Pkce::generate().unwrap();
        assert_eq!(a.verifier().expose().len(), 43);
        assert!(
            a.verifier()
                .expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a.verifier().expose(), b.verifier().expose());
        assert_eq!(a.challenge().len(), 43);
    }

    #[test]
    fn random_token_has_expected_length() {
        let t = random_token(16).unwrap();
        assert_eq!(t.len(), 22);
        assert_ne!(t, random_token(16).unwrap());
    }

    #[test]
    fn debug_hides_the_verifier() {
        let p = Pkce::from_verifier_bytes([7; 32]);
        assert!(!format!("{p:?}").contains(p.verifier().expose().as_str()));
    }
}
