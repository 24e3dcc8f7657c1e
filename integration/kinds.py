"""Helpers shared by the listener-filter and UDP tests: the side upstreams
fixture's body, Envoy's stats, its RSS, and bootstraps for bad-config checks."""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.request
from pathlib import Path

import configs
from harness import processes, servers

LISTENER_FILTER_TYPE = (
    "type.googleapis.com/envoy.extensions.filters.listener.dynamic_modules.v3.DynamicModuleListenerFilter"
)
UDP_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.udp.dynamic_modules.v3.DynamicModuleUdpListenerFilter"
ACCESS_LOGGER_TYPE = "type.googleapis.com/envoy.extensions.access_loggers.dynamic_modules.v3.DynamicModuleAccessLog"
BOOTSTRAP_EXTENSION_TYPE = (
    "type.googleapis.com/envoy.extensions.bootstrap.dynamic_modules.v3.DynamicModuleBootstrapExtension"
)


def stats(prefix: str = "", admin_port: int = processes.ADMIN_PORT) -> dict[str, int]:
    """Envoy's counters and gauges whose name contains `prefix`."""
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/stats?format=json", timeout=5) as r:
        data = json.load(r)
    return {s["name"]: s["value"] for s in data["stats"] if "value" in s and prefix in s["name"]}


def counter(suffix: str) -> int:
    """The one counter whose name ends with `suffix`."""
    found = {k: v for k, v in stats().items() if k.endswith(suffix)}
    assert len(found) == 1, (suffix, found)
    return next(iter(found.values()))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def filter_config(config=None, raw: str | None = None) -> dict:
    if raw is not None:
        return {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": raw}
    return {"@type": "type.googleapis.com/google.protobuf.Struct", "value": config}


def module_filter(type_url: str, filter_name: str, config=None, raw: str | None = None) -> dict:
    typed = {"@type": type_url, "dynamic_module_config": {"name": "rust_module"}, "filter_name": filter_name}
    if config is not None or raw is not None:
        typed["filter_config"] = filter_config(config, raw)
    return {"name": f"rust_{filter_name}", "typed_config": typed}


def tcp_listener(port: int, listener_filters: list[dict]) -> dict:
    """A TCP listener with these listener filters, then tcp_proxy to the echo upstream."""
    return {
        "name": f"tcp_{port}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "listener_filters": listener_filters,
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.tcp_proxy",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                            "stat_prefix": f"tcp_{port}",
                            "cluster": "echo",
                        },
                    }
                ]
            }
        ],
    }


def udp_listener(port: int, filters: list[dict]) -> dict:
    """A UDP listener with these filters, then udp_proxy to the DNS upstream."""
    proxy = {
        "name": "envoy.filters.udp_listener.udp_proxy",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig",
            "stat_prefix": f"udp_{port}",
            "matcher": {
                "on_no_match": {
                    "action": {
                        "name": "route",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.udp.udp_proxy.v3.Route",
                            "cluster": "dns_upstream",
                        },
                    }
                }
            },
        },
    }
    return {
        "name": f"udp_{port}",
        "address": {"socket_address": {"protocol": "UDP", "address": "127.0.0.1", "port_value": port}},
        "listener_filters": [*filters, proxy],
    }


def tcp_bootstrap(filter_name: str, config=None, raw: str | None = None) -> dict:
    """A TCP listener whose only listener filter is a rust_module one."""
    return bootstrap([tcp_listener(19000, [module_filter(LISTENER_FILTER_TYPE, filter_name, config, raw)])])


def udp_bootstrap(filter_name: str, config=None, raw: str | None = None) -> dict:
    """A UDP listener whose only module filter is a rust_module one."""
    return bootstrap([udp_listener(19000, [module_filter(UDP_FILTER_TYPE, filter_name, config, raw)])])


def access_logger(logger_name: str, config=None, raw: str | None = None) -> dict:
    """An access_log entry naming a rust_module access logger."""
    typed = {"@type": ACCESS_LOGGER_TYPE, "dynamic_module_config": {"name": "rust_module"}, "logger_name": logger_name}
    if config is not None or raw is not None:
        typed["logger_config"] = filter_config(config, raw)
    return {"name": f"rust_{logger_name}", "typed_config": typed}


