//! `callback_price`: a bench-only filter that prices one ABI callback. Config
//! `{"op": "<operation>", "calls": N}`: on each request it makes the named call
//! N times, keeps every result (`black_box`, so the compiler cannot drop a
//! call) and otherwise lets the request through. `make bench` runs it at N and
//! 2N calls: the difference between the two listeners is the price of N calls
//! (bench/price_list.py). The same filter, config and behaviour exist in Go
//! (go/callback_price.go) and C++ (cpp/filters/callback_price.cc).
//!
//! Where each operation runs: the header, attribute, metadata, filter-state,
//! counter and log calls in the request-headers hook, on the request headers;
//! the body calls in the response-body hook, on the response body. What each
//! call does is in [`Op`]. How many of the calls succeeded is reported once
//! per request, so a test sees the calls happen: in the response header
//! `x-callback-price-hits`, or for the body operations (whose response headers
//! have left) in a line appended to the response body at its end,
//! `callback_price hits=H`. Both are the same for N and 2N calls except for
//! the number, so they cancel in the difference.

use crate::shared::decimal::{format_u64, DecimalBuf};
use envoy_dm_sdk::log::{self, LogLevel};
use envoy_dm_sdk::{
    AttributeId, BodyType, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType,
    HttpFilter, HttpFilterConfig, MetadataSource, MetricId, RequestHeadersStatus,
    ResponseBodyStatus, ResponseHeadersStatus,
};
use serde::Deserialize;
use std::hint::black_box;
use std::sync::Arc;

/// The header the header operations work on. header_get reads one the bench's
/// requests carry; set, add and remove work on one of their own.
pub const READ_HEADER: &str = "x-request-replace";
pub const WRITE_HEADER: &str = "x-callback-price";
/// The response header (or body line, for the body operations) with the hits.
pub const HITS_HEADER: &str = "x-callback-price-hits";
/// Dynamic metadata namespace and key; filter-state key prefix.
pub const METADATA_NS: &str = "callback_price";
pub const METADATA_KEY: &str = "key";
pub const FILTER_STATE_KEY: &str = "callback_price.key";
/// The counter increment_counter adds to (dynamicmodulescustom.callback_price_calls).
pub const COUNTER: &str = "callback_price_calls";
/// What body_append appends, each call.
pub const APPENDED: &[u8] = b"x";

/// One priced operation. The names are the config's `op` values, the same in
/// the three languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// get_header of a request header that is present.
    HeaderGet,
    /// set_header of one request header to the same value (replaces it).
    HeaderSet,
    /// add_header of one more value of a request header.
    HeaderAdd,
    /// remove_header of a request header (present the first time only).
    HeaderRemove,
    /// get_attribute_string of source.address.
    AttributeString,
    /// get_attribute_int of source.port.
    AttributeInt,
    /// set_dynamic_metadata_string of one key, to the same value.
    MetadataSet,
    /// get_metadata_string of the key the filter set once before the calls.
    MetadataGet,
    /// set_filter_state_bytes, a key of its own each call (a filter-state key
    /// is read-only once set: setting it again would price a refusal).
    FilterStateSet,
    /// get_filter_state_bytes of the key the filter set once before the calls.
    FilterStateGet,
    /// get_body_chunks of the received response body.
    BodyRead,
    /// append_body of one byte to the received response body.
    BodyAppend,
    /// increment_counter of a counter defined at config time.
    CounterIncrement,
    /// The log macro at trace, which Envoy's default level leaves disabled: one
    /// log_enabled query, nothing formatted.
    LogDisabled,
}

