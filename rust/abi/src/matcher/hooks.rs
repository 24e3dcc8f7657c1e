//! The matcher kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a matcher configuration from
    /// `matcher_name` and `matcher_config` (both borrowed for this call), on
    /// the main thread. NULL makes Envoy refuse the configuration that holds
    /// the matcher.
    pub fn envoy_dynamic_module_on_matcher_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_matcher_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_matcher_config_module_ptr;

    /// Releases a configuration made by matcher_config_new.
    pub fn envoy_dynamic_module_on_matcher_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_matcher_config_module_ptr,
    );

    /// Decides one match, on the worker evaluating the tree (so concurrently
    /// with other workers on the same configuration): true is a match. Having
    /// called set_error first, the return value is ignored and the config's
    /// `on_error` decides.
    pub fn envoy_dynamic_module_on_matcher_match(
        config_module_ptr: envoy_dynamic_module_type_matcher_config_module_ptr,
        matcher_input_envoy_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
    ) -> bool;
}
