//! The trait an early header mutation implements.

use super::EnvoyEarlyHeaderMutation;

/// Whether the connection manager's next early header mutation runs
/// (mutate's `bool` in the ABI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyHeaderMutationStatus {
    /// The next configured early header mutation runs.
    Continue,
    /// The ones configured after this one are skipped for this request.
    StopChain,
}

/// One configured early header mutation, shared by every worker: Envoy calls
/// it concurrently, so it keeps no per-request state.
pub trait EarlyHeaderMutation<E: EnvoyEarlyHeaderMutation>: Send + Sync {
    /// Reads and rewrites one request's headers.
    fn mutate(&self, envoy: &mut E) -> EarlyHeaderMutationStatus;

    /// Called (behind the barrier too) after `mutate` panicked on this request,
    /// whose headers are then in an unknown state: leave them safe for the
    /// route and the filters (for a guard: as if the client were untrusted).
    /// The default leaves them as they are.
    fn fail_closed(&self, envoy: &mut E) {
        let _ = envoy;
    }
}
