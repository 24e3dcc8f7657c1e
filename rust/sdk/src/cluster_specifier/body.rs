//! The cluster specifier hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in select is logged once and that request goes to no
//! cluster: the body records the empty cluster name (no cluster has it) with
//! the status 503, so Envoy answers 503 instead of falling back to whatever
//! the route would choose without the module. The configuration stays: it
//! holds no per-request state a panic could have left half-written.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    ClusterSpecifierConfig, EnvoyClusterSpecifier, EnvoyClusterSpecifierConfigHandle,
    EnvoyClusterSpecifierHandle,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one cluster specifier configuration from its `cluster_specifier_config` bytes.
pub type NewClusterSpecifierConfig =
    fn(
        &mut EnvoyClusterSpecifierConfigHandle,
        &[u8],
    ) -> Result<Box<dyn ClusterSpecifierConfig<EnvoyClusterSpecifierHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "cluster specifier";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "cluster_specifier",
    creation: "config creation",
};

/// What a request that found no cluster because of a panic is answered.
pub const FAILED_STATUS: u32 = 503;

type Handle = EnvoyClusterSpecifierHandle;
type ConfigBox<H> = config::ConfigBox<dyn ClusterSpecifierConfig<H>>;

/// # Safety
/// The arguments are those Envoy passed to cluster_specifier_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewClusterSpecifierConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_cluster_specifier_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyClusterSpecifierConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_cluster_specifier_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn ClusterSpecifierConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `context_envoy_ptr` is live for this call.
pub unsafe fn select(
    config_ptr: envoy_dynamic_module_type_cluster_specifier_config_module_ptr,
    context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
) -> bool {
    // SAFETY: config_new's box, alive while routes use it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(context_envoy_ptr) };
    choose(config, &mut envoy)
}

/// The body of select: the config's choice, or no cluster (503) when it panics.
pub(crate) fn choose<H: EnvoyClusterSpecifier>(config: &ConfigBox<H>, envoy: &mut H) -> bool {
    let name = config.filter_name;
    match guard(
        || in_phase(KIND, name, "select"),
        || config.config.select(envoy),
    ) {
        Ok(decided) => decided,
        Err(_) => {
            envoy.set_cluster_name("");
            envoy.set_cluster_not_found_response_code(FAILED_STATUS);
            true
        }
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::cluster_specifier::testing::FakeClusterSpecifier;
    use crate::log::take_logs;

    type Fake = FakeClusterSpecifier;

    /// Sends everything to `stable`; panics when the request says `x-fault: yes`.
    struct Stable;
    impl ClusterSpecifierConfig<Fake> for Stable {
        fn select(&self, envoy: &mut Fake) -> bool {
            assert!(envoy.request_header("x-fault").is_none(), "a bad request");
            envoy.set_cluster_name("stable");
            true
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "stable",
            config: Box::new(Stable),
            live: crate::live::Config::new(crate::live::counts("cluster_specifier", "stable")),
        }
    }

    #[test]
    fn a_panic_sends_that_request_to_no_cluster_with_503_and_the_next_is_served() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let mut bad = Fake::default().header("x-fault", "yes");
        assert!(choose(&config, &mut bad));
        assert_eq!(
            (bad.cluster.as_deref(), bad.not_found_status),
            (Some(""), Some(503))
        );
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("cluster specifier 'stable' in select: panicked"),
            "{}",
            logs[0].1
        );
        let mut good = Fake::default();
        assert!(choose(&config, &mut good));
        assert_eq!(good.cluster.as_deref(), Some("stable"));
        assert!(take_logs().is_empty());
    }
}
