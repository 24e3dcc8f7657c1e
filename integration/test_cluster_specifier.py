"""cs_canary_split, the cluster specifier (librust_module.so), through the lab's
envoy.yaml with 4 workers: 1101's route sends each request to named_alpha (90%)
or named_beta (10%), single-host clusters of the echo upstreams that answer
their own names; x-cluster names a listed cluster instead; any other name, or
a listed cluster Envoy does not have (named_retired), is answered 404 as the
config says. Clients: HTTP/1.1 (hey, Python) and HTTP/2 (h2client). Bad
configs: `envoy --mode validate`, one line each.

Timings here: the 10,000-request run about 3 s, the whole file about 8 s."""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest

import h2client
import kinds
import ports
from client import request
from harness import servers

PORT = 1101
# Over 10,000 requests the 10% share's standard deviation is 0.3 points: 2
# points (the tolerance) is over 6 of them.
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def lab(logs_dir, envoy):
    started = servers.start_named_upstreams(logs_dir, ports.NAMED_UPSTREAMS)
    yield envoy
    for proc in started.values():
        proc.stop()


def upstream_requests() -> Counter:
    """Requests each named_* cluster sent upstream."""
    found = kinds.stats(".upstream_rq_total")
    return Counter(
        {
            name.split(".")[1]: value
            for name, value in found.items()
            if name.startswith("cluster.named_") and name.endswith(".upstream_rq_total")
        }
    )


def test_the_split_is_90_10_over_10000_requests(lab):
    before = upstream_requests()
    done = subprocess.run(
        ["hey", "-n", "10000", "-c", "8", f"http://127.0.0.1:{PORT}/"], capture_output=True, text=True, timeout=120
    )
    assert "[200]\t10000 responses" in done.stdout, done.stdout[-2000:]
    counts = upstream_requests() - before
    assert set(counts) == {"named_alpha", "named_beta"}, counts
    assert sum(counts.values()) == 10000, counts
    assert abs(counts["named_beta"] / 10000 - 0.10) <= TOLERANCE, counts


def test_the_split_holds_over_http2(lab):
    conn = h2client.H2Connection(PORT)
    try:
        bodies = Counter(conn.request("GET", "/", {}, None)[2] for _ in range(1000))
    finally:
        conn.close()
    assert set(bodies) == {b"alpha\n", b"beta\n"}, bodies
    # 1,000 requests: the 10% share's deviation is 0.95 points; 4 points is over 4.
    assert abs(bodies[b"beta\n"] / 1000 - 0.10) <= 0.04, bodies


@pytest.mark.parametrize("cluster,body", [("named_gamma", b"gamma\n"), ("named_beta", b"beta\n")])
def test_the_header_overrides_the_split(lab, cluster, body):
    for _ in range(20):
        resp = request(PORT, headers=[("x-cluster", cluster)])
        assert (resp.status, resp.body) == (200, body)
    conn = h2client.H2Connection(PORT)
    try:
        for _ in range(20):
            status, _, got = conn.request("GET", "/", {"x-cluster": cluster}, None)
            assert (status, got) == (200, body)
    finally:
        conn.close()


@pytest.mark.parametrize("value", ["prod", "named_retired", "echo", ""])
def test_an_unknown_cluster_is_answered_as_the_config_says(lab, value):
    # "echo" exists in Envoy but is not listed: the header cannot reach it.
    before = upstream_requests()
    resp = request(PORT, headers=[("x-cluster", value)])
    assert resp.status == 404, (resp.status, resp.body)
    assert upstream_requests() == before


# ----------------------------------------------------------------- bad configs

BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_object", {"raw": "[]"}, "expected a JSON object"),
    ("no_clusters", {"config": {"header": "x-cluster"}}, "missing field `clusters`"),
    ("empty", {"config": {"clusters": {}}}, "clusters: 1 to 64 clusters, got 0"),
    ("sum_110", {"config": {"clusters": {"a": 90, "b": 20}}}, "the percentages sum to 110, not 100"),
    ("sum_99", {"config": {"clusters": {"a": 90, "b": 9}}}, "the percentages sum to 99, not 100"),
    ("negative", {"config": {"clusters": {"a": -1}}}, "invalid value"),
    ("empty_name", {"config": {"clusters": {"": 100}}}, "a cluster name is empty"),
    ("status_99", {"config": {"clusters": {"a": 100}, "unknown_status": 99}}, "unknown_status must be 200 to 599"),
    (
        "bad_header",
        {"config": {"clusters": {"a": 100}, "header": "a b"}},
        'header name "a b" is not a valid HTTP token',
    ),
    ("unknown_field", {"config": {"clusters": {"a": 100}, "split": 1}}, "unknown field `split`"),
    ("unknown_specifier", {"config": {}}, "unknown filter name; this module has: cs_canary_split"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_cluster_specifier_config_is_refused_with_one_line(tmp_path, case, kwargs, expected):
    name = "no_such_specifier" if case == "unknown_specifier" else "cs_canary_split"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.cluster_specifier_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "cluster specifier", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
