//! Input matchers: one file each, named as Envoy's `matcher_name` names them.

pub mod mt_cidr_set;
#[cfg(feature = "fault-injection")]
pub mod mt_fault_injection;
