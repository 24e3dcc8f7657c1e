//! Access-log formatters: one file each, named as a format string's
//! `formatter_name` names them.

#[cfg(feature = "fault-injection")]
pub mod fmt_fault_injection;
pub mod fmt_header_hash;
