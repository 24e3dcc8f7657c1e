//! The matcher kind (an input matcher): one configured predicate of Envoy's
//! generic matching tree, asked for every evaluation on every worker at once.
//! It reads the request's (and, where the tree has them, the response's)
//! headers and answers match, no match or error. There is no per-request
//! instance: the matcher is shared, and read-only.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the matcher trait and its answer                         |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier      |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewMatcherConfig;
pub use filter::{Matcher, MatcherResult};
pub use handle::{EnvoyMatcher, EnvoyMatcherConfig, EnvoyMatcherConfigHandle, EnvoyMatcherHandle};
