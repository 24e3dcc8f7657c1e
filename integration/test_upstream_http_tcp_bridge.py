"""bridge_http_redis, the upstream HTTP-to-TCP bridge (librust_module.so),
through a real Envoy with 4 workers and a real redis-server.

- The lab's envoy.yaml, 1130: its cluster carries each HTTP request to the
  Redis on 6380 as one RESP command; HTTP/1.1 (http.client, a thread pool over
  keep-alive connections) and HTTP/2 (h2client) clients. Commands, nil, Redis
  errors, refused commands, a JSON command, large values, a body over the
  limit, and 400 INCRs from 8 threads adding up exactly.
- An Envoy built here (ports.BRIDGE_SCRATCH) whose clusters lead to raw-socket
  side upstreams: nothing listening (Envoy's 503), a silent one (the route
  timeout's 504, and the next request served), a reply in many small writes,
  bytes that are not RESP (502) and a connection closed mid-reply (Envoy's
  503: a close resets the request before the bridge sees the end).
- Bad configs: Envoy makes a bridge's configuration lazily, on each worker at
  its first request (never in `--mode validate`, which accepts them): each is
  refused there with one line naming module, kind, bridge and problem, and the
  request is answered 503.

Timings here: about 6 s for the whole file."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
import ports
from client import request
from harness import processes, servers

PORT = 1130
KIND, NAME = "upstream HTTP-TCP bridge", "bridge_http_redis"
ALLOW = ["GET", "SET", "INCR", "DEL", "EXISTS"]


@pytest.fixture(scope="module")
def lab(envoy, logs_dir):
    redis = servers.start_redis(logs_dir)
    yield envoy
    redis.stop()


def call(path: str, method: str = "GET", body: bytes | None = None, headers=None) -> tuple[int, dict, str]:
    resp = request(PORT, path, method=method, body=body, headers=headers)
    kind = resp.header("x-redis-reply") or ""
    return resp.status, json.loads(resp.body) if resp.body else {}, kind


# ------------------------------------------------------------ the lab's 1130


def test_commands_over_http1(lab):
    assert call("/DEL/bridge:k")[0] == 200
    assert call("/SET/bridge:k", "POST", b"hello world") == (200, {"reply": "OK"}, "simple")
    assert call("/GET/bridge:k") == (200, {"reply": "hello world"}, "bulk")
    assert call("/get/bridge%3Ak?ignored=1") == (200, {"reply": "hello world"}, "bulk")
    assert call("/EXISTS/bridge:k") == (200, {"reply": 1}, "integer")
    assert call("/DEL/bridge:k") == (200, {"reply": 1}, "integer")
    assert call("/GET/bridge:k") == (404, {"reply": None}, "nil")
    assert call("/INCR/bridge:n")[1]["reply"] >= 1
    posted = json.dumps(["SET", "bridge:j", 42]).encode()
    assert call("/", "POST", posted, [("content-type", "application/json")]) == (200, {"reply": "OK"}, "simple")
    assert call("/GET/bridge:j") == (200, {"reply": "42"}, "bulk")


def test_redis_errors_and_refusals(lab):
    call("/SET/bridge:text", "POST", b"abc")
    status, body, kind = call("/INCR/bridge:text")
    assert (status, kind) == (400, "error") and body["error"].startswith("ERR value is not an integer"), body
    assert call("/GET/a/b/c")[0:2] == (400, {"error": "ERR wrong number of arguments for 'get' command"})
    # Refused before Redis: the key is still there after FLUSHALL.
    assert call("/FLUSHALL") == (403, {"error": 'command "FLUSHALL" is not allowed'}, "refused")
    assert call("/", "POST", b"[1, {}]", [("content-type", "application/json")])[0] == 400
    assert call("/")[0] == 400
    assert call("/GET/bridge:text") == (200, {"reply": "abc"}, "bulk")


def test_commands_over_http2(lab):
    conn = h2client.H2Connection(PORT)
    try:
        status, headers, body = conn.request("POST", "/SET/bridge:h2", {}, b"via h2")
        assert (status, json.loads(body)) == (200, {"reply": "OK"})
        status, headers, body = conn.request("GET", "/GET/bridge:h2", {}, None)
        assert (status, json.loads(body), dict(headers)["x-redis-reply"]) == (200, {"reply": "via h2"}, "bulk")
        status, _, body = conn.request("GET", "/GET/bridge:none", {}, None)
        assert (status, json.loads(body)) == (404, {"reply": None})
        status, _, _ = conn.request("GET", "/KEYS/*", {}, None)
        assert status == 403
    finally:
        conn.close()


def test_large_values_both_ways_and_a_body_over_the_limit(lab):
    value = bytes(range(32, 127)) * 8000  # 760,000 bytes, under the 1 MiB default
    assert call("/SET/bridge:big", "POST", value)[0:2] == (200, {"reply": "OK"})
    resp = request(PORT, "/GET/bridge:big")
    assert resp.status == 200 and json.loads(resp.body)["reply"].encode() == value
    conn = h2client.H2Connection(PORT)
    try:
        status, _, body = conn.request("GET", "/GET/bridge:big", {}, None)
        assert status == 200 and json.loads(body)["reply"].encode() == value
    finally:
        conn.close()
    assert call("/SET/bridge:huge", "POST", b"x" * (2 << 20))[0] == 413
    assert call("/GET/bridge:huge")[0] == 404


def test_400_increments_from_8_threads_over_4_workers_add_up(lab):
    call("/DEL/bridge:count")

    def worker(_):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        statuses = []
        for _ in range(50):
            conn.request("POST", "/INCR/bridge:count")
            r = conn.getresponse()
            r.read()
            statuses.append(r.status)
        conn.close()
        return statuses

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(worker, range(8)) for s in batch]
    assert statuses == [200] * 400
    assert call("/GET/bridge:count") == (200, {"reply": "400"}, "bulk")
    # Eight client connections spread over the workers, each with its own
    # pool of upstream connections.
    made = kinds.counter("cluster.redis_bridge.upstream_cx_total")
    assert made >= 2, made


# -------------------------------------------- side upstreams, an Envoy of its own


class SideServer:
    """A raw TCP server on 127.0.0.1:`port`; `handle(conn)` per connection."""

    def __init__(self, port: int, handle):
        self.sock = socket.create_server(("127.0.0.1", port))
        self.handle = handle
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn):
        with contextlib.suppress(OSError):
            self.handle(conn)

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


def read_command(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n") or data.count(b"\r\n") < 3:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    return data


def silent(conn):
    while conn.recv(4096):
        pass


REPLY = b"$300\r\n" + b"0123456789" * 30 + b"\r\n"


def trickle(conn):
    """Answers every command with a 300-byte bulk string, 6 bytes a write."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while read_command(conn):
        for i in range(0, len(REPLY), 6):
            conn.sendall(REPLY[i : i + 6])
            time.sleep(0.002)


