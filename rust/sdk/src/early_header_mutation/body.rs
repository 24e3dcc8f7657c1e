//! The early header mutation hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in mutate is logged once, then the mutation's
//! [`fail_closed`](super::EarlyHeaderMutation::fail_closed) runs on the same
//! request (behind the barrier too) so the headers reach the route in a safe
//! state, and the chain continues: a later extension may be another guard,
//! and skipping it would fail open. The request itself is served: this kind
//! cannot answer it (Envoy gives it no way to).
//!
//! Live counts: one configuration per connection manager; each mutate call
//! counts as an instance made and gone (the mutation has no instances of its own).
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EarlyHeaderMutation, EarlyHeaderMutationStatus, EnvoyEarlyHeaderMutation,
    EnvoyEarlyHeaderMutationConfigHandle, EnvoyEarlyHeaderMutationHandle,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one early header mutation from its config bytes.
pub type NewEarlyHeaderMutationConfig =
    fn(
        &mut EnvoyEarlyHeaderMutationConfigHandle,
        &[u8],
    ) -> Result<Box<dyn EarlyHeaderMutation<EnvoyEarlyHeaderMutationHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "early header mutation";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "early_header_mutation",
    creation: "config creation",
};

type Handle = EnvoyEarlyHeaderMutationHandle;
type ConfigBox<H> = config::ConfigBox<dyn EarlyHeaderMutation<H>>;

/// # Safety
/// The arguments are those Envoy passed to early_header_mutation_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewEarlyHeaderMutationConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_early_header_mutation_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_early_header_mutation_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyEarlyHeaderMutationConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(
    ptr: envoy_dynamic_module_type_early_header_mutation_config_module_ptr,
) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn EarlyHeaderMutation<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `envoy_ptr` is live for this call.
pub unsafe fn mutate(
    config_ptr: envoy_dynamic_module_type_early_header_mutation_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
) -> bool {
    // SAFETY: config_new's box, alive while Envoy calls mutate with it; shared
    // read-only by every worker (the trait is Sync).
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's context pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr) };
    run(config, &mut envoy) == EarlyHeaderMutationStatus::Continue
}

/// The body of mutate: the mutation behind the barrier, and after a panic its
/// fail_closed; the chain then continues.
pub(crate) fn run<H: EnvoyEarlyHeaderMutation>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> EarlyHeaderMutationStatus {
    let _seen = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    match guard(
        || in_phase(KIND, name, "mutate"),
        || config.config.mutate(envoy),
    ) {
        Ok(status) => status,
        Err(_) => {
            let _ = guard(
                || in_phase(KIND, name, "fail_closed"),
                || config.config.fail_closed(envoy),
            );
            EarlyHeaderMutationStatus::Continue
        }
    }
}

// The hook body on the fake: a panic is logged once, fail_closed runs, the
// chain goes on. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::early_header_mutation::testing::FakeEarlyHeaderMutation;
    use crate::log::take_logs;

    type Fake = FakeEarlyHeaderMutation;

    /// Panics on a request carrying `x-boom`; else tags it. Its fail_closed
    /// removes `x-forwarded-for`.
    struct Picky;
    impl EarlyHeaderMutation<Fake> for Picky {
        fn mutate(&self, envoy: &mut Fake) -> EarlyHeaderMutationStatus {
            assert!(envoy.header_values("x-boom").is_empty(), "a bad request");
            envoy.set_header("x-seen", b"1");
            EarlyHeaderMutationStatus::StopChain
        }
        fn fail_closed(&self, envoy: &mut Fake) {
            envoy.remove_header("x-forwarded-for");
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "picky",
            config: Box::new(Picky),
            live: crate::live::Config::new(crate::live::counts("early_header_mutation", "picky")),
        }
    }

    #[test]
    fn the_status_of_mutate_is_passed_on() {
        let mut envoy = Fake::with_headers(&[("x-forwarded-for", "10.0.0.1")]);
        assert_eq!(
            run(&config(), &mut envoy),
            EarlyHeaderMutationStatus::StopChain
        );
        assert_eq!(envoy.header_values("x-seen"), vec![b"1".as_slice()]);
    }

    #[test]
    fn a_panic_is_logged_once_fails_closed_and_continues_the_chain() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let mut envoy = Fake::with_headers(&[("x-boom", "1"), ("x-forwarded-for", "10.0.0.1")]);
        assert_eq!(
            run(&config, &mut envoy),
            EarlyHeaderMutationStatus::Continue
        );
        assert!(
            envoy.header_values("x-forwarded-for").is_empty(),
            "fail_closed ran"
        );
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("early header mutation 'picky' in mutate: panicked"),
            "{}",
            logs[0].1
        );
        // The same configuration serves the next request.
        let mut next = Fake::with_headers(&[("x-forwarded-for", "10.0.0.1")]);
        assert_eq!(
            run(&config, &mut next),
            EarlyHeaderMutationStatus::StopChain
        );
        assert!(take_logs().is_empty());
    }
}
