"""The SDK's panic barrier for the listener, UDP listener and access logger
kinds, through a real Envoy 1.40: the test-only listener_fault_injection,
udp_fault_injection and access_log_fault_injection panic on purpose (only with
DM_ENABLE_FAULT_INJECTION=1). Each panic is logged once, the connection is
closed or the datagram dropped (fail closed) or the log line lost, and the
next client is served (and logged)."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import time

import pytest

import kinds
import lab
from client import request

ADMIN = 19190
PHASES = {"listener_filter_new": 19191, "on_accept": 19192, "on_data": 19193}
UDP_PORT = 19194
ACCESS_LOG_PORT = 19195
FAULT_ENV = {"DM_ENABLE_FAULT_INJECTION": "1"}


@pytest.fixture(scope="module")
def fault_envoy(upstream, logs_dir, tmp_path_factory):
    listeners = [
        kinds.tcp_listener(
            port, [kinds.module_filter(kinds.LISTENER_FILTER_TYPE, "listener_fault_injection", {"phase": phase})]
        )
        for phase, port in PHASES.items()
    ]
    listeners.append(
        kinds.udp_listener(
            UDP_PORT,
            [
                kinds.module_filter(kinds.UDP_FILTER_TYPE, "udp_fault_injection"),
                kinds.module_filter(
                    kinds.UDP_FILTER_TYPE, "udp_dns_gateway", {"records": {"a.lab.test": ["10.0.0.1"]}}
                ),
            ],
        )
    )
    listeners.append(kinds.access_log_listener(ACCESS_LOG_PORT, "access_log_fault_injection", {"phase": "log"}))
    path = tmp_path_factory.mktemp("kind-faults") / "faults.json"
    path.write_text(json.dumps(kinds.bootstrap(listeners, ADMIN)))
    envoy = lab.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=12, extra_env=FAULT_ENV, name="envoy-kind-faults"
    )
    yield envoy
    code = envoy.stop()
    assert code == 0, f"envoy exited with {code}\n{envoy.log()[-3000:]}"


def panic_lines(envoy, kind: str, name: str, phase: str) -> list[str]:
    # The message follows on the next line: "panicked at <file>:<line>:\n<message>".
    needle = f"rust_module: {kind} '{name}' in {phase}: panicked:"
    lines = envoy.log().splitlines()
    return [
        line
        for i, line in enumerate(lines)
        if needle in line and f"fault injected in {phase}" in " ".join(lines[i : i + 2])
    ]


def wait_for_lines(envoy, kind, name, phase, n: int) -> list[str]:
    deadline = time.monotonic() + 5
    while len(lines := panic_lines(envoy, kind, name, phase)) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return lines


@pytest.mark.parametrize("phase", list(PHASES))
def test_a_listener_filter_panic_closes_that_connection_only(fault_envoy, phase):
    port = PHASES[phase]
    with socket.socket() as s:
        s.bind(("127.0.0.3", 0))
        s.connect(("127.0.0.1", port))
        s.settimeout(3)
        if phase == "on_data":
            s.sendall(b"FAULT")
        with contextlib.suppress(ConnectionResetError):
            assert s.recv(1) == b""
    lines = wait_for_lines(fault_envoy, "listener filter", "listener_fault_injection", phase, 1)
    assert len(lines) == 1 and "[error]" in lines[0], lines
    # Another client on the same listener is served.
    done = subprocess.run(
        ["curl", "-sS", "-m", "5", "--interface", "127.0.0.1", f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.stdout == "Hello from echo server\n", done
    assert fault_envoy.proc.poll() is None


def dns_query(name: str, qid: int) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", 1, 1)


def test_a_udp_filter_panic_drops_that_datagram_only(fault_envoy):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for i in range(2):
            # A query the gateway would answer, but with the id 0x4641 ("FA")
            # that makes the filter before it panic: fail closed means no answer.
            s.sendto(dns_query("a.lab.test", 0x4641), ("127.0.0.1", UDP_PORT))
            with pytest.raises(socket.timeout):
                s.recv(512)
            # The filter was rebuilt: the next datagram is answered.
            s.sendto(dns_query("a.lab.test", 0x100 + i), ("127.0.0.1", UDP_PORT))
            reply = s.recv(512)
            assert reply[:2] == struct.pack("!H", 0x100 + i) and reply.endswith(bytes([10, 0, 0, 1]))
    lines = wait_for_lines(fault_envoy, "UDP listener filter", "udp_fault_injection", "on_data", 2)
    assert len(lines) == 2, lines
    assert fault_envoy.proc.poll() is None


def logged_total() -> int:
    """The fault logger's count of requests it logged (absent until the first)."""
    found = kinds.stats("access_log_fault_injection_logged_total", admin_port=ADMIN)
    return sum(found.values())


def test_an_access_logger_panic_loses_that_line_only(fault_envoy):
    for i in range(2):
        before = logged_total()
        # The request is answered whatever its logger does afterwards.
        assert request(ACCESS_LOG_PORT, "/", headers=[("x-fault", "log")]).status == 200
        assert (
            len(wait_for_lines(fault_envoy, "access logger", "access_log_fault_injection", "access_logger_log", i + 1))
            == i + 1
        )
        assert logged_total() == before, "the panicking event is not counted"
        # The logger was rebuilt (or another worker's is used): the next request is logged.
        assert request(ACCESS_LOG_PORT, "/").status == 200
        lab.wait_until(lambda want=before + 1: logged_total() == want, 5, "the next request logged")
    lines = panic_lines(fault_envoy, "access logger", "access_log_fault_injection", "access_logger_log")
    assert len(lines) == 2 and all("[error]" in line for line in lines), lines
    assert fault_envoy.proc.poll() is None


@pytest.mark.parametrize(
    "kind,name,bootstrap",
    [
        ("listener filter", "listener_fault_injection", kinds.tcp_bootstrap),
        ("access logger", "access_log_fault_injection", kinds.access_log_bootstrap),
    ],
)
def test_a_panicking_config_is_refused_with_one_line(tmp_path, kind, name, bootstrap):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": "config"})))
    code, out = lab.validate(path, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {kind} '{name}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]
    assert "fault injected in config" in out


@pytest.mark.parametrize(
    "kind,name,bootstrap",
    [
        ("listener filter", "listener_fault_injection", kinds.tcp_bootstrap),
        ("UDP listener filter", "udp_fault_injection", kinds.udp_bootstrap),
        ("access logger", "access_log_fault_injection", kinds.access_log_bootstrap),
    ],
)
def test_fault_filters_are_refused_without_the_switch(tmp_path, kind, name, bootstrap):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": "on_accept"} if "listener_" in name else {})))
    code, lines, out = kinds.refusal_lines(path, kind, name)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]
