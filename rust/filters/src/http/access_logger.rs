//! `access_logger`: one JSON object per line per request, written off the
//! request path by writer threads.
//!
//! Config (every field but `dirname` optional):
//!
//! ```json
//! {"dirname": "access_logs", "num_workers": 1, "queue_lines": 16384,
//!  "redact_headers": ["authorization", "proxy-authorization", "cookie", "set-cookie"]}
//! ```
//!
//! Writer `i` appends to `{dirname}/access_log_{i}.log`. Streams hand finished
//! lines to the writers round-robin through bounded queues; the request path
//! never touches a file. What the logger guarantees:
//!
//! - **Whole lines.** A line is one `write(2)` of the whole line, `\n`
//!   included, on an `O_APPEND` file: two configurations sharing a file (as
//!   during a listener update) interleave lines, never bytes of lines.
//! - **Its own files.** Files are opened with `O_NOFOLLOW` (a symlink planted at
//!   the path is refused, naming it) and `O_NONBLOCK` (a FIFO cannot hang the
//!   open), must be regular files, and get mode 0640 with `fchmod`, whatever
//!   the umask or the mode of a file already there.
//! - **Bounded, never silent.** Each queue holds `queue_lines` lines. A line
//!   that finds its queue full, or whose write fails, is dropped and counted:
//!   in the counter `access_log_dropped_lines_total` (added by the next stream
//!   to complete) and in Envoy's log, at most one warning per writer per second.
//! - **Credentials redacted.** Values of the headers in `redact_headers` (by
//!   default the four above, in requests and responses) are logged as
//!   `[REDACTED]`; `"redact_headers": []` turns redaction off.
//! - **Rotation.** Every 200 ms a writer checks that its path still names its
//!   file; when it was renamed away (logrotate's default) or removed, the
//!   writer opens a new file there. Lines written before that went to the
//!   renamed file: nothing is lost.
//! - **No blocking on destroy.** Dropping the configuration only closes its
//!   queues (it may run on a worker thread). Each writer drains its queue and
//!   exits; the module joins every writer at process exit and when Envoy
//!   unloads it, so queued lines reach the disk on a graceful shutdown.
//! - **Flushed at drain and shutdown.** [`flush`] waits until every queued
//!   line is written; the `lab_status` bootstrap extension calls it when the
//!   server drains and before it lets Envoy exit.
//!
//! - **Every byte kept.** Lines are built with serde_json, which escapes
//!   control bytes, so a hostile header cannot forge a line. A header name or
//!   value that is not UTF-8 is written as `{"text": ..., "base64": ...}`:
//!   readable text with U+FFFD, and the exact bytes the client sent
//!   (`shared/logged_bytes.rs`); UTF-8 ones stay plain strings.

use crate::shared::log_sink::{redacted, text, Entry, Lines};
use envoy_dm_sdk::{
    AttributeId, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter,
    HttpFilterConfig, MetricId,
};
use std::time::Instant;

pub const DROPPED_COUNTER: &str = "access_log_dropped_lines_total";

// ------------------------------------------------------------------ config

pub struct HttpAccessLogConfig {
    lines: Lines,
    dropped: MetricId,
}

impl HttpAccessLogConfig {
    pub fn new(envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let dropped = envoy.define_counter(DROPPED_COUNTER, &[])?;
        let lines = Lines::open("access_logger", "access_log", config)?;
        Ok(Self { lines, dropped })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for HttpAccessLogConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(HttpAccessLog {
            lines: self.lines.clone(),
            dropped: self.dropped,
            started: Instant::now(),
        })
    }
}

// Dropping the configuration drops its Lines; the last stream's drop closes
// the queues, and the writers drain them and exit on their own.

