"""hf_preserve_case, the HTTP/1 header formatter (librust_module.so), through
the lab's envoy.yaml with 4 workers: on 1147 the header names an HTTP/1 client
sends reach an HTTP/1 upstream in the client's own case; on 1148 (the same
upstream, no formatter) they arrive lowercase. The upstream is raw_upstream.py
(1300), a raw socket that keeps the exact bytes of each request head (in
raw-upstream.bytes) and sends them back as the body. Its response names come
back in its own spelling on 1147 (the cluster names the formatter too). An
HTTP/2 client's names are lowercase on the wire: Envoy asks no formatter for
them, so the upstream sees lowercase there, even for a name the config lists.
Bad configs: `envoy --mode validate`, one line each.

Timings here: the 2,000 keep-alive requests about 1 s, the 1,000 requests of
60 long names about 1 s, the whole file about 5 s."""

from __future__ import annotations

import json
import re
import socket
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
from harness import servers

CASE, LOWER = 1147, 1148


@pytest.fixture(scope="module")
def lab(logs_dir, envoy):
    raw = servers.start_raw_upstream(logs_dir)
    yield envoy
    raw.stop()


class Http1:
    """One keep-alive HTTP/1.1 connection that writes request heads byte for byte."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def close(self):
        self.sock.close()

    def get(self, headers: list[tuple[str, str]], path: str = "/") -> tuple[bytes, bytes]:
        """Sends GET with these header lines as written; returns (response head, body)."""
        lines = [f"GET {path} HTTP/1.1", "Host: lab", *(f"{k}: {v}" for k, v in headers)]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        assert length, head
        n = int(length.group(1))
        while len(self.buf) < n:
            self.buf += self.recv()
        body, self.buf = self.buf[:n], self.buf[n:]
        return head, body

    def recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        return data


def upstream_saw(port: int, headers: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """(the request head the upstream got, the response head the client got)."""
    conn = Http1(port)
    try:
        head, body = conn.get(headers)
    finally:
        conn.close()
    assert head.startswith(b"HTTP/1.1 200"), head
    return body, head


def names(head: bytes) -> list[str]:
    return [line.split(b":", 1)[0].decode() for line in head.split(b"\r\n")[1:] if b":" in line]


def test_the_upstream_sees_the_clients_case_and_lowercase_without_the_formatter(lab, logs_dir):
    sent = [("X-Legacy-Token", "t0k3n"), ("SOAPAction", "urn:get"), ("x-plain", "1"), ("ACCEPT", "*/*")]
    saw, _ = upstream_saw(CASE, sent)
    assert b"\r\nX-Legacy-Token: t0k3n\r\n" in saw, saw
    assert {"Host", "X-Legacy-Token", "SOAPAction", "x-plain", "ACCEPT"} <= set(names(saw)), saw
    # What Envoy adds itself has no client spelling: lowercase.
    assert "x-forwarded-proto" in names(saw)
    # The raw socket kept the same bytes.
    assert saw in (logs_dir / "raw-upstream.bytes").read_bytes()
    # Without the formatter (the check seen failing): all lowercase.
    saw, _ = upstream_saw(LOWER, sent)
    assert b"\r\nx-legacy-token: t0k3n\r\n" in saw and b"X-Legacy-Token" not in saw, saw
    assert all(n == n.lower() for n in names(saw)), saw


def test_a_listed_name_sent_lowercase_gets_its_listed_spelling(lab):
    saw, _ = upstream_saw(CASE, [("x-legacy-token", "a"), ("X-LEGACY-TOKEN", "b")])
    # The message's own spelling (its first one) wins over the list...
    assert names(saw).count("X-LEGACY-TOKEN") == 2, saw
    # ...and the list fills in when the message has none with a capital.
    saw, _ = upstream_saw(CASE, [("x-legacy-token", "a")])
    assert "X-Legacy-Token" in names(saw), saw


def test_the_upstreams_spelling_comes_back_to_the_client(lab):
    _, head = upstream_saw(CASE, [])
    assert b"\r\nX-Upstream-Case: Preserved" in head, head
    _, head = upstream_saw(LOWER, [])
    assert b"\r\nx-upstream-case: Preserved" in head, head


def test_an_http2_clients_names_reach_the_upstream_lowercase(lab):
    conn = h2client.H2Connection(CASE)
    try:
        status, _, saw = conn.request("GET", "/", {"X-Legacy-Token": "t", "X-Other": "o"}, None)
    finally:
        conn.close()
    assert status == 200
    # HTTP/2 names are lowercase on the wire; Envoy makes no formatter for
    # them, so not even the listed X-Legacy-Token is restored.
    assert b"\r\nx-legacy-token: t\r\n" in saw and b"\r\nx-other: o\r\n" in saw, saw


def test_memory_is_bounded_many_and_long_names_keep_envoys_case(lab):
    # The lab's config: 32 names per message, each at most 128 bytes.
    many = [(f"X-Name-{i:02}", "v") for i in range(40)]
    saw, _ = upstream_saw(CASE, many)
    got = names(saw)
    # Host and X-Name-00..30 fill the 32; the rest keep Envoy's lowercase.
    assert [f"X-Name-{i:02}" for i in range(31)] == [n for n in got if n.startswith("X-Name")], got
    assert [f"x-name-{i:02}" for i in range(31, 40)] == [n for n in got if n.startswith("x-name")], got
    long = "X-" + "L" * 127
    saw, _ = upstream_saw(CASE, [(long, "v"), ("X-Short", "v")])
    assert long.lower() in names(saw) and "X-Short" in names(saw), saw


def test_1000_requests_of_long_names_leave_envoys_memory_flat(lab):
    # Each message's formatter holds at most 2 * 32 * 128 bytes and is freed
    # with its message: 1,000 requests of 60 names of 800 bytes each (48 KB of
    # names) over 4 keep-alive connections leave Envoy's RSS where it was.
    headers = [(f"X-{i:02}-" + "Q" * 795, "v") for i in range(60)]

    def run(_):
        conn = Http1(CASE)
        try:
            for _ in range(250):
                conn.get(headers)
        finally:
            conn.close()

    run(0)  # warm every allocator once
    before = kinds.rss_kib(lab.proc.pid)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(run, range(4)))
    grown = kinds.rss_kib(lab.proc.pid) - before
    assert grown < 16 * 1024, f"Envoy's RSS grew {grown} KiB"


def test_2000_requests_on_4_workers_each_keep_their_own_case(lab):
    # 8 keep-alive connections, spread over Envoy's 4 workers, each spelling
    # its names its own way: no message sees another's spelling.
    def run(worker: int) -> Counter:
        conn = Http1(CASE)
        spelled = "".join(c.upper() if worker >> i & 1 else c for i, c in enumerate("x-worker"))
        seen: Counter = Counter()
        try:
            for i in range(250):
                name = f"{spelled}-{i % 7}"
                _, saw = conn.get([(name, str(i))])
                seen["ok" if f"\r\n{name}: {i}\r\n".encode() in saw else f"{name}: {saw!r}"] += 1
        finally:
            conn.close()
        return seen

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(run, range(8)), Counter())
    assert total == Counter({"ok": 2000}), total


# ----------------------------------------------------------------- bad configs

BAD = [
    ("not_object", {"raw": "[]"}, "expected a JSON object"),
    ("lowercase_name", {"config": {"names": ["x-lower"]}}, 'names[0]: "x-lower" has no capital letter'),
    ("twice", {"config": {"names": ["X-A", "x-A"]}}, 'names[1]: "x-A" is listed twice'),
    ("bad_name", {"config": {"names": ["X A"]}}, 'header name "X A" is not a valid HTTP token'),
    ("max_keys", {"raw": '{"max_keys": 0}'}, "max_keys: 1 to 1024, got 0"),
    ("max_key_len", {"raw": '{"max_key_len": 4096}'}, "max_key_len: 1 to 1024, got 4096"),
    ("unknown_field", {"config": {"name": []}}, "unknown field `name`"),
    ("unknown_formatter", {"config": {}}, "unknown filter name; this module has: hf_preserve_case"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_header_formatter_config_is_refused_with_one_line(tmp_path, case, kwargs, expected):
    name = "no_such_formatter" if case == "unknown_formatter" else "hf_preserve_case"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.header_formatter_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "header formatter", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
