//! The one hook every kind shares: program_init, Envoy's first call into a
//! module. Each kind's own hooks are in its module.
//!
//! A declaration only; the module defines it (the Rust SDK's `module!`) and
//! checks the definition against this declaration.

use crate::types::*;

extern "C" {
    /// Called once when Envoy loads the module. Returns the ABI version the module
    /// speaks on this Envoy: ENVOY_DYNAMIC_MODULES_ABI_VERSION where
    /// envoy_dynamic_module_callback_log_v2 resolves (1.40),
    /// ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION where only is_validation_mode
    /// does (1.38, 1.39), ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37 where
    /// neither does. Envoy 1.38 to 1.40 log an exact match at info, load any
    /// other string with a deprecation warning, and fail on NULL; 1.37 fails
    /// the load on anything but its exact string.
    pub fn envoy_dynamic_module_on_program_init() -> envoy_dynamic_module_type_abi_version_module_ptr;
}