pub struct HttpAccessLog {
    lines: Lines,
    dropped: MetricId,
    started: Instant,
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for HttpAccessLog {
    fn on_stream_complete(&mut self, envoy: &mut E) {
        let entry = Entry {
            method: envoy
                .get_attribute_string(AttributeId::RequestMethod)
                .map(text),
            path: envoy
                .get_attribute_string(AttributeId::RequestPath)
                .map(text),
            status: envoy.get_attribute_int(AttributeId::ResponseCode),
            duration_ms: Some(self.started.elapsed().as_secs_f64() * 1000.0),
            request_body_bytes: envoy.get_attribute_int(AttributeId::RequestSize),
            response_body_bytes: envoy.get_attribute_int(AttributeId::ResponseSize),
            downstream_address: envoy
                .get_attribute_string(AttributeId::SourceAddress)
                .map(text),
            upstream_address: envoy
                .get_attribute_string(AttributeId::UpstreamAddress)
                .map(text),
            request_headers: redacted(
                envoy.get_headers(HeaderType::RequestHeader),
                self.lines.redact(),
            ),
            response_headers: redacted(
                envoy.get_headers(HeaderType::ResponseHeader),
                self.lines.redact(),
            ),
            ..Entry::default()
        };
        let dropped = self.lines.write(&entry);
        if dropped > 0 {
            envoy.increment_counter(self.dropped, &[], dropped);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shared::log_sink::tests::{serial, GATE};
    use crate::shared::log_sink::{join_writers, FILE_MODE, REDACTED};
    use crate::shared::logged_bytes::LoggedBytes;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};
    use std::fs::Permissions;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;
    use std::time::Duration;

    fn config_json(json: serde_json::Value) -> Result<HttpAccessLogConfig, BoxError> {
        HttpAccessLogConfig::new(&mut FakeEnvoyConfig::default(), json.to_string().as_bytes())
    }

    fn config(dir: &Path, workers: u32) -> Result<HttpAccessLogConfig, BoxError> {
        config_json(serde_json::json!({"dirname": dir, "num_workers": workers}))
    }

    /// A fresh directory, removed with everything in it when the test drops it.
    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("access-logger-{name}-"))
            .tempdir()
            .unwrap()
    }

    fn log_one(
        config: &HttpAccessLogConfig,
        headers: &[(&str, &str)],
        status: u64,
    ) -> FakeEnvoyFilter {
        let mut envoy = FakeEnvoyFilter::with_request_headers(headers);
        envoy
            .int_attributes
            .insert(AttributeId::ResponseCode, status);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_stream_complete(&mut envoy);
        envoy
    }

    /// Drops the config and waits until its writers have drained and exited.
    fn finish(config: HttpAccessLogConfig) {
        drop(config);
        join_writers();
    }

