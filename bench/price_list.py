"""The price list of the ABI: what one call of each common callback costs, in
Rust, Go and C++, beside Lua's cost for the same operation where Lua has it.

Each language's bench-only filter `callback_price` (rust/filters/src/http/
callback_price.rs, go/callback_price.go, cpp/filters/callback_price.cc) makes
the call named by its config `{"op": ..., "calls": N}` N times per request.
Every (language, op) gets two listeners, N and 2N calls, on a direct-response
route; the Lua anchor is a Lua filter doing the same N and 2N times. Under
callgrind, price per call = (I(2N) - I(N)) / N, I being instructions per
request: everything else the request costs (Envoy, the module's per-stream
work, the filter's own constant work) is the same in both and cancels.

This file builds the Envoy config and computes the prices; bench/run.py
measures (`--price-list` runs this phase alone), bench/report.py writes the
table.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import ports

# The operations, in the report's order: the config's `op` values, the same
# in the three languages.
OPS = [
    "header_get",
    "header_set",
    "header_add",
    "header_remove",
    "attribute_string",
    "attribute_int",
    "metadata_set",
    "metadata_get",
    "filter_state_set",
    "filter_state_get",
    "body_read",
    "body_append",
    "counter_increment",
    "log_disabled",
]
MODULE_LANGUAGES = ["rust", "go", "cpp"]
LANGUAGES = [*MODULE_LANGUAGES, "lua"]
# What each op calls, for the report.
DOES = {
    "header_get": "get a request header (present)",
    "header_set": "set a request header (replace)",
    "header_add": "add one more value of a request header",
    "header_remove": "remove a request header (present the first time)",
    "attribute_string": "read source.address (string attribute)",
    "attribute_int": "read source.port (integer attribute)",
    "metadata_set": "set a dynamic metadata string",
    "metadata_get": "get a dynamic metadata string",
    "filter_state_set": "set filter state bytes (a new key each call)",
    "filter_state_get": "get filter state bytes",
    "body_read": "read the response body's chunks",
    "body_append": "append one byte to the response body",
    "counter_increment": "increment a counter defined at config time",
    "log_disabled": "log at trace, a disabled level",
}

# The filter's constants (callback_price.rs has the same).
READ_HEADER = "x-request-replace"
WRITE_HEADER = "x-callback-price"
HITS_HEADER = "x-callback-price-hits"
METADATA_NS, METADATA_KEY = "callback_price", "key"
BODY_HITS = "callback_price hits="

# The Lua anchor: a statement per op, run N times in a loop, with what it
# needs made once before the loop (h: the headers, md: the dynamic metadata,
# body: the buffered response body). Lua 1.40 has no call for the ops missing
# here (attributes by id, filter-state set, appending to a body, counters).
LUA_OPS = {
    "header_get": ("request", f'if h:get("{READ_HEADER}") ~= nil then hits = hits + 1 end'),
    "header_set": ("request", f'h:replace("{WRITE_HEADER}", "1") hits = hits + 1'),
    "header_add": ("request", f'h:add("{WRITE_HEADER}", "1") hits = hits + 1'),
    "header_remove": ("request", f'h:remove("{READ_HEADER}") hits = hits + 1'),
    "metadata_set": ("request", f'md:set("{METADATA_NS}", "{METADATA_KEY}", "1") hits = hits + 1'),
    "metadata_get": (
        "request",
        f'if md:get("{METADATA_NS}")["{METADATA_KEY}"] ~= nil then hits = hits + 1 end',
    ),
    "body_read": ("response", "if body:getBytes(0, body:length()) ~= nil then hits = hits + 1 end"),
    "log_disabled": ("request", 'handle:logTrace("callback_price") hits = hits + 1'),
}

# N, the smaller of the two call counts (the other is 2N). The price is read
# from the difference of two windows whose other work differs by a few hundred
# instructions per request between rounds: 100 calls make that a few
# instructions per call; more calls would slow every request under callgrind.
CALLS = 100


@dataclass(frozen=True)
class PriceListener:
    name: str  # e.g. "price_rust_header_get_50"
    language: str
    op: str
    calls: int
    port: int


def listeners(calls: int = CALLS, languages: list[str] | None = None) -> list[PriceListener]:
    """Every (language, op) pair at N and 2N calls, on ports.BENCH_PRICE in
    order (a language left out keeps its ports unused)."""
    pairs = [(lang, op) for lang in MODULE_LANGUAGES for op in OPS] + [("lua", op) for op in LUA_OPS]
    out = []
    port = iter(ports.BENCH_PRICE)
    for lang, op in pairs:
        for n in (calls, 2 * calls):
            listener = PriceListener(f"price_{lang}_{op}_{n}", lang, op, n, next(port))
            if languages is None or lang in languages:
                out.append(listener)
    return out


def lua_filter(op: str, calls: int) -> dict:
    phase, statement = LUA_OPS[op]
    if phase == "request":
        # The hits cross to the response in the stream's dynamic metadata (a
        # Lua global would be the worker's, not the stream's): once per request,
        # so it cancels in the difference.
        prepare = f'md:set("{METADATA_NS}", "{METADATA_KEY}", "1")' if op == "metadata_get" else ""
        code = f"""
