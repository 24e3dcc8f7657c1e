//! Route specifiers: one file (or folder) each, named as a route table's
//! `specifier_name` names them.

#[cfg(feature = "fault-injection")]
pub mod rs_fault_injection;
pub mod rs_tenant_routes;
