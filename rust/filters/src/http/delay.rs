//! `delay`: holds a request carrying `do-delay: <ms>` for that long, then lets
//! it go on, headers, body and trailers alike.
//!
//! Config: `{"max_delay_ms": 5000, "max_concurrent": 1024}`. A delay above the
//! maximum, or a value that is not a whole number of milliseconds, gets 400.
//! Past `max_concurrent` requests held at once, a new delayed request gets 503
//! (default 1024). The response carries `x-delay-measured-ms`: the pause as
//! measured between the stop and the resume.
//!
//! One timer thread per configuration serves every pending delay: it keeps the
//! deadlines in a heap and, at each one, commits the stream's Envoy scheduler,
//! so the stream resumes on its own worker (`on_scheduled`). Until then every
//! phase returns its Stop status (the body is buffered), and the resume happens
//! once. A stream destroyed while held takes its entry out of the timer (under
//! the timer's lock, so no commit can race with it); dropping the configuration
//! stops and joins the thread, so nothing touches Envoy after shutdown.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    RequestBodyStatus, RequestHeadersStatus, RequestTrailersStatus, ResponseHeadersStatus,
    Scheduler,
};
use serde::Deserialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const DELAY_HEADER: &str = "do-delay";
pub const MEASURED_HEADER: &str = "x-delay-measured-ms";
pub const DEFAULT_MAX_CONCURRENT: usize = 1024;
const MAX_MAX_CONCURRENT: usize = 1_000_000;
const RESUME: u64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    max_delay_ms: u64,
    #[serde(default = "default_max_concurrent")]
    max_concurrent: usize,
}

fn default_max_concurrent() -> usize {
    DEFAULT_MAX_CONCURRENT
}

/// The delay a `do-delay` value asks for: ASCII digits, optionally surrounded
/// by spaces or tabs, at most `max_ms`. The error is the 400's body.
pub fn parse_delay(raw: &[u8], max_ms: u64) -> Result<u64, String> {
    let text = raw.trim_ascii();
    let ms = (!text.is_empty() && text.iter().all(u8::is_ascii_digit))
        .then(|| std::str::from_utf8(text).ok()?.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| format!("{DELAY_HEADER} must be a whole number of milliseconds\n"))?;
    if ms > max_ms {
        return Err(format!(
            "{DELAY_HEADER} of {ms} ms is above the maximum of {max_ms} ms\n"
        ));
    }
    Ok(ms)
}

/// What the timer thread and the streams share.
#[derive(Default)]
struct Pending {
    /// The held streams' schedulers, by delay id.
    schedulers: HashMap<u64, Box<dyn Scheduler>>,
    /// Deadlines, earliest first; ids no longer in `schedulers` were cancelled.
    deadlines: BinaryHeap<Reverse<(Instant, u64)>>,
    next_id: u64,
    shutdown: bool,
}

#[derive(Default)]
struct Timer {
    pending: Mutex<Pending>,
    wake: Condvar,
}

/// The stream could not be held: `max_concurrent` are held already.
struct Full;

impl Timer {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A panic never happens under this lock; recover the data if it did.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add(&self, at: Instant, scheduler: Box<dyn Scheduler>, cap: usize) -> Result<u64, Full> {
        let mut pending = self.lock();
        if pending.schedulers.len() >= cap {
            return Err(Full);
        }
        pending.next_id += 1;
        let id = pending.next_id;
        pending.schedulers.insert(id, scheduler);
        pending.deadlines.push(Reverse((at, id)));
        // Cancelled entries are skipped when due; rebuild when they dominate.
        if pending.deadlines.len() > 2 * pending.schedulers.len() + 64 {
            let live: BinaryHeap<_> = std::mem::take(&mut pending.deadlines)
                .into_iter()
                .filter(|Reverse((_, id))| pending.schedulers.contains_key(id))
                .collect();
            pending.deadlines = live;
        }
        drop(pending);
        self.wake.notify_one();
        Ok(id)
    }

