"""The health checker kind through a real Envoy 1.40 with 4 workers:
hc_redis_ping checks real redis-servers with PING, Envoy keeping the interval
(200 ms), timeout (500 ms) and thresholds (2 failures, 1 success). A tcp_proxy
listener in front shows where connections go: each asks its redis-server
for its port. About 6 s in all.

The bounds asserted: a stopped server is marked unhealthy within
unhealthy_threshold x (interval + timeout) + 1 s of slack for a loaded
machine, and healthy again within healthy_threshold x (interval + timeout)
+ 1 s of its restart; a server that accepts and never answers, one that
answers bytes that are not RESP, and one that answers -NOAUTH are unhealthy
within the same bound and stay so.

Also the health checker half of the validate matrix: bad configs are refused
by `envoy --mode validate` with one line naming module, kind, checker and
problem."""

from __future__ import annotations

import collections
import json
import socket
import threading
import time

import pytest

import kinds
import ports
from harness import processes, servers

LISTENER = ports.HEALTH_TEST_LISTENER
ADMIN = ports.HEALTH_TEST_ADMIN
REDIS = ports.HEALTH_REDIS
SILENT, GARBAGE, NOAUTH = ports.HEALTH_SILENT, ports.HEALTH_GARBAGE, ports.HEALTH_REDIS_AUTH
INTERVAL, TIMEOUT, UNHEALTHY, HEALTHY = 0.2, 0.5, 2, 1
DOWN_WITHIN = UNHEALTHY * (INTERVAL + TIMEOUT) + 1.0
UP_WITHIN = HEALTHY * (INTERVAL + TIMEOUT) + 1.0


def side_server(port: int, answer: bytes | None) -> socket.socket:
    """Accepts on `port`; answers each connection's first bytes with `answer`,
    or holds it open in silence when None. Closed by the fixture."""
    listener = socket.create_server(("127.0.0.1", port))
    held: list[socket.socket] = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            if answer is not None:
                try:
                    conn.recv(256)
                    conn.sendall(answer)
                finally:
                    conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener


@pytest.fixture(scope="module")
def redis_servers(logs_dir):
    started = {port: servers.start_redis(logs_dir, port) for port in REDIS}
    started[NOAUTH] = servers.start_redis(logs_dir, NOAUTH, ("--requirepass", "lab-secret"))
    yield started
    for proc in started.values():
        proc.stop()


@pytest.fixture(scope="module")
def side_servers():
    made = [side_server(SILENT, None), side_server(GARBAGE, b"HTTP/1.1 400 Bad Request\r\n\r\n")]
    yield
    for listener in made:
        listener.close()


@pytest.fixture(scope="module")
def hc_envoy(redis_servers, side_servers, logs_dir, tmp_path_factory):
    check = kinds.health_check(
        "hc_redis_ping",
        raw='{"max_io_ms": 2000}',
        interval=INTERVAL,
        timeout=TIMEOUT,
        unhealthy=UNHEALTHY,
        healthy=HEALTHY,
    )
    config = kinds.bootstrap([kinds.tcp_proxy_listener(LISTENER, "hc_redis")], ADMIN)
    config["static_resources"]["clusters"] += [
        kinds.health_checked_cluster("hc_redis", REDIS, check),
        kinds.health_checked_cluster("hc_odd", [SILENT, GARBAGE, NOAUTH], check),
    ]
    path = tmp_path_factory.mktemp("health-checker") / "hc.json"
    path.write_text(json.dumps(config))
    envoy = processes.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=ports.BASE_ID["health_checker"], name="envoy-hc"
    )
    yield envoy
    code = envoy.stop()
    assert code == 0, f"envoy exited with {code}\n{envoy.log()[-3000:]}"


def wait_flags(cluster: str, want, within: float) -> tuple[dict[int, str], float]:
    """Polls /clusters until `want(flags)`; returns the flags and how long it took."""
    started = time.monotonic()
    while True:
        flags = kinds.health_flags(ADMIN, cluster)
        if want(flags):
            return flags, time.monotonic() - started
        assert time.monotonic() - started < within, f"not within {within:.1f}s: {flags}"
        time.sleep(0.02)


