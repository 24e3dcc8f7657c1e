//! Callbacks only newer supported Envoys export (`@since` in abi/abi.h), looked
//! up once at program_init instead of linked.
//!
//! Envoy resolves every undefined symbol of a module when it loads it, so a
//! module linked against a 1.40-only callback does not load in 1.38 at all. A
//! name looked up with `dlsym(RTLD_DEFAULT, ...)` is found in Envoy's own
//! exports when present and is simply absent otherwise: the module loads
//! everywhere and decides per callback.
//!
//! * A callback with a fallback (log_v2 → log) picks at each call.
//! * A filter that cannot work without one calls [`OptionalCallback::check`]
//!   in its config constructor: the config is refused with one line naming the
//!   callback and the Envoy that has it, and the rest of the module loads. The
//!   SDK then calls it through [`call`], under the abi crate's name.

use crate::abi;
use core::ffi::{c_char, c_void, CStr};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

extern "C" {
    // glibc's; Envoy itself links libdl, so it is always there.
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// glibc's RTLD_DEFAULT: search the global scope, which holds Envoy's exports.
const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();

/// One version-dependent callback: its name, the oldest Envoy that exports it,
/// and its address once resolved (NULL when absent or not yet resolved).
/// `F` is its `unsafe extern "C" fn` type.
pub struct OptionalCallback<F> {
    pub name: &'static CStr,
    pub since: &'static str,
    address: AtomicPtr<c_void>,
    resolved: AtomicBool,
    kind: PhantomData<F>,
}

// SAFETY: the only state is an atomic pointer; F is a fn-pointer type.
unsafe impl<F> Sync for OptionalCallback<F> {}

impl<F: Copy> OptionalCallback<F> {
    pub const fn new(name: &'static CStr, since: &'static str) -> Self {
        assert!(core::mem::size_of::<F>() == core::mem::size_of::<*mut c_void>());
        Self {
            name,
            since,
            address: AtomicPtr::new(core::ptr::null_mut()),
            resolved: AtomicBool::new(false),
            kind: PhantomData,
        }
    }

    /// Looks the name up in the running process; returns whether it was found.
    pub fn resolve(&self) -> bool {
        // SAFETY: dlsym with a NUL-terminated name; RTLD_DEFAULT is always valid.
        let found = unsafe { dlsym(RTLD_DEFAULT, self.name.as_ptr()) };
        self.address.store(found, Ordering::Release);
        self.resolved.store(true, Ordering::Release);
        !found.is_null()
    }

    /// The function, when the running Envoy exports it.
    pub fn get(&self) -> Option<F> {
        let found = self.address.load(Ordering::Acquire);
        // SAFETY: a non-NULL address is Envoy's export of `name`, whose type is F
        // (checked against the abi crate's declaration below); F is pointer-sized.
        (!found.is_null()).then(|| unsafe { core::mem::transmute_copy(&found) })
    }

    /// The function, or the refusal a filter config returns without it.
    pub fn require(&self) -> Result<F, MissingCallback> {
        self.get().ok_or(self.missing())
    }

    /// For a filter's config constructor: `Err` (the refusal) when the running
    /// Envoy lacks it. The testing feature's fakes model the newest Envoy, so
    /// there a name never resolved counts as present (set_for_test overrides).
    pub fn check(&self) -> Result<(), MissingCallback> {
        if self.get().is_some()
            || (cfg!(feature = "testing") && !self.resolved.load(Ordering::Acquire))
        {
            Ok(())
        } else {
            Err(self.missing())
        }
    }

    /// The function; absent, a panic with the refusal's text (see [`call`]).
    pub fn expect(&self) -> F {
        self.get().unwrap_or_else(|| panic!("{}", self.missing()))
    }

    fn missing(&self) -> MissingCallback {
        MissingCallback {
            name: self.name,
            since: self.since,
        }
    }

    /// Test seam: pretend the running Envoy exports (Some) or lacks (None) it.
    #[cfg(feature = "testing")]
    pub fn set_for_test(&self, address: Option<*mut c_void>) {
        self.address
            .store(address.unwrap_or(core::ptr::null_mut()), Ordering::Release);
        self.resolved.store(true, Ordering::Release);
    }
}

/// A filter's config needs a callback this Envoy does not export. hooks.rs
/// logs its text as the whole refusal (not as an "invalid filter_config").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingCallback {
    pub name: &'static CStr,
    pub since: &'static str,
}

impl core::fmt::Display for MissingCallback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "needs {}, which this Envoy does not export (Envoy {} and later do)",
            self.name.to_string_lossy(),
            self.since
        )
    }
}

impl std::error::Error for MissingCallback {}

// ------------------------------------------------------------------ the table

