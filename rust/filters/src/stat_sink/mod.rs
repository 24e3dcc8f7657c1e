//! Stats sinks: one file each, named as a `stats_sinks` entry's `sink_name`
//! names them.

#[cfg(feature = "fault-injection")]
pub mod stats_fault_injection;
pub mod stats_statsd;
