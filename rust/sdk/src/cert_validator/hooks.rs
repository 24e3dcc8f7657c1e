//! The certificate validator's exported hooks: only the `extern "C"` glue,
//! each a call into [`body`](super::body) with Envoy's arguments. The SDK
//! exports them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The certificate validators the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewCertValidatorConfig> =
    crate::registry::Table::new();

use super::body as b;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cert_validator_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_cert_validator_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cert_validator_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cert_validator_do_verify_cert_chain(
    config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    certs: *mut envoy_dynamic_module_type_envoy_buffer,
    certs_count: usize,
    host_name: envoy_dynamic_module_type_envoy_buffer,
    is_server: bool,
) -> envoy_dynamic_module_type_cert_validator_validation_result {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        b::do_verify_cert_chain(
            config_envoy_ptr,
            config_module_ptr,
            certs,
            certs_count,
            host_name,
            is_server,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cert_validator_get_ssl_verify_mode(
    config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    handshaker_provides_certificates: bool,
) -> core::ffi::c_int {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::get_ssl_verify_mode(config_module_ptr, handshaker_provides_certificates) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cert_validator_update_digest(
    config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    out_data: *mut envoy_dynamic_module_type_module_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::update_digest(config_module_ptr, out_data) }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn cert_validator_hooks_match_the_abi() {
    use crate::abi::cert_validator as abi;
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_cert_validator_config_new,
        envoy_dynamic_module_on_cert_validator_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        abi::envoy_dynamic_module_on_cert_validator_config_destroy,
        envoy_dynamic_module_on_cert_validator_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_cert_validator_do_verify_cert_chain,
        envoy_dynamic_module_on_cert_validator_do_verify_cert_chain,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_cert_validator_get_ssl_verify_mode,
        envoy_dynamic_module_on_cert_validator_get_ssl_verify_mode,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        abi::envoy_dynamic_module_on_cert_validator_update_digest,
        envoy_dynamic_module_on_cert_validator_update_digest,
    ];
}
