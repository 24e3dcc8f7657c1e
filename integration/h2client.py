"""Cleartext HTTP/2 (prior knowledge) clients over the `h2` library, for
listeners without a codec_type (Envoy's AUTO accepts both HTTP/1.1 and h2):

- `request()`: one request on a new connection whose body framing the test
  chooses: DATA frames of any size, an empty final DATA frame, or trailers
  ending the request (the WAF, delay and body_rewrite tests).
- `H2Connection`: one connection, one request at a time, bodies sent as the
  peer's flow control allows (the soak mixes it with HTTP/1.1)."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions


@dataclass
class H2Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    trailers: list[tuple[str, str]] = field(default_factory=list)
    # The RST_STREAM error code when the stream was reset after the response began.
    reset: int | None = None

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]


def _text_headers(headers) -> list[tuple[str, str]]:
    """h2 hands headers over as str with header_encoding set (as here); its
    types say bytes, so decode whatever bytes there are."""
    return [(k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v) for k, v in headers]


def request(
    port: int,
    path: str = "/",
    method: str = "POST",
    frames: Sequence[bytes] = (),
    trailers: list[tuple[str, str]] | None = None,
    empty_last_frame: bool = False,
    headers: list[tuple[str, str]] | None = None,
    timeout: float = 30,
) -> H2Response:
    """Sends one request on a new connection. The request ends with the last of
    `frames` (END_STREAM on it), or with an empty DATA frame when
    `empty_last_frame`, or with `trailers` when given."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        conn.initiate_connection()
        sid = conn.get_next_available_stream_id()
        no_body = not frames and not empty_last_frame and trailers is None
        conn.send_headers(
            sid,
            [(":method", method), (":path", path), (":scheme", "http"), (":authority", "localhost"), *(headers or [])],
            end_stream=no_body,
        )
        sock.sendall(conn.data_to_send())
        backlog: list = []
        for i, frame in enumerate(frames):
            last = i + 1 == len(frames) and not empty_last_frame and trailers is None
            if not _send_data(conn, sock, sid, frame, last, backlog):
                return _read_response(conn, sock, sid, backlog)
        if empty_last_frame:
            conn.send_data(sid, b"", end_stream=True)
        elif trailers is not None:
            conn.send_headers(sid, trailers, end_stream=True)
        sock.sendall(conn.data_to_send())
        return _read_response(conn, sock, sid, backlog)
    finally:
        sock.close()


def _send_data(conn, sock, sid, data: bytes, end: bool, backlog: list) -> bool:
    """One DATA frame per call when it fits the peer's frame size and window;
    larger payloads are split at the peer's limits. False when Envoy answered
    (or reset the stream) before the data was all sent."""
    while True:
        if any(isinstance(e, (h2.events.StreamEnded, h2.events.StreamReset)) and e.stream_id == sid for e in backlog):
            return False
        room = min(conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
        if room >= len(data):
            conn.send_data(sid, data, end_stream=end)
            sock.sendall(conn.data_to_send())
            return True
        if room > 0:
            conn.send_data(sid, data[:room])
            data = data[room:]
            sock.sendall(conn.data_to_send())
        else:
            backlog += _pump(conn, sock)  # wait for a WINDOW_UPDATE


def _pump(conn, sock) -> list:
    raw = sock.recv(65536)
    if not raw:
        raise ConnectionError("connection closed by Envoy")
    events = conn.receive_data(raw)
    sock.sendall(conn.data_to_send())
    return events


def _read_response(conn, sock, sid, backlog: list) -> H2Response:
    status, headers, body, trailers = 0, [], bytearray(), []
    while True:
        events, backlog = backlog or _pump(conn, sock), []
        for event in events:
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == sid:
                headers = _text_headers(event.headers)
                status = int(dict(headers)[":status"])
            elif isinstance(event, h2.events.DataReceived) and event.stream_id == sid:
                body += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, sid)
            elif isinstance(event, h2.events.TrailersReceived) and event.stream_id == sid:
                trailers = _text_headers(event.headers)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == sid:
                return H2Response(status, headers, bytes(body), trailers)
            elif isinstance(event, h2.events.StreamReset) and event.stream_id == sid:
                if status:
                    return H2Response(status, headers, bytes(body), trailers, reset=event.error_code)
                raise ConnectionError(f"stream reset by Envoy: {event.error_code}")
        sock.sendall(conn.data_to_send())


