"""The Envoy configuration the benchmark runs: the lab's own comparison
listeners (1063-1066, taken from envoy.yaml as they are), the same work done by
Envoy's built-in header_mutation filter and by Lua, passthrough alone in each
language, and a direct-response twin of every one (no upstream), so module cost
is not buried under upstream work."""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import yaml

import ports
from harness import processes

ROOT = Path(__file__).resolve().parent.parent


# What the upstream (or the direct response) sends back, so the response-side
# replace and remove have work to do; what the client sends, for the request side.
REQUEST_PATH = "/response-headers?x-response-replace=original&x-response-remove=gone"
REQUEST_HEADERS = {"x-request-replace": "original", "x-request-remove": "gone"}

# The body rows: the echo upstream's /repeat writes TEXT `count` times, in
# chunks of BODY_CHUNK bytes, so every chunk holds matches of "Hello" and some
# are split across chunk boundaries (16 bytes do not divide 16,000).
BODY_TEXT = "Hello from echo\n"  # 16 bytes
BODY_CHUNK = 16000
BODY_SIZES = {"64k": 64 * 1024, "1m": 1024 * 1024}
# Requests per second in the CPU phase: well below saturation for each size.
HEADER_RATE = 2000
BODY_RATE = {"64k": 200, "1m": 20}


def body_path(size: str) -> str:
    return f"/repeat?text=Hello%20from%20echo%0A&count={BODY_SIZES[size] // len(BODY_TEXT)}&chunk={BODY_CHUNK}"


@dataclass(frozen=True)
class Listener:
    name: str  # e.g. "rust_header_mutation"
    language: str  # rust, go, cpp, builtin, lua, wasm, ext_proc, none
    filters: str  # passthrough, passthrough+header_mutation, header_mutation, body_rewrite, none
    route: str  # upstream or direct
    port: int
    path: str = REQUEST_PATH
    rate: int = HEADER_RATE  # requests/s in the CPU phase
    kind: str = "headers"  # headers, or body (the body rows)


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
        ("go_header_mutation_batched", "go", "passthrough+header_mutation_batched"),
        ("cpp_header_mutation", "cpp", "passthrough+header_mutation"),
        ("builtin_header_mutation", "builtin", "header_mutation"),
        ("lua_header_mutation", "lua", "header_mutation"),
        ("wasm_header_mutation", "wasm", "header_mutation"),
        ("ext_proc_header_mutation", "ext_proc", "header_mutation"),
        # A guard alone, and the same guard with its sentinel (docs/SECURITY.md):
        # the difference is the price of the sentinel.
        ("rust_header_auth", "rust", "header_auth"),
        ("rust_header_auth_sentinel", "rust", "header_auth+sentinel"),
    ]
]


def load_lab() -> dict:
    return yaml.safe_load((ROOT / "envoy.yaml").read_text())


def _lab_body_ports() -> dict[str, int]:
    """envoy.yaml's body_rewrite listeners: {language: port}. A language whose
    body_rewrite has not landed has no listener there and no body row."""
    found = {}
    for listener in load_lab()["static_resources"]["listeners"]:
        lang, _, rest = listener["name"].partition("_")
        if rest == "body_rewrite" and lang in ("rust", "go", "cpp"):
            found[lang] = listener["address"]["socket_address"]["port_value"]
    return found


BODY_PORTS = {**_lab_body_ports(), "lua": ports.BENCH_LUA_BODY}
BODY_MISSING = [lang for lang in ("rust", "go", "cpp") if lang not in BODY_PORTS]

LISTENERS = [
    Listener(f"{name}{'' if route == 'upstream' else '_direct'}", lang, filters, route, port)
    for name, lang, filters, up, direct in VARIANTS
    for route, port in (("upstream", up), ("direct", direct))
] + [
    Listener(
        f"{lang}_body_rewrite_{size}",
        lang,
        "body_rewrite" if lang == "lua" else "passthrough+body_rewrite",
        "upstream",
        port,
        path=body_path(size),
        rate=BODY_RATE[size],
        kind="body",
    )
    for size in BODY_SIZES
    for lang, port in BODY_PORTS.items()
]


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


