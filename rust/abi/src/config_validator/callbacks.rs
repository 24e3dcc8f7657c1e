//! The config_validator kind's callbacks: what Envoy exports and the module
//! calls. Envoy 1.39 and older export neither: each is `@since` 1.40,
//! resolved at load by the SDKs (never linked).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The reason of the refusal the running validate call is about to
    /// return; Envoy appends it to its rejection line and the NACK.
    pub fn envoy_dynamic_module_callback_config_validator_set_rejection_message(
        context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
        message: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// How many clusters Envoy holds from xDS (CDS) right now, before the
    /// update under validation.
    pub fn envoy_dynamic_module_callback_config_validator_get_dynamic_cluster_count(
        context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    ) -> u64;
}
