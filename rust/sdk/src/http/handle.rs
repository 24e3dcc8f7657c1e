//! The handles: what a filter may ask of Envoy while its configuration is
//! created (on the main thread), and during one HTTP stream (on its worker).

use crate::abi;
use crate::ffi::{
    defined, envoy_bytes, header_list, module_buffer, AttributeId, HeaderType, MetricId,
};
use crate::http::callout::{self, HttpCalloutInitResult};
use crate::http::metadata::{EnvoyHttpMetadata, MetadataSource};
use crate::BodyType;
use std::any::Any;
use std::sync::Arc;

/// Envoy as seen from one stream. The real implementation is
/// [`EnvoyFilterHandle`]; unit tests use `testing::FakeEnvoyFilter`.
///
/// Byte slices returned here borrow Envoy's memory: the borrow checker keeps
/// them from outliving the next change to the stream, as the ABI requires.
pub trait EnvoyHttpFilter: EnvoyHttpMetadata {
    /// The first value of header `key` (lowercase), if present.
    fn get_header(&self, kind: HeaderType, key: &str) -> Option<&[u8]>;
    /// Every (name, value) of a header map, pseudo-headers included, in order.
    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])>;
    /// Replaces every value of `key` with `value`. An empty value removes the
    /// header (Envoy 1.40 cannot store an empty value through this ABI).
    fn set_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool;
    /// Appends a value to `key`, keeping the existing ones.
    fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool;
    /// Removes every value of `key`.
    fn remove_header(&mut self, kind: HeaderType, key: &str) -> bool {
        self.set_header(kind, key, b"")
    }
    /// A string attribute, when Envoy knows it at this point of the stream.
    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]>;
    /// An integer attribute, when Envoy knows it at this point of the stream.
    fn get_attribute_int(&self, id: AttributeId) -> Option<u64>;
    /// Answers the stream from Envoy with a local reply. The calling hook should
    /// then return a Stop status.
    fn send_response(&mut self, status: u32, headers: &[(&str, &[u8])], body: &[u8], details: &str);

    /// Envoy's own slices of a body, in order, without copying them.
    fn get_body_chunks(&self, body: BodyType) -> Vec<&[u8]>;
    /// Total bytes of a body.
    fn get_body_size(&self, body: BodyType) -> usize;
    /// Removes `bytes` from the front of a body. False when the body is absent.
    fn drain_body(&mut self, body: BodyType, bytes: usize) -> bool;
    /// Appends a copy of `data` to a body. False when the body is absent.
    fn append_body(&mut self, body: BodyType, data: &[u8]) -> bool;

    /// Resumes the request path after a hook returned a Stop status.
    fn continue_decoding(&mut self);
    /// Resumes the response path after a hook returned a Stop status.
    fn continue_encoding(&mut self);

    /// Sends an HTTP request to `cluster`; `headers` must hold `:method`,
    /// `:path` and `:authority`. Ok is the id the filter's
    /// `on_http_callout_done` will be called with, exactly once, unless the
    /// stream ends first (Envoy then cancels the callout). Err says why Envoy
    /// did not start it; no done hook follows.
    fn http_callout(
        &mut self,
        cluster: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
        timeout_ms: u64,
    ) -> Result<u64, HttpCalloutInitResult>;

    /// What [`new_scheduler`](Self::new_scheduler) returns.
    type Scheduler: Scheduler;
    /// A scheduler to wake this stream from another thread.
    fn new_scheduler(&mut self) -> Self::Scheduler;

    /// Adds to a counter defined by the stream's configuration.
    fn increment_counter(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool;
    /// Records a value in a histogram defined by the stream's configuration.
    fn record_histogram(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool;
    /// Raises a gauge defined by the stream's configuration.
    fn increment_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool;
    /// Lowers a gauge defined by the stream's configuration.
    fn decrement_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool;
    /// Sets a gauge defined by the stream's configuration.
    fn set_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool;

    /// The module's per-route override for this stream's route, if it has one.
    /// Filters downcast it (`Arc::downcast`) to their per-route constructor's type.
    fn per_route_config(&self) -> Option<Arc<dyn Any + Send + Sync>>;
}

/// Wakes a stream from any thread: `commit(id)` makes Envoy call the filter's
/// `on_scheduled(id)` on the stream's worker. Dropping it releases it.
pub trait Scheduler: Send + Sync + 'static {
    fn commit(&self, event_id: u64);
}

