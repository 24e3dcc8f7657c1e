//! Network filter callbacks: what Envoy exports and the module calls.
//!
//! Only the callbacks this project's network filters use are declared; a test
//! checks that each one is exported by the real binary. Unless noted, they must
//! be called on the connection's worker thread, during a hook of that connection.

use crate::network::types::*;
use crate::types::*;

extern "C" {
    // ------------------------------------------------------------ read buffer

    /// Network filter: how many slices the read buffer has (0 when empty).
    pub fn envoy_dynamic_module_callback_network_filter_get_read_buffer_chunks_size(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> usize;

    /// Total bytes in the read buffer.
    pub fn envoy_dynamic_module_callback_network_filter_get_read_buffer_size(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> usize;

    /// Fills `result_buffer_vector`, sized by get_read_buffer_chunks_size, with
    /// Envoy's own slices of the read buffer (borrowed for the current hook).
    pub fn envoy_dynamic_module_callback_network_filter_get_read_buffer_chunks(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        result_buffer_vector: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Removes `length` bytes from the front of the read buffer.
    pub fn envoy_dynamic_module_callback_network_filter_drain_read_buffer(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        length: usize,
    ) -> bool;

    /// Appends bytes (copied during the call) to the read buffer.
    pub fn envoy_dynamic_module_callback_network_filter_append_read_buffer(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    // ----------------------------------------------------------- write buffer

    /// How many slices the write buffer has (0 when empty).
    pub fn envoy_dynamic_module_callback_network_filter_get_write_buffer_chunks_size(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> usize;

    /// Total bytes in the write buffer.
    pub fn envoy_dynamic_module_callback_network_filter_get_write_buffer_size(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> usize;

    /// Fills `result_buffer_vector`, sized by get_write_buffer_chunks_size, with
    /// Envoy's own slices of the write buffer (borrowed for the current hook).
    pub fn envoy_dynamic_module_callback_network_filter_get_write_buffer_chunks(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        result_buffer_vector: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Removes `length` bytes from the front of the write buffer.
    pub fn envoy_dynamic_module_callback_network_filter_drain_write_buffer(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        length: usize,
    ) -> bool;

    /// Appends bytes (copied during the call) to the write buffer.
    pub fn envoy_dynamic_module_callback_network_filter_append_write_buffer(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    // ------------------------------------------------------------- connection

    /// Writes bytes (copied during the call) to the downstream; `end_stream`
    /// half-closes the write side after them. They pass through the write
    /// filters, this one included.
    pub fn envoy_dynamic_module_callback_network_filter_write(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
        end_stream: bool,
    );

    /// Resumes the read filters after a hook returned StopIteration.
    pub fn envoy_dynamic_module_callback_network_filter_continue_reading(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    );

    /// Closes the connection.
    pub fn envoy_dynamic_module_callback_network_filter_close(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        close_type: envoy_dynamic_module_type_network_connection_close_type,
    );

    /// Closes the connection and records `details` (may be empty) as the
    /// connection's termination details.
    pub fn envoy_dynamic_module_callback_network_filter_close_with_details(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        close_type: envoy_dynamic_module_type_network_connection_close_type,
        details: envoy_dynamic_module_type_module_buffer,
    );

    /// Envoy's id of the connection, unique within the process.
    pub fn envoy_dynamic_module_callback_network_filter_get_connection_id(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> u64;

    /// The downstream peer's IP (borrowed text) and port. False when the peer
    /// is not an IP address.
    pub fn envoy_dynamic_module_callback_network_filter_get_remote_address(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        address_out: *mut envoy_dynamic_module_type_envoy_buffer,
        port_out: *mut u32,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// With half-close on, a FIN from the downstream ends its direction only,
    /// and the filter may still write.
    pub fn envoy_dynamic_module_callback_network_filter_enable_half_close(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        enabled: bool,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Stops (true) or resumes (false) reading from the downstream; counted, so
    /// every disable needs its enable.
    pub fn envoy_dynamic_module_callback_network_filter_read_disable(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        disable: bool,
    ) -> envoy_dynamic_module_type_network_read_disable_status;

    // ---------------------------------------------------------------- metrics

    /// Defines a counter; only during network_filter_config_new. Writes its id
    /// to `counter_id_ptr`.
    pub fn envoy_dynamic_module_callback_network_filter_config_define_counter(
        config_envoy_ptr: envoy_dynamic_module_type_network_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Defines a gauge; only during network_filter_config_new.
    pub fn envoy_dynamic_module_callback_network_filter_config_define_gauge(
        config_envoy_ptr: envoy_dynamic_module_type_network_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        gauge_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds `value` to a counter of the connection's configuration.
    pub fn envoy_dynamic_module_callback_network_filter_increment_counter(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds `value` to a gauge of the connection's configuration.
    pub fn envoy_dynamic_module_callback_network_filter_increment_gauge(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Subtracts `value` from a gauge of the connection's configuration.
    pub fn envoy_dynamic_module_callback_network_filter_decrement_gauge(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;
}
