//! The stat_sink kind's callbacks: what Envoy exports and the module calls.
//! The snapshot ones are valid only during the flush hook; the config ones on
//! the main thread. Envoy 1.39 exports the counter, gauge and text readout
//! ones and the config ones; 1.40 adds histograms and tags. The SDK looks them
//! up at load (rust/sdk/src/since.rs) instead of linking.

use super::types::*;
use crate::types::*;
use core::ffi::c_char;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// How many counters the snapshot holds.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Counter `index`: its name into `name_buffer` (`name_size` gets the full length; the
    /// bytes fit when it is at most the capacity), its value and its increase since the last
    /// flush. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_counter(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value: *mut u64,
        delta: *mut u64,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// How many gauges the snapshot holds.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Gauge `index`: its name (as get_counter) and its value. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value: *mut u64,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// How many text readouts the snapshot holds.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Text readout `index`: its name and its value, each as get_counter's name. False past the
    /// end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value_buffer: *mut c_char,
        value_buffer_capacity: usize,
        value_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many histograms the snapshot holds.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Histogram `index`: its name (as get_counter's), its sample count and the sum of its
    /// samples, as Envoy's statistics of the histogram keep them. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        sample_count: *mut u64,
        sample_sum: *mut f64,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many buckets histogram `index` has (0 past the end).
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_bucket_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
    ) -> usize;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Bucket `bucket_index` of histogram `index`: its upper bound and how many samples it
    /// counts. False past either end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_bucket(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        bucket_index: usize,
        upper_bound: *mut f64,
        count: *mut u64,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The counter's name without its tags (as get_counter's name). False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag_extracted_name(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many tags the counter has, in `tag_count`. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Tag `tag_index` of the counter: its name and value, each as get_counter's name. False
    /// past either end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value_buffer: *mut c_char,
        value_buffer_capacity: usize,
        value_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The gauge's name without its tags (as get_counter's name). False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag_extracted_name(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many tags the gauge has, in `tag_count`. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Tag `tag_index` of the gauge: its name and value, each as get_counter's name. False past
    /// either end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value_buffer: *mut c_char,
        value_buffer_capacity: usize,
        value_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The text readout's name without its tags (as get_counter's name). False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag_extracted_name(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many tags the text readout has, in `tag_count`. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Tag `tag_index` of the text readout: its name and value, each as get_counter's name.
    /// False past either end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value_buffer: *mut c_char,
        value_buffer_capacity: usize,
        value_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The histogram's name without its tags (as get_counter's name). False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag_extracted_name(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many tags the histogram has, in `tag_count`. False past the end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag_count(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Tag `tag_index` of the histogram: its name and value, each as get_counter's name. False
    /// past either end.
    pub fn envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag(
        snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
        index: usize,
        tag_index: usize,
        name_buffer: *mut c_char,
        name_buffer_capacity: usize,
        name_size: *mut usize,
        value_buffer: *mut c_char,
        value_buffer_capacity: usize,
        value_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Defines a gauge of the sink's own, during config_new only; its id in `gauge_id`.
    pub fn envoy_dynamic_module_callback_stat_sink_config_define_gauge(
        config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        gauge_id: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Sets a gauge define_gauge made, on the main thread.
    pub fn envoy_dynamic_module_callback_stat_sink_config_set_gauge(
        config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
        gauge_id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// A scheduler for events to this configuration (stat_sink_config_scheduled), usable from
    /// any thread.
    pub fn envoy_dynamic_module_callback_stat_sink_config_scheduler_new(
        config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
    ) -> envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Posts `event_id` to the configuration's main thread.
    pub fn envoy_dynamic_module_callback_stat_sink_config_scheduler_commit(
        scheduler: envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr,
        event_id: u64,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Releases a scheduler.
    pub fn envoy_dynamic_module_callback_stat_sink_config_scheduler_delete(
        scheduler: envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr,
    );
}
