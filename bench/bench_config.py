"""The Envoy configuration the benchmark runs: the lab's own comparison
listeners (1063-1066, taken from envoy.yaml as they are), the same work done by
Envoy's built-in header_mutation filter and by Lua, passthrough alone in each
language, and a direct-response twin of every one (no upstream), so module cost
is not buried under upstream work."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

import ports

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Listener:
    name: str  # e.g. "rust_header_mutation"
    language: str  # rust, go, cpp, builtin, lua, none
    filters: str  # passthrough, passthrough+header_mutation, header_mutation, none
    route: str  # upstream or direct
    port: int


# name, language, filters, upstream port, direct-response port (ports.py)
VARIANTS = [
    (name, lang, filters, *ports.BENCH_LISTENERS[name])
    for name, lang, filters in [
        ("baseline", "none", "none"),
        ("rust_passthrough", "rust", "passthrough"),
        ("go_passthrough", "go", "passthrough"),
        ("cpp_passthrough", "cpp", "passthrough"),
        ("rust_header_mutation", "rust", "passthrough+header_mutation"),
        ("go_header_mutation", "go", "passthrough+header_mutation"),
        ("cpp_header_mutation", "cpp", "passthrough+header_mutation"),
        ("builtin_header_mutation", "builtin", "header_mutation"),
        ("lua_header_mutation", "lua", "header_mutation"),
    ]
]

LISTENERS = [
    Listener(f"{name}{'' if route == 'upstream' else '_direct'}", lang, filters, route, port)
    for name, lang, filters, up, direct in VARIANTS
    for route, port in (("upstream", up), ("direct", direct))
]

# What the upstream (or the direct response) sends back, so the response-side
# replace and remove have work to do; what the client sends, for the request side.
REQUEST_PATH = "/response-headers?x-response-replace=original&x-response-remove=gone"
REQUEST_HEADERS = {"x-request-replace": "original", "x-request-remove": "gone"}


def load_lab() -> dict:
    return yaml.safe_load((ROOT / "envoy.yaml").read_text())


def lab_header_mutation(lab: dict) -> dict:
    """The header_mutation config 1063-1065 share (the &header_mutation anchor)."""
    for listener in lab["static_resources"]["listeners"]:
        if listener["name"] == "rust":
            hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
            for f in hcm["http_filters"]:
                if f["typed_config"].get("filter_name") == "header_mutation":
                    return f["typed_config"]["filter_config"]["value"]
    raise KeyError("envoy.yaml has no Rust header_mutation on the 'rust' listener")


def builtin_header_mutation(config: dict) -> dict:
    """Envoy's own filter doing exactly the module's mutations; the attribute
    headers come from substitution formatters."""

    def mutations(remove, set_pairs, extra=()):
        out = [{"remove": name} for name in remove]
        for name, value in [*set_pairs, *extra]:
            out.append(
                {"append": {"header": {"key": name, "value": value}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}}
            )
        return out

    return {
        "name": "envoy.filters.http.header_mutation",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
            "mutations": {
                "request_mutations": mutations(config["remove_request_headers"], config["request_headers"]),
                "response_mutations": mutations(
                    config["remove_response_headers"],
                    config["response_headers"],
                    [
                        ("x-downstream-address", "%DOWNSTREAM_REMOTE_ADDRESS%"),
                        ("x-upstream-address", "%UPSTREAM_HOST%"),
                        ("x-response-code", "%RESPONSE_CODE%"),
                    ],
                ),
            },
        },
    }


def lua_header_mutation(config: dict) -> dict:
    """The same mutations in Lua. Lua's streamInfo in Envoy 1.40 has no upstream
    address, so this anchor sets two of the three attribute headers: it does
    slightly less work than the modules, never more."""

    def body(remove, set_pairs):
        lines = [f'  h:remove("{name}")' for name in remove]
        lines += [f'  h:replace("{name}", "{value}")' for name, value in set_pairs]
        return "\n".join(lines)

    code = f"""