def access_log_listener(port: int, logger_name: str, config=None, raw: str | None = None) -> dict:
    """An HTTP listener to the echo upstream whose connection manager logs
    through one rust_module access logger."""
    http = configs.listener(f"http_{port}", port, [])
    http["filter_chains"][0]["filters"][0]["typed_config"]["access_log"] = [access_logger(logger_name, config, raw)]
    return http


def access_log_bootstrap(logger_name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([access_log_listener(19000, logger_name, config, raw)])


def bootstrap_extension(name: str, config=None, raw: str | None = None, entry: str | None = None) -> dict:
    """A rust_module bootstrap extension (`bootstrap_extensions` entry)."""
    typed = {
        "@type": BOOTSTRAP_EXTENSION_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "extension_name": name,
    }
    if config is not None or raw is not None:
        typed["extension_config"] = filter_config(config, raw)
    return {"name": entry or f"rust_{name}", "typed_config": typed}


def extension_bootstrap(name: str, config=None, raw: str | None = None) -> dict:
    """No listener, one rust_module bootstrap extension."""
    return {**bootstrap([]), "bootstrap_extensions": [bootstrap_extension(name, config, raw)]}


def _cluster(name: str, port: int) -> dict:
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": port}}}}
                    ]
                }
            ],
        },
    }


def bootstrap(listeners: list[dict], admin_port: int = 19001) -> dict:
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        "static_resources": {
            "listeners": listeners,
            "clusters": [_cluster("echo", servers.UPSTREAM_ADDR[1]), _cluster("dns_upstream", servers.DNS_UPSTREAM[1])],
        },
    }


def refusal_lines(
    path: Path, kind: str, filter_name: str, search_path: Path = processes.BUILD_LIB
) -> tuple[int, list[str], str]:
    """Validates `path`; returns Envoy's exit code, the error lines naming
    `rust_module: {kind} '{filter_name}'`, and the whole output."""
    code, out = processes.validate(path, search_path)
    prefix = f"rust_module: {kind} '{filter_name}'"
    return code, [line for line in out.splitlines() if prefix in line and "[error]" in line], out


# early_header_mutation kind
EARLY_HEADER_MUTATION_TYPE = "type.googleapis.com/envoy.extensions.http.early_header_mutation.dynamic_modules.v3.DynamicModuleEarlyHeaderMutation"


def early_header_mutation(name: str, config=None, raw: str | None = None) -> dict:
    """An `early_header_mutation_extensions` entry naming a rust_module mutation."""
    typed = {"@type": EARLY_HEADER_MUTATION_TYPE, "dynamic_module_config": {"name": "rust_module"}}
    typed["early_header_mutation_name"] = name
    if config is not None or raw is not None:
        typed["early_header_mutation_config"] = filter_config(config, raw)
    return {"name": f"rust_{name}", "typed_config": typed}


def early_header_mutation_listener(port: int, mutations: list[dict]) -> dict:
    """An HTTP listener to the echo upstream whose connection manager runs
    these early header mutations."""
    http = configs.listener(f"http_{port}", port, [])
    http["filter_chains"][0]["filters"][0]["typed_config"]["early_header_mutation_extensions"] = mutations
    return http


def early_header_mutation_bootstrap(name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([early_header_mutation_listener(19000, [early_header_mutation(name, config, raw)])])


# ------------------------------------------------- load-balancing policy (lb)

LB_POLICY_TYPE = (
    "type.googleapis.com/envoy.extensions.load_balancing_policies.dynamic_modules.v3.DynamicModulesLoadBalancerConfig"
)


def lb_policy(policy_name: str, config=None, raw: str | None = None) -> dict:
    """A cluster's load_balancing_policy naming a rust_module policy."""
    typed = {"@type": LB_POLICY_TYPE, "dynamic_module_config": {"name": "rust_module"}, "lb_policy_name": policy_name}
    if config is not None or raw is not None:
        typed["lb_policy_config"] = filter_config(config, raw)
    return {"policies": [{"typed_extension_config": {"name": f"rust_{policy_name}", "typed_config": typed}}]}


def lb_cluster(name: str, hosts: dict[int, int], policy: dict, health_check: bool = False) -> dict:
    """A STATIC cluster of 127.0.0.1 hosts ({port: load_balancing_weight}) whose
    hosts `policy` (lb_policy()) chooses; optionally health-checked every 100 ms."""
    endpoints = [
        {
            "endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": port}}},
            "load_balancing_weight": weight,
        }
        for port, weight in hosts.items()
    ]
    cluster = {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_balancing_policy": policy,
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": endpoints}]},
    }
    if health_check:
        cluster["health_checks"] = [
            {
                "timeout": "2s",
                "interval": "0.1s",
                "no_traffic_interval": "0.1s",
                "unhealthy_threshold": 1,
                "healthy_threshold": 1,
                "http_health_check": {"path": "/healthz"},
            }
        ]
    return cluster


