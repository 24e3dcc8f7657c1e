//! The stats sink kind: one configuration per `stats_sinks` entry, for the
//! whole process. Envoy hands it a snapshot of its metrics at every flush (main
//! thread) and each histogram sample as a worker records it.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the sink trait                                           |
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

pub use body::NewStatSinkConfig;
pub use filter::StatSink;
pub use handle::{
    EnvoyStatSinkConfig, EnvoyStatSinkConfigHandle, EnvoyStatSinkSnapshot,
    EnvoyStatSinkSnapshotHandle,
};
