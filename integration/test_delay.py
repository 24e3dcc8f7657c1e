"""delay on 1071 (max 5000 ms), and on a listener of its own with
max_concurrent 2, through a real Envoy: every phase is held until the timer
fires, the pauses overlap, the cap answers 503, and a client that leaves
frees its place."""

import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import configs
import h2client
from client import request, upstream_view
from harness import processes

PORT = 1071
CAP_PORT, CAP_ADMIN = 19071, 19072


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    resp = fn(*args, **kwargs)
    return resp, time.monotonic() - started


def test_delay_pauses_and_resumes_through_the_scheduler(envoy):
    resp, took = timed(request, PORT, "/", headers=[("do-delay", "200")])
    assert resp.status == 200 and resp.body == b"Hello from echo server\n"
    assert int(resp.header("x-delay-measured-ms")) >= 200 and took >= 0.2
    assert request(PORT, "/").header("x-delay-measured-ms") is None
    too_long = request(PORT, "/", headers=[("do-delay", "60000")])
    assert too_long.status == 400 and b"above the maximum of 5000 ms" in too_long.body
    assert request(PORT, "/", headers=[("do-delay", "soon")]).status == 400


# The defect issue 10 reproduced: `curl -H 'do-delay: 400' -d hello` answered
# in about 1 ms, because the body hook let Envoy resume the stream.
def test_a_post_with_a_body_is_held(envoy):
    resp, took = timed(request, PORT, "/anything", "POST", headers=[("do-delay", "400")], body=b"hello")
    assert resp.status == 200 and took >= 0.4, took
    assert int(resp.header("x-delay-measured-ms")) >= 400
    assert upstream_view(resp)["body_length"] == 5


def test_an_http2_body_with_trailers_is_held(envoy):
    resp, took = timed(
        h2client.request,
        PORT,
        "/anything",
        frames=[b"hel", b"lo"],
        trailers=[("x-t", "1")],
        headers=[("do-delay", "400")],
    )
    assert resp.status == 200 and took >= 0.4, took
    assert b'"body_length":5' in resp.body.replace(b" ", b""), resp.body[:300]


def test_delays_run_concurrently(envoy):
    # Held one after the other, N requests of D ms would take N * D; one timer
    # holding them side by side takes about D. Half of N * D leaves a wide margin
    # for a loaded machine and still fails for any serialization.
    n, d = 20, 0.3
    started = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        resps = list(pool.map(lambda _: timed(request, PORT, "/", headers=[("do-delay", "300")]), range(n)))
    total = time.monotonic() - started
    print(f"{n} delays of {d} s overlapped: {total:.2f} s in all")
    assert all(r.status == 200 and int(r.header("x-delay-measured-ms")) >= 300 and took >= d for r, took in resps)
    assert total < n * d / 2, f"{n} delays of {d} s took {total:.2f} s: not overlapping"


@pytest.fixture(scope="module")
def capped(upstream, logs_dir, tmp_path_factory):
    """An Envoy whose delay filter holds at most two requests at once."""
    path = configs.write(
        tmp_path_factory.mktemp("delay") / "capped.json",
        configs.bootstrap(
            [
                configs.listener(
                    "delay_capped",
                    CAP_PORT,
                    [configs.module_filter("rust_module", "delay", raw='{"max_delay_ms": 5000, "max_concurrent": 2}')],
                )
            ],
            CAP_ADMIN,
        ),
    )
    envoy = processes.start_envoy(logs_dir, config=path, admin_port=CAP_ADMIN, base_id=31, name="envoy-delay-capped")
    yield envoy
    envoy.stop()


def held_socket(ms: int) -> socket.socket:
    """A request that is being held: sent, no answer read yet."""
    sock = socket.create_connection(("127.0.0.1", CAP_PORT), timeout=10)
    sock.sendall(f"GET / HTTP/1.1\r\nHost: x\r\ndo-delay: {ms}\r\n\r\n".encode())
    return sock


def wait_held(envoy, n: int):
    def held():
        stats = request(CAP_ADMIN, "/stats?filter=delay_capped.downstream_rq_active").body.decode()
        return stats.strip().endswith(f": {n}")

    processes.wait_until(held, 10, f"{n} requests held")


def test_past_max_concurrent_the_answer_is_503_and_a_leaver_frees_its_place(capped):
    first, second = held_socket(5000), held_socket(5000)
    wait_held(capped, 2)
    over = request(CAP_PORT, "/", headers=[("do-delay", "10")])
    assert (over.status, over.body) == (503, b"delay: 2 requests are delayed already (max_concurrent)\n")
    assert request(CAP_PORT, "/").status == 200, "requests without do-delay are not counted"
    # The client leaves: the stream is destroyed and its timer entry cancelled.
    first.close()
    wait_held(capped, 1)
    resp, took = timed(request, CAP_PORT, "/", headers=[("do-delay", "50")])
    assert resp.status == 200 and took >= 0.05
    second.close()


def test_sigterm_with_requests_held_exits_cleanly(upstream, logs_dir, tmp_path):
    path = configs.write(
        tmp_path / "held.json",
        configs.bootstrap(
            [
                configs.listener(
                    "delay_held",
                    CAP_PORT + 10,
                    [configs.module_filter("rust_module", "delay", raw='{"max_delay_ms": 60000}')],
                )
            ],
            CAP_ADMIN + 10,
        ),
    )
    envoy = processes.start_envoy(logs_dir, config=path, admin_port=CAP_ADMIN + 10, base_id=32, name="envoy-delay-held")
    socks = []
    try:
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", CAP_PORT + 10), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\ndo-delay: 60000\r\n\r\n")
            socks.append(sock)
        time.sleep(0.3)
    finally:
        code = envoy.stop(signal.SIGTERM)
        for sock in socks:
            sock.close()
    assert code == 0, envoy.log()[-3000:]
