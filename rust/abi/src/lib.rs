//! The C ABI between Envoy 1.40 and a dynamic module (every extension kind this
//! project implements), declared in Rust.
//!
//! This crate is the single source of `abi/abi.h`: cbindgen turns these
//! declarations into the header the Go and C++ modules compile against. Names are
//! Envoy's own, so a name found here can be grepped in all three languages and in
//! Envoy's sources.
//!
//! What every kind shares, at the top:
//! * [`types`]: buffers, headers, log levels, metric and callout results.
//! * [`hooks`]: program_init (declarations; the SDK defines the hooks).
//! * [`callbacks`]: logging, what every supported Envoy exports.
//! * [`since`]: what only newer supported Envoys export (resolved at load).
//!
//! Then one module per extension kind, each laid out alike (`types.rs`,
//! `hooks.rs`, `callbacks.rs`): [`http`], [`network`], [`listener`], [`udp`],
//! [`access_logger`], [`bootstrap`] (process-wide, main thread),
//! [`early_header_mutation`], [`lb`] (a cluster's load-balancing policy),
//! [`cluster_specifier`], [`cluster`] (a cluster type with its own load balancer),
//! [`route_specifier`] (a request's route, chosen after matching).
//! [`upstream_http_tcp_bridge`] (a cluster's requests bridged to plain TCP).
//! [`health_checker`] (a cluster's active health check).
//! [`config_validator`] (xDS updates judged before Envoy applies them).
//! [`matcher`] and [`matcher_data_input`] (a predicate and a value for Envoy's
//! matching trees).
//! [`header_formatter`] (the case of header names on HTTP/1 connections).
//! [`formatter`] (an access-log format string's own `%COMMAND%`).
//! [`stat_sink`] (Envoy's metrics, at every flush).
//! [`cert_validator`] (a TLS context's judge of the peer's certificate chain).
//! [`tracer`] (a connection manager's tracing provider).
//! [`transport_socket`] (the bytes between the kernel socket and a connection).
#![allow(non_camel_case_types)]
#![no_std]

// Declaration order is the order of abi/abi.h: what every kind shares (types,
// program_init, logging), then each kind laid out alike (types, hooks,
// callbacks), then the version-dependent callbacks.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub mod http;

pub mod network;

pub mod listener;

pub mod udp;

pub mod access_logger;

pub mod bootstrap;

pub mod early_header_mutation;

pub mod lb;

pub mod cluster_specifier;

pub mod cluster;

// route_specifier kind
pub mod route_specifier;
// upstream_http_tcp_bridge kind
pub mod upstream_http_tcp_bridge;
// health_checker kind
pub mod health_checker;
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
// cert_validator kind
pub mod cert_validator;
pub mod stat_sink;
// tracer kind
pub mod tracer;
// transport_socket kind
pub mod transport_socket;

pub mod since;

pub use access_logger::*;
pub use bootstrap::*;
pub use callbacks::*;
pub use cluster::*;
pub use cluster_specifier::*;
pub use early_header_mutation::*;
pub use hooks::*;
pub use http::*;
pub use lb::*;
pub use listener::*;
pub use since::*;
// route_specifier kind
pub use route_specifier::*;
pub use types::*;
pub use udp::*;
// upstream_http_tcp_bridge kind
pub use upstream_http_tcp_bridge::*;
// health_checker kind
pub use health_checker::*;
// config_validator kind
pub use config_validator::*;
// matcher kind
pub use matcher::*;
// matcher_data_input kind
pub use matcher_data_input::*;
// header_formatter kind
pub use header_formatter::*;
// formatter kind
// cert_validator kind
pub use cert_validator::*;
pub use formatter::*;
// stat_sink kind
pub use stat_sink::*;
// tracer kind
pub use tracer::*;
// transport_socket kind
pub use transport_socket::*;

/// The ABI version this crate describes, NUL-terminated for program_init.
/// The header's `ENVOY_DYNAMIC_MODULES_ABI_VERSION` must say the same.
pub const ENVOY_DYNAMIC_MODULES_ABI_VERSION: &core::ffi::CStr = c"v0.2.0";

/// The ABI version of Envoy 1.38 and 1.39 (v0.1.0). A
/// module that uses only what every supported Envoy exports reports this one
/// when the running Envoy lacks the v0.2.0 callbacks, so that Envoy logs
/// "matched" instead of a deprecation warning. The header's
/// `ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION` must say the same.
pub const ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION: &core::ffi::CStr = c"v0.1.0";

/// What Envoy 1.37's loader expects from program_init: not a semantic version
/// but the SHA-256 of its own abi.h, compared byte for byte (any other answer
/// fails the module's load there). A module built against this header reports
/// it where neither log_v2 (1.40) nor is_validation_mode (1.38) resolves. The
/// header's `ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37` must say the same.
pub const ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37: &core::ffi::CStr =
    c"4dae397a7c9ff0238d318d57ea656ce8b3fbff595787dcd7ee2ff5b79c9fe10f";