def served_by(n: int) -> collections.Counter:
    """Opens `n` connections through the listener; each asks its redis-server
    for its port. Every one must be answered."""
    seen: collections.Counter = collections.Counter()
    for _ in range(n):
        with socket.create_connection(("127.0.0.1", LISTENER), timeout=5) as conn:
            conn.sendall(b"*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nport\r\n")
            reply = b""
            while not reply.endswith(b"\r\n") or reply.count(b"\r\n") < 5:
                chunk = conn.recv(256)
                assert chunk, f"closed after {reply!r}"
                reply += chunk
            seen[int(reply.split(b"\r\n")[4])] += 1
    return seen


def all_healthy(flags: dict[int, str]) -> bool:
    return sorted(flags) == sorted(REDIS) and all(f == "healthy" for f in flags.values())


def test_a_stopped_server_is_marked_unhealthy_avoided_and_back_when_restarted(hc_envoy, redis_servers, logs_dir):
    wait_flags("hc_redis", all_healthy, 10)
    assert set(served_by(24)) == set(REDIS)

    stopped = REDIS[1]
    redis_servers[stopped].stop()
    flags, took = wait_flags("hc_redis", lambda f: "failed_active_hc" in f.get(stopped, ""), DOWN_WITHIN)
    assert all(flags[p] == "healthy" for p in REDIS if p != stopped), flags
    time.sleep(0.1)  # the main thread's news reaches the 4 workers' host sets
    seen = served_by(24)
    assert stopped not in seen and sum(seen.values()) == 24, seen

    redis_servers[stopped] = servers.start_redis(logs_dir, stopped)
    _, back = wait_flags("hc_redis", all_healthy, UP_WITHIN)
    deadline = time.monotonic() + 2
    while set(seen := served_by(12)) != set(REDIS):
        assert time.monotonic() < deadline, seen
    print(f"unhealthy {took:.2f}s after the stop, healthy {back:.2f}s after the restart")


def test_silence_times_out_and_wrong_answers_fail(hc_envoy):
    def all_failed(flags):
        return len(flags) == 3 and all("failed_active_hc" in f for f in flags.values())

    flags, _ = wait_flags("hc_odd", all_failed, DOWN_WITHIN)
    # Silence ends in Envoy's timeout; a wrong answer is a failure of its own.
    assert "active_hc_timeout" in flags[SILENT], flags
    assert "active_hc_timeout" not in flags[GARBAGE], flags
    assert "active_hc_timeout" not in flags[NOAUTH], flags
    # Still failing several intervals later, logged once per host, not per check.
    time.sleep(5 * INTERVAL)
    assert all_failed(kinds.health_flags(ADMIN, "hc_odd"))
    log = hc_envoy.log()
    for port, why in ((GARBAGE, "unexpected type byte 'H'"), (NOAUTH, "-NOAUTH")):
        lines = [line for line in log.splitlines() if f"hc_redis_ping: 127.0.0.1:{port}: fails" in line]
        assert len(lines) == 1 and why in lines[0], lines


# The validate matrix's health checker rows: (case, config (raw JSON), what the line says).
BAD_CONFIGS = [
    ("unknown_field", '{"timeout": 1}', "unknown field `timeout`"),
    ("empty_command", '{"command": []}', "command must be a non-empty list"),
    ("empty_expect", '{"expect": ""}', "expect must be non-empty text"),
    ("max_io_zero", '{"max_io_ms": 0}', "max_io_ms must be 1 to 60000"),
    ("not_json", "PING", "expected a JSON object"),
]


@pytest.mark.parametrize("case,raw,why", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_health_checker_configs_are_refused_with_one_line(tmp_path, case, raw, why):
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(kinds.health_checker_bootstrap("hc_redis_ping", raw=raw)))
    code, lines, out = kinds.refusal_lines(path, "health checker", "hc_redis_ping")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and why in lines[0], lines or out[-2000:]


def test_an_unknown_health_checker_name_is_refused_with_one_line(tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(kinds.health_checker_bootstrap("hc_nope")))
    code, lines, out = kinds.refusal_lines(path, "health checker", "hc_nope")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and "unknown filter name" in lines[0] and "hc_redis_ping" in lines[0], lines or out[-2000:]


def test_a_good_health_checker_config_validates(tmp_path):
    path = tmp_path / "good.json"
    raw = '{"command": ["ECHO", "up"], "expect": "up", "max_io_ms": 250}'
    path.write_text(json.dumps(kinds.health_checker_bootstrap("hc_redis_ping", raw=raw)))
    code, out = processes.validate(path)
    assert code == 0, out[-2000:]
