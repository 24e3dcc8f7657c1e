//! `hc_redis_ping`: an active health check in the Redis protocol. At each
//! interval it connects to the host, sends a command (`PING` by default) and
//! passes the host when the reply is the expected text (`PONG`); an error
//! reply (`-NOAUTH ...`, `-LOADING ...`), anything that is not RESP, a closed
//! connection or silence is a failure.
//!
//! Envoy's HealthCheck keeps `interval`, `timeout` and the thresholds. The
//! check runs on a thread of its own per host, never on Envoy's main thread;
//! when Envoy's `timeout` fires first, on_timeout shuts the connection so the
//! thread is free for the next interval. `max_io_ms` bounds a check that
//! Envoy cannot interrupt; a connect waits at most 1 s of it, since a
//! session's end waits for its thread (no module code may run once Envoy
//! could unload the module). One connection per check: a restarted server
//! is seen at the next interval.
//!
//! Config (JSON, every field optional):
//! `{"command": ["PING"], "expect": "PONG", "max_io_ms": 5000}`.

use crate::shared::resp::{encode_command, parse_reply, Limits, Reply};
use envoy_dm_sdk::health_checker::{
    EnvoyHealthChecker, EnvoyHealthCheckerConfig, HealthCheckerConfig, HealthCheckerSession,
    HealthReporter, HostHealth,
};
use envoy_dm_sdk::{BoxError, LogLevel};
use serde::Deserialize;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A reply longer than this is not the short answer a health command gets.
const MAX_REPLY_BYTES: usize = 64 * 1024;
/// What a reply may declare: the same bound, and no deep arrays.
const REPLY_LIMITS: Limits = Limits {
    max_reply_bytes: MAX_REPLY_BYTES,
    max_depth: 8,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_command")]
    command: Vec<String>,
    #[serde(default = "default_expect")]
    expect: String,
    #[serde(default = "default_max_io_ms")]
    max_io_ms: u64,
}

fn default_command() -> Vec<String> {
    vec!["PING".into()]
}
fn default_expect() -> String {
    "PONG".into()
}
fn default_max_io_ms() -> u64 {
    5000
}

/// What every host's check sends and expects.
#[derive(Debug)]
struct Check {
    request: Vec<u8>,
    expect: Vec<u8>,
    max_io: Duration,
}

pub struct RedisPingConfig {
    check: Arc<Check>,
}

impl RedisPingConfig {
    pub fn new(
        _envoy: &mut impl EnvoyHealthCheckerConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.command.is_empty() || raw.command.iter().any(String::is_empty) {
            return Err("command must be a non-empty list of non-empty words".into());
        }
        if raw.expect.is_empty() || raw.expect.contains(['\r', '\n']) {
            return Err("expect must be non-empty text on one line".into());
        }
        if !(1..=60_000).contains(&raw.max_io_ms) {
            return Err("max_io_ms must be 1 to 60000".into());
        }
        let words: Vec<&[u8]> = raw.command.iter().map(|w| w.as_bytes()).collect();
        Ok(Self {
            check: Arc::new(Check {
                request: encode_command(&words),
                expect: raw.expect.into_bytes(),
                max_io: Duration::from_millis(raw.max_io_ms),
            }),
        })
    }
}

impl<E: EnvoyHealthChecker> HealthCheckerConfig<E> for RedisPingConfig {
    fn new_session(&self, envoy: &mut E) -> Box<dyn HealthCheckerSession<E>> {
        let address = envoy.host_address().map(str::to_owned).unwrap_or_default();
        Box::new(RedisPing::start(self.check.clone(), address))
    }
}

/// The longest a connect may take: Drop waits for the thread, and a connect
/// is the one step it cannot cut short.
const MAX_CONNECT: Duration = Duration::from_secs(1);

/// What a session and its thread share.
#[derive(Default)]
struct Shared {
    /// The connection of the check in flight, for on_timeout and Drop to cut.
    in_flight: Mutex<Option<TcpStream>>,
    /// The session is going: no new check starts.
    closing: AtomicBool,
}

