"""Dynamic metadata and filter state through the real Envoy (1089), and the
metrics filter's in-flight gauge and local-reply counts (1070)."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from client import request
from harness import processes


def access_log(envoy) -> list[str]:
    path = envoy.log_path.parent / envoy.name / "access_logs" / "request_tagger.log"
    return path.read_text().splitlines() if path.exists() else []


# (method, path, headers, class, rule index in the config; -1 is the default)
RULES = [
    ("POST", "/api/orders", [], "api-write", 0),
    ("GET", "/api/orders", [("x-tier", "gold")], "api-read", 1),
    ("GET", "/shop", [("x-tier", "gold")], "gold", 2),
    ("GET", "/shop", [("x-tier", "silver")], "standard", -1),
    ("GET", "/", [], "standard", -1),
]
PROTOCOLS = ["HTTP/1.1", "HTTP/2"]
CASES = [(protocol, *rule) for protocol in PROTOCOLS for rule in RULES]


def send(protocol, method, path, headers) -> tuple[int, list[str]]:
    """One request; its status and the x-request-class values it came back with."""
    if protocol == "HTTP/1.1":
        resp = request(1089, path, method=method, headers=headers, body=b"" if method == "POST" else None)
        return resp.status, resp.values("x-request-class")
    argv = ["curl", "-s", "-o", "/dev/null", "-D", "-", "--http2-prior-knowledge", "-X", method]
    for name, value in headers:
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, f"http://127.0.0.1:1089{path}"], capture_output=True, text=True, timeout=30)
    lines = out.stdout.splitlines()
    stamped = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("x-request-class:")]
    return int(lines[0].split()[1]), stamped


@pytest.fixture(scope="module")
def tagged(envoy):
    """Every case sent once, each with its own query; then the access log, read
    once Envoy flushed it (processes.FILE_FLUSH_MS apart)."""
    sent = {}
    for i, (protocol, method, path, headers, _, _) in enumerate(CASES):
        unique = f"{path}?case={i}"
        sent[i] = (unique, *send(protocol, method, unique, headers))

    def lines():
        log = access_log(envoy)
        found = {i: [line for line in log if f" {unique} " in line] for i, (unique, _, _) in sent.items()}
        return found if all(found.values()) else None

    processes.wait_until(lambda: lines() is not None, 20, "every case in the access log")
    return sent, lines()


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[4]}" for c in CASES])
def test_class_reaches_metadata_filter_state_and_header(tagged, case):
    protocol, _, _, _, klass, rule = CASES[case]
    sent, lines = tagged
    _, status, stamped = sent[case]
    assert status == 200
    # header_mutation, downstream of the tagger, read the filter state.
    assert stamped == [klass]
    (line,) = lines[case]
    assert f" {protocol} 200 " in line, line
    # Envoy's own formatters: %DYNAMIC_METADATA(...)% and %FILTER_STATE(...:PLAIN)%.
    assert line.endswith(f" class={klass} rule={rule} state={klass}"), line


def test_no_tagger_no_state(envoy):
    # 1063's header_mutation has no set_from_filter_state: nothing stamped.
    assert request(1063, "/").values("x-request-class") == []


# ------------------------------------------------------------------ 1070


def prometheus() -> str:
    return request(processes.ADMIN_PORT, "/stats/prometheus").body.decode()


def value(prefix: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in prometheus().splitlines() if line.startswith(prefix))


IN_FLIGHT = 'envoy_dynamicmodulescustom_requests_in_flight{version="v1",method="%s"}'


def open_request(method: str = "POST") -> socket.socket:
    """A request whose body never finishes: in flight until the client acts."""
    sock = socket.create_connection(("127.0.0.1", 1070), timeout=10)
    sock.sendall(f"{method} /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: 10\r\n\r\nabc".encode())
    return sock


def test_in_flight_gauge_rises_and_returns_to_zero_with_every_worker(envoy):
    assert envoy.workers == 4 or processes.WORKERS != 4
    held = [open_request() for _ in range(12)]
    processes.wait_until(lambda: value(IN_FLIGHT % "POST") == 12, 10, "12 in flight")
    # Half finish normally, half abort (an RST, no FIN) mid-body.
    for sock in held[:6]:
        sock.sendall(b"defghij")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.close()
    processes.wait_until(lambda: value(IN_FLIGHT % "POST") == 6, 10, "6 in flight")
    for sock in held[6:]:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
    processes.wait_until(lambda: value(IN_FLIGHT % "POST") == 0, 10, "0 in flight")
    # Local replies pass the same place: the gauge stays at 0.
    for _ in range(3):
        assert request(1070, "/gone").status == 404
    time.sleep(0.5)
    assert value(IN_FLIGHT % "POST") == 0
    assert value(IN_FLIGHT % "GET") == 0


def test_local_replies_counted_by_status_and_details(envoy):
    counter = 'envoy_dynamicmodulescustom_local_replies_total{version="v1",status="404",details="direct_response"}'
    before = value(counter)
    for _ in range(3):
        resp = request(1070, "/gone")
        assert (resp.status, resp.body) == (404, b"gone\n")
    # Answered by the upstream, not by Envoy: not a local reply.
    assert request(1070, "/status/404").status == 404
    processes.wait_until(lambda: value(counter) == before + 3, 10, "3 local replies")
    time.sleep(0.3)
    assert value(counter) == before + 3
