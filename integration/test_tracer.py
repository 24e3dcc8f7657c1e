"""tr_w3c_json, the tracer (librust_module.so), through the lab's envoy.yaml
with 4 workers on 1156: the connection manager traces every request, the
router starts a child span per upstream call. The echo upstream reflects the
headers it got, so each test sees the traceparent that left Envoy; the span
file (access_logs/tr_w3c_json_0.log under the lab's working directory) holds
one JSON line per sampled span. Clients: HTTP/1.1 (Python, a thread pool on
keep-alive connections) and HTTP/2 (h2client). A second Envoy built here
checks the sampling ratio and the size cap; bad configs: `envoy --mode
validate`, one line each.

Timings here: about 4 s for the whole file."""

from __future__ import annotations

import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import h2client
import kinds
import ports
from client import request, upstream_view
from harness import processes

PORT = 1156
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$")


@pytest.fixture(scope="module")
def spans_file(envoy, logs_dir) -> Path:
    return logs_dir / "envoy-test_tracer" / "access_logs" / "tr_w3c_json_0.log"


def spans(path: Path, trace_id: str, n: int, timeout: float = 5) -> list[dict]:
    """The span lines of `trace_id`, once there are `n` of them."""
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        found = [s for s in map(json.loads, lines) if s["trace_id"] == trace_id]
        if len(found) >= n or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def sent_traceparent(headers: dict) -> tuple[str, str, bool]:
    (value,) = headers["traceparent"]
    m = TRACEPARENT.match(value)
    assert m, value
    return m[1], m[2], m[3] == "1"


def h2_upstream_headers(port: int, headers: list[tuple[str, str]]) -> dict:
    resp = h2client.request(port, "/headers", method="GET", headers=headers)
    assert resp.status == 200
    return json.loads(resp.body)["headers"]


def trace_id(i: int) -> str:
    return f"{i + 1:032x}"


def check_parent_and_child(found: list[dict], parent: str, child_seen_upstream: str, protocol: str):
    by_kind = {s["kind"]: s for s in found}
    assert sorted(by_kind) == ["client", "server"], found
    server, client = by_kind["server"], by_kind["client"]
    assert server["parent_span_id"] == parent
    assert client["parent_span_id"] == server["span_id"]
    assert client["span_id"] == child_seen_upstream != server["span_id"]
    assert (server["tags"]["http.method"], server["tags"]["http.status_code"]) == ("GET", "200")
    assert server["tags"]["http.protocol"] == protocol
    assert (client["tags"]["upstream_cluster"], client["tags"]["http.status_code"]) == ("echo", "200")
    assert server["start_ns"] <= client["start_ns"] <= client["end_ns"] <= server["end_ns"]


@pytest.mark.parametrize("protocol", ["HTTP/1.1", "HTTP/2"])
def test_the_upstream_sees_a_child_of_the_incoming_trace_and_both_spans_are_written(spans_file, protocol):
    trace = f"{TRACE[:-2]}{'11' if protocol == 'HTTP/1.1' else '22'}"
    headers = [("traceparent", f"00-{trace}-{PARENT}-01"), ("tracestate", "vendor=abc,other=1")]
    if protocol == "HTTP/2":
        seen = h2_upstream_headers(PORT, headers)
    else:
        seen = upstream_view(request(PORT, "/headers", headers=headers))["headers"]
    got_trace, child, sampled = sent_traceparent(seen)
    assert (got_trace, sampled) == (trace, True)
    assert child != PARENT
    assert seen["tracestate"] == ["vendor=abc,other=1"]
    found = spans(spans_file, trace, 2)
    check_parent_and_child(found, PARENT, child, protocol)
    assert all(s["tracestate"] == "vendor=abc,other=1" for s in found)


