//! Transport sockets: one file (or folder) each, named as a filter chain's or
//! a cluster's `transport_socket` names them (`socket_name`).

#[cfg(feature = "fault-injection")]
pub mod ts_fault_injection;
pub mod ts_frames;
