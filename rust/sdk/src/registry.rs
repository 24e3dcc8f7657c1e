//! Filter names to constructors: the module's dispatch table, looked up once per
//! filter configuration (never per request).

use crate::{BoxError, EnvoyConfigHandle, EnvoyFilterHandle, HttpFilterConfig};
use std::any::Any;
use std::sync::{Arc, OnceLock};

/// Builds one filter configuration from its `filter_config` bytes.
pub type NewHttpFilterConfig = fn(
    &mut EnvoyConfigHandle,
    &[u8],
)
    -> Result<Box<dyn HttpFilterConfig<EnvoyFilterHandle>>, BoxError>;

/// Builds one per-route override from its `filter_config` bytes. The filter
/// gets it back from [`EnvoyHttpFilter::per_route_config`](crate::EnvoyHttpFilter::per_route_config).
pub type NewPerRouteConfig = fn(&[u8]) -> Result<Arc<dyn Any + Send + Sync>, BoxError>;

/// What a module is: its name (the `lib{name}.so` stem), its language, its
/// filters by name, and the per-route overrides it understands, by
/// per_route_config_name. Made by [`declare_module!`](crate::declare_module).
pub struct Module {
    pub name: &'static str,
    pub language: &'static str,
    pub filters: &'static [(&'static str, NewHttpFilterConfig)],
    pub per_route: &'static [(&'static str, NewPerRouteConfig)],
}

impl Module {
    /// The constructor registered under `filter_name`, with the name's static copy.
    pub fn find(&self, filter_name: &str) -> Option<(&'static str, NewHttpFilterConfig)> {
        self.filters
            .iter()
            .find(|(n, _)| *n == filter_name)
            .copied()
    }

    /// The per-route constructor registered under `name`.
    pub fn find_per_route(&self, name: &str) -> Option<(&'static str, NewPerRouteConfig)> {
        self.per_route.iter().find(|(n, _)| *n == name).copied()
    }

    /// The registered names, for error messages.
    pub fn filter_names(&self) -> String {
        self.filters
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

static MODULE: OnceLock<&'static Module> = OnceLock::new();

/// The module registered at program_init.
pub fn module() -> Option<&'static Module> {
    MODULE.get().copied()
}

/// The module's name for log lines, or a stand-in before program_init.
pub(crate) fn module_name() -> &'static str {
    module().map_or("dynamic module", |m| m.name)
}

/// The body of envoy_dynamic_module_on_program_init: records the module, installs
/// the panic hook, says which implementation Envoy just loaded (tests that swap
/// `.so` files read this line) and returns the ABI version this Envoy speaks
/// (since.rs: v0.2.0 on 1.40, v0.1.0 on 1.38 and 1.39).
pub fn program_init(module: &'static Module) -> *const core::ffi::c_char {
    // First: logging below already depends on what this Envoy exports.
    crate::since::resolve_all();
    let _ = MODULE.set(module);
    crate::barrier::install_panic_hook();
    crate::log::log(
        crate::LogLevel::Info,
        &format!(
            "{}: loaded, language={}, filters=[{}]",
            module.name,
            module.language,
            module.filter_names()
        ),
    );
    crate::since::abi_version().as_ptr()
}

/// Declares the module: its name, language and filters, and exports
/// `envoy_dynamic_module_on_program_init` from the calling crate. The SDK exports
/// every other hook.
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
/// envoy_dm_sdk::declare_module! {
///     name: "example_module",
///     language: "rust",
///     filters: ["nothing" => NothingConfig::new],
///     per_route: ["nothing" => route_rules],
/// }
/// # fn main() {}
/// ```
/// Each filter constructor is `fn(&mut impl EnvoyHttpFilterConfig, &[u8]) -> Result<T, E>`
/// where `T: HttpFilterConfig<EnvoyFilterHandle>`; each per-route constructor is
/// `fn(&[u8]) -> Result<T, E>` where `T: Send + Sync + 'static`; `E: Into<BoxError>`.
#[macro_export]
macro_rules! declare_module {
    (
        name: $name:literal,
        language: $lang:literal,
        filters: [$($filter:literal => $new:path),* $(,)?],
        per_route: [$($route_filter:literal => $new_route:path),* $(,)?] $(,)?
    ) => {
        /// The HTTP filters' names alone, for readers that must not pull in the
        /// constructors (and through them every callback) at link time.
        #[allow(dead_code)]
        static HTTP_FILTER_NAMES: &[&str] = &[$($filter),*];

        static MODULE: $crate::Module = $crate::Module {
            name: $name,
            language: $lang,
            filters: &[$((
                $filter,
                |envoy, config| Ok(::std::boxed::Box::new($new(envoy, config)?)),
            )),*],
            per_route: &[$((
                $route_filter,
                |config| Ok(::std::sync::Arc::new($new_route(config)?)),
            )),*],
        };

        /// Envoy's first call into the module.
        #[no_mangle]
        pub extern "C" fn envoy_dynamic_module_on_program_init(
        ) -> $crate::abi::envoy_dynamic_module_type_abi_version_module_ptr {
            $crate::registry::program_init(&MODULE)
        }

        #[allow(dead_code)]
        fn program_init_matches_the_abi() {
            let _: [unsafe extern "C" fn() -> _; 2] = [
                $crate::abi::hooks::envoy_dynamic_module_on_program_init,
                envoy_dynamic_module_on_program_init,
            ];
        }
    };
}
