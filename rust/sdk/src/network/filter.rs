//! The two traits a network filter implements.

use crate::abi::network as abi;
use crate::network::EnvoyNetworkFilter;

/// What on_new_connection, on_read and on_write return.
pub type NetworkFilterStatus = abi::envoy_dynamic_module_type_on_network_filter_data_status;
/// A connection event (closed by either side, or connected).
pub type ConnectionEvent = abi::envoy_dynamic_module_type_network_connection_event;
/// How a connection is closed.
pub type CloseType = abi::envoy_dynamic_module_type_network_connection_close_type;

/// One configured network filter: made once on Envoy's main thread from its
/// filter_config, then shared by every connection on every worker.
pub trait NetworkFilterConfig<E: EnvoyNetworkFilter>: Send + Sync {
    /// Makes the filter for one new connection.
    fn new_network_filter(&self, envoy: &mut E) -> Box<dyn NetworkFilter<E>>;
}

/// One connection's filter. Every hook defaults to "continue"; dropping the
/// filter is the connection's end (Envoy's network_filter_destroy).
///
/// Hooks of one connection run on its worker thread, one at a time, and never
/// inside each other: bytes the filter writes itself with
/// [`EnvoyNetworkFilter::write`] do not come back through its own `on_write`,
/// and an event or watermark Envoy raises while a hook runs (a `close` from
/// `on_read`, say) is delivered right after that hook returns.
pub trait NetworkFilter<E: EnvoyNetworkFilter> {
    /// The connection was accepted.
    fn on_new_connection(&mut self, _envoy: &mut E) -> NetworkFilterStatus {
        NetworkFilterStatus::Continue
    }
    /// Bytes from the downstream are in the read buffer (`data_length` of them);
    /// `end_stream`: the downstream half-closed.
    fn on_read(
        &mut self,
        _envoy: &mut E,
        _data_length: usize,
        _end_stream: bool,
    ) -> NetworkFilterStatus {
        NetworkFilterStatus::Continue
    }
    /// Bytes for the downstream are in the write buffer.
    fn on_write(
        &mut self,
        _envoy: &mut E,
        _data_length: usize,
        _end_stream: bool,
    ) -> NetworkFilterStatus {
        NetworkFilterStatus::Continue
    }
    /// The connection closed (either side) or connected.
    fn on_event(&mut self, _envoy: &mut E, _event: ConnectionEvent) {}
    /// The downstream write buffer is over its high watermark: stop producing.
    fn on_above_write_buffer_high_watermark(&mut self, _envoy: &mut E) {}
    /// The downstream write buffer drained below its low watermark.
    fn on_below_write_buffer_low_watermark(&mut self, _envoy: &mut E) {}
}