def chunked_request(port: int, chunks: list[bytes], path: str = "/anything", timeout: float = 30) -> tuple[int, bytes]:
    """An HTTP/1.1 POST with `Transfer-Encoding: chunked`, one chunk per entry
    (each sent on its own), then the zero-length last chunk. Returns (status, body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        for chunk in chunks:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sock.sendall(b"0\r\n\r\n")
        raw = bytearray()
        while True:
            got = sock.recv(65536)
            if not got:
                break
            raw += got
    finally:
        sock.close()
    head, _, body = bytes(raw).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    return status, body


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)


class H2Error(ConnectionError):
    """The connection or the stream ended before the response did."""


class H2Connection:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60):
        self.authority = f"{host}:{port}"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        self.sock.sendall(self.h2.data_to_send())

    def close(self):
        self.sock.close()

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes | None):
        """Sends one request; returns (status, [(name, value)], body). Raises
        H2Error (an OSError) for anything that ends it early."""
        try:
            return self._request(method, path, headers, body)
        except h2.exceptions.H2Error as e:  # the peer broke the protocol
            raise H2Error(f"{type(e).__name__}: {e}") from e

    def _request(self, method, path, headers, body):
        stream = self.h2.get_next_available_stream_id()
        fields = [(":method", method), (":scheme", "http"), (":authority", self.authority), (":path", path)]
        fields += [(k.lower(), v) for k, v in headers.items()]
        if body is not None:
            fields.append(("content-length", str(len(body))))
        self.h2.send_headers(stream, fields, end_stream=body is None)
        self.sock.sendall(self.h2.data_to_send())
        pending = memoryview(body) if body else None
        status, resp_headers, data, done = 0, [], bytearray(), False
        while not done:
            if pending is not None:
                n = min(len(pending), self.h2.local_flow_control_window(stream), self.h2.max_outbound_frame_size)
                if n > 0:
                    last = n == len(pending)
                    self.h2.send_data(stream, pending[:n].tobytes(), end_stream=last)
                    pending = None if last else pending[n:]
                    self.sock.sendall(self.h2.data_to_send())
                    continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise H2Error("connection closed before the response ended")
            for event in self.h2.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream:
                    resp_headers = [(k, v) for k, v in event.headers if not k.startswith(":")]
                    status = int(dict(event.headers)[":status"])
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream:
                    done = True
                elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream and not done:
                    # An answer sent before the whole body was read ends the
                    # stream with RST_STREAM(NO_ERROR) after the response.
                    if status and event.error_code == 0:
                        done = True
                    else:
                        raise H2Error(f"stream reset: {event.error_code!r}")
                elif isinstance(event, h2.events.ConnectionTerminated):
                    raise H2Error(f"GOAWAY: {event.error_code!r}")
            self.sock.sendall(self.h2.data_to_send())
        return status, resp_headers, bytes(data)


def abort_mid_body(port: int, path: str = "/anything", declared: int = 1 << 20, sent: int = 16384):
    """Starts a POST of `declared` bytes, sends one DATA frame of at most `sent`, then cancels the
    stream (RST_STREAM CANCEL) and closes the connection: a client giving up."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        conn.initiate_connection()
        sid = conn.get_next_available_stream_id()
        fields = [(":method", "POST"), (":path", path), (":scheme", "http"), (":authority", "localhost")]
        conn.send_headers(sid, [*fields, ("content-length", str(declared))])
        conn.send_data(sid, bytes(min(sent, conn.local_flow_control_window(sid), conn.max_outbound_frame_size)))
        conn.reset_stream(sid, h2.errors.ErrorCodes.CANCEL)
        sock.sendall(conn.data_to_send())
