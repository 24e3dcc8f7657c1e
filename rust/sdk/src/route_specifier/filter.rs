//! The trait a route specifier implements, and what its on_route returns.

use super::EnvoyRouteSpecifier;
use crate::abi::{
    envoy_dynamic_module_type_route_specifier_decision as AbiDecision,
    envoy_dynamic_module_type_route_specifier_on_route_status as AbiStatus,
};

/// One configured route specifier, shared by every worker: it decides a
/// request's route and keeps nothing per request.
pub trait RouteSpecifierConfig<E: EnvoyRouteSpecifier>: Send + Sync {
    /// Decides this request's route: select a template, record a rewrite or
    /// headers, or set a [`Decision`] on `envoy`; the return says whether
    /// later specifiers run.
    fn on_route(&self, envoy: &mut E) -> OnRoute;

    /// A route that carried `user_data` (set with `set_route_user_data`) is
    /// gone. Any thread, possibly after its stream; must not block.
    fn on_route_destroy(&self, user_data: u64) {
        let _ = user_data;
    }
}

/// How Envoy builds the route (Envoy's decision enum, by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The selected template (or the matched route) with what was recorded.
    Unspecified,
    /// The matched route, unchanged.
    PassThrough,
    /// No route: Envoy answers 404.
    NoRoute,
    /// No decision: Envoy applies the configured `failure_policy`.
    Error,
    /// The stream's previous route.
    ReusePrevious,
}

impl Decision {
    pub fn to_abi(self) -> AbiDecision {
        match self {
            Self::Unspecified => AbiDecision::Unspecified,
            Self::PassThrough => AbiDecision::PassThrough,
            Self::NoRoute => AbiDecision::NoRoute,
            Self::Error => AbiDecision::Error,
            Self::ReusePrevious => AbiDecision::ReusePrevious,
        }
    }
}

/// What on_route returns (Envoy's status enum, by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRoute {
    /// Later specifiers get the produced route.
    Continue,
    /// The produced route is final.
    Stop,
    /// The route is turned down; matching goes on with the next route.
    SkipRoute,
}

impl OnRoute {
    pub fn to_abi(self) -> AbiStatus {
        match self {
            Self::Continue => AbiStatus::Continue,
            Self::Stop => AbiStatus::StopIteration,
            Self::SkipRoute => AbiStatus::StopIterationAndSkipRoute,
        }
    }
}