def test_four_workers_keep_every_trace_apart(spans_file):
    # 200 requests on 8 keep-alive connections: each trace's two spans, and
    # only its own, with the ids its upstream saw.
    def one(worker: int) -> list[tuple[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        out = []
        for i in range(worker, 200, 8):
            conn.request("GET", "/headers", headers={"traceparent": f"00-{trace_id(i)}-{PARENT}-01"})
            seen = json.loads(conn.getresponse().read())["headers"]
            got_trace, child, _ = sent_traceparent(seen)
            assert got_trace == trace_id(i)
            out.append((got_trace, child))
        conn.close()
        return out

    with ThreadPoolExecutor(8) as pool:
        sent = [pair for chunk in pool.map(one, range(8)) for pair in chunk]
    assert len(sent) == 200
    spans(spans_file, trace_id(199), 2)
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in spans_file.read_text().splitlines()]
        by_trace: dict[str, list[dict]] = {}
        for s in lines:
            by_trace.setdefault(s["trace_id"], []).append(s)
        if all(len(by_trace.get(t, [])) == 2 for t, _ in sent) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for t, child in sent:
        check_parent_and_child(by_trace[t], PARENT, child, "HTTP/1.1")


def test_an_unsampled_request_is_propagated_and_leaves_no_span(spans_file):
    unsampled = f"{TRACE[:-2]}33"
    for send in (
        lambda h: upstream_view(request(PORT, "/headers", headers=h))["headers"],
        lambda h: h2_upstream_headers(PORT, h),
    ):
        seen = send([("traceparent", f"00-{unsampled}-{PARENT}-00")])
        got_trace, child, sampled = sent_traceparent(seen)
        assert (got_trace, sampled) == (unsampled, False) and child != PARENT
    # A sampled request sent after them is written; by then they would be too.
    marker = f"{TRACE[:-2]}34"
    request(PORT, "/headers", headers=[("traceparent", f"00-{marker}-{PARENT}-01")])
    assert len(spans(spans_file, marker, 2)) == 2
    assert spans(spans_file, unsampled, 1, timeout=0) == []


MALFORMED = [
    f"00-{TRACE.upper()}-{PARENT}-01",  # upper case
    f"00-{'0' * 32}-{PARENT}-01",  # all-zero trace id
    f"00-{TRACE}-{'0' * 16}-01",  # all-zero parent id
    f"ff-{TRACE}-{PARENT}-01",  # version ff
    f"00-{TRACE}-{PARENT}-01-extra",  # version 00 is exactly 55 bytes
    f"00-{TRACE}-{PARENT}",  # no flags
    "garbage",
]


@pytest.mark.parametrize("value", MALFORMED)
def test_a_malformed_traceparent_starts_a_new_trace(spans_file, value):
    seen = upstream_view(request(PORT, "/headers", headers=[("traceparent", value), ("tracestate", "a=1")]))["headers"]
    got_trace, child, sampled = sent_traceparent(seen)
    assert got_trace != TRACE and sampled  # the lab samples every new trace
    assert "tracestate" not in seen  # a new trace has no tracestate
    found = spans(spans_file, got_trace, 2)
    server = next(s for s in found if s["kind"] == "server")
    assert server["parent_span_id"] is None
    assert server["tags"]["w3c.malformed_traceparent"] == "true"


# ------------------------------------------------- ratio and cap, Envoy built here


def test_sample_ratio_zero_writes_nothing_new_and_the_cap_drops_the_rest(upstream, logs_dir, tmp_path):
    unsampled_dir, capped_dir = tmp_path / "ratio0", tmp_path / "capped"
    unsampled_dir.mkdir()
    capped_dir.mkdir()
    listeners = [
        kinds.tracer_listener(
            ports.TRACER_TEST_LISTENERS["unsampled"],
            "tr_w3c_json",
            raw=json.dumps({"dirname": str(unsampled_dir), "max_bytes": 1 << 20, "sample_ratio": 0}),
        ),
        kinds.tracer_listener(
            ports.TRACER_TEST_LISTENERS["capped"],
            "tr_w3c_json",
            raw=json.dumps({"dirname": str(capped_dir), "max_bytes": 3000}),
        ),
    ]
    path = tmp_path / "tracer.json"
    path.write_text(json.dumps(kinds.bootstrap(listeners, ports.TRACER_TEST_ADMIN)))
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ports.TRACER_TEST_ADMIN,
        base_id=ports.BASE_ID["tracer"],
        name="envoy-tracer",
    )
    try:
        port = ports.TRACER_TEST_LISTENERS["unsampled"]
        for _ in range(20):
            seen = upstream_view(request(port, "/headers"))["headers"]
            assert sent_traceparent(seen)[2] is False
        # An incoming sampled flag still wins over the ratio.
        request(port, "/headers", headers=[("traceparent", f"00-{TRACE}-{PARENT}-01")])
        assert len(spans(unsampled_dir / "tr_w3c_json_0.log", TRACE, 2)) == 2
        assert len((unsampled_dir / "tr_w3c_json_0.log").read_text().splitlines()) == 2
        port = ports.TRACER_TEST_LISTENERS["capped"]
        for _ in range(20):
            assert request(port, "/headers").status == 200
        stats = {}
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            stats = kinds.stats("spans_", ports.TRACER_TEST_ADMIN)
            if sum(v for k, v in stats.items() if k.endswith("spans_dropped")) > 0:
                break
            time.sleep(0.1)
        capped = capped_dir / "tr_w3c_json_0.log"
        assert 0 < capped.stat().st_size <= 3000
        written = sum(v for k, v in stats.items() if k.endswith("spans_written"))
        dropped = sum(v for k, v in stats.items() if k.endswith("spans_dropped"))
        assert dropped > 0 and written + dropped >= 42, stats
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


BAD = [
    ("max_bytes_zero", '{"dirname": "access_logs", "max_bytes": 0}', "max_bytes must be 1 to"),
    (
        "ratio_over_one",
        '{"dirname": "access_logs", "max_bytes": 10, "sample_ratio": 1.5}',
        "sample_ratio must be 0 to 1",
    ),
    ("unknown_field", '{"dirname": "access_logs", "max_bytes": 10, "ratio": 1}', "unknown field `ratio`"),
    ("no_dirname", '{"max_bytes": 10}', "missing field `dirname`"),
    ("not_json", "dirname=x", "expected a JSON object"),
    ("no_such_dir", '{"dirname": "no/such/dir", "max_bytes": 10}', "cannot open no/such/dir/tr_w3c_json_0.log"),
    ("unknown_tracer", "{}", "unknown filter name; this module has: tr_w3c_json"),
]


@pytest.mark.parametrize("case,raw,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_tracer_config_is_refused_with_one_line(tmp_path, case, raw, expected):
    name = "no_such_tracer" if case == "unknown_tracer" else "tr_w3c_json"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.tracer_bootstrap(name, raw=raw)))
    code, out = processes.validate(path, cwd=tmp_path)
    lines = [line for line in out.splitlines() if f"rust_module: tracer '{name}'" in line and "[error]" in line]
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
