//! A fake of the cluster specifier's Envoy handle for unit tests: one
//! request's headers and random value, and the decision recorded.

use super::{EnvoyClusterSpecifier, EnvoyClusterSpecifierConfig};

#[derive(Debug, Default, Clone)]
pub struct FakeClusterSpecifier {
    /// The request's headers (lowercase names).
    pub headers: Vec<(String, Vec<u8>)>,
    pub random: u64,
    /// What the specifier set.
    pub cluster: Option<String>,
    pub not_found_status: Option<u32>,
}

impl FakeClusterSpecifier {
    /// A request with this random value and no headers.
    pub fn with_random(random: u64) -> Self {
        Self {
            random,
            ..Self::default()
        }
    }

    /// The same, with a request header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_string(), value.as_bytes().to_vec()));
        self
    }
}

impl EnvoyClusterSpecifier for FakeClusterSpecifier {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    fn random_value(&self) -> u64 {
        self.random
    }
    fn set_cluster_name(&mut self, name: &str) {
        self.cluster = Some(name.to_string());
    }
    fn set_cluster_not_found_response_code(&mut self, status: u32) -> bool {
        let ok = (200..600).contains(&status);
        if ok {
            self.not_found_status = Some(status);
        }
        ok
    }
}

/// A cluster specifier configuration being created.
#[derive(Debug, Default)]
pub struct FakeClusterSpecifierConfig;

impl EnvoyClusterSpecifierConfig for FakeClusterSpecifierConfig {}
