//! The two traits a UDP listener filter implements.

use super::EnvoyUdpListenerFilter;
use crate::abi;

/// What on_data returns: Continue passes the datagram on, StopIteration drops it.
pub type UdpListenerFilterStatus = abi::envoy_dynamic_module_type_on_udp_listener_filter_status;

/// One configured UDP listener filter, shared by the listener on every worker.
pub trait UdpListenerFilterConfig<E: EnvoyUdpListenerFilter>: Send + Sync {
    /// Makes the filter of one worker's listener.
    fn new_udp_listener_filter(&self, envoy: &mut E) -> Box<dyn UdpListenerFilter<E>>;
}

/// One worker's filter: sees that worker's datagrams, one at a time.
pub trait UdpListenerFilter<E: EnvoyUdpListenerFilter> {
    fn on_data(&mut self, envoy: &mut E) -> UdpListenerFilterStatus;
}
