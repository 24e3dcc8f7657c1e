//! The stat_sink kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a stats sink configuration (both buffers
    /// borrowed for this call), on the main thread, while the server starts.
    /// NULL makes Envoy refuse the bootstrap.
    pub fn envoy_dynamic_module_on_stat_sink_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_stat_sink_config_module_ptr;

    /// Releases a configuration made by stat_sink_config_new (at exit).
    pub fn envoy_dynamic_module_on_stat_sink_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    );

    /// One flush: the snapshot is readable through the snapshot callbacks
    /// until the hook returns. Main thread, every `stats_flush_interval`.
    pub fn envoy_dynamic_module_on_stat_sink_flush(
        config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    );

    /// One histogram sample (`histogram_name` borrowed for this call), on the
    /// worker that recorded it, so concurrently and on the request's path.
    pub fn envoy_dynamic_module_on_stat_sink_on_histogram_complete(
        config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
        histogram_name: envoy_dynamic_module_type_envoy_buffer,
        value: u64,
    );

    /// An event committed through a config scheduler, on the main thread.
    /// Optional: Envoy looks it up but loads a module without it.
    pub fn envoy_dynamic_module_on_stat_sink_config_scheduled(
        config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
        config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
        event_id: u64,
    );
}
