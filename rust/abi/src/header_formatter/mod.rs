//! The HTTP/1 header formatter: the spelling of header names on an HTTP/1
//! connection. Envoy keeps header names lowercase; a stateful formatter is
//! made per HTTP/1 message, shown the names of the message as they arrived
//! (process_key), and asked how to write each name when the headers it rides
//! with are encoded on an HTTP/1 connection (format): e.g. towards an HTTP/1
//! upstream that compares names case-sensitively.
//!
//! Envoy 1.40 resolves the six hooks below when an `http_protocol_options`'s
//! `header_key_format.stateful_formatter` names
//! `envoy.http.stateful_header_formatters.dynamic_modules`. Envoy exports no
//! callback for this kind. The kind is new in Envoy 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

// No callbacks to re-export (Envoy 1.40 has none for this kind).
pub use hooks::*;
pub use types::*;
