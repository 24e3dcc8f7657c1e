//! Listener filters: one file each, named as Envoy's `filter_name` names them.

#[cfg(feature = "fault-injection")]
pub mod listener_fault_injection;
pub mod listener_ip_allowlist;
pub mod listener_sni_router;
pub mod listener_tls_detector;
