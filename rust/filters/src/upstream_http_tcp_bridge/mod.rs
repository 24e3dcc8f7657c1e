//! Upstream HTTP-to-TCP bridges: one file each, named as a cluster's
//! `upstream_config` `bridge_name` names them.

#[cfg(feature = "fault-injection")]
pub mod bridge_fault_injection;
pub mod bridge_http_redis;
