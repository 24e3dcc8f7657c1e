"""callout_auth on 1088 through a real Envoy: every request waits for an HTTP
callout to the auth service (auth_server.py on 1238); a 200 lets it through,
401/403 come back to the client with their body, and a 5xx, a timeout, the
service down, no such cluster or a cluster without hosts fail closed with 503.
A client that leaves while its callout is in flight takes the callout with it
(Envoy cancels it), on several workers at once, and Envoy keeps serving."""

import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import configs
import h2client
import ports
from client import request, upstream_view
from harness import processes, servers

PORT = 1088
TOKEN = "x-auth-token"
ECHO = b"Hello from echo server\n"


@pytest.fixture(scope="module")
def auth(logs_dir):
    proc = servers.start_auth_server(logs_dir)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def lab_envoy(auth, envoy):
    return envoy


def stat(admin: int, name: str) -> int:
    body = request(admin, f"/stats?filter=^{name}$").body.decode().strip()
    return int(body.rsplit(":", 1)[1]) if body else 0


def test_a_200_from_the_auth_service_lets_the_request_through(lab_envoy):
    resp = request(PORT, "/", headers=[(TOKEN, "good")])
    assert (resp.status, resp.body) == (200, ECHO)
    # The body waited in Envoy's buffer and went on after the answer.
    posted = request(PORT, "/anything", "POST", headers=[(TOKEN, "good")], body=b"x" * 100_000)
    assert posted.status == 200
    assert upstream_view(posted)["body_length"] == 100_000


def test_a_403_is_forwarded_with_its_body(lab_envoy):
    resp = request(PORT, "/orders?id=7", "DELETE", headers=[(TOKEN, "bad")])
    # The auth service saw the request's method and path.
    assert (resp.status, resp.body) == (403, b"forbidden: DELETE /orders?id=7\n")
    assert resp.header("content-type") == "text/plain"


def test_a_401_is_forwarded_with_its_challenge(lab_envoy):
    resp = request(PORT, "/")
    assert (resp.status, resp.body) == (401, b"missing x-auth-token\n")
    assert resp.header("www-authenticate") == "Token"


def test_a_5xx_fails_closed(lab_envoy):
    resp = request(PORT, "/", headers=[(TOKEN, "error")])
    assert (resp.status, resp.body) == (503, b"callout_auth: the auth service failed (500)\n")


def test_a_slow_auth_service_times_out_and_fails_closed(lab_envoy):
    started = time.monotonic()
    resp = request(PORT, "/", headers=[(TOKEN, "slow")])
    took = time.monotonic() - started
    # Envoy answers the callout itself (504) at the filter's timeout_ms, 1000.
    assert (resp.status, resp.body) == (503, b"callout_auth: the auth service timed out (504)\n")
    assert 0.9 <= took < 2.5, took


def test_http2_allow_deny_and_a_held_body_with_trailers(lab_envoy):
    allowed = h2client.request(PORT, "/", method="GET", headers=[(TOKEN, "good")])
    assert (allowed.status, allowed.body) == (200, ECHO)
    denied = h2client.request(PORT, "/h2", method="GET", headers=[(TOKEN, "bad")])
    assert (denied.status, denied.body) == (403, b"forbidden: GET /h2\n")
    held = h2client.request(
        PORT, "/anything", frames=[b"hel", b"lo"], trailers=[("x-t", "1")], headers=[(TOKEN, "good")]
    )
    assert held.status == 200 and b'"body_length":5' in held.body.replace(b" ", b""), held.body[:300]


def test_many_requests_at_once_on_every_worker(lab_envoy):
    tokens = ["good", "bad", None] * 40
    with ThreadPoolExecutor(24) as pool:
        resps = list(pool.map(lambda t: request(PORT, "/", headers=[(TOKEN, t)] if t else []), tokens))
    want = {"good": 200, "bad": 403, None: 401}
    assert [r.status for r in resps] == [want[t] for t in tokens]


def slow_request(reset: bool) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    if reset:  # close() then sends a RST instead of a FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.sendall(f"GET / HTTP/1.1\r\nHost: x\r\n{TOKEN}: slow\r\n\r\n".encode())
    return sock


def in_flight() -> int:
    """Callouts to the auth cluster that are sent or waiting for a connection."""
    return sum(stat(ports.ADMIN, f"cluster.auth.upstream_rq_{s}") for s in ("active", "pending_active"))


def test_clients_leaving_mid_callout_cancel_it_and_envoy_keeps_serving(lab_envoy):
    rounds, n = 5, 32
    for _ in range(rounds):
        socks = [slow_request(reset=i % 2 == 0) for i in range(n)]
        processes.wait_until(lambda: in_flight() == n, 10, f"{n} callouts in flight")
        for sock in socks:
            sock.close()
        # The auth service sleeps 3 s and the timeout is 1 s: only a cancel
        # ends the callouts this soon.
        processes.wait_until(lambda: in_flight() == 0, 0.8, "callouts cancelled")
        assert lab_envoy.proc.poll() is None
    # The late answers of the sleeping auth service reach nobody.
    time.sleep(3.2)
    assert lab_envoy.proc.poll() is None and processes.http_ok(ports.ADMIN, "/ready")
    assert request(PORT, "/", headers=[(TOKEN, "good")]).status == 200
    assert "panicked" not in lab_envoy.log()


# --------------------------------------------- failures in an Envoy of its own


def auth_cluster(name: str, port: int | None) -> dict:
    endpoints = []
    if port is not None:
        address = {"socket_address": {"address": "127.0.0.1", "port_value": port}}
        endpoints = [{"lb_endpoints": [{"endpoint": {"address": address}}]}]
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {"cluster_name": name, "endpoints": endpoints},
    }


@pytest.fixture(scope="module")
def failing(upstream, logs_dir, tmp_path_factory):
    """callout_auth naming a cluster that does not exist, one whose host is
    down, and one without hosts."""
    clusters = {"no_cluster": "nope", "down": "auth_down", "no_hosts": "auth_empty"}
    listeners = [
        configs.listener(
            f"callout_{case}",
            port,
            [configs.module_filter("rust_module", "callout_auth", {"cluster": clusters[case], "header": TOKEN})],
        )
        for case, port in ports.CALLOUT_LISTENERS.items()
    ]
    config = configs.bootstrap(listeners, ports.CALLOUT_ADMIN)
    config["static_resources"]["clusters"] += [
        auth_cluster("auth_down", ports.CALLOUT_DOWN),
        auth_cluster("auth_empty", None),
    ]
    path = configs.write(tmp_path_factory.mktemp("callout") / "failing.json", config)
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ports.CALLOUT_ADMIN,
        base_id=ports.BASE_ID["callout"],
        name="envoy-callout-failing",
    )
    yield envoy
    assert envoy.stop() == 0, envoy.log()[-3000:]


@pytest.mark.parametrize(
    "case,body",
    [
        ("no_cluster", b"callout_auth: cluster 'nope' not found\n"),
        ("down", b"callout_auth: the auth service is unavailable (503)\n"),
        # No healthy host: Envoy refuses to start the callout at all.
        ("no_hosts", b"callout_auth: cannot start the auth callout (CannotCreateRequest)\n"),
    ],
)
def test_failures_fail_closed_with_503(failing, case, body):
    for _ in range(3):
        resp = request(ports.CALLOUT_LISTENERS[case], "/", headers=[(TOKEN, "good")])
        assert (resp.status, resp.body) == (503, body)
        assert resp.header("content-type") == "text/plain"
    assert failing.proc.poll() is None
