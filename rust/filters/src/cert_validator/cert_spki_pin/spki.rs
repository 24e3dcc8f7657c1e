//! What cert_spki_pin reads from a certificate: the SHA-256 of its
//! SubjectPublicKeyInfo (the pin HPKP and `curl --pinnedpubkey` write, as
//! base64) and its validity period. The DER comes from the peer, so it is
//! untrusted: RustCrypto's strict DER reader parses it, and anything it does
//! not accept is an error, never a panic (the `cert_chain` fuzz target).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

/// A pin: the SHA-256 of a DER SubjectPublicKeyInfo.
pub type Pin = [u8; 32];

/// What a pin check needs of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub pin: Pin,
    /// Seconds since the Unix epoch.
    pub not_before: Duration,
    pub not_after: Duration,
}

/// Reads one DER certificate. The SPKI is hashed as DER re-encoded from the
/// parsed value: the reader accepts only canonical DER, so that is the very
/// bytes the certificate holds.
pub fn read_leaf(der: &[u8]) -> Result<Leaf, String> {
    let cert = Certificate::from_der(der).map_err(|e| format!("not a DER certificate: {e}"))?;
    let tbs = &cert.tbs_certificate;
    let spki = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("unreadable public key: {e}"))?;
    Ok(Leaf {
        pin: Sha256::digest(&spki).into(),
        not_before: tbs.validity.not_before.to_unix_duration(),
        not_after: tbs.validity.not_after.to_unix_duration(),
    })
}

/// A pin as HPKP and curl write it: `sha256//` and base64 (curl), or the
/// base64 alone (HPKP's `pin-sha256` value).
pub fn parse_pin(text: &str) -> Result<Pin, String> {
    let b64 = text.strip_prefix("sha256//").unwrap_or(text);
    let bytes = STANDARD
        .decode(b64)
        .map_err(|e| format!("pin {text:?} is not base64: {e}"))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("pin {text:?} is {} bytes, not a SHA-256 (32)", b.len()))
}

/// A pin in curl's spelling, for log lines and error details.
pub fn show_pin(pin: &Pin) -> String {
    format!("sha256//{}", STANDARD.encode(pin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_in_both_spellings() {
        let pin = [7u8; 32];
        let shown = show_pin(&pin);
        assert_eq!(parse_pin(&shown), Ok(pin));
        assert_eq!(parse_pin(shown.trim_start_matches("sha256//")), Ok(pin));
        assert!(parse_pin("sha256//AAAA").unwrap_err().contains("3 bytes"));
        assert!(parse_pin("sha256//not base64!").is_err());
        assert!(parse_pin("").is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x82\xff\xff",
            b"\x30\x03\x02\x01\x01",
            &[0u8; 64],
        ] {
            assert!(read_leaf(bad).is_err(), "{bad:?}");
        }
    }
}
