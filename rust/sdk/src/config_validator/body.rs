//! The config validator hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in validate or validate_delta is logged once and the
//! update is refused, with a reason saying so: Envoy keeps serving its last
//! accepted config, and the control plane sees a NACK naming the validator.
//! A validator that cannot judge an update must not let it through. The
//! configuration stays: it holds no per-update state a panic could have left
//! half-written, so the next update is judged afresh.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    ConfigValidatorConfig, EnvoyConfigValidator, EnvoyConfigValidatorConfigHandle,
    EnvoyConfigValidatorHandle, Resource,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;
use std::borrow::Cow;
use std::time::Duration;

/// Builds one validator configuration from its `extension_config` bytes.
pub type NewConfigValidatorConfig =
    fn(
        &mut EnvoyConfigValidatorConfigHandle,
        &[u8],
    ) -> Result<Box<dyn ConfigValidatorConfig<EnvoyConfigValidatorHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "config validator";

/// This kind's configurations in refusals, panic lines and the live counts
/// (an instance is one validation, made and released within its call).
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "config_validator",
    creation: "config creation",
};

type Handle = EnvoyConfigValidatorHandle;
type ConfigBox<H> = config::ConfigBox<dyn ConfigValidatorConfig<H>>;

/// # Safety
/// The arguments are those Envoy passed to config_validator_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewConfigValidatorConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_config_validator_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_config_validator_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyConfigValidatorConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_config_validator_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn ConfigValidatorConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; the context and every buffer are
/// Envoy's, live for this call.
pub unsafe fn validate(
    context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    config_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
    type_url: envoy_dynamic_module_type_envoy_buffer,
    resources: *const envoy_dynamic_module_type_config_validator_resource,
    resources_count: usize,
) -> bool {
    // SAFETY: config_new's box, alive while the subscription uses it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let envoy = unsafe { Handle::from_raw(context_envoy_ptr) };
    // SAFETY: Envoy's buffers for this call (the caller's contract).
    let (type_url, resources) =
        unsafe { (text(type_url), read_resources(resources, resources_count)) };
    judge(config, &envoy, "validate", |c| {
        c.validate(&envoy, &type_url, &resources)
    })
}

/// # Safety
/// As [`validate`], with `removed` the names Envoy lends for this call.
pub unsafe fn validate_delta(
    context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    config_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
    type_url: envoy_dynamic_module_type_envoy_buffer,
    added: *const envoy_dynamic_module_type_config_validator_resource,
    added_count: usize,
    removed: *const envoy_dynamic_module_type_envoy_buffer,
    removed_count: usize,
) -> bool {
    // SAFETY: config_new's box, alive while the subscription uses it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let envoy = unsafe { Handle::from_raw(context_envoy_ptr) };
    // SAFETY: Envoy's buffers for this call (the caller's contract).
    let (type_url, added, removed) = unsafe {
        let removed: Vec<Cow<str>> = slice(removed, removed_count)
            .iter()
            .map(|b| text(*b))
            .collect();
        (text(type_url), read_resources(added, added_count), removed)
    };
    judge(config, &envoy, "validate_delta", |c| {
        c.validate_delta(&envoy, &type_url, &added, &removed)
    })
}

/// The body of both validate hooks: the validator's verdict behind the
/// barrier. A refusal's reason, and a panic, reach Envoy as one line naming
/// the module and the validator; a panic refuses the update.
pub(crate) fn judge<H: EnvoyConfigValidator>(
    config: &ConfigBox<H>,
    envoy: &H,
    phase: &str,
    run: impl FnOnce(&dyn ConfigValidatorConfig<H>) -> Result<(), String>,
) -> bool {
    let _validation = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    let module = crate::log::module_name();
    match guard(|| in_phase(KIND, name, phase), || run(&*config.config)) {
        Ok(Ok(())) => true,
        Ok(Err(reason)) => {
            envoy.set_rejection_message(&format!("{module}: {KIND} '{name}': {reason}"));
            false
        }
        Err(_) => {
            envoy.set_rejection_message(&format!(
                "{module}: {KIND} '{name}' panicked in {phase}; the update is refused"
            ));
            false
        }
    }
}

/// Envoy's bytes as text (its names and type URLs are; lossy otherwise).
///
/// # Safety
/// The buffer is Envoy's, live for the running hook.
unsafe fn text<'a>(buffer: envoy_dynamic_module_type_envoy_buffer) -> Cow<'a, str> {
    // SAFETY: the caller's contract.
    String::from_utf8_lossy(unsafe { envoy_bytes(buffer.ptr, buffer.length) })
}

/// Envoy's array as a slice (empty when NULL).
///
/// # Safety
/// `ptr`..`ptr+count` is Envoy's array, live for the running hook.
unsafe fn slice<'a, T>(ptr: *const T, count: usize) -> &'a [T] {
    if ptr.is_null() || count == 0 {
        &[]
    } else {
        // SAFETY: the caller's contract.
        unsafe { core::slice::from_raw_parts(ptr, count) }
    }
}

