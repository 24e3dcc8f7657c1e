//! The route_specifier kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a route specifier configuration: `name`
    /// is the config's `specifier_name`, `config` its `specifier_config`
    /// (both borrowed for this call). NULL makes Envoy refuse the route table.
    pub fn envoy_dynamic_module_on_route_specifier_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_route_specifier_config_module_ptr;

    /// Releases a configuration made by route_specifier_config_new.
    pub fn envoy_dynamic_module_on_route_specifier_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr,
    );

    /// Decides the request's route: records a template, a rewrite, headers
    /// or a decision on the context, and says whether the chain goes on.
    pub fn envoy_dynamic_module_on_route_specifier_on_route(
        config_module_ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
    ) -> envoy_dynamic_module_type_route_specifier_on_route_status;

    /// A route that carried the module's user data (route_specifier_set_route_user_data)
    /// is gone; any thread, possibly after its stream.
    pub fn envoy_dynamic_module_on_route_specifier_route_destroy(
        config_module_ptr: envoy_dynamic_module_type_route_specifier_config_module_ptr,
        user_data: u64,
    );
}
