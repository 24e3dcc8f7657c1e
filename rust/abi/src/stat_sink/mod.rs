//! The stats sink: a module that receives Envoy's metrics. Envoy 1.39 and 1.40
//! resolve the hooks below when the bootstrap's `stats_sinks` names
//! `envoy.stat_sinks.dynamic_modules`.
//!
//! One configuration, made on the main thread, serves the whole process:
//! every `stats_flush_interval` Envoy hands it a snapshot of the counters,
//! gauges, text readouts and (from 1.40) histograms on the main thread (flush),
//! and every histogram sample recorded on a worker reaches it on that worker
//! at once (on_histogram_complete), so concurrently. Names and values are
//! copied into module-owned buffers, snprintf-style: the call reports the
//! full size, and a module whose buffer was too small asks again.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
