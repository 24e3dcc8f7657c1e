//! The header_formatter kind's callbacks: Envoy 1.40 exports none (`nm -D`
//! on the binary lists no `envoy_dynamic_module_callback_header_formatter_*`);
//! a formatter sees only the names its hooks are given.

#[allow(unused_imports)]
use super::types::*;
