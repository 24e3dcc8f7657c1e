//! `cert_spki_pin`: a TLS certificate validator that accepts a peer (a client
//! of a listener, or an upstream server) only when its certificate's public
//! key is one of a set of pins, SHA-256 of the SubjectPublicKeyInfo in
//! base64, as HPKP and `curl --pinnedpubkey` write them.
//!
//! Config (JSON, a `google.protobuf.Struct` in `validator_config`):
//!
//! ```json
//! {"pins": ["sha256//gTRuCcbsdw6aEerNmXkdTQs/A9gRfXYP29WRNM6mS5Q="]}
//! ```
//!
//! - `pins`: 1 to 64 pins, `sha256//` + base64 or the base64 alone.
//!
//! Used as a TLS context's validator it replaces Envoy's own: no CA, name or
//! revocation check is made, only the pin (the TLS handshake itself proves the
//! peer holds the pinned key) and the leaf's validity period. Only the leaf is
//! matched: without a chain check, a pinned intermediate in the chain would
//! prove nothing. A refusal sends the alert `bad_certificate` and tells Envoy
//! the leaf's own pin (so an operator sees what to add) or why it is unreadable.

pub mod spki;

use envoy_dm_sdk::cert_validator::{
    CertValidatorConfig, EnvoyCertValidator, EnvoyCertValidatorConfig, Verdict,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use spki::{parse_pin, read_leaf, show_pin, Pin};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// At most this many pins: a pin set is a handful of keys (current and next).
pub const MAX_PINS: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    pins: Vec<String>,
}

/// A checked configuration.
pub struct SpkiPin {
    pins: Vec<Pin>,
    /// The pins in curl's spelling, one per line: the session-id digest.
    digest: Vec<u8>,
}

impl SpkiPin {
    pub fn new(
        _envoy: &mut impl EnvoyCertValidatorConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        parse(config)
    }

    /// The verdict on a chain at `now` (seconds since the epoch).
    pub fn verdict(&self, certs: &[&[u8]], now: Duration) -> Verdict {
        let Some(der) = certs.first() else {
            return Verdict::refused("cert_spki_pin: no certificate");
        };
        let leaf = match read_leaf(der) {
            Ok(leaf) => leaf,
            Err(why) => return Verdict::refused(format!("cert_spki_pin: {why}")),
        };
        if !self.pins.contains(&leaf.pin) {
            return Verdict::refused(format!(
                "cert_spki_pin: leaf key {} is not pinned",
                show_pin(&leaf.pin)
            ));
        }
        if now < leaf.not_before || now > leaf.not_after {
            return Verdict::refused(format!(
                "cert_spki_pin: leaf key {} is pinned but the certificate is not valid now",
                show_pin(&leaf.pin)
            ));
        }
        Verdict::accepted()
    }
}

/// Parses and checks the config bytes; no side effects (the fuzz target's entry).
pub fn parse(config: &[u8]) -> Result<SpkiPin, BoxError> {
    let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
    if raw.pins.is_empty() || raw.pins.len() > MAX_PINS {
        return Err(format!(
            "pins must hold 1 to {MAX_PINS} pins, got {}",
            raw.pins.len()
        )
        .into());
    }
    let pins = raw
        .pins
        .iter()
        .map(|p| parse_pin(p))
        .collect::<Result<Vec<_>, _>>()?;
    let digest = pins.iter().map(|p| show_pin(p) + "\n").collect::<String>();
    Ok(SpkiPin {
        pins,
        digest: digest.into_bytes(),
    })
}

impl<E: EnvoyCertValidator> CertValidatorConfig<E> for SpkiPin {
    fn do_verify_cert_chain(
        &self,
        _envoy: &mut E,
        certs: &[&[u8]],
        _host_name: &[u8],
        _is_server: bool,
    ) -> Verdict {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.verdict(certs, now)
    }

