//! The early header mutation kind: one configured mutation that sees every
//! request's headers right after the connection manager decoded them, before
//! routing, tracing and any HTTP filter, on every worker at once. There is no
//! per-request instance: the mutation is shared, and read-only.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the mutation trait                                       |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier      |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewEarlyHeaderMutationConfig;
pub use filter::{EarlyHeaderMutation, EarlyHeaderMutationStatus};
pub use handle::{
    EnvoyEarlyHeaderMutation, EnvoyEarlyHeaderMutationConfig, EnvoyEarlyHeaderMutationConfigHandle,
    EnvoyEarlyHeaderMutationHandle,
};