/// Declares the table: per callback a static [`OptionalCallback`] (its fn type
/// in [`types`]), a function of the same name and signature in [`call`] that
/// calls through the resolved address, and the entries of [`table`] and
/// [`resolve_all`]. `m::name` is the abi crate's declaration, which each fn
/// type is checked against at compile time.
macro_rules! optional_callbacks {
    ($(
        $(#[$doc:meta])*
        $stat:ident = $m:ident::$name:ident since $since:literal:
            fn($($arg:ident: $t:ty),* $(,)?) $(-> $ret:ty)?;
    )*) => {
        /// The fn type of each entry, named like its static.
        #[allow(non_camel_case_types)]
        pub mod types {
            use super::*;
            $( pub type $stat = unsafe extern "C" fn($($t),*) $(-> $ret)?; )*
        }

        $(
            $(#[$doc])*
            pub static $stat: OptionalCallback<types::$stat> = OptionalCallback::new(
                match CStr::from_bytes_with_nul(concat!(stringify!($name), "\0").as_bytes()) {
                    Ok(name) => name,
                    Err(_) => panic!("a callback name is a C string"),
                },
                $since,
            );
        )*

        /// Each entry under the abi crate's name: calls the running Envoy's
        /// export. Only reached where the filter's config checked it (or the
        /// SDK's own code did): absent, it panics with the refusal's text,
        /// which the hook's barrier turns into one logged line.
        pub mod call {
            use super::*;
            $(
                /// # Safety
                /// That of the abi crate's declaration of the same name.
                // As many arguments as the C callback has (add_hosts has 11).
                #[allow(clippy::too_many_arguments)]
                pub unsafe fn $name($($arg: $t),*) $(-> $ret)? {
                    // SAFETY: the address is Envoy's export of this very name, whose
                    // type the compile-time check below ties to the abi crate's
                    // declaration; the caller upholds that declaration's contract.
                    unsafe { (super::$stat.expect())($($arg),*) }
                }
            )*
        }

        /// Every entry, by name and `since`, for the test that compares this
        /// table with abi/abi.h's `@since` tags.
        pub fn table() -> Vec<(&'static CStr, &'static str)> {
            vec![$(($stat.name, $stat.since)),*]
        }

        /// Resolves every entry; program_init calls it before anything else.
        pub fn resolve_all() {
            $( $stat.resolve(); )*
        }

        /// Compile-time check that each fn type is the abi crate's declaration.
        /// Never called: naming the declarations here must not leave a symbol
        /// behind (test_compat's nm check sees to that).
        #[allow(dead_code)]
        const _: () = {
            fn types_match_the_abi() {
                $( let _: types::$stat = $m::$name; )*
            }
        };
    };
}

use crate::abi::network as net;
use abi::*;
use net::envoy_dynamic_module_type_network_filter_envoy_ptr as NetFilter;
// early_header_mutation kind
use crate::abi::early_header_mutation as ehm;
use ehm::envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr as Ehm;
// upstream_http_tcp_bridge kind
use crate::abi::upstream_http_tcp_bridge as uhtb;
use uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr as Bridge;
// formatter kind
use crate::abi::formatter as fmt;
use fmt::envoy_dynamic_module_type_formatter_context_envoy_ptr as Fmt;
// stat_sink kind
use crate::abi::stat_sink as sink;
use sink::envoy_dynamic_module_type_stat_sink_config_envoy_ptr as SinkConfig;
use sink::envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr as Snap;
// transport_socket kind
use crate::abi::transport_socket as ts;
use ts::envoy_dynamic_module_type_transport_socket_envoy_ptr as Ts;
use ts::envoy_dynamic_module_type_transport_socket_io_status as IoStatus;

optional_callbacks! {
    /// Not called by the SDK; its presence tells 1.38+ from 1.37 ([`abi_version`]).
    IS_VALIDATION_MODE = abi::envoy_dynamic_module_callback_is_validation_mode since "1.38.0":
        fn() -> bool;
    ACCESS_LOGGER_GET_ATTRIBUTE_STRING =
        abi::envoy_dynamic_module_callback_access_logger_get_attribute_string since "1.38.0":
        fn(logger: envoy_dynamic_module_type_access_logger_envoy_ptr,
           id: envoy_dynamic_module_type_attribute_id,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    ACCESS_LOGGER_GET_ATTRIBUTE_INT =
        abi::envoy_dynamic_module_callback_access_logger_get_attribute_int since "1.38.0":
        fn(logger: envoy_dynamic_module_type_access_logger_envoy_ptr,
           id: envoy_dynamic_module_type_attribute_id,
           result: *mut u64) -> bool;
    /// Absent (1.37, which does not hold its startup for bootstrap extensions):
    /// the SDK skips the call.
    BOOTSTRAP_SIGNAL_INIT_COMPLETE =
        abi::envoy_dynamic_module_callback_bootstrap_extension_config_signal_init_complete
        since "1.38.0":
        fn(config: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr);
    BOOTSTRAP_REGISTER_ADMIN_HANDLER =
        abi::envoy_dynamic_module_callback_bootstrap_extension_register_admin_handler
        since "1.38.0":
        fn(config: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
           path_prefix: envoy_dynamic_module_type_module_buffer,
           help_text: envoy_dynamic_module_type_module_buffer,
           removable: bool,
           mutates_server_state: bool) -> bool;
    BOOTSTRAP_REMOVE_ADMIN_HANDLER =
        abi::envoy_dynamic_module_callback_bootstrap_extension_remove_admin_handler
        since "1.38.0":
        fn(config: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
           path_prefix: envoy_dynamic_module_type_module_buffer) -> bool;
    BOOTSTRAP_ADMIN_SET_RESPONSE =
        abi::envoy_dynamic_module_callback_bootstrap_extension_admin_set_response
        since "1.38.0":
        fn(config: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
           response_body: envoy_dynamic_module_type_module_buffer);
    BOOTSTRAP_TIMER_NEW =
        abi::envoy_dynamic_module_callback_bootstrap_extension_timer_new since "1.38.0":
        fn(config: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr)
            -> envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr;
    BOOTSTRAP_TIMER_ENABLE =
        abi::envoy_dynamic_module_callback_bootstrap_extension_timer_enable since "1.38.0":
        fn(timer: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
           delay_milliseconds: u64);
    BOOTSTRAP_TIMER_DISABLE =
        abi::envoy_dynamic_module_callback_bootstrap_extension_timer_disable since "1.38.0":
        fn(timer: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr);
    BOOTSTRAP_TIMER_ENABLED =
        abi::envoy_dynamic_module_callback_bootstrap_extension_timer_enabled since "1.38.0":
        fn(timer: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr) -> bool;
    BOOTSTRAP_TIMER_DELETE =
        abi::envoy_dynamic_module_callback_bootstrap_extension_timer_delete since "1.38.0":
        fn(timer: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr);
    NETWORK_ENABLE_HALF_CLOSE =
        net::envoy_dynamic_module_callback_network_filter_enable_half_close since "1.38.0":
        fn(filter: NetFilter, enabled: bool);
    NETWORK_READ_DISABLE =
        net::envoy_dynamic_module_callback_network_filter_read_disable since "1.38.0":
        fn(filter: NetFilter, disable: bool)
            -> net::envoy_dynamic_module_type_network_read_disable_status;
    /// log.rs falls back to `callback_log` without it.
    LOG_V2 = abi::envoy_dynamic_module_callback_log_v2 since "1.40.0":
        fn(level: envoy_dynamic_module_type_log_level,
           message: envoy_dynamic_module_type_module_buffer,
           source_file: envoy_dynamic_module_type_module_buffer,
           source_line: u32);
    // early_header_mutation kind: the whole kind is new in 1.40 (older Envoys
    // do not load it), so its filters need no check of their own.
    EARLY_HEADER_MUTATION_GET_HEADER_VALUE =
        ehm::envoy_dynamic_module_callback_early_header_mutation_get_header_value
        since "1.40.0":
        fn(envoy: Ehm, key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer, index: usize,
           total_count: *mut usize) -> bool;
    EARLY_HEADER_MUTATION_GET_HEADERS_SIZE =
        ehm::envoy_dynamic_module_callback_early_header_mutation_get_headers_size
        since "1.40.0":
        fn(envoy: Ehm) -> usize;
    EARLY_HEADER_MUTATION_GET_HEADERS =
        ehm::envoy_dynamic_module_callback_early_header_mutation_get_headers since "1.40.0":
        fn(envoy: Ehm, result_headers: *mut envoy_dynamic_module_type_envoy_http_header) -> bool;
    EARLY_HEADER_MUTATION_SET_HEADER =
        ehm::envoy_dynamic_module_callback_early_header_mutation_set_header since "1.40.0":
        fn(envoy: Ehm, key: envoy_dynamic_module_type_module_buffer,
           value: envoy_dynamic_module_type_module_buffer) -> bool;
    EARLY_HEADER_MUTATION_ADD_HEADER =
        ehm::envoy_dynamic_module_callback_early_header_mutation_add_header since "1.40.0":
        fn(envoy: Ehm, key: envoy_dynamic_module_type_module_buffer,
           value: envoy_dynamic_module_type_module_buffer) -> bool;
    EARLY_HEADER_MUTATION_REMOVE_HEADER =
        ehm::envoy_dynamic_module_callback_early_header_mutation_remove_header since "1.40.0":
        fn(envoy: Ehm, key: envoy_dynamic_module_type_module_buffer) -> bool;
    EARLY_HEADER_MUTATION_GET_ATTRIBUTE_STRING =
        ehm::envoy_dynamic_module_callback_early_header_mutation_get_attribute_string
        since "1.40.0":
        fn(envoy: Ehm, attribute_id: envoy_dynamic_module_type_attribute_id,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    EARLY_HEADER_MUTATION_GET_ATTRIBUTE_INT =
        ehm::envoy_dynamic_module_callback_early_header_mutation_get_attribute_int
        since "1.40.0":
        fn(envoy: Ehm, attribute_id: envoy_dynamic_module_type_attribute_id,
           result: *mut u64) -> bool;
    // The load-balancing policy (lb/handle.rs): Envoy 1.37 has no such kind,
    // so only a module loaded by 1.38 or later ever calls these.
    LB_GET_HOSTS_COUNT = abi::envoy_dynamic_module_callback_lb_get_hosts_count since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr, priority: u32) -> usize;
    LB_GET_HOST_ADDRESS = abi::envoy_dynamic_module_callback_lb_get_host_address since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr, priority: u32, index: usize,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    LB_GET_HEALTHY_HOSTS_COUNT =
        abi::envoy_dynamic_module_callback_lb_get_healthy_hosts_count since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr, priority: u32) -> usize;
    LB_GET_HEALTHY_HOST_ADDRESS =
        abi::envoy_dynamic_module_callback_lb_get_healthy_host_address since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr, priority: u32, index: usize,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    LB_GET_HEALTHY_HOST_WEIGHT =
        abi::envoy_dynamic_module_callback_lb_get_healthy_host_weight since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr, priority: u32, index: usize) -> u32;
    LB_CONTEXT_GET_DOWNSTREAM_HEADER =
        abi::envoy_dynamic_module_callback_lb_context_get_downstream_header since "1.38.0":
        fn(context: envoy_dynamic_module_type_lb_context_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer,
           index: usize,
           optional_size: *mut usize) -> bool;
    LB_CONTEXT_SHOULD_SELECT_ANOTHER_HOST =
        abi::envoy_dynamic_module_callback_lb_context_should_select_another_host
        since "1.38.0":
        fn(lb: envoy_dynamic_module_type_lb_envoy_ptr,
           context: envoy_dynamic_module_type_lb_context_envoy_ptr,
           priority: u32,
           index: usize) -> bool;
    // The cluster specifier (cluster_specifier/handle.rs): Envoy 1.39 and
    // older have no such kind, so only a module loaded by 1.40 calls these.
    CLUSTER_SPECIFIER_GET_REQUEST_HEADER_VALUE =
        abi::envoy_dynamic_module_callback_cluster_specifier_get_request_header_value
        since "1.40.0":
        fn(context: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer,
           index: usize,
           total_count_out: *mut usize) -> bool;
    CLUSTER_SPECIFIER_GET_RANDOM_VALUE =
        abi::envoy_dynamic_module_callback_cluster_specifier_get_random_value since "1.40.0":
        fn(context: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr) -> u64;
    CLUSTER_SPECIFIER_SET_CLUSTER_NAME =
        abi::envoy_dynamic_module_callback_cluster_specifier_set_cluster_name since "1.40.0":
        fn(context: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
           cluster_name: envoy_dynamic_module_type_module_buffer);
    CLUSTER_SPECIFIER_SET_CLUSTER_NOT_FOUND_RESPONSE_CODE =
        abi::envoy_dynamic_module_callback_cluster_specifier_set_cluster_not_found_response_code
        since "1.40.0":
        fn(context: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
           status_code: u32) -> bool;
    // The cluster kind: all of its callbacks arrived in 1.38.
    CLUSTER_ADD_HOSTS = abi::envoy_dynamic_module_callback_cluster_add_hosts since "1.38.0":
        fn(cluster: envoy_dynamic_module_type_cluster_envoy_ptr,
           priority: u32,
           addresses: *const envoy_dynamic_module_type_module_buffer,
           weights: *const u32,
           regions: *const envoy_dynamic_module_type_module_buffer,
           zones: *const envoy_dynamic_module_type_module_buffer,
           sub_zones: *const envoy_dynamic_module_type_module_buffer,
           metadata_pairs: *const envoy_dynamic_module_type_module_buffer,
           metadata_pairs_per_host: usize,
           count: usize,
           result_host_ptrs: *mut envoy_dynamic_module_type_cluster_host_envoy_ptr) -> bool;
    CLUSTER_REMOVE_HOSTS = abi::envoy_dynamic_module_callback_cluster_remove_hosts since "1.38.0":
        fn(cluster: envoy_dynamic_module_type_cluster_envoy_ptr,
           host_envoy_ptrs: *const envoy_dynamic_module_type_cluster_host_envoy_ptr,
           count: usize) -> usize;
    CLUSTER_PRE_INIT_COMPLETE =
        abi::envoy_dynamic_module_callback_cluster_pre_init_complete since "1.38.0":
        fn(cluster: envoy_dynamic_module_type_cluster_envoy_ptr);
    CLUSTER_SCHEDULER_NEW = abi::envoy_dynamic_module_callback_cluster_scheduler_new since "1.38.0":
        fn(cluster: envoy_dynamic_module_type_cluster_envoy_ptr)
            -> envoy_dynamic_module_type_cluster_scheduler_module_ptr;
    CLUSTER_SCHEDULER_DELETE =
        abi::envoy_dynamic_module_callback_cluster_scheduler_delete since "1.38.0":
        fn(scheduler: envoy_dynamic_module_type_cluster_scheduler_module_ptr);
    CLUSTER_SCHEDULER_COMMIT =
        abi::envoy_dynamic_module_callback_cluster_scheduler_commit since "1.38.0":
        fn(scheduler: envoy_dynamic_module_type_cluster_scheduler_module_ptr, event_id: u64);
    CLUSTER_LB_GET_HEALTHY_HOST_COUNT =
        abi::envoy_dynamic_module_callback_cluster_lb_get_healthy_host_count since "1.38.0":
        fn(lb: envoy_dynamic_module_type_cluster_lb_envoy_ptr, priority: u32) -> usize;
    CLUSTER_LB_GET_HEALTHY_HOST =
        abi::envoy_dynamic_module_callback_cluster_lb_get_healthy_host since "1.38.0":
        fn(lb: envoy_dynamic_module_type_cluster_lb_envoy_ptr, priority: u32, index: usize)
            -> envoy_dynamic_module_type_cluster_host_envoy_ptr;
    CLUSTER_LB_GET_HEALTHY_HOST_WEIGHT =
        abi::envoy_dynamic_module_callback_cluster_lb_get_healthy_host_weight since "1.38.0":
        fn(lb: envoy_dynamic_module_type_cluster_lb_envoy_ptr, priority: u32, index: usize) -> u32;
    // route_specifier kind (route_specifier/handle.rs): Envoy 1.39 and older
    // have no such kind, so only a module loaded by 1.40 calls these.
    ROUTE_SPECIFIER_CONFIG_GET_TEMPLATE_COUNT =
        abi::envoy_dynamic_module_callback_route_specifier_config_get_template_count
        since "1.40.0":
        fn(config: envoy_dynamic_module_type_route_specifier_config_envoy_ptr) -> usize;
    ROUTE_SPECIFIER_CONFIG_GET_TEMPLATE_ID =
        abi::envoy_dynamic_module_callback_route_specifier_config_get_template_id
        since "1.40.0":
        fn(config: envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
           index: usize,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    ROUTE_SPECIFIER_GET_REQUEST_HEADER_VALUE =
        abi::envoy_dynamic_module_callback_route_specifier_get_request_header_value
        since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer,
           index: usize,
           total_count_out: *mut usize) -> bool;
    ROUTE_SPECIFIER_SET_ROUTE_TEMPLATE =
        abi::envoy_dynamic_module_callback_route_specifier_set_route_template since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           template_id: envoy_dynamic_module_type_module_buffer) -> bool;
    ROUTE_SPECIFIER_SET_DECISION =
        abi::envoy_dynamic_module_callback_route_specifier_set_decision since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           decision: envoy_dynamic_module_type_route_specifier_decision);
    ROUTE_SPECIFIER_SET_PREFIX_REWRITE =
        abi::envoy_dynamic_module_callback_route_specifier_set_prefix_rewrite since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           matched: envoy_dynamic_module_type_module_buffer,
           replacement: envoy_dynamic_module_type_module_buffer) -> bool;
    ROUTE_SPECIFIER_ADD_REQUEST_HEADER =
        abi::envoy_dynamic_module_callback_route_specifier_add_request_header since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           value: envoy_dynamic_module_type_module_buffer,
           action: envoy_dynamic_module_type_route_specifier_header_append_action) -> bool;
    ROUTE_SPECIFIER_REMOVE_REQUEST_HEADER =
        abi::envoy_dynamic_module_callback_route_specifier_remove_request_header since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer) -> bool;
    ROUTE_SPECIFIER_SET_ROUTE_USER_DATA =
        abi::envoy_dynamic_module_callback_route_specifier_set_route_user_data since "1.40.0":
        fn(context: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
           user_data: u64);
    // upstream_http_tcp_bridge kind: Envoy 1.37 has no such kind; 1.38 lacks
    // the two chunk counts, without which no buffer can be read safely, so
    // the bridge's configs check those two (upstream_http_tcp_bridge/body.rs).
    BRIDGE_GET_REQUEST_HEADER =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_header
        since "1.38.0":
        fn(bridge: Bridge, key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer, index: usize,
           total_count_out: *mut usize) -> bool;
    BRIDGE_GET_REQUEST_HEADERS_SIZE =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers_size
        since "1.38.0":
        fn(bridge: Bridge) -> usize;
    BRIDGE_GET_REQUEST_HEADERS =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers
        since "1.38.0":
        fn(bridge: Bridge, result_headers: *mut envoy_dynamic_module_type_envoy_http_header)
            -> bool;
    BRIDGE_GET_REQUEST_BUFFER =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer
        since "1.38.0":
        fn(bridge: Bridge, result_buffer: *mut envoy_dynamic_module_type_envoy_buffer,
           result_buffer_length: *mut usize);
    BRIDGE_GET_REQUEST_BUFFER_CHUNKS_SIZE =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer_chunks_size
        since "1.39.0":
        fn(bridge: Bridge) -> usize;
    BRIDGE_GET_RESPONSE_BUFFER =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer
        since "1.38.0":
        fn(bridge: Bridge, result_buffer: *mut envoy_dynamic_module_type_envoy_buffer,
           result_buffer_length: *mut usize);
    BRIDGE_GET_RESPONSE_BUFFER_CHUNKS_SIZE =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer_chunks_size
        since "1.39.0":
        fn(bridge: Bridge) -> usize;
    BRIDGE_SEND_UPSTREAM_DATA =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_upstream_data
        since "1.38.0":
        fn(bridge: Bridge, data: envoy_dynamic_module_type_module_buffer, end_stream: bool);
    BRIDGE_SEND_RESPONSE =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response
        since "1.38.0":
        fn(bridge: Bridge, status_code: u32,
           headers_vector: *mut envoy_dynamic_module_type_module_http_header,
           headers_vector_size: usize, body: envoy_dynamic_module_type_module_buffer);
    BRIDGE_SEND_RESPONSE_HEADERS =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_headers
        since "1.38.0":
        fn(bridge: Bridge, status_code: u32,
           headers_vector: *mut envoy_dynamic_module_type_module_http_header,
           headers_vector_size: usize, end_stream: bool);
    BRIDGE_SEND_RESPONSE_DATA =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_data
        since "1.38.0":
        fn(bridge: Bridge, data: envoy_dynamic_module_type_module_buffer, end_stream: bool);
    BRIDGE_SEND_RESPONSE_TRAILERS =
        uhtb::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_trailers
        since "1.38.0":
        fn(bridge: Bridge,
           trailers_vector: *mut envoy_dynamic_module_type_module_http_header,
           trailers_vector_size: usize);
    // health_checker kind: Envoy 1.38 and older have no such kind, so only a
    // module loaded by 1.39 or later ever calls these.
    HEALTH_CHECKER_SCHEDULER_NEW =
        abi::envoy_dynamic_module_callback_health_checker_scheduler_new since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr)
            -> envoy_dynamic_module_type_health_checker_scheduler_module_ptr;
    HEALTH_CHECKER_SCHEDULER_REPORT =
        abi::envoy_dynamic_module_callback_health_checker_scheduler_report since "1.39.0":
        fn(scheduler: envoy_dynamic_module_type_health_checker_scheduler_module_ptr,
           health: envoy_dynamic_module_type_host_health);
    HEALTH_CHECKER_SCHEDULER_DELETE =
        abi::envoy_dynamic_module_callback_health_checker_scheduler_delete since "1.39.0":
        fn(scheduler: envoy_dynamic_module_type_health_checker_scheduler_module_ptr);
    HEALTH_CHECKER_GET_HOST_ADDRESS =
        abi::envoy_dynamic_module_callback_health_checker_get_host_address since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    HEALTH_CHECKER_GET_HOST_METADATA_STRING =
        abi::envoy_dynamic_module_callback_health_checker_get_host_metadata_string
        since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
           filter_name: envoy_dynamic_module_type_module_buffer,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    HEALTH_CHECKER_GET_HOST_METADATA_NUMBER =
        abi::envoy_dynamic_module_callback_health_checker_get_host_metadata_number
        since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
           filter_name: envoy_dynamic_module_type_module_buffer,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut f64) -> bool;
    HEALTH_CHECKER_GET_HOST_METADATA_BOOL =
        abi::envoy_dynamic_module_callback_health_checker_get_host_metadata_bool
        since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
           filter_name: envoy_dynamic_module_type_module_buffer,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut bool) -> bool;
    HEALTH_CHECKER_GET_HOST_HEALTH =
        abi::envoy_dynamic_module_callback_health_checker_get_host_health since "1.39.0":
        fn(session: envoy_dynamic_module_type_health_checker_session_envoy_ptr)
            -> envoy_dynamic_module_type_host_health;
    // config_validator kind: Envoy 1.39 and older have no such kind, so only a
    // module loaded by 1.40 ever calls these.
    CONFIG_VALIDATOR_SET_REJECTION_MESSAGE =
        abi::envoy_dynamic_module_callback_config_validator_set_rejection_message
        since "1.40.0":
        fn(context: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
           message: envoy_dynamic_module_type_module_buffer);
    CONFIG_VALIDATOR_GET_DYNAMIC_CLUSTER_COUNT =
        abi::envoy_dynamic_module_callback_config_validator_get_dynamic_cluster_count
        since "1.40.0":
        fn(context: envoy_dynamic_module_type_config_validator_context_envoy_ptr) -> u64;
    // matcher kind: Envoy 1.37 has no such kind; set_error is 1.40's, and
    // without it an error is answered as no match (matcher/body.rs).
    MATCHER_GET_HEADERS_SIZE =
        abi::envoy_dynamic_module_callback_matcher_get_headers_size since "1.38.0":
        fn(input: envoy_dynamic_module_type_matcher_input_envoy_ptr,
           header_type: envoy_dynamic_module_type_http_header_type) -> usize;
    MATCHER_GET_HEADERS =
        abi::envoy_dynamic_module_callback_matcher_get_headers since "1.38.0":
        fn(input: envoy_dynamic_module_type_matcher_input_envoy_ptr,
           header_type: envoy_dynamic_module_type_http_header_type,
           result_headers: *mut envoy_dynamic_module_type_envoy_http_header) -> bool;
    MATCHER_GET_HEADER_VALUE =
        abi::envoy_dynamic_module_callback_matcher_get_header_value since "1.38.0":
        fn(input: envoy_dynamic_module_type_matcher_input_envoy_ptr,
           header_type: envoy_dynamic_module_type_http_header_type,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer, index: usize,
           total_count: *mut usize) -> bool;
    MATCHER_SET_ERROR =
        abi::envoy_dynamic_module_callback_matcher_set_error since "1.40.0":
        fn(input: envoy_dynamic_module_type_matcher_input_envoy_ptr);
    // matcher_data_input kind: the whole kind is new in 1.40 (older Envoys do
    // not load it), so its inputs need no check of their own.
    MATCHER_DATA_INPUT_GET_HEADER_VALUE =
        abi::envoy_dynamic_module_callback_matcher_data_input_get_header_value
        since "1.40.0":
        fn(input: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
           header_type: envoy_dynamic_module_type_http_header_type,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer, index: usize,
           total_count: *mut usize) -> bool;
    MATCHER_DATA_INPUT_SET_RESULT =
        abi::envoy_dynamic_module_callback_matcher_data_input_set_result since "1.40.0":
        fn(input: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
           result: envoy_dynamic_module_type_module_buffer);
    // formatter kind: Envoy 1.38 and older have no such kind, so only a module
    // loaded by 1.39 or later ever calls these.
    FORMATTER_GET_HEADERS_SIZE =
        fmt::envoy_dynamic_module_callback_formatter_get_headers_size since "1.39.0":
        fn(context: Fmt, header_type: envoy_dynamic_module_type_http_header_type) -> usize;
    FORMATTER_GET_HEADERS =
        fmt::envoy_dynamic_module_callback_formatter_get_headers since "1.39.0":
        fn(context: Fmt, header_type: envoy_dynamic_module_type_http_header_type,
           result_headers: *mut envoy_dynamic_module_type_envoy_http_header) -> bool;
    FORMATTER_GET_HEADER_VALUE =
        fmt::envoy_dynamic_module_callback_formatter_get_header_value since "1.39.0":
        fn(context: Fmt, header_type: envoy_dynamic_module_type_http_header_type,
           key: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer, index: usize,
           total_count_out: *mut usize) -> bool;
    FORMATTER_GET_ATTRIBUTE_STRING =
        fmt::envoy_dynamic_module_callback_formatter_get_attribute_string since "1.39.0":
        fn(context: Fmt, attribute_id: envoy_dynamic_module_type_attribute_id,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    FORMATTER_GET_ATTRIBUTE_INT =
        fmt::envoy_dynamic_module_callback_formatter_get_attribute_int since "1.39.0":
        fn(context: Fmt, attribute_id: envoy_dynamic_module_type_attribute_id,
           result: *mut u64) -> bool;
    FORMATTER_GET_ATTRIBUTE_BOOL =
        fmt::envoy_dynamic_module_callback_formatter_get_attribute_bool since "1.39.0":
        fn(context: Fmt, attribute_id: envoy_dynamic_module_type_attribute_id,
           result: *mut bool) -> bool;
    FORMATTER_GET_DYNAMIC_METADATA =
        fmt::envoy_dynamic_module_callback_formatter_get_dynamic_metadata since "1.39.0":
        fn(context: Fmt, filter_name: envoy_dynamic_module_type_module_buffer,
           path: envoy_dynamic_module_type_module_buffer,
           result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    FORMATTER_GET_LOCAL_REPLY_BODY =
        fmt::envoy_dynamic_module_callback_formatter_get_local_reply_body since "1.39.0":
        fn(context: Fmt, result: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    FORMATTER_GET_ACCESS_LOG_TYPE =
        fmt::envoy_dynamic_module_callback_formatter_get_access_log_type since "1.39.0":
        fn(context: Fmt) -> envoy_dynamic_module_type_access_log_type;
    // stat_sink kind: Envoy 1.38 and older have no such kind; 1.39 lacks the
    // histogram and tag callbacks, which the SDK checks before it uses them.
    STAT_SINK_SNAPSHOT_GET_COUNTER_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_count since "1.39.0":
        fn(snapshot_envoy_ptr: Snap) -> usize;
    STAT_SINK_SNAPSHOT_GET_COUNTER =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter since "1.39.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value: *mut u64, delta: *mut u64) -> bool;
    STAT_SINK_SNAPSHOT_GET_GAUGE_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_count since "1.39.0":
        fn(snapshot_envoy_ptr: Snap) -> usize;
    STAT_SINK_SNAPSHOT_GET_GAUGE =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge since "1.39.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value: *mut u64) -> bool;
    STAT_SINK_SNAPSHOT_GET_TEXT_READOUT_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_count since "1.39.0":
        fn(snapshot_envoy_ptr: Snap) -> usize;
    STAT_SINK_SNAPSHOT_GET_TEXT_READOUT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout since "1.39.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value_buffer: *mut core::ffi::c_char, value_buffer_capacity: usize, value_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap) -> usize;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, sample_count: *mut u64, sample_sum: *mut f64) -> bool;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_BUCKET_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_bucket_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize) -> usize;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_BUCKET =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_bucket since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, bucket_index: usize, upper_bound: *mut f64, count: *mut u64) -> bool;
    STAT_SINK_SNAPSHOT_GET_COUNTER_TAG_EXTRACTED_NAME =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag_extracted_name since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_COUNTER_TAG_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_count: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_COUNTER_TAG =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_tag since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value_buffer: *mut core::ffi::c_char, value_buffer_capacity: usize, value_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_GAUGE_TAG_EXTRACTED_NAME =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag_extracted_name since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_GAUGE_TAG_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_count: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_GAUGE_TAG =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_tag since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value_buffer: *mut core::ffi::c_char, value_buffer_capacity: usize, value_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_TEXT_READOUT_TAG_EXTRACTED_NAME =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag_extracted_name since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_TEXT_READOUT_TAG_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_count: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_TEXT_READOUT_TAG =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_text_readout_tag since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value_buffer: *mut core::ffi::c_char, value_buffer_capacity: usize, value_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_TAG_EXTRACTED_NAME =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag_extracted_name since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_TAG_COUNT =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag_count since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_count: *mut usize) -> bool;
    STAT_SINK_SNAPSHOT_GET_HISTOGRAM_TAG =
        sink::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_tag since "1.40.0":
        fn(snapshot_envoy_ptr: Snap, index: usize, tag_index: usize, name_buffer: *mut core::ffi::c_char, name_buffer_capacity: usize, name_size: *mut usize, value_buffer: *mut core::ffi::c_char, value_buffer_capacity: usize, value_size: *mut usize) -> bool;
    STAT_SINK_CONFIG_DEFINE_GAUGE =
        sink::envoy_dynamic_module_callback_stat_sink_config_define_gauge since "1.39.0":
        fn(config_envoy_ptr: SinkConfig, name: envoy_dynamic_module_type_module_buffer, gauge_id: *mut usize) -> envoy_dynamic_module_type_metrics_result;
    STAT_SINK_CONFIG_SET_GAUGE =
        sink::envoy_dynamic_module_callback_stat_sink_config_set_gauge since "1.39.0":
        fn(config_envoy_ptr: SinkConfig, gauge_id: usize, value: u64) -> envoy_dynamic_module_type_metrics_result;
    STAT_SINK_CONFIG_SCHEDULER_NEW =
        sink::envoy_dynamic_module_callback_stat_sink_config_scheduler_new since "1.39.0":
        fn(config_envoy_ptr: SinkConfig) -> sink::envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr;
    STAT_SINK_CONFIG_SCHEDULER_COMMIT =
        sink::envoy_dynamic_module_callback_stat_sink_config_scheduler_commit since "1.39.0":
        fn(scheduler: sink::envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr, event_id: u64);
    STAT_SINK_CONFIG_SCHEDULER_DELETE =
        sink::envoy_dynamic_module_callback_stat_sink_config_scheduler_delete since "1.39.0":
        fn(scheduler: sink::envoy_dynamic_module_type_stat_sink_config_scheduler_module_ptr);
    // cert_validator kind: Envoy 1.37 has no such kind, so only a module
    // loaded by 1.38 or later ever calls these.
    CERT_VALIDATOR_SET_ERROR_DETAILS =
        abi::envoy_dynamic_module_callback_cert_validator_set_error_details since "1.38.0":
        fn(config: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
           error_details: envoy_dynamic_module_type_module_buffer);
    CERT_VALIDATOR_SET_FILTER_STATE =
        abi::envoy_dynamic_module_callback_cert_validator_set_filter_state since "1.38.0":
        fn(config: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           value: envoy_dynamic_module_type_module_buffer) -> bool;
    CERT_VALIDATOR_GET_FILTER_STATE =
        abi::envoy_dynamic_module_callback_cert_validator_get_filter_state since "1.38.0":
        fn(config: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    // tracer kind (tracer/handle.rs): Envoy 1.37 has no such kind, so only
    // a module loaded by 1.38 or later calls these.
    TRACER_GET_TRACE_CONTEXT_VALUE =
        abi::envoy_dynamic_module_callback_tracer_get_trace_context_value since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    TRACER_SET_TRACE_CONTEXT_VALUE =
        abi::envoy_dynamic_module_callback_tracer_set_trace_context_value since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer,
           value: envoy_dynamic_module_type_module_buffer);
    TRACER_REMOVE_TRACE_CONTEXT_VALUE =
        abi::envoy_dynamic_module_callback_tracer_remove_trace_context_value since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           key: envoy_dynamic_module_type_module_buffer);
    TRACER_GET_TRACE_CONTEXT_PROTOCOL =
        abi::envoy_dynamic_module_callback_tracer_get_trace_context_protocol since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    TRACER_GET_TRACE_CONTEXT_HOST =
        abi::envoy_dynamic_module_callback_tracer_get_trace_context_host since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    TRACER_GET_TRACE_CONTEXT_PATH =
        abi::envoy_dynamic_module_callback_tracer_get_trace_context_path since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    TRACER_GET_TRACE_CONTEXT_METHOD =
        abi::envoy_dynamic_module_callback_tracer_get_trace_context_method since "1.38.0":
        fn(span: envoy_dynamic_module_type_tracer_span_envoy_ptr,
           value_out: *mut envoy_dynamic_module_type_envoy_buffer) -> bool;
    TRACER_DEFINE_COUNTER =
        abi::envoy_dynamic_module_callback_tracer_define_counter since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           name: envoy_dynamic_module_type_module_buffer,
           label_names: *mut envoy_dynamic_module_type_module_buffer,
           label_names_length: usize,
           counter_id_ptr: *mut usize) -> envoy_dynamic_module_type_metrics_result;
    TRACER_INCREMENT_COUNTER =
        abi::envoy_dynamic_module_callback_tracer_increment_counter since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           id: usize,
           label_values: *mut envoy_dynamic_module_type_module_buffer,
           label_values_length: usize,
           value: u64) -> envoy_dynamic_module_type_metrics_result;
    // The tracer's gauges and histograms: in the table for the version
    // check, unused by the SDK so far (tr_w3c_json only counts).
    TRACER_DEFINE_GAUGE =
        abi::envoy_dynamic_module_callback_tracer_define_gauge since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           name: envoy_dynamic_module_type_module_buffer,
           label_names: *mut envoy_dynamic_module_type_module_buffer,
           label_names_length: usize,
           gauge_id_ptr: *mut usize) -> envoy_dynamic_module_type_metrics_result;
    TRACER_DEFINE_HISTOGRAM =
        abi::envoy_dynamic_module_callback_tracer_define_histogram since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           name: envoy_dynamic_module_type_module_buffer,
           label_names: *mut envoy_dynamic_module_type_module_buffer,
           label_names_length: usize,
           histogram_id_ptr: *mut usize) -> envoy_dynamic_module_type_metrics_result;
    TRACER_SET_GAUGE =
        abi::envoy_dynamic_module_callback_tracer_set_gauge since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           id: usize,
           label_values: *mut envoy_dynamic_module_type_module_buffer,
           label_values_length: usize,
           value: u64) -> envoy_dynamic_module_type_metrics_result;
    TRACER_RECORD_HISTOGRAM_VALUE =
        abi::envoy_dynamic_module_callback_tracer_record_histogram_value since "1.38.0":
        fn(config: envoy_dynamic_module_type_tracer_config_envoy_ptr,
           id: usize,
           label_values: *mut envoy_dynamic_module_type_module_buffer,
           label_values_length: usize,
           value: u64) -> envoy_dynamic_module_type_metrics_result;
    // transport_socket kind (transport_socket/handle.rs): 1.37 has no such
    // kind; 1.38 exports the eight tagged 1.38 but no such extension; 1.39
    // lacks the five tagged 1.40.
    TRANSPORT_SOCKET_IO_READ =
        ts::envoy_dynamic_module_callback_transport_socket_io_read since "1.39.0":
        fn(socket: Ts, buffer: *mut c_char, length: usize, bytes_read: *mut usize) -> IoStatus;
    TRANSPORT_SOCKET_IO_WRITE =
        ts::envoy_dynamic_module_callback_transport_socket_io_write since "1.39.0":
        fn(socket: Ts, buffer: *const c_char, length: usize, bytes_written: *mut usize) -> IoStatus;
    TRANSPORT_SOCKET_IO_READ_TO_READ_BUFFER =
        ts::envoy_dynamic_module_callback_transport_socket_io_read_to_read_buffer since "1.40.0":
        fn(socket: Ts, max_length: u64, bytes_read: *mut usize) -> IoStatus;
    TRANSPORT_SOCKET_IO_WRITE_FROM_WRITE_BUFFER =
        ts::envoy_dynamic_module_callback_transport_socket_io_write_from_write_buffer since "1.40.0":
        fn(socket: Ts, bytes_written: *mut usize) -> IoStatus;
    TRANSPORT_SOCKET_IO_SHUTDOWN_WRITE =
        ts::envoy_dynamic_module_callback_transport_socket_io_shutdown_write since "1.39.0":
        fn(socket: Ts);
    TRANSPORT_SOCKET_GET_FD =
        ts::envoy_dynamic_module_callback_transport_socket_get_fd since "1.39.0":
        fn(socket: Ts) -> core::ffi::c_int;
    TRANSPORT_SOCKET_READ_BUFFER_ADD =
        ts::envoy_dynamic_module_callback_transport_socket_read_buffer_add since "1.38.0":
        fn(socket: Ts, data: *const c_char, length: usize);
    TRANSPORT_SOCKET_WRITE_BUFFER_DRAIN =
        ts::envoy_dynamic_module_callback_transport_socket_write_buffer_drain since "1.38.0":
        fn(socket: Ts, length: usize);
    TRANSPORT_SOCKET_WRITE_BUFFER_GET_SLICES =
        ts::envoy_dynamic_module_callback_transport_socket_write_buffer_get_slices since "1.38.0":
        fn(socket: Ts, slices: *mut envoy_dynamic_module_type_envoy_buffer, slices_count: *mut usize);
    TRANSPORT_SOCKET_WRITE_BUFFER_LENGTH =
        ts::envoy_dynamic_module_callback_transport_socket_write_buffer_length since "1.38.0":
        fn(socket: Ts) -> usize;
    TRANSPORT_SOCKET_FLUSH_WRITE_BUFFER =
        ts::envoy_dynamic_module_callback_transport_socket_flush_write_buffer since "1.38.0":
        fn(socket: Ts);
    TRANSPORT_SOCKET_RAISE_EVENT =
        ts::envoy_dynamic_module_callback_transport_socket_raise_event since "1.38.0":
        fn(socket: Ts, event: net::envoy_dynamic_module_type_network_connection_event);
    TRANSPORT_SOCKET_SHOULD_DRAIN_READ_BUFFER =
        ts::envoy_dynamic_module_callback_transport_socket_should_drain_read_buffer since "1.38.0":
        fn(socket: Ts) -> bool;
    TRANSPORT_SOCKET_SET_IS_READABLE =
        ts::envoy_dynamic_module_callback_transport_socket_set_is_readable since "1.38.0":
        fn(socket: Ts);
    TRANSPORT_SOCKET_SET_IS_WRITABLE =
        ts::envoy_dynamic_module_callback_transport_socket_set_is_writable since "1.39.0":
        fn(socket: Ts);
    TRANSPORT_SOCKET_GET_REMOTE_ADDRESS =
        ts::envoy_dynamic_module_callback_transport_socket_get_remote_address since "1.39.0":
        fn(socket: Ts, address_out: *mut envoy_dynamic_module_type_envoy_buffer, port_out: *mut u32) -> bool;
    TRANSPORT_SOCKET_GET_LOCAL_ADDRESS =
        ts::envoy_dynamic_module_callback_transport_socket_get_local_address since "1.39.0":
        fn(socket: Ts, address_out: *mut envoy_dynamic_module_type_envoy_buffer, port_out: *mut u32) -> bool;
    TRANSPORT_SOCKET_GET_CONNECTION_ID =
        ts::envoy_dynamic_module_callback_transport_socket_get_connection_id since "1.40.0":
        fn(socket: Ts, id_out: *mut u64) -> bool;
    TRANSPORT_SOCKET_GET_UPSTREAM_CONNECTION_ID =
        ts::envoy_dynamic_module_callback_transport_socket_get_upstream_connection_id since "1.40.0":
        fn(socket: Ts, id_out: *mut u64) -> bool;
    TRANSPORT_SOCKET_ADD_WIRE_BYTES =
        ts::envoy_dynamic_module_callback_transport_socket_add_wire_bytes since "1.40.0":
        fn(socket: Ts, bytes_received: u64, bytes_sent: u64);
}

