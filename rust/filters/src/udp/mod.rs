//! UDP listener filters: one file each, or a folder for one with a parser of
//! its own, named as Envoy's `filter_name` names them.

pub mod udp_dns_gateway;
#[cfg(feature = "fault-injection")]
pub mod udp_fault_injection;