def lua_body_rewrite(lab: dict) -> dict:
    """The body rows' anchor: Lua doing the modules' response replace (Hello ->
    Howdy) on the whole buffered body. It buffers where the modules stream."""
    config = json.loads(lab_body_rewrite(lab))
    lines = []
    for old, new in config["response"]:
        lines.append(f"  text = string.gsub(text, {lua_pattern(old)}, {lua_string(new.replace('%', '%%'))})")
    code = (
        "function envoy_on_response(handle)\n"
        "  local body = handle:body()\n"
        "  if body == nil then return end\n"
        "  local text = body:getBytes(0, body:length())\n" + "\n".join(lines) + "\n  body:setBytes(text)\nend\n"
    )
    return {
        "name": "envoy.filters.http.lua",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
            "default_source_code": {"inline_string": code},
        },
    }


def lua_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " -_[]" else f"\\{ord(c):03d}" for c in text) + '"'


def lua_pattern(text: str) -> str:
    """A Lua pattern matching `text` literally (every non-alphanumeric escaped)."""
    return '"' + "".join(c if c.isalnum() else f"%\\{ord(c):03d}" for c in text) + '"'


def lab_body_rewrite(lab: dict) -> str:
    """The body_rewrite config 1074-1076 share (the &body_rewrite anchor), as JSON text."""
    for listener in lab["static_resources"]["listeners"]:
        if listener["name"] == "rust_body_rewrite":
            hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
            for f in hcm["http_filters"]:
                if f["typed_config"].get("filter_name") == "body_rewrite":
                    return f["typed_config"]["filter_config"]["value"]
    raise KeyError("envoy.yaml has no Rust body_rewrite on the 'rust_body_rewrite' listener")


WASM_FILE = ROOT / "build" / "wasm_header_mutation.wasm"
EXT_PROC_BIN = ROOT / "build" / "bin" / "ext_proc"
EXT_PROC_CLUSTER = "bench_ext_proc"


def wasm_header_mutation(config: dict) -> dict:
    """The proxy-wasm contender (bench/contenders/wasm) on Envoy's V8."""
    return {
        "name": "envoy.filters.http.wasm",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
            "config": {
                "name": "wasm_header_mutation",
                "vm_config": {
                    "runtime": "envoy.wasm.runtime.v8",
                    "code": {"local": {"filename": str(WASM_FILE)}},
                },
                "configuration": {
                    "@type": "type.googleapis.com/google.protobuf.StringValue",
                    "value": json.dumps(config),
                },
            },
        },
    }


def ext_proc_header_mutation() -> dict:
    """Envoy's ext_proc filter to the bench's processor (bench/contenders/ext_proc):
    headers both ways, no bodies, no trailers, the three attributes sent along."""
    return {
        "name": "envoy.filters.http.ext_proc",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
            "grpc_service": {"envoy_grpc": {"cluster_name": EXT_PROC_CLUSTER}, "timeout": "5s"},
            # The default 200 ms per message is less than a round trip under callgrind.
            "message_timeout": "5s",
            "processing_mode": {
                "request_header_mode": "SEND",
                "response_header_mode": "SEND",
                "request_body_mode": "NONE",
                "response_body_mode": "NONE",
                "request_trailer_mode": "SKIP",
                "response_trailer_mode": "SKIP",
            },
            "response_attributes": ["source.address", "upstream.address", "response.code"],
        },
    }


def ext_proc_cluster() -> dict:
    return {
        "name": EXT_PROC_CLUSTER,
        "type": "STATIC",
        "connect_timeout": "1s",
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        },
        "load_assignment": {
            "cluster_name": EXT_PROC_CLUSTER,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {"address": "127.0.0.1", "port_value": ports.BENCH_EXT_PROC}
                                }
                            }
                        }
                    ]
                }
            ],
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