function envoy_on_request(handle)
  local h = handle:headers()
  local md = handle:streamInfo():dynamicMetadata()
  {prepare}
  local hits = 0
  for i = 1, {calls} do
    {statement}
  end
  md:set("callback_price_hits", "n", tostring(hits))
end

function envoy_on_response(handle)
  local hits = handle:streamInfo():dynamicMetadata():get("callback_price_hits")["n"]
  handle:headers():replace("{HITS_HEADER}", hits)
end
"""
    else:
        code = f"""
function envoy_on_response(handle)
  local body = handle:body()
  local hits = 0
  for i = 1, {calls} do
    {statement}
  end
  handle:headers():replace("{HITS_HEADER}", tostring(hits))
end
"""
    return {
        "name": "envoy.filters.http.lua",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
            "default_source_code": {"inline_string": code},
        },
    }


def module_filter(language: str, op: str, calls: int) -> dict:
    return {
        "name": f"{language}_callback_price",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter",
            "dynamic_module_config": {"name": f"{language}_module"},
            "filter_name": "callback_price",
            "filter_config": {
                "@type": "type.googleapis.com/google.protobuf.Struct",
                "value": {"op": op, "calls": calls},
            },
        },
    }


DIRECT_BODY = "Hello from echo server\n"


def listener_config(l: PriceListener) -> dict:
    http_filter = lua_filter(l.op, l.calls) if l.language == "lua" else module_filter(l.language, l.op, l.calls)
    return {
        "name": l.name,
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": l.port}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network."
                            "http_connection_manager.v3.HttpConnectionManager",
                            "stat_prefix": l.name,
                            "route_config": {
                                "name": "direct",
                                "virtual_hosts": [
                                    {
                                        "name": "direct",
                                        "domains": ["*"],
                                        "routes": [
                                            {
                                                "match": {"prefix": "/"},
                                                "direct_response": {
                                                    "status": 200,
                                                    "body": {"inline_string": DIRECT_BODY},
                                                },
                                            }
                                        ],
                                    }
                                ],
                            },
                            "http_filters": [
                                http_filter,
                                {
                                    "name": "envoy.filters.http.router",
                                    "typed_config": {
                                        "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
                                    },
                                },
                            ],
                        },
                    }
                ]
            }
        ],
    }


def build(admin_port: int, calls: int = CALLS, languages: list[str] | None = None) -> dict:
    """The price list's own Envoy: one listener per (language, op, N or 2N)."""
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        "stats_flush_interval": "299s",  # as bench_config.py: no flush inside a measured window
        "static_resources": {"listeners": [listener_config(l) for l in listeners(calls, languages)]},
    }


def hits_of(status: int, headers: dict[str, str], body: bytes) -> int | None:
    """How many of its calls a price listener's filter reported as done: the
    response header, or (the modules' body ops) the line ending the body."""
    if status != 200:
        return None
    if HITS_HEADER in headers:
        return int(headers[HITS_HEADER])
    text = body.decode(errors="replace")
    if BODY_HITS in text:
        return int(text.rsplit(BODY_HITS, 1)[1].strip())
    return None


def expected_hits(l: PriceListener) -> int:
    """Every call succeeds: a header present, a value found, a byte appended,
    a disabled level reported disabled."""
    return l.calls


def prices(measured: dict[str, list[float]], calls: int = CALLS) -> dict[str, dict[str, dict]]:
    """{op: {language: {"price": median, "per_round": [...], "spread_pct": ...}}}
    from the per-round instructions per request of each listener: a round's
    price is that round's (I(2N) - I(N)) / N."""
    table: dict[str, dict[str, dict]] = {}
    for l in listeners(calls):
        if l.calls != calls or l.name not in measured:
            continue
        twice = measured[f"price_{l.language}_{l.op}_{2 * calls}"]
        once = measured[l.name]
        per_round = [(b - a) / calls for a, b in zip(once, twice, strict=True)]
        med = statistics.median(per_round)
        spread = (max(per_round) - min(per_round)) / abs(med) * 100 if med else 0.0
        table.setdefault(l.op, {})[l.language] = {
            "price": med,
            "per_round": per_round,
            "spread_pct": spread,
            "once": statistics.median(once),
            "twice": statistics.median(twice),
        }
    return table
