//! `rs_tenant_routes`: a route specifier for a multi-tenant API. After route
//! matching it reads the request's tenant, from the path (`/t/{tenant}/...`)
//! or else from a header, and gives the request that tenant's route
//! template: its own cluster, timeouts and retries, declared in Envoy's
//! config beside the specifier. The tenant's path prefix is stripped
//! (`/t/acme/orders` reaches the upstream as `/orders`) and the upstream is
//! told the tenant in a header that replaces any the client sent. A request
//! naming no listed tenant gets the configured fallback.
//!
//! Config (JSON object):
//! * `tenants`: `{"acme": "alpha", "globex": "beta"}`, tenant id to the
//!   `template_id` of one of the specifier's `route_templates`; ids are 1 to
//!   63 of `a-z0-9-_`;
//! * `path_template`: where the path names the tenant (default `/t/{tenant}/`;
//!   `""`: never);
//! * `header`: read when the path names none (default `x-tenant`; `""`: never);
//! * `forward_header`: what the upstream is told the tenant in (default
//!   `x-tenant-id`; `""`: nothing); removed on the fallback;
//! * `strip_prefix`: strip the path's tenant prefix upstream (default true);
//! * `fallback`: `"no_route"` (404, the default), `"pass_through"` (the
//!   matched route as configured) or `{"template": ID}`.

pub mod tenant_path;

use crate::shared::header_name::check_name;
use envoy_dm_sdk::route_specifier::{
    Decision, EnvoyRouteSpecifier, EnvoyRouteSpecifierConfig, OnRoute, RouteSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::collections::BTreeMap;
use tenant_path::{is_tenant, PathTemplate};

/// More tenants than one config should list: bounds the config.
const MAX_TENANTS: usize = 10_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    tenants: BTreeMap<String, String>,
    #[serde(default = "default_template")]
    path_template: String,
    #[serde(default = "default_header")]
    header: String,
    #[serde(default = "default_forward")]
    forward_header: String,
    #[serde(default = "yes")]
    strip_prefix: bool,
    #[serde(default)]
    fallback: Fallback,
}

fn default_template() -> String {
    "/t/{tenant}/".to_string()
}
fn default_header() -> String {
    "x-tenant".to_string()
}
fn default_forward() -> String {
    "x-tenant-id".to_string()
}
fn yes() -> bool {
    true
}

/// What a request naming no listed tenant gets.
#[derive(Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Fallback {
    /// No route: Envoy answers 404.
    #[default]
    NoRoute,
    /// The matched route, as Envoy's config has it.
    PassThrough,
    /// This route template.
    Template(String),
}

pub struct TenantRoutesConfig {
    tenants: BTreeMap<String, String>,
    path: Option<PathTemplate>,
    header: Option<String>,
    forward_header: Option<String>,
    strip_prefix: bool,
    fallback: Fallback,
}

/// An optional header name: `""` turns it off.
fn optional_name(at: &str, name: &str) -> Result<Option<String>, BoxError> {
    if name.is_empty() {
        Ok(None)
    } else {
        check_name(at, name, false).map(Some)
    }
}

impl TenantRoutesConfig {
    pub fn new(
        envoy: &mut impl EnvoyRouteSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.tenants.is_empty() || raw.tenants.len() > MAX_TENANTS {
            return Err(format!(
                "tenants: 1 to {MAX_TENANTS} tenants, got {}",
                raw.tenants.len()
            )
            .into());
        }
        // Every template named must be one Envoy built: a typo is refused here,
        // not found by the first request of that tenant.
        let declared = envoy.template_ids();
        let known = |at: &str, id: &str| -> Result<(), BoxError> {
            if declared.iter().any(|d| d == id) {
                Ok(())
            } else {
                Err(format!(
                    "{at} names route template {id:?}, which the route specifier does not \
                     declare (route_templates: {})",
                    if declared.is_empty() {
                        "none".to_string()
                    } else {
                        declared.join(", ")
                    }
                )
                .into())
            }
        };
        for (tenant, template) in &raw.tenants {
            if !is_tenant(tenant.as_bytes()) {
                return Err(format!(
                    "tenants: {tenant:?} is not a tenant id (1 to 63 of a-z, 0-9, '-', '_')"
                )
                .into());
            }
            known(&format!("tenant {tenant:?}"), template)?;
        }
        if let Fallback::Template(id) = &raw.fallback {
            known("fallback", id)?;
        }
        let path = if raw.path_template.is_empty() {
            None
        } else {
            Some(PathTemplate::parse(&raw.path_template)?)
        };
        let header = optional_name("header", &raw.header)?;
        if path.is_none() && header.is_none() {
            return Err(
                "path_template and header are both off: no request could name a tenant".into(),
            );
        }
        Ok(Self {
            tenants: raw.tenants,
            path,
            header,
            forward_header: optional_name("forward_header", &raw.forward_header)?,
            strip_prefix: raw.strip_prefix,
            fallback: raw.fallback,
        })
    }

