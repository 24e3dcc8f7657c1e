//! `librust_module.so`: every filter of the repository, a folder per extension
//! kind, each filter in a file (or a folder) named by the name Envoy's config
//! uses, all registered below in one place. Helpers several filters use live in
//! `shared/`; no filter imports another.
//!
//! The fault-injection filters (one per kind, panics on demand for the tests)
//! build only with the cargo feature `fault-injection`: `make test` loads that
//! build from build/test-lib; the shipped module has none of them.

pub mod access_logger;
pub mod bootstrap;
pub mod cluster;
pub mod cluster_specifier;
pub mod early_header_mutation;
// health_checker kind
pub mod health_checker;
pub mod http;
pub mod lb;
pub mod listener;
pub mod network;
pub mod shared;
pub mod udp;
// route_specifier kind
pub mod route_specifier;
// upstream_http_tcp_bridge kind
pub mod upstream_http_tcp_bridge;
// config_validator kind
pub mod config_validator;
// matcher kind
pub mod matcher;
// matcher_data_input kind
pub mod matcher_data_input;
// header_formatter kind
pub mod header_formatter;
// formatter kind
pub mod formatter;
// stat_sink kind
pub mod stat_sink;
// cert_validator kind
pub mod cert_validator;
// tracer kind
pub mod tracer;
// transport_socket kind
pub mod transport_socket;

