//! The stats sink hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in flush is logged once and that flush ends there
//! (what the sink already sent stays sent; nothing is retried); a panic in
//! on_histogram_complete is logged once and loses that sample. Envoy, its
//! stats and the next flush go on: a sink only reports, it guards nothing.
//!
//! Live counts: one configuration per `stats_sinks` entry; each flush counts
//! as an instance made and gone, so `instances_created` is the flushes seen.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyStatSinkConfigHandle, EnvoyStatSinkSnapshot, EnvoyStatSinkSnapshotHandle, StatSink,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one stats sink from its `sink_config` bytes.
pub type NewStatSinkConfig = fn(
    &mut EnvoyStatSinkConfigHandle,
    &[u8],
)
    -> Result<Box<dyn StatSink<EnvoyStatSinkSnapshotHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "stats sink";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "stat_sink",
    creation: "config creation",
};

type Handle = EnvoyStatSinkSnapshotHandle;
type ConfigBox<H> = config::ConfigBox<dyn StatSink<H>>;

/// # Safety
/// The arguments are those Envoy passed to stat_sink_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewStatSinkConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_stat_sink_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyStatSinkConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn StatSink<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `snapshot_ptr` is live for this call.
pub unsafe fn flush(
    config_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    snapshot_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
) {
    // SAFETY: config_new's box, alive while Envoy flushes to it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's snapshot pointer, live for this call (the caller's contract).
    let snapshot = unsafe { Handle::from_raw(snapshot_ptr) };
    run_flush(config, &snapshot);
}

/// The body of flush: the sink behind the barrier.
pub(crate) fn run_flush<H: EnvoyStatSinkSnapshot>(config: &ConfigBox<H>, snapshot: &H) {
    let _seen = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    let _ = guard(
        || in_phase(KIND, name, "flush"),
        || config.config.flush(snapshot),
    );
}

/// # Safety
/// `config_ptr` came from [`config_new`]; the name is Envoy's for this call.
pub unsafe fn on_histogram_complete(
    config_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    histogram_name: envoy_dynamic_module_type_envoy_buffer,
    value: u64,
) {
    // SAFETY: config_new's box, shared read-only by every worker (the trait is Sync).
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy lends the name for this call.
    let name = unsafe { envoy_bytes(histogram_name.ptr, histogram_name.length) };
    run_sample(config, name, value);
}

/// The body of on_histogram_complete: the sink behind the barrier.
pub(crate) fn run_sample<H: EnvoyStatSinkSnapshot>(config: &ConfigBox<H>, name: &[u8], value: u64) {
    let filter_name = config.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "on_histogram_complete"),
        || config.config.on_histogram_complete(name, value),
    );
}

/// The SDK makes no config scheduler yet, so Envoy never has an event to
/// deliver; the hook exists because Envoy 1.40 looks it up.
pub fn config_scheduled(
    _config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
    _config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    _event_id: u64,
) {
}

// The hook bodies on the fake: a panic is logged once and the next flush and
// sample go on. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::stat_sink::testing::FakeSnapshot;
    use std::sync::Mutex;

    /// Records what it saw; panics on a counter named `boom` and a sample of 13.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);
    impl StatSink<FakeSnapshot> for Recorder {
        fn flush(&self, snapshot: &FakeSnapshot) {
            snapshot.counters(&mut |name, value, delta| {
                assert!(name != b"boom", "a bad counter");
                self.0
                    .lock()
                    .unwrap()
                    .push(format!("{}={value}+{delta}", String::from_utf8_lossy(name)));
            });
        }
        fn on_histogram_complete(&self, name: &[u8], value: u64) {
            assert!(value != 13, "a bad sample");
            self.0
                .lock()
                .unwrap()
                .push(format!("{}:{value}", String::from_utf8_lossy(name)));
        }
    }

    fn config() -> ConfigBox<FakeSnapshot> {
        config::ConfigBox {
            filter_name: "recorder",
            config: Box::new(Recorder::default()),
            live: crate::live::Config::new(crate::live::counts("stat_sink", "recorder")),
        }
    }

    #[test]
    fn panics_are_logged_once_and_the_next_flush_and_sample_go_on() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let bad = FakeSnapshot {
            counters: vec![("a".into(), 1, 1), ("boom".into(), 2, 2)],
            ..FakeSnapshot::default()
        };
        run_flush(&config, &bad);
        run_sample(&config, b"h", 13);
        let logs = take_logs();
        assert_eq!(logs.len(), 2, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("stats sink 'recorder' in flush: panicked"),
            "{}",
            logs[0].1
        );
        assert!(
            logs[1]
                .1
                .contains("stats sink 'recorder' in on_histogram_complete: panicked"),
            "{}",
            logs[1].1
        );
        let good = FakeSnapshot {
            counters: vec![("b".into(), 5, 3)],
            ..FakeSnapshot::default()
        };
        run_flush(&config, &good);
        run_sample(&config, b"h", 7);
        assert!(take_logs().is_empty());
        let row = crate::live::snapshot()
            .into_iter()
            .find(|s| s.kind == "stat_sink" && s.name == "recorder")
            .unwrap();
        assert_eq!(row.instances_created, 2, "two flushes");
    }
}
