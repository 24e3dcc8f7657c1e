//! What a bootstrap extension may ask of Envoy: its configuration registers
//! admin endpoints and makes main-thread timers.

use crate::abi;
use crate::ffi::module_buffer;
use crate::since;
use core::ffi::c_void;
use std::time::Duration;

/// Which timer fired: compare with [`Timer::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerId(pub usize);

/// How a [`Timer`] reaches Envoy (or a fake): arm and release by pointer.
#[derive(Debug)]
pub struct TimerOps {
    pub enable: unsafe fn(*mut c_void, u64),
    pub delete: unsafe fn(*mut c_void),
}

/// A main-thread timer. It fires once per [`Timer::enable`]; dropping it
/// releases Envoy's side (a released timer never fires).
#[derive(Debug)]
pub struct Timer {
    raw: *mut c_void,
    ops: &'static TimerOps,
}

// SAFETY: Envoy's bootstrap timers are armed, fired and released on the main
// thread, which is where every bootstrap config hook (and so every use of a
// Timer) runs; the pointer is only carried across threads, never used there.
unsafe impl Send for Timer {}
// SAFETY: as above; `&Timer` offers nothing that touches Envoy off the main thread.
unsafe impl Sync for Timer {}

impl Timer {
    /// # Safety
    /// `raw` is a live timer that `ops` knows how to arm and release.
    pub unsafe fn from_raw(raw: *mut c_void, ops: &'static TimerOps) -> Self {
        Self { raw, ops }
    }
    pub fn id(&self) -> TimerId {
        TimerId(self.raw as usize)
    }
    /// Arms the timer to fire once after `delay` (re-arming moves it).
    pub fn enable(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        // SAFETY: the timer is live until drop.
        unsafe { (self.ops.enable)(self.raw, ms) }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // SAFETY: released once, here.
        unsafe { (self.ops.delete)(self.raw) }
    }
}

/// Envoy as seen by a bootstrap extension configuration.
pub trait EnvoyBootstrapConfig {
    /// Adds the admin endpoint `path_prefix` (its requests reach
    /// `on_admin_request`); false when taken or when there is no admin.
    fn register_admin_handler(&mut self, path_prefix: &str, help: &str) -> bool;
    /// A disarmed timer whose expiry calls `on_timer_fired`.
    fn new_timer(&mut self) -> Option<Timer>;
}

/// Envoy as seen by the extension. Nothing is asked of it yet; the type keeps
/// the hooks' shape the same as every other kind's.
pub trait EnvoyBootstrapExtension {}

/// The real configuration handle, wrapping the `extension_config_envoy_ptr`
/// of the running hook.
pub struct EnvoyBootstrapConfigHandle {
    raw: abi::envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
}

impl EnvoyBootstrapConfigHandle {
    /// # Safety
    /// `raw` is the config pointer Envoy passed to the running hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }

    /// Lets Envoy's startup go on (once per configuration).
    pub(crate) fn signal_init_complete(&mut self) {
        // Absent on 1.37, which does not hold its startup for the extension.
        if let Some(signal) = since::BOOTSTRAP_SIGNAL_INIT_COMPLETE.get() {
            // SAFETY: a plain call on the live pointer.
            unsafe { signal(self.raw) }
        }
    }

    /// The body of the admin response being answered.
    pub(crate) fn set_admin_response(&mut self, body: &[u8]) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            since::call::envoy_dynamic_module_callback_bootstrap_extension_admin_set_response(
                self.raw,
                module_buffer(body),
            )
        }
    }
}

unsafe fn envoy_timer_enable(raw: *mut c_void, ms: u64) {
    // SAFETY: `raw` is a live timer Envoy made for this extension (TimerOps' contract);
    // the extension's config checked that this Envoy exports the timer callbacks.
    unsafe { since::call::envoy_dynamic_module_callback_bootstrap_extension_timer_enable(raw, ms) }
}

unsafe fn envoy_timer_delete(raw: *mut c_void) {
    // SAFETY: `raw` is a live timer Envoy made, deleted once (TimerOps' contract).
    unsafe { since::call::envoy_dynamic_module_callback_bootstrap_extension_timer_delete(raw) }
}

static ENVOY_TIMER: TimerOps = TimerOps {
    enable: envoy_timer_enable,
    delete: envoy_timer_delete,
};

impl EnvoyBootstrapConfig for EnvoyBootstrapConfigHandle {
    fn register_admin_handler(&mut self, path_prefix: &str, help: &str) -> bool {
        // SAFETY: Envoy copies both buffers during the call.
        unsafe {
            since::call::envoy_dynamic_module_callback_bootstrap_extension_register_admin_handler(
                self.raw,
                module_buffer(path_prefix.as_bytes()),
                module_buffer(help.as_bytes()),
                false,
                false,
            )
        }
    }

    fn new_timer(&mut self) -> Option<Timer> {
        // SAFETY: a plain call on the live pointer; Envoy owns the timer until
        // timer_delete, which the Timer's drop calls.
        unsafe {
            let raw =
                since::call::envoy_dynamic_module_callback_bootstrap_extension_timer_new(self.raw);
            (!raw.is_null()).then(|| Timer::from_raw(raw, &ENVOY_TIMER))
        }
    }
}

/// The real extension handle, wrapping the `extension_envoy_ptr` of the
/// running hook.
pub struct EnvoyBootstrapExtensionHandle {
    _raw: abi::envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
}

impl EnvoyBootstrapExtensionHandle {
    /// # Safety
    /// `raw` is the extension pointer Envoy passed to the running hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyBootstrapExtension for EnvoyBootstrapExtensionHandle {}