envoy_dm_sdk::module! {
    name: "rust_module",
    language: "rust",
    http: [
        "passthrough" => http::passthrough::PassthroughConfig::new,
        "header_mutation" => http::header_mutation::HeaderMutationConfig::new,
        "access_logger" => http::access_logger::HttpAccessLogConfig::new,
        "random_auth" => http::random_auth::RandomAuthConfig::new,
        "zero_copy_regex_waf" => http::zero_copy_regex_waf::WafConfig::new,
        "header_auth" => http::header_auth::HeaderAuthConfig::new,
        "metrics" => http::metrics::MetricsConfig::new,
        "delay" => http::delay::DelayConfig::new,
        #[cfg(feature = "fault-injection")]
        "fault_injection" => http::fault_injection::FaultInjectionConfig::new,
        "body_rewrite" => http::body_rewrite::BodyRewriteConfig::new,
        "request_tagger" => http::request_tagger::RequestTaggerConfig::new,
        "callout_auth" => http::callout_auth::CalloutAuthConfig::new,
        // Go's header_mutation with its changes batched in C (1077); here the one
        // header_mutation, so this .so swapped in for Go's serves all of envoy.yaml.
        "header_mutation_batched" => http::header_mutation::HeaderMutationConfig::new,
        // Bench-only: prices one callback (bench/price_list.py).
        "callback_price" => http::callback_price::CallbackPriceConfig::new,
    ],
    per_route: [
        "header_mutation" => http::header_mutation::HeaderMutationConfig::parse,
    ],
    network: [
        "network_echo" => network::network_echo::EchoConfig::new,
        "network_rate_limiter" => network::network_rate_limiter::RateLimiterConfig::new,
        "network_protocol_logger" => network::network_protocol_logger::ProtocolLoggerConfig::new,
        "network_redis" => network::network_redis::RedisConfig::new,
        #[cfg(feature = "fault-injection")]
        "network_fault_injection" => network::network_fault_injection::NetworkFaultConfig::new,
    ],
    listener: [
        "listener_ip_allowlist" => listener::listener_ip_allowlist::IpAllowlistConfig::new,
        "listener_tls_detector" => listener::listener_tls_detector::TlsDetectorConfig::new,
        "listener_sni_router" => listener::listener_sni_router::SniRouterConfig::new,
        #[cfg(feature = "fault-injection")]
        "listener_fault_injection" => listener::listener_fault_injection::ListenerFaultConfig::new,
    ],
    udp: [
        "udp_dns_gateway" => udp::udp_dns_gateway::DnsGatewayConfig::new,
        #[cfg(feature = "fault-injection")]
        "udp_fault_injection" => udp::udp_fault_injection::UdpFaultConfig::new,
    ],
    access_logger: [
        "json_access_log" => access_logger::json_access_log::JsonAccessLogConfig::new,
        #[cfg(feature = "fault-injection")]
        "access_log_fault_injection" => access_logger::access_log_fault_injection::AccessLogFaultConfig::new,
    ],
    bootstrap: [
        "lab_status" => bootstrap::lab_status::LabStatusConfig::new,
        #[cfg(feature = "fault-injection")]
        "bootstrap_fault_injection" => bootstrap::bootstrap_fault_injection::BootstrapFaultConfig::new,
    ],
    // early_header_mutation kind
    early_header_mutation: [
        "early_forwarded_headers" => early_header_mutation::early_forwarded_headers::ForwardedHeadersConfig::new,
        #[cfg(feature = "fault-injection")]
        "early_header_mutation_fault_injection" => early_header_mutation::early_header_mutation_fault_injection::EarlyFaultConfig::new,
    ],
    // The load-balancing policy: a cluster's `load_balancing_policy`.
    lb: [
        "lb_header_pin" => lb::lb_header_pin::HeaderPinConfig::new,
        #[cfg(feature = "fault-injection")]
        "lb_fault_injection" => lb::lb_fault_injection::LbFaultConfig::new,
    ],
    // The cluster specifier: a route's `cluster_specifier_plugin`.
    cluster_specifier: [
        "cs_canary_split" => cluster_specifier::cs_canary_split::CanarySplitConfig::new,
        #[cfg(feature = "fault-injection")]
        "cs_fault_injection" => cluster_specifier::cs_fault_injection::ClusterSpecifierFaultConfig::new,
    ],
    // The cluster kind: a cluster type that finds its hosts and picks one per request.
    cluster: [
        "cluster_file_hosts" => cluster::cluster_file_hosts::FileHostsConfig::new,
        #[cfg(feature = "fault-injection")]
        "cluster_fault_injection" => cluster::cluster_fault_injection::ClusterFaultConfig::new,
    ],
    // route_specifier kind: a route table's `route_specifiers`.
    route_specifier: [
        "rs_tenant_routes" => route_specifier::rs_tenant_routes::TenantRoutesConfig::new,
        #[cfg(feature = "fault-injection")]
        "rs_fault_injection" => route_specifier::rs_fault_injection::RouteSpecifierFaultConfig::new,
    ],
    // The upstream HTTP-to-TCP bridge: a cluster's `upstream_config`.
    upstream_http_tcp_bridge: [
        "bridge_http_redis" => upstream_http_tcp_bridge::bridge_http_redis::RedisBridgeConfig::new,
        #[cfg(feature = "fault-injection")]
        "bridge_fault_injection" => upstream_http_tcp_bridge::bridge_fault_injection::BridgeFaultConfig::new,
    ],
    // The health checker: a cluster's `health_checks[].custom_health_check`.
    health_checker: [
        "hc_redis_ping" => health_checker::hc_redis_ping::RedisPingConfig::new,
        #[cfg(feature = "fault-injection")]
        "hc_fault_injection" => health_checker::hc_fault_injection::HcFaultConfig::new,
    ],
    // config_validator kind: an xDS config source's `config_validators`.
    config_validator: [
        "cv_platform_rules" => config_validator::cv_platform_rules::PlatformRulesConfig::new,
        #[cfg(feature = "fault-injection")]
        "cv_fault_injection" => config_validator::cv_fault_injection::ConfigValidatorFaultConfig::new,
    ],
    // matcher kind: a matching tree's `custom_match`.
    matcher: [
        "mt_cidr_set" => matcher::mt_cidr_set::CidrSetConfig::new,
        #[cfg(feature = "fault-injection")]
        "mt_fault_injection" => matcher::mt_fault_injection::MatcherFaultConfig::new,
    ],
    // matcher_data_input kind: a matching tree's `input`.
    matcher_data_input: [
        "di_tenant" => matcher_data_input::di_tenant::TenantConfig::new,
        #[cfg(feature = "fault-injection")]
        "di_fault_injection" => matcher_data_input::di_fault_injection::DataInputFaultConfig::new,
    ],
    // header_formatter kind: http_protocol_options' header_key_format.stateful_formatter.
    header_formatter: [
        "hf_preserve_case" => header_formatter::hf_preserve_case::PreserveCaseConfig::new,
        #[cfg(feature = "fault-injection")]
        "hf_fault_injection" => header_formatter::hf_fault_injection::HeaderFormatterFaultConfig::new,
    ],
    // formatter kind: a format string's `formatters` entry (its own %COMMAND%s).
    formatter: [
        "fmt_header_hash" => formatter::fmt_header_hash::HeaderHashConfig::new,
        #[cfg(feature = "fault-injection")]
        "fmt_fault_injection" => formatter::fmt_fault_injection::FormatterFaultConfig::new,
    ],
    // stat_sink kind: a bootstrap's `stats_sinks` entry.
    stat_sink: [
        "stats_statsd" => stat_sink::stats_statsd::StatsdConfig::new,
        #[cfg(feature = "fault-injection")]
        "stats_fault_injection" => stat_sink::stats_fault_injection::StatsFaultConfig::new,
    ],
    // tracer kind: a connection manager's `tracing.provider`.
    tracer: [
        "tr_w3c_json" => tracer::tr_w3c_json::W3cJsonConfig::new,
        #[cfg(feature = "fault-injection")]
        "tr_fault_injection" => tracer::tr_fault_injection::TracerFaultConfig::new,
    ],
    // The TLS certificate validator: a TLS context's `custom_validator_config`.
    cert_validator: [
        "cert_spki_pin" => cert_validator::cert_spki_pin::SpkiPin::new,
        #[cfg(feature = "fault-injection")]
        "cert_fault_injection" => cert_validator::cert_fault_injection::CertFaultConfig::new,
    ],
    // transport_socket kind: a filter chain's or a cluster's `transport_socket`.
    transport_socket: [
        "ts_frames" => transport_socket::ts_frames::FramesConfig::new,
        #[cfg(feature = "fault-injection")]
        "ts_fault_injection" => transport_socket::ts_fault_injection::TransportFaultConfig::new,
    ],
}
