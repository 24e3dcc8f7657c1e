//! Clusters: one folder each (or a file), named as Envoy's `cluster_name`
//! names them.

#[cfg(feature = "fault-injection")]
pub mod cluster_fault_injection;
pub mod cluster_file_hosts;
