//! The cluster_specifier kind's hooks: what the module exports and Envoy
//! calls (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a cluster specifier configuration: `name`
    /// is the config's `cluster_specifier_name`, `config` its
    /// `cluster_specifier_config` (both borrowed for this call). NULL makes
    /// Envoy refuse the route table.
    pub fn envoy_dynamic_module_on_cluster_specifier_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_cluster_specifier_config_module_ptr;

    /// Releases a configuration made by cluster_specifier_config_new.
    pub fn envoy_dynamic_module_on_cluster_specifier_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_cluster_specifier_config_module_ptr,
    );

    /// Chooses the request's cluster with set_cluster_name (and may set the
    /// status Envoy answers when that cluster does not exist). True records
    /// the decision; false discards what was set and keeps the previous one.
    pub fn envoy_dynamic_module_on_cluster_specifier_select(
        config_module_ptr: envoy_dynamic_module_type_cluster_specifier_config_module_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
    ) -> bool;
}
