//! `stats_statsd`: Envoy's metrics as statsd lines over UDP, at every flush.
//!
//! - Counters: `name:delta|c` for each counter that moved since the last flush
//!   (statsd counters are increments; their sum is Envoy's value).
//! - Gauges: `name:value|g`, every flush.
//! - Histograms: `name:value|ms` for each sample, as workers record them:
//!   kept (up to `max_samples` between two flushes; the rest are counted in
//!   `stats_statsd.dropped_samples`) and sent with the next flush, so no worker
//!   ever does I/O.
//!
//! Lines are packed into datagrams of at most `max_datagram_bytes`, split at
//! line ends (a line longer than that is dropped). Sending never blocks and
//! never fails Envoy: a collector that is down loses the datagrams, and the
//! first failure is logged once.
//!
//! Config `{"collector": "ip:port", "prefix": "envoy", "max_datagram_bytes":
//! 1432, "max_samples": 10000}`; only `collector` is required.

use envoy_dm_sdk::log::log;
use envoy_dm_sdk::stat_sink::{EnvoyStatSinkConfig, EnvoyStatSinkSnapshot, StatSink};
use envoy_dm_sdk::{BoxError, LogLevel};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The largest payload of one UDP datagram over IPv4.
const MAX_UDP_PAYLOAD: usize = 65_507;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    collector: String,
    prefix: Option<String>,
    max_datagram_bytes: Option<usize>,
    max_samples: Option<usize>,
}

pub struct StatsdConfig {
    collector: SocketAddr,
    socket: UdpSocket,
    prefix: String,
    max_datagram_bytes: usize,
    max_samples: usize,
    /// Histogram samples since the last flush: (name, value).
    samples: Mutex<Vec<(Vec<u8>, u64)>>,
    dropped_samples: AtomicU64,
    send_failed: AtomicBool,
}

impl StatsdConfig {
    pub fn new(_envoy: &mut impl EnvoyStatSinkConfig, config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let collector: SocketAddr = settings
            .collector
            .parse()
            .map_err(|_| format!("collector {:?} is not ip:port", settings.collector))?;
        let prefix = settings.prefix.unwrap_or_default();
        if prefix
            .bytes()
            .any(|b| matches!(b, b':' | b'|' | b'@' | b'\n') || b.is_ascii_whitespace())
        {
            return Err(format!("prefix {prefix:?} holds a character statsd reserves").into());
        }
        let max_datagram_bytes = settings.max_datagram_bytes.unwrap_or(1432);
        if !(64..=MAX_UDP_PAYLOAD).contains(&max_datagram_bytes) {
            return Err(format!(
                "max_datagram_bytes must be 64 to {MAX_UDP_PAYLOAD}, got {max_datagram_bytes}"
            )
            .into());
        }
        let max_samples = settings.max_samples.unwrap_or(10_000);
        if !(1..=1_000_000).contains(&max_samples) {
            return Err(format!("max_samples must be 1 to 1000000, got {max_samples}").into());
        }
        let local: SocketAddr = if collector.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        }
        .parse()?;
        let socket = UdpSocket::bind(local).map_err(|e| format!("a UDP socket: {e}"))?;
        socket.set_nonblocking(true)?;
        Ok(Self {
            collector,
            socket,
            prefix: if prefix.is_empty() {
                prefix
            } else {
                format!("{prefix}.")
            },
            max_datagram_bytes,
            max_samples,
            samples: Mutex::new(Vec::new()),
            dropped_samples: AtomicU64::new(0),
            send_failed: AtomicBool::new(false),
        })
    }

    /// One statsd line: `{prefix}{name}:{value}|{kind}`, the name's reserved
    /// characters replaced by `_`.
    fn line(&self, name: &[u8], value: &str, kind: &str) -> Vec<u8> {
        let mut line = Vec::with_capacity(self.prefix.len() + name.len() + value.len() + 4);
        line.extend_from_slice(self.prefix.as_bytes());
        line.extend(name.iter().map(|&b| match b {
            b':' | b'|' | b'@' | b'\n' | b'\r' => b'_',
            b => b,
        }));
        line.push(b':');
        line.extend_from_slice(value.as_bytes());
        line.push(b'|');
        line.extend_from_slice(kind.as_bytes());
        line
    }

    fn send(&self, datagram: &[u8]) {
        if let Err(e) = self.socket.send_to(datagram, self.collector) {
            if !self.send_failed.swap(true, Relaxed) {
                log(
                    LogLevel::Warn,
                    &format!(
                        "stats_statsd: sending to {} failed: {e} (later failures are not logged)",
                        self.collector
                    ),
                );
            }
        }
    }
}

