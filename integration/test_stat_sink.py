"""stats_statsd (librust_module.so, the stats sink kind) through a real Envoy
1.40 with 4 workers, flushing every 0.5 s to statsd collectors this test
starts (Python UDP sockets): counters, gauges and histogram samples arrive as
statsd lines whose values equal what the admin /stats shows once traffic has
stopped (the sum of a counter's deltas is its value); the flush interval is
honoured; every datagram stays within its sink's bound, lines split across
datagrams and never cut; a collector Envoy cannot reach costs one log line
and nothing else. Bad configs are refused by `envoy --mode validate` with
one line."""

from __future__ import annotations

import collections
import json
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

import configs
import kinds
import ports
from harness import processes

LISTENER, ADMIN = ports.STAT_SINK_LISTENER, ports.STAT_SINK_ADMIN
COLLECTORS = ports.STATSD_COLLECTORS
SMALL = 200  # the "small" sink's max_datagram_bytes
FLUSH = 0.5


class Collector:
    """A statsd collector: every datagram received, with its arrival time."""

    def __init__(self, port: int):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.1)
        self.datagrams: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            try:
                data = self.sock.recv(65535)
            except TimeoutError:
                continue
            with self.lock:
                self.datagrams.append((time.monotonic(), data))

    def lines(self) -> list[str]:
        with self.lock:
            return [line for _, d in self.datagrams for line in d.decode().split("\n")]

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def sink_envoy(logs_dir, tmp_path_factory):
    collectors = {name: Collector(port) for name, port in COLLECTORS.items()}
    listener = configs.listener("sinkdemo", LISTENER, [])
    listener["filter_chains"][0]["filters"][0]["typed_config"]["stat_prefix"] = "sinkdemo"
    route = listener["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]
    route.pop("route", None)
    route["direct_response"] = {"status": 200, "body": {"inline_string": "ok"}}
    sinks = [
        kinds.stat_sink("stats_statsd", {"collector": f"127.0.0.1:{COLLECTORS['main']}", "prefix": "sinktest"}),
        kinds.stat_sink(
            "stats_statsd",
            raw=json.dumps({"collector": f"127.0.0.1:{COLLECTORS['small']}", "max_datagram_bytes": SMALL}),
        ),
        # The broadcast address, on a socket without SO_BROADCAST: every send
        # fails (EACCES) on any host, with a network or without one.
        kinds.stat_sink("stats_statsd", {"collector": "255.255.255.255:8125"}),
    ]
    path = tmp_path_factory.mktemp("stat-sink") / "sink.json"
    path.write_text(json.dumps(kinds.stat_sink_bootstrap(sinks, [listener], ADMIN, f"{FLUSH}s")))
    envoy = processes.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=ports.BASE_ID["stat_sink"], name="envoy-stat-sink"
    )
    yield envoy, collectors
    code = envoy.stop()
    for c in collectors.values():
        c.stop()
    assert code == 0, envoy.log()[-3000:]


def curl(protocol: str) -> None:
    flag = "--http2-prior-knowledge" if protocol == "h2" else "--http1.1"
    done = subprocess.run(
        ["curl", "-sS", "-m", "5", flag, f"http://127.0.0.1:{LISTENER}/"], capture_output=True, text=True, timeout=10
    )
    assert done.stdout == "ok", done


def admin_stats() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{ADMIN}/stats?format=json", timeout=5) as r:
        return {s["name"]: s["value"] for s in json.load(r)["stats"] if "value" in s}


def parse(line: str) -> tuple[str, int, str]:
    name, rest = line.rsplit(":", 1)
    value, kind = rest.split("|")
    return name, int(value), kind


