"""Envoy configurations built in code, for tests that need listeners beyond
envoy.yaml (bad configs, fault injection), or envoy.yaml itself changed (loaded
as YAML, changed as data, never as text). Written as JSON, which Envoy reads
like YAML."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import yaml

import ports
from harness import processes

ROUTER = {
    "name": "envoy.filters.http.router",
    "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
}


def module_filter(
    module: str, filter_name: str, config=None, raw: str | None = None, raw_bytes: bytes | None = None
) -> dict:
    """A dynamic-module HTTP filter. `config` goes in as a google.protobuf.Struct
    (the module sees JSON text); `raw` as a StringValue (the module sees the
    bytes); `raw_bytes` as a BytesValue, for bytes a StringValue cannot hold."""
    typed = {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter",
        "dynamic_module_config": {"name": module},
        "filter_name": filter_name,
    }
    if config is not None:
        typed["filter_config"] = {"@type": "type.googleapis.com/google.protobuf.Struct", "value": config}
    if raw is not None:
        typed["filter_config"] = {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": raw}
    if raw_bytes is not None:
        typed["filter_config"] = {
            "@type": "type.googleapis.com/google.protobuf.BytesValue",
            "value": base64.b64encode(raw_bytes).decode(),
        }
    return {"name": f"{module}.{filter_name}", "typed_config": typed}


def listener(name: str, port: int, filters: list[dict], direct_response: bool = False, cluster: str = "echo") -> dict:
    route = {"name": "r", "match": {"prefix": "/"}}
    if direct_response:
        route["direct_response"] = {"status": 200, "body": {"inline_string": "direct\n"}}
    else:
        route["route"] = {"cluster": cluster}
    return {
        "name": name,
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                            "stat_prefix": name,
                            "route_config": {
                                "name": name,
                                "virtual_hosts": [{"name": name, "domains": ["*"], "routes": [route]}],
                            },
                            "http_filters": [*filters, ROUTER],
                        },
                    }
                ]
            }
        ],
    }


def bootstrap(listeners: list[dict], admin_port: int) -> dict:
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        "static_resources": {
            "listeners": listeners,
            "clusters": [
                {
                    "name": "echo",
                    "type": "STATIC",
                    "connect_timeout": "1s",
                    "load_assignment": {
                        "cluster_name": "echo",
                        "endpoints": [
                            {
                                "lb_endpoints": [
                                    {
                                        "endpoint": {
                                            "address": {
                                                "socket_address": {"address": "127.0.0.1", "port_value": ports.UPSTREAM}
                                            }
                                        }
                                    }
                                ]
                            }
                        ],
                    },
                }
            ],
        },
    }


def write(path: Path, config: dict) -> Path:
    path.write_text(json.dumps(config, indent=1))
    return path


def lab_config() -> dict:
    """envoy.yaml as data (its YAML anchors expanded)."""
    return yaml.safe_load(processes.ENVOY_YAML.read_text())


def shifted(config: dict, admin_port: int, shift: int = ports.SHIFT) -> dict:
    """A copy of `config` with another admin port and every listener's port +
    `shift`, so a second Envoy can serve it beside the first."""
    config = copy.deepcopy(config)
    config["admin"]["address"]["socket_address"]["port_value"] = admin_port
    for listener in config["static_resources"]["listeners"]:
        listener["address"]["socket_address"]["port_value"] += shift
    return config
