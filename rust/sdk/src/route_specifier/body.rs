//! The route specifier hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in on_route is logged once and the body records the
//! `Error` decision, which replaces whatever the module recorded before it
//! panicked, and stops the chain: Envoy then applies the route specifier's
//! `failure_policy`, which its config must set (`NO_ROUTE` answers that
//! request 404, as the lab does). A panic in route_destroy is logged; the
//! route is gone either way. The configuration stays: it holds no
//! per-request state a panic could have left half-written.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    Decision, EnvoyRouteSpecifier, EnvoyRouteSpecifierConfigHandle, EnvoyRouteSpecifierHandle,
    OnRoute, RouteSpecifierConfig,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one route specifier configuration from its `specifier_config` bytes.
pub type NewRouteSpecifierConfig =
    fn(
        &mut EnvoyRouteSpecifierConfigHandle,
        &[u8],
    ) -> Result<Box<dyn RouteSpecifierConfig<EnvoyRouteSpecifierHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "route specifier";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "route_specifier",
    creation: "config creation",
};

type Handle = EnvoyRouteSpecifierHandle;
type ConfigBox<H> = config::ConfigBox<dyn RouteSpecifierConfig<H>>;

/// # Safety
/// The arguments are those Envoy passed to route_specifier_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewRouteSpecifierConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_route_specifier_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyRouteSpecifierConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn RouteSpecifierConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `context_envoy_ptr` is live for this call.
pub unsafe fn on_route(
    config_ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr,
    context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
) -> envoy_dynamic_module_type_route_specifier_on_route_status {
    // SAFETY: config_new's box, alive while routes use it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(context_envoy_ptr) };
    decide(config, &mut envoy).to_abi()
}

/// # Safety
/// `config_ptr` came from [`config_new`] and is still alive.
pub unsafe fn route_destroy(
    config_ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr,
    user_data: u64,
) {
    // SAFETY: config_new's box: Envoy destroys its routes before it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    forget(config, user_data);
}

/// The body of on_route: the config's decision, or `Error` (Envoy's
/// failure_policy) when it panics.
pub(crate) fn decide<H: EnvoyRouteSpecifier>(config: &ConfigBox<H>, envoy: &mut H) -> OnRoute {
    let name = config.filter_name;
    match guard(
        || in_phase(KIND, name, "on_route"),
        || config.config.on_route(envoy),
    ) {
        Ok(status) => status,
        Err(_) => {
            envoy.set_decision(Decision::Error);
            OnRoute::Stop
        }
    }
}

/// The body of route_destroy: a panic is logged and nothing else happens.
pub(crate) fn forget<H: EnvoyRouteSpecifier>(config: &ConfigBox<H>, user_data: u64) {
    let name = config.filter_name;
    let _ = guard(
        || in_phase(KIND, name, "route_destroy"),
        || config.config.on_route_destroy(user_data),
    );
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::route_specifier::testing::FakeRouteSpecifier;

    type Fake = FakeRouteSpecifier;

    /// Selects `main`; panics when the request says `x-fault: yes`, and in
    /// route_destroy for user data 7.
    struct Main;
    impl RouteSpecifierConfig<Fake> for Main {
        fn on_route(&self, envoy: &mut Fake) -> OnRoute {
            envoy.set_route_template("main");
            assert!(envoy.request_header("x-fault").is_none(), "a bad request");
            OnRoute::Continue
        }
        fn on_route_destroy(&self, user_data: u64) {
            assert_ne!(user_data, 7, "a bad route");
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "main",
            config: Box::new(Main),
            live: crate::live::Config::new(crate::live::counts("route_specifier", "main")),
        }
    }

    #[test]
    fn a_panic_records_the_error_decision_and_stops_and_the_next_is_served() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let mut bad = Fake::with_templates(&["main"]).header("x-fault", "yes");
        assert_eq!(decide(&config, &mut bad), OnRoute::Stop);
        assert_eq!(bad.decision, Some(Decision::Error));
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("route specifier 'main' in on_route: panicked"),
            "{}",
            logs[0].1
        );
        let mut good = Fake::with_templates(&["main"]);
        assert_eq!(decide(&config, &mut good), OnRoute::Continue);
        assert_eq!(
            (good.template.as_deref(), good.decision),
            (Some("main"), None)
        );
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panic_in_route_destroy_is_logged_once() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        forget(&config, 7);
        forget(&config, 8);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(logs[0].1.contains("in route_destroy: panicked"), "{logs:?}");
    }
}
