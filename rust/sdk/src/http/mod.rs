//! HTTP filters: one object per configured filter, one per HTTP stream.
//!
//! | file          | concept                                                      |
//! |---------------|--------------------------------------------------------------|
//! | `filter.rs`   | [`HttpFilterConfig`] and [`HttpFilter`]: what an author writes |
//! | `handle.rs`   | [`EnvoyHttpFilter`], [`EnvoyHttpFilterConfig`] and their ABI-backed impls |
//! | `hooks.rs`    | the `#[no_mangle]` hooks Envoy calls, panic barrier, fail closed |
//! | `callout.rs`  | HTTP callouts: results, the response, inline answers         |
//! | `metadata.rs` | dynamic metadata and filter state                            |
//! | `testing.rs`  | the fake stream and config (feature `testing`)               |

pub mod callout;
pub mod filter;
pub mod handle;
pub mod hooks;
pub mod metadata;
#[cfg(feature = "testing")]
pub mod testing;

pub use callout::{HttpCalloutInitResult, HttpCalloutResponse, HttpCalloutResult};
pub use filter::*;
pub use handle::{
    EnvoyConfigHandle, EnvoyFilterHandle, EnvoyHttpFilter, EnvoyHttpFilterConfig, EnvoyScheduler,
    Scheduler,
};
pub use hooks::{NewHttpFilterConfig, NewPerRouteConfig};
pub use metadata::{EnvoyHttpMetadata, MetadataSource};
