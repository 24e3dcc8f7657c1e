//! Filter names to constructors: the module's dispatch table, looked up once per
//! filter configuration (never per request).

use std::sync::OnceLock;

/// What a module is: its name (the `lib{name}.so` stem), its language, and the
/// names of its HTTP filters for the `loaded` log line. Made by
/// [`module!`](crate::module); each kind keeps its own [`Table`].
pub struct Module {
    pub name: &'static str,
    pub language: &'static str,
    pub filters: &'static [&'static str],
}

/// One kind's registered constructors by name: the one registry type, one
/// static per kind (e.g. `listener::hooks::REGISTERED`), filled once by the
/// module's program_init and read at config time only (never per request).
pub struct Table<New: 'static> {
    entries: OnceLock<&'static [(&'static str, New)]>,
}

impl<New: Copy + 'static> Table<New> {
    pub const fn new() -> Self {
        Self {
            entries: OnceLock::new(),
        }
    }

    /// Records the module's entries; the first call wins (program_init runs once).
    pub fn register(&self, entries: &'static [(&'static str, New)]) {
        let _ = self.entries.set(entries);
    }

    /// The registered entries (none before program_init).
    pub fn get(&self) -> &'static [(&'static str, New)] {
        self.entries.get().copied().unwrap_or(&[])
    }

    /// The constructor registered under `name`, with the name's static copy.
    pub fn find(&self, name: &str) -> Option<(&'static str, New)> {
        self.get().iter().find(|(n, _)| *n == name).copied()
    }

    /// The registered names, for error messages.
    pub fn names(&self) -> String {
        let names: Vec<_> = self.get().iter().map(|(n, _)| *n).collect();
        names.join(", ")
    }
}

impl<New: Copy + 'static> Default for Table<New> {
    fn default() -> Self {
        Self::new()
    }
}

static MODULE: OnceLock<Module> = OnceLock::new();

/// The module registered at program_init.
pub fn module() -> Option<&'static Module> {
    MODULE.get()
}

/// The body of envoy_dynamic_module_on_program_init: records the module, installs
/// the panic hook, says which implementation Envoy just loaded (tests that swap
/// `.so` files read this line) and returns the ABI version this Envoy speaks
/// (since.rs: v0.2.0 on 1.40, v0.1.0 on 1.38 and 1.39).
pub fn program_init(module: Module) -> *const core::ffi::c_char {
    // First: logging below already depends on what this Envoy exports.
    crate::since::resolve_all();
    let module = MODULE.get_or_init(|| module);
    crate::log::set_module_name(module.name);
    crate::barrier::install_panic_hook();
    crate::log::log(
        crate::LogLevel::Info,
        &format!(
            "{}: loaded, language={}, filters=[{}]",
            module.name,
            module.language,
            module.filters.join(", ")
        ),
    );
    crate::since::abi_version().as_ptr()
}

