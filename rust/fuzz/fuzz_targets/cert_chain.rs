//! cert_spki_pin's untrusted input: the peer's certificate chain (DER, from
//! the TLS handshake). Every chain gets a verdict, never a panic; one is
//! accepted only when its leaf parses and its key's pin is the configured
//! one, and a refusal always says why. The pin is the SHA-256 of the leaf's
//! SubjectPublicKeyInfo as the strict DER reader re-encodes it.
//!
//! Input: certificates, each a 2-byte big-endian length and that many bytes
//! (the last one takes what is left). The config pins the key of the seed
//! corpus's `leaf` (a P-256 certificate valid 2026 to 2126), so the accepted
//! path is reachable.

#![no_main]

use envoy_dm_sdk::cert_validator::Verdict;
use libfuzzer_sys::fuzz_target;
use rust_module::cert_validator::cert_spki_pin::{parse, spki};
use std::time::Duration;

const PIN: &str = "sha256//gTRuCcbsdw6aEerNmXkdTQs/A9gRfXYP29WRNM6mS5Q=";
/// 2030-01-01: inside the seed leaf's validity.
const NOW: Duration = Duration::from_secs(1_893_456_000);

fn split(mut data: &[u8]) -> Vec<&[u8]> {
    let mut certs = Vec::new();
    while data.len() >= 2 && certs.len() < 8 {
        let n = usize::from(u16::from_be_bytes([data[0], data[1]]));
        let rest = &data[2..];
        let (cert, tail) = rest.split_at(n.min(rest.len()));
        certs.push(cert);
        data = tail;
    }
    certs
}

fuzz_target!(|data: &[u8]| {
    let config = format!(r#"{{"pins": ["{PIN}"]}}"#);
    let pinned = parse(config.as_bytes()).expect("the fuzz config is good");
    let certs = split(data);
    match pinned.verdict(&certs, NOW) {
        Verdict::Accepted(_) => {
            let leaf = spki::read_leaf(certs[0]).expect("an accepted leaf parses");
            assert_eq!(spki::show_pin(&leaf.pin), PIN);
            assert!(leaf.not_before <= NOW && NOW <= leaf.not_after);
        }
        Verdict::Refused {
            error_details,
            tls_alert,
            ..
        } => {
            assert!(
                error_details.starts_with("cert_spki_pin: "),
                "{error_details}"
            );
            assert_eq!(tls_alert, Some(42));
        }
    }
    // The reader alone, on the raw bytes: an answer, never a panic.
    let _ = spki::read_leaf(data);
});
