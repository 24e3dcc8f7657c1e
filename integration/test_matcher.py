"""mt_cidr_set, the input matcher (librust_module.so), through the lab's
envoy.yaml with 4 workers: 1145's virtual host routes by a matching tree whose
one predicate is the module's; a request whose x-forwarded-for last hop lies in
10.0.0.0/8, 192.168.0.0/16 or fd00::/8 reaches named_alpha (x-lab-route:
internal), any other named_beta (public), the tree's on_no_match. An entry
that is not an address is an error: on the default host on_error is NO_MATCH
(public), on lenient.lab it is MATCH (internal). Clients: HTTP/1.1 (Python,
a thread pool on keep-alive connections) and HTTP/2 (h2client). Bad configs:
`envoy --mode validate`, one line each.

Timings here: the 2,000 mixed requests about 1 s, the whole file about 6 s."""

from __future__ import annotations

import http.client
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
import ports
from harness import servers

PORT = 1145
ALPHA, BETA = b"alpha\n", b"beta\n"

# (x-forwarded-for or None, Host or None) -> (route, body).
CASES = [
    (None, None, "public", BETA),
    ("10.0.0.7", None, "internal", ALPHA),
    ("203.0.113.5, 10.0.0.7", None, "internal", ALPHA),
    # The last hop decides: a client cannot claim 10/8 in front of a real one.
    ("10.0.0.7, 203.0.113.5", None, "public", BETA),
    ("192.168.44.1:8080", None, "internal", ALPHA),
    ("[fd00::1]:443", None, "internal", ALPHA),
    ("fe80::1", None, "public", BETA),
    ("::ffff:10.1.1.1", None, "internal", ALPHA),
    # An entry that is no address: on_error NO_MATCH on the default host...
    ("not-an-ip", None, "public", BETA),
    # ...and MATCH on lenient.lab, which otherwise matches like the default.
    ("not-an-ip", "lenient.lab", "internal", ALPHA),
    ("203.0.113.5", "lenient.lab", "public", BETA),
    ("10.2.3.4", "lenient.lab", "internal", ALPHA),
]


@pytest.fixture(scope="module")
def lab(logs_dir, envoy):
    started = servers.start_named_upstreams(logs_dir, ports.NAMED_UPSTREAMS)
    yield envoy
    for proc in started.values():
        proc.stop()


def http1(xff: str | None, host: str | None, conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        conn.putrequest("GET", "/", skip_host=True, skip_accept_encoding=True)
        conn.putheader("host", host or f"127.0.0.1:{PORT}")
        if xff is not None:
            conn.putheader("x-forwarded-for", xff)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.getheader("x-lab-route"), resp.read()
    finally:
        if own:
            conn.close()


def http2(xff: str | None, host: str | None):
    conn = h2client.H2Connection(PORT)
    if host:
        conn.authority = host
    try:
        status, headers, body = conn.request("GET", "/", {} if xff is None else {"x-forwarded-for": xff}, None)
    finally:
        conn.close()
    return status, dict(headers).get("x-lab-route"), body


@pytest.mark.parametrize("xff,host,route,body", CASES)
def test_the_cidr_set_routes_over_http1_and_http2(lab, xff, host, route, body):
    assert http1(xff, host) == (200, route, body)
    assert http2(xff, host) == (200, route, body)


def test_2000_mixed_requests_on_4_workers_each_take_their_route(lab):
    # 8 keep-alive connections, spread over Envoy's 4 workers, 250 requests each.
    cases = [(xff, host, route) for xff, host, route, _ in CASES]

    def run(worker: int) -> Counter:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        seen: Counter = Counter()
        try:
            for i in range(250):
                xff, host, route = cases[(worker + i) % len(cases)]
                status, got, _ = http1(xff, host, conn)
                seen["ok" if (status, got) == (200, route) else f"{xff} {host}: {status} {got}"] += 1
        finally:
            conn.close()
        return seen

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(run, range(8)), Counter())
    assert total == Counter({"ok": 2000}), total


# ----------------------------------------------------------------- bad configs

BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_object", {"raw": "[]"}, "expected a JSON object"),
    ("no_cidrs", {"config": {"hop": "last"}}, "missing field `cidrs`"),
    ("empty", {"config": {"cidrs": []}}, "cidrs: 1 to 100000 blocks, got 0"),
    ("host_bits", {"config": {"cidrs": ["10.0.0.1/8"]}}, 'cidrs[0]: "10.0.0.1/8" has host bits set'),
    ("not_cidr", {"config": {"cidrs": ["10.0.0.0/8", "ten"]}}, 'cidrs[1]: "ten" is not an IP address'),
    ("bad_hop", {"config": {"cidrs": ["10.0.0.0/8"], "hop": "middle"}}, "unknown variant `middle`"),
    ("bad_header", {"config": {"cidrs": ["10.0.0.0/8"], "header": "a b"}}, "is not a valid HTTP token"),
    ("unknown_field", {"config": {"cidrs": ["10.0.0.0/8"], "cidr": "x"}}, "unknown field `cidr`"),
    ("unknown_matcher", {"config": {}}, "unknown filter name; this module has: mt_cidr_set"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_matcher_config_is_refused_with_one_line(tmp_path, case, kwargs, expected):
    name = "no_such_matcher" if case == "unknown_matcher" else "mt_cidr_set"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.matcher_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "matcher", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
