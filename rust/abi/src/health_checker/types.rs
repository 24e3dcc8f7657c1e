//! The health_checker kind's types: opaque pointers and the health a check reports.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one health checker configuration (while config_new runs).
pub type envoy_dynamic_module_type_health_checker_config_envoy_ptr = *mut c_void;

/// The module's side of one health checker configuration, shared by the
/// sessions of every host it checks.
pub type envoy_dynamic_module_type_health_checker_config_module_ptr = *const c_void;

/// Envoy's side of one host's session: the host (its address, metadata and
/// health); valid during a hook that passes it.
pub type envoy_dynamic_module_type_health_checker_session_envoy_ptr = *mut c_void;

/// The module's side of one host's session.
pub type envoy_dynamic_module_type_health_checker_session_module_ptr = *const c_void;

/// What reports one session's results from any thread: made by
/// health_checker_scheduler_new, owned by the module until
/// health_checker_scheduler_delete. Outlives its session safely (a report
/// then does nothing).
pub type envoy_dynamic_module_type_health_checker_scheduler_module_ptr = *mut c_void;

/// A host's health, as a check reports it and as Envoy knows it (Envoy's
/// coarse health: 0, 1, 2 in 1.39 and 1.40).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_host_health {
    /// A failed check (counts toward `unhealthy_threshold`).
    Unhealthy,
    /// A passed check, with the host marked degraded.
    Degraded,
    /// A passed check (counts toward `healthy_threshold`).
    Healthy,
}
