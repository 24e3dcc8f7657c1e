//! The HTTP/1 header formatter kind: the spelling of header names on HTTP/1
//! connections. A configuration makes one formatter per HTTP/1 message; the
//! formatter is shown the names as they arrived and asked how to write each
//! name when the message's headers are encoded on an HTTP/1 connection.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the configuration and formatter traits                   |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, panic barrier                               |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewHeaderFormatterConfig;
pub use filter::{HeaderFormatter, HeaderFormatterConfig};
pub use handle::{
    EnvoyHeaderFormatter, EnvoyHeaderFormatterConfig, EnvoyHeaderFormatterConfigHandle,
    EnvoyHeaderFormatterHandle,
};
