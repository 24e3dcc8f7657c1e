//! `rs_fault_injection`: a test-only route specifier that panics on purpose,
//! to prove the SDK's barrier through a real Envoy: the request whose
//! on_route panics gets the failure_policy's answer (404 with NO_ROUTE), one
//! line is logged, and the next request is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"template": ID}` selects template ID for every request, except
//! that one carrying `x-fault: on_route` panics, and one carrying
//! `x-fault: route_destroy` gets a route whose destruction panics;
//! `{"template": ID, "phase": "config"}` panics in its constructor.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::route_specifier::{
    EnvoyRouteSpecifier, EnvoyRouteSpecifierConfig, OnRoute, RouteSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// The user data of a route whose destruction panics.
const PANIC_ON_DESTROY: u64 = 0xdead;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    template: String,
    #[serde(default)]
    phase: Option<String>,
}

pub struct RouteSpecifierFaultConfig {
    template: String,
}

impl RouteSpecifierFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyRouteSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.phase.as_deref() == Some("config") {
            panic!("fault injected in config");
        }
        Ok(Self {
            template: raw.template,
        })
    }
}

impl<E: EnvoyRouteSpecifier> RouteSpecifierConfig<E> for RouteSpecifierFaultConfig {
    fn on_route(&self, envoy: &mut E) -> OnRoute {
        match envoy.request_header("x-fault") {
            Some(b"on_route") => panic!("fault injected in on_route"),
            Some(b"route_destroy") => envoy.set_route_user_data(PANIC_ON_DESTROY),
            _ => {}
        }
        envoy.set_route_template(&self.template);
        OnRoute::Stop
    }

    fn on_route_destroy(&self, user_data: u64) {
        if user_data == PANIC_ON_DESTROY {
            panic!("fault injected in route_destroy");
        }
    }
}