def test_values_equal_what_admin_stats_shows(sink_envoy):
    envoy, collectors = sink_envoy
    # Two batches, flushes apart: the counters move in two flushes, whose
    # deltas must add up (values would not).
    for i in range(20):
        curl("h2" if i % 2 else "http1")
        if i == 9:
            time.sleep(2.5 * FLUSH)
    # Traffic has stopped: two more flushes carry every delta.
    time.sleep(3 * FLUSH)
    stats = admin_stats()
    main = collectors["main"]
    deltas: collections.Counter = collections.Counter()
    gauges: dict[str, int] = {}
    samples: collections.Counter = collections.Counter()
    for line in main.lines():
        name, value, kind = parse(line)
        assert name.startswith("sinktest."), line
        name = name[len("sinktest.") :]
        if kind == "c":
            deltas[name] += value
        elif kind == "g":
            gauges[name] = value
        else:
            assert kind == "ms", line
            samples[name] += 1
    assert stats["http.sinkdemo.downstream_rq_total"] == 20
    assert deltas["http.sinkdemo.downstream_rq_total"] == 20, deltas
    assert deltas["http.sinkdemo.downstream_rq_2xx"] == stats["http.sinkdemo.downstream_rq_2xx"] == 20
    assert deltas["http.sinkdemo.downstream_cx_total"] == stats["http.sinkdemo.downstream_cx_total"] == 20
    assert gauges["server.concurrency"] == stats["server.concurrency"] == 4
    assert gauges["http.sinkdemo.downstream_rq_active"] == stats["http.sinkdemo.downstream_rq_active"] == 0
    # Each request's time is one sample, recorded on its worker.
    assert samples["http.sinkdemo.downstream_rq_time"] == 20, samples


def flushes(collector: Collector) -> list[float]:
    """The start of each flush: datagrams closer than 0.2 s are one flush."""
    with collector.lock:
        times = [t for t, _ in collector.datagrams]
    starts: list[float] = []
    for previous, t in zip([None, *times], times, strict=False):
        if previous is None or t - previous > 0.2:
            starts.append(t)
    return starts


def test_the_flush_interval_is_honoured(sink_envoy):
    _, collectors = sink_envoy
    deadline = time.monotonic() + 10
    while len(starts := flushes(collectors["main"])) < 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) >= 5 and all(abs(g - FLUSH) < 0.2 for g in gaps[-5:]), gaps


def test_datagrams_stay_within_their_bound_and_lines_are_never_cut(sink_envoy):
    _, collectors = sink_envoy
    curl("http1")
    time.sleep(2 * FLUSH)
    for name, bound in (("main", 1432), ("small", SMALL)):
        with collectors[name].lock:
            sizes = [len(d) for _, d in collectors[name].datagrams]
        assert sizes and max(sizes) <= bound, (name, max(sizes))
        for line in collectors[name].lines():
            parse(line)  # every line whole: name:value|kind
    # The small sink split each flush over many datagrams, and lost no line.
    main = {line.removeprefix("sinktest.") for line in collectors["main"].lines() if line.endswith("|g")}
    small = {line for line in collectors["small"].lines() if line.endswith("|g")}
    assert len(collectors["small"].datagrams) > 3 * len(collectors["main"].datagrams) / 2
    assert {line.split(":")[0] for line in main} <= {line.split(":")[0] for line in small}


def test_a_collector_envoy_cannot_reach_costs_one_line(sink_envoy):
    envoy, _ = sink_envoy
    time.sleep(2 * FLUSH)
    failed = [
        line for line in envoy.log().splitlines() if "stats_statsd: sending to 255.255.255.255:8125 failed" in line
    ]
    assert len(failed) == 1 and "[warning]" in failed[0], failed
    curl("h2")
    assert envoy.proc.poll() is None


# ----------------------------------------------------------------- bad configs

BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_json", {"raw": "127.0.0.1:8125"}, "expected a JSON object"),
    ("no_collector", {"config": {"prefix": "x"}}, "missing field `collector`"),
    ("hostname", {"config": {"collector": "statsd:8125"}}, 'collector "statsd:8125" is not ip:port'),
    ("prefix", {"config": {"collector": "127.0.0.1:8125", "prefix": "a:b"}}, "holds a character statsd reserves"),
    (
        "datagram",
        {"raw": '{"collector": "127.0.0.1:8125", "max_datagram_bytes": 70000}'},
        "max_datagram_bytes must be 64 to 65507, got 70000",
    ),
    (
        "samples",
        {"raw": '{"collector": "127.0.0.1:8125", "max_samples": 0}'},
        "max_samples must be 1 to 1000000, got 0",
    ),
    ("unknown_field", {"config": {"collector": "127.0.0.1:8125", "host": "x"}}, "unknown field `host`"),
    ("unknown_name", {}, "unknown filter name; this module has: stats_statsd"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_stat_sink_config_is_refused(tmp_path, case, kwargs, expected):
    name = "no_such_sink" if case == "unknown_name" else "stats_statsd"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.stat_sink_bootstrap([kinds.stat_sink(name, **kwargs)])))
    code, lines, out = kinds.refusal_lines(path, "stats sink", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
