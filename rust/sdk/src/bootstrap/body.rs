//! The bootstrap extension hooks' bodies.
//! The SDK (`hooks.rs`)
//! exports the seventeen `#[no_mangle]` hooks Envoy 1.40 resolves,
//! each calling one of these with the module's table, and checks
//! every definition against its declaration in the ABI crate.
//!
//! Behind the barrier, a panic is logged once and then:
//! - in config creation: the config is refused (Envoy refuses the bootstrap);
//! - in an admin request: the answer is 500 with a one-line body;
//! - in a timer: that firing is lost (a timer the config re-arms from the
//!   callback is not re-armed, so it stops);
//! - in the extension's creation: the extension is absent, its hooks do nothing;
//! - in server_initialized / drain_started / shutdown: that hook is over, and
//!   at shutdown Envoy is still told the module is done, so exit never hangs.
//!
//! Envoy holds startup until every configuration signals it is initialized:
//! the SDK does so as soon as the configuration is made.
//! worker_thread_initialized runs on each worker: the SDK does not call into
//! the extension there (it is main-thread state). The hooks for callouts,
//! scheduled events, watched files and cluster/listener updates only answer
//! what a config asks for; this SDK asks for none yet, so they do nothing.

use super::{
    AdminResponse, BootstrapExtension, BootstrapExtensionConfig, EnvoyBootstrapConfig,
    EnvoyBootstrapConfigHandle, EnvoyBootstrapExtension, TimerId,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;
use core::ffi::c_void;

/// Builds one bootstrap extension configuration from its `extension_config` bytes.
pub type NewBootstrapExtensionConfig = fn(
    &mut EnvoyBootstrapConfigHandle,
    &[u8],
) -> Result<Box<dyn BootstrapExtensionConfig>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "bootstrap extension";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "bootstrap",
    creation: "config creation",
};

/// The body of a panicked admin request's 500.
pub const ADMIN_FAILED_BODY: &[u8] = b"dynamic module bootstrap extension failed\n";

pub(crate) type ConfigBox = config::ConfigBox<dyn BootstrapExtensionConfig>;

/// What `extension_module_ptr` points to.
pub(crate) struct ExtensionBox {
    name: &'static str,
    /// None when creating it panicked.
    extension: Option<Box<dyn BootstrapExtension>>,
    _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to bootstrap_extension_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewBootstrapExtensionConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_bootstrap_extension_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyBootstrapConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    let made = unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) };
    if !made.is_null() {
        envoy.signal_init_complete();
    }
    made
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn BootstrapExtensionConfig>(ptr, what) };
}

