//! The health_checker kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them). All run on the main thread.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a health checker configuration: `name` is
    /// the config's `health_checker_name`, `config` its `health_checker_config`
    /// (both borrowed for this call). NULL makes Envoy refuse the cluster.
    pub fn envoy_dynamic_module_on_health_checker_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_health_checker_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_health_checker_config_module_ptr;

    /// Releases a configuration made by health_checker_config_new.
    pub fn envoy_dynamic_module_on_health_checker_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_health_checker_config_module_ptr,
    );

    /// Creates the session of one host. NULL leaves the host unchecked: every
    /// interval of it then ends in a timeout, a failure.
    pub fn envoy_dynamic_module_on_health_checker_session_new(
        config_module_ptr: envoy_dynamic_module_type_health_checker_config_module_ptr,
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
    ) -> envoy_dynamic_module_type_health_checker_session_module_ptr;

    /// The interval fired: start one check of the host and report its result
    /// through a scheduler (health_checker_scheduler_new with this
    /// `session_envoy_ptr`) before the HealthCheck's `timeout`.
    pub fn envoy_dynamic_module_on_health_checker_session_on_interval(
        session_module_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
    );

    /// Optional. The check's `timeout` passed without a report: Envoy has
    /// counted a failure and ignores a later report; the module may stop its work.
    pub fn envoy_dynamic_module_on_health_checker_session_on_timeout(
        session_module_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
    );

    /// Releases a host's session (the host left the cluster, or the cluster went).
    pub fn envoy_dynamic_module_on_health_checker_session_destroy(
        session_module_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
    );
}
