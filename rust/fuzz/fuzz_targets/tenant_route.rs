//! rs_tenant_routes's untrusted input: the request path and the tenant
//! header, under a config that is also fed. A config is refused with a reason
//! or accepted; then every request gets exactly one of a template or a
//! decision, never a panic. A chosen tenant's template is the config's for
//! that tenant and the upstream is told that tenant; a rewritten prefix is a
//! prefix of the path; the fallback takes a claimed tenant id away.
//!
//! Input: the config, the path and the header value, split at NULs (without
//! a NUL, all of it is the path under a fixed config).

#![no_main]

use envoy_dm_sdk::route_specifier::testing::{FakeRouteSpecifier, FakeRouteSpecifierConfig};
use envoy_dm_sdk::route_specifier::{OnRoute, RouteSpecifierConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::route_specifier::rs_tenant_routes::TenantRoutesConfig;

const TEMPLATES: [&str; 3] = ["alpha", "beta", "shared"];
const LAB: &[u8] =
    br#"{"tenants": {"acme": "alpha", "globex": "beta"}, "fallback": {"template": "shared"}}"#;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let (config, path, header) = match (parts.next(), parts.next(), parts.next()) {
        (Some(c), Some(p), h) => (c, p, h.unwrap_or_default()),
        _ => (LAB, data, &b""[..]),
    };
    let Ok(routes) = TenantRoutesConfig::new(
        &mut FakeRouteSpecifierConfig::with_templates(&TEMPLATES),
        config,
    ) else {
        return;
    };
    let mut envoy = FakeRouteSpecifier::with_templates(&TEMPLATES);
    envoy.headers.push((":path".to_string(), path.to_vec()));
    envoy
        .headers
        .push(("x-tenant".to_string(), header.to_vec()));
    assert_eq!(routes.on_route(&mut envoy), OnRoute::Stop);
    assert!(
        envoy.template.is_some() != envoy.decision.is_some(),
        "one of a template or a decision: {envoy:?}"
    );
    if let Some((matched, _)) = &envoy.rewrite {
        assert!(
            path.starts_with(matched.as_bytes()),
            "{matched:?} of {path:?}"
        );
    }
    match envoy.request_headers.as_slice() {
        // A tenant was chosen: the forwarded id is that tenant's own.
        [(_, tenant)] => {
            assert!(envoy.removed_headers.is_empty());
            assert!(
                path.windows(tenant.len()).any(|w| w == tenant.as_bytes())
                    || header == tenant.as_bytes(),
                "{tenant:?} from neither {path:?} nor {header:?}"
            );
        }
        [] => {}
        more => panic!("one forwarded header at most: {more:?}"),
    }
});
