//! HTTP/1 header formatters: one file each, named as Envoy's
//! `header_formatter_name` names them.

#[cfg(feature = "fault-injection")]
pub mod hf_fault_injection;
pub mod hf_preserve_case;
