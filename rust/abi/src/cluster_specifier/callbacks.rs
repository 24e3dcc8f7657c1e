//! The cluster_specifier kind's callbacks: what Envoy exports and the module
//! calls. Envoy 1.39 and older export none of them: each is `@since` 1.40,
//! resolved at load by the SDKs (never linked).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Value `index` of the request header `key`; `total_count_out` (may be
    /// NULL) receives how many values it has. False when absent.
    pub fn envoy_dynamic_module_callback_cluster_specifier_get_request_header_value(
        context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count_out: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// A random number Envoy drew for this request, the same at every select
    /// of it: a percentage split that a route refresh does not redo.
    pub fn envoy_dynamic_module_callback_cluster_specifier_get_random_value(
        context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
    ) -> u64;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The cluster the request goes to (Envoy copies the name).
    pub fn envoy_dynamic_module_callback_cluster_specifier_set_cluster_name(
        context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
        cluster_name: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The status Envoy answers when the chosen cluster does not exist
    /// (200 to 599; false and no change otherwise).
    pub fn envoy_dynamic_module_callback_cluster_specifier_set_cluster_not_found_response_code(
        context_envoy_ptr: envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
        status_code: u32,
    ) -> bool;
}
