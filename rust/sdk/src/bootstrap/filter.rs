//! The two traits a bootstrap extension implements. Every method runs on
//! Envoy's main thread, one at a time; the handles are trait objects because
//! nothing here is on a request path.

use super::{EnvoyBootstrapConfig, EnvoyBootstrapExtension, TimerId};

/// What an admin request gets back: the HTTP status and the body. Envoy sends
/// it with `content-type: text/plain`, whatever the body is.
pub type AdminResponse = (u32, Vec<u8>);

/// One configured bootstrap extension. Admin endpoints and timers belong to
/// the configuration (that is where Envoy sends their events).
pub trait BootstrapExtensionConfig: Send + Sync {
    /// Makes the extension of this configuration (once, at server start).
    fn new_bootstrap_extension(
        &self,
        envoy: &mut dyn EnvoyBootstrapExtension,
    ) -> Box<dyn BootstrapExtension>;

    /// A timer made with [`EnvoyBootstrapConfig::new_timer`] fired. Timers
    /// fire once per `enable`; re-arm here to repeat.
    fn on_timer_fired(&self, _envoy: &mut dyn EnvoyBootstrapConfig, _timer: TimerId) {}

    /// A request to an admin path this configuration registered; `path`
    /// includes the query string.
    fn on_admin_request(
        &self,
        _envoy: &mut dyn EnvoyBootstrapConfig,
        _method: &str,
        _path: &str,
        _body: &[u8],
    ) -> AdminResponse {
        (404, Vec::new())
    }
}

/// The extension: hears of the server's life.
pub trait BootstrapExtension: Send {
    /// The server finished initializing; listeners are about to accept.
    fn on_server_initialized(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {}
    /// The server began draining (for example `POST /drain_listeners`).
    fn on_drain_started(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {}
    /// The server is exiting. Envoy waits for this to return (the SDK then
    /// tells Envoy it is done): flush what must reach the disk here.
    fn on_shutdown(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {}
}
