//! The access-log formatter kind: a configuration that owns some `%COMMAND%`s
//! of Envoy's format strings. Envoy offers it each command of a format string
//! once, at config time (parse); for each command it takes, a provider formats
//! every log line, on every worker at once.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the configuration and provider traits                    |
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

pub use body::NewFormatterConfig;
pub use filter::{Command, FormatterConfig, FormatterProvider};
pub use handle::{
    EnvoyFormatter, EnvoyFormatterConfig, EnvoyFormatterConfigHandle, EnvoyFormatterHandle,
};