    /// The listed tenant the request names, with the path prefix that named
    /// it (none when it came from the header).
    fn tenant<'a, E: EnvoyRouteSpecifier>(
        &'a self,
        envoy: &E,
    ) -> Option<(&'a str, &'a str, Option<String>)> {
        let listed = |id: &[u8]| {
            let id = std::str::from_utf8(id).ok()?;
            self.tenants
                .get_key_value(id)
                .map(|(k, v)| (k.as_str(), v.as_str()))
        };
        if let Some(template) = &self.path {
            let path = envoy
                .request_header(":path")
                .and_then(|p| std::str::from_utf8(p).ok());
            if let Some(found) = path.and_then(|p| template.tenant_of(p)) {
                // A path that names a tenant decides, listed or not: a header
                // cannot move a request to another tenant's route.
                let (tenant, route) = listed(found.tenant.as_bytes())?;
                return Some((tenant, route, Some(found.prefix.to_string())));
            }
        }
        let header = self.header.as_deref()?;
        let (tenant, route) = listed(envoy.request_header(header)?)?;
        Some((tenant, route, None))
    }

    fn fall_back<E: EnvoyRouteSpecifier>(&self, envoy: &mut E) -> OnRoute {
        if let Some(name) = &self.forward_header {
            envoy.remove_request_header(name);
        }
        match &self.fallback {
            Fallback::NoRoute => envoy.set_decision(Decision::NoRoute),
            Fallback::PassThrough => envoy.set_decision(Decision::PassThrough),
            Fallback::Template(id) => {
                if !envoy.set_route_template(id) {
                    envoy.set_decision(Decision::Error);
                }
            }
        }
        OnRoute::Stop
    }
}

