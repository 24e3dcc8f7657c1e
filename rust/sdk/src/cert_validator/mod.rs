//! The TLS certificate validator kind: code that decides, during a TLS
//! handshake, whether the peer's certificate chain is acceptable (pinning,
//! a private trust rule), in place of Envoy's own validator. A TLS context's
//! `validation_context.custom_validator_config` names it; there is no
//! per-connection instance, only the configuration, shared by every worker.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config trait and the verdict it returns              |
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

pub use body::NewCertValidatorConfig;
pub use filter::{CertValidatorConfig, ClientValidationStatus, Verdict, SSL_VERIFY_PEER};
pub use filter::{SSL_VERIFY_FAIL_IF_NO_PEER_CERT, TLS_ALERT_BAD_CERTIFICATE};
pub use handle::{
    EnvoyCertValidator, EnvoyCertValidatorConfig, EnvoyCertValidatorConfigHandle,
    EnvoyCertValidatorHandle,
};
