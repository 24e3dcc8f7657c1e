//! A small, safe layer over the Envoy dynamic-module ABI.
//!
//! A filter implements two traits: [`HttpFilterConfig`] (one per configured filter,
//! shared by all streams) and [`HttpFilter`] (one per HTTP stream). Both talk to
//! Envoy only through the [`EnvoyHttpFilter`] and [`EnvoyHttpFilterConfig`] handle
//! traits, so unit tests can hand them a fake instead of a running Envoy.
//!
//! The module lists its filters of every kind by name with [`module!`]; the SDK
//! exports every ABI hook of every kind, dispatches to the filters, and stops
//! panics at the border ([`barrier`]).
//!
//! | file / folder   | concept                                                   |
//! |-----------------|-----------------------------------------------------------|
//! | `ffi.rs`        | buffers, header lists, metric ids at the C border         |
//! | `barrier.rs`    | panic barrier: log once, fail closed                      |
//! | `config.rs`     | strict JSON configs and the refusal contract              |
//! | `registry.rs`   | filter names to constructors, the one `module!`           |
//! | `live.rs`       | configs and instances made and alive, per filter          |
//! | `log.rs`        | logging through Envoy (captured in tests)                 |
//! | `since.rs`      | callbacks only newer Envoys export, resolved at load      |
//! | `reentry.rs`    | which callbacks may re-enter the module                   |
//! | `http/`, `network/`, `listener/`, `udp/`, `access_logger/`, `bootstrap/`, `early_header_mutation/`, `lb/`, `cluster_specifier/`, `cluster/`, `route_specifier/`, `upstream_http_tcp_bridge/`, `health_checker/`, `config_validator/`, `matcher/`, `matcher_data_input/`, `header_formatter/`, `formatter/`, `stat_sink/`, `tracer/`, `cert_validator/`, `transport_socket/` | one folder per kind |

// What every kind shares; none of these imports a kind.
pub mod barrier;
pub mod config;
pub mod ffi;
mod kind_config;
pub mod live;
pub mod log;
mod reentry;
pub mod registry;
pub mod since;

// One folder per extension kind, each with the same files: filter.rs (what an
// author implements), handle.rs (what a filter may ask Envoy), hooks.rs (the
// exported `extern "C"` glue) and testing.rs (the fake).
pub mod access_logger;
pub mod bootstrap;
pub mod cluster;
pub mod cluster_specifier;
pub mod early_header_mutation;
// health_checker kind
pub mod health_checker;
// tracer kind
pub mod http;
pub mod lb;
pub mod listener;
pub mod network;
pub mod tracer;
pub mod udp;
// route_specifier kind
pub mod route_specifier;
// upstream_http_tcp_bridge kind
pub mod upstream_http_tcp_bridge;
// config_validator kind
pub mod config_validator;
// matcher kind
pub mod matcher;
// matcher_data_input kind
pub mod matcher_data_input;
// header_formatter kind
pub mod header_formatter;
// formatter kind
pub mod formatter;
// stat_sink kind
pub mod stat_sink;
// cert_validator kind
pub mod cert_validator;
// transport_socket kind
pub mod transport_socket;

pub use config::parse_json;
pub use envoy_dm_abi as abi;
pub use ffi::{AttributeId, HeaderType, MetricId};
pub use kind_config::FilterTable;
pub use log::LogLevel;
pub use registry::{Module, Table};

// The HTTP kind's names at the crate root too, as every HTTP filter imports
// them (`envoy_dm_sdk::{HttpFilter, EnvoyHttpFilter, ...}`), and its fake as
// `envoy_dm_sdk::testing`.
#[cfg(feature = "testing")]
pub use http::testing;
pub use http::*;

/// The error a filter returns when its configuration is unusable. Any error type
/// converts into it with `?`; its text becomes the log line Envoy shows.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
