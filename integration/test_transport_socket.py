"""ts_frames, the transport socket (librust_module.so), through the lab's
envoy.yaml with 4 workers: 1151 takes plain TCP and proxies it over the
cluster ts_frames_link, whose socket frames every byte; 1152's filter chain
parses the frames and serves HTTP/1.1 or h2c from the echo upstream. Clients:
Python's http.client and h2client (h2c, prior knowledge), raw sockets. An
Envoy built here puts a wire recorder (a raw TCP server) behind a framed
cluster, and runs both ends with 7-byte frames for half-close checks. Bad
configs: `envoy --mode validate`, one line each.

Timings here: about 4 s for the whole file."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
import ports
from client import request
from harness import processes

IN, FRAMED = 1151, 1152
SIZES = [3, 16384, 16385, 100_000, 1 << 20]


def body(n: int) -> bytes:
    return bytes((i * 31 + 7) % 251 for i in range(n))


# ------------------------------------------------- HTTP through frames, the lab


@pytest.mark.parametrize("size", SIZES)
def test_http1_bodies_cross_the_frames_unchanged(envoy, size):
    sent = body(size)
    resp = request(IN, "/echo", method="POST", body=sent)
    assert resp.status == 200
    assert resp.body == sent


@pytest.mark.parametrize("size", SIZES)
def test_h2c_bodies_cross_the_frames_unchanged(envoy, size):
    sent = body(size)
    chunks = [sent[i : i + 16384] for i in range(0, len(sent), 16384)]
    resp = h2client.request(IN, "/echo", frames=chunks)
    assert resp.status == 200
    assert resp.body == sent


def test_four_workers_keep_every_connection_apart(envoy):
    def one(i: int) -> bool:
        sent = body(5000 + i)
        return request(IN, "/echo", method="POST", body=sent).body == sent

    with ThreadPoolExecutor(16) as pool:
        assert all(pool.map(one, range(64)))


def test_plaintext_to_the_framed_listener_is_closed_and_envoy_keeps_serving(envoy):
    with socket.create_connection(("127.0.0.1", FRAMED), timeout=3) as s:
        s.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        assert s.recv(100) == b""
    line = "ts_frames: frame header announces 1195725856 bytes, over max_frame_bytes 16384; connection from"
    deadline = time.monotonic() + 3
    while line not in envoy.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert line in envoy.log()
    assert request(IN, "/echo", method="POST", body=b"still").body == b"still"


@pytest.mark.parametrize("header", [struct.pack(">I", 16385), struct.pack(">I", 0), b"\xff\xff\xff\xff"])
def test_a_bad_frame_header_closes_at_once_without_reading_its_payload(envoy, header):
    with socket.create_connection(("127.0.0.1", FRAMED), timeout=3) as s:
        s.sendall(header)
        start = time.monotonic()
        assert s.recv(100) == b""
        assert time.monotonic() - start < 1
        # Whatever follows finds the connection gone (RST or EPIPE), not a
        # buffer that grows.
        with pytest.raises(OSError):
            for _ in range(64):
                s.sendall(b"\0" * 65536)
                time.sleep(0.01)


# ------------------------------------------------------- Envoy built here


class Recorder:
    """A raw TCP server behind a framed cluster: keeps every byte it gets and,
    once the client half-closes, answers with the reply in frames of 5 bytes,
    then closes."""

    def __init__(self, port: int, reply: bytes):
        self.reply, self.wire, self.eof = reply, bytearray(), threading.Event()
        self.sock = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        with contextlib.suppress(OSError):
            conn, _ = self.sock.accept()
            with conn:
                while data := conn.recv(65536):
                    self.wire += data
                self.eof.set()
                for i in range(0, len(self.reply), 5):
                    part = self.reply[i : i + 5]
                    conn.sendall(struct.pack(">I", len(part)) + part)

    def close(self):
        self.sock.close()


class PlainEcho:
    """A raw TCP echo that half-closes when the client does."""

    def __init__(self, port: int):
        self.sock = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                threading.Thread(target=self.echo, args=(conn,), daemon=True).start()

    @staticmethod
    def echo(conn):
        with conn, contextlib.suppress(OSError):
            while data := conn.recv(65536):
                conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)

    def close(self):
        self.sock.close()


def parse_frames(wire: bytes) -> list[bytes]:
    frames = []
    while wire:
        (n,) = struct.unpack(">I", wire[:4])
        frames.append(wire[4 : 4 + n])
        assert len(frames[-1]) == n, "cut frame"
        wire = wire[4 + n :]
    return frames


def exchange(port: int, data: bytes) -> bytes:
    """Sends `data`, half-closes, reads to the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:

        def send():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)

        threading.Thread(target=send, daemon=True).start()
        got = bytearray()
        while chunk := s.recv(65536):
            got += chunk
        return bytes(got)