def lb_bootstrap(policy_name: str, config=None, raw: str | None = None) -> dict:
    """No listener, one cluster whose policy is a rust_module one (for validate)."""
    config_ = bootstrap([])
    config_["static_resources"]["clusters"].append(
        lb_cluster("lb_scratch", {servers.UPSTREAM_ADDR[1]: 1}, lb_policy(policy_name, config, raw))
    )
    return config_


# ------------------------------------------------------- cluster specifier

CLUSTER_SPECIFIER_TYPE = (
    "type.googleapis.com/envoy.extensions.router.cluster_specifiers.dynamic_modules.v3.DynamicModuleClusterSpecifier"
)


def cluster_specifier_listener(port: int, specifier_name: str, config=None, raw: str | None = None) -> dict:
    """An HTTP listener whose one route's cluster a rust_module cluster specifier chooses."""
    typed = {
        "@type": CLUSTER_SPECIFIER_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "specifier_name": specifier_name,
    }
    if config is not None or raw is not None:
        typed["specifier_config"] = filter_config(config, raw)
    http = configs.listener(f"cs_{port}", port, [])
    route = http["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]
    route["route"] = {
        "inline_cluster_specifier_plugin": {"extension": {"name": f"rust_{specifier_name}", "typed_config": typed}}
    }
    return http


def cluster_specifier_bootstrap(specifier_name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([cluster_specifier_listener(19000, specifier_name, config, raw)])


# --------------------------------------------------------- route_specifier kind

ROUTE_SPECIFIER_TYPE = (
    "type.googleapis.com/envoy.extensions.router.route_specifiers.dynamic_modules.v3.DynamicModuleRouteSpecifier"
)


def route_template(template_id: str, cluster: str) -> dict:
    """A `route_templates` entry: every path to `cluster`, saying its id in
    the response header x-route-template."""
    return {
        "template_id": template_id,
        "route": {
            "match": {"prefix": "/"},
            "route": {"cluster": cluster, "timeout": "5s"},
            "response_headers_to_add": [{"header": {"key": "x-route-template", "value": template_id}}],
        },
    }


def route_specifier_listener(
    port: int,
    specifier_name: str,
    config=None,
    raw: str | None = None,
    templates: dict[str, str] | None = None,
    cluster: str = "echo",
    failure_policy: str = "NO_ROUTE",
) -> dict:
    """An HTTP listener whose one route (to `cluster`) a rust_module route
    specifier decides, with `templates` (id -> cluster) declared beside it."""
    typed = {
        "@type": ROUTE_SPECIFIER_TYPE,
        # Envoy 1.40 refuses a route specifier whose module may close.
        "dynamic_module_config": {"name": "rust_module", "do_not_close": True},
        "specifier_name": specifier_name,
        "stat_prefix": specifier_name,
        "failure_policy": failure_policy,
        "route_templates": [route_template(t, c) for t, c in (templates or {}).items()],
    }
    if config is not None or raw is not None:
        typed["specifier_config"] = filter_config(config, raw)
    http = configs.listener(f"rs_{port}", port, [])
    route = http["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]
    route["route"] = {"cluster": cluster}
    route["route_specifiers"] = [{"name": f"rust_{specifier_name}", "typed_config": typed}]
    return http


def route_specifier_bootstrap(
    specifier_name: str, config=None, raw: str | None = None, templates: dict[str, str] | None = None
) -> dict:
    return bootstrap([route_specifier_listener(19000, specifier_name, config, raw, templates)])


# ------------------------------------------------ upstream_http_tcp_bridge kind

BRIDGE_TYPE = "type.googleapis.com/envoy.extensions.upstreams.http.dynamic_modules.v3.Config"


def bridge_cluster(name: str, port: int, bridge_name: str, config=None, raw: str | None = None) -> dict:
    """A static cluster of one host whose requests a rust_module upstream
    HTTP-to-TCP bridge carries over plain TCP."""
    typed = {"@type": BRIDGE_TYPE, "dynamic_module_config": {"name": "rust_module"}, "bridge_name": bridge_name}
    if config is not None or raw is not None:
        typed["bridge_config"] = filter_config(config, raw)
    return {
        **_cluster(name, port),
        "upstream_config": {"name": "envoy.upstreams.http.dynamic_modules", "typed_config": typed},
    }


def bridge_listener(port: int, cluster: str, timeout: str = "2s") -> dict:
    """An HTTP listener (HTTP/1.1 and h2) whose one route goes to `cluster`."""
    http = configs.listener(f"bridge_{port}", port, [], cluster=cluster)
    route = http["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]
    route["route"]["timeout"] = timeout
    return http


def bridge_bootstrap(entries: list[tuple[int, dict]], admin_port: int) -> dict:
    """One listener per (port, bridge cluster), each routing to its cluster."""
    config = bootstrap([bridge_listener(port, cluster["name"]) for port, cluster in entries], admin_port)
    config["static_resources"]["clusters"] += [cluster for _, cluster in entries]
    return config


# ------------------------------------------------------- health_checker kind

HEALTH_CHECKER_TYPE = "type.googleapis.com/envoy.extensions.health_checkers.dynamic_modules.v3.DynamicModuleHealthCheck"


def health_check(
    checker_name: str,
    config=None,
    raw: str | None = None,
    interval: float = 0.2,
    timeout: float = 0.5,
    unhealthy: int = 2,
    healthy: int = 1,
) -> dict:
    """A cluster's health_checks entry: a rust_module health checker, with
    Envoy's interval, timeout and thresholds (no_traffic_interval = interval,
    so a cluster without traffic is checked as often)."""
    typed = {
        "@type": HEALTH_CHECKER_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "health_checker_name": checker_name,
    }
    if config is not None or raw is not None:
        typed["health_checker_config"] = filter_config(config, raw)
    return {
        "interval": f"{interval}s",
        "no_traffic_interval": f"{interval}s",
        "timeout": f"{timeout}s",
        "unhealthy_threshold": unhealthy,
        "healthy_threshold": healthy,
        "custom_health_check": {"name": "envoy.health_checkers.dynamic_modules", "typed_config": typed},
    }


def health_checked_cluster(name: str, host_ports: list[int], check: dict) -> dict:
    """A STATIC cluster of 127.0.0.1 hosts, actively checked by `check`."""
    endpoints = [
        {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": p}}}} for p in host_ports
    ]
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": endpoints}]},
        "health_checks": [check],
    }


def tcp_proxy_listener(port: int, cluster: str) -> dict:
    """A TCP listener that proxies each connection to a healthy host of `cluster`."""
    return {
        "name": f"tcp_{port}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.tcp_proxy",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                            "stat_prefix": f"tcp_{port}",
                            "cluster": cluster,
                        },
                    }
                ]
            }
        ],
    }


