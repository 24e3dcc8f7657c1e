//! Helpers several filters share. No filter imports another filter: what two
//! of them need lives here.

pub mod cidr;
pub mod client_hello;
pub mod decimal;
pub mod fault;
pub mod guard_mark;
pub mod header_name;
pub mod log_sink;
pub mod logged_bytes;
pub mod resp;
pub mod stat_prefix;
pub mod token_file;
