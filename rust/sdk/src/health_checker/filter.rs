//! The two traits a health checker implements.

use super::EnvoyHealthChecker;

/// One configured health checker, shared by the sessions of every host it checks.
pub trait HealthCheckerConfig<E: EnvoyHealthChecker>: Send + Sync {
    /// Makes the session of one host (`envoy` shows that host).
    fn new_session(&self, envoy: &mut E) -> Box<dyn HealthCheckerSession<E>>;
}

/// One host's checks, on the main thread, one at a time.
pub trait HealthCheckerSession<E: EnvoyHealthChecker> {
    /// Starts one check. Report its result with a reporter from
    /// `envoy.reporter()`, which may move to another thread: never block here,
    /// this is Envoy's main thread. No report before the HealthCheck's
    /// `timeout` is a failure.
    fn on_interval(&mut self, envoy: &mut E);

    /// The check timed out (Envoy has counted the failure and ignores a later
    /// report): stop its work if it still runs.
    fn on_timeout(&mut self) {}
}