def health_checker_bootstrap(checker_name: str, config=None, raw: str | None = None) -> dict:
    """No listener, one cluster checked by a rust_module health checker (for validate)."""
    config_ = bootstrap([])
    check = health_check(checker_name, config, raw)
    config_["static_resources"]["clusters"].append(
        health_checked_cluster("hc_scratch", [servers.UPSTREAM_ADDR[1]], check)
    )
    return config_


def health_flags(admin_port: int, cluster: str) -> dict[int, str]:
    """Each host's health_flags in admin /clusters, by port ("healthy", or
    e.g. "/failed_active_hc/active_hc_timeout")."""
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/clusters", timeout=5) as resp:
        text = resp.read().decode()
    flags = {}
    for line in text.splitlines():
        parts = line.split("::")
        if len(parts) == 4 and parts[0] == cluster and parts[2] == "health_flags":
            flags[int(parts[1].rsplit(":", 1)[1])] = parts[3]
    return flags


# config_validator kind
CONFIG_VALIDATOR_TYPE = (
    "type.googleapis.com/envoy.extensions.config.validators.dynamic_modules.v3.DynamicModuleConfigValidator"
)
XDS_TYPES = {
    "cds": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
    "lds": "type.googleapis.com/envoy.config.listener.v3.Listener",
}


