//! `access_logger`: one JSON object per line per request, written off the
//! request path by worker threads.
//!
//! Config: `{"dirname": "access_logs", "num_workers": 1}`. Worker `i` appends to
//! `{dirname}/access_log_{i}.log` (created owner-writable only, mode 0640).
//! Streams hand finished lines to the workers round-robin through channels;
//! the request path never touches a file. When Envoy destroys the configuration
//! (a config update, or its graceful shutdown) the channels close and every
//! queued line is written and flushed before the configuration lets go.
//!
//! Lines are built with serde_json, which escapes control bytes, so a hostile
//! header cannot forge a line; bytes that are not UTF-8 become U+FFFD.

use envoy_dm_sdk::{
    AttributeId, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter,
    HttpFilterConfig,
};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

/// More workers than this buys nothing but open files.
pub const MAX_WORKERS: u32 = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    dirname: PathBuf,
    #[serde(default = "one")]
    num_workers: u32,
}

fn one() -> u32 {
    1
}

/// The senders of every worker's queue, shared by the streams.
struct Queues {
    senders: Vec<Sender<String>>,
    next: AtomicUsize,
}

impl Queues {
    fn send(&self, line: String) {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.senders.len();
        // A worker only hangs up after the config dropped its senders, which
        // cannot happen while a stream still holds this Arc.
        let _ = self.senders[i].send(line);
    }
}

pub struct AccessLoggerConfig {
    /// `None` once dropping: releasing the senders is what stops the workers.
    queues: Option<Arc<Queues>>,
    workers: Vec<JoinHandle<()>>,
}

impl AccessLoggerConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.num_workers == 0 || raw.num_workers > MAX_WORKERS {
            return Err(format!(
                "num_workers must be 1 to {MAX_WORKERS}, got {}",
                raw.num_workers
            )
            .into());
        }
        // Open every file before starting any thread, so a bad directory refuses
        // the config and leaves nothing running.
        let files = (0..raw.num_workers)
            .map(|i| {
                let path = raw.dirname.join(format!("access_log_{i}.log"));
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .mode(0o640)
                    .open(&path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))
            })
            .collect::<Result<Vec<File>, String>>()?;
        let mut senders = Vec::new();
        let mut workers = Vec::new();
        for (i, file) in files.into_iter().enumerate() {
            let (tx, rx) = mpsc::channel();
            senders.push(tx);
            workers.push(
                std::thread::Builder::new()
                    .name(format!("access-log-{i}"))
                    .spawn(move || write_lines(rx, file))?,
            );
        }
        Ok(Self {
            queues: Some(Arc::new(Queues {
                senders,
                next: AtomicUsize::new(0),
            })),
            workers,
        })
    }
}

/// A worker: writes lines as they come, flushing whenever its queue runs dry
/// and once more when the queue closes.
fn write_lines(rx: Receiver<String>, file: File) {
    let mut out = BufWriter::new(file);
    loop {
        let line = match rx.try_recv() {
            Ok(line) => line,
            Err(TryRecvError::Empty) => {
                let _ = out.flush();
                match rx.recv() {
                    Ok(line) => line,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        let _ = out.write_all(line.as_bytes());
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}

impl Drop for AccessLoggerConfig {
    fn drop(&mut self) {
        drop(self.queues.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for AccessLoggerConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(AccessLogger {
            queues: Arc::clone(self.queues.as_ref().expect("queues live until drop")),
            started: Instant::now(),
        })
    }
}

pub struct AccessLogger {
    queues: Arc<Queues>,
    started: Instant,
}

/// One line of the log.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Entry {
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u64>,
    pub duration_ms: f64,
    pub request_body_bytes: Option<u64>,
    pub response_body_bytes: Option<u64>,
    pub downstream_address: Option<String>,
    pub upstream_address: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn headers(envoy: &impl EnvoyHttpFilter, kind: HeaderType) -> Vec<(String, String)> {
    envoy
        .get_headers(kind)
        .into_iter()
        .map(|(k, v)| (text(k), text(v)))
        .collect()
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for AccessLogger {
    fn on_stream_complete(&mut self, envoy: &mut E) {
        let entry = Entry {
            method: envoy
                .get_attribute_string(AttributeId::RequestMethod)
                .map(text),
            path: envoy
                .get_attribute_string(AttributeId::RequestPath)
                .map(text),
            status: envoy.get_attribute_int(AttributeId::ResponseCode),
            duration_ms: self.started.elapsed().as_secs_f64() * 1000.0,
            request_body_bytes: envoy.get_attribute_int(AttributeId::RequestSize),
            response_body_bytes: envoy.get_attribute_int(AttributeId::ResponseSize),
            downstream_address: envoy
                .get_attribute_string(AttributeId::SourceAddress)
                .map(text),
            upstream_address: envoy
                .get_attribute_string(AttributeId::UpstreamAddress)
                .map(text),
            request_headers: headers(envoy, HeaderType::RequestHeader),
            response_headers: headers(envoy, HeaderType::ResponseHeader),
        };
        if let Ok(line) = serde_json::to_string(&entry) {
            self.queues.send(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};
    use std::os::unix::fs::PermissionsExt;

    fn config(dir: &std::path::Path, workers: u32) -> Result<AccessLoggerConfig, BoxError> {
        let json = serde_json::json!({"dirname": dir, "num_workers": workers}).to_string();
        AccessLoggerConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes())
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("access-logger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn read_lines(dir: &std::path::Path, workers: u32) -> Vec<Entry> {
        (0..workers)
            .flat_map(|i| {
                let text =
                    std::fs::read_to_string(dir.join(format!("access_log_{i}.log"))).unwrap();
                text.lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect::<Vec<Entry>>()
            })
            .collect()
    }

    #[test]
    fn every_stream_becomes_one_line_after_config_drop() {
        let dir = temp_dir("lines");
        let config = config(&dir, 3).unwrap();
        for i in 0..50 {
            let mut envoy = FakeEnvoyFilter::with_request_headers(&[
                (":path", "/x"),
                ("x-hostile", "a\nb\u{1}"),
            ]);
            envoy
                .int_attributes
                .insert(AttributeId::ResponseCode, 200 + i);
            let mut filter = config.new_http_filter(&mut envoy);
            filter.on_stream_complete(&mut envoy);
        }
        drop(config); // joins the workers: everything queued is on disk now
        let entries = read_lines(&dir, 3);
        assert_eq!(entries.len(), 50);
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
        let mode = std::fs::metadata(dir.join("access_log_0.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o022, 0, "no group or world write: {mode:o}");
    }

    #[test]
    fn refuses_bad_directories_and_counts() {
        let err = config(std::path::Path::new("/nonexistent/dir"), 1)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("cannot open /nonexistent/dir/access_log_0.log"),
            "{err}"
        );
        let dir = temp_dir("counts");
        assert!(config(&dir, 0)
            .err()
            .unwrap()
            .to_string()
            .contains("num_workers must be 1 to 64"));
        let err = AccessLoggerConfig::new(
            &mut FakeEnvoyConfig::default(),
            br#"{"dirname": "/tmp", "num_workers": -1}"#,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("invalid value: integer `-1`"), "{err}");
    }
}