/// Envoy's resources, each borrowed for the running hook.
///
/// # Safety
/// As [`slice`], and every buffer of every resource is live as long.
unsafe fn read_resources<'a>(
    ptr: *const envoy_dynamic_module_type_config_validator_resource,
    count: usize,
) -> Vec<Resource<'a>> {
    // SAFETY: the caller's contract, for the array and each buffer in it.
    unsafe {
        slice(ptr, count)
            .iter()
            .map(|r| Resource {
                name: text(r.name),
                version: text(r.version),
                aliases: slice(r.aliases, r.aliases_count)
                    .iter()
                    .map(|a| text(*a))
                    .collect(),
                ttl: r.has_ttl.then(|| Duration::from_millis(r.ttl_milliseconds)),
                body: r
                    .has_resource
                    .then(|| envoy_bytes(r.serialized_resource.ptr, r.serialized_resource.length)),
            })
            .collect()
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::config_validator::testing::FakeConfigValidator;
    use crate::log::take_logs;

    type Fake = FakeConfigValidator;

    /// Refuses a resource named `bad`; panics on one named `boom`.
    struct NoBad;
    impl ConfigValidatorConfig<Fake> for NoBad {
        fn validate(&self, _: &Fake, _: &str, resources: &[Resource]) -> Result<(), String> {
            for r in resources {
                assert_ne!(r.name, "boom", "a bad resource");
                if r.name == "bad" {
                    return Err(format!("'{}' is bad", r.name));
                }
            }
            Ok(())
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "no_bad",
            config: Box::new(NoBad),
            live: crate::live::Config::new(crate::live::counts("config_validator", "no_bad")),
        }
    }

    fn named(name: &str) -> Resource<'_> {
        Resource {
            name: name.into(),
            ..Resource::default()
        }
    }

    fn run(config: &ConfigBox<Fake>, envoy: &Fake, names: &[&str]) -> bool {
        let resources: Vec<_> = names.iter().map(|n| named(n)).collect();
        judge(config, envoy, "validate", |c| {
            c.validate(envoy, "t", &resources)
        })
    }

    #[test]
    fn a_refusal_names_module_validator_and_reason() {
        let config = config();
        let envoy = Fake::default();
        assert!(run(&config, &envoy, &["good"]));
        assert!(envoy.rejection().is_none());
        assert!(!run(&config, &envoy, &["good", "bad"]));
        let why = envoy.rejection().unwrap();
        assert!(
            why.ends_with(": config validator 'no_bad': 'bad' is bad"),
            "{why}"
        );
    }

    #[test]
    fn a_panic_refuses_the_update_is_logged_once_and_the_next_is_judged() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let envoy = Fake::default();
        assert!(!run(&config, &envoy, &["boom"]));
        let why = envoy.rejection().unwrap();
        assert!(
            why.contains("'no_bad' panicked in validate; the update is refused"),
            "{why}"
        );
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("config validator 'no_bad' in validate: panicked"),
            "{logs:?}"
        );
        let envoy = Fake::default();
        assert!(run(&config, &envoy, &["good"]));
        assert!(take_logs().is_empty());
    }

    #[test]
    fn delta_judges_the_added_by_default() {
        let config = config();
        let envoy = Fake::default();
        let added = [named("bad")];
        let removed = [Cow::from("gone")];
        let verdict = judge(&config, &envoy, "validate_delta", |c| {
            c.validate_delta(&envoy, "t", &added, &removed)
        });
        assert!(!verdict);
    }

    #[test]
    fn resources_are_read_from_envoy_arrays() {
        let (name, version, alias, body) = ("c1", "v7", "a1", [8u8, 1]);
        let buf = |s: &[u8]| envoy_dynamic_module_type_envoy_buffer {
            ptr: s.as_ptr().cast(),
            length: s.len(),
        };
        let aliases = [buf(alias.as_bytes())];
        let raw = [envoy_dynamic_module_type_config_validator_resource {
            name: buf(name.as_bytes()),
            version: buf(version.as_bytes()),
            aliases: aliases.as_ptr(),
            aliases_count: 1,
            has_ttl: true,
            ttl_milliseconds: 1500,
            has_resource: true,
            serialized_resource: buf(&body),
        }];
        // SAFETY: the arrays above outlive the resources read from them.
        let read = unsafe { read_resources(raw.as_ptr(), 1) };
        assert_eq!(
            (read[0].name.as_ref(), read[0].version.as_ref()),
            ("c1", "v7")
        );
        assert_eq!(read[0].aliases, vec![Cow::from("a1")]);
        assert_eq!(read[0].ttl, Some(Duration::from_millis(1500)));
        assert_eq!(read[0].body, Some(&body[..]));
        // SAFETY: NULL with a count reads as empty.
        assert!(unsafe { read_resources(core::ptr::null(), 3) }.is_empty());
    }
}
