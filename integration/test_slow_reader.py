"""A slow reader: a client with a 4 KiB receive buffer asks for a large
response (several MiB), stalls for a second, then reads it in small pieces with pauses.
Envoy's downstream write buffer passes its high watermark (the listener's
per_connection_buffer_limit_bytes, 1 MiB by default), so Envoy tells every
filter (the modules' `http_filter_downstream_above/below_write_buffer_*`
hooks, which the SDKs accept and ignore) and the router stops reading the
upstream until the client catches up: `cluster.echo.upstream_flow_control_
paused_reading_total` and `..._resumed_reading_total` move. The body arrives
whole and exact, and Envoy's RSS grows by well under the response size (after
warm-up reads of 1 MiB).

Seen failing with `per_connection_buffer_limit_bytes: 64 MiB` on the listener
and the cluster (Envoy buffers the whole response): no pause, RSS +24.8 MiB
for 24 MiB on 1063 and +21.5 MiB for 7 MiB on 1074."""

from __future__ import annotations

import socket
import time

import pytest

import cases
from client import request
from harness import processes

# 24 MiB through header_mutation; 7 MiB through body_rewrite, under its
# max_buffer_bytes (8 MiB), so 1074-1076 rewrite all of it. The RSS bound is
# what a config that buffers the whole response exceeds and a working one does
# not (seen: +0 to +2 MiB after the warm-up).
TEXT = "Hello, slow reader "
REWRITTEN = TEXT.replace("Hello", "Howdy")
PORTS = {
    1063: ("slow_reader", "rust", TEXT, 24 << 20, 8 << 10),
    1064: ("slow_reader", "go", TEXT, 24 << 20, 8 << 10),
    1065: ("slow_reader", "cpp", TEXT, 24 << 20, 8 << 10),
    1074: ("body_rewrite_slow_reader", "rust", REWRITTEN, 7 << 20, 5 << 10),
    1075: ("body_rewrite_slow_reader", "go", REWRITTEN, 7 << 20, 5 << 10),
    1076: ("body_rewrite_slow_reader", "cpp", REWRITTEN, 7 << 20, 5 << 10),
}
PAUSED = "cluster.echo.upstream_flow_control_paused_reading_total"
RESUMED = "cluster.echo.upstream_flow_control_resumed_reading_total"


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def counter(name: str) -> int:
    stats = request(processes.ADMIN_PORT, f"/stats?filter=^{name}$").body.decode()
    return int(stats.split(":")[1]) if stats.strip() else 0


@pytest.mark.parametrize(
    "port",
    [
        pytest.param(port, marks=pytest.mark.conformance(row, lang), id=f"{row}-{lang}")
        for port, (row, lang, *_) in PORTS.items()
    ],
)
def test_slow_reader(envoy, port):
    _, _, text, size, rss_bound_kib = PORTS[port]
    count = size // len(TEXT)
    expected = text.encode() * count
    query = f"text={TEXT.replace(' ', '%20')}&count={count}&chunk=65536"
    # Warm up first: the first body through a filter on a worker grows the
    # heaps (the Go runtime's by about 10 MiB), whatever the body's size; eight
    # connections reach every worker, most likely.
    for _ in range(8):
        warm = request(port, f"/repeat?text={TEXT.replace(' ', '%20')}&count={(1 << 20) // len(TEXT)}&chunk=65536")
        assert warm.status == 200
    paused, resumed = counter(PAUSED), counter(RESUMED)
    before = peak = rss_kib(envoy.proc.pid)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: it sets the window
        sock.settimeout(30)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET /repeat?{query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        for _ in range(10):  # the stall: every buffer on the way fills
            time.sleep(0.1)
            peak = max(peak, rss_kib(envoy.proc.pid))
        raw, reads = bytearray(), 0
        while got := sock.recv(16384):
            raw += got
            reads += 1
            if reads % 64 == 0:
                time.sleep(0.01)
                peak = max(peak, rss_kib(envoy.proc.pid))
    head, _, body = bytes(raw).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    assert b"transfer-encoding: chunked" in head.lower(), head
    body = cases.dechunk_prefix(body)
    assert len(body) == len(expected) and body == expected, (len(body), len(expected))
    assert counter(PAUSED) > paused and counter(RESUMED) > resumed, "the write-buffer watermark never fired"
    assert peak - before < rss_bound_kib, f"RSS grew {peak - before} KiB for a {len(expected) >> 10} KiB response"
    assert request(port, "/").status == 200
