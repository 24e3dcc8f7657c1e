"""The listener filters of librust_module.so through the lab's envoy.yaml and a
real Envoy 1.40, with real clients: curl (bound to 127.0.0.1 or 127.0.0.2),
curl over https, openssl s_client. The TLS upstreams and their certificates
(made with openssl) are started and stopped here (servers.start_side_upstreams).

  1084 listener_ip_allowlist   1085 listener_tls_detector   1086 listener_sni_router

Also: bad input (truncated and oversized TLS records, silent clients, many
pending connections) never crashes Envoy and its memory stays bounded, and bad
configs are refused by `envoy --mode validate` with one line."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest

import kinds
from client import request
from harness import servers

TLS_CERTS: Path | None = None  # set by the side fixture


@pytest.fixture(scope="module")
def side(logs_dir):
    procs = servers.start_side_upstreams(logs_dir)
    global TLS_CERTS
    TLS_CERTS = logs_dir / "certs"
    yield procs
    for p in procs:
        p.stop()


@pytest.fixture(scope="module")
def lab_envoy(side, envoy):
    return envoy


def curl(*args: str, timeout: float = 10) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "-m", "5", *args], capture_output=True, text=True, timeout=timeout)


def https(port: int, name: str, *extra: str) -> subprocess.CompletedProcess:
    """curl https://{name}:{port}/ to 127.0.0.1, trusting only {name}'s test certificate."""
    assert TLS_CERTS is not None, "the side fixture sets TLS_CERTS"
    return curl(
        "--cacert",
        str(TLS_CERTS / f"{name}.crt"),
        "--resolve",
        f"{name}:{port}:127.0.0.1",
        *extra,
        f"https://{name}:{port}/",
    )


def s_client(port: int, *args: str) -> str:
    done = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=15,
    )
    return done.stdout + done.stderr


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the peer closed (EOF or reset) without sending, or None."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        data = sock.recv(1)
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - start
    except TimeoutError:
        return None
    assert data == b"", f"expected no bytes before the close, got {data!r}"
    return time.monotonic() - start


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


# ------------------------------------------------------------ 1084 allowlist


def test_allowlist_lets_127_0_0_1_through(lab_envoy):
    done = curl("--interface", "127.0.0.1", "http://127.0.0.1:1084/")
    assert done.returncode == 0 and done.stdout == "Hello from echo server\n", done


def test_allowlist_closes_127_0_0_2_before_reading(lab_envoy):
    before = kinds.counter("listener_ip_allowlist_denied")
    # Nothing is sent, and the socket is still closed at once: the decision
    # is made on accept, before any byte is read.
    with connect(1084, "127.0.0.2") as s:
        took = closed_within(s, 3)
    assert took is not None and took < 1, took
    done = curl("--interface", "127.0.0.2", "http://127.0.0.1:1084/")
    assert done.returncode in (52, 56), done  # empty reply / connection reset
    assert kinds.counter("listener_ip_allowlist_denied") == before + 2
    # The allowed source still gets through afterwards.
    assert curl("--interface", "127.0.0.1", "http://127.0.0.1:1084/").stdout == "Hello from echo server\n"


# --------------------------------------------------------- 1085 TLS detector


def test_tls_detector_sends_plaintext_and_tls_to_different_chains(lab_envoy):
    plain = curl("http://127.0.0.1:1085/")
    assert plain.returncode == 0 and plain.stdout == "Hello from echo server\n", plain
    tls = https(1085, "default.lab.test")
    assert tls.returncode == 0 and tls.stdout == "Hello from TLS upstream default.lab.test\n", tls
    assert kinds.counter("listener_tls_detector_tls") >= 1
    assert kinds.counter("listener_tls_detector_plaintext") >= 1


def test_tls_detector_closes_a_silent_client_after_the_timeout(lab_envoy):
    with connect(1085) as s:
        took = closed_within(s, 10)
    # listener_filters_timeout is 5 s in envoy.yaml.
    assert took is not None and 4 < took < 8, took


# ----------------------------------------------------------- 1086 SNI router


@pytest.mark.parametrize("name", ["a.lab.test", "b.lab.test"])
def test_sni_router_routes_each_name_to_its_upstream(lab_envoy, name):
    out = s_client(1086, "-servername", name)
    assert f"subject=CN = {name}" in out, out[-2000:]
    # End to end: the TLS session is the upstream's own, not Envoy's.
    done = https(1086, name)
    assert done.returncode == 0 and done.stdout == f"Hello from TLS upstream {name}\n", done


def test_sni_router_without_a_name_uses_the_default_chain(lab_envoy):
    before = kinds.counter("listener_sni_router_no_sni")
    out = s_client(1086, "-noservername")
    assert "subject=CN = default.lab.test" in out, out[-2000:]
    assert kinds.counter("listener_sni_router_no_sni") == before + 1


