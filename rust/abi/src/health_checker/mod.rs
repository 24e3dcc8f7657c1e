//! The health checker (`envoy.health_checkers.dynamic_modules`): a cluster's
//! `health_checks[].custom_health_check` names the module, and Envoy asks it
//! to check each host of the cluster at every interval.
//!
//! Envoy keeps the timers and the counting: the HealthCheck's `interval`,
//! `timeout`, `healthy_threshold` and `unhealthy_threshold` are applied by
//! Envoy itself. Everything runs on the main thread: config_new when the
//! cluster is made, one session per host, session_on_interval at each
//! interval. The module does the check where it likes (its own thread) and
//! reports the result through a scheduler, from any thread; Envoy posts it to
//! the main thread and ignores a result that comes after the timeout.
//! `session_on_timeout` is the only optional hook. Envoy 1.38 and older do not
//! have the kind; its callbacks are `@since` 1.39.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
