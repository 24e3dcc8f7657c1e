//! The trait an input matcher implements.

use super::EnvoyMatcher;

/// One evaluation's answer (matcher_match's `bool`, and set_error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatcherResult {
    /// The predicate holds: the tree takes this entry's `on_match`.
    Match,
    /// It does not: the tree goes on (and may end in its `on_no_match`).
    NoMatch,
    /// The input could not be judged (e.g. a header that does not parse): on
    /// Envoy 1.40 the config's `on_error` decides (NO_MATCH unless it says
    /// MATCH); older Envoys have no such field, and it counts as no match.
    Error,
}

/// One configured matcher, shared by every worker: Envoy asks it concurrently,
/// so it keeps no per-request state.
pub trait Matcher<E: EnvoyMatcher>: Send + Sync {
    /// Decides one evaluation from what `envoy` shows.
    fn matches(&self, envoy: &E) -> MatcherResult;
}
