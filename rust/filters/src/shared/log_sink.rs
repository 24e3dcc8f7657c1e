//! The file side of the JSON-lines loggers (`access_logger`, the HTTP filter,
//! and `json_access_log`, the access logger extension): log files opened the
//! way the module promises, writer threads fed through bounded queues, drop
//! accounting, and header redaction. The guarantees are stated once, in
//! `access_logger.rs`, and hold for both.

use crate::shared::header_name::check_name;
use crate::shared::logged_bytes::LoggedBytes;
use envoy_dm_sdk::{envoy_log, BoxError};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, Once};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// More workers than this buys nothing but open files.
pub const MAX_WORKERS: u32 = 64;
pub const DEFAULT_QUEUE_LINES: usize = 16384;
pub const MAX_QUEUE_LINES: usize = 1 << 20;
/// The mode of every log file, set with fchmod after opening.
pub const FILE_MODE: u32 = 0o640;
pub const REDACTED: &str = "[REDACTED]";
pub const DEFAULT_REDACT: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];
/// How often a writer checks its path for rotation.
const ROTATION_CHECK: Duration = Duration::from_millis(200);
/// At most one drop warning per writer per this long.
const REPORT_EVERY: Duration = Duration::from_secs(1);

// ------------------------------------------------------------------ files

/// Opens (creating) a log file the way the module promises: append-only, no
/// symlink, no FIFO or device, mode FILE_MODE whatever the umask.
pub fn open_log(path: &Path) -> Result<File, String> {
    let fail = |e: io::Error| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            format!(
                "cannot open {}: it is a symbolic link, and log files are opened with O_NOFOLLOW",
                path.display()
            )
        } else {
            format!("cannot open {}: {e}", path.display())
        }
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    if !meta.file_type().is_file() {
        return Err(format!(
            "cannot open {}: not a regular file",
            path.display()
        ));
    }
    file.set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(fail)?;
    Ok(file)
}

/// One writer's file, reopened when its path stops naming it.
struct LogFile {
    path: PathBuf,
    file: File,
    last_check: Instant,
}

impl LogFile {
    fn new(path: PathBuf, file: File) -> Self {
        Self {
            path,
            file,
            last_check: Instant::now(),
        }
    }