function envoy_on_request(handle)
  local h = handle:headers()
{body(config["remove_request_headers"], config["request_headers"])}
end

function envoy_on_response(handle)
  local h = handle:headers()
{body(config["remove_response_headers"], config["response_headers"])}
  local info = handle:streamInfo()
  h:replace("x-downstream-address", info:downstreamRemoteAddress())
  h:replace("x-response-code", h:get(":status"))
end
"""
    return {
        "name": "envoy.filters.http.lua",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
            "default_source_code": {"inline_string": code},
        },
    }


def module_filter(language: str, filter_name: str, config: dict | None = None) -> dict:
    typed = {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter",
        "dynamic_module_config": {"name": f"{language}_module"},
        "filter_name": filter_name,
    }
    if config is not None:
        typed["filter_config"] = {"@type": "type.googleapis.com/google.protobuf.Struct", "value": config}
    return {"name": f"{language}_{filter_name}", "typed_config": typed}


def build(admin_port: int = ports.BENCH_ADMIN) -> dict:
    """The whole bootstrap for the benchmark."""
    lab = load_lab()
    hm = lab_header_mutation(lab)
    by_name = {l["name"]: l for l in lab["static_resources"]["listeners"]}
    # envoy.yaml's listeners for the languages and the baseline, untouched.
    from_lab = {
        "baseline": by_name["baseline"],
        "rust_header_mutation": by_name["rust"],
        "go_header_mutation": by_name["go"],
        "cpp_header_mutation": by_name["cpp"],
    }
    template = copy.deepcopy(by_name["baseline"])
    router = template["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"][-1]
    extra_filters = {
        "rust_passthrough": [module_filter("rust", "passthrough")],
        "go_passthrough": [module_filter("go", "passthrough")],
        "cpp_passthrough": [module_filter("cpp", "passthrough")],
        "builtin_header_mutation": [builtin_header_mutation(hm)],
        "lua_header_mutation": [lua_header_mutation(hm)],
    }
    listeners = []
    for name, _lang, _filters, up_port, direct_port in VARIANTS:
        if name in from_lab:
            upstream = copy.deepcopy(from_lab[name])
        else:
            upstream = copy.deepcopy(template)
            upstream["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"] = [*extra_filters[name], router]
        upstream["name"] = name
        upstream["address"]["socket_address"].update(address="127.0.0.1", port_value=up_port)
        hcm = upstream["filter_chains"][0]["filters"][0]["typed_config"]
        hcm["stat_prefix"] = name
        listeners.append(upstream)

        direct = copy.deepcopy(upstream)
        direct["name"] = f"{name}_direct"
        direct["address"]["socket_address"]["port_value"] = direct_port
        dhcm = direct["filter_chains"][0]["filters"][0]["typed_config"]
        dhcm["stat_prefix"] = f"{name}_direct"
        dhcm["route_config"] = {
            "name": "direct",
            "virtual_hosts": [
                {
                    "name": "direct",
                    "domains": ["*"],
                    "routes": [
                        {
                            "name": "direct",
                            "match": {"prefix": "/"},
                            "direct_response": {"status": 200, "body": {"inline_string": "Hello from echo server\n"}},
                            # The same response headers the echo upstream sends for REQUEST_PATH.
                            "response_headers_to_add": [
                                {"header": {"key": "x-response-replace", "value": "original"}},
                                {"header": {"key": "x-response-remove", "value": "gone"}},
                            ],
                        }
                    ],
                }
            ],
        }
        listeners.append(direct)

    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        # As rare a stats flush as Envoy allows (under 5 min): a flush adds
        # main-thread work at a random moment to the instruction counts.
        "stats_flush_interval": "299s",
        "static_resources": {"listeners": listeners, "clusters": lab["static_resources"]["clusters"][:1]},
    }
