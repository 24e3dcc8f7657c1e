//! The TLS certificate validator (`envoy.tls.cert_validator.dynamic_modules`):
//! a TLS context's `validation_context.custom_validator_config` names the
//! module, and Envoy asks it, instead of its own validator, whether the peer's
//! certificate chain is acceptable.
//!
//! One configuration per TLS context, shared by every worker: Envoy calls
//! do_verify_cert_chain on the worker that runs the handshake, with the chain
//! as DER (leaf first), so the module's configuration must be thread-safe.
//! get_ssl_verify_mode runs when the TLS context is built, update_digest when
//! Envoy computes the session-resumption id. Envoy 1.37 does not have the
//! kind; its callbacks are `@since` 1.38.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
