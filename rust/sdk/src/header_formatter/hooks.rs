//! The HTTP/1 header formatters' exported hooks: only the `extern "C"` glue,
//! each a call into [`body`](super::body) with Envoy's arguments. The SDK
//! exports them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The header formatters the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewHeaderFormatterConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_header_formatter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_header_formatter_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_new(
    config_module_ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr,
    formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
) -> envoy_dynamic_module_type_header_formatter_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::formatter_new(config_module_ptr, formatter_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_destroy(
    formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::formatter_destroy(formatter_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_process_key(
    formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
    formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::process_key(formatter_envoy_ptr, formatter_module_ptr, key) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_header_formatter_format(
    formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
    formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
    result: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::format(formatter_envoy_ptr, formatter_module_ptr, key, result) }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn header_formatter_hooks_match_the_abi() {
    use crate::abi::header_formatter as abi;
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_config_new,
        envoy_dynamic_module_on_header_formatter_config_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_config_destroy,
        envoy_dynamic_module_on_header_formatter_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_new,
        envoy_dynamic_module_on_header_formatter_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_destroy,
        envoy_dynamic_module_on_header_formatter_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_process_key,
        envoy_dynamic_module_on_header_formatter_process_key,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_header_formatter_format,
        envoy_dynamic_module_on_header_formatter_format,
    ];
}