impl Op {
    fn on_body(self) -> bool {
        matches!(self, Op::BodyRead | Op::BodyAppend)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    op: Op,
    calls: u32,
}

struct Settings {
    op: Op,
    calls: u32,
    counter: MetricId,
    /// filter_state_set's keys, made here so the stream path only calls.
    state_keys: Vec<String>,
}

pub struct CallbackPriceConfig {
    settings: Arc<Settings>,
}

impl CallbackPriceConfig {
    pub fn new(envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.calls < 1 {
            return Err("calls must be at least 1".into());
        }
        let counter = envoy.define_counter(COUNTER, &[])?;
        let state_keys = if raw.op == Op::FilterStateSet {
            (0..raw.calls)
                .map(|i| format!("{FILTER_STATE_KEY}.{i}"))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            settings: Arc::new(Settings {
                op: raw.op,
                calls: raw.calls,
                counter,
                state_keys,
            }),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for CallbackPriceConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(CallbackPrice {
            settings: Arc::clone(&self.settings),
            hits: 0,
        })
    }
}

pub struct CallbackPrice {
    settings: Arc<Settings>,
    hits: u32,
}

/// Counts a call that did what was asked.
fn hit(ok: bool) -> u32 {
    u32::from(black_box(ok))
}

impl CallbackPrice {
    fn run_on_headers<E: EnvoyHttpFilter>(&mut self, envoy: &mut E) -> u32 {
        let s = &*self.settings;
        let req = HeaderType::RequestHeader;
        let dynamic = MetadataSource::Dynamic;
        let mut hits = 0;
        match s.op {
            Op::HeaderGet => {
                for _ in 0..s.calls {
                    hits += hit(black_box(envoy.get_header(req, READ_HEADER)).is_some());
                }
            }
            Op::HeaderSet => {
                for _ in 0..s.calls {
                    hits += hit(envoy.set_header(req, WRITE_HEADER, b"1"));
                }
            }
            Op::HeaderAdd => {
                for _ in 0..s.calls {
                    hits += hit(envoy.add_header(req, WRITE_HEADER, b"1"));
                }
            }
            Op::HeaderRemove => {
                for _ in 0..s.calls {
                    hits += hit(envoy.remove_header(req, READ_HEADER));
                }
            }
            Op::AttributeString => {
                for _ in 0..s.calls {
                    let v = envoy.get_attribute_string(AttributeId::SourceAddress);
                    hits += hit(black_box(v).is_some());
                }
            }
            Op::AttributeInt => {
                for _ in 0..s.calls {
                    let v = envoy.get_attribute_int(AttributeId::SourcePort);
                    hits += hit(black_box(v).is_some());
                }
            }
            Op::MetadataSet => {
                for _ in 0..s.calls {
                    envoy.set_dynamic_metadata_string(METADATA_NS, METADATA_KEY, "1");
                    hits += 1;
                }
            }
            Op::MetadataGet => {
                envoy.set_dynamic_metadata_string(METADATA_NS, METADATA_KEY, "1");
                for _ in 0..s.calls {
                    let v = envoy.get_metadata_string(dynamic, METADATA_NS, METADATA_KEY);
                    hits += hit(black_box(v).is_some());
                }
            }
            Op::FilterStateSet => {
                for key in &s.state_keys {
                    hits += hit(envoy.set_filter_state_bytes(key, b"1"));
                }
            }
            Op::FilterStateGet => {
                envoy.set_filter_state_bytes(FILTER_STATE_KEY, b"1");
                for _ in 0..s.calls {
                    let v = envoy.get_filter_state_bytes(FILTER_STATE_KEY);
                    hits += hit(black_box(v).is_some());
                }
            }
            Op::CounterIncrement => {
                for _ in 0..s.calls {
                    hits += hit(envoy.increment_counter(s.counter, &[], 1));
                }
            }
            Op::LogDisabled => {
                for i in 0..s.calls {
                    // What envoy_log! expands to; counted when Envoy says no.
                    if log::enabled(LogLevel::Trace) {
                        log::log(LogLevel::Trace, &format!("callback_price {i}"));
                    } else {
                        hits += 1;
                    }
                }
            }
            Op::BodyRead | Op::BodyAppend => {}
        }
        hits
    }

