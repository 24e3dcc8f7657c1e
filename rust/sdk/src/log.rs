//! Logging through Envoy, so module lines land in Envoy's log with its format,
//! level filter and `[dynamic_modules]` tag.

use crate::abi;
#[cfg(not(feature = "testing"))]
use crate::ffi::module_buffer;
#[cfg(feature = "testing")]
use std::cell::RefCell;
use std::panic::Location;
use std::sync::OnceLock;

/// A log level.
pub type LogLevel = abi::envoy_dynamic_module_type_log_level;

#[cfg(feature = "testing")]
thread_local! {
    static LOGS: RefCell<Vec<(LogLevel, String)>> = const { RefCell::new(Vec::new()) };
}

#[cfg(feature = "testing")]
fn capture_log(level: LogLevel, message: &str) {
    LOGS.with(|l| l.borrow_mut().push((level, message.to_string())));
}

/// Takes the lines logged on this thread so far.
#[cfg(feature = "testing")]
pub fn take_logs() -> Vec<(LogLevel, String)> {
    LOGS.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// Whether Envoy would write a line at `level`: check before formatting.
pub fn enabled(level: LogLevel) -> bool {
    #[cfg(feature = "testing")]
    {
        let _ = level;
        true
    }
    #[cfg(not(feature = "testing"))]
    // SAFETY: a plain query, callable from any thread.
    unsafe {
        abi::envoy_dynamic_module_callback_log_enabled(level)
    }
}

/// Writes one line, tagged with the caller's source location.
#[track_caller]
pub fn log(level: LogLevel, message: &str) {
    let at = Location::caller();
    #[cfg(feature = "testing")]
    {
        let _ = at;
        capture_log(level, message);
    }
    #[cfg(not(feature = "testing"))]
    {
        let message = module_buffer(message.as_bytes());
        // log_v2 (Envoy 1.40) carries the source location; older Envoys have
        // only log. Resolved once at program_init (since.rs).
        match crate::since::LOG_V2.get() {
            // SAFETY: the buffers are read during the call only; the address is
            // Envoy's own export of log_v2.
            Some(log_v2) => unsafe {
                log_v2(
                    level,
                    message,
                    module_buffer(at.file().as_bytes()),
                    at.line(),
                )
            },
            // SAFETY: as above; every supported Envoy exports log.
            None => unsafe { abi::envoy_dynamic_module_callback_log(level, message) },
        }
    }
}

/// `envoy_log!(Info, "format {}", args)`: formats only when the level is enabled.
#[macro_export]
macro_rules! envoy_log {
    ($level:ident, $($arg:tt)*) => {
        if $crate::log::enabled($crate::LogLevel::$level) {
            $crate::log::log($crate::LogLevel::$level, &format!($($arg)*));
        }
    };
}

/// The module's name, which starts every line the SDK logs for it; set once at
/// program_init (registry.rs).
static MODULE_NAME: OnceLock<&'static str> = OnceLock::new();

pub(crate) fn set_module_name(name: &'static str) {
    let _ = MODULE_NAME.set(name);
}

/// The module's name for log lines, or a stand-in before program_init.
pub(crate) fn module_name() -> &'static str {
    MODULE_NAME.get().copied().unwrap_or("dynamic module")
}
