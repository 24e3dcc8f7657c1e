//! The two traits an upstream HTTP-to-TCP bridge implements.

use super::EnvoyUpstreamHttpTcpBridge;

/// One configured bridge: Envoy makes one per worker, at the worker's first
/// request for the cluster, and it makes the bridge of every request there.
pub trait UpstreamHttpTcpBridgeConfig<E: EnvoyUpstreamHttpTcpBridge>: Send + Sync {
    /// Makes the bridge of one request, once its TCP connection is ready.
    fn new_bridge(&self, envoy: &mut E) -> Box<dyn UpstreamHttpTcpBridge<E>>;
}

/// One request's bridge. Every hook defaults to doing nothing; dropping the
/// bridge is the request's end (Envoy's upstream_http_tcp_bridge_destroy).
///
/// A request is answered once, with [`EnvoyUpstreamHttpTcpBridge::send_response`]
/// or the streamed `send_response_headers`/`_data`/`_trailers`; until then
/// Envoy's route timeout runs. Hooks of one request run on its worker, one
/// at a time.
pub trait UpstreamHttpTcpBridge<E: EnvoyUpstreamHttpTcpBridge> {
    /// The request headers arrived (read them with `envoy.request_header`);
    /// `end_of_stream`: the request has no body.
    fn encode_headers(&mut self, _envoy: &mut E, _end_of_stream: bool) {}
    /// A piece of the request body (Envoy drops it after this hook: keep
    /// what is needed).
    fn encode_data(&mut self, _envoy: &mut E, _data: &[u8], _end_of_stream: bool) {}
    /// The request trailers arrived: the request is complete.
    fn encode_trailers(&mut self, _envoy: &mut E) {}
    /// Bytes of one read from the TCP upstream, in order; a reply may span any
    /// number of reads. `end_of_stream`: the upstream half-closed.
    fn on_upstream_data(&mut self, _envoy: &mut E, _data: &[u8], _end_of_stream: bool) {}
}
