//! Cluster specifiers: one file each, named as a route's
//! `cluster_specifier_name` names them.

pub mod cs_canary_split;
#[cfg(feature = "fault-injection")]
pub mod cs_fault_injection;
