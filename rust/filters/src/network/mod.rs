//! Network (L4) filters: one file each, or a folder for one with a parser of
//! its own, named as Envoy's `filter_name` names them.

pub mod network_echo;
#[cfg(feature = "fault-injection")]
pub mod network_fault_injection;
pub mod network_protocol_logger;
pub mod network_rate_limiter;
pub mod network_redis;
