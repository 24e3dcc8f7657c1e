//! Load-balancing policies: one file each, named as a cluster's
//! `lb_policy_name` names them.

#[cfg(feature = "fault-injection")]
pub mod lb_fault_injection;
pub mod lb_header_pin;
