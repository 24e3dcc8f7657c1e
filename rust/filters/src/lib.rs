//! `librust_module.so`: every filter of the repository, one file each, registered
//! here by the name Envoy's `filter_name` uses.

pub mod access_log_fault_injection;
pub mod access_logger;
pub mod body_rewrite;
pub mod bootstrap_fault_injection;
pub mod callout_auth;
pub mod client_hello;
pub mod delay;
pub mod dns_message;
pub mod fault_injection;
pub mod guard_mark;
pub mod header_auth;
pub mod header_mutation;
pub mod json_access_log;
pub mod lab_status;
pub mod listener_fault_injection;
pub mod listener_ip_allowlist;
pub mod listener_sni_router;
pub mod listener_tls_detector;
pub mod log_sink;
pub mod metrics;
pub mod network_echo;
pub mod network_fault_injection;
pub mod network_protocol_logger;
pub mod network_rate_limiter;
pub mod network_redis;
pub mod passthrough;
pub mod random_auth;
pub mod request_tagger;
pub mod resp;
pub mod token_file;
pub mod udp_dns_gateway;
pub mod udp_fault_injection;
pub mod zero_copy_regex_waf;

envoy_dm_sdk::declare_module! {
    name: "rust_module",
    language: "rust",
    filters: [
        "passthrough" => passthrough::PassthroughConfig::new,
        "header_mutation" => header_mutation::HeaderMutationConfig::new,
        "access_logger" => access_logger::AccessLoggerConfig::new,
        "random_auth" => random_auth::RandomAuthConfig::new,
        "zero_copy_regex_waf" => zero_copy_regex_waf::WafConfig::new,
        "header_auth" => header_auth::HeaderAuthConfig::new,
        "metrics" => metrics::MetricsConfig::new,
        "delay" => delay::DelayConfig::new,
        "fault_injection" => fault_injection::FaultInjectionConfig::new,
        "body_rewrite" => body_rewrite::BodyRewriteConfig::new,
        "request_tagger" => request_tagger::RequestTaggerConfig::new,
        "callout_auth" => callout_auth::CalloutAuthConfig::new,
    ],
    per_route: [
        "header_mutation" => header_mutation::HeaderMutationConfig::parse,
    ],
}

envoy_dm_sdk::declare_network_filters! {
    "network_echo" => network_echo::EchoConfig::new,
    "network_rate_limiter" => network_rate_limiter::RateLimiterConfig::new,
    "network_protocol_logger" => network_protocol_logger::ProtocolLoggerConfig::new,
    "network_redis" => network_redis::RedisConfig::new,
    "network_fault_injection" => network_fault_injection::NetworkFaultConfig::new,
}

envoy_dm_sdk::declare_listener_filters! {
    "listener_ip_allowlist" => listener_ip_allowlist::IpAllowlistConfig::new,
    "listener_tls_detector" => listener_tls_detector::TlsDetectorConfig::new,
    "listener_sni_router" => listener_sni_router::SniRouterConfig::new,
    "listener_fault_injection" => listener_fault_injection::ListenerFaultConfig::new,
}

envoy_dm_sdk::declare_udp_filters! {
    "udp_dns_gateway" => udp_dns_gateway::DnsGatewayConfig::new,
    "udp_fault_injection" => udp_fault_injection::UdpFaultConfig::new,
}

envoy_dm_sdk::declare_access_loggers! {
    "json_access_log" => json_access_log::JsonAccessLogConfig::new,
    "access_log_fault_injection" => access_log_fault_injection::AccessLogFaultConfig::new,
}

envoy_dm_sdk::declare_bootstrap_extensions! {
    "lab_status" => lab_status::LabStatusConfig::new,
    "bootstrap_fault_injection" => bootstrap_fault_injection::BootstrapFaultConfig::new,
}