def config_validator(name: str, type_url: str, config=None, raw: str | None = None) -> dict:
    """A `config_validators` entry naming rust_module's validator `name` for
    the updates of `type_url` (Envoy 1.40 takes exactly one per entry)."""
    typed = {
        "@type": CONFIG_VALIDATOR_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "extension_name": name,
        "type_urls": [type_url],
    }
    if config is not None or raw is not None:
        typed["extension_config"] = filter_config(config, raw)
    return {"name": "envoy.config.validators.dynamic_modules", "typed_config": typed}


def xds_bootstrap(
    admin_port: int, xds_port: int, name: str, config=None, raw: str | None = None, delta: bool = False
) -> dict:
    """No static listener; listeners (LDS) and clusters (CDS) from the xDS
    server on `xds_port` over gRPC, each update judged by rust_module's
    validator `name` (one entry per config source, for its type URL)."""
    config_ = bootstrap([], admin_port)
    xds = _cluster("xds", xds_port)
    xds["typed_extension_protocol_options"] = {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
            "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "explicit_http_config": {"http2_protocol_options": {}},
        }
    }
    config_["static_resources"]["clusters"].append(xds)
    del config_["static_resources"]["listeners"]

    def source(type_url: str) -> dict:
        return {
            "resource_api_version": "V3",
            "api_config_source": {
                "api_type": "DELTA_GRPC" if delta else "GRPC",
                "transport_api_version": "V3",
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds"}}],
                "config_validators": [config_validator(name, type_url, config, raw)],
            },
        }

    config_["dynamic_resources"] = {"lds_config": source(XDS_TYPES["lds"]), "cds_config": source(XDS_TYPES["cds"])}
    config_["node"] = {"id": "cv", "cluster": "lab"}
    return config_


def config_validator_bootstrap(name: str, config=None, raw: str | None = None) -> dict:
    """xds_bootstrap with one rust_module validator (for validate: no server needed)."""
    return xds_bootstrap(19001, 19002, name, config, raw)


# ---------------------------------------------- matcher and matcher_data_input kinds

MATCHER_TYPE = "type.googleapis.com/envoy.extensions.matching.input_matchers.dynamic_modules.v3.DynamicModuleMatcher"
MATCHER_INPUT_TYPE = "type.googleapis.com/envoy.extensions.matching.http.dynamic_modules.v3.HttpDynamicModuleMatchInput"
DATA_INPUT_TYPE = "type.googleapis.com/envoy.extensions.matching.http.dynamic_modules.v3.DynamicModuleDataInput"


def _route_action(name: str, cluster: str | None) -> dict:
    """A matching tree's action: a route to `cluster` that says `name` in the
    response header x-lab-route, or (cluster None) a direct 404 saying it."""
    route = {
        "@type": "type.googleapis.com/envoy.config.route.v3.Route",
        "match": {"prefix": "/"},
        "response_headers_to_add": [{"header": {"key": "x-lab-route", "value": name}}],
    }
    if cluster is None:
        route["direct_response"] = {"status": 404, "body": {"inline_string": f"{name}\n"}}
    else:
        route["route"] = {"cluster": cluster}
    return {"action": {"name": name, "typed_config": route}}