    fn update_digest(&self) -> &[u8] {
        &self.digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::cert_validator::testing::{FakeCertValidator, FakeCertValidatorConfig};

    /// A P-256 leaf made by openssl (valid 2026-12-07 to 2126-11-13), and the
    /// CA that signed it.
    const LEAF: &[u8] = include_bytes!("testdata/leaf.der");
    const CA: &[u8] = include_bytes!("testdata/ca.der");
    /// `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl
    /// dgst -sha256 -binary | base64` of LEAF.
    const LEAF_PIN: &str = "gTRuCcbsdw6aEerNmXkdTQs/A9gRfXYP29WRNM6mS5Q=";
    /// 2030-01-01.
    const NOW: Duration = Duration::from_secs(1_893_456_000);

    fn config(pins: &[&str]) -> SpkiPin {
        let json = serde_json::json!({ "pins": pins }).to_string();
        SpkiPin::new(&mut FakeCertValidatorConfig, json.as_bytes()).unwrap()
    }

    #[test]
    fn the_pin_is_the_one_openssl_computes() {
        assert_eq!(
            show_pin(&read_leaf(LEAF).unwrap().pin),
            format!("sha256//{LEAF_PIN}")
        );
    }

    #[test]
    fn the_pinned_leaf_is_accepted_in_either_spelling() {
        for pin in [LEAF_PIN.to_string(), format!("sha256//{LEAF_PIN}")] {
            assert_eq!(
                config(&[&pin]).verdict(&[LEAF, CA], NOW),
                Verdict::accepted()
            );
        }
        let mut envoy = FakeCertValidator::default();
        let verdict = config(&[LEAF_PIN]).do_verify_cert_chain(&mut envoy, &[LEAF], b"", true);
        assert_eq!(verdict, Verdict::accepted());
    }

    #[test]
    fn another_key_is_refused_naming_its_own_pin() {
        let ca_pin = show_pin(&read_leaf(CA).unwrap().pin);
        // The CA's key is pinned, the leaf's is not: only the leaf counts.
        let verdict = config(&[&ca_pin]).verdict(&[LEAF, CA], NOW);
        assert_eq!(
            verdict,
            Verdict::refused(format!(
                "cert_spki_pin: leaf key sha256//{LEAF_PIN} is not pinned"
            ))
        );
    }

    #[test]
    fn a_pinned_leaf_outside_its_validity_is_refused() {
        let pinned = config(&[LEAF_PIN]);
        for now in [
            Duration::from_secs(1_700_000_000),
            Duration::from_secs(5_000_000_000),
        ] {
            let Verdict::Refused { error_details, .. } = pinned.verdict(&[LEAF], now) else {
                panic!("accepted at {now:?}");
            };
            assert!(error_details.contains("not valid now"), "{error_details}");
        }
    }

    #[test]
    fn garbage_and_truncated_chains_are_refused() {
        let pinned = config(&[LEAF_PIN]);
        for bad in [&b""[..], b"\x30\x00", &LEAF[..LEAF.len() - 1], &LEAF[1..]] {
            let Verdict::Refused { error_details, .. } = pinned.verdict(&[bad], NOW) else {
                panic!("accepted {bad:?}");
            };
            assert!(
                error_details.contains("not a DER certificate"),
                "{error_details}"
            );
        }
        assert!(matches!(pinned.verdict(&[], NOW), Verdict::Refused { .. }));
    }

    #[test]
    fn bad_configs_say_why() {
        let cases: [(&[u8], &str); 6] = [
            (br#"{"pins": []}"#, "1 to 64 pins, got 0"),
            (br#"{"pins": ["sha256//AAAA"]}"#, "3 bytes, not a SHA-256"),
            (br#"{"pins": ["%%%"]}"#, "not base64"),
            (br#"{}"#, "missing field `pins`"),
            (br#"{"pins": ["x"], "mode": 1}"#, "unknown field `mode`"),
            (b"", "filter_config is empty"),
        ];
        for (bad, want) in cases {
            let error = parse(bad).err().unwrap().to_string();
            assert!(error.contains(want), "{error} / {want}");
        }
        let many = serde_json::json!({ "pins": vec![LEAF_PIN; 65] }).to_string();
        assert!(parse(many.as_bytes()).is_err());
    }

    #[test]
    fn the_digest_changes_with_the_pins() {
        let one = config(&[LEAF_PIN]);
        let two = config(&[LEAF_PIN, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]);
        let d = |c: &SpkiPin| CertValidatorConfig::<FakeCertValidator>::update_digest(c).to_vec();
        assert_ne!(d(&one), d(&two));
        assert_eq!(d(&one), format!("sha256//{LEAF_PIN}\n").into_bytes());
    }
}
