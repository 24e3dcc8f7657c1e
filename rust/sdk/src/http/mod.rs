//! HTTP filters: one object per configured filter, one per HTTP stream.
//!
//! | file          | concept                                                      |
//! |---------------|--------------------------------------------------------------|
//! | `filter.rs`   | [`HttpFilterConfig`] and [`HttpFilter`]: what an author writes |
//! | `handle.rs`   | [`EnvoyHttpFilter`], [`EnvoyHttpFilterConfig`] and their ABI-backed impls |
//! | `body.rs`     | the hook bodies, generic over the handle: barrier, fail closed |
//! | `hooks.rs`    | the `#[no_mangle]` hooks Envoy calls: glue calling `body`     |
//! | `callout.rs`  | HTTP callouts: results, the response, inline answers         |
//! | `metadata.rs` | dynamic metadata and filter state                            |
//! | `place.rs`    | where a stream's filter and box live: inline, recycled       |
//! | `testing.rs`  | the fake stream and config (feature `testing`)               |

pub mod body;
pub mod callout;
pub mod filter;
pub mod handle;
pub mod hooks;
pub mod metadata;
pub mod place;
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
pub use place::PlacedFilter;