impl<E: EnvoyRouteSpecifier> RouteSpecifierConfig<E> for TenantRoutesConfig {
    fn on_route(&self, envoy: &mut E) -> OnRoute {
        let Some((tenant, template, prefix)) = self.tenant(envoy) else {
            return self.fall_back(envoy);
        };
        // Checked at config time; false only if Envoy's templates changed.
        if !envoy.set_route_template(template) {
            envoy.set_decision(Decision::Error);
            return OnRoute::Stop;
        }
        if let (true, Some(prefix), Some(path)) = (self.strip_prefix, prefix, &self.path) {
            envoy.set_prefix_rewrite(&prefix, path.replacement());
        }
        if let Some(name) = &self.forward_header {
            envoy.set_request_header(name, tenant);
        }
        OnRoute::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::route_specifier::testing::{FakeRouteSpecifier, FakeRouteSpecifierConfig};

    const TEMPLATES: [&str; 3] = ["alpha", "beta", "gamma"];

    fn config(json: &str) -> Result<TenantRoutesConfig, String> {
        TenantRoutesConfig::new(
            &mut FakeRouteSpecifierConfig::with_templates(&TEMPLATES),
            json.as_bytes(),
        )
        .map_err(|e| e.to_string())
    }

    fn lab() -> TenantRoutesConfig {
        config(r#"{"tenants": {"acme": "alpha", "globex": "beta"}, "fallback": {"template": "gamma"}}"#).unwrap()
    }

    fn route(config: &TenantRoutesConfig, request: FakeRouteSpecifier) -> FakeRouteSpecifier {
        let mut envoy = request;
        envoy.templates = TEMPLATES.iter().map(|t| t.to_string()).collect();
        assert_eq!(config.on_route(&mut envoy), OnRoute::Stop);
        envoy
    }

    #[test]
    fn the_path_names_the_tenant_its_template_is_chosen_and_its_prefix_stripped() {
        let got = route(
            &lab(),
            FakeRouteSpecifier::default().path("/t/acme/orders?id=1"),
        );
        assert_eq!(got.template.as_deref(), Some("alpha"));
        assert_eq!(got.rewrite, Some(("/t/acme/".into(), "/".into())));
        assert_eq!(
            got.request_headers,
            vec![("x-tenant-id".into(), "acme".into())]
        );
        assert_eq!(got.decision, None);
    }

    #[test]
    fn the_header_names_it_when_the_path_does_not() {
        let got = route(
            &lab(),
            FakeRouteSpecifier::default()
                .path("/orders")
                .header("x-tenant", "globex"),
        );
        assert_eq!(got.template.as_deref(), Some("beta"));
        assert_eq!(got.rewrite, None);
    }

    #[test]
    fn a_path_tenant_wins_over_the_header_even_when_unlisted() {
        let got = route(
            &lab(),
            FakeRouteSpecifier::default()
                .path("/t/acme/")
                .header("x-tenant", "globex"),
        );
        assert_eq!(got.template.as_deref(), Some("alpha"));
        let got = route(
            &lab(),
            FakeRouteSpecifier::default()
                .path("/t/initech/")
                .header("x-tenant", "globex"),
        );
        assert_eq!(got.template.as_deref(), Some("gamma"));
        assert_eq!(got.removed_headers, vec!["x-tenant-id".to_string()]);
    }

    #[test]
    fn the_fallback_is_as_configured() {
        let no_route = config(r#"{"tenants": {"acme": "alpha"}}"#).unwrap();
        let got = route(&no_route, FakeRouteSpecifier::default().path("/"));
        assert_eq!(
            (got.template, got.decision),
            (None, Some(Decision::NoRoute))
        );
        let pass = config(r#"{"tenants": {"acme": "alpha"}, "fallback": "pass_through"}"#).unwrap();
        let got = route(&pass, FakeRouteSpecifier::default().path("/t/ACME/"));
        assert_eq!(got.decision, Some(Decision::PassThrough));
    }

    #[test]
    fn bad_configs_are_refused_with_why() {
        for (json, why) in [
            (r#"{"tenants": {}}"#, "1 to 10000 tenants"),
            (
                r#"{"tenants": {"acme": "delta"}}"#,
                "tenant \"acme\" names route template \"delta\"",
            ),
            (r#"{"tenants": {"Acme": "alpha"}}"#, "not a tenant id"),
            (
                r#"{"tenants": {"acme": "alpha"}, "fallback": {"template": "omega"}}"#,
                "fallback names",
            ),
            (
                r#"{"tenants": {"acme": "alpha"}, "fallback": "drop"}"#,
                "unknown variant",
            ),
            (
                r#"{"tenants": {"acme": "alpha"}, "path_template": "/t/{id}/"}"#,
                "has no {tenant}",
            ),
            (
                r#"{"tenants": {"acme": "alpha"}, "path_template": "", "header": ""}"#,
                "both off",
            ),
            (
                r#"{"tenants": {"acme": "alpha"}, "header": "x tenant"}"#,
                "header",
            ),
            (
                r#"{"tenants": {"acme": "alpha"}, "tenant": 1}"#,
                "unknown field",
            ),
        ] {
            let error = config(json)
                .err()
                .unwrap_or_else(|| panic!("accepted {json}"));
            assert!(error.contains(why), "{json}: {error}");
        }
    }

    #[test]
    fn no_templates_declared_says_none() {
        let error = TenantRoutesConfig::new(
            &mut FakeRouteSpecifierConfig::default(),
            br#"{"tenants": {"acme": "alpha"}}"#,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(error.contains("(route_templates: none)"), "{error}");
    }
}
