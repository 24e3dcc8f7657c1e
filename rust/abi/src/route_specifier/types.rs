//! The route_specifier kind's types: opaque pointers and the decision enums.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one route specifier configuration (valid while the route
/// table that declares it lives).
pub type envoy_dynamic_module_type_route_specifier_config_envoy_ptr = *mut c_void;

/// The module's side of one route specifier configuration.
pub type envoy_dynamic_module_type_route_specifier_config_module_ptr = *const c_void;

/// One request's route decision: its headers, the matched route and what the
/// module records; valid during route_specifier_on_route only.
pub type envoy_dynamic_module_type_route_specifier_context_envoy_ptr = *mut c_void;

/// How Envoy builds the request's route (route_specifier_set_decision).
/// Unspecified, in effect until one is set: the selected template (or the
/// matched route) with what the module recorded applied on top.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_route_specifier_decision {
    Unspecified,
    /// The matched route, unchanged; what was recorded is ignored.
    PassThrough,
    /// No route: the request is answered as if nothing matched (404).
    NoRoute,
    /// No decision could be made: Envoy applies the configured failure_policy.
    Error,
    /// The stream's previous route, unchanged (failure_policy when none).
    ReusePrevious,
}

/// What on_route returns: whether later route specifiers run and whether
/// route matching accepts the route the decision produced.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_route_specifier_on_route_status {
    /// The next specifier (if any) gets the produced route.
    Continue,
    /// The produced route is final.
    StopIteration,
    /// The route is turned down and matching goes on with the next route.
    StopIterationAndSkipRoute,
}

/// How a header the module adds meets one of the same name already present.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_route_specifier_header_append_action {
    AppendIfExistsOrAdd,
    AddIfAbsent,
    OverwriteIfExistsOrAdd,
    OverwriteIfExists,
}
