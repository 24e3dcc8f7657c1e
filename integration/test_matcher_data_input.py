"""di_tenant, the matching data input (librust_module.so), through the lab's
envoy.yaml with 4 workers: 1146's virtual host routes by a matching tree whose
input is the module's value, the request's tenant (the path's /t/{tenant}/,
else x-tenant; lowercased), and an exact match map: acme to named_alpha,
globex to named_beta. Another tenant, an id that is not one, or none at all
is no match: the tree's on_no_match answers 404. Clients: HTTP/1.1 (Python,
a thread pool on keep-alive connections) and HTTP/2 (h2client). Bad configs:
`envoy --mode validate`, one line each.

Timings here: the 2,000 mixed requests about 1 s, the whole file about 4 s."""

from __future__ import annotations

import http.client
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
import ports
from client import request
from harness import servers

PORT = 1146
ALPHA, BETA, UNKNOWN = b"alpha\n", b"beta\n", b"unknown tenant\n"

# (path, headers) -> (status, x-lab-tenant, body).
CASES = [
    ("/t/acme/hello", {}, 200, "acme", ALPHA),
    ("/t/globex", {}, 200, "globex", BETA),
    ("/t/ACME/x?q=1", {}, 200, "acme", ALPHA),
    ("/hello", {"x-tenant": "GloBex"}, 200, "globex", BETA),
    # The path names the tenant: the header cannot move it.
    ("/t/acme/", {"x-tenant": "globex"}, 200, "acme", ALPHA),
    # No listed tenant, no id, or none: the tree's on_no_match.
    ("/t/initech/", {}, 404, None, UNKNOWN),
    ("/t/ac%6De/", {"x-tenant": "acme"}, 404, None, UNKNOWN),
    ("/hello", {"x-tenant": "acme.evil"}, 404, None, UNKNOWN),
    ("/hello", {}, 404, None, UNKNOWN),
]


@pytest.fixture(scope="module")
def lab(logs_dir, envoy):
    started = servers.start_named_upstreams(logs_dir, ports.NAMED_UPSTREAMS)
    yield envoy
    for proc in started.values():
        proc.stop()


@pytest.mark.parametrize("path,headers,status,tenant,body", CASES)
def test_each_tenant_takes_its_route_over_http1_and_http2(lab, path, headers, status, tenant, body):
    resp = request(PORT, path, headers=list(headers.items()))
    assert (resp.status, dict(resp.headers).get("x-lab-tenant"), resp.body) == (status, tenant, body)
    conn = h2client.H2Connection(PORT)
    try:
        got_status, got_headers, got = conn.request("GET", path, headers, None)
    finally:
        conn.close()
    assert (got_status, dict(got_headers).get("x-lab-tenant"), got) == (status, tenant, body)


def test_2000_mixed_requests_on_4_workers_each_reach_their_tenant(lab):
    # 8 keep-alive connections, spread over Envoy's 4 workers, 250 requests each.
    def run(worker: int) -> Counter:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        seen: Counter = Counter()
        try:
            for i in range(250):
                path, headers, status, _, body = CASES[(worker + i) % len(CASES)]
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                got = resp.read()
                seen["ok" if (resp.status, got) == (status, body) else f"{path} {resp.status} {got!r}"] += 1
        finally:
            conn.close()
        return seen

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(run, range(8)), Counter())
    assert total == Counter({"ok": 2000}), total


# ----------------------------------------------------------------- bad configs

BAD = [
    ("not_object", {"raw": "[]"}, "expected a JSON object"),
    ("bad_prefix", {"config": {"path_prefix": "t/"}}, "path_prefix \"t/\": must start and end with '/'"),
    ("both_off", {"config": {"path_prefix": "", "header": ""}}, "path_prefix and header are both off"),
    ("bad_header", {"config": {"header": "a b"}}, 'header name "a b" is not a valid HTTP token'),
    ("bad_max_len", {"raw": '{"max_len": 999}'}, "max_len: 1 to 253, got 999"),
    ("unknown_field", {"config": {"tenant": "x"}}, "unknown field `tenant`"),
    ("unknown_input", {"config": {}}, "unknown filter name; this module has: di_tenant"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_data_input_config_is_refused_with_one_line(tmp_path, case, kwargs, expected):
    name = "no_such_input" if case == "unknown_input" else "di_tenant"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.data_input_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "matcher data input", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
