//! xDS config validators: one file (or folder) each, named as a config
//! source's `extension_name` names them.

#[cfg(feature = "fault-injection")]
pub mod cv_fault_injection;
pub mod cv_platform_rules;