    fn read_lines(path: &Path) -> Vec<Entry> {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'));
        text.lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| {
                    let start: String = l.chars().take(120).collect();
                    panic!("torn line ({} bytes) {start:?}...: {e}", l.len())
                })
            })
            .collect()
    }

    #[test]
    fn every_stream_becomes_one_line() {
        let _serial = serial();
        let tmp = temp_dir("lines");
        let dir = tmp.path();
        let config = config(dir, 3).unwrap();
        for i in 0..50 {
            log_one(
                &config,
                &[(":path", "/x"), ("x-hostile", "a\nb\u{1}")],
                200 + i,
            );
        }
        finish(config);
        let entries: Vec<Entry> = (0..3)
            .flat_map(|i| read_lines(&dir.join(format!("access_log_{i}.log"))))
            .collect();
        let mut statuses: Vec<u64> = entries.iter().map(|e| e.status.unwrap()).collect();
        statuses.sort();
        assert_eq!(statuses, (200..250).collect::<Vec<_>>());
        assert!(entries[0]
            .request_headers
            .contains(&("x-hostile".into(), "a\nb\u{1}".into())));
        let raw = std::fs::read_to_string(dir.join("access_log_0.log")).unwrap();
        assert!(
            raw.contains(r"a\nb\u0001"),
            "control bytes are escaped: {raw}"
        );
        assert!(
            !raw.contains("response_flags"),
            "the extension's fields are left out: {raw}"
        );
    }

    // 0xE9 (Latin-1 e-acute), 0xFF and 0xFE are legal in an HTTP/1 header
    // value and are not UTF-8: the line keeps them exactly, beside a text.
    #[test]
    fn header_bytes_that_are_not_utf8_are_kept_exactly() {
        let _serial = serial();
        let tmp = temp_dir("bytes");
        let dir = tmp.path();
        let config = config(dir, 1).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":path", "/x")]);
        envoy.add_header(HeaderType::RequestHeader, "x-raw", b"caf\xe9\xff\xfe");
        envoy.add_header(HeaderType::ResponseHeader, "x-raw-back", b"\xe9");
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_stream_complete(&mut envoy);
        drop(filter);
        finish(config);
        let raw = std::fs::read_to_string(dir.join("access_log_0.log")).unwrap();
        assert!(
            raw.contains(
                "[\"x-raw\",{\"text\":\"caf\u{fffd}\u{fffd}\u{fffd}\",\"base64\":\"Y2Fm6f/+\"}]"
            ),
            "{raw}"
        );
        let entry = &read_lines(&dir.join("access_log_0.log"))[0];
        let value = |headers: &[(LoggedBytes, LoggedBytes)], name: &str| {
            let (_, v) = headers.iter().find(|(k, _)| k.text() == name).unwrap();
            v.bytes().unwrap()
        };
        assert_eq!(value(&entry.request_headers, "x-raw"), b"caf\xe9\xff\xfe");
        assert_eq!(value(&entry.response_headers, "x-raw-back"), b"\xe9");
        assert_eq!(value(&entry.request_headers, ":path"), b"/x");
    }

    // Two configurations on one file, as during a listener update. With a
    // buffered writer, each flushed 8 KiB blocks cut anywhere and lines tore.
    // Not reproducible through Envoy on demand (it needs an update racing a
    // flush), hence here, with two real writer threads on one real file.
    #[test]
    fn two_configs_sharing_a_file_never_tear_lines() {
        let _serial = serial();
        let tmp = temp_dir("shared");
        let dir = tmp.path();
        let (a, b) = (config(dir, 1).unwrap(), config(dir, 1).unwrap());
        let big = "v".repeat(3000);
        std::thread::scope(|s| {
            for config in [&a, &b] {
                let big = &big;
                s.spawn(move || {
                    for i in 0..2000 {
                        log_one(config, &[("x-big", big)], i);
                    }
                });
            }
        });
        drop(a);
        finish(b); // joins both writers
        let entries = read_lines(&dir.join("access_log_0.log"));
        assert_eq!(entries.len(), 4000);
    }

    // Under umask 022 a new file gets 0640 from open(2) alone; the mode must
    // also hold for a file already there with another mode, and under umask
    // 077, so the test pre-creates the file 0666.
    #[test]
    fn the_file_mode_is_set_explicitly() {
        let _serial = serial();
        let tmp = temp_dir("mode");
        let dir = tmp.path();
        let path = dir.join("access_log_0.log");
        std::fs::write(&path, b"").unwrap();
        std::fs::set_permissions(&path, Permissions::from_mode(0o666)).unwrap();
        finish(config(dir, 1).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, FILE_MODE, "{mode:o}");
    }

    #[test]
    fn a_symlink_at_the_log_path_is_refused() {
        let tmp = temp_dir("symlink");
        let dir = tmp.path();
        let target = dir.join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("access_log_0.log")).unwrap();
        let err = config(dir, 1).err().unwrap().to_string();
        assert!(
            err.contains("it is a symbolic link, and log files are opened with O_NOFOLLOW"),
            "{err}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"");
    }

    #[test]
    fn a_fifo_at_the_log_path_is_refused_without_hanging() {
        let tmp = temp_dir("fifo");
        let dir = tmp.path();
        let path = dir.join("access_log_0.log");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a plain mkfifo on a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = config(dir, 1).err().unwrap().to_string();
        assert!(
            err.contains("not a regular file") || err.contains("No such device"),
            "{err}"
        );
    }

    #[test]
    fn credentials_are_redacted_by_default_and_the_list_is_configurable() {
        let _serial = serial();
        let secrets = [
            ("authorization", "Bearer abc"),
            ("proxy-authorization", "Basic xyz"),
            ("cookie", "session=1"),
            ("x-other", "kept"),
        ];
        let tmp = temp_dir("redact");
        let dir = tmp.path();
        let config = config(dir, 1).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&secrets);
        envoy.add_header(HeaderType::ResponseHeader, "set-cookie", b"session=2");
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_stream_complete(&mut envoy);
        drop(filter);
        finish(config);
        let raw = std::fs::read_to_string(dir.join("access_log_0.log")).unwrap();
        for secret in ["Bearer abc", "Basic xyz", "session=1", "session=2"] {
            assert!(!raw.contains(secret), "{secret} in {raw}");
        }
        let entry = &read_lines(&dir.join("access_log_0.log"))[0];
        assert!(entry
            .request_headers
            .contains(&("authorization".into(), REDACTED.into())));
        assert!(entry
            .request_headers
            .contains(&("x-other".into(), "kept".into())));
        assert!(entry
            .response_headers
            .contains(&("set-cookie".into(), REDACTED.into())));

        // Opt-out, and a list of one's own.
        let tmp = temp_dir("redact-off");
        let dir = tmp.path();
        let off = config_json(serde_json::json!({"dirname": dir, "redact_headers": []})).unwrap();
        log_one(&off, &secrets, 200);
        finish(off);
        assert!(std::fs::read_to_string(dir.join("access_log_0.log"))
            .unwrap()
            .contains("Bearer abc"));
        let tmp = temp_dir("redact-own");
        let dir = tmp.path();
        let own = config_json(serde_json::json!({"dirname": dir, "redact_headers": ["X-Other"]}))
            .unwrap();
        log_one(&own, &secrets, 200);
        finish(own);
        let entry = &read_lines(&dir.join("access_log_0.log"))[0];
        assert!(entry
            .request_headers
            .contains(&("x-other".into(), REDACTED.into())));
        assert!(entry
            .request_headers
            .contains(&("authorization".into(), "Bearer abc".into())));
    }

    // A full queue is a slow disk under load; Envoy cannot be made to produce
    // it on demand, so the writers are stalled here through GATE.
    #[test]
    fn a_full_queue_drops_lines_into_the_counter_and_the_log() {
        let _serial = serial();
        let tmp = temp_dir("full");
        let dir = tmp.path();
        let config = config_json(serde_json::json!({"dirname": dir, "queue_lines": 4})).unwrap();
        let stall = GATE.write().unwrap();
        let mut counted = 0;
        for i in 0..20 {
            let envoy = log_one(&config, &[], i);
            counted += envoy.counters.iter().map(|(_, _, n)| n).sum::<u64>();
        }
        // The writer may hold one line in hand: 4 or 5 queued, the rest dropped.
        assert!((15..=16).contains(&counted), "{counted}");
        drop(stall);
        finish(config);
        let written = read_lines(&dir.join("access_log_0.log")).len() as u64;
        assert_eq!(written + counted, 20);
    }

    #[test]
    fn a_renamed_file_is_reopened_and_nothing_is_lost() {
        let _serial = serial();
        let tmp = temp_dir("rotate");
        let dir = tmp.path();
        let config = config(dir, 1).unwrap();
        let path = dir.join("access_log_0.log");
        for i in 0..100 {
            log_one(&config, &[], i);
        }
        std::thread::sleep(Duration::from_millis(100));
        std::fs::rename(&path, dir.join("access_log_0.log.1")).unwrap();
        for i in 100..200 {
            log_one(&config, &[], i);
            std::thread::sleep(Duration::from_millis(5));
        }
        finish(config);
        let old = read_lines(&dir.join("access_log_0.log.1")).len();
        let new = read_lines(&path).len();
        assert_eq!(old + new, 200);
        assert!(new > 0, "the writer reopened the path");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, FILE_MODE);
    }

    // The config may be dropped on a worker thread: it must not wait for a
    // writer that is still busy.
    #[test]
    fn dropping_a_config_never_waits_for_its_writers() {
        let _serial = serial();
        let tmp = temp_dir("nonblocking");
        let dir = tmp.path();
        let config = config(dir, 2).unwrap();
        let stall = GATE.write().unwrap();
        for i in 0..100 {
            log_one(&config, &[], i);
        }
        let started = Instant::now();
        drop(config);
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
        drop(stall);
        join_writers();
        let written: usize = (0..2)
            .map(|i| read_lines(&dir.join(format!("access_log_{i}.log"))).len())
            .sum();
        assert_eq!(written, 100, "queued lines still reach the disk");
    }

    #[test]
    fn refuses_bad_directories_and_counts() {
        let err = config(Path::new("/nonexistent/dir"), 1)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("cannot open /nonexistent/dir/access_log_0.log"),
            "{err}"
        );
        let tmp = temp_dir("counts");
        let dir = tmp.path();
        assert!(config(dir, 0)
            .err()
            .unwrap()
            .to_string()
            .contains("num_workers must be 1 to 64"));
        for (json, why) in [
            (
                r#"{"dirname": "/tmp", "num_workers": -1}"#,
                "invalid value: integer `-1`",
            ),
            (
                r#"{"dirname": "/tmp", "queue_lines": 0}"#,
                "queue_lines must be 1 to 1048576, got 0",
            ),
            (
                r#"{"dirname": "/tmp", "redact_headers": ["bad name"]}"#,
                "redact_headers[0]: header name \"bad name\"",
            ),
        ] {
            let err = HttpAccessLogConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{err}");
        }
    }
}
