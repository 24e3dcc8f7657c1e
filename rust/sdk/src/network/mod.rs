//! Network (L4) filters: one object per TCP connection, seeing the bytes read
//! from the downstream and the bytes written back to it.
//!
//! The same shape as the HTTP side, one file per concept:
//!
//! | file          | concept                                                   |
//! |---------------|-----------------------------------------------------------|
//! | `filter.rs`   | [`NetworkFilterConfig`] and [`NetworkFilter`] traits      |
//! | `handle.rs`   | [`EnvoyNetworkFilter`]: the connection handle, real impl  |
//! | `config.rs`   | [`EnvoyNetworkFilterConfig`]: metrics at config time      |
//! | `body.rs`     | the hook bodies: barrier, fail closed, deferred notices   |
//! | `hooks.rs`    | the `#[no_mangle]` network hooks: glue calling `body`     |
//! | `testing.rs`  | the fake connection (feature `testing`)                   |

pub mod body;
pub mod config;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewNetworkFilterConfig;
pub use config::{EnvoyNetworkConfigHandle, EnvoyNetworkFilterConfig};
pub use filter::*;
pub use handle::{EnvoyNetworkFilter, EnvoyNetworkFilterHandle};
