//! The two traits a filter implements.

use crate::abi;
use crate::{EnvoyHttpFilter, HttpCalloutResponse, HttpCalloutResult, PlacedFilter};

/// What on_request_headers returns.
pub type RequestHeadersStatus =
    abi::envoy_dynamic_module_type_on_http_filter_request_headers_status;
/// What on_request_body returns.
pub type RequestBodyStatus = abi::envoy_dynamic_module_type_on_http_filter_request_body_status;
/// What on_request_trailers returns.
pub type RequestTrailersStatus =
    abi::envoy_dynamic_module_type_on_http_filter_request_trailers_status;
/// What on_response_headers returns.
pub type ResponseHeadersStatus =
    abi::envoy_dynamic_module_type_on_http_filter_response_headers_status;
/// What on_response_body returns.
pub type ResponseBodyStatus = abi::envoy_dynamic_module_type_on_http_filter_response_body_status;
/// What on_response_trailers returns.
pub type ResponseTrailersStatus =
    abi::envoy_dynamic_module_type_on_http_filter_response_trailers_status;
/// What on_local_reply returns: send the reply, or reset the stream instead.
pub type LocalReplyStatus = abi::envoy_dynamic_module_type_on_http_filter_local_reply_status;
/// Which body a body call works on.
pub type BodyType = abi::envoy_dynamic_module_type_http_body_type;

/// One configured filter: made once on Envoy's main thread from the filter's
/// config, then shared by every stream on every worker (hence `Send + Sync`).
pub trait HttpFilterConfig<E: EnvoyHttpFilter>: Send + Sync {
    /// Makes the filter for one new HTTP stream.
    fn new_http_filter(&self, envoy: &mut E) -> Box<dyn HttpFilter<E>>;
    /// The same filter, placed by the SDK: what the stream path calls. The
    /// default boxes `new_http_filter`'s; a config whose filter is small (up to
    /// four words, e.g. an `Arc` of the config) overrides it with
    /// `PlacedFilter::new(TheFilter { .. })` and its streams allocate nothing.
    fn new_placed_http_filter(&self, envoy: &mut E) -> PlacedFilter<E> {
        PlacedFilter::boxed(self.new_http_filter(envoy))
    }
}

/// One HTTP stream's filter. Every hook defaults to "continue", so a filter
/// overrides only the phases it cares about. All hooks of one stream run on that
/// stream's worker thread, one at a time.
pub trait HttpFilter<E: EnvoyHttpFilter> {
    fn on_request_headers(&mut self, _envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        RequestHeadersStatus::Continue
    }
    fn on_request_body(&mut self, _envoy: &mut E, _end_of_stream: bool) -> RequestBodyStatus {
        RequestBodyStatus::Continue
    }
    fn on_request_trailers(&mut self, _envoy: &mut E) -> RequestTrailersStatus {
        RequestTrailersStatus::Continue
    }
    fn on_response_headers(
        &mut self,
        _envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        ResponseHeadersStatus::Continue
    }
    fn on_response_body(&mut self, _envoy: &mut E, _end_of_stream: bool) -> ResponseBodyStatus {
        ResponseBodyStatus::Continue
    }
    fn on_response_trailers(&mut self, _envoy: &mut E) -> ResponseTrailersStatus {
        ResponseTrailersStatus::Continue
    }
    /// The stream is over (completed or reset); the last hook before the filter drops.
    fn on_stream_complete(&mut self, _envoy: &mut E) {}
    /// A wake-up requested through this stream's scheduler.
    fn on_scheduled(&mut self, _envoy: &mut E, _event_id: u64) {}
    /// Envoy is about to answer this stream with a local reply sent by another
    /// filter, the router or Envoy itself (`reset_imminent`: a reset goes out
    /// instead). Not called while one of this filter's own hooks runs: for the
    /// reply it sends itself, or one a later filter sends synchronously inside
    /// its continue_decoding (the SDK holds the filter then).
    fn on_local_reply(
        &mut self,
        _envoy: &mut E,
        _status: u32,
        _details: &str,
        _reset_imminent: bool,
    ) -> LocalReplyStatus {
        LocalReplyStatus::Continue
    }
    /// A callout this stream started with `http_callout` has ended. `response`
    /// is Some on Success (Envoy's own 503 or 504 included: a timeout or an
    /// unreachable host is a response, not a Reset), None otherwise. A stream
    /// stopped for the callout must now continue or send a local reply.
    fn on_http_callout_done(
        &mut self,
        _envoy: &mut E,
        _callout_id: u64,
        _result: HttpCalloutResult,
        _response: Option<&HttpCalloutResponse<'_>>,
    ) {
    }
}
