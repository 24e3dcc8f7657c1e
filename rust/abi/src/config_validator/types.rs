//! The config_validator kind's types: opaque pointers and one xDS resource.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one config validator configuration, handed to
/// config_validator_config_new only (its callbacks take the context).
pub type envoy_dynamic_module_type_config_validator_config_envoy_ptr = *mut c_void;

/// The module's side of one config validator configuration.
pub type envoy_dynamic_module_type_config_validator_config_module_ptr = *const c_void;

/// One validation: what the module reads and the refusal it records; valid
/// during one validate or validate_delta call only.
pub type envoy_dynamic_module_type_config_validator_context_envoy_ptr = *mut c_void;

/// One decoded xDS resource of an update, every buffer Envoy's and valid
/// during the validate call only.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct envoy_dynamic_module_type_config_validator_resource {
    /// The resource's name (a listener's or cluster's `name`).
    pub name: envoy_dynamic_module_type_envoy_buffer,
    /// The version the control plane gave the resource (may be empty).
    pub version: envoy_dynamic_module_type_envoy_buffer,
    /// The resource's aliases (`aliases_count` buffers; NULL when none).
    pub aliases: *const envoy_dynamic_module_type_envoy_buffer,
    pub aliases_count: usize,
    /// Whether the envelope carries a TTL, and the TTL in milliseconds.
    pub has_ttl: bool,
    pub ttl_milliseconds: u64,
    /// Whether the envelope carries the resource itself; when it does,
    /// `serialized_resource` is its protobuf encoding (the Listener's,
    /// Cluster's, ... wire bytes, re-serialized by Envoy).
    pub has_resource: bool,
    pub serialized_resource: envoy_dynamic_module_type_envoy_buffer,
}