def test_sni_router_closes_an_oversized_record_at_once(lab_envoy):
    before = kinds.counter("listener_sni_router_malformed")
    with connect(1086) as s:
        s.sendall(bytes([0x16, 0x03, 0x01, 0xFF, 0xFF]) + b"\x01" * 100)
        took = closed_within(s, 3)
    assert took is not None and took < 1, took
    assert kinds.counter("listener_sni_router_malformed") == before + 1


def test_sni_router_closes_a_truncated_hello_after_the_timeout(lab_envoy):
    # The first 40 bytes of a ClientHello, then silence.
    hello = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]) + b"\x42" * 29
    with connect(1086) as s:
        s.sendall(hello)
        took = closed_within(s, 10)
    assert took is not None and 4 < took < 8, took


def test_pending_connections_stay_bounded_and_envoy_survives(lab_envoy):
    """300 connections, each holding a ClientHello record header announcing
    16 KiB and 16,000 bytes of it: Envoy peeks at most max_read_bytes (16,389)
    per connection, so its RSS grows by well under 300 x 3 x 16 KiB (the peek
    buffer, the socket and slack), and all are closed by the timeout."""
    rss_before = kinds.rss_kib(lab_envoy.proc.pid)
    socks = []
    partial = bytes([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3F, 0xFC]) + b"\x00" * 15991
    for _ in range(300):
        s = connect(1086)
        s.sendall(partial)
        socks.append(s)
    time.sleep(1)
    grown = kinds.rss_kib(lab_envoy.proc.pid) - rss_before
    print(f"RSS with 300 pending 16,000-byte ClientHellos: +{grown} KiB")
    assert grown < 300 * 3 * 16, f"RSS grew by {grown} KiB"
    # Plus one silent connection to the TLS detector and many garbage ones.
    for _ in range(50):
        with connect(1085) as s:
            s.sendall(b"\x16")
    for s in socks:
        assert closed_within(s, 10) is not None
        s.close()
    assert lab_envoy.proc.poll() is None
    assert "subject=CN = a.lab.test" in s_client(1086, "-servername", "a.lab.test")
    assert request(1066, "/").status == 200  # the HTTP listeners are untouched


def test_listener_hooks_are_served_by_the_one_rust_module(lab_envoy):
    log = lab_envoy.log()
    assert log.count("rust_module: loaded") == 1
    assert "[critical]" not in log


# ----------------------------------------------------------------- bad configs

# (id, filter, config kwargs, text the one line must contain)
BAD = [
    ("allow_deny_empty", "listener_ip_allowlist", {"config": {}}, "allow and deny are both empty"),
    ("allow_not_list", "listener_ip_allowlist", {"config": {"allow": "10.0.0.0/8"}}, "invalid type"),
    (
        "cidr_host_bits",
        "listener_ip_allowlist",
        {"config": {"allow": ["10.0.0.1/8"]}},
        'allow[0]: "10.0.0.1/8" has host bits set; did you mean "10.0.0.0/8"?',
    ),
    ("cidr_prefix", "listener_ip_allowlist", {"config": {"deny": ["::/129"]}}, "prefix length must be 0 to 128"),
    ("cidr_garbage", "listener_ip_allowlist", {"config": {"deny": ["localhost"]}}, "is not an IP address"),
    ("allowlist_unknown_field", "listener_ip_allowlist", {"config": {"alow": []}}, "unknown field `alow`"),
    ("allowlist_absent", "listener_ip_allowlist", {}, "filter_config is empty"),
    ("allowlist_not_json", "listener_ip_allowlist", {"raw": "allow=10/8"}, ""),
    (
        "allowlist_ten_mib",
        "listener_ip_allowlist",
        {"raw": '{"allow": ["' + "1" * (10 << 20) + '"]}'},
        "bytes is over the 1048576-byte limit",
    ),
    ("tls_detector_settings", "listener_tls_detector", {"config": {"peek": 3}}, "unknown field `peek`"),
    (
        "sni_read_bytes_small",
        "listener_sni_router",
        {"config": {"max_read_bytes": 10}},
        "max_read_bytes must be 64 to 16389, got 10",
    ),
    ("sni_read_bytes_negative", "listener_sni_router", {"raw": '{"max_read_bytes": -1}'}, "-1"),
    ("sni_unknown_field", "listener_sni_router", {"config": {"routes": {}}}, "unknown field `routes`"),
    (
        "unknown_listener_filter",
        "no_such_listener_filter",
        {},
        "unknown filter name; this module has: listener_ip_allowlist, listener_tls_detector, listener_sni_router",
    ),
]


@pytest.mark.parametrize("case,filter_name,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_listener_filter_config_is_refused(tmp_path, case, filter_name, kwargs, expected):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.tcp_bootstrap(filter_name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "listener filter", filter_name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
    assert "unknown filter name" in lines[0] or "invalid filter_config: " in lines[0], lines[0]
