//! Early header mutations: one file each, named as Envoy's
//! `early_header_mutation_name` names them.

pub mod early_forwarded_headers;
#[cfg(feature = "fault-injection")]
pub mod early_header_mutation_fault_injection;
