//! A fake of the load balancer's Envoy handle for unit tests: a cluster's
//! hosts (address, weight, healthy) and one request's headers.

use super::{EnvoyLoadBalancer, EnvoyLoadBalancerConfig};

/// One host of the fake cluster (priority 0).
#[derive(Debug, Clone)]
pub struct FakeHost {
    pub address: String,
    pub weight: u32,
    pub healthy: bool,
}

/// A cluster at priority 0 and, while choosing, one request.
#[derive(Debug, Default, Clone)]
pub struct FakeLoadBalancer {
    pub hosts: Vec<FakeHost>,
    /// The request's headers (lowercase names); empty outside choose_host.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Addresses the retry predicates reject for this attempt.
    pub rejected: Vec<String>,
}

impl FakeLoadBalancer {
    /// Healthy hosts with these addresses and weights.
    pub fn with_hosts(hosts: &[(&str, u32)]) -> Self {
        Self {
            hosts: hosts
                .iter()
                .map(|(address, weight)| FakeHost {
                    address: address.to_string(),
                    weight: *weight,
                    healthy: true,
                })
                .collect(),
            ..Self::default()
        }
    }

    /// The same, with a request header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_string(), value.as_bytes().to_vec()));
        self
    }

    /// Marks the host with this address unhealthy.
    pub fn unhealthy(mut self, address: &str) -> Self {
        self.hosts
            .iter_mut()
            .filter(|h| h.address == address)
            .for_each(|h| h.healthy = false);
        self
    }

    fn healthy(&self) -> impl Iterator<Item = &FakeHost> {
        self.hosts.iter().filter(|h| h.healthy)
    }

    /// The address of the healthy host a selection's index names.
    pub fn healthy_address(&self, index: u32) -> Option<&str> {
        self.healthy()
            .nth(index as usize)
            .map(|h| h.address.as_str())
    }
}

impl EnvoyLoadBalancer for FakeLoadBalancer {
    fn hosts_count(&self, priority: u32) -> usize {
        if priority == 0 {
            self.hosts.len()
        } else {
            0
        }
    }
    fn host_address(&self, priority: u32, index: usize) -> Option<&str> {
        (priority == 0)
            .then(|| self.hosts.get(index).map(|h| h.address.as_str()))
            .flatten()
    }
    fn healthy_hosts_count(&self, priority: u32) -> usize {
        if priority == 0 {
            self.healthy().count()
        } else {
            0
        }
    }
    fn healthy_host_address(&self, priority: u32, index: usize) -> Option<&str> {
        (priority == 0)
            .then(|| self.healthy().nth(index).map(|h| h.address.as_str()))
            .flatten()
    }
    fn healthy_host_weight(&self, priority: u32, index: usize) -> u32 {
        (priority == 0)
            .then(|| self.healthy().nth(index).map(|h| h.weight))
            .flatten()
            .unwrap_or(0)
    }
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    fn should_select_another_host(&self, priority: u32, index: usize) -> bool {
        priority == 0
            && self
                .hosts
                .get(index)
                .is_some_and(|h| self.rejected.contains(&h.address))
    }
}

/// A load-balancing policy configuration being created.
#[derive(Debug, Default)]
pub struct FakeLoadBalancerConfig;

impl EnvoyLoadBalancerConfig for FakeLoadBalancerConfig {}
