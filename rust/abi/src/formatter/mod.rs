//! The access-log formatter: a module that adds its own `%COMMAND(arg)%` to
//! Envoy's substitution format strings (a file access log's `log_format`, and
//! every other place that takes a `SubstitutionFormatString`).
//!
//! Envoy 1.39 and 1.40 resolve the five hooks below when a format string's
//! `formatters` entry is `envoy.formatter.dynamic_modules`. The configuration
//! is made on the main thread, then asked once per `%COMMAND%` of the format
//! string whether the command is its own (parse, also on the main thread).
//! What parse returns is the command's provider: it formats every log line, on
//! the worker that writes it, so concurrently. Every callback is new in 1.39.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
