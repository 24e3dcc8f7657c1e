//! HTTP filters: one file each, named as Envoy's `filter_name` names them.

pub mod access_logger;
pub mod body_rewrite;
// Bench-only: the price list of the ABI (bench/price_list.py).
pub mod callback_price;
pub mod callout_auth;
pub mod delay;
#[cfg(feature = "fault-injection")]
pub mod fault_injection;
pub mod header_auth;
pub mod header_mutation;
pub mod metrics;
pub mod passthrough;
pub mod random_auth;
pub mod request_tagger;
pub mod zero_copy_regex_waf;