# Every bench request carries x-request-replace: header_auth on its presence
# lets each one through (and marks it).
BENCH_GUARD = {"header": "x-request-replace", "mode": "presence"}


def lab_sentinel(lab: dict) -> dict:
    """The RBAC sentinel behind 1069's header_auth in envoy.yaml, as it is."""
    for listener in lab["static_resources"]["listeners"]:
        if listener["name"] == "rust_header_auth":
            hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
            for f in hcm["http_filters"]:
                if f["name"] == "lab.guard_sentinel":
                    return f
    raise KeyError("envoy.yaml has no lab.guard_sentinel on the 'rust_header_auth' listener")


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
        "go_header_mutation_batched": by_name["go_batched"],
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
        "wasm_header_mutation": [wasm_header_mutation(hm)],
        "ext_proc_header_mutation": [ext_proc_header_mutation()],
        "rust_header_auth": [module_filter("rust", "header_auth", BENCH_GUARD)],
        "rust_header_auth_sentinel": [module_filter("rust", "header_auth", BENCH_GUARD), lab_sentinel(lab)],
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

    # The body rows: envoy.yaml's body_rewrite listeners as they are, and the Lua anchor.
    for lang in BODY_PORTS:
        if lang == "lua":
            body = copy.deepcopy(template)
            body["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"] = [lua_body_rewrite(lab), router]
            # Lua buffers the whole body (the modules stream): room for 1 MiB.
            body["per_connection_buffer_limit_bytes"] = 16 * 1024 * 1024
        else:
            body = copy.deepcopy(by_name[f"{lang}_body_rewrite"])
        body["name"] = f"{lang}_body_rewrite"
        body["address"]["socket_address"].update(address="127.0.0.1", port_value=BODY_PORTS[lang])
        body_hcm = body["filter_chains"][0]["filters"][0]["typed_config"]
        body_hcm["stat_prefix"] = f"{lang}_body_rewrite"
        # No route timeout on the body rows: under callgrind a 1 MiB response
        # through a module can outlast Envoy's default 15 s, and Envoy then
        # resets a response already under way (the client sees it cut short).
        body_hcm["route_config"] = copy.deepcopy(body_hcm["route_config"])
        for vhost in body_hcm["route_config"]["virtual_hosts"]:
            for route in vhost["routes"]:
                if "route" in route:
                    route["route"]["timeout"] = "0s"
        listeners.append(body)

    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        # As rare a stats flush as Envoy allows (under 5 min): a flush adds
        # main-thread work at a random moment to the instruction counts.
        "stats_flush_interval": "299s",
        "static_resources": {
            "listeners": listeners,
            "clusters": [*lab["static_resources"]["clusters"][:1], ext_proc_cluster()],
        },
    }


# Pinning for the CPU phase: Envoy (one worker) alone on the last core, the
# load generator and the ext_proc server on core 0, so the client's work never
# lands in Envoy's CPU time and Envoy is not migrated mid-round. Recorded in
# results.json; off on a one-core machine or without taskset.
PIN = {"envoy": "1", "client": "0"} if (os.cpu_count() or 1) >= 2 and shutil.which("taskset") else {}


def pin(role: str) -> list[str]:
    return ["taskset", "-c", PIN[role]] if role in PIN else []


def start_ext_proc(out: Path, hm_config: dict, name: str) -> processes.Process:
    """The ext_proc contender's gRPC server, on its own port (ports.py), pinned
    with the load generator when pinning is on (see PIN)."""
    config = out / "ext_proc-config.json"
    config.write_text(json.dumps(hm_config))
    argv = [str(EXT_PROC_BIN), "-listen", f"127.0.0.1:{ports.BENCH_EXT_PROC}", "-config", str(config)]
    proc = processes.spawn(name, [*pin("client"), *argv], out / f"{name}.log")
    processes.wait_until(lambda: port_open(ports.BENCH_EXT_PROC), 10, "ext_proc server", proc.proc)
    return proc


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
