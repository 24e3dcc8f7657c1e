"""fmt_header_hash (librust_module.so, the access-log formatter kind) on 1140
through the lab's envoy.yaml and a real Envoy 1.40 with 4 workers: Envoy's own
file access log writes %KEYED_HASH(x-user-id)% and %KEYED_HASH(authorization):12%,
an HMAC-SHA-256 of the exact bytes the client sent, never the value. Checked by
reading the file after real requests over HTTP/1.1 and HTTP/2: a present
header, an absent one, bytes that are not UTF-8, a very long value, and many
connections spread over the workers. Bad configs and commands are refused by
`envoy --mode validate` with one line."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import time
import urllib.request

import h2.config
import h2.connection
import h2.events
import pytest

import kinds
from harness import processes

PORT = 1140
KEY = b"lab-only-key-not-a-secret"  # envoy.yaml's, inline for the lab
RAW_VALUE = b"caf\xe9 \xff\xfe"  # not UTF-8: the hash must be of these bytes


def keyed(value: bytes, chars: int = 16) -> str:
    return hmac.new(KEY, value, hashlib.sha256).hexdigest()[:chars]


def log_lines(envoy) -> list[str]:
    """The access log, flushed first: POST /reopen_logs makes Envoy write what
    it buffered (its file flush interval is 10 s otherwise)."""
    req = urllib.request.Request(f"http://127.0.0.1:{processes.ADMIN_PORT}/reopen_logs", method="POST")
    urllib.request.urlopen(req, timeout=5).read()
    path = envoy.log_path.parent / envoy.name / "access_logs" / "header_hash.log"
    deadline = time.monotonic() + 5
    while True:
        lines = path.read_bytes().decode(errors="replace").splitlines() if path.exists() else []
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def line_for(envoy, path: str) -> dict[str, str]:
    """The fields of the one line logged for `path` (each request has its own)."""
    found = [line for line in log_lines(envoy) if f" {path} " in line]
    assert len(found) == 1, (path, found)
    return dict(field.split("=", 1) for field in found[0].split() if "=" in field)


def curl(path: str, protocol: str, headers: list[tuple[str, str]]) -> None:
    argv = [
        "curl",
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-m",
        "5",
        "--http2-prior-knowledge" if protocol == "h2" else "--http1.1",
    ]
    for name, value in headers:
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run([*argv, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, timeout=10)
    assert done.returncode == 0 and done.stdout == "200", done


def h1_raw(path: str, value: bytes) -> None:
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as s:
        s.sendall(
            b"GET " + path.encode() + b" HTTP/1.1\r\nhost: x\r\nx-user-id: " + value + b"\r\nconnection: close\r\n\r\n"
        )
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    assert out.startswith(b"HTTP/1.1 200"), out[:200]


def h2_raw(path: str, value: bytes) -> None:
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as s:
        conn.initiate_connection()
        headers = [(b":method", b"GET"), (b":path", path.encode()), (b":scheme", b"http"), (b":authority", b"x")]
        conn.send_headers(1, [*headers, (b"x-user-id", value)], end_stream=True)
        s.sendall(conn.data_to_send())
        while True:
            data = s.recv(65536)
            assert data, "Envoy closed the connection"
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.StreamEnded):
                    return
            s.sendall(conn.data_to_send())


PROTOCOLS = ["http1", "h2"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_header_is_logged_as_its_keyed_hash_and_an_absent_one_as_a_dash(envoy, protocol):
    present, absent = f"/present-{protocol}", f"/absent-{protocol}"
    curl(present, protocol, [("x-user-id", "alice"), ("authorization", "Bearer s3cret")])
    curl(absent, protocol, [])
    fields = line_for(envoy, present)
    assert fields == {"user": keyed(b"alice"), "token": keyed(b"Bearer s3cret", 12)}, fields
    assert "alice" not in json.dumps(log_lines(envoy)) and "s3cret" not in json.dumps(log_lines(envoy))
    assert line_for(envoy, absent) == {"user": "-", "token": "-"}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_bytes_that_are_not_utf8_are_hashed_as_sent(envoy, protocol):
    path = f"/raw-{protocol}"
    (h1_raw if protocol == "http1" else h2_raw)(path, RAW_VALUE)
    user = line_for(envoy, path)["user"]
    assert user == keyed(RAW_VALUE), user
    # Not the hash of the text a lossy decoder would have made of them.
    assert user != keyed(RAW_VALUE.decode(errors="replace").encode())


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_very_long_value_gives_a_bounded_field(envoy, protocol):
    # Two values of 24 KiB: near Envoy's 60 KiB limit on a request's headers.
    path, value = f"/long-{protocol}", "u" * 24_000
    curl(path, protocol, [("x-user-id", value), ("authorization", value)])
    fields = line_for(envoy, path)
    assert fields == {"user": keyed(value.encode()), "token": keyed(value.encode(), 12)}, fields


def test_every_worker_hashes_alike(envoy):
    # 40 connections over the 4 workers, each its own user.
    for i in range(40):
        curl(f"/worker-{i}", "h2" if i % 2 else "http1", [("x-user-id", f"user-{i}")])
    lines = log_lines(envoy)
    for i in range(40):
        found = [line for line in lines if f" /worker-{i} " in line]
        assert len(found) == 1 and f"user={keyed(f'user-{i}'.encode())} " in found[0], found


# ----------------------------------------------------------------- bad configs

BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_json", {"raw": "key=abc"}, "expected a JSON object"),
    ("no_key", {"config": {}}, "exactly one of key and key_file is required"),
    ("both_keys", {"config": {"key": "0123456789abcdef", "key_file": "k"}}, "exactly one of key and key_file"),
    ("short_key", {"config": {"key": "short"}}, "the key has 5 bytes; at least 16 are required"),
    ("no_key_file", {"config": {"key_file": "no/such/key"}}, 'key_file "no/such/key"'),
    ("hex_chars", {"raw": '{"key": "0123456789abcdef", "hex_chars": 65}'}, "hex_chars must be 8 to 64, got 65"),
    ("unknown_field", {"config": {"key": "0123456789abcdef", "salt": "x"}}, "unknown field `salt`"),
    ("unknown_name", {}, "unknown filter name; this module has: fmt_header_hash"),
    ("no_argument", {"format": "%KEYED_HASH%"}, "invalid command %KEYED_HASH()%: needs a request header name"),
    ("bad_header", {"format": "%KEYED_HASH(a b)%"}, 'header name "a b" is not a valid HTTP token'),
]
GOOD_CONFIG = {"config": {"key": "0123456789abcdef"}}


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_formatter_config_is_refused(tmp_path, case, kwargs, expected):
    name = "no_such_formatter" if case == "unknown_name" else "fmt_header_hash"
    if "format" in kwargs:
        kwargs = {**GOOD_CONFIG, **kwargs}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.formatter_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "formatter", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]


def test_a_good_config_validates(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(kinds.formatter_bootstrap("fmt_header_hash", **GOOD_CONFIG)))
    code, out = processes.validate(path)
    assert code == 0, out[-3000:]
