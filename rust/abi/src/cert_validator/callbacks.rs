//! The cert_validator kind's callbacks: what Envoy exports and the module
//! calls. Envoy 1.37 exports none of them: each is `@since` 1.38, resolved at
//! load by the SDKs (never linked). Each works during do_verify_cert_chain only.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.
    /// Why the chain failed, in Envoy's words for the handshake failure (its
    /// debug log, the connection's transport failure reason). Envoy copies the
    /// bytes. Envoy keeps it on the configuration, shared by every worker.
    pub fn envoy_dynamic_module_callback_cert_validator_set_error_details(
        config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
        error_details: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.
    /// Sets a string in the connection's filter state (read-only, connection
    /// life span); false outside a handshake or when the key is taken.
    pub fn envoy_dynamic_module_callback_cert_validator_set_filter_state(
        config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.
    /// A string of the connection's filter state; Envoy's bytes, valid during
    /// the hook. False when absent or outside a handshake.
    pub fn envoy_dynamic_module_callback_cert_validator_get_filter_state(
        config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;
}