@pytest.fixture(scope="module")
def own_envoy(logs_dir, tmp_path_factory):
    small = kinds.transport_socket("ts_frames", raw='{"max_frame_bytes": 7}')
    listeners = [
        kinds.tcp_proxy_listener(ports.TS_TEST_LISTENERS["to_recorder"], "recorder"),
        kinds.tcp_proxy_listener(ports.TS_TEST_LISTENERS["small_in"], "small"),
        kinds.framed_listener(ports.TS_TEST_LISTENERS["small"], small, "plain_echo"),
    ]
    config = kinds.bootstrap(listeners, ports.TS_TEST_ADMIN)
    config["static_resources"]["clusters"] += [
        kinds.framed_cluster(
            "recorder", ports.TS_RECORDER, kinds.transport_socket("ts_frames", raw='{"max_frame_bytes": 1000}')
        ),
        kinds.framed_cluster("small", ports.TS_TEST_LISTENERS["small"], small),
        kinds._cluster("plain_echo", ports.TS_PLAIN_ECHO),
    ]
    path = tmp_path_factory.mktemp("ts") / "ts.json"
    path.write_text(json.dumps(config))
    proc = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ports.TS_TEST_ADMIN,
        base_id=ports.BASE_ID["transport_socket"],
        name="envoy-transport-socket",
    )
    yield proc
    code = proc.stop()
    assert code == 0, proc.log()[-3000:]


def test_the_wire_holds_real_frames_and_the_reply_is_unframed(own_envoy):
    sent, reply = body(5000), b"the reply, framed by the recorder"
    recorder = Recorder(ports.TS_RECORDER, reply)
    try:
        assert exchange(ports.TS_TEST_LISTENERS["to_recorder"], sent) == reply
        assert recorder.eof.wait(3), "the half close crossed as the end of the frames"
        frames = parse_frames(bytes(recorder.wire))
        assert all(1 <= len(f) <= 1000 for f in frames), [len(f) for f in frames]
        assert len(frames) >= 5
        assert b"".join(frames) == sent
    finally:
        recorder.close()


def test_seven_byte_frames_both_ways_and_half_close_in_both_directions(own_envoy):
    echo = PlainEcho(ports.TS_PLAIN_ECHO)
    try:
        for size in (0, 1, 7, 8, 100_000):
            sent = body(size)
            assert exchange(ports.TS_TEST_LISTENERS["small_in"], sent) == sent, size
    finally:
        echo.close()


# ------------------------------------------------------------- bad configs

BAD = [
    ("zero", '{"max_frame_bytes": 0}', "max_frame_bytes must be between 1 and 16777216, not 0"),
    ("too_big", '{"max_frame_bytes": 16777217}', "not 16777217"),
    ("unknown_field", '{"max_frame": 10}', "unknown field `max_frame`"),
    ("not_json", "max_frame_bytes=10", "expected a JSON object"),
    ("wrong_type", '{"max_frame_bytes": "10"}', "invalid type: string"),
    ("no_config", None, "filter_config is empty"),
    ("unknown_socket", "{}", "unknown filter name; this module has: ts_frames"),
]


@pytest.mark.parametrize("case,raw,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_socket_config_is_refused_with_one_line(tmp_path, case, raw, expected):
    name = "no_such_socket" if case == "unknown_socket" else "ts_frames"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.transport_socket_bootstrap(name, raw=raw)))
    code, out = processes.validate(path, cwd=tmp_path)
    lines = [
        line for line in out.splitlines() if f"rust_module: transport socket '{name}'" in line and "[error]" in line
    ]
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