def _tree_listener(port: int, matcher: dict) -> dict:
    """An HTTP listener whose one virtual host routes by this matching tree."""
    http = configs.listener(f"match_{port}", port, [])
    vhost = http["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]
    del vhost["routes"]
    vhost["matcher"] = matcher
    return http


def matcher_listener(port: int, matcher_name: str, config=None, raw: str | None = None, on_error: str | None = None):
    """A listener whose virtual host sends a request the rust_module matcher
    matches to echo (x-lab-route: matched), any other to a direct 404
    (x-lab-route: no_match)."""
    typed = {"@type": MATCHER_TYPE, "dynamic_module_config": {"name": "rust_module"}, "matcher_name": matcher_name}
    if config is not None or raw is not None:
        typed["matcher_config"] = filter_config(config, raw)
    if on_error is not None:
        typed["on_error"] = on_error
    predicate = {
        "single_predicate": {
            "input": {"name": "request", "typed_config": {"@type": MATCHER_INPUT_TYPE}},
            "custom_match": {"name": f"rust_{matcher_name}", "typed_config": typed},
        }
    }
    tree = {
        "matcher_list": {"matchers": [{"predicate": predicate, "on_match": _route_action("matched", "echo")}]},
        "on_no_match": _route_action("no_match", None),
    }
    return _tree_listener(port, tree)


def matcher_bootstrap(matcher_name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([matcher_listener(19000, matcher_name, config, raw)])


def data_input_listener(port: int, input_name: str, config=None, raw: str | None = None, values=("acme",)):
    """A listener whose virtual host sends each of `values` the rust_module
    data input gives to echo (x-lab-route: the value), anything else or no
    value to a direct 404 (x-lab-route: no_match)."""
    typed = {"@type": DATA_INPUT_TYPE, "dynamic_module_config": {"name": "rust_module"}, "input_name": input_name}
    if config is not None or raw is not None:
        typed["input_config"] = filter_config(config, raw)
    tree = {
        "matcher_tree": {
            "input": {"name": f"rust_{input_name}", "typed_config": typed},
            "exact_match_map": {"map": {v: _route_action(v, "echo") for v in values}},
        },
        "on_no_match": _route_action("no_match", None),
    }
    return _tree_listener(port, tree)


def data_input_bootstrap(input_name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([data_input_listener(19000, input_name, config, raw)])


# ------------------------------------------------------- header_formatter kind

HEADER_FORMATTER_TYPE = (
    "type.googleapis.com/envoy.extensions.http.header_formatters.dynamic_modules.v3.DynamicModuleHeaderFormatter"
)


def stateful_formatter(formatter_name: str, config=None, raw: str | None = None) -> dict:
    """A `header_key_format.stateful_formatter` naming a rust_module formatter."""
    typed = {
        "@type": HEADER_FORMATTER_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "header_formatter_name": formatter_name,
    }
    if config is not None or raw is not None:
        typed["header_formatter_config"] = filter_config(config, raw)
    return {"name": f"rust_{formatter_name}", "typed_config": typed}


def header_formatter_listener(port: int, formatter: dict, cluster: str = "echo") -> dict:
    """An HTTP listener to `cluster` whose HTTP/1 codec uses `formatter`."""
    http = configs.listener(f"hf_{port}", port, [], cluster=cluster)
    hcm = http["filter_chains"][0]["filters"][0]["typed_config"]
    hcm["http_protocol_options"] = {"header_key_format": {"stateful_formatter": formatter}}
    return http


def header_formatter_bootstrap(formatter_name: str, config=None, raw: str | None = None) -> dict:
    return bootstrap([header_formatter_listener(19000, stateful_formatter(formatter_name, config, raw))])


# ------------------------------------------------------------- formatter kind

FORMATTER_TYPE = "type.googleapis.com/envoy.extensions.formatter.dynamic_modules.v3.DynamicModuleFormatter"


def formatter(name: str, config=None, raw: str | None = None) -> dict:
    """A format string's `formatters` entry naming a rust_module formatter."""
    typed = {"@type": FORMATTER_TYPE, "dynamic_module_config": {"name": "rust_module"}, "formatter_name": name}
    if config is not None or raw is not None:
        typed["formatter_config"] = filter_config(config, raw)
    return {"name": "envoy.formatter.dynamic_modules", "typed_config": typed}


def formatter_listener(port: int, formatters: list[dict], text: str, path: str = "/dev/null") -> dict:
    """An HTTP listener to the echo upstream whose file access log (at `path`)
    writes the format string `text` with these formatters."""
    http = configs.listener(f"http_{port}", port, [])
    http["filter_chains"][0]["filters"][0]["typed_config"]["access_log"] = [
        {
            "name": "envoy.access_loggers.file",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
                "path": path,
                "log_format": {"text_format_source": {"inline_string": text}, "formatters": formatters},
            },
        }
    ]
    return http


def formatter_bootstrap(
    name: str, config=None, raw: str | None = None, format: str = "%KEYED_HASH(x-user-id)%\n"
) -> dict:
    return bootstrap([formatter_listener(19000, [formatter(name, config, raw)], format)])


# ------------------------------------------------------------- stat_sink kind

STAT_SINK_TYPE = "type.googleapis.com/envoy.extensions.stat_sinks.dynamic_modules.v3.DynamicModuleStatsSink"


def stat_sink(name: str, config=None, raw: str | None = None) -> dict:
    """A bootstrap `stats_sinks` entry naming a rust_module stats sink."""
    typed = {"@type": STAT_SINK_TYPE, "dynamic_module_config": {"name": "rust_module"}, "sink_name": name}
    if config is not None or raw is not None:
        typed["sink_config"] = filter_config(config, raw)
    return {"name": "envoy.stat_sinks.dynamic_modules", "typed_config": typed}


def stat_sink_bootstrap(
    sinks: list[dict], listeners: list[dict] | None = None, admin_port: int = 19001, flush: str = "5s"
) -> dict:
    """These listeners (none by default), and these stats sinks flushed every `flush`."""
    return {**bootstrap(listeners or [], admin_port), "stats_sinks": sinks, "stats_flush_interval": flush}


# ------------------------------------------------------- cert_validator kind

CERT_VALIDATOR_TYPE = (
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.cert_validator.dynamic_modules.v3."
    "DynamicModuleCertValidatorConfig"
)
TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3."


def openssl(*args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=True).stdout


def spki_pin(cert: Path) -> str:
    """The pin as `curl --pinnedpubkey` writes it, computed by openssl."""
    pub = openssl("x509", "-in", str(cert), "-pubkey", "-noout")
    der = openssl("pkey", "-pubin", "-outform", "der", stdin=pub)
    digest = openssl("dgst", "-sha256", "-binary", stdin=der)
    return "sha256//" + base64.b64encode(digest).decode()


def make_pki(d: Path) -> dict[str, Path]:
    """A CA, and two P-256 leaves it signs (`pinned`, `other`) that serve as
    client and as server certificates; Envoy's own server certificate."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        str(d / "ca.key"),
        "-out",
        str(d / "ca.crt"),
        "-days",
        "2",
        "-subj",
        "/CN=cv test CA",
    )
    for name in ("pinned", "other", "envoy"):
        openssl(
            "req", *ec, "-keyout", str(d / f"{name}.key"), "-out", str(d / f"{name}.csr"), "-subj", f"/CN={name}.test"
        )
        (d / f"{name}.ext").write_text(f"subjectAltName=DNS:{name}.test\n")
        openssl(
            "x509", "-req", "-in", str(d / f"{name}.csr"), "-CA", str(d / "ca.crt"), "-CAkey", str(d / "ca.key"),
            "-CAcreateserial", "-days", "2", "-extfile", str(d / f"{name}.ext"), "-out", str(d / f"{name}.crt"),
        )  # fmt: skip
    # The pinned certificate behind `other`'s, as if it were an intermediate.
    (d / "other+pinned.crt").write_bytes((d / "other.crt").read_bytes() + (d / "pinned.crt").read_bytes())
    return {p.stem: p for p in d.iterdir()}


def validation_context(validator_name: str, config=None, raw: str | None = None) -> dict:
    """A TLS context's validation_context: a rust_module certificate validator."""
    typed = {
        "@type": CERT_VALIDATOR_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "validator_name": validator_name,
    }
    if config is not None or raw is not None:
        typed["validator_config"] = filter_config(config, raw)
    return {"custom_validator_config": {"name": "envoy.tls.cert_validator.dynamic_modules", "typed_config": typed}}


def mtls_listener(port: int, pki: dict[str, Path], validation: dict, require_client_certificate: bool = True) -> dict:
    """HTTPS (h2 and http/1.1 by ALPN) whose client certificates `validation`
    judges, with pki's `envoy` certificate; Envoy answers every request itself."""
    tls = {
        "@type": TLS + "DownstreamTlsContext",
        "require_client_certificate": require_client_certificate,
        "common_tls_context": {
            "alpn_protocols": ["h2", "http/1.1"],
            "tls_certificates": [
                {
                    "certificate_chain": {"filename": str(pki["envoy"].with_suffix(".crt"))},
                    "private_key": {"filename": str(pki["envoy"].with_suffix(".key"))},
                }
            ],
            "validation_context": validation,
        },
    }
    route = {"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "pinned in\n"}}}
    hcm = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": f"mtls_{port}",
        "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [route]}]},
        "http_filters": [
            {
                "name": "envoy.filters.http.router",
                "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
            }
        ],
    }
    return {
        "name": f"mtls_{port}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "filter_chains": [
            {
                "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": tls},
                "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}],
            }
        ],
    }


