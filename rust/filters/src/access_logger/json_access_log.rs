//! `json_access_log`: the access logger extension's twin of the `access_logger`
//! HTTP filter. One JSON object per line per request, with the same fields,
//! files and guarantees (whole lines in one write, O_NOFOLLOW, mode 0640,
//! bounded queues with a dropped-line counter and a rate-limited warning,
//! credentials redacted, rotation; see `access_logger.rs` and `log_sink.rs`).
//!
//! Config (every field but `dirname` optional):
//!
//! ```json
//! {"dirname": "access_logs", "num_workers": 1, "queue_lines": 16384,
//!  "redact_headers": ["authorization", "proxy-authorization", "cookie", "set-cookie"]}
//! ```
//!
//! Writer `i` appends to `{dirname}/json_access_log_{i}.log`; dropped lines
//! are counted in `json_access_log_dropped_lines_total`.
//!
//! What it logs that the filter cannot: Envoy calls an access logger for every
//! request the connection manager finishes, including those it answered
//! before any HTTP filter ran (400 for a malformed request, 431 for a header
//! block over `max_request_headers_kb`). Such a line has no method or path
//! when Envoy never parsed them, and says why in `response_code_details`.

use crate::shared::log_sink::{redacted, text, Entry, Lines};
use envoy_dm_sdk::access_logger::{
    AccessLogType, AccessLogger, AccessLoggerConfig, EnvoyAccessLog, EnvoyAccessLoggerConfig,
};
use envoy_dm_sdk::since;
use envoy_dm_sdk::{AttributeId, BoxError, HeaderType, MetricId};

pub const DROPPED_COUNTER: &str = "json_access_log_dropped_lines_total";

pub struct JsonAccessLogConfig {
    lines: Lines,
    dropped: MetricId,
}

impl JsonAccessLogConfig {
    pub fn new(envoy: &mut impl EnvoyAccessLoggerConfig, config: &[u8]) -> Result<Self, BoxError> {
        // Each line is built from the request's string attributes (not on 1.37).
        since::ACCESS_LOGGER_GET_ATTRIBUTE_STRING.check()?;
        let dropped = envoy.define_counter(DROPPED_COUNTER)?;
        let lines = Lines::open("json_access_log", "json_access_log", config)?;
        Ok(Self { lines, dropped })
    }
}

impl<E: EnvoyAccessLog> AccessLoggerConfig<E> for JsonAccessLogConfig {
    fn new_access_logger(&self) -> Box<dyn AccessLogger<E>> {
        Box::new(JsonAccessLog {
            lines: self.lines.clone(),
            dropped: self.dropped,
        })
    }
}

/// One thread's logger: builds the line on that thread, hands it to a writer.
pub struct JsonAccessLog {
    lines: Lines,
    dropped: MetricId,
}

/// The line of one log event: the filter's fields, and what only the stream
/// info at the end of the request knows (details, flags, protocol).
pub fn entry_of(envoy: &impl EnvoyAccessLog, redact: &[String]) -> Entry {
    let string = |id| envoy.get_attribute_string(id).map(text);
    let request = envoy.get_headers(HeaderType::RequestHeader);
    // Envoy 1.40 answers the request.* attributes only to HTTP filters;
    // an access logger reads the pseudo-headers.
    let pseudo = |name: &str| {
        request
            .iter()
            .find(|(k, _)| *k == name.as_bytes())
            .map(|(_, v)| text(v))
    };
    let timing = envoy.timing_info();
    let bytes = envoy.bytes_info();
    Entry {
        method: pseudo(":method"),
        path: pseudo(":path"),
        status: envoy.response_code().map(u64::from),
        duration_ms: (timing.request_complete_duration_ns >= 0)
            .then(|| timing.request_complete_duration_ns as f64 / 1e6),
        request_body_bytes: Some(bytes.bytes_received),
        response_body_bytes: Some(bytes.bytes_sent),
        downstream_address: string(AttributeId::SourceAddress),
        upstream_address: string(AttributeId::UpstreamAddress),
        request_headers: redacted(request.iter().copied(), redact),
        response_headers: redacted(envoy.get_headers(HeaderType::ResponseHeader), redact),
        response_code_details: envoy.response_code_details().map(text),
        response_flags: Some(envoy.response_flags()),
        protocol: envoy.protocol().map(text),
    }
}

