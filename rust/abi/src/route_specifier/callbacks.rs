//! The route_specifier kind's callbacks: what Envoy exports and the module
//! calls. Envoy 1.39 and older export none of them: each is `@since` 1.40,
//! resolved at load by the SDKs (never linked).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// How many route templates the configuration declares.
    pub fn envoy_dynamic_module_callback_route_specifier_config_get_template_count(
        config_envoy_ptr: envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The `template_id` of declared template `index` (Envoy's bytes, alive
    /// with the configuration). False when `index` is out of range.
    pub fn envoy_dynamic_module_callback_route_specifier_config_get_template_id(
        config_envoy_ptr: envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
        index: usize,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Value `index` of the request header `key`; `total_count_out` (may be
    /// NULL) receives how many values it has. False when absent.
    pub fn envoy_dynamic_module_callback_route_specifier_get_request_header_value(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count_out: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Selects the declared template `template_id` as the base of the
    /// request's route. False (nothing selected) when it is not declared.
    pub fn envoy_dynamic_module_callback_route_specifier_set_route_template(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        template_id: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// How Envoy builds the route; a later call replaces an earlier one.
    pub fn envoy_dynamic_module_callback_route_specifier_set_decision(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        decision: envoy_dynamic_module_type_route_specifier_decision,
    );

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Rewrites the upstream path: `matched`, a case-insensitive prefix of the
    /// path without its query, becomes `replacement` (the query is kept).
    /// False when `matched` is no such prefix or the result is too long.
    pub fn envoy_dynamic_module_callback_route_specifier_set_prefix_rewrite(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        matched: envoy_dynamic_module_type_module_buffer,
        replacement: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// A header the route adds to the upstream request. False when the name
    /// is invalid or a pseudo-header, or the value is invalid.
    pub fn envoy_dynamic_module_callback_route_specifier_add_request_header(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
        action: envoy_dynamic_module_type_route_specifier_header_append_action,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Removes a header from the upstream request. False when the name is
    /// invalid or a pseudo-header.
    pub fn envoy_dynamic_module_callback_route_specifier_remove_request_header(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// A u64 carried by the produced route, handed back to route_destroy when
    /// Envoy destroys that route.
    pub fn envoy_dynamic_module_callback_route_specifier_set_route_user_data(
        context_envoy_ptr: envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
        user_data: u64,
    );
}
