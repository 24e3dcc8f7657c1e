//! Version-dependent callbacks: exported by some supported Envoys only.
//!
//! A module must never link against these: Envoy resolves every undefined symbol
//! of a module when it loads it, so one missing name stops the whole module from
//! loading. The SDKs look each one up at program_init instead
//! (`dlsym(RTLD_DEFAULT, name)`), use it when found, and otherwise fall back
//! (where a fallback exists) or make the filter that needs it refuse its config.
//!
//! Each declaration's first doc line is `@since Envoy X.Y.Z (ABI vA.B.C)`: the
//! oldest supported Envoy that exports it. The SDK's table of these names
//! (rust/sdk/src/since.rs) is checked against this tag in abi/abi.h.

use crate::types::*;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.38 and 1.39.
    /// Writes one line to Envoy's log under the `dynamic_modules` logger, with the
    /// module's source location (`source_file` may be empty). Fallback:
    /// `envoy_dynamic_module_callback_log`, without the location.
    pub fn envoy_dynamic_module_callback_log_v2(
        level: envoy_dynamic_module_type_log_level,
        message: envoy_dynamic_module_type_module_buffer,
        source_file: envoy_dynamic_module_type_module_buffer,
        source_line: u32,
    );
}