/// The real scheduler, owning one `scheduler_module_ptr`.
pub struct EnvoyScheduler {
    raw: abi::envoy_dynamic_module_type_http_filter_scheduler_module_ptr,
}

// SAFETY: Envoy documents scheduler_commit as callable from any thread, and the
// pointer stays valid until scheduler_delete, which only Drop calls.
unsafe impl Send for EnvoyScheduler {}
// SAFETY: as for Send: commit is the only call through a shared reference.
unsafe impl Sync for EnvoyScheduler {}

impl Scheduler for EnvoyScheduler {
    fn commit(&self, event_id: u64) {
        // SAFETY: see the Send impl; a commit after the stream is gone is a no-op.
        unsafe {
            abi::envoy_dynamic_module_callback_http_filter_scheduler_commit(self.raw, event_id)
        }
    }
}

impl Drop for EnvoyScheduler {
    fn drop(&mut self) {
        // SAFETY: created by scheduler_new and deleted exactly once, here.
        unsafe { abi::envoy_dynamic_module_callback_http_filter_scheduler_delete(self.raw) }
    }
}

/// The real handle: a thin wrapper of the `filter_envoy_ptr` Envoy passes to
/// every stream hook.
pub struct EnvoyFilterHandle {
    raw: abi::envoy_dynamic_module_type_http_filter_envoy_ptr,
}

impl EnvoyFilterHandle {
    /// # Safety
    /// `raw` must be the live filter pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_http_filter_envoy_ptr) -> Self {
        Self { raw }
    }

    pub fn raw(&self) -> abi::envoy_dynamic_module_type_http_filter_envoy_ptr {
        self.raw
    }
}

const NULL_ENVOY_BUFFER: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

/// What a per-route module pointer points to (made by the SDK's per-route hook).
pub(crate) struct PerRouteBox {
    pub(crate) config: Arc<dyn Any + Send + Sync>,
}

type MetricFn = unsafe extern "C" fn(
    abi::envoy_dynamic_module_type_http_filter_envoy_ptr,
    usize,
    *mut abi::envoy_dynamic_module_type_module_buffer,
    usize,
    u64,
) -> abi::envoy_dynamic_module_type_metrics_result;

impl EnvoyFilterHandle {
    fn metric(&mut self, call: MetricFn, id: MetricId, labels: &[&str], value: u64) -> bool {
        let mut bufs = [NULL_MODULE_BUFFER; 8];
        if labels.len() > bufs.len() {
            return false;
        }
        for (buf, label) in bufs.iter_mut().zip(labels) {
            *buf = module_buffer(label.as_bytes());
        }
        // SAFETY: the label buffers outlive the call.
        let result = unsafe { call(self.raw, id.0, bufs.as_mut_ptr(), labels.len(), value) };
        result == abi::envoy_dynamic_module_type_metrics_result::Success
    }
}

/// Lends module-owned headers to Envoy for the duration of one call.
fn module_headers(
    headers: &[(&str, &[u8])],
) -> Vec<abi::envoy_dynamic_module_type_module_http_header> {
    headers
        .iter()
        .map(|(k, v)| abi::envoy_dynamic_module_type_module_http_header {
            key_ptr: k.as_ptr().cast(),
            key_length: k.len(),
            value_ptr: v.as_ptr().cast(),
            value_length: v.len(),
        })
        .collect()
}

