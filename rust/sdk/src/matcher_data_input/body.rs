//! The matching data input hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in get is logged once and the evaluation has no data,
//! so the tree's `on_no_match` applies (write it as the safe default: a 404,
//! a deny). The input cannot report an error of its own: Envoy 1.40's data
//! input has no error result.
//!
//! Live counts: one configuration per input in the config; each evaluation
//! counts as an instance made and gone (the input has no instances of its own).
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyMatcherDataInput, EnvoyMatcherDataInputConfigHandle, EnvoyMatcherDataInputHandle,
    MatcherDataInput,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one data input from its config bytes.
pub type NewMatcherDataInputConfig =
    fn(
        &mut EnvoyMatcherDataInputConfigHandle,
        &[u8],
    ) -> Result<Box<dyn MatcherDataInput<EnvoyMatcherDataInputHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "matcher data input";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "matcher_data_input",
    creation: "config creation",
};

type Handle = EnvoyMatcherDataInputHandle;
type ConfigBox<H> = config::ConfigBox<dyn MatcherDataInput<H>>;

/// # Safety
/// The arguments are those Envoy passed to matcher_data_input_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewMatcherDataInputConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_matcher_data_input_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_matcher_data_input_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyMatcherDataInputConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_matcher_data_input_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn MatcherDataInput<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `envoy_ptr` is live for this call.
pub unsafe fn get(
    config_ptr: envoy_dynamic_module_type_matcher_data_input_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
) {
    // SAFETY: config_new's box, alive while Envoy calls get with it; shared
    // read-only by every worker (the trait is Sync).
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let envoy = unsafe { Handle::from_raw(envoy_ptr) };
    if let Some(value) = run(config, &envoy) {
        envoy.set_result(&value);
    }
}

/// The body of get: the input behind the barrier; a panic is no data.
pub(crate) fn run<H: EnvoyMatcherDataInput>(config: &ConfigBox<H>, envoy: &H) -> Option<Vec<u8>> {
    let _seen = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    guard(|| in_phase(KIND, name, "get"), || config.config.get(envoy)).unwrap_or(None)
}

// The hook body on the fake: a panic is logged once and answered with no
// data; the same configuration answers the next evaluation. Needs the
// `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::matcher_data_input::testing::FakeMatcherDataInput;
    use crate::HeaderType;

    type Fake = FakeMatcherDataInput;

    /// Panics on a request carrying `x-boom`; else the first `x-v`.
    struct Picky;
    impl MatcherDataInput<Fake> for Picky {
        fn get(&self, envoy: &Fake) -> Option<Vec<u8>> {
            let values = |k| envoy.header_values(HeaderType::RequestHeader, k);
            assert!(values("x-boom").is_empty(), "a bad request");
            values("x-v").first().map(|v| v.to_vec())
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "picky",
            config: Box::new(Picky),
            live: crate::live::Config::new(crate::live::counts("matcher_data_input", "picky")),
        }
    }

    #[test]
    fn the_value_of_the_input_is_passed_on() {
        let config = config();
        let some = Fake::with_headers(&[("x-v", "acme")]);
        assert_eq!(run(&config, &some), Some(b"acme".to_vec()));
        assert_eq!(run(&config, &Fake::default()), None);
    }

    #[test]
    fn a_panic_is_logged_once_and_answered_with_no_data() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let boom = Fake::with_headers(&[("x-boom", "1"), ("x-v", "acme")]);
        assert_eq!(run(&config, &boom), None);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("matcher data input 'picky' in get: panicked"),
            "{}",
            logs[0].1
        );
        let some = Fake::with_headers(&[("x-v", "acme")]);
        assert_eq!(run(&config, &some), Some(b"acme".to_vec()));
        assert!(take_logs().is_empty());
    }
}
