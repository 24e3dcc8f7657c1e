//! The matching data input kind: one configured input of Envoy's generic
//! matching tree that computes a string from the request's (and, where the
//! tree has them, the response's) headers, for the tree's own matchers to
//! dispatch on (an exact match map, a string matcher). No value is "no data":
//! the tree's `on_no_match` applies. It is asked for every evaluation on every
//! worker at once; there is no per-request instance.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the data input trait                                     |
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

pub use body::NewMatcherDataInputConfig;
pub use filter::MatcherDataInput;
pub use handle::{
    EnvoyMatcherDataInput, EnvoyMatcherDataInputConfig, EnvoyMatcherDataInputConfigHandle,
    EnvoyMatcherDataInputHandle,
};
