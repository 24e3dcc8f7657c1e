//! What a route specifier may ask of Envoy while it decides a request's
//! route, and while its configuration is made. Every callback of this kind
//! is `@since` 1.40, so the handles call them through [`crate::since`],
//! never linked.

use super::filter::Decision;
use crate::abi;
use crate::abi::envoy_dynamic_module_type_route_specifier_header_append_action as Append;
use crate::ffi::{envoy_bytes, first_header_value, module_buffer};
use crate::since::call;

/// Envoy as seen during one on_route. The real implementation is
/// [`EnvoyRouteSpecifierHandle`]; unit tests use `testing::FakeRouteSpecifier`.
pub trait EnvoyRouteSpecifier {
    /// The first value of the request header `name` (lowercase; `:path` too).
    fn request_header(&self, name: &str) -> Option<&[u8]>;
    /// Selects a declared route template as the route's base; false when the
    /// configuration does not declare it.
    fn set_route_template(&mut self, template_id: &str) -> bool;
    /// How Envoy builds the route (a later call replaces an earlier one).
    fn set_decision(&mut self, decision: Decision);
    /// Rewrites the upstream path's prefix `matched` to `replacement`; false
    /// when `matched` is not a prefix of the path.
    fn set_prefix_rewrite(&mut self, matched: &str, replacement: &str) -> bool;
    /// Sets a header on the upstream request, replacing any the client sent.
    fn set_request_header(&mut self, name: &str, value: &str) -> bool;
    /// Removes a header from the upstream request.
    fn remove_request_header(&mut self, name: &str) -> bool;
    /// A number the produced route carries to `on_route_destroy`.
    fn set_route_user_data(&mut self, user_data: u64);
}

/// Envoy as seen while a route specifier configuration is created.
pub trait EnvoyRouteSpecifierConfig {
    /// The `template_id`s of the configuration's `route_templates`, in order.
    fn template_ids(&self) -> Vec<String>;
}

/// The real handle, wrapping the `context_envoy_ptr` of the running on_route.
pub struct EnvoyRouteSpecifierHandle {
    raw: abi::envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
}

impl EnvoyRouteSpecifierHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current on_route.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_route_specifier_context_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyRouteSpecifier for EnvoyRouteSpecifierHandle {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        // SAFETY: the context is live during on_route, which this handle does
        // not outlive; the value is Envoy's for as long.
        unsafe {
            first_header_value(
                self.raw,
                name,
                call::envoy_dynamic_module_callback_route_specifier_get_request_header_value,
            )
        }
    }

    fn set_route_template(&mut self, template_id: &str) -> bool {
        // SAFETY: Envoy reads the id during the call.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_set_route_template(
                self.raw,
                module_buffer(template_id.as_bytes()),
            )
        }
    }

    fn set_decision(&mut self, decision: Decision) {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_set_decision(
                self.raw,
                decision.to_abi(),
            )
        }
    }

    fn set_prefix_rewrite(&mut self, matched: &str, replacement: &str) -> bool {
        // SAFETY: Envoy copies both during the call.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_set_prefix_rewrite(
                self.raw,
                module_buffer(matched.as_bytes()),
                module_buffer(replacement.as_bytes()),
            )
        }
    }

    fn set_request_header(&mut self, name: &str, value: &str) -> bool {
        // SAFETY: Envoy copies both during the call.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_add_request_header(
                self.raw,
                module_buffer(name.as_bytes()),
                module_buffer(value.as_bytes()),
                Append::OverwriteIfExistsOrAdd,
            )
        }
    }

    fn remove_request_header(&mut self, name: &str) -> bool {
        // SAFETY: Envoy reads the name during the call.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_remove_request_header(
                self.raw,
                module_buffer(name.as_bytes()),
            )
        }
    }

    fn set_route_user_data(&mut self, user_data: u64) {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            call::envoy_dynamic_module_callback_route_specifier_set_route_user_data(
                self.raw, user_data,
            )
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy passes
/// to route_specifier_config_new.
pub struct EnvoyRouteSpecifierConfigHandle {
    raw: abi::envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
}

impl EnvoyRouteSpecifierConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_route_specifier_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyRouteSpecifierConfig for EnvoyRouteSpecifierConfigHandle {
    fn template_ids(&self) -> Vec<String> {
        // SAFETY: the config pointer is live during config_new; each id is
        // Envoy's bytes, copied before the next call.
        unsafe {
            let count =
                call::envoy_dynamic_module_callback_route_specifier_config_get_template_count(
                    self.raw,
                );
            (0..count)
                .filter_map(|index| {
                    let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
                        ptr: core::ptr::null(),
                        length: 0,
                    };
                    call::envoy_dynamic_module_callback_route_specifier_config_get_template_id(
                        self.raw, index, &mut out,
                    )
                    .then(|| String::from_utf8_lossy(envoy_bytes(out.ptr, out.length)).into_owned())
                })
                .collect()
        }
    }
}
