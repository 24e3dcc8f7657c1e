//! What a cluster specifier may ask of Envoy while it chooses a request's
//! cluster. Every callback of this kind is `@since` 1.40, so the handle calls
//! them through [`crate::since`], never linked.

use crate::abi;
use crate::ffi::{first_header_value, module_buffer};
use crate::since::call;

/// Envoy as seen during one selection. The real implementation is
/// [`EnvoyClusterSpecifierHandle`]; unit tests use `testing::FakeClusterSpecifier`.
pub trait EnvoyClusterSpecifier {
    /// The first value of the request header `name` (lowercase).
    fn request_header(&self, name: &str) -> Option<&[u8]>;
    /// A random number drawn once per request (the same at every select of it).
    fn random_value(&self) -> u64;
    /// The cluster the request goes to.
    fn set_cluster_name(&mut self, name: &str);
    /// The status Envoy answers when that cluster does not exist (200-599).
    fn set_cluster_not_found_response_code(&mut self, status: u32) -> bool;
}

/// Envoy as seen while a cluster specifier configuration is created. Nothing
/// is asked of it yet; the trait keeps every kind's constructor alike.
pub trait EnvoyClusterSpecifierConfig {}

/// The real handle, wrapping the `context_envoy_ptr` of the running select.
pub struct EnvoyClusterSpecifierHandle {
    raw: abi::envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
}

impl EnvoyClusterSpecifierHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current select.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyClusterSpecifier for EnvoyClusterSpecifierHandle {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        // SAFETY: the context is live during select, which this handle does
        // not outlive; the value is Envoy's for as long.
        unsafe {
            first_header_value(
                self.raw,
                name,
                call::envoy_dynamic_module_callback_cluster_specifier_get_request_header_value,
            )
        }
    }

    fn random_value(&self) -> u64 {
        // SAFETY: a plain call on the live pointer.
        unsafe { call::envoy_dynamic_module_callback_cluster_specifier_get_random_value(self.raw) }
    }

    fn set_cluster_name(&mut self, name: &str) {
        // SAFETY: Envoy copies the name during the call.
        unsafe {
            call::envoy_dynamic_module_callback_cluster_specifier_set_cluster_name(
                self.raw,
                module_buffer(name.as_bytes()),
            )
        }
    }

    fn set_cluster_not_found_response_code(&mut self, status: u32) -> bool {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            call::envoy_dynamic_module_callback_cluster_specifier_set_cluster_not_found_response_code(
                self.raw, status,
            )
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy passes
/// to cluster_specifier_config_new.
pub struct EnvoyClusterSpecifierConfigHandle {
    _raw: abi::envoy_dynamic_module_type_cluster_specifier_config_envoy_ptr,
}

impl EnvoyClusterSpecifierConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_cluster_specifier_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyClusterSpecifierConfig for EnvoyClusterSpecifierConfigHandle {}