def tls_cluster(name: str, port: int, validation: dict) -> dict:
    """A cluster that speaks TLS to 127.0.0.1:port, the server's certificate
    judged by `validation`."""
    tls = {"@type": TLS + "UpstreamTlsContext", "common_tls_context": {"validation_context": validation}}
    endpoint = {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": port}}}}
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [endpoint]}]},
        "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": tls},
    }


def http_listener_to(port: int, cluster: str) -> dict:
    """A plain HTTP listener on 127.0.0.1:port that routes everything to `cluster`."""
    route = {"match": {"prefix": "/"}, "route": {"cluster": cluster}}
    hcm = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": f"http_{port}",
        "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [route]}]},
        "http_filters": [
            {
                "name": "envoy.filters.http.router",
                "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
            }
        ],
    }
    return {
        "name": f"http_{port}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "filter_chains": [
            {"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}]}
        ],
    }


# ----------------------------------------------------------------- tracer kind

TRACER_TYPE = "type.googleapis.com/envoy.extensions.tracers.dynamic_modules.v3.DynamicModuleTracer"


def tracer_listener(port: int, tracer_name: str, config=None, raw: str | None = None) -> dict:
    """An HTTP listener to the echo upstream whose connection manager traces
    every request with a rust_module tracer; the router starts a child span
    per upstream call (start_child_span, the only switch 1.40 has for it)."""
    typed = {"@type": TRACER_TYPE, "dynamic_module_config": {"name": "rust_module"}, "tracer_name": tracer_name}
    if config is not None or raw is not None:
        typed["tracer_config"] = filter_config(config, raw)
    http = configs.listener(f"tr_{port}", port, [])
    hcm = http["filter_chains"][0]["filters"][0]["typed_config"]
    hcm["tracing"] = {"provider": {"name": "envoy.tracers.dynamic_modules", "typed_config": typed}}
    hcm["http_filters"] = [
        {
            "name": "envoy.filters.http.router",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                "start_child_span": True,
            },
        }
    ]
    return http


