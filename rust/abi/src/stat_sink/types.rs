//! The stat_sink kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one stats sink configuration (main thread only).
pub type envoy_dynamic_module_type_stat_sink_config_envoy_ptr = *mut c_void;

/// The module's side of one stats sink configuration.
pub type envoy_dynamic_module_type_stat_sink_config_module_ptr = *const c_void;

/// One flush's snapshot of the metrics: valid only during the flush hook.
pub type envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr = *mut c_void;

/// A scheduler that posts events to a configuration on the main thread; the
/// module owns it until it deletes it.
pub type envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr = *mut c_void;