/// `log_v2`'s fn type (log.rs and the tests name it).
pub type LogV2 = types::LOG_V2;

/// The ABI version this module speaks on the running Envoy, told from the
/// newest callbacks it exports, so that each Envoy finds its own answer
/// (docs/COMPAT.md, "What program_init answers"):
///
/// * 1.40 and later (log_v2): `ENVOY_DYNAMIC_MODULES_ABI_VERSION`, v0.2.0;
/// * 1.38 and 1.39 (is_validation_mode): v0.1.0, which they log as matched;
/// * 1.37 (neither): the SHA-256 its loader compares byte for byte; any other
///   answer fails the module's load there.
pub fn abi_version() -> &'static CStr {
    if LOG_V2.get().is_some() {
        abi::ENVOY_DYNAMIC_MODULES_ABI_VERSION
    } else if IS_VALIDATION_MODE.get().is_some() {
        abi::ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION
    } else {
        abi::ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_since_tags_of_the_header() {
        let header = include_str!("../../../abi/abi.h");
        let mut tagged = Vec::new();
        let mut since = None;
        for line in header.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("* @since Envoy ") {
                since = rest.split_whitespace().next().map(str::to_owned);
            } else if let (Some(v), Some(at)) =
                (&since, line.find("envoy_dynamic_module_callback_"))
            {
                if line.starts_with("extern ") {
                    let name: String = line[at..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    tagged.push((name, v.clone()));
                    since = None;
                }
            }
        }
        tagged.sort();
        let mut table: Vec<(String, String)> = table()
            .iter()
            .map(|(n, s)| (n.to_str().unwrap().to_owned(), s.to_string()))
            .collect();
        table.sort();
        assert_eq!(
            tagged, table,
            "abi/abi.h's @since callbacks vs since::table()"
        );
    }

    #[test]
    fn a_missing_callback_is_one_line_naming_it_and_the_envoy_that_has_it() {
        let missing: OptionalCallback<LogV2> =
            OptionalCallback::new(c"envoy_dynamic_module_callback_no_such", "9.9.9");
        assert!(!missing.resolve());
        let error = missing.require().unwrap_err().to_string();
        assert_eq!(
            error,
            "needs envoy_dynamic_module_callback_no_such, which this Envoy does not export \
             (Envoy 9.9.9 and later do)"
        );
    }

    #[test]
    fn check_refuses_a_resolved_but_absent_callback() {
        let missing: OptionalCallback<LogV2> =
            OptionalCallback::new(c"envoy_dynamic_module_callback_no_such", "1.38.0");
        missing.resolve();
        assert_eq!(
            missing.check().unwrap_err().to_string(),
            "needs envoy_dynamic_module_callback_no_such, which this Envoy does not export \
             (Envoy 1.38.0 and later do)"
        );
        let found: OptionalCallback<LogV2> = OptionalCallback::new(c"malloc", "0");
        found.resolve();
        assert!(found.check().is_ok());
    }

    #[test]
    fn resolve_finds_a_name_the_process_exports() {
        // The test binary has no Envoy, but libc's own exports are in the same
        // global scope Envoy's are.
        let found: OptionalCallback<LogV2> = OptionalCallback::new(c"malloc", "0");
        assert!(found.resolve());
        assert!(found.get().is_some());
    }
}
