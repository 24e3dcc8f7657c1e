//! Tracers: one file (or folder) each, named as a tracing provider's
//! `tracer_name` names them.

#[cfg(feature = "fault-injection")]
pub mod tr_fault_injection;
pub mod tr_w3c_json;
