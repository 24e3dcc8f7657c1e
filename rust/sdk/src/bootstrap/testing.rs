//! Fakes of the bootstrap extension's Envoy handles for unit tests.

use super::{EnvoyBootstrapConfig, EnvoyBootstrapExtension, Timer, TimerOps};
use core::ffi::c_void;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// A fake timer's state: the last delay it was armed with (u64::MAX: never)
/// and whether it was released.
#[derive(Debug)]
pub struct FakeTimerState {
    pub armed_ms: AtomicU64,
    pub deleted: AtomicUsize,
}

unsafe fn fake_enable(raw: *mut c_void, ms: u64) {
    // SAFETY: the fake hands out pointers to FakeTimerStates it keeps alive.
    let state = unsafe { &*(raw as *const FakeTimerState) };
    state.armed_ms.store(ms, Ordering::SeqCst);
}

unsafe fn fake_delete(raw: *mut c_void) {
    // SAFETY: the fake hands out pointers to FakeTimerStates it keeps alive.
    let state = unsafe { &*(raw as *const FakeTimerState) };
    state.deleted.fetch_add(1, Ordering::SeqCst);
}

/// Every fake timer state ever made: leaked so tests can read one after its
/// Timer is gone, and kept reachable here so LeakSanitizer does not call it a leak.
static FAKE_TIMER_STATES: Mutex<Vec<&'static FakeTimerState>> = Mutex::new(Vec::new());

static FAKE_TIMER: TimerOps = TimerOps {
    enable: fake_enable,
    delete: fake_delete,
};

/// A bootstrap configuration being created or called: records admin paths
/// and the timers it handed out (leaked states, so tests can read them after
/// the Timer is gone).
#[derive(Debug, Default)]
pub struct FakeBootstrapConfig {
    pub admin_paths: Vec<String>,
    pub timers: Vec<&'static FakeTimerState>,
    /// Refuse admin registration (as Envoy does for a taken path).
    pub admin_taken: bool,
}

impl EnvoyBootstrapConfig for FakeBootstrapConfig {
    fn register_admin_handler(&mut self, path_prefix: &str, _help: &str) -> bool {
        if self.admin_taken {
            return false;
        }
        self.admin_paths.push(path_prefix.to_string());
        true
    }

    fn new_timer(&mut self) -> Option<Timer> {
        let state: &'static FakeTimerState = Box::leak(Box::new(FakeTimerState {
            armed_ms: AtomicU64::new(u64::MAX),
            deleted: AtomicUsize::new(0),
        }));
        self.timers.push(state);
        FAKE_TIMER_STATES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(state);
        // SAFETY: the state is leaked, so it outlives the Timer.
        Some(unsafe { Timer::from_raw(state as *const _ as *mut c_void, &FAKE_TIMER) })
    }
}

/// The extension's fake handle.
#[derive(Debug, Default)]
pub struct FakeBootstrapExtension;

impl EnvoyBootstrapExtension for FakeBootstrapExtension {}
