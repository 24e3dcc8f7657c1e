//! A fake of the config validator's Envoy handles for unit tests: the
//! dynamic cluster count a validation reads, and the reason it records.

use super::{EnvoyConfigValidator, EnvoyConfigValidatorConfig};
use std::cell::RefCell;

#[derive(Debug, Default)]
pub struct FakeConfigValidator {
    /// What `dynamic_cluster_count` answers.
    pub dynamic_clusters: u64,
    rejection: RefCell<Option<String>>,
}

impl FakeConfigValidator {
    /// The reason the validation recorded, if any.
    pub fn rejection(&self) -> Option<String> {
        self.rejection.borrow().clone()
    }
}

impl EnvoyConfigValidator for FakeConfigValidator {
    fn dynamic_cluster_count(&self) -> u64 {
        self.dynamic_clusters
    }

    fn set_rejection_message(&self, message: &str) {
        *self.rejection.borrow_mut() = Some(message.to_string());
    }
}

/// The fake config handle: nothing to ask.
#[derive(Debug, Default)]
pub struct FakeConfigValidatorConfig;

impl EnvoyConfigValidatorConfig for FakeConfigValidatorConfig {}