impl Shared {
    fn cut(&self) {
        if let Some(conn) = self
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

/// One host: the thread that checks it, and the connection of the check in flight.
pub struct RedisPing<R: HealthReporter> {
    /// One check waits at most; a second while one runs fails at once.
    jobs: Option<SyncSender<R>>,
    shared: Arc<Shared>,
    /// Joined on drop, so no code of the module runs once its session is
    /// gone (Envoy may unload the module after the last one).
    worker: Option<JoinHandle<()>>,
}

impl<R: HealthReporter> RedisPing<R> {
    fn start(check: Arc<Check>, address: String) -> Self {
        let (jobs, queue) = sync_channel::<R>(1);
        let shared = Arc::new(Shared::default());
        let ours = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("hc_redis_ping".into())
            .spawn(move || {
                let mut last_ok = None;
                // Ends when the session drops its sender.
                for reporter in queue {
                    let result = address
                        .parse::<SocketAddr>()
                        .map_err(|_| format!("not an ip:port address: {address:?}"))
                        .and_then(|at| run(&check, at, &ours));
                    let ok = result.is_ok();
                    reporter.report(if ok {
                        HostHealth::Healthy
                    } else {
                        HostHealth::Unhealthy
                    });
                    // One line per change, not per check; none once closing.
                    if last_ok != Some(ok) && !ours.closing.load(SeqCst) {
                        let line = match &result {
                            Ok(()) => format!("hc_redis_ping: {address}: passes"),
                            Err(why) => format!("hc_redis_ping: {address}: fails: {why}"),
                        };
                        envoy_dm_sdk::log::log(LogLevel::Info, &line);
                        last_ok = Some(ok);
                    }
                }
            });
        let worker = spawned.ok();
        Self {
            // No thread, no sender: every check then fails at once.
            jobs: worker.is_some().then_some(jobs),
            shared,
            worker,
        }
    }
}

impl<E: EnvoyHealthChecker> HealthCheckerSession<E> for RedisPing<E::Reporter> {
    fn on_interval(&mut self, envoy: &mut E) {
        let reporter = envoy.reporter();
        let Some(jobs) = &self.jobs else {
            return reporter.report(HostHealth::Unhealthy);
        };
        match jobs.try_send(reporter) {
            Ok(()) => {}
            // The previous check still runs (Envoy's timeout is longer than
            // max_io_ms allows for): this one fails rather than queue up.
            Err(TrySendError::Full(r) | TrySendError::Disconnected(r)) => {
                r.report(HostHealth::Unhealthy)
            }
        }
    }

    fn on_timeout(&mut self) {
        self.shared.cut();
    }
}

impl<R: HealthReporter> Drop for RedisPing<R> {
    fn drop(&mut self) {
        // Closing first, then the cut: a check either sees closing or has
        // registered its connection for the cut (run() checks after it registers).
        self.shared.closing.store(true, SeqCst);
        self.jobs = None;
        self.shared.cut();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// One check: connect, send, read one reply, compare.
fn run(check: &Check, at: SocketAddr, shared: &Shared) -> Result<(), String> {
    let closing = || Err("the session is closing".to_string());
    if shared.closing.load(SeqCst) {
        return closing();
    }
    let deadline = Instant::now() + check.max_io;
    let mut conn = TcpStream::connect_timeout(&at, check.max_io.min(MAX_CONNECT))
        .map_err(|e| format!("connect: {e}"))?;
    let clone = conn.try_clone().map_err(|e| e.to_string())?;
    *shared.in_flight.lock().unwrap_or_else(|e| e.into_inner()) = Some(clone);
    let result = if shared.closing.load(SeqCst) {
        closing()
    } else {
        exchange(check, &mut conn, deadline)
    };
    shared
        .in_flight
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    result
}

fn exchange(check: &Check, conn: &mut TcpStream, deadline: Instant) -> Result<(), String> {
    let left = || {
        let d = deadline.saturating_duration_since(Instant::now());
        (!d.is_zero())
            .then_some(d)
            .ok_or("no reply within max_io_ms")
    };
    conn.set_write_timeout(Some(left()?))
        .map_err(|e| e.to_string())?;
    conn.write_all(&check.request)
        .map_err(|e| format!("send: {e}"))?;
    let mut reply = Vec::with_capacity(64);
    let mut chunk = [0u8; 512];
    loop {
        if let Some((parsed, _)) = parse_reply(&reply, &REPLY_LIMITS).map_err(|e| e.0)? {
            return judge(&parsed, &check.expect);
        }
        if reply.len() > MAX_REPLY_BYTES {
            return Err(format!("reply over {MAX_REPLY_BYTES} bytes"));
        }
        conn.set_read_timeout(Some(left()?))
            .map_err(|e| e.to_string())?;
        match conn.read(&mut chunk) {
            Ok(0) => return Err("closed before a whole reply".into()),
            Ok(n) => reply.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

/// Whether one reply passes: the expected text as a simple or bulk string.
pub fn judge(reply: &Reply, expect: &[u8]) -> Result<(), String> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match reply {
        Reply::Simple(s) | Reply::Bulk(Some(s)) if *s == expect => Ok(()),
        Reply::Error(e) => Err(format!("-{}", text(e))),
        other => Err(format!(
            "unexpected reply {other:?}; expected {}",
            text(expect)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::health_checker::testing::{FakeHealthChecker, FakeHealthCheckerConfig};
    use std::net::TcpListener;

    fn config(json: &str) -> Result<RedisPingConfig, BoxError> {
        RedisPingConfig::new(&mut FakeHealthCheckerConfig, json.as_bytes())
    }

    /// A server that answers each connection's first read with `reply`
    /// (or never answers when None).
    fn server(reply: Option<&'static [u8]>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let at = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let mut conn = conn.unwrap();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 256];
                    let _ = conn.read(&mut buf);
                    match reply {
                        Some(r) => {
                            let _ = conn.write_all(r);
                        }
                        None => std::thread::sleep(Duration::from_secs(30)),
                    }
                });
            }
        });
        at
    }

    fn check_once(
        json: &str,
        host: &str,
    ) -> (
        HostHealth,
        RedisPing<<FakeHealthChecker as EnvoyHealthChecker>::Reporter>,
        FakeHealthChecker,
    ) {
        let config = config(json).unwrap();
        let mut envoy = FakeHealthChecker::at(host);
        let mut session = RedisPing::start(config.check.clone(), host.to_string());
        HealthCheckerSession::<FakeHealthChecker>::on_interval(&mut session, &mut envoy);
        let reports = envoy.wait_reports(1, Duration::from_secs(5));
        (reports[0], session, envoy)
    }

    #[test]
    fn pong_passes_and_anything_else_fails() {
        let cases: [(&'static [u8], HostHealth); 6] = [
            (b"+PONG\r\n", HostHealth::Healthy),
            (b"$4\r\nPONG\r\n", HostHealth::Healthy),
            (
                b"-NOAUTH Authentication required.\r\n",
                HostHealth::Unhealthy,
            ),
            (b"+PANG\r\n", HostHealth::Unhealthy),
            (b"HTTP/1.1 400 Bad Request\r\n\r\n", HostHealth::Unhealthy),
            (b"+PON", HostHealth::Unhealthy),
        ];
        for (reply, want) in cases {
            let (got, _, _) = check_once("{}", &server(Some(reply)));
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(reply));
        }
    }

    #[test]
    fn silence_fails_at_max_io_and_a_timeout_cuts_it_short() {
        let host = server(None);
        let started = Instant::now();
        let (got, _, _) = check_once(r#"{"max_io_ms": 200}"#, &host);
        assert_eq!(got, HostHealth::Unhealthy);
        assert!(started.elapsed() < Duration::from_secs(2));

        let config = config(r#"{"max_io_ms": 30000}"#).unwrap();
        let mut envoy = FakeHealthChecker::at(&host);
        let mut session = RedisPing::start(config.check.clone(), host.clone());
        HealthCheckerSession::<FakeHealthChecker>::on_interval(&mut session, &mut envoy);
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        HealthCheckerSession::<FakeHealthChecker>::on_timeout(&mut session);
        assert_eq!(
            envoy.wait_reports(1, Duration::from_secs(5)),
            [HostHealth::Unhealthy]
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the timeout freed the thread"
        );
    }

    #[test]
    fn dropping_a_session_cuts_its_check_and_waits_for_its_thread() {
        let host = server(None);
        let config = config(r#"{"max_io_ms": 30000}"#).unwrap();
        let mut envoy = FakeHealthChecker::at(&host);
        let mut session = RedisPing::start(config.check.clone(), host.clone());
        HealthCheckerSession::<FakeHealthChecker>::on_interval(&mut session, &mut envoy);
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        drop(session);
        assert!(started.elapsed() < Duration::from_secs(1));
        // The thread reported (and ended) before drop returned.
        assert_eq!(envoy.reports(), [HostHealth::Unhealthy]);
    }

    #[test]
    fn a_closed_port_and_a_non_address_fail() {
        let closed = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().to_string()
        };
        assert_eq!(check_once("{}", &closed).0, HostHealth::Unhealthy);
        assert_eq!(check_once("{}", "/tmp/redis.sock").0, HostHealth::Unhealthy);
    }

    #[test]
    fn bad_configs_are_refused() {
        for (json, why) in [
            (r#"{"command": []}"#, "command must be"),
            (r#"{"command": ["PING", ""]}"#, "command must be"),
            (r#"{"expect": ""}"#, "expect must be"),
            (r#"{"expect": "a\r\nb"}"#, "expect must be"),
            (r#"{"max_io_ms": 0}"#, "max_io_ms must be"),
            (r#"{"timeout": 1}"#, "unknown field"),
            ("[]", "expected a JSON object"),
        ] {
            let error = config(json).err().expect(json).to_string();
            assert!(error.contains(why), "{json}: {error}");
        }
        let ok = config(r#"{"command": ["ECHO", "up"], "expect": "up"}"#).unwrap();
        assert_eq!(ok.check.request, encode_command(&[b"ECHO", b"up"]));
    }
}
