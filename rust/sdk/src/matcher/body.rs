//! The matcher hooks' bodies. The SDK (`hooks.rs`) exports the `#[no_mangle]`
//! hooks, each calling one of these with the module's table, and checks every
//! definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in match is logged once and the evaluation is an
//! error, which Envoy 1.40 hands to the config's `on_error` (NO_MATCH unless
//! it says MATCH); on 1.38 and 1.39 an error is answered as no match. Whether
//! "no match" is the closed side is the tree's to say: write the tree so that
//! the matcher's match is what grants (its `on_no_match` the safe default).
//!
//! Live counts: one configuration per matcher in the config; each evaluation
//! counts as an instance made and gone (the matcher has no instances of its own).
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{EnvoyMatcher, EnvoyMatcherConfigHandle, EnvoyMatcherHandle, Matcher, MatcherResult};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one matcher from its config bytes.
pub type NewMatcherConfig = fn(
    &mut EnvoyMatcherConfigHandle,
    &[u8],
) -> Result<Box<dyn Matcher<EnvoyMatcherHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "matcher";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "matcher",
    creation: "config creation",
};

type Handle = EnvoyMatcherHandle;
type ConfigBox<H> = config::ConfigBox<dyn Matcher<H>>;

/// # Safety
/// The arguments are those Envoy passed to matcher_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewMatcherConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_matcher_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_matcher_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyMatcherConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_matcher_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn Matcher<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `input_ptr` is live for this call.
pub unsafe fn match_input(
    config_ptr: envoy_dynamic_module_type_matcher_config_module_ptr,
    input_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
) -> bool {
    // SAFETY: config_new's box, alive while Envoy calls match with it; shared
    // read-only by every worker (the trait is Sync).
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's input pointer, live for this call (the caller's contract).
    let envoy = unsafe { Handle::from_raw(input_ptr) };
    match run(config, &envoy) {
        MatcherResult::Match => true,
        MatcherResult::NoMatch => false,
        MatcherResult::Error => {
            envoy.set_error();
            false
        }
    }
}

/// The body of match: the matcher behind the barrier; a panic is an error.
pub(crate) fn run<H: EnvoyMatcher>(config: &ConfigBox<H>, envoy: &H) -> MatcherResult {
    let _seen = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    guard(
        || in_phase(KIND, name, "match"),
        || config.config.matches(envoy),
    )
    .unwrap_or(MatcherResult::Error)
}

// The hook body on the fake: a panic is logged once and answered as an error;
// the same configuration answers the next evaluation. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::matcher::testing::FakeMatcher;
    use crate::HeaderType;

    type Fake = FakeMatcher;

    /// Panics on a request carrying `x-boom`; matches one with `x-yes`.
    struct Picky;
    impl Matcher<Fake> for Picky {
        fn matches(&self, envoy: &Fake) -> MatcherResult {
            let has = |k| !envoy.header_values(HeaderType::RequestHeader, k).is_empty();
            assert!(!has("x-boom"), "a bad request");
            if has("x-yes") {
                MatcherResult::Match
            } else {
                MatcherResult::NoMatch
            }
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "picky",
            config: Box::new(Picky),
            live: crate::live::Config::new(crate::live::counts("matcher", "picky")),
        }
    }

    #[test]
    fn the_answer_of_the_matcher_is_passed_on() {
        let config = config();
        let yes = Fake::with_headers(&[("x-yes", "1")]);
        assert_eq!(run(&config, &yes), MatcherResult::Match);
        assert_eq!(run(&config, &Fake::default()), MatcherResult::NoMatch);
    }

    #[test]
    fn a_panic_is_logged_once_and_answered_as_an_error() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let boom = Fake::with_headers(&[("x-boom", "1"), ("x-yes", "1")]);
        assert_eq!(run(&config, &boom), MatcherResult::Error);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0].1.contains("matcher 'picky' in match: panicked"),
            "{}",
            logs[0].1
        );
        // The same configuration answers the next evaluation.
        let yes = Fake::with_headers(&[("x-yes", "1")]);
        assert_eq!(run(&config, &yes), MatcherResult::Match);
        assert!(take_logs().is_empty());
    }
}