/// The body of bootstrap_extension_new.
pub(crate) fn new_extension(
    config: &ConfigBox,
    envoy: &mut dyn EnvoyBootstrapExtension,
) -> ExtensionBox {
    let extension = guard(
        || in_phase(KIND, config.filter_name, "bootstrap_extension_new"),
        || config.config.new_bootstrap_extension(envoy),
    );
    ExtensionBox {
        name: config.filter_name,
        extension: extension.ok(),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// # Safety
/// `config_ptr` came from [`config_new`].
pub unsafe fn extension_new(
    config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
) -> envoy_dynamic_module_type_bootstrap_extension_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes extensions from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    // SAFETY: Envoy's extension pointer for this running hook.
    let mut envoy = unsafe { super::EnvoyBootstrapExtensionHandle::from_raw(envoy_ptr) };
    Box::into_raw(Box::new(new_extension(config, &mut envoy))) as *const _
}

/// Which lifecycle hook runs: names the barrier's line.
#[derive(Debug, Clone, Copy)]
pub enum Lifecycle {
    ServerInitialized,
    DrainStarted,
    Shutdown,
}

/// The body of the server_initialized, drain_started and shutdown hooks.
pub(crate) fn lifecycle(
    this: &mut ExtensionBox,
    envoy: &mut dyn EnvoyBootstrapExtension,
    event: Lifecycle,
) {
    let name = this.name;
    let Some(extension) = this.extension.as_mut() else {
        return;
    };
    let phase = match event {
        Lifecycle::ServerInitialized => "on_server_initialized",
        Lifecycle::DrainStarted => "on_drain_started",
        Lifecycle::Shutdown => "on_shutdown",
    };
    let _ = guard(
        || in_phase(KIND, name, phase),
        || match event {
            Lifecycle::ServerInitialized => extension.on_server_initialized(envoy),
            Lifecycle::DrainStarted => extension.on_drain_started(envoy),
            Lifecycle::Shutdown => extension.on_shutdown(envoy),
        },
    );
}

/// # Safety
/// Both pointers are this extension's live ones.
pub unsafe fn extension_lifecycle(
    envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    event: Lifecycle,
) {
    // SAFETY: extension_new's box, live; the main thread is its only user.
    let this = unsafe { &mut *(module_ptr as *mut ExtensionBox) };
    // SAFETY: Envoy's extension pointer for this running hook.
    let mut envoy = unsafe { super::EnvoyBootstrapExtensionHandle::from_raw(envoy_ptr) };
    lifecycle(this, &mut envoy, event);
}

/// # Safety
/// Both pointers are this extension's live ones; Envoy's completion callback
/// is called exactly once, after the extension's on_shutdown, panic or not.
pub unsafe fn extension_shutdown(
    envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    completion: Option<unsafe extern "C" fn(*mut c_void)>,
    completion_context: *mut c_void,
) {
    // SAFETY: this extension's live pointers (the caller's contract).
    unsafe { extension_lifecycle(envoy_ptr, module_ptr, Lifecycle::Shutdown) };
    if let Some(done) = completion {
        // SAFETY: Envoy's callback with its own context, called once as it asks.
        unsafe { done(completion_context) };
    }
}

/// # Safety
/// `module_ptr` came from [`extension_new`] and is released once.
pub unsafe fn extension_destroy(
    module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
) {
    // SAFETY: extension_new's Box, released once (the caller's contract).
    let this = unsafe { Box::from_raw(module_ptr as *mut ExtensionBox) };
    let name = this.name;
    let _ = guard(
        || in_phase(KIND, name, "bootstrap_extension_destroy"),
        move || drop(this),
    );
}

/// The body of bootstrap_extension_timer_fired.
pub(crate) fn timer_fired(
    config: &ConfigBox,
    envoy: &mut dyn EnvoyBootstrapConfig,
    timer: TimerId,
) {
    let _ = guard(
        || in_phase(KIND, config.filter_name, "on_timer_fired"),
        || config.config.on_timer_fired(envoy, timer),
    );
}

/// # Safety
/// The pointers are the live ones Envoy passed to timer_fired.
pub unsafe fn config_timer_fired(
    config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
) {
    // SAFETY: config_new's box, alive while its timers can fire.
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    // SAFETY: Envoy's config pointer for this running hook.
    let mut envoy = unsafe { EnvoyBootstrapConfigHandle::from_raw(config_envoy_ptr) };
    timer_fired(config, &mut envoy, TimerId(timer_ptr as usize));
}

/// The body of bootstrap_extension_admin_request: a panic answers 500.
pub(crate) fn admin_request(
    config: &ConfigBox,
    envoy: &mut dyn EnvoyBootstrapConfig,
    method: &[u8],
    path: &[u8],
    body: &[u8],
) -> AdminResponse {
    let method = String::from_utf8_lossy(method);
    let path = String::from_utf8_lossy(path);
    guard(
        || in_phase(KIND, config.filter_name, "on_admin_request"),
        || config.config.on_admin_request(envoy, &method, &path, body),
    )
    .unwrap_or_else(|_| (500, ADMIN_FAILED_BODY.to_vec()))
}

/// # Safety
/// The pointers and buffers are those Envoy passed to admin_request.
pub unsafe fn config_admin_request(
    config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    method: envoy_dynamic_module_type_envoy_buffer,
    path: envoy_dynamic_module_type_envoy_buffer,
    body: envoy_dynamic_module_type_envoy_buffer,
) -> u32 {
    use crate::ffi::envoy_bytes;
    // SAFETY: config_new's box, alive while its admin handler is registered.
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    // SAFETY: Envoy's config pointer for this running hook.
    let mut envoy = unsafe { EnvoyBootstrapConfigHandle::from_raw(config_envoy_ptr) };
    // SAFETY: Envoy lends the three buffers for this call.
    let (method, path, body) = unsafe {
        (
            envoy_bytes(method.ptr, method.length),
            envoy_bytes(path.ptr, path.length),
            envoy_bytes(body.ptr, body.length),
        )
    };
    let (status, response) = admin_request(config, &mut envoy, method, path, body);
    envoy.set_admin_response(&response);
    status
}

// Needs the `testing` feature for the fakes and captured log lines.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::bootstrap::testing::{FakeBootstrapConfig, FakeBootstrapExtension};
    use crate::log::take_logs;

    struct Panics;
    impl BootstrapExtensionConfig for Panics {
        fn new_bootstrap_extension(
            &self,
            _: &mut dyn EnvoyBootstrapExtension,
        ) -> Box<dyn BootstrapExtension> {
            panic!("no extension today")
        }
        fn on_timer_fired(&self, _: &mut dyn EnvoyBootstrapConfig, _: TimerId) {
            panic!("in timer")
        }
        fn on_admin_request(
            &self,
            _: &mut dyn EnvoyBootstrapConfig,
            _: &str,
            _: &str,
            _: &[u8],
        ) -> AdminResponse {
            panic!("in admin")
        }
    }

    struct Works;
    impl BootstrapExtensionConfig for Works {
        fn new_bootstrap_extension(
            &self,
            _: &mut dyn EnvoyBootstrapExtension,
        ) -> Box<dyn BootstrapExtension> {
            Box::new(PanicsAtShutdown)
        }
    }
    struct PanicsAtShutdown;
    impl BootstrapExtension for PanicsAtShutdown {
        fn on_shutdown(&mut self, _: &mut dyn EnvoyBootstrapExtension) {
            panic!("in shutdown")
        }
    }

    fn boxed(name: &'static str, config: Box<dyn BootstrapExtensionConfig>) -> ConfigBox {
        ConfigBox {
            filter_name: name,
            config,
            live: crate::live::Config::new(crate::live::counts("bootstrap", name)),
        }
    }

    fn one_panic_line(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains(&format!("bootstrap extension 'b' in {phase}: panicked")),
            "{}",
            logs[0].1
        );
    }

    #[test]
    fn panics_in_config_hooks_fail_closed_with_one_line_each() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = boxed("b", Box::new(Panics));
        let mut envoy = FakeBootstrapConfig::default();
        let (status, body) = admin_request(&config, &mut envoy, b"GET", b"/x", b"");
        assert_eq!((status, body.as_slice()), (500, ADMIN_FAILED_BODY));
        one_panic_line("on_admin_request");
        timer_fired(&config, &mut envoy, TimerId(1));
        one_panic_line("on_timer_fired");
        let mut ext = new_extension(&config, &mut FakeBootstrapExtension);
        assert!(ext.extension.is_none());
        one_panic_line("bootstrap_extension_new");
        // An absent extension's hooks do nothing (and log nothing).
        lifecycle(&mut ext, &mut FakeBootstrapExtension, Lifecycle::Shutdown);
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panic_in_shutdown_is_contained_and_the_default_admin_answer_is_404() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = boxed("b", Box::new(Works));
        let mut envoy = FakeBootstrapConfig::default();
        assert_eq!(
            admin_request(&config, &mut envoy, b"GET", b"/", b""),
            (404, Vec::new())
        );
        let mut ext = new_extension(&config, &mut FakeBootstrapExtension);
        lifecycle(
            &mut ext,
            &mut FakeBootstrapExtension,
            Lifecycle::DrainStarted,
        );
        assert!(take_logs().is_empty());
        lifecycle(&mut ext, &mut FakeBootstrapExtension, Lifecycle::Shutdown);
        one_panic_line("on_shutdown");
    }

    #[test]
    fn configs_and_extensions_are_counted_live() {
        let live = |name| {
            crate::live::snapshot()
                .into_iter()
                .find(|s| s.kind == "bootstrap" && s.name == name)
                .map(|s| (s.live_configs(), s.live_instances()))
        };
        let config = boxed("counted", Box::new(Works));
        let ext = new_extension(&config, &mut FakeBootstrapExtension);
        assert_eq!(live("counted"), Some((1, 1)));
        drop(ext);
        drop(config);
        assert_eq!(live("counted"), Some((0, 0)));
    }
}
