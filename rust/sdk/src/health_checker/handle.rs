//! What a health checker may ask of Envoy: the host of a session, and a
//! reporter for a check's result. Every callback of this kind is `@since`
//! 1.39, so the handles call them through [`crate::since`], never linked.

use crate::abi;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::since::call;

/// A host's health: what a check reports, and what Envoy knows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostHealth {
    /// A failed check.
    Unhealthy,
    /// A passed check; the host is marked degraded.
    Degraded,
    /// A passed check.
    Healthy,
}

impl HostHealth {
    fn to_abi(self) -> abi::envoy_dynamic_module_type_host_health {
        match self {
            Self::Unhealthy => abi::envoy_dynamic_module_type_host_health::Unhealthy,
            Self::Degraded => abi::envoy_dynamic_module_type_host_health::Degraded,
            Self::Healthy => abi::envoy_dynamic_module_type_host_health::Healthy,
        }
    }
}

/// Reports one check's result, from any thread. Envoy applies the first
/// report of a check that is still waiting and ignores the others.
pub trait HealthReporter: Send + 'static {
    fn report(&self, health: HostHealth);
}

/// Envoy as seen by one host's session, during one of its hooks. The real
/// implementation is [`EnvoyHealthCheckerHandle`]; unit tests use
/// `testing::FakeHealthChecker`.
pub trait EnvoyHealthChecker {
    type Reporter: HealthReporter;
    /// The host's address, `ip:port`.
    fn host_address(&self) -> Option<&str>;
    /// The host's health as Envoy knows it now.
    fn host_health(&self) -> HostHealth;
    /// The string `key` of the host's endpoint metadata under `filter`.
    fn host_metadata_string(&self, filter: &str, key: &str) -> Option<&[u8]>;
    /// The number `key` of the host's endpoint metadata under `filter`.
    fn host_metadata_number(&self, filter: &str, key: &str) -> Option<f64>;
    /// The bool `key` of the host's endpoint metadata under `filter`.
    fn host_metadata_bool(&self, filter: &str, key: &str) -> Option<bool>;
    /// A reporter for this session's checks, free to move to another thread.
    fn reporter(&mut self) -> Self::Reporter;
}

/// Envoy as seen while a health checker configuration is created. Nothing is
/// asked of it yet; the trait keeps every kind's constructor alike.
pub trait EnvoyHealthCheckerConfig {}

/// The real handle, wrapping the `session_envoy_ptr` of the running hook.
pub struct EnvoyHealthCheckerHandle {
    raw: abi::envoy_dynamic_module_type_health_checker_session_envoy_ptr,
}

impl EnvoyHealthCheckerHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the running session hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_health_checker_session_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

fn empty() -> abi::envoy_dynamic_module_type_envoy_buffer {
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    }
}

impl EnvoyHealthChecker for EnvoyHealthCheckerHandle {
    type Reporter = EnvoyHealthReporter;

    fn host_address(&self) -> Option<&str> {
        let mut out = empty();
        // SAFETY: the session is live during the hook this handle lives in;
        // Envoy's bytes stay valid as long.
        unsafe {
            let found = call::envoy_dynamic_module_callback_health_checker_get_host_address(
                self.raw, &mut out,
            );
            let bytes = (found && !out.ptr.is_null()).then(|| envoy_bytes(out.ptr, out.length))?;
            core::str::from_utf8(bytes).ok()
        }
    }

    fn host_health(&self) -> HostHealth {
        // SAFETY: a plain call on the live pointer; Envoy returns 0, 1 or 2.
        match unsafe {
            call::envoy_dynamic_module_callback_health_checker_get_host_health(self.raw)
        } {
            abi::envoy_dynamic_module_type_host_health::Healthy => HostHealth::Healthy,
            abi::envoy_dynamic_module_type_host_health::Degraded => HostHealth::Degraded,
            abi::envoy_dynamic_module_type_host_health::Unhealthy => HostHealth::Unhealthy,
        }
    }

    fn host_metadata_string(&self, filter: &str, key: &str) -> Option<&[u8]> {
        let mut out = empty();
        // SAFETY: as host_address; both names are read during the call.
        unsafe {
            let found = call::envoy_dynamic_module_callback_health_checker_get_host_metadata_string(
                self.raw,
                module_buffer(filter.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            );
            (found && !out.ptr.is_null()).then(|| envoy_bytes(out.ptr, out.length))
        }
    }

    fn host_metadata_number(&self, filter: &str, key: &str) -> Option<f64> {
        let mut out = 0.0;
        // SAFETY: as host_address; `out` is writable.
        let found = unsafe {
            call::envoy_dynamic_module_callback_health_checker_get_host_metadata_number(
                self.raw,
                module_buffer(filter.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        found.then_some(out)
    }

    fn host_metadata_bool(&self, filter: &str, key: &str) -> Option<bool> {
        let mut out = false;
        // SAFETY: as host_address; `out` is writable.
        let found = unsafe {
            call::envoy_dynamic_module_callback_health_checker_get_host_metadata_bool(
                self.raw,
                module_buffer(filter.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        found.then_some(out)
    }

    fn reporter(&mut self) -> EnvoyHealthReporter {
        // SAFETY: made during a session hook on the main thread, as Envoy requires.
        let scheduler =
            unsafe { call::envoy_dynamic_module_callback_health_checker_scheduler_new(self.raw) };
        EnvoyHealthReporter { scheduler }
    }
}

/// The real reporter: Envoy's scheduler of one session, deleted on drop.
pub struct EnvoyHealthReporter {
    scheduler: abi::envoy_dynamic_module_type_health_checker_scheduler_module_ptr,
}

// SAFETY: Envoy's scheduler may be used and deleted from any thread; it posts
// the result to the main thread itself.
unsafe impl Send for EnvoyHealthReporter {}

impl HealthReporter for EnvoyHealthReporter {
    fn report(&self, health: HostHealth) {
        if self.scheduler.is_null() {
            return;
        }
        // SAFETY: our own scheduler, not yet deleted.
        unsafe {
            call::envoy_dynamic_module_callback_health_checker_scheduler_report(
                self.scheduler,
                health.to_abi(),
            )
        }
    }
}

impl Drop for EnvoyHealthReporter {
    fn drop(&mut self) {
        if !self.scheduler.is_null() {
            // SAFETY: deleted once, here.
            unsafe {
                call::envoy_dynamic_module_callback_health_checker_scheduler_delete(self.scheduler)
            }
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy passes
/// to health_checker_config_new.
pub struct EnvoyHealthCheckerConfigHandle {
    _raw: abi::envoy_dynamic_module_type_health_checker_config_envoy_ptr,
}

impl EnvoyHealthCheckerConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_health_checker_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyHealthCheckerConfig for EnvoyHealthCheckerConfigHandle {}
