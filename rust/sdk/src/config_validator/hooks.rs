//! The config validator's exported hooks: only the `extern "C"` glue, each a
//! call into [`body`](super::body) with Envoy's arguments. The SDK exports
//! them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The config validators the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewConfigValidatorConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_config_validator_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_config_validator_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_config_validator_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_config_validator_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_config_validator_validate(
    context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
    type_url: envoy_dynamic_module_type_envoy_buffer,
    resources: *const envoy_dynamic_module_type_config_validator_resource,
    resources_count: usize,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::validate(
            context_envoy_ptr,
            config_module_ptr,
            type_url,
            resources,
            resources_count,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_config_validator_validate_delta(
    context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
    type_url: envoy_dynamic_module_type_envoy_buffer,
    added_resources: *const envoy_dynamic_module_type_config_validator_resource,
    added_resources_count: usize,
    removed_resources: *const envoy_dynamic_module_type_envoy_buffer,
    removed_resources_count: usize,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::validate_delta(
            context_envoy_ptr,
            config_module_ptr,
            type_url,
            added_resources,
            added_resources_count,
            removed_resources,
            removed_resources_count,
        )
    }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn config_validator_hooks_match_the_abi() {
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::config_validator::envoy_dynamic_module_on_config_validator_config_new,
        envoy_dynamic_module_on_config_validator_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        crate::abi::config_validator::envoy_dynamic_module_on_config_validator_config_destroy,
        envoy_dynamic_module_on_config_validator_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _) -> _; 2] = [
        crate::abi::config_validator::envoy_dynamic_module_on_config_validator_validate,
        envoy_dynamic_module_on_config_validator_validate,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _, _, _) -> _; 2] = [
        crate::abi::config_validator::envoy_dynamic_module_on_config_validator_validate_delta,
        envoy_dynamic_module_on_config_validator_validate_delta,
    ];
}
