"""The short soak (2,000 requests per listener, over every listener of
envoy.yaml, through one Envoy) and a SIGTERM in the middle of load. `make soak`
runs the long soak."""

import http.client
import json
import signal
import threading
import time
from collections import Counter

import configs
import ports
import soak
from client import request
from harness import processes


def test_short_soak_loses_nothing(upstream, tmp_path):
    summary = soak.soak_and_stop(tmp_path, per_listener=2_000, log=lambda _: None, own_upstream=False)
    print(json.dumps(summary))
    assert summary["requests"] == 2_000 * len(soak.PORTS)
    assert set(summary["sent_per_port"]) == {str(p) for p in ports.HTTP}
    assert summary["unexpected"] == 0 and summary["problems"] == [], summary
    assert summary["envoy_alive"] and summary["envoy_exit_code"] == 0
    assert summary["access_log_lost_or_extra"] == 0, summary
    assert summary["access_log_lines_that_parse"] == summary["sent_per_port"]["1062"]
    assert soak.memory_settled(summary), summary
    assert soak.passed(summary)
    # Several workers, both protocols, in about equal parts.
    assert summary["envoy_workers"] == processes.WORKERS
    assert set(summary["sent_per_protocol"]) == {"HTTP/1.1", "HTTP/2"}
    assert min(summary["sent_per_protocol"].values()) > 0.4 * summary["requests"], summary["sent_per_protocol"]


def leaking(config: dict, port: int, bytes_per_stream: int) -> dict:
    """`config` with the test-only fault_injection filter, leaking
    `bytes_per_stream` on every stream, first on `port`'s listener."""
    config = json.loads(json.dumps(config))  # YAML aliases become copies
    for listener in config["static_resources"]["listeners"]:
        if listener["address"]["socket_address"]["port_value"] == port:
            hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
            leak = configs.module_filter("rust_module", "fault_injection", {"leak_bytes_per_stream": bytes_per_stream})
            hcm["http_filters"] = [leak, *hcm["http_filters"]]
            return config
    raise AssertionError(f"no listener on {port}")


def test_the_memory_rule_catches_a_leaking_module(upstream, logs_dir, tmp_path):
    """The rule test_short_soak_loses_nothing holds Envoy to, against a module
    that really leaks (256 KiB a stream on 1063: 125 MiB over the run, as
    steady as a real leak). Without this the rule could never fail."""
    config = configs.write(tmp_path / "leaking.json", leaking(configs.lab_config(), 1063, 256 * 1024))
    envoy = processes.start_envoy(
        logs_dir,
        config=config,
        search_path=processes.TEST_LIB,
        extra_env={"DM_ENABLE_FAULT_INJECTION": "1"},
        cwd=tmp_path,
        name="envoy-leaking",
        base_id=ports.BASE_ID["soak"],
    )
    try:
        summary = soak.run(envoy, per_listener=500, log=lambda _: None)
    finally:
        envoy.stop()
    assert summary["unexpected"] == 0 and summary["envoy_alive"], summary
    assert not soak.memory_settled(summary), summary


def test_sigterm_under_load_is_clean(upstream, logs_dir, tmp_path):
    envoy = processes.start_envoy(logs_dir, cwd=tmp_path, name="envoy-sigterm", base_id=ports.BASE_ID["sigterm"])
    outcomes: Counter = Counter()
    ok_paths: list[str] = []
    wrong: list = []
    stop = threading.Event()
    lock = threading.Lock()

    def load(t):
        i = 0
        while not stop.is_set():
            path = f"/uuid?t={t}&i={i}"
            i += 1
            try:
                resp = request(1062, path, timeout=10)
            except (OSError, http.client.HTTPException) as e:  # refused or reset: a clean error
                with lock:
                    outcomes[type(e).__name__] += 1
                time.sleep(0.01)
                continue
            with lock:
                outcomes[resp.status] += 1
                if resp.status == 200:
                    ok_paths.append(path)
                    if resp.body != b"Hello from echo server\n":
                        wrong.append(resp.body[:100])

    threads = [threading.Thread(target=load, args=(t,)) for t in range(16)]
    for t in threads:
        t.start()
    processes.wait_until(lambda: outcomes[200] >= 200, 30, "load running")
    code = envoy.stop(signal.SIGTERM)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()

    assert code == 0, envoy.log()[-3000:]
    assert envoy.proc.poll() is not None
    assert not wrong, wrong
    assert set(outcomes) <= {
        200,
        "ConnectionRefusedError",
        "ConnectionResetError",
        "RemoteDisconnected",
        "BrokenPipeError",
        "IncompleteRead",
        "TimeoutError",
    }, outcomes
    lines = [json.loads(line) for line in (tmp_path / "access_logs" / "access_log_0.log").read_text().splitlines()]
    logged = Counter(e["path"] for e in lines)
    assert all(logged[p] == 1 for p in ok_paths), "a served request has no (or two) log lines"
    assert max(logged.values()) == 1


def test_memory_settled_tells_a_leak_from_a_plateau():
    """The soak's memory rule on figures of real runs: allocators that warm up
    and plateau pass; RSS that keeps growing through the last quarter fails."""

    def rss(half: int, three_quarters: int, end: int) -> dict:
        return {"rss_kib_at_half": half, "rss_kib_at_three_quarters": three_quarters, "rss_kib_end": end}

    assert soak.memory_settled(rss(167_696, 176_304, 177_088))  # a run of the short soak
    assert soak.memory_settled(rss(161_600, 181_900, 182_764))  # +13%, flat in the last quarter
    assert not soak.memory_settled(rss(161_600, 172_000, 184_000))  # a steady leak
