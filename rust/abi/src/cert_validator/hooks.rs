//! The cert_validator kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them). Envoy looks up all five when a TLS
//! context names the module; a missing one refuses the context.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a validator configuration: `name` is the
    /// config's `validator_name`, `config` its `validator_config` (an Any:
    /// a `google.protobuf.Struct` arrives as JSON text, a StringValue as its
    /// bytes; both borrowed for this call). NULL makes Envoy refuse the TLS
    /// context.
    pub fn envoy_dynamic_module_on_cert_validator_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_cert_validator_config_module_ptr;

    /// Releases a configuration made by cert_validator_config_new.
    pub fn envoy_dynamic_module_on_cert_validator_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    );

    /// Judges the peer's chain during a handshake, on the worker running it:
    /// `certs` holds `certs_count` DER certificates, leaf first (never zero:
    /// Envoy fails an empty chain itself); `host_name` is the name Envoy
    /// expects the peer to have (the SNI it sent, as a client); `is_server` is
    /// true when Envoy is the TLS server judging a client certificate. All
    /// borrowed for this call.
    pub fn envoy_dynamic_module_on_cert_validator_do_verify_cert_chain(
        config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
        config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
        certs: *mut envoy_dynamic_module_type_envoy_buffer,
        certs_count: usize,
        host_name: envoy_dynamic_module_type_envoy_buffer,
        is_server: bool,
    ) -> envoy_dynamic_module_type_cert_validator_validation_result;

    /// The BoringSSL `SSL_VERIFY_*` flags for the TLS context, asked once when
    /// it is built (`SSL_VERIFY_PEER` 0x01, `..._FAIL_IF_NO_PEER_CERT` 0x02).
    /// 0 (`SSL_VERIFY_NONE`) means do_verify_cert_chain is never called.
    pub fn envoy_dynamic_module_on_cert_validator_get_ssl_verify_mode(
        config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
        handshaker_provides_certificates: bool,
    ) -> core::ffi::c_int;

    /// Bytes that identify what the configuration accepts, hashed into the TLS
    /// session id so that a changed configuration does not resume sessions the
    /// old one accepted. The module owns the bytes; they must live as long as
    /// the configuration. Envoy also hashes the name and the config itself.
    pub fn envoy_dynamic_module_on_cert_validator_update_digest(
        config_module_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
        out_data: *mut envoy_dynamic_module_type_module_buffer,
    );
}