const NULL_MODULE_BUFFER: abi::envoy_dynamic_module_type_module_buffer =
    abi::envoy_dynamic_module_type_module_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyHttpFilter for EnvoyFilterHandle {
    type Scheduler = EnvoyScheduler;

    fn get_header(&self, kind: HeaderType, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: the handle is live for the hook; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                &mut out,
                0,
                core::ptr::null_mut(),
            )
        };
        // SAFETY: Envoy's value stays valid until the stream changes, which needs &mut self.
        // SAFETY: Envoy filled `out` with bytes that live for the current hook.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])> {
        // SAFETY: as above: the handle is live for the hook.
        unsafe {
            header_list(
                self.raw,
                kind,
                abi::envoy_dynamic_module_callback_http_get_headers_size,
                abi::envoy_dynamic_module_callback_http_get_headers,
            )
        }
    }

    fn set_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are read by Envoy during the call only.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are read by Envoy during the call only.
        unsafe {
            abi::envoy_dynamic_module_callback_http_add_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: the handle is live; the string lives for the current hook.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_filter_get_attribute_string(
                self.raw, id, &mut out,
            )
        };
        // SAFETY: Envoy filled `out` with bytes that live for the current hook.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_attribute_int(&self, id: AttributeId) -> Option<u64> {
        let mut out = 0u64;
        // SAFETY: the handle is live; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_filter_get_attribute_int(self.raw, id, &mut out)
        };
        found.then_some(out)
    }

    fn send_response(
        &mut self,
        status: u32,
        headers: &[(&str, &[u8])],
        body: &[u8],
        details: &str,
    ) {
        let mut raw = module_headers(headers);
        // SAFETY: every buffer outlives the call, which is when Envoy reads them.
        crate::reentry::calling(self.raw, || unsafe {
            abi::envoy_dynamic_module_callback_http_send_response(
                self.raw,
                status,
                raw.as_mut_ptr(),
                raw.len(),
                module_buffer(body),
                module_buffer(details.as_bytes()),
            )
        })
    }

    fn get_body_chunks(&self, body: BodyType) -> Vec<&[u8]> {
        // SAFETY: the array is sized by Envoy's count; the slices stay valid
        // until the body changes, which needs &mut self.
        unsafe {
            let n = abi::envoy_dynamic_module_callback_http_get_body_chunks_size(self.raw, body);
            let mut raw = vec![NULL_ENVOY_BUFFER; n];
            if n == 0
                || !abi::envoy_dynamic_module_callback_http_get_body_chunks(
                    self.raw,
                    body,
                    raw.as_mut_ptr(),
                )
            {
                return Vec::new();
            }
            raw.iter().map(|b| envoy_bytes(b.ptr, b.length)).collect()
        }
    }

    fn get_body_size(&self, body: BodyType) -> usize {
        // SAFETY: a plain query on a live handle.
        unsafe { abi::envoy_dynamic_module_callback_http_get_body_size(self.raw, body) }
    }

    fn drain_body(&mut self, body: BodyType, bytes: usize) -> bool {
        // SAFETY: a live handle; &mut self ends every borrow of the body first.
        unsafe { abi::envoy_dynamic_module_callback_http_drain_body(self.raw, body, bytes) }
    }

    fn append_body(&mut self, body: BodyType, data: &[u8]) -> bool {
        // SAFETY: Envoy copies `data` before the call returns.
        crate::reentry::calling(self.raw, || unsafe {
            abi::envoy_dynamic_module_callback_http_append_body(self.raw, body, module_buffer(data))
        })
    }

    fn continue_decoding(&mut self) {
        // SAFETY: called on the stream's worker during one of its hooks.
        crate::reentry::calling(self.raw, || unsafe {
            abi::envoy_dynamic_module_callback_http_filter_continue_decoding(self.raw)
        })
    }

    fn continue_encoding(&mut self) {
        // SAFETY: called on the stream's worker during one of its hooks.
        crate::reentry::calling(self.raw, || unsafe {
            abi::envoy_dynamic_module_callback_http_filter_continue_encoding(self.raw)
        })
    }

    fn http_callout(
        &mut self,
        cluster: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
        timeout_ms: u64,
    ) -> Result<u64, HttpCalloutInitResult> {
        let mut raw = module_headers(headers);
        let mut id = 0u64;
        // SAFETY: a live handle on the stream's worker; Envoy copies every
        // input during the call and writes `id` on success.
        let (result, inline) = callout::calling_out(self.raw, || unsafe {
            abi::envoy_dynamic_module_callback_http_filter_http_callout(
                self.raw,
                &mut id,
                module_buffer(cluster.as_bytes()),
                raw.as_mut_ptr(),
                raw.len(),
                module_buffer(body),
                timeout_ms,
            )
        });
        match result {
            HttpCalloutInitResult::Success if !inline => Ok(id),
            // Answered before it returned: the done hook dropped the answer.
            HttpCalloutInitResult::Success => Err(HttpCalloutInitResult::CannotCreateRequest),
            failed => Err(failed),
        }
    }

    fn new_scheduler(&mut self) -> EnvoyScheduler {
        // SAFETY: called on the stream's worker; the result is owned by EnvoyScheduler.
        let raw = unsafe { abi::envoy_dynamic_module_callback_http_filter_scheduler_new(self.raw) };
        EnvoyScheduler { raw }
    }

    fn increment_counter(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.metric(
            abi::envoy_dynamic_module_callback_http_filter_increment_counter,
            id,
            labels,
            value,
        )
    }

    fn record_histogram(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.metric(
            abi::envoy_dynamic_module_callback_http_filter_record_histogram_value,
            id,
            labels,
            value,
        )
    }

    fn increment_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.metric(
            abi::envoy_dynamic_module_callback_http_filter_increment_gauge,
            id,
            labels,
            value,
        )
    }

    fn decrement_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.metric(
            abi::envoy_dynamic_module_callback_http_filter_decrement_gauge,
            id,
            labels,
            value,
        )
    }

    fn set_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.metric(
            abi::envoy_dynamic_module_callback_http_filter_set_gauge,
            id,
            labels,
            value,
        )
    }

    fn per_route_config(&self) -> Option<Arc<dyn Any + Send + Sync>> {
        // SAFETY: a non-NULL result is a PerRouteBox made by our per-route hook,
        // which Envoy keeps alive while the stream's route is in use.
        unsafe {
            let ptr = abi::envoy_dynamic_module_callback_get_most_specific_route_config(self.raw);
            (ptr as *const PerRouteBox)
                .as_ref()
                .map(|b| Arc::clone(&b.config))
        }
    }
}

