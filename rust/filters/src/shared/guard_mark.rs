//! The mark a guarding filter leaves on every request it lets through, for a
//! sentinel behind it (docs/SECURITY.md).
//!
//! A guard (header_auth, callout_auth, zero_copy_regex_waf, random_auth) that
//! allows a request sets dynamic metadata `lab.guard: {<filter>: "allowed"}`.
//! A built-in filter after it (envoy.yaml uses RBAC with a metadata matcher on
//! that key) denies every request without the mark. The route then fails
//! closed whatever happened to the guard: a module that answers the guard's
//! filter name but is something else, the filter left out of the chain, a
//! remote module Envoy could not load and skipped, or a panic in the guard's
//! hook before it decided. Clients cannot set dynamic metadata, so the mark
//! cannot be forged from outside Envoy.

use envoy_dm_sdk::EnvoyHttpMetadata;

/// The dynamic metadata namespace of the marks.
pub const NAMESPACE: &str = "lab.guard";
/// The value under the guard's own key.
pub const ALLOWED: &str = "allowed";

/// Marks the request as allowed by `guard` (its filter name).
pub fn mark_allowed(envoy: &mut impl EnvoyHttpMetadata, guard: &str) {
    envoy.set_dynamic_metadata_string(NAMESPACE, guard, ALLOWED);
}
