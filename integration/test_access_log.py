"""The access logger loses nothing: every request sent to 1062 becomes exactly
one JSON line, even when Envoy is stopped with SIGTERM right after."""

import json
import signal
from concurrent.futures import ThreadPoolExecutor

import ports
from client import request
from harness import processes


def test_access_log_loses_nothing_on_graceful_shutdown(upstream, logs_dir, tmp_path):
    envoy = processes.start_envoy(logs_dir, base_id=ports.BASE_ID["access_log"], name="envoy-access-log", cwd=tmp_path)
    k = 300
    try:
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda i: request(1062, f"/uuid?i={i}").status, range(k)))
        assert statuses == [200] * k
    finally:
        code = envoy.stop(signal.SIGTERM)
    assert code == 0, envoy.log()[-3000:]
    lines = (tmp_path / "access_logs" / "access_log_0.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == k
    assert sorted(e["path"] for e in entries) == sorted(f"/uuid?i={i}" for i in range(k))
    assert all(e["status"] == 200 and e["method"] == "GET" for e in entries)
    assert all(e["upstream_address"] == f"127.0.0.1:{ports.UPSTREAM}" for e in entries)