impl<E: EnvoyAccessLog> AccessLogger<E> for JsonAccessLog {
    fn log(&mut self, envoy: &mut E, _log_type: AccessLogType) {
        let dropped = self.lines.write(&entry_of(envoy, self.lines.redact()));
        if dropped > 0 {
            envoy.increment_counter(self.dropped, dropped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::log_sink::tests::{serial, temp_dir, GATE};
    use crate::shared::log_sink::{join_writers, REDACTED};
    use envoy_dm_sdk::access_logger::body::Logger;
    use envoy_dm_sdk::access_logger::testing::{FakeAccessLog, FakeAccessLoggerConfig};
    use std::path::Path;

    fn config_json(json: serde_json::Value) -> Result<JsonAccessLogConfig, BoxError> {
        let mut envoy = FakeAccessLoggerConfig::default();
        JsonAccessLogConfig::new(&mut envoy, json.to_string().as_bytes())
    }

    fn config(dir: &Path, workers: u32) -> JsonAccessLogConfig {
        config_json(serde_json::json!({"dirname": dir, "num_workers": workers})).unwrap()
    }

    fn log_one(config: &JsonAccessLogConfig, envoy: &mut FakeAccessLog) {
        let mut logger: Box<dyn AccessLogger<FakeAccessLog>> = config.new_access_logger();
        logger.log(envoy, AccessLogType::DownstreamEnd);
    }

    fn read_lines(path: &Path) -> Vec<Entry> {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'));
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn line {l:?}: {e}")))
            .collect()
    }

    #[test]
    fn a_request_becomes_one_line_with_its_fields() {
        let _serial = serial();
        let tmp = temp_dir("json-fields");
        let dir = tmp.path();
        let config = config(dir, 1);
        let mut envoy = FakeAccessLog::with_request(
            &[(":method", "GET"), (":path", "/x"), ("x-hostile", "a\nb")],
            200,
        );
        envoy
            .string_attributes
            .insert(AttributeId::UpstreamAddress, b"127.0.0.1:1234".to_vec());
        envoy.response_code_details = Some("via_upstream".into());
        envoy.protocol = Some("HTTP/1.1".into());
        envoy.timing.request_complete_duration_ns = 2_500_000;
        envoy.bytes.bytes_sent = 22;
        envoy.add_header(HeaderType::ResponseHeader, "set-cookie", b"s=1");
        log_one(&config, &mut envoy);
        drop(config);
        join_writers();
        let entries = read_lines(&dir.join("json_access_log_0.log"));
        assert_eq!(entries.len(), 1);
        let e = &entries[0];
        assert_eq!(e.method.as_deref(), Some("GET"));
        assert_eq!(e.path.as_deref(), Some("/x"));
        assert_eq!(e.status, Some(200));
        assert_eq!(e.duration_ms, Some(2.5));
        assert_eq!(e.response_body_bytes, Some(22));
        assert_eq!(e.upstream_address.as_deref(), Some("127.0.0.1:1234"));
        assert_eq!(e.response_code_details.as_deref(), Some("via_upstream"));
        assert_eq!(e.protocol.as_deref(), Some("HTTP/1.1"));
        assert!(e
            .request_headers
            .contains(&("x-hostile".into(), "a\nb".into())));
        assert!(e
            .response_headers
            .contains(&("set-cookie".into(), REDACTED.into())));
    }

    #[test]
    fn header_bytes_that_are_not_utf8_are_kept_exactly() {
        let _serial = serial();
        let tmp = temp_dir("json-bytes");
        let dir = tmp.path();
        let config = config(dir, 1);
        let mut envoy = FakeAccessLog::with_request(&[(":method", "GET")], 200);
        envoy.add_header(HeaderType::RequestHeader, "x-raw", b"\xe9\xff\xfe");
        log_one(&config, &mut envoy);
        drop(config);
        join_writers();
        let raw = std::fs::read_to_string(dir.join("json_access_log_0.log")).unwrap();
        assert!(raw.contains(r#""base64":"6f/+""#), "{raw}");
        let e = &read_lines(&dir.join("json_access_log_0.log"))[0];
        let (_, v) = e
            .request_headers
            .iter()
            .find(|(k, _)| k.text() == "x-raw")
            .unwrap();
        assert_eq!(v.bytes().unwrap(), b"\xe9\xff\xfe");
        assert_eq!(v.text(), "\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn a_rejected_request_without_headers_still_makes_a_line() {
        let _serial = serial();
        let tmp = temp_dir("json-rejected");
        let dir = tmp.path();
        let config = config(dir, 1);
        let mut envoy = FakeAccessLog {
            response_code: Some(431),
            response_code_details: Some("http1.headers_too_large".into()),
            ..FakeAccessLog::default()
        };
        log_one(&config, &mut envoy);
        drop(config);
        join_writers();
        let e = &read_lines(&dir.join("json_access_log_0.log"))[0];
        assert_eq!(e.status, Some(431));
        assert_eq!(e.method, None);
        assert_eq!(e.duration_ms, None);
        assert!(e.request_headers.is_empty());
    }

    #[test]
    fn redaction_is_on_by_default_and_configurable() {
        let _serial = serial();
        let secrets = [("authorization", "Bearer abc"), ("x-other", "kept")];
        for (json, hidden, kept) in [
            (serde_json::json!({}), "authorization", "x-other"),
            (
                serde_json::json!({"redact_headers": ["X-Other"]}),
                "x-other",
                "authorization",
            ),
        ] {
            let tmp = temp_dir("json-redact");
            let dir = tmp.path();
            let mut json = json;
            json["dirname"] = serde_json::json!(dir);
            let config = config_json(json).unwrap();
            log_one(&config, &mut FakeAccessLog::with_request(&secrets, 200));
            drop(config);
            join_writers();
            let e = &read_lines(&dir.join("json_access_log_0.log"))[0];
            let value = |name: &str| {
                e.request_headers
                    .iter()
                    .find(|(k, _)| k.text() == name)
                    .map(|(_, v)| v.text().to_owned())
            };
            assert_eq!(value(hidden).as_deref(), Some(REDACTED));
            assert_ne!(value(kept).as_deref(), Some(REDACTED));
        }
    }

    #[test]
    fn a_full_queue_counts_dropped_lines() {
        let _serial = serial();
        let tmp = temp_dir("json-full");
        let dir = tmp.path();
        let config = config_json(serde_json::json!({"dirname": dir, "queue_lines": 2})).unwrap();
        let stall = GATE.write().unwrap();
        let mut counted = 0;
        for _ in 0..10 {
            let mut envoy = FakeAccessLog::with_request(&[], 200);
            log_one(&config, &mut envoy);
            counted += envoy.counter(config.dropped);
        }
        assert!((7..=8).contains(&counted), "{counted}");
        drop(stall);
        drop(config);
        join_writers();
        let written = read_lines(&dir.join("json_access_log_0.log")).len() as u64;
        assert_eq!(written + counted, 10);
    }

    #[test]
    fn bad_configs_are_refused_with_the_reason() {
        for (json, why) in [
            (r#"{}"#, "missing field `dirname`"),
            (
                r#"{"dirname": "/tmp", "extra": 1}"#,
                "unknown field `extra`",
            ),
            (
                r#"{"dirname": "/tmp", "num_workers": 0}"#,
                "num_workers must be 1 to 64, got 0",
            ),
            (
                r#"{"dirname": "/tmp", "redact_headers": ["bad name"]}"#,
                "redact_headers[0]: header name \"bad name\"",
            ),
            (
                r#"{"dirname": "/nonexistent/dir"}"#,
                "cannot open /nonexistent/dir/json_access_log_0.log",
            ),
        ] {
            let mut envoy = FakeAccessLoggerConfig::default();
            let err = JsonAccessLogConfig::new(&mut envoy, json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{json}: {err}");
        }
    }

    /// A logger that panics on a 500 and counts the rest.
    struct Flaky;

    impl AccessLogger<FakeAccessLog> for Flaky {
        fn log(&mut self, envoy: &mut FakeAccessLog, _: AccessLogType) {
            if envoy.response_code == Some(500) {
                panic!("flaky logger");
            }
            envoy.increment_counter(MetricId(0), 1);
        }
    }

    struct FlakyConfig;

    impl AccessLoggerConfig<FakeAccessLog> for FlakyConfig {
        fn new_access_logger(&self) -> Box<dyn AccessLogger<FakeAccessLog>> {
            Box::new(Flaky)
        }
    }

    #[test]
    fn a_panicking_logger_is_logged_dropped_and_rebuilt() {
        envoy_dm_sdk::testing::take_logs();
        let config = FlakyConfig;
        let mut logger = Logger::new("flaky", &config);
        let mut bad = FakeAccessLog::with_request(&[], 500);
        logger.log(&mut bad, AccessLogType::DownstreamEnd);
        assert!(!logger.is_live(), "dropped after its panic");
        let logs = envoy_dm_sdk::testing::take_logs();
        let want = "access logger 'flaky' in access_logger_log: panicked: flaky logger";
        assert!(logs.iter().any(|(_, l)| l.contains(want)), "{logs:?}");
        // Rebuilt for the next event, which it logs.
        let mut good = FakeAccessLog::with_request(&[], 200);
        logger.log(&mut good, AccessLogType::DownstreamEnd);
        assert!(logger.is_live());
        assert_eq!(good.counter(MetricId(0)), 1);
    }
}
