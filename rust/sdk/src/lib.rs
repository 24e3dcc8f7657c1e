//! A small, safe layer over the Envoy dynamic-module ABI.
//!
//! A filter implements two traits: [`HttpFilterConfig`] (one per configured filter,
//! shared by all streams) and [`HttpFilter`] (one per HTTP stream). Both talk to
//! Envoy only through the [`EnvoyHttpFilter`] and [`EnvoyHttpFilterConfig`] handle
//! traits, so unit tests can hand them a fake instead of a running Envoy.
//!
//! The module lists its filters of every kind by name with [`module!`]; the SDK
//! exports every ABI hook of every kind, dispatches to the filters, and stops panics at the border
//! ([`barrier`]).
//!
//! | file          | concept                                                 |
//! |---------------|---------------------------------------------------------|
//! | `filter.rs`   | the filter traits and status types                      |
//! | `handle.rs`   | the config and stream handle traits, ABI-backed impls   |
//! | `config.rs`   | strict JSON configs and the refusal contract            |
//! | `registry.rs` | filter names to constructors, the one `module!`         |
//! | `hooks.rs`    | the `#[no_mangle]` hooks Envoy calls                    |
//! | `barrier.rs`  | panic barrier: log once, fail closed                    |
//! | `callout.rs`  | HTTP callouts: results, the response, inline answers    |
//! | `log.rs`      | logging through Envoy                                   |
//! | `metadata.rs` | dynamic metadata and filter state                       |
//! | `since.rs`    | callbacks only newer Envoys export, resolved at load    |
//! | `live.rs`     | configs and instances made and alive, per filter        |
//! | `testing.rs`  | the fake handle (feature `testing`)                     |

pub mod access_logger;
pub mod barrier;
pub mod bootstrap;
pub mod callout;
pub mod config;
pub mod filter;
pub mod handle;
pub mod hooks;
mod kind_config;
pub mod listener;
pub mod live;
pub mod log;
pub mod metadata;
pub mod network;
mod reentry;
pub mod registry;
pub mod since;
#[cfg(feature = "testing")]
pub mod testing;
pub mod udp;

pub use callout::{HttpCalloutInitResult, HttpCalloutResponse, HttpCalloutResult};
pub use config::parse_json;
pub use envoy_dm_abi as abi;
pub use filter::*;
pub use handle::{
    EnvoyConfigHandle, EnvoyFilterHandle, EnvoyHttpFilter, EnvoyHttpFilterConfig, EnvoyScheduler,
    MetricId, Scheduler,
};
pub use hooks::{NewHttpFilterConfig, NewPerRouteConfig};
pub use kind_config::FilterTable;
pub use metadata::{EnvoyHttpMetadata, MetadataSource};
pub use registry::{Module, Table};

/// The error a filter returns when its configuration is unusable. Any error type
/// converts into it with `?`; its text becomes the log line Envoy shows.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