    fn run_on_body<E: EnvoyHttpFilter>(&mut self, envoy: &mut E) -> u32 {
        let s = &*self.settings;
        let body = BodyType::ReceivedResponseBody;
        let mut hits = 0;
        for _ in 0..s.calls {
            hits += match s.op {
                Op::BodyRead => hit(!black_box(envoy.get_body_chunks(body)).is_empty()),
                _ => hit(envoy.append_body(body, APPENDED)),
            };
        }
        hits
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for CallbackPrice {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        if !self.settings.op.on_body() {
            self.hits = self.run_on_headers(envoy);
        }
        RequestHeadersStatus::Continue
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        if self.settings.op.on_body() {
            // The body grows (the appends, the hits line): its length is not known yet.
            envoy.remove_header(HeaderType::ResponseHeader, "content-length");
        } else {
            let mut text = DecimalBuf::default();
            envoy.set_header(
                HeaderType::ResponseHeader,
                HITS_HEADER,
                format_u64(u64::from(self.hits), &mut text),
            );
        }
        ResponseHeadersStatus::Continue
    }

    fn on_response_body(&mut self, envoy: &mut E, end_of_stream: bool) -> ResponseBodyStatus {
        if self.settings.op.on_body() {
            self.hits += self.run_on_body(envoy);
            if end_of_stream {
                let mut text = DecimalBuf::default();
                let hits = format_u64(u64::from(self.hits), &mut text);
                envoy.append_body(body_received(), b"\ncallback_price hits=");
                envoy.append_body(body_received(), hits);
                envoy.append_body(body_received(), b"\n");
            }
        }
        ResponseBodyStatus::Continue
    }
}

fn body_received() -> BodyType {
    BodyType::ReceivedResponseBody
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    const OPS: [&str; 14] = [
        "header_get",
        "header_set",
        "header_add",
        "header_remove",
        "attribute_string",
        "attribute_int",
        "metadata_set",
        "metadata_get",
        "filter_state_set",
        "filter_state_get",
        "body_read",
        "body_append",
        "counter_increment",
        "log_disabled",
    ];

    fn config(op: &str, calls: u32) -> CallbackPriceConfig {
        let json = format!(r#"{{"op": "{op}", "calls": {calls}}}"#);
        CallbackPriceConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()).unwrap()
    }

    fn fake() -> FakeEnvoyFilter {
        let mut envoy =
            FakeEnvoyFilter::with_request_headers(&[(":path", "/"), (READ_HEADER, "original")]);
        envoy
            .string_attributes
            .insert(AttributeId::SourceAddress, b"127.0.0.1:5000".to_vec());
        envoy.int_attributes.insert(AttributeId::SourcePort, 5000);
        envoy
            .bodies
            .insert(BodyType::ReceivedResponseBody, vec![b"hello".to_vec()]);
        envoy
    }

    /// One whole request through the filter; the hits it reported.
    fn run(op: &str, calls: u32, envoy: &mut FakeEnvoyFilter) -> u32 {
        let mut filter = config(op, calls).new_http_filter(envoy);
        assert_eq!(
            filter.on_request_headers(envoy, true),
            RequestHeadersStatus::Continue
        );
        assert_eq!(
            filter.on_response_headers(envoy, false),
            ResponseHeadersStatus::Continue
        );
        assert_eq!(
            filter.on_response_body(envoy, true),
            ResponseBodyStatus::Continue
        );
        let reported = match envoy.get_header(HeaderType::ResponseHeader, HITS_HEADER) {
            Some(v) => String::from_utf8(v.to_vec()).unwrap(),
            None => {
                let body = envoy.bodies[&BodyType::ReceivedResponseBody].concat();
                let text = String::from_utf8(body).unwrap();
                text.rsplit_once("hits=").unwrap().1.trim().to_string()
            }
        };
        reported.parse().unwrap()
    }

    #[test]
    fn every_op_makes_its_call_n_times() {
        for op in OPS {
            for calls in [1, 7] {
                let mut envoy = fake();
                let hits = run(op, calls, &mut envoy);
                let logs = log::take_logs();
                // What the fake saw, op by op: the calls really happened.
                match op {
                    "header_add" => assert_eq!(
                        envoy.values(HeaderType::RequestHeader, WRITE_HEADER).len(),
                        calls as usize
                    ),
                    "header_set" => {
                        assert_eq!(envoy.values(HeaderType::RequestHeader, WRITE_HEADER), ["1"])
                    }
                    "header_remove" => {
                        assert!(envoy
                            .values(HeaderType::RequestHeader, READ_HEADER)
                            .is_empty())
                    }
                    "filter_state_set" => {
                        assert_eq!(envoy.filter_state.len(), calls as usize)
                    }
                    "counter_increment" => assert_eq!(envoy.counters.len(), calls as usize),
                    "body_append" => assert_eq!(
                        envoy.bodies[&BodyType::ReceivedResponseBody].concat()
                            [..5 + calls as usize],
                        [b"hello".as_slice(), &vec![b'x'; calls as usize]].concat()[..]
                    ),
                    // The fake enables every level: each call logs once.
                    "log_disabled" => {
                        assert_eq!(logs.len(), calls as usize);
                        continue;
                    }
                    _ => {}
                }
                assert_eq!(hits, calls, "{op} x{calls}");
            }
        }
    }

    #[test]
    fn refuses_an_unknown_op_and_fewer_than_one_call() {
        let refuse = |json: &str| {
            CallbackPriceConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes())
                .err()
                .unwrap()
                .to_string()
        };
        assert!(refuse(r#"{"op": "nope", "calls": 5}"#).contains("unknown variant `nope`"));
        assert!(refuse(r#"{"op": "header_get", "calls": 0}"#).contains("calls must be at least 1"));
        assert!(refuse(r#"{"op": "header_get"}"#).contains("missing field `calls`"));
        assert!(refuse(r#"{"op": "header_get", "calls": 1, "x": 1}"#).contains("unknown field"));
    }

    #[test]
    fn defines_its_counter_once_at_config_time() {
        let mut envoy = FakeEnvoyConfig::default();
        CallbackPriceConfig::new(&mut envoy, br#"{"op": "counter_increment", "calls": 3}"#)
            .unwrap();
        assert_eq!(envoy.defined, [(COUNTER.to_string(), vec![])]);
    }
}