/// The module's one registration: its name, its language, and its filters of
/// every kind, a section per kind (any order, any left out), each entry the name
/// Envoy's config uses and the constructor that parses its `filter_config`.
/// An entry may carry `#[cfg(...)]` (e.g. test-only filters behind a feature).
/// It exports `envoy_dynamic_module_on_program_init`, which fills each kind's
/// [`Table`]; the SDK exports every other hook of every kind. It also defines
/// the names alone per kind (`HTTP_FILTER_NAMES`, `NETWORK_FILTER_NAMES`,
/// `LISTENER_FILTER_NAMES`, `UDP_LISTENER_FILTER_NAMES`, `ACCESS_LOGGER_NAMES`,
/// `BOOTSTRAP_EXTENSION_NAMES`, `EARLY_HEADER_MUTATION_NAMES`, `LB_POLICY_NAMES`,
/// `CLUSTER_SPECIFIER_NAMES`, `CLUSTER_NAMES`, `ROUTE_SPECIFIER_NAMES`,
/// `UPSTREAM_HTTP_TCP_BRIDGE_NAMES`, `HEALTH_CHECKER_NAMES`, `CONFIG_VALIDATOR_NAMES`,
/// `MATCHER_NAMES`, `MATCHER_DATA_INPUT_NAMES`, `HEADER_FORMATTER_NAMES`, `FORMATTER_NAMES`,
/// `STAT_SINK_NAMES`, `TRACER_NAMES`, `CERT_VALIDATOR_NAMES`), for readers that must not pull in
/// the constructors.
///
/// ```
/// use envoy_dm_sdk::{BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig};
/// use envoy_dm_sdk::{HttpFilter, HttpFilterConfig};
///
/// struct Nothing;
/// impl<E: EnvoyHttpFilter> HttpFilter<E> for Nothing {}
///
/// struct NothingConfig;
/// impl NothingConfig {
///     fn new(_envoy: &mut impl EnvoyHttpFilterConfig, _config: &[u8]) -> Result<Self, BoxError> {
///         Ok(Self)
///     }
/// }
/// impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for NothingConfig {
///     fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
///         Box::new(Nothing)
///     }
/// }
///
/// /// A per-route override: any type that is `Send + Sync + 'static`.
/// fn route_rules(config: &[u8]) -> Result<Vec<u8>, BoxError> {
///     Ok(config.to_vec())
/// }
///
/// envoy_dm_sdk::module! {
///     name: "example_module",
///     language: "rust",
///     http: ["nothing" => NothingConfig::new],
///     per_route: ["nothing" => route_rules],
/// }
/// # fn main() {}
/// ```
/// Sections: `http`, `per_route`, `network`, `listener`, `udp`, `access_logger`,
/// `bootstrap`, `early_header_mutation`, `lb`, `cluster_specifier`, `cluster`,
/// `route_specifier`, `upstream_http_tcp_bridge`, `health_checker`, `config_validator`,
/// `matcher`, `matcher_data_input`, `header_formatter`, `formatter`, `stat_sink`, `tracer`,
/// `cert_validator`, `transport_socket`. Each constructor is
/// `fn(&mut impl Envoy<Kind>Config, &[u8]) -> Result<T, E>`
/// with `T` the kind's config trait over its ABI-backed handle (a per-route one
/// is `fn(&[u8]) -> Result<T, E>`, `T: Send + Sync + 'static`); `E: Into<BoxError>`.
#[macro_export]
macro_rules! module {
    (
        name: $name:literal,
        language: $lang:literal
        $(, $kind:ident: [$($(#[$m:meta])* $entry:literal => $new:path),* $(,)?])* $(,)?
    ) => {
        $($crate::module!(@table $kind [$($(#[$m])* $entry => $new),*]);)*

        /// Envoy's first call into the module.
        #[no_mangle]
        pub extern "C" fn envoy_dynamic_module_on_program_init(
        ) -> $crate::abi::envoy_dynamic_module_type_abi_version_module_ptr {
            #[allow(unused_mut)]
            let mut filters: &'static [&'static str] = &[];
            $($crate::module!(@register $kind filters);)*
            $crate::registry::program_init($crate::registry::Module {
                name: $name,
                language: $lang,
                filters,
            })
        }

        #[allow(dead_code)]
        fn program_init_matches_the_abi() {
            let _: [unsafe extern "C" fn() -> _; 2] = [
                $crate::abi::hooks::envoy_dynamic_module_on_program_init,
                envoy_dynamic_module_on_program_init,
            ];
        }
    };

    // A per-route constructor takes the bytes alone.
    (@table per_route [$($(#[$m:meta])* $entry:literal => $new:path),*]) => {
        $crate::module!(@names per_route [$($(#[$m])* $entry),*]);
        static DM_PER_ROUTE: &[(&str, $crate::http::hooks::NewPerRouteConfig)] = &[$($(#[$m])* ($entry, |config| {
            ::core::result::Result::Ok(::std::sync::Arc::new($new(config)?))
        })),*];
    };
    // One kind's names and constructors, typed by the kind's own `New...` alias.
    (@table $kind:ident [$($(#[$m:meta])* $entry:literal => $new:path),*]) => {
        $crate::module!(@names $kind [$($(#[$m])* $entry),*]);
        $crate::module!(@entries $kind [$($(#[$m])* ($entry, |envoy, config| {
            ::core::result::Result::Ok(::std::boxed::Box::new($new(envoy, config)?))
        })),*]);
    };
    (@names http [$($t:tt)*]) => { #[allow(dead_code)] pub static HTTP_FILTER_NAMES: &[&str] = &[$($t)*]; };
    (@names per_route [$($t:tt)*]) => { #[allow(dead_code)] pub static PER_ROUTE_NAMES: &[&str] = &[$($t)*]; };
    (@names network [$($t:tt)*]) => { #[allow(dead_code)] pub static NETWORK_FILTER_NAMES: &[&str] = &[$($t)*]; };
    (@names listener [$($t:tt)*]) => { #[allow(dead_code)] pub static LISTENER_FILTER_NAMES: &[&str] = &[$($t)*]; };
    (@names udp [$($t:tt)*]) => { #[allow(dead_code)] pub static UDP_LISTENER_FILTER_NAMES: &[&str] = &[$($t)*]; };
    (@names access_logger [$($t:tt)*]) => { #[allow(dead_code)] pub static ACCESS_LOGGER_NAMES: &[&str] = &[$($t)*]; };
    (@names bootstrap [$($t:tt)*]) => { #[allow(dead_code)] pub static BOOTSTRAP_EXTENSION_NAMES: &[&str] = &[$($t)*]; };
    // Early header mutation (a connection manager's `early_header_mutation_extensions`).
    (@names early_header_mutation [$($t:tt)*]) => { #[allow(dead_code)] pub static EARLY_HEADER_MUTATION_NAMES: &[&str] = &[$($t)*]; };
    // The load-balancing policy (a cluster's `load_balancing_policy`).
    (@names lb [$($t:tt)*]) => { #[allow(dead_code)] pub static LB_POLICY_NAMES: &[&str] = &[$($t)*]; };
    // The cluster specifier (a route's `cluster_specifier_plugin`).
    (@names cluster_specifier [$($t:tt)*]) => { #[allow(dead_code)] pub static CLUSTER_SPECIFIER_NAMES: &[&str] = &[$($t)*]; };
    // The cluster (a cluster type that finds its hosts and picks one per request).
    (@names cluster [$($t:tt)*]) => { #[allow(dead_code)] pub static CLUSTER_NAMES: &[&str] = &[$($t)*]; };
    // route_specifier kind (a route table's `route_specifiers`).
    (@names route_specifier [$($t:tt)*]) => { #[allow(dead_code)] pub static ROUTE_SPECIFIER_NAMES: &[&str] = &[$($t)*]; };
    // The upstream HTTP-to-TCP bridge (a cluster's `upstream_config`).
    (@names upstream_http_tcp_bridge [$($t:tt)*]) => { #[allow(dead_code)] pub static UPSTREAM_HTTP_TCP_BRIDGE_NAMES: &[&str] = &[$($t)*]; };
    // The health checker (a cluster's `health_checks[].custom_health_check`).
    (@names health_checker [$($t:tt)*]) => { #[allow(dead_code)] pub static HEALTH_CHECKER_NAMES: &[&str] = &[$($t)*]; };
    // config_validator kind (an xDS config source's `config_validators`).
    (@names config_validator [$($t:tt)*]) => { #[allow(dead_code)] pub static CONFIG_VALIDATOR_NAMES: &[&str] = &[$($t)*]; };
    // matcher kind (a matching tree's `custom_match`)
    (@names matcher [$($t:tt)*]) => { #[allow(dead_code)] pub static MATCHER_NAMES: &[&str] = &[$($t)*]; };
    // matcher_data_input kind (a matching tree's `input`)
    (@names matcher_data_input [$($t:tt)*]) => { #[allow(dead_code)] pub static MATCHER_DATA_INPUT_NAMES: &[&str] = &[$($t)*]; };
    // header_formatter kind (http_protocol_options' `header_key_format.stateful_formatter`)
    (@names header_formatter [$($t:tt)*]) => { #[allow(dead_code)] pub static HEADER_FORMATTER_NAMES: &[&str] = &[$($t)*]; };
    // formatter kind (a format string's `formatters` entry).
    (@names formatter [$($t:tt)*]) => { #[allow(dead_code)] pub static FORMATTER_NAMES: &[&str] = &[$($t)*]; };
    // stat_sink kind (a bootstrap's `stats_sinks` entry).
    (@names stat_sink [$($t:tt)*]) => { #[allow(dead_code)] pub static STAT_SINK_NAMES: &[&str] = &[$($t)*]; };
    // tracer kind (a connection manager's `tracing.provider`).
    (@names tracer [$($t:tt)*]) => { #[allow(dead_code)] pub static TRACER_NAMES: &[&str] = &[$($t)*]; };
    // The TLS certificate validator (a TLS context's `custom_validator_config`).
    (@names cert_validator [$($t:tt)*]) => { #[allow(dead_code)] pub static CERT_VALIDATOR_NAMES: &[&str] = &[$($t)*]; };
    // transport_socket kind (a filter chain's or a cluster's `transport_socket`).
    (@names transport_socket [$($t:tt)*]) => { #[allow(dead_code)] pub static TRANSPORT_SOCKET_NAMES: &[&str] = &[$($t)*]; };
    (@names $other:ident [$($t:tt)*]) => {
        ::core::compile_error!(concat!("module!: no extension kind named `", stringify!($other),
            "`; the kinds are http, per_route, network, listener, udp, access_logger, bootstrap, ",
            "early_header_mutation, lb, cluster_specifier, cluster, route_specifier, ",
            "upstream_http_tcp_bridge, health_checker, config_validator, matcher, matcher_data_input, ",
            "header_formatter, formatter, stat_sink, tracer, cert_validator, transport_socket"));
    };

    (@entries http [$($t:tt)*]) => { static DM_HTTP: &[(&str, $crate::http::hooks::NewHttpFilterConfig)] = &[$($t)*]; };
    (@entries network [$($t:tt)*]) => { static DM_NETWORK: &[(&str, $crate::network::NewNetworkFilterConfig)] = &[$($t)*]; };
    (@entries listener [$($t:tt)*]) => { static DM_LISTENER: &[(&str, $crate::listener::NewListenerFilterConfig)] = &[$($t)*]; };
    (@entries udp [$($t:tt)*]) => { static DM_UDP: &[(&str, $crate::udp::NewUdpListenerFilterConfig)] = &[$($t)*]; };
    (@entries access_logger [$($t:tt)*]) => { static DM_ACCESS_LOGGER: &[(&str, $crate::access_logger::NewAccessLoggerConfig)] = &[$($t)*]; };
    (@entries bootstrap [$($t:tt)*]) => { static DM_BOOTSTRAP: &[(&str, $crate::bootstrap::NewBootstrapExtensionConfig)] = &[$($t)*]; };
    (@entries early_header_mutation [$($t:tt)*]) => { static DM_EARLY_HEADER_MUTATION: &[(&str, $crate::early_header_mutation::NewEarlyHeaderMutationConfig)] = &[$($t)*]; };
    (@entries lb [$($t:tt)*]) => { static DM_LB: &[(&str, $crate::lb::NewLoadBalancerConfig)] = &[$($t)*]; };
    (@entries cluster_specifier [$($t:tt)*]) => { static DM_CLUSTER_SPECIFIER: &[(&str, $crate::cluster_specifier::NewClusterSpecifierConfig)] = &[$($t)*]; };
    (@entries cluster [$($t:tt)*]) => { static DM_CLUSTER: &[(&str, $crate::cluster::NewClusterConfig)] = &[$($t)*]; };
    // route_specifier kind
    (@entries route_specifier [$($t:tt)*]) => { static DM_ROUTE_SPECIFIER: &[(&str, $crate::route_specifier::NewRouteSpecifierConfig)] = &[$($t)*]; };
    (@entries upstream_http_tcp_bridge [$($t:tt)*]) => { static DM_UPSTREAM_HTTP_TCP_BRIDGE: &[(&str, $crate::upstream_http_tcp_bridge::NewUpstreamHttpTcpBridgeConfig)] = &[$($t)*]; };
    // health_checker kind
    (@entries health_checker [$($t:tt)*]) => { static DM_HEALTH_CHECKER: &[(&str, $crate::health_checker::NewHealthCheckerConfig)] = &[$($t)*]; };
    // config_validator kind
    (@entries config_validator [$($t:tt)*]) => { static DM_CONFIG_VALIDATOR: &[(&str, $crate::config_validator::NewConfigValidatorConfig)] = &[$($t)*]; };
    // matcher kind
    (@entries matcher [$($t:tt)*]) => { static DM_MATCHER: &[(&str, $crate::matcher::NewMatcherConfig)] = &[$($t)*]; };
    // matcher_data_input kind
    (@entries matcher_data_input [$($t:tt)*]) => { static DM_MATCHER_DATA_INPUT: &[(&str, $crate::matcher_data_input::NewMatcherDataInputConfig)] = &[$($t)*]; };
    // header_formatter kind
    (@entries header_formatter [$($t:tt)*]) => { static DM_HEADER_FORMATTER: &[(&str, $crate::header_formatter::NewHeaderFormatterConfig)] = &[$($t)*]; };
    // formatter kind
    (@entries formatter [$($t:tt)*]) => { static DM_FORMATTER: &[(&str, $crate::formatter::NewFormatterConfig)] = &[$($t)*]; };
    // cert_validator kind
    (@entries cert_validator [$($t:tt)*]) => { static DM_CERT_VALIDATOR: &[(&str, $crate::cert_validator::NewCertValidatorConfig)] = &[$($t)*]; };
    // stat_sink kind
    (@entries stat_sink [$($t:tt)*]) => { static DM_STAT_SINK: &[(&str, $crate::stat_sink::NewStatSinkConfig)] = &[$($t)*]; };
    // tracer kind
    (@entries tracer [$($t:tt)*]) => { static DM_TRACER: &[(&str, $crate::tracer::NewTracerConfig)] = &[$($t)*]; };
    // transport_socket kind
    (@entries transport_socket [$($t:tt)*]) => { static DM_TRANSPORT_SOCKET: &[(&str, $crate::transport_socket::NewTransportSocketConfig)] = &[$($t)*]; };
    (@entries $other:ident [$($t:tt)*]) => {};

    (@register http $filters:ident) => { $crate::http::hooks::FILTERS.register(DM_HTTP); $filters = HTTP_FILTER_NAMES; };
    (@register per_route $filters:ident) => { $crate::http::hooks::PER_ROUTE.register(DM_PER_ROUTE); };
    (@register network $filters:ident) => { $crate::network::hooks::REGISTERED.register(DM_NETWORK); };
    (@register listener $filters:ident) => { $crate::listener::hooks::REGISTERED.register(DM_LISTENER); };
    (@register udp $filters:ident) => { $crate::udp::hooks::REGISTERED.register(DM_UDP); };
    (@register access_logger $filters:ident) => { $crate::access_logger::hooks::REGISTERED.register(DM_ACCESS_LOGGER); };
    (@register bootstrap $filters:ident) => { $crate::bootstrap::hooks::REGISTERED.register(DM_BOOTSTRAP); };
    (@register early_header_mutation $filters:ident) => { $crate::early_header_mutation::hooks::REGISTERED.register(DM_EARLY_HEADER_MUTATION); };
    (@register lb $filters:ident) => { $crate::lb::hooks::REGISTERED.register(DM_LB); };
    (@register cluster_specifier $filters:ident) => { $crate::cluster_specifier::hooks::REGISTERED.register(DM_CLUSTER_SPECIFIER); };
    (@register cluster $filters:ident) => { $crate::cluster::hooks::REGISTERED.register(DM_CLUSTER); };
    // route_specifier kind
    (@register route_specifier $filters:ident) => { $crate::route_specifier::hooks::REGISTERED.register(DM_ROUTE_SPECIFIER); };
    (@register upstream_http_tcp_bridge $filters:ident) => { $crate::upstream_http_tcp_bridge::hooks::REGISTERED.register(DM_UPSTREAM_HTTP_TCP_BRIDGE); };
    // health_checker kind
    (@register health_checker $filters:ident) => { $crate::health_checker::hooks::REGISTERED.register(DM_HEALTH_CHECKER); };
    // config_validator kind
    (@register config_validator $filters:ident) => { $crate::config_validator::hooks::REGISTERED.register(DM_CONFIG_VALIDATOR); };
    // matcher kind
    (@register matcher $filters:ident) => { $crate::matcher::hooks::REGISTERED.register(DM_MATCHER); };
    // matcher_data_input kind
    (@register matcher_data_input $filters:ident) => { $crate::matcher_data_input::hooks::REGISTERED.register(DM_MATCHER_DATA_INPUT); };
    // header_formatter kind
    (@register header_formatter $filters:ident) => { $crate::header_formatter::hooks::REGISTERED.register(DM_HEADER_FORMATTER); };
    // cert_validator kind
    (@register cert_validator $filters:ident) => { $crate::cert_validator::hooks::REGISTERED.register(DM_CERT_VALIDATOR); };
    // formatter kind
    (@register formatter $filters:ident) => { $crate::formatter::hooks::REGISTERED.register(DM_FORMATTER); };
    // stat_sink kind
    (@register stat_sink $filters:ident) => { $crate::stat_sink::hooks::REGISTERED.register(DM_STAT_SINK); };
    // tracer kind
    (@register tracer $filters:ident) => { $crate::tracer::hooks::REGISTERED.register(DM_TRACER); };
    // transport_socket kind
    (@register transport_socket $filters:ident) => { $crate::transport_socket::hooks::REGISTERED.register(DM_TRANSPORT_SOCKET); };
    (@register $other:ident $filters:ident) => {};
}