def garbage(conn):
    read_command(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    silent(conn)


def cut(conn):
    read_command(conn)
    conn.sendall(b"$100\r\nonly part")
    conn.close()


SIDE = {"silent": silent, "trickle": trickle, "garbage": garbage, "cut": cut}
SCRATCH = iter(ports.BRIDGE_SCRATCH)
SIDE_PORTS = {name: next(SCRATCH) for name in ports.BRIDGE_SIDE}
BAD = [
    ("empty_allow", {"allow": []}, "invalid filter_config: allow is empty"),
    ("not_a_command", {"allow": ["GET x"]}, 'invalid filter_config: allow: "GET x" is not a command name'),
    ("unknown_field", {"allow": ["GET"], "deny": ["KEYS"]}, "invalid filter_config: unknown field `deny`"),
    ("missing_allow", {"max_args": 3}, "invalid filter_config: missing field `allow`"),
    ("zero_args", {"allow": ["GET"], "max_args": 0}, "must be positive"),
]
BAD_PORTS = {case: next(SCRATCH) for case, _, _ in BAD}
ADMIN = ports.BRIDGE_SCRATCH[-1]


@pytest.fixture(scope="module")
def side_envoy(logs_dir, tmp_path_factory):
    started = [SideServer(ports.BRIDGE_SIDE[name], handle) for name, handle in SIDE.items()]
    good = {"allow": ALLOW}
    entries = [
        (SIDE_PORTS[name], kinds.bridge_cluster(f"side_{name}", port, NAME, good))
        for name, port in ports.BRIDGE_SIDE.items()
    ]
    entries += [(BAD_PORTS[case], kinds.bridge_cluster(f"bad_{case}", ports.REDIS, NAME, cfg)) for case, cfg, _ in BAD]
    config = kinds.bridge_bootstrap(entries, ADMIN)
    for listener in config["static_resources"]["listeners"]:
        route = listener["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]
        route["virtual_hosts"][0]["routes"][0]["route"]["timeout"] = "0.5s"
    path = tmp_path_factory.mktemp("bridge") / "bridge.json"
    path.write_text(json.dumps(config))
    envoy = processes.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=ports.BASE_ID["bridge"], name="envoy-bridge"
    )
    yield envoy, path
    code = envoy.stop()
    for server in started:
        server.close()
    assert code == 0, envoy.log()[-3000:]


def test_nothing_listening_is_envoys_503(side_envoy):
    resp = request(SIDE_PORTS["closed"], "/GET/k")
    assert resp.status == 503 and b"connection failure" in resp.body, resp.body


def test_a_silent_redis_is_cut_off_by_the_route_timeout(side_envoy):
    for _ in range(2):
        started = time.monotonic()
        resp = request(SIDE_PORTS["silent"], "/GET/k")
        assert (resp.status, resp.body) == (504, b"upstream request timeout")
        assert 0.4 < time.monotonic() - started < 2
    conn = h2client.H2Connection(SIDE_PORTS["silent"])
    try:
        assert conn.request("GET", "/GET/k", {}, None)[0] == 504
    finally:
        conn.close()


def test_a_reply_in_many_small_reads_is_put_together(side_envoy):
    for _ in range(3):
        resp = request(SIDE_PORTS["trickle"], "/GET/k")
        assert (resp.status, json.loads(resp.body)) == (200, {"reply": "0123456789" * 30})
    conn = h2client.H2Connection(SIDE_PORTS["trickle"])
    try:
        status, _, body = conn.request("GET", "/GET/k", {}, None)
        assert (status, json.loads(body)) == (200, {"reply": "0123456789" * 30})
    finally:
        conn.close()


def test_bytes_that_are_not_resp_are_502(side_envoy):
    resp = request(SIDE_PORTS["garbage"], "/GET/k")
    assert resp.status == 502, resp.body
    assert json.loads(resp.body) == {"error": "redis reply is not RESP: unexpected type byte 'H'"}


def test_a_connection_closed_mid_reply_is_envoys_503(side_envoy):
    # Envoy does not half-close a bridge's connection: a close is a reset,
    # answered before the bridge sees the end (the partial reply is dropped).
    resp = request(SIDE_PORTS["cut"], "/GET/k")
    assert resp.status == 503 and b"connection termination" in resp.body, resp.body


def test_bad_configs_pass_validate_and_are_refused_at_the_first_request_with_one_line(side_envoy):
    envoy, path = side_envoy
    code, out = processes.validate(path, processes.BUILD_LIB)
    assert code == 0, out[-2000:]
    for case, _, _ in BAD:
        resp = request(BAD_PORTS[case], "/GET/k")
        assert resp.status == 503, (case, resp.status, resp.body)
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in envoy.log().splitlines() if f"rust_module: {KIND} '{NAME}'" in line]
        if len(lines) >= len(BAD) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(lines) == len(BAD), lines
    for (case, _, expected), line in zip(BAD, lines, strict=True):
        assert "[error]" in line and expected in line, (case, line)
