//! TLS certificate validators: one file (or folder) each, named as a TLS
//! context's `custom_validator_config` names them (`validator_name`).

#[cfg(feature = "fault-injection")]
pub mod cert_fault_injection;
pub mod cert_spki_pin;
