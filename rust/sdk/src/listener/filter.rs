//! The two traits a listener filter implements.

use super::EnvoyListenerFilter;
use crate::abi;

/// What on_accept and on_data return.
pub type ListenerFilterStatus = abi::envoy_dynamic_module_type_on_listener_filter_status;

/// One configured listener filter: made once on the main thread, shared by
/// every connection on every worker.
pub trait ListenerFilterConfig<E: EnvoyListenerFilter>: Send + Sync {
    /// Makes the filter for one accepted connection.
    fn new_listener_filter(&self, envoy: &mut E) -> Box<dyn ListenerFilter<E>>;
}

/// One accepted connection's filter. The hooks run on its worker, one at a time.
pub trait ListenerFilter<E: EnvoyListenerFilter> {
    /// The socket was accepted; nothing has been read. Return StopIteration to
    /// wait for bytes (then [`max_read_bytes`](Self::max_read_bytes) must be > 0),
    /// or after [`close_socket`](EnvoyListenerFilter::close_socket).
    fn on_accept(&mut self, _envoy: &mut E) -> ListenerFilterStatus {
        ListenerFilterStatus::Continue
    }
    /// New bytes were peeked: `envoy.buffer()` holds all `data_length` of them.
    /// StopIteration waits for more, but Envoy never peeks past
    /// `max_read_bytes`: a filter must decide once the buffer is that full.
    fn on_data(&mut self, _envoy: &mut E, _data_length: usize) -> ListenerFilterStatus {
        ListenerFilterStatus::Continue
    }
    /// The peer closed while the filter was waiting for data.
    fn on_close(&mut self, _envoy: &mut E) {}
    /// The most bytes Envoy peeks for this filter; 0 (the default) reads none.
    fn max_read_bytes(&self) -> usize {
        0
    }
}