def tracer_bootstrap(tracer_name: str, config=None, raw: str | None = None, admin_port: int = 19001) -> dict:
    return bootstrap([tracer_listener(19000, tracer_name, config, raw)], admin_port)


# ------------------------------------------------------- transport_socket kind

TRANSPORT_SOCKET_TYPE = (
    "type.googleapis.com/envoy.extensions.transport_sockets.dynamic_modules.v3.DynamicModuleTransportSocket"
)


def transport_socket(socket_name: str, config=None, raw: str | None = None) -> dict:
    """A rust_module transport socket (1.40's one message for listeners and clusters)."""
    typed = {
        "@type": TRANSPORT_SOCKET_TYPE,
        "dynamic_module_config": {"name": "rust_module"},
        "transport_socket_name": socket_name,
    }
    if config is not None or raw is not None:
        typed["transport_socket_config"] = filter_config(config, raw)
    return {"name": "envoy.transport_sockets.dynamic_modules", "typed_config": typed}


def framed_cluster(name: str, port: int, socket: dict) -> dict:
    """A cluster to 127.0.0.1:port whose connections use `socket`."""
    return {**_cluster(name, port), "transport_socket": socket}


def framed_listener(port: int, socket: dict, cluster: str) -> dict:
    """A listener whose filter chain uses `socket`, then tcp_proxy to `cluster`."""
    listener = tcp_proxy_listener(port, cluster)
    listener["filter_chains"][0]["transport_socket"] = socket
    return listener


def transport_socket_bootstrap(socket_name: str, config=None, raw: str | None = None) -> dict:
    """One listener with the socket, for validate."""
    return bootstrap([framed_listener(19000, transport_socket(socket_name, config, raw), "echo")])