    /// Takes a held stream out; its scheduler is dropped here, on the stream's worker.
    fn cancel(&self, id: u64) {
        let scheduler = self.lock().schedulers.remove(&id);
        drop(scheduler);
    }

    fn held(&self) -> usize {
        self.lock().schedulers.len()
    }

    /// The timer thread: commits each scheduler at its deadline, under the lock.
    fn run(&self) {
        let mut pending = self.lock();
        while !pending.shutdown {
            let now = Instant::now();
            while let Some(&Reverse((at, id))) = pending.deadlines.peek() {
                if at > now {
                    break;
                }
                pending.deadlines.pop();
                if let Some(scheduler) = pending.schedulers.remove(&id) {
                    scheduler.commit(RESUME);
                }
            }
            pending = match pending.deadlines.peek() {
                Some(&Reverse((at, _))) => {
                    let wait = at.saturating_duration_since(Instant::now());
                    self.wake
                        .wait_timeout(pending, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.wake.wait(pending).unwrap_or_else(|e| e.into_inner()),
            };
        }
        // Streams are gone before their configuration; drop whatever is left
        // without waking anything.
        pending.schedulers.clear();
    }
}

pub struct DelayConfig {
    max_delay_ms: u64,
    max_concurrent: usize,
    timer: Arc<Timer>,
    thread: Option<JoinHandle<()>>,
}

impl DelayConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.max_delay_ms == 0 || raw.max_delay_ms > 60_000 {
            return Err(
                format!("max_delay_ms must be 1 to 60000, got {}", raw.max_delay_ms).into(),
            );
        }
        if raw.max_concurrent == 0 || raw.max_concurrent > MAX_MAX_CONCURRENT {
            return Err(format!(
                "max_concurrent must be 1 to {MAX_MAX_CONCURRENT}, got {}",
                raw.max_concurrent
            )
            .into());
        }
        let timer = Arc::new(Timer::default());
        let thread = {
            let timer = Arc::clone(&timer);
            // Nothing in run() panics; the thread holds no Envoy pointer but the
            // schedulers, which Envoy lets any thread commit and delete.
            std::thread::Builder::new()
                .name("delay-timer".into())
                .spawn(move || timer.run())?
        };
        Ok(Self {
            max_delay_ms: raw.max_delay_ms,
            max_concurrent: raw.max_concurrent,
            timer,
            thread: Some(thread),
        })
    }

    /// How many streams are held right now.
    pub fn held(&self) -> usize {
        self.timer.held()
    }
}

impl Drop for DelayConfig {
    fn drop(&mut self) {
        self.timer.lock().shutdown = true;
        self.timer.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            // Quick: the thread only ever waits on the condition variable.
            let _ = thread.join();
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for DelayConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Delay {
            max_delay_ms: self.max_delay_ms,
            max_concurrent: self.max_concurrent,
            timer: Arc::clone(&self.timer),
            held: None,
            paused_at: None,
            measured_ms: None,
        })
    }
}

pub struct Delay {
    max_delay_ms: u64,
    max_concurrent: usize,
    timer: Arc<Timer>,
    /// The timer entry while the stream is held.
    held: Option<u64>,
    paused_at: Option<Instant>,
    measured_ms: Option<u128>,
}

