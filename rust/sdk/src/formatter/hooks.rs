//! The formatters' exported hooks: only the `extern "C"` glue, each a call
//! into [`body`](super::body) with Envoy's arguments. The SDK exports them for
//! every module; the module's [`module!`](crate::module) registration fills
//! [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The formatters the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewFormatterConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_formatter_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_formatter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_formatter_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_formatter_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_formatter_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_formatter_parse(
    config_module_ptr: envoy_dynamic_module_type_formatter_config_module_ptr,
    command: envoy_dynamic_module_type_envoy_buffer,
    command_arg: envoy_dynamic_module_type_envoy_buffer,
    has_max_length: bool,
    max_length: usize,
) -> envoy_dynamic_module_type_formatter_provider_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::parse(
            config_module_ptr,
            command,
            command_arg,
            has_max_length,
            max_length,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_formatter_provider_destroy(
    provider_module_ptr: envoy_dynamic_module_type_formatter_provider_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::provider_destroy(provider_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_formatter_format(
    provider_module_ptr: envoy_dynamic_module_type_formatter_provider_module_ptr,
    context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
    result: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::format(provider_module_ptr, context_envoy_ptr, result) }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn formatter_hooks_match_the_abi() {
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::formatter::envoy_dynamic_module_on_formatter_config_new,
        envoy_dynamic_module_on_formatter_config_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        crate::abi::formatter::envoy_dynamic_module_on_formatter_config_destroy,
        envoy_dynamic_module_on_formatter_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _) -> _; 2] = [
        crate::abi::formatter::envoy_dynamic_module_on_formatter_parse,
        envoy_dynamic_module_on_formatter_parse,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        crate::abi::formatter::envoy_dynamic_module_on_formatter_provider_destroy,
        envoy_dynamic_module_on_formatter_provider_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::formatter::envoy_dynamic_module_on_formatter_format,
        envoy_dynamic_module_on_formatter_format,
    ];
}
