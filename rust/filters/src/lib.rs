//! `librust_module.so`: every filter of the repository, one file each, registered
//! here by the name Envoy's `filter_name` uses.

pub mod config;
pub mod fault_injection;
pub mod header_mutation;
pub mod passthrough;

envoy_dm_sdk::declare_module! {
    name: "rust_module",
    language: "rust",
    filters: [
        "passthrough" => passthrough::PassthroughConfig::new,
        "header_mutation" => header_mutation::HeaderMutationConfig::new,
        "fault_injection" => fault_injection::FaultInjectionConfig::new,
    ],
}
