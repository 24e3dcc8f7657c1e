//! Access loggers (the access-logger extension kind): one file each, named as
//! Envoy's `logger_name` names them.

#[cfg(feature = "fault-injection")]
pub mod access_log_fault_injection;
pub mod json_access_log;
