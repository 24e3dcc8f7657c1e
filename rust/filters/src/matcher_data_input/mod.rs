//! Matching data inputs: one file each, named as Envoy's `input_name` names them.

#[cfg(feature = "fault-injection")]
pub mod di_fault_injection;
pub mod di_tenant;
