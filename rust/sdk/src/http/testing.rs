//! A fake Envoy for unit tests: header maps, attributes and a recorded local
//! reply in plain Rust collections, with the same observable rules as Envoy 1.40
//! (lowercase keys, empty value removes, add keeps existing values). Callouts
//! are recorded; a test answers them with [`FakeEnvoyFilter::complete_callout`].

use crate::ffi::MetricId;
use crate::http::handle::EnvoyHttpFilterConfig;
use crate::http::metadata::{EnvoyHttpMetadata, MetadataSource};
use crate::{AttributeId, BodyType, EnvoyHttpFilter, HeaderType, HttpFilter, Scheduler};
use crate::{HttpCalloutInitResult, HttpCalloutResponse, HttpCalloutResult};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A local reply recorded by [`FakeEnvoyFilter::send_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentResponse {
    pub status: u32,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    pub details: String,
}

/// A metric update recorded by the fake: (id, label values, value).
pub type MetricUpdate = (MetricId, Vec<String>, u64);

/// A callout recorded by [`FakeEnvoyFilter::http_callout`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCallout {
    pub id: u64,
    pub cluster: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    pub timeout_ms: u64,
    /// Set once a test answered it.
    pub done: bool,
}

impl RecordedCallout {
    /// The first value of a header the callout carried, as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// A callout's answer as a test writes it: status, headers and body.
#[derive(Debug, Clone, Default)]
pub struct FakeCalloutResponse {
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<Vec<u8>>,
}

impl FakeCalloutResponse {
    /// A response with this `:status`, these headers and one body slice.
    pub fn new(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let mut all = vec![(":status".to_string(), status.to_string().into_bytes())];
        all.extend(
            headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())),
        );
        Self {
            headers: all,
            body: if body.is_empty() {
                vec![]
            } else {
                vec![body.to_vec()]
            },
        }
    }

    /// The response as the done hook hands it to a filter.
    pub fn view(&self) -> HttpCalloutResponse<'_> {
        HttpCalloutResponse::new(
            self.headers
                .iter()
                .map(|(k, v)| (k.as_bytes(), v.as_slice()))
                .collect(),
            self.body.iter().map(Vec::as_slice).collect(),
        )
    }
}

/// One stream's worth of Envoy state.
#[derive(Default)]
pub struct FakeEnvoyFilter {
    pub headers: HashMap<HeaderType, Vec<(String, Vec<u8>)>>,
    pub string_attributes: HashMap<AttributeId, Vec<u8>>,
    pub int_attributes: HashMap<AttributeId, u64>,
    pub sent_response: Option<SentResponse>,
    /// Body slices as Envoy would hand them out, per body type.
    pub bodies: HashMap<BodyType, Vec<Vec<u8>>>,
    pub continued_decoding: usize,
    pub continued_encoding: usize,
    /// Every commit made on any scheduler of this stream, from any thread.
    pub scheduled: Arc<Mutex<Vec<u64>>>,
    pub counters: Vec<MetricUpdate>,
    pub histograms: Vec<MetricUpdate>,
    /// Every gauge change, with a signed delta (set is recorded in `gauge_sets`).
    pub gauges: Vec<(MetricId, Vec<String>, i64)>,
    pub gauge_sets: Vec<MetricUpdate>,
    /// Dynamic metadata by (namespace, key); other sources by (source, namespace, key).
    pub dynamic_metadata: HashMap<(String, String), FakeMetadataValue>,
    pub metadata: HashMap<(MetadataSource, String, String), FakeMetadataValue>,
    /// Filter state: like Envoy's read-only objects, a key keeps its first value.
    pub filter_state: HashMap<String, Vec<u8>>,
    pub per_route: Option<Arc<dyn Any + Send + Sync>>,
    /// Every callout started, in order; ids count from 1.
    pub callouts: Vec<RecordedCallout>,
    /// When set, the next callouts fail to start with this result.
    pub callout_init_failure: Option<HttpCalloutInitResult>,
}

/// A metadata value in the fake: Envoy's Struct holds strings and numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum FakeMetadataValue {
    String(String),
    Number(f64),
}

/// A scheduler that records its commits in the stream's `scheduled` list.
pub struct FakeScheduler(Arc<Mutex<Vec<u64>>>);

impl Scheduler for FakeScheduler {
    fn commit(&self, event_id: u64) {
        self.0.lock().unwrap().push(event_id);
    }
}

impl FakeEnvoyFilter {
    /// A stream whose request carries `headers`.
    pub fn with_request_headers(headers: &[(&str, &str)]) -> Self {
        let mut fake = Self::default();
        for (k, v) in headers {
            fake.add_header(HeaderType::RequestHeader, k, v.as_bytes());
        }
        fake
    }

    /// Answers callout `id` the way Envoy would: calls the filter's
    /// `on_http_callout_done` once. Panics on an id never started or already answered.
    pub fn complete_callout<F: HttpFilter<Self> + ?Sized>(
        &mut self,
        filter: &mut F,
        id: u64,
        result: HttpCalloutResult,
        response: Option<&FakeCalloutResponse>,
    ) {
        let callout = self
            .callouts
            .iter_mut()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("callout {id} was never started"));
        assert!(!callout.done, "callout {id} answered twice");
        callout.done = true;
        let view = response.map(FakeCalloutResponse::view);
        filter.on_http_callout_done(self, id, result, view.as_ref());
    }

    /// The callouts started and not answered yet.
    pub fn pending_callouts(&self) -> Vec<&RecordedCallout> {
        self.callouts.iter().filter(|c| !c.done).collect()
    }

    /// Every value of `key` in one map, as UTF-8 text.
    pub fn values(&self, kind: HeaderType, key: &str) -> Vec<String> {
        let key = key.to_ascii_lowercase();
        self.headers
            .get(&kind)
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }
}

impl EnvoyHttpFilter for FakeEnvoyFilter {
    fn get_header(&self, kind: HeaderType, key: &str) -> Option<&[u8]> {
        let key = key.to_ascii_lowercase();
        self.headers
            .get(&kind)?
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
    }

    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])> {
        self.headers
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_bytes(), v.as_slice()))
            .collect()
    }

    fn set_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        // Replaces the first value in place and drops the others, so setting a
        // header the stream already has allocates nothing (the allocation
        // tests rely on this: the fake's own costs are not the filter's).
        let map = self.headers.entry(kind).or_default();
        let mut kept = false;
        map.retain_mut(|(k, v)| {
            if !k.eq_ignore_ascii_case(key) {
                return true;
            }
            if kept || value.is_empty() {
                return false;
            }
            kept = true;
            v.clear();
            v.extend_from_slice(value);
            true
        });
        if !kept && !value.is_empty() {
            map.push((key.to_ascii_lowercase(), value.to_vec()));
        }
        true
    }

    fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        if value.is_empty() {
            return false;
        }
        self.headers
            .entry(kind)
            .or_default()
            .push((key.to_ascii_lowercase(), value.to_vec()));
        true
    }

    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        self.string_attributes.get(&id).map(Vec::as_slice)
    }

    fn get_attribute_int(&self, id: AttributeId) -> Option<u64> {
        self.int_attributes.get(&id).copied()
    }

    fn send_response(
        &mut self,
        status: u32,
        headers: &[(&str, &[u8])],
        body: &[u8],
        details: &str,
    ) {
        self.sent_response = Some(SentResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect(),
            body: body.to_vec(),
            details: details.to_string(),
        });
    }

    fn get_body_chunks(&self, body: BodyType) -> Vec<&[u8]> {
        self.bodies
            .get(&body)
            .into_iter()
            .flatten()
            .map(Vec::as_slice)
            .collect()
    }

    fn get_body_size(&self, body: BodyType) -> usize {
        self.bodies
            .get(&body)
            .into_iter()
            .flatten()
            .map(Vec::len)
            .sum()
    }

    /// Like Envoy: drains from the front, across slices. An absent body is
    /// one no hook has been handed (the fake's map has no entry for it).
    fn drain_body(&mut self, body: BodyType, mut bytes: usize) -> bool {
        let Some(chunks) = self.bodies.get_mut(&body) else {
            return false;
        };
        while bytes > 0 && !chunks.is_empty() {
            if chunks[0].len() <= bytes {
                bytes -= chunks.remove(0).len();
            } else {
                chunks[0].drain(..bytes);
                bytes = 0;
            }
        }
        true
    }

    /// Appends as a slice of its own. As with Envoy's Buffered bodies, an
    /// absent body is created.
    fn append_body(&mut self, body: BodyType, data: &[u8]) -> bool {
        self.bodies.entry(body).or_default().push(data.to_vec());
        true
    }

    fn continue_decoding(&mut self) {
        self.continued_decoding += 1;
    }

    fn continue_encoding(&mut self) {
        self.continued_encoding += 1;
    }

    /// Like Envoy: refuses a callout without `:method`, `:path` or `:authority`.
    fn http_callout(
        &mut self,
        cluster: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
        timeout_ms: u64,
    ) -> Result<u64, HttpCalloutInitResult> {
        if let Some(failure) = self.callout_init_failure {
            return Err(failure);
        }
        let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
        if !(has(":method") && has(":path") && has(":authority")) {
            return Err(HttpCalloutInitResult::MissingRequiredHeaders);
        }
        let id = self.callouts.len() as u64 + 1;
        self.callouts.push(RecordedCallout {
            id,
            cluster: cluster.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_vec()))
                .collect(),
            body: body.to_vec(),
            timeout_ms,
            done: false,
        });
        Ok(id)
    }

    type Scheduler = FakeScheduler;

    fn new_scheduler(&mut self) -> FakeScheduler {
        FakeScheduler(Arc::clone(&self.scheduled))
    }

    fn increment_counter(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.counters
            .push((id, labels.iter().map(|l| l.to_string()).collect(), value));
        true
    }

    fn record_histogram(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.histograms
            .push((id, labels.iter().map(|l| l.to_string()).collect(), value));
        true
    }

    fn increment_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.gauges.push((
            id,
            labels.iter().map(|l| l.to_string()).collect(),
            value as i64,
        ));
        true
    }

    fn decrement_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.gauges.push((
            id,
            labels.iter().map(|l| l.to_string()).collect(),
            -(value as i64),
        ));
        true
    }

    fn set_gauge(&mut self, id: MetricId, labels: &[&str], value: u64) -> bool {
        self.gauge_sets
            .push((id, labels.iter().map(|l| l.to_string()).collect(), value));
        true
    }

    fn per_route_config(&self) -> Option<Arc<dyn Any + Send + Sync>> {
        self.per_route.clone()
    }
}

impl FakeEnvoyFilter {
    /// The sum of every change to one gauge series.
    pub fn gauge_value(&self, id: MetricId, labels: &[&str]) -> i64 {
        self.gauges
            .iter()
            .filter(|(i, l, _)| *i == id && l.iter().map(String::as_str).eq(labels.iter().copied()))
            .map(|(_, _, v)| v)
            .sum()
    }
}

impl EnvoyHttpMetadata for FakeEnvoyFilter {
    fn set_dynamic_metadata_string(&mut self, ns: &str, key: &str, value: &str) {
        self.dynamic_metadata.insert(
            (ns.into(), key.into()),
            FakeMetadataValue::String(value.into()),
        );
    }

    fn set_dynamic_metadata_number(&mut self, ns: &str, key: &str, value: f64) {
        self.dynamic_metadata
            .insert((ns.into(), key.into()), FakeMetadataValue::Number(value));
    }

    fn get_metadata_string(&self, source: MetadataSource, ns: &str, key: &str) -> Option<&[u8]> {
        match self.metadata_value(source, ns, key)? {
            FakeMetadataValue::String(s) => Some(s.as_bytes()),
            FakeMetadataValue::Number(_) => None,
        }
    }

    fn get_metadata_number(&self, source: MetadataSource, ns: &str, key: &str) -> Option<f64> {
        match self.metadata_value(source, ns, key)? {
            FakeMetadataValue::Number(n) => Some(*n),
            FakeMetadataValue::String(_) => None,
        }
    }

    fn set_filter_state_bytes(&mut self, key: &str, value: &[u8]) -> bool {
        self.filter_state
            .entry(key.into())
            .or_insert_with(|| value.to_vec());
        true
    }

    fn get_filter_state_bytes(&self, key: &str) -> Option<&[u8]> {
        self.filter_state.get(key).map(Vec::as_slice)
    }
}

impl FakeEnvoyFilter {
    fn metadata_value(
        &self,
        source: MetadataSource,
        ns: &str,
        key: &str,
    ) -> Option<&FakeMetadataValue> {
        let (ns, key) = (ns.to_string(), key.to_string());
        match source {
            MetadataSource::Dynamic => self.dynamic_metadata.get(&(ns, key)),
            other => self.metadata.get(&(other, ns, key)),
        }
    }
}

/// A configuration handle that hands out metric ids in order.
#[derive(Debug, Default)]
pub struct FakeEnvoyConfig {
    pub defined: Vec<(String, Vec<String>)>,
}

impl EnvoyHttpFilterConfig for FakeEnvoyConfig {
    fn define_counter(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.defined
            .push((name.into(), labels.iter().map(|l| l.to_string()).collect()));
        Ok(MetricId(self.defined.len() - 1))
    }

    fn define_histogram(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define_counter(name, labels)
    }

    fn define_gauge(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define_counter(name, labels)
    }
}

pub use crate::log::take_logs;

/// One whole stream through the SDK's hook bodies (the code the real hooks
/// run, with the fake for Envoy): made from `config`, request headers,
/// response headers, a local reply's notice when `local_reply` (the direct
/// route), stream complete, destroyed. For allocation and fail-closed tests.
pub fn run_stream(
    config: &dyn crate::HttpFilterConfig<FakeEnvoyFilter>,
    envoy: &mut FakeEnvoyFilter,
    local_reply: bool,
) {
    use crate::http::body;
    static COUNTS: std::sync::OnceLock<&'static crate::live::Counts> = std::sync::OnceLock::new();
    let counts = *COUNTS.get_or_init(|| crate::live::counts("http", "run_stream"));
    let stream = body::create_stream("run_stream", counts, config, envoy);
    // SAFETY: the box is live until destroy_stream below, used by one hook at a time.
    let this = unsafe { &mut *stream };
    body::request_headers(this, envoy, true);
    if local_reply {
        body::local_reply(this, envoy, 200, b"direct_response", false);
    }
    body::response_headers(this, envoy, true);
    body::stream_complete(this, envoy);
    // SAFETY: made by create_stream above, destroyed once.
    unsafe { body::destroy_stream(stream) };
}
