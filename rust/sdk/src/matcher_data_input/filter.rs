//! The trait a matching data input implements.

use super::EnvoyMatcherDataInput;

/// One configured data input, shared by every worker: Envoy asks it
/// concurrently, so it keeps no per-request state.
pub trait MatcherDataInput<E: EnvoyMatcherDataInput>: Send + Sync {
    /// The value of one evaluation, or None for no data (the tree's
    /// `on_no_match` then applies). The tree compares the bytes as they are:
    /// normalise (case, percent-encoding) here.
    fn get(&self, envoy: &E) -> Option<Vec<u8>>;
}
