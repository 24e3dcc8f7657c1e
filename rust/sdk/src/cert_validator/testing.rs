//! A fake of the certificate validator's Envoy handle for unit tests: one
//! connection's filter state, and the reason of a refusal as Envoy got it.

use super::{EnvoyCertValidator, EnvoyCertValidatorConfig};

#[derive(Debug, Default, Clone)]
pub struct FakeCertValidator {
    /// The connection's filter state (key, value).
    pub filter_state: Vec<(String, Vec<u8>)>,
    /// What the body passed to set_error_details, last call wins.
    pub error_details: Option<String>,
}

impl EnvoyCertValidator for FakeCertValidator {
    fn set_filter_state(&mut self, key: &str, value: &[u8]) -> bool {
        // Envoy's filter state is read-only once set.
        if self.filter_state.iter().any(|(k, _)| k == key) {
            return false;
        }
        self.filter_state.push((key.to_string(), value.to_vec()));
        true
    }
    fn filter_state(&self, key: &str) -> Option<&[u8]> {
        self.filter_state
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
    fn set_error_details(&mut self, details: &str) {
        self.error_details = Some(details.to_string());
    }
}

/// The fake configuration handle: nothing to ask of it yet.
#[derive(Debug, Default)]
pub struct FakeCertValidatorConfig;

impl EnvoyCertValidatorConfig for FakeCertValidatorConfig {}