/// Packs lines into datagrams of at most `max` bytes, `\n` between lines,
/// never splitting one; a line longer than `max` is left out.
pub fn datagrams(lines: &[Vec<u8>], max: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for line in lines.iter().filter(|l| l.len() <= max) {
        if !current.is_empty() && current.len() + 1 + line.len() > max {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(b'\n');
        }
        current.extend_from_slice(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl<E: EnvoyStatSinkSnapshot> StatSink<E> for StatsdConfig {
    fn flush(&self, snapshot: &E) {
        let mut lines = Vec::new();
        snapshot.counters(&mut |name, _value, delta| {
            if delta > 0 {
                lines.push(self.line(name, &delta.to_string(), "c"));
            }
        });
        snapshot.gauges(&mut |name, value| lines.push(self.line(name, &value.to_string(), "g")));
        let samples = std::mem::take(&mut *self.samples.lock().unwrap_or_else(|e| e.into_inner()));
        for (name, value) in &samples {
            lines.push(self.line(name, &value.to_string(), "ms"));
        }
        let dropped = self.dropped_samples.swap(0, Relaxed);
        if dropped > 0 {
            lines.push(self.line(b"stats_statsd.dropped_samples", &dropped.to_string(), "c"));
        }
        for datagram in datagrams(&lines, self.max_datagram_bytes) {
            self.send(&datagram);
        }
    }

    fn on_histogram_complete(&self, name: &[u8], value: u64) {
        let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        if samples.len() < self.max_samples {
            samples.push((name.to_vec(), value));
        } else {
            self.dropped_samples.fetch_add(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::stat_sink::testing::{FakeSnapshot, FakeStatSinkConfig};
    use std::time::Duration;

    fn config(json: &str) -> Result<StatsdConfig, BoxError> {
        StatsdConfig::new(&mut FakeStatSinkConfig, json.as_bytes())
    }

    #[test]
    fn lines_are_packed_without_splitting_one() {
        let lines: Vec<Vec<u8>> = ["aaaa", "bbbb", "cc", "dddddddddddd", "e"]
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect();
        // The 12-byte line is left out; "cc" does not fit after "aaaa\nbbbb".
        let packed = datagrams(&lines, 10);
        assert_eq!(packed, vec![b"aaaa\nbbbb".to_vec(), b"cc\ne".to_vec()]);
        assert!(datagrams(&[], 10).is_empty());
    }

    #[test]
    fn packing_keeps_every_fitting_line_whole_and_in_order() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let max = rng.usize(1..80);
            let lines: Vec<Vec<u8>> = (0..rng.usize(0..40))
                .map(|_| {
                    (0..rng.usize(1..100))
                        .map(|_| rng.alphanumeric() as u8)
                        .collect()
                })
                .collect();
            let packed = datagrams(&lines, max);
            assert!(packed.iter().all(|d| !d.is_empty() && d.len() <= max));
            let back: Vec<&[u8]> = packed
                .iter()
                .flat_map(|d| d.split(|&b| b == b'\n'))
                .collect();
            let fitting: Vec<&[u8]> = lines
                .iter()
                .filter(|l| l.len() <= max)
                .map(Vec::as_slice)
                .collect();
            assert_eq!(back, fitting);
        }
    }

    #[test]
    fn a_flush_sends_counters_gauges_and_samples_to_the_collector() {
        let collector = UdpSocket::bind("127.0.0.1:0").unwrap();
        collector
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let at = collector.local_addr().unwrap();
        let json = format!(
            r#"{{"collector": "{at}", "prefix": "lab", "max_datagram_bytes": 64, "max_samples": 2}}"#
        );
        let sink = config(&json).unwrap();
        StatSink::<FakeSnapshot>::on_histogram_complete(&sink, b"rq:time", 7);
        StatSink::<FakeSnapshot>::on_histogram_complete(&sink, b"rq:time", 9);
        StatSink::<FakeSnapshot>::on_histogram_complete(&sink, b"rq:time", 11);
        let snapshot = FakeSnapshot {
            counters: vec![("rq_total".into(), 10, 3), ("idle".into(), 5, 0)],
            gauges: vec![("cx_active".into(), 2)],
            ..FakeSnapshot::default()
        };
        sink.flush(&snapshot);
        let mut got = Vec::new();
        let mut buf = [0u8; 2048];
        while got.len() < 5 {
            let n = collector.recv(&mut buf).unwrap();
            assert!(n <= 64, "a datagram of {n} bytes");
            got.extend(
                String::from_utf8_lossy(&buf[..n])
                    .lines()
                    .map(str::to_owned),
            );
        }
        assert_eq!(
            got,
            [
                "lab.rq_total:3|c",
                "lab.cx_active:2|g",
                "lab.rq_time:7|ms",
                "lab.rq_time:9|ms",
                "lab.stats_statsd.dropped_samples:1|c"
            ]
        );
    }

    #[test]
    fn a_collector_that_is_down_costs_one_log_line() {
        let sink = config(r#"{"collector": "127.0.0.1:9"}"#).unwrap();
        let snapshot = FakeSnapshot {
            gauges: vec![("g".into(), 1)],
            ..FakeSnapshot::default()
        };
        for _ in 0..3 {
            sink.flush(&snapshot);
        }
    }

    #[test]
    fn bad_configs_are_refused() {
        for (json, why) in [
            (r#"{}"#, "missing field `collector`"),
            (r#"{"collector": "localhost:8125"}"#, "is not ip:port"),
            (
                r#"{"collector": "127.0.0.1:8125", "prefix": "a b"}"#,
                "reserves",
            ),
            (
                r#"{"collector": "127.0.0.1:8125", "max_datagram_bytes": 10}"#,
                "max_datagram_bytes must be 64",
            ),
            (
                r#"{"collector": "127.0.0.1:8125", "max_samples": 0}"#,
                "max_samples must be 1",
            ),
            (
                r#"{"collector": "127.0.0.1:8125", "port": 1}"#,
                "unknown field",
            ),
        ] {
            let error = config(json).err().unwrap().to_string();
            assert!(error.contains(why), "{json}: {error}");
        }
    }
}
