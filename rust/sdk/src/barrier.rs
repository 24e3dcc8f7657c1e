//! The panic barrier. A Rust panic unwinding into Envoy's C++ frames is undefined
//! behaviour, so every hook body runs inside [`guard`]: a panic stops here, is
//! logged once through Envoy, and the caller fails closed.

use crate::log;
use crate::LogLevel;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// The message and location of the panic in flight on this thread, written by
    /// our panic hook and read by [`guard`], so the line is logged exactly once.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic hook (which prints to stderr) with one that keeps
/// the message for [`guard`] to log through Envoy.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
    }));
}

/// A panic was caught (and already logged); the caller must fail closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// Runs `body`, turning a panic into `Err(Panicked)` after logging
/// `"{context}: panicked: {message}"` at error level.
pub fn guard<R>(context: impl FnOnce() -> String, body: impl FnOnce() -> R) -> Result<R, Panicked> {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => Ok(value),
        Err(payload) => {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            log::log(
                LogLevel::Error,
                &format!("{}: panicked: {message}", context()),
            );
            Err(Panicked)
        }
    }
}

/// The context of a barrier's line, the same words for every kind and every
/// language: `{module}: {noun} '{name}' {what}`, e.g. `rust_module: filter
/// 'delay' config creation` or `rust_module: listener filter 'x' in on_data`.
pub(crate) fn context(noun: &str, name: &str, what: &str) -> String {
    format!("{}: {noun} '{name}' {what}", crate::log::module_name())
}

/// [`context`] for a hook or phase: `{module}: {noun} '{name}' in {phase}`.
pub(crate) fn in_phase(noun: &str, name: &str, phase: &str) -> String {
    context(noun, name, &format!("in {phase}"))
}

// Needs the `testing` feature to capture log lines; `cargo test --workspace`
// turns it on through the filters crate's dev-dependency.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;

    #[test]
    fn a_panic_is_caught_and_logged_once() {
        install_panic_hook();
        take_logs();
        let result = guard(
            || "module: filter 'f' in on_x".to_string(),
            || -> u32 { panic!("boom {}", 7) },
        );
        assert_eq!(result, Err(Panicked));
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!(logs[0].0, LogLevel::Error);
        assert!(
            logs[0]
                .1
                .starts_with("module: filter 'f' in on_x: panicked: "),
            "{}",
            logs[0].1
        );
        assert!(logs[0].1.contains("boom 7"), "{}", logs[0].1);
    }

    #[test]
    fn a_normal_return_passes_through() {
        assert_eq!(guard(|| unreachable!(), || 42), Ok(42));
    }
}
