//! Turning the `access_token` of a token exchange into the bytes of a SAML
//! document. RFC 8693 says a SAML token travels base64url-encoded without
//! padding (Keycloak does exactly that), but IdPs and proxies differ, so
//! both alphabets, padding or not, and line breaks are all accepted.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::Error;

/// Standard alphabet, no padding required, lenient about the unused bits
/// of the last symbol (some encoders leave them set).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Decode `token` to the SAML document's bytes. A token that already is
/// XML (starts with `<`) is taken as is.
pub(super) fn token_bytes(token: &str) -> Result<Vec<u8>, Error> {
    let trimmed = token.trim();
    if trimmed.is_empty() {
        return Err(Error::Empty);
    }
    if trimmed.starts_with('<') {
        return Ok(trimmed.as_bytes().to_vec());
    }
    // A dot never occurs in base64 but always in a JWT: the IdP ignored the
    // requested SAML token type and sent an ordinary access token.
    if trimmed.contains('.') {
        return Err(Error::Jwt);
    }
    let normalized: String = trimmed
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    LENIENT
        .decode(normalized.trim_end_matches('='))
        .map_err(|source| Error::NotBase64 { source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

    #[test]
    fn token_bytes_accepts_every_base64_variant() {
        // 0xfb 0xff makes `+/` in standard and `-_` in URL-safe encoding.
        let data = b"<a>\xfb\xff\xfe?</a>".to_vec();
        let mut wrapped = STANDARD.encode(&data);
        wrapped.insert_str(4, "\r\n ");
        for encoded in [
            STANDARD.encode(&data),
            STANDARD_NO_PAD.encode(&data),
            URL_SAFE.encode(&data),
            URL_SAFE_NO_PAD.encode(&data),
            wrapped,
            format!("\n{}\n", URL_SAFE_NO_PAD.encode(&data)),
        ] {
            assert_eq!(token_bytes(&encoded).unwrap(), data, "{encoded}");
        }
    }

    #[test]
    fn token_bytes_takes_raw_xml_as_is() {
        assert_eq!(
            token_bytes("  <saml:Assertion/>\n").unwrap(),
            b"<saml:Assertion/>"
        );
    }

    #[test]
    fn token_bytes_rejects_empty_jwt_and_garbage() {
        assert!(matches!(token_bytes(" \n"), Err(Error::Empty)));
        assert!(matches!(
            token_bytes("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
            Err(Error::Jwt)
        ));
        let err = token_bytes("not base64!").unwrap_err();
        assert!(matches!(err, Error::NotBase64 { .. }), "{err:?}");
        assert!(err.to_string().contains("not base64"), "{err}");
    }
}
