//! The callbacks every kind shares (logging, validation mode): functions Envoy
//! exports and the module calls. Each kind's own callbacks are in its module.
//!
//! Only the callbacks this project's filters use are declared; Envoy 1.40 exports
//! many more. Every one declared here is exported by every supported Envoy
//! (ENVOY_VERSIONS), so modules may link against them; the callbacks only newer
//! Envoys export are in [`crate::since`]. A test checks each name against the
//! real binaries. Unless noted, a stream callback must be called on the stream's worker
//! thread, during a hook of that stream.

use crate::types::*;

extern "C" {

    // ----------------------------------------------------------------- logging

    /// Writes one line to Envoy's log under the `dynamic_modules` logger. Every
    /// supported Envoy exports it; ABI v0.2.0 (Envoy 1.40) deprecates it in
    /// favour of `envoy_dynamic_module_callback_log_v2`, which the SDKs use when
    /// the running Envoy has it.
    pub fn envoy_dynamic_module_callback_log(
        level: envoy_dynamic_module_type_log_level,
        message: envoy_dynamic_module_type_module_buffer,
    );

    /// Whether a line at `level` would be written; check it before formatting.
    pub fn envoy_dynamic_module_callback_log_enabled(
        level: envoy_dynamic_module_type_log_level,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// True while Envoy runs with `--mode validate` (main thread only).
    pub fn envoy_dynamic_module_callback_is_validation_mode() -> bool;
}
