//! The cert_validator kind's types: opaque pointers and the verdict on a chain.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one validator configuration. Valid during the hook that
/// passes it; the callbacks that take it work during do_verify_cert_chain only.
pub type envoy_dynamic_module_type_cert_validator_config_envoy_ptr = *mut c_void;

/// The module's side of one validator configuration, shared by every worker.
pub type envoy_dynamic_module_type_cert_validator_config_module_ptr = *const c_void;

/// Whether the chain is accepted: the handshake goes on or fails.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_cert_validator_validation_status {
    Successful,
    Failed,
}

/// What Envoy records about the peer's certificate on the connection: Envoy's
/// `Ssl::ClientValidationStatus`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_cert_validator_client_validation_status {
    NotValidated,
    NoClientCertificate,
    Validated,
    Failed,
}

/// The module's verdict on one chain, returned by value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct envoy_dynamic_module_type_cert_validator_validation_result {
    pub status: envoy_dynamic_module_type_cert_validator_validation_status,
    pub detailed_status: envoy_dynamic_module_type_cert_validator_client_validation_status,
    /// The TLS alert Envoy sends the peer on failure (e.g. 42, bad_certificate),
    /// when `has_tls_alert`; otherwise Envoy picks its own.
    pub tls_alert: u8,
    pub has_tls_alert: bool,
}
