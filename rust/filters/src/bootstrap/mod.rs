//! Bootstrap extensions: one file each, named as Envoy's `extension_name`
//! names them.

#[cfg(feature = "fault-injection")]
pub mod bootstrap_fault_injection;
pub mod lab_status;
