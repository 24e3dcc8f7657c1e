"""Failed upstreams are recorded: a request answered 503 because the upstream
reset the connection, or because nothing listens, gets its access-log line with
status 503 and is counted under the 5xx class by the metrics filter, exactly
once each; a response cut short mid-body is logged with its 200 and the bytes
that got through. (The access logger does not log response flags.)

Two Envoys of their own, one after the other: envoy.yaml (1062 access_logger,
1070 metrics; nothing else sends to them, so the counts are exact), then a small
config whose only cluster points at a closed port, with both filters on it."""

from __future__ import annotations

import json
import socket

import pytest

import cases
import configs
import ports
from client import request
from harness import processes

K = 5
RESPONSES = 'envoy_dynamicmodulescustom_responses_total{version="%s",status_class="%s"}'
LATENCY = 'envoy_dynamicmodulescustom_route_latency_ms_count{version="%s",route_name="%s"}'


def prometheus(admin_port: int, name: str) -> float:
    stats = request(admin_port, "/stats/prometheus").body.decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in stats.splitlines() if line.startswith(name + " "))


def log_entries(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def wait_for_lines(path, n: int) -> list[dict]:
    processes.wait_until(lambda: len(log_entries(path)) >= n, 10, f"{n} access-log lines in {path}")
    return log_entries(path)


@pytest.fixture(scope="module")
def lab_envoy(upstream, logs_dir, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("upstream-failures")
    envoy = processes.start_envoy(logs_dir, base_id=ports.BASE_ID["upstream_failures"], name="envoy-failures", cwd=cwd)
    yield envoy, cwd / "access_logs" / "access_log_0.log"
    code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


def test_access_log_records_resets(lab_envoy):
    _, log = lab_envoy
    for _ in range(K):
        assert request(1062, "/reset").status == 503
    cases.cut_short_http1_concurrently(1062, K)
    assert request(1062, "/").status == 200
    entries = wait_for_lines(log, 2 * K + 1)
    assert len(entries) == 2 * K + 1, entries
    reset = [e for e in entries if e["path"] == "/reset"]
    assert [e["status"] for e in reset] == [503] * K, reset
    cut = [e for e in entries if e["path"] == "/reset-mid-body"]
    assert [e["status"] for e in cut] == [200] * K, cut
    assert all(e["response_body_bytes"] == cases.MID_BODY_SENT for e in cut), cut


def test_metrics_count_resets(lab_envoy):
    before = {c: prometheus(processes.ADMIN_PORT, RESPONSES % ("v1", c)) for c in ("2xx", "5xx")}
    count = LATENCY % ("v1", "rust_metrics")
    latency_before = prometheus(processes.ADMIN_PORT, count)
    for _ in range(K):
        assert request(1070, "/reset").status == 503
    cases.cut_short_http1_concurrently(1070, K)
    # Counters are exact at once; histograms merge at the stats flush (5 s).
    assert prometheus(processes.ADMIN_PORT, RESPONSES % ("v1", "5xx")) - before["5xx"] == K
    assert prometheus(processes.ADMIN_PORT, RESPONSES % ("v1", "2xx")) - before["2xx"] == K
    processes.wait_until(
        lambda: prometheus(processes.ADMIN_PORT, count) - latency_before >= 2 * K, 15, "histogram merge"
    )
    assert prometheus(processes.ADMIN_PORT, count) - latency_before == 2 * K


def down_config(dirname: str, closed_port: int) -> dict:
    filters = [
        configs.module_filter("rust_module", "access_logger", raw=json.dumps({"dirname": dirname, "num_workers": 1})),
        configs.module_filter("rust_module", "metrics", config={"version": "down"}),
    ]
    config = configs.bootstrap(
        [configs.listener("down", ports.DOWN_LISTENER, filters, cluster="down")], ports.DOWN_ADMIN
    )
    echo = config["static_resources"]["clusters"][0]
    down = json.loads(json.dumps(echo).replace(f'"port_value": {ports.UPSTREAM}', f'"port_value": {closed_port}'))
    down["name"] = down["load_assignment"]["cluster_name"] = "down"
    config["static_resources"]["clusters"].append(down)
    config["stats_flush_interval"] = "1s"
    return config


def test_upstream_down_is_logged_and_counted(upstream, logs_dir, tmp_path):
    # A port bound but never listened on: every connect is refused, and no
    # other process can take the port while the test holds it.
    (tmp_path / "logs").mkdir()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        config = configs.write(tmp_path / "down.json", down_config(str(tmp_path / "logs"), closed.getsockname()[1]))
        envoy = processes.start_envoy(
            logs_dir,
            config=config,
            admin_port=ports.DOWN_ADMIN,
            base_id=ports.BASE_ID["upstream_down"],
            name="envoy-down",
        )
        try:
            for i in range(K):
                resp = request(ports.DOWN_LISTENER, f"/down?i={i}")
                assert resp.status == 503, (resp.status, resp.body)
            assert prometheus(ports.DOWN_ADMIN, RESPONSES % ("down", "5xx")) == K
            assert prometheus(ports.DOWN_ADMIN, RESPONSES % ("down", "2xx")) == 0
            count = LATENCY % ("down", "r")
            processes.wait_until(lambda: prometheus(ports.DOWN_ADMIN, count) >= K, 10, "histogram merge")
            assert prometheus(ports.DOWN_ADMIN, count) == K
            entries = wait_for_lines(tmp_path / "logs" / "access_log_0.log", K)
        finally:
            code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]
    assert [(e["path"], e["status"]) for e in entries] == [(f"/down?i={i}", 503) for i in range(K)], entries
