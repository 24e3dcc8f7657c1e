//! Network filter names to constructors, and `declare_network_filters!`, which
//! lists them next to the HTTP filters' `declare_module!` without changing it.

use crate::network::{EnvoyNetworkConfigHandle, EnvoyNetworkFilterHandle, NetworkFilterConfig};
use crate::BoxError;

/// Builds one network filter configuration from its `filter_config` bytes.
pub type NewNetworkFilterConfig =
    fn(
        &mut EnvoyNetworkConfigHandle,
        &[u8],
    ) -> Result<Box<dyn NetworkFilterConfig<EnvoyNetworkFilterHandle>>, BoxError>;

/// The module's network filters by name. Made by `declare_network_filters!`.
pub struct NetworkFilters {
    pub filters: &'static [(&'static str, NewNetworkFilterConfig)],
}

impl NetworkFilters {
    /// The constructor registered under `filter_name`, with the name's static copy.
    pub fn find(&self, filter_name: &str) -> Option<(&'static str, NewNetworkFilterConfig)> {
        self.filters
            .iter()
            .find(|(n, _)| *n == filter_name)
            .copied()
    }

    /// The registered names, for error messages.
    pub fn names(&self) -> String {
        self.filters
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Lists the module's network filters by the name `filter_name` uses, and
/// exports `envoy_dynamic_module_on_network_filter_config_new` from the calling
/// crate (the SDK exports every other network hook). Use it beside
/// `declare_module!`, which exports program_init.
///
/// ```ignore
/// envoy_dm_sdk::declare_network_filters! {
///     "network_echo" => network_echo::EchoConfig::new,
/// }
/// ```
/// Each constructor is `fn(&mut impl EnvoyNetworkFilterConfig, &[u8]) -> Result<T, E>`
/// where `T: NetworkFilterConfig<EnvoyNetworkFilterHandle>` and `E: Into<BoxError>`.
#[macro_export]
macro_rules! declare_network_filters {
    ($($filter:literal => $new:path),* $(,)?) => {
        /// The names alone (see declare_module!'s HTTP_FILTER_NAMES).
        #[allow(dead_code)]
        static NETWORK_FILTER_NAMES: &[&str] = &[$($filter),*];

        static NETWORK_FILTERS: $crate::network::NetworkFilters = $crate::network::NetworkFilters {
            filters: &[$((
                $filter,
                |envoy, config| Ok(::std::boxed::Box::new($new(envoy, config)?)),
            )),*],
        };

        /// Envoy's call for each network filter configuration.
        #[no_mangle]
        pub extern "C" fn envoy_dynamic_module_on_network_filter_config_new(
            filter_config_envoy_ptr: $crate::abi::network::envoy_dynamic_module_type_network_filter_config_envoy_ptr,
            name: $crate::abi::envoy_dynamic_module_type_envoy_buffer,
            config: $crate::abi::envoy_dynamic_module_type_envoy_buffer,
        ) -> $crate::abi::network::envoy_dynamic_module_type_network_filter_config_module_ptr {
            $crate::network::hooks::config_new(&NETWORK_FILTERS, filter_config_envoy_ptr, name, config)
        }

        #[allow(dead_code)]
        fn network_filter_config_new_matches_the_abi() {
            let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
                $crate::abi::network::hooks::envoy_dynamic_module_on_network_filter_config_new,
                envoy_dynamic_module_on_network_filter_config_new,
            ];
        }
    };
}