    /// One write(2) of the whole line.
    fn write_line(&mut self, line: &[u8]) -> Result<(), String> {
        match (&self.file).write(line) {
            Ok(n) if n == line.len() => Ok(()),
            Ok(n) => Err(format!("short write of {n} of {} bytes", line.len())),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Reopens the path when it was renamed away or removed. A failed reopen
    /// keeps the current file (lines are not lost, only in the renamed file).
    fn check_rotation(&mut self) -> Option<String> {
        if self.last_check.elapsed() < ROTATION_CHECK {
            return None;
        }
        self.last_check = Instant::now();
        let ours = self.file.metadata().ok().map(|m| (m.dev(), m.ino()));
        let named = std::fs::symlink_metadata(&self.path)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if named.is_some() && named == ours {
            return None;
        }
        match open_log(&self.path) {
            Ok(file) => {
                self.file = file;
                None
            }
            Err(e) => Some(e),
        }
    }
}

// ----------------------------------------------------------------- writers

/// What the loggers and one configuration's writers share.
struct Drops {
    /// The logger named in the warnings.
    who: &'static str,
    /// Dropped lines the counter has not been told about yet.
    unreported: AtomicU64,
    /// Dropped lines per reason since the last warning.
    queue_full: AtomicU64,
    write_failed: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl Drops {
    fn new(who: &'static str) -> Self {
        Self {
            who,
            unreported: AtomicU64::new(0),
            queue_full: AtomicU64::new(0),
            write_failed: AtomicU64::new(0),
            last_error: Mutex::new(None),
        }
    }

    fn dropped_queue_full(&self) {
        self.unreported.fetch_add(1, Ordering::Relaxed);
        self.queue_full.fetch_add(1, Ordering::Relaxed);
    }

    fn dropped_write_failed(&self, why: String) {
        self.unreported.fetch_add(1, Ordering::Relaxed);
        self.write_failed.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
    }

    /// Logs what was dropped since the last call, if anything.
    fn warn(&self, path: &Path) {
        let who = self.who;
        let full = self.queue_full.swap(0, Ordering::Relaxed);
        let failed = self.write_failed.swap(0, Ordering::Relaxed);
        if full + failed == 0 {
            return;
        }
        let why = self
            .last_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .map(|e| format!(" (last error: {e})"))
            .unwrap_or_default();
        envoy_log!(
            Warn,
            "{who}: dropped {} lines for {}: {full} found the queue full, {failed} failed to write{why}",
            full + failed,
            path.display()
        );
    }
}

/// Set at process exit (or module unload): writers drain and stop.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Lines handed to a queue and not yet written (or dropped by a failed
/// write), over every configuration of both loggers: what [`flush`] waits for.
static PENDING: AtomicU64 = AtomicU64::new(0);

/// A slow disk, for the test that lines queued at shutdown still reach the
/// file: `DM_ACCESS_LOG_WRITE_DELAY_MS` milliseconds before every write, read
/// once per writer, and only in the test build with DM_ENABLE_FAULT_INJECTION=1 (see `shared::fault`).
pub const WRITE_DELAY_ENV: &str = "DM_ACCESS_LOG_WRITE_DELAY_MS";

fn test_write_delay() -> Option<Duration> {
    if !crate::shared::fault::enabled() {
        return None;
    }
    let ms: u64 = std::env::var(WRITE_DELAY_ENV).ok()?.parse().ok()?;
    (ms > 0).then(|| Duration::from_millis(ms.min(1000)))
}

/// Lines queued and not yet written, in every logger configuration.
pub fn pending_lines() -> u64 {
    PENDING.load(Ordering::SeqCst)
}

/// Waits until every line queued so far is written, or `timeout` passed;
/// true when nothing is pending. Called from lab_status's drain and shutdown
/// hooks, so a server exiting does not race its writers.
pub fn flush(timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while pending_lines() > 0 {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Every writer thread not yet joined.
static WRITERS: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

extern "C" fn join_writers_at_exit() {
    STOPPING.store(true, Ordering::SeqCst);
    join_writers();
}

/// Joins every writer: each drains its queue first. Runs at exit, and when
/// Envoy unloads the module (atexit handlers of a shared object run at its
/// dlclose), so no writer outlives the code it runs.
pub fn join_writers() {
    let writers = std::mem::take(&mut *WRITERS.lock().unwrap_or_else(|e| e.into_inner()));
    for writer in writers {
        let _ = writer.join();
    }
}

fn register_writer(writer: JoinHandle<()>) {
    static AT_EXIT: Once = Once::new();
    AT_EXIT.call_once(|| {
        // SAFETY: registers a plain extern "C" fn; failure only loses the join.
        unsafe { libc::atexit(join_writers_at_exit) };
    });
    let mut writers = WRITERS.lock().unwrap_or_else(|e| e.into_inner());
    // Writers of dropped configurations that have finished need no join.
    writers.retain(|w| !w.is_finished());
    writers.push(writer);
}

/// A writer thread: one write per line, a rotation check and a drop report at
/// least every tick, until its queue closes (or the process exits) and is empty.
fn write_lines(rx: Receiver<Vec<u8>>, mut log: LogFile, drops: Arc<Drops>) {
    let mut last_report = Instant::now();
    let delay = test_write_delay();
    loop {
        let line = if STOPPING.load(Ordering::Relaxed) {
            match rx.try_recv() {
                Ok(line) => Some(line),
                Err(_) => break,
            }
        } else {
            match rx.recv_timeout(ROTATION_CHECK) {
                Ok(line) => Some(line),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        };
        if let Some(why) = log.check_rotation() {
            *drops.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        }
        if let Some(line) = line {
            #[cfg(test)]
            let _gate = tests::GATE.read();
            if let Some(delay) = delay {
                std::thread::sleep(delay);
            }
            if let Err(why) = log.write_line(&line) {
                drops.dropped_write_failed(why);
            }
            PENDING.fetch_sub(1, Ordering::SeqCst);
        }
        if last_report.elapsed() >= REPORT_EVERY {
            drops.warn(&log.path);
            last_report = Instant::now();
        }
    }
    drops.warn(&log.path);
}

// ------------------------------------------------------------------ sinks

/// The config both loggers take (every field but `dirname` optional).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    dirname: PathBuf,
    #[serde(default = "one")]
    num_workers: u32,
    #[serde(default = "default_queue")]
    queue_lines: usize,
    #[serde(default)]
    redact_headers: Option<Vec<String>>,
}

fn one() -> u32 {
    1
}

fn default_queue() -> usize {
    DEFAULT_QUEUE_LINES
}

/// A config's settings, checked, before any file is opened or thread started.
#[derive(Debug)]
pub struct Settings {
    pub dirname: PathBuf,
    pub num_workers: u32,
    pub queue_lines: usize,
    /// Lowercase header names whose values are logged as REDACTED.
    pub redact: Vec<String>,
}

impl Settings {
    /// Parses and checks a config without side effects (the fuzz target's entry).
    pub fn parse(config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        check_counts(raw.num_workers, raw.queue_lines)?;
        Ok(Self {
            dirname: raw.dirname,
            num_workers: raw.num_workers,
            queue_lines: raw.queue_lines,
            redact: redact_list(raw.redact_headers)?,
        })
    }
}

/// The redaction list of a config: the default four when absent, else the
/// names given (checked as header names; `[]` turns redaction off).
fn redact_list(names: Option<Vec<String>>) -> Result<Vec<String>, BoxError> {
    match names {
        None => Ok(DEFAULT_REDACT.iter().map(|s| s.to_string()).collect()),
        Some(names) => Ok(names
            .iter()
            .enumerate()
            .map(|(i, n)| check_name(&format!("redact_headers[{i}]"), n, false))
            .collect::<Result<Vec<_>, _>>()?),
    }
}

/// Refuses writer and queue counts out of range.
fn check_counts(num_workers: u32, queue_lines: usize) -> Result<(), BoxError> {
    if num_workers == 0 || num_workers > MAX_WORKERS {
        return Err(format!("num_workers must be 1 to {MAX_WORKERS}, got {num_workers}").into());
    }
    if queue_lines == 0 || queue_lines > MAX_QUEUE_LINES {
        return Err(
            format!("queue_lines must be 1 to {MAX_QUEUE_LINES}, got {queue_lines}").into(),
        );
    }
    Ok(())
}

/// One configuration's writers and the senders of their queues, shared by
/// its loggers. Dropping the last clone closes the queues; the writers drain
/// them and exit on their own.
pub struct Sink {
    senders: Vec<SyncSender<Vec<u8>>>,
    next: AtomicUsize,
    drops: Arc<Drops>,
}

impl Sink {
    /// Opens `{dirname}/{stem}_{i}.log` for each of `num_workers` writers and
    /// starts them. Every file is opened before any thread starts, so a bad
    /// directory refuses the config and leaves nothing running. `who` names
    /// the logger in drop warnings.
    pub fn open(
        who: &'static str,
        dirname: &Path,
        stem: &str,
        num_workers: u32,
        queue_lines: usize,
    ) -> Result<Self, BoxError> {
        check_counts(num_workers, queue_lines)?;
        let files = (0..num_workers)
            .map(|i| {
                let path = dirname.join(format!("{stem}_{i}.log"));
                open_log(&path).map(|file| LogFile::new(path, file))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let drops = Arc::new(Drops::new(who));
        let mut senders = Vec::new();
        for (i, file) in files.into_iter().enumerate() {
            let (tx, rx) = mpsc::sync_channel(queue_lines);
            senders.push(tx);
            let drops = Arc::clone(&drops);
            register_writer(
                std::thread::Builder::new()
                    .name(format!("{stem}-{i}"))
                    .spawn(move || write_lines(rx, file, drops))?,
            );
        }
        Ok(Self {
            senders,
            next: AtomicUsize::new(0),
            drops,
        })
    }

    /// Hands one line to the writers, round-robin; a full queue drops it.
    pub fn send(&self, line: Vec<u8>) {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.senders.len();
        // Counted before the send, so the writer's decrement never comes first.
        PENDING.fetch_add(1, Ordering::SeqCst);
        match self.senders[i].try_send(line) {
            Ok(()) => {}
            // A writer only goes away at process exit.
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                PENDING.fetch_sub(1, Ordering::SeqCst);
                self.drops.dropped_queue_full()
            }
        }
    }

    /// Dropped lines the counter has not been told about yet; resets them.
    pub fn take_dropped(&self) -> u64 {
        self.drops.unreported.swap(0, Ordering::Relaxed)
    }
}

/// What a configuration of either logger shares with its loggers: the writers
/// and the redaction list. Cloned into every logger; the last clone dropped
/// closes the queues.
#[derive(Clone)]
pub struct Lines {
    sink: Arc<Sink>,
    redact: Arc<Vec<String>>,
}

impl Lines {
    /// Parses `config` and opens `{dirname}/{stem}_{i}.log`; `who` names the
    /// logger in drop warnings.
    pub fn open(who: &'static str, stem: &str, config: &[u8]) -> Result<Self, BoxError> {
        let settings = Settings::parse(config)?;
        let sink = Sink::open(
            who,
            &settings.dirname,
            stem,
            settings.num_workers,
            settings.queue_lines,
        )?;
        Ok(Self {
            sink: Arc::new(sink),
            redact: Arc::new(settings.redact),
        })
    }

    /// The header names whose values are logged as REDACTED.
    pub fn redact(&self) -> &[String] {
        &self.redact
    }

    /// Hands the entry's line to a writer. Returns the dropped lines the
    /// caller's counter has not been told about yet.
    pub fn write(&self, entry: &impl Serialize) -> u64 {
        self.sink.send(json_line(entry));
        self.sink.take_dropped()
    }
}

/// One line of either log. The access logger extension also knows the last
/// three fields; the filter's lines leave them out. Header names and values
/// are [`LoggedBytes`]: a JSON string when UTF-8, else text and base64.
#[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
pub struct Entry {
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u64>,
    /// From the request's start to its end; None when Envoy has no end.
    pub duration_ms: Option<f64>,
    pub request_body_bytes: Option<u64>,
    pub response_body_bytes: Option<u64>,
    pub downstream_address: Option<String>,
    pub upstream_address: Option<String>,
    /// Names and values exactly as Envoy saw them (see `logged_bytes`).
    pub request_headers: Vec<(LoggedBytes, LoggedBytes)>,
    pub response_headers: Vec<(LoggedBytes, LoggedBytes)>,
    /// Why Envoy answered so: `via_upstream`, `http1.codec_error`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code_details: Option<String>,
    /// Envoy's response flags as a bit set (bit i is CoreResponseFlag i).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_flags: Option<u64>,
    /// The downstream protocol: "HTTP/1.1", "HTTP/2", ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// The line of one entry: its JSON object and the `\n`, ready for one write.
/// serde_json escapes every control byte, so the only newline is the last byte.
pub fn json_line(entry: &impl Serialize) -> Vec<u8> {
    let mut line = serde_json::to_vec(entry).unwrap_or_else(|_| b"{}".to_vec());
    line.push(b'\n');
    line
}

/// Bytes as text; what is not UTF-8 becomes U+FFFD. For the fields that are
/// ASCII by Envoy's own rules (1.40 answers 400 to a byte over 0x7F in the
/// method or path): method, path, addresses, details, protocol. Headers go
/// through [`redacted`] and keep every byte.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A header list, kept byte for byte, with the values of `redact` (lowercase
/// names) replaced.
pub fn redacted<'a>(
    headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    redact: &[String],
) -> Vec<(LoggedBytes, LoggedBytes)> {
    headers
        .into_iter()
        .map(|(k, v)| {
            let hidden = redact.iter().any(|r| r.as_bytes().eq_ignore_ascii_case(k));
            (
                LoggedBytes::new(k),
                if hidden {
                    LoggedBytes::from(REDACTED)
                } else {
                    LoggedBytes::new(v)
                },
            )
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::RwLock;

    /// Writers take it (shared) around each write; a test holding it
    /// exclusively stalls every writer, as a slow disk would.
    pub(crate) static GATE: RwLock<()> = RwLock::new(());
    /// Tests that stall writers or wait for every writer (of any logger: the
    /// writers are global) run one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    pub(crate) fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh directory, removed with everything in it when the test drops it.
    pub(crate) fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("log-sink-{name}-"))
            .tempdir()
            .unwrap()
    }

    // A failing write (a full disk) cannot be produced through Envoy here;
    // a file opened read-only fails every write the same way.
    #[test]
    fn a_failed_write_is_counted_and_reported() {
        let tmp = temp_dir("fail");
        let dir = tmp.path();
        let path = dir.join("ro.log");
        std::fs::write(&path, b"").unwrap();
        let mut log = LogFile::new(path.clone(), File::open(&path).unwrap());
        let err = log.write_line(b"{}\n").unwrap_err();
        let drops = Drops::new("some_logger");
        drops.dropped_write_failed(err);
        assert_eq!(drops.unreported.load(Ordering::Relaxed), 1);
        envoy_dm_sdk::testing::take_logs();
        drops.warn(&path);
        let logs = envoy_dm_sdk::testing::take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0].1.starts_with("some_logger: dropped 1 lines"),
            "{}",
            logs[0].1
        );
        assert!(
            logs[0]
                .1
                .contains("1 failed to write (last error: Bad file descriptor"),
            "{}",
            logs[0].1
        );
        drops.warn(&path);
        assert!(
            envoy_dm_sdk::testing::take_logs().is_empty(),
            "reported once"
        );
    }
}