// ------------------------------------------------------------ config handle

/// Envoy as seen while a filter configuration is created.
pub trait EnvoyHttpFilterConfig {
    /// Defines a counter with these label names. Only possible during creation.
    fn define_counter(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String>;
    /// Defines a histogram with these label names. Only possible during creation.
    fn define_histogram(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String>;
    /// Defines a gauge with these label names. Only possible during creation.
    fn define_gauge(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String>;
}

/// The real configuration handle, wrapping the `filter_config_envoy_ptr` Envoy
/// passes to http_filter_config_new.
pub struct EnvoyConfigHandle {
    raw: abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
}

impl EnvoyConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running http_filter_config_new.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

type DefineFn = unsafe extern "C" fn(
    abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    abi::envoy_dynamic_module_type_module_buffer,
    *mut abi::envoy_dynamic_module_type_module_buffer,
    usize,
    *mut usize,
) -> abi::envoy_dynamic_module_type_metrics_result;

impl EnvoyConfigHandle {
    fn define(
        &mut self,
        define: DefineFn,
        name: &str,
        labels: &[&str],
    ) -> Result<MetricId, String> {
        let mut label_bufs: Vec<_> = labels.iter().map(|l| module_buffer(l.as_bytes())).collect();
        let mut id = 0usize;
        // SAFETY: every buffer outlives the call; `id` is written by Envoy.
        let result = unsafe {
            define(
                self.raw,
                module_buffer(name.as_bytes()),
                label_bufs.as_mut_ptr(),
                label_bufs.len(),
                &mut id,
            )
        };
        defined(result, id, "metric", name)
    }
}

impl EnvoyHttpFilterConfig for EnvoyConfigHandle {
    fn define_counter(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define(
            abi::envoy_dynamic_module_callback_http_filter_config_define_counter,
            name,
            labels,
        )
    }

    fn define_histogram(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define(
            abi::envoy_dynamic_module_callback_http_filter_config_define_histogram,
            name,
            labels,
        )
    }

    fn define_gauge(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define(
            abi::envoy_dynamic_module_callback_http_filter_config_define_gauge,
            name,
            labels,
        )
    }
}

// ------------------------------------------------ metadata and filter state

impl EnvoyHttpMetadata for EnvoyFilterHandle {
    fn set_dynamic_metadata_string(&mut self, ns: &str, key: &str, value: &str) {
        // SAFETY: the three buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_dynamic_metadata_string(
                self.raw(),
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                module_buffer(value.as_bytes()),
            )
        }
    }

    fn set_dynamic_metadata_number(&mut self, ns: &str, key: &str, value: f64) {
        // SAFETY: both buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_dynamic_metadata_number(
                self.raw(),
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                value,
            )
        }
    }

    fn get_metadata_string(&self, source: MetadataSource, ns: &str, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_metadata_string(
                self.raw(),
                source,
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        // SAFETY: Envoy's string lives until the metadata changes, which needs &mut self.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_metadata_number(&self, source: MetadataSource, ns: &str, key: &str) -> Option<f64> {
        let mut out = 0f64;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_metadata_number(
                self.raw(),
                source,
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        found.then_some(out)
    }

    fn set_filter_state_bytes(&mut self, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_filter_state_bytes(
                self.raw(),
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn get_filter_state_bytes(&self, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_filter_state_bytes(
                self.raw(),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        // SAFETY: the stored object lives as long as the stream's filter state.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }
}
