//! Health checkers: one file each, named as a cluster's
//! `health_checker_name` names them.

#[cfg(feature = "fault-injection")]
pub mod hc_fault_injection;
pub mod hc_redis_ping;