impl Drop for Delay {
    fn drop(&mut self) {
        if let Some(id) = self.held.take() {
            self.timer.cancel(id);
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for Delay {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        let Some(raw) = envoy.get_header(HeaderType::RequestHeader, DELAY_HEADER) else {
            return RequestHeadersStatus::Continue;
        };
        let ms = match parse_delay(raw, self.max_delay_ms) {
            Ok(ms) => ms,
            Err(why) => {
                envoy.send_response(400, &[], why.as_bytes(), "delay_refused");
                return RequestHeadersStatus::StopIteration;
            }
        };
        let now = Instant::now();
        let at = now + Duration::from_millis(ms);
        match self
            .timer
            .add(at, Box::new(envoy.new_scheduler()), self.max_concurrent)
        {
            Ok(id) => {
                self.held = Some(id);
                self.paused_at = Some(now);
                RequestHeadersStatus::StopIteration
            }
            Err(Full) => {
                let why = format!(
                    "delay: {} requests are delayed already (max_concurrent)\n",
                    self.max_concurrent
                );
                envoy.send_response(503, &[], why.as_bytes(), "delay_overloaded");
                RequestHeadersStatus::StopIteration
            }
        }
    }

    fn on_request_body(&mut self, _envoy: &mut E, _end_of_stream: bool) -> RequestBodyStatus {
        if self.held.is_some() {
            RequestBodyStatus::StopIterationAndBuffer
        } else {
            RequestBodyStatus::Continue
        }
    }

    fn on_request_trailers(&mut self, _envoy: &mut E) -> RequestTrailersStatus {
        if self.held.is_some() {
            RequestTrailersStatus::StopIteration
        } else {
            RequestTrailersStatus::Continue
        }
    }

    fn on_scheduled(&mut self, envoy: &mut E, event_id: u64) {
        // The timer removed the entry before committing; resume exactly once.
        if event_id == RESUME && self.held.take().is_some() {
            self.measured_ms = self.paused_at.map(|t| t.elapsed().as_millis());
            envoy.continue_decoding();
        }
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        if let Some(ms) = self.measured_ms {
            envoy.set_header(
                HeaderType::ResponseHeader,
                MEASURED_HEADER,
                ms.to_string().as_bytes(),
            );
        }
        ResponseHeadersStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn config(json: &str) -> DelayConfig {
        DelayConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()).unwrap()
    }

    fn stream(
        config: &DelayConfig,
        delay: &str,
    ) -> (Box<dyn HttpFilter<FakeEnvoyFilter>>, FakeEnvoyFilter) {
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(DELAY_HEADER, delay)]);
        (config.new_http_filter(&mut envoy), envoy)
    }

    fn wait_for_commit(envoy: &FakeEnvoyFilter) {
        let started = Instant::now();
        while envoy.scheduled.lock().unwrap().is_empty() {
            assert!(started.elapsed() < Duration::from_secs(10), "no commit");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    // The defect issue 10 reproduced through Envoy: the body hook returned
    // Continue, so Envoy resumed a POST at once. Every phase must hold.
    #[test]
    fn holds_headers_body_and_trailers_until_the_timer_fires() {
        let config = config(r#"{"max_delay_ms": 100}"#);
        let (mut filter, mut envoy) = stream(&config, "20");
        assert_eq!(
            filter.on_request_headers(&mut envoy, false),
            RequestHeadersStatus::StopIteration
        );
        assert_eq!(
            filter.on_request_body(&mut envoy, false),
            RequestBodyStatus::StopIterationAndBuffer
        );
        assert_eq!(
            filter.on_request_trailers(&mut envoy),
            RequestTrailersStatus::StopIteration
        );
        assert_eq!(config.held(), 1);
        wait_for_commit(&envoy);
        assert_eq!(*envoy.scheduled.lock().unwrap(), vec![RESUME]);
        filter.on_scheduled(&mut envoy, RESUME);
        filter.on_scheduled(&mut envoy, RESUME);
        assert_eq!(envoy.continued_decoding, 1, "resumes once");
        assert_eq!(config.held(), 0);
        filter.on_response_headers(&mut envoy, false);
        let measured: u128 = envoy.values(HeaderType::ResponseHeader, MEASURED_HEADER)[0]
            .parse()
            .unwrap();
        assert!(measured >= 20, "{measured}");
    }

    #[test]
    fn requests_without_the_header_pass_untouched() {
        let config = config(r#"{"max_delay_ms": 100}"#);
        let mut envoy = FakeEnvoyFilter::default();
        let mut filter = config.new_http_filter(&mut envoy);
        assert_eq!(
            filter.on_request_headers(&mut envoy, false),
            RequestHeadersStatus::Continue
        );
        assert_eq!(
            filter.on_request_body(&mut envoy, true),
            RequestBodyStatus::Continue
        );
        assert_eq!(config.held(), 0);
    }

    #[test]
    fn one_timer_serves_many_delays_in_deadline_order() {
        let config = config(r#"{"max_delay_ms": 1000}"#);
        let mut streams: Vec<_> = [300, 10, 150, 10, 60]
            .iter()
            .map(|ms| stream(&config, &ms.to_string()))
            .collect();
        for (filter, envoy) in &mut streams {
            filter.on_request_headers(envoy, true);
        }
        assert_eq!(config.held(), 5);
        for (_, envoy) in &streams {
            wait_for_commit(envoy);
        }
        assert_eq!(config.held(), 0);
    }

    #[test]
    fn past_max_concurrent_the_answer_is_503() {
        let config = config(r#"{"max_delay_ms": 1000, "max_concurrent": 2}"#);
        let mut held: Vec<_> = (0..2).map(|_| stream(&config, "1000")).collect();
        for (filter, envoy) in &mut held {
            filter.on_request_headers(envoy, true);
            assert!(envoy.sent_response.is_none());
        }
        let (mut filter, mut envoy) = stream(&config, "1000");
        filter.on_request_headers(&mut envoy, true);
        let sent = envoy.sent_response.clone().unwrap();
        assert_eq!(sent.status, 503);
        assert_eq!(
            String::from_utf8(sent.body).unwrap(),
            "delay: 2 requests are delayed already (max_concurrent)\n"
        );
        // A held stream that goes away frees its place.
        held.pop();
        let (mut filter, mut envoy) = stream(&config, "1000");
        filter.on_request_headers(&mut envoy, true);
        assert!(envoy.sent_response.is_none());
    }

    #[test]
    fn a_stream_destroyed_while_held_is_never_woken() {
        let config = config(r#"{"max_delay_ms": 1000}"#);
        let (mut filter, mut envoy) = stream(&config, "30");
        filter.on_request_headers(&mut envoy, true);
        let scheduled = Arc::clone(&envoy.scheduled);
        drop(filter);
        assert_eq!(config.held(), 0);
        std::thread::sleep(Duration::from_millis(100));
        assert!(scheduled.lock().unwrap().is_empty());
    }

    #[test]
    fn dropping_the_config_stops_the_timer_without_waking_anyone() {
        let config = config(r#"{"max_delay_ms": 60000}"#);
        let (mut filter, mut envoy) = stream(&config, "60000");
        filter.on_request_headers(&mut envoy, true);
        let started = Instant::now();
        drop(config);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(envoy.scheduled.lock().unwrap().is_empty());
        drop(filter);
    }

    #[test]
    fn refuses_too_long_or_malformed_delays_with_400() {
        let config = config(r#"{"max_delay_ms": 100}"#);
        for bad in [
            "101",
            "soon",
            "-5",
            "+5",
            " ",
            "1 2",
            "99999999999999999999999",
        ] {
            let (mut filter, mut envoy) = stream(&config, bad);
            filter.on_request_headers(&mut envoy, true);
            assert_eq!(envoy.sent_response.map(|r| r.status), Some(400), "{bad}");
        }
    }

    #[test]
    fn parses_the_header() {
        assert_eq!(parse_delay(b" 42\t", 100), Ok(42));
        assert_eq!(parse_delay(b"0", 100), Ok(0));
        assert!(parse_delay(b"", 100).is_err());
        assert_eq!(parse_delay(b"100", 100), Ok(100));
        assert_eq!(
            parse_delay(b"101", 100),
            Err("do-delay of 101 ms is above the maximum of 100 ms\n".into())
        );
        assert!(
            parse_delay("１".as_bytes(), 100).is_err(),
            "ASCII digits only"
        );
    }

    #[test]
    fn refuses_bad_configs() {
        for (json, why) in [
            (r#"{"max_delay_ms": 0}"#, "max_delay_ms must be 1 to 60000"),
            (
                r#"{"max_delay_ms": 10, "max_concurrent": 0}"#,
                "max_concurrent must be 1 to 1000000, got 0",
            ),
        ] {
            let err = DelayConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{err}");
        }
    }
}
