"""A tiny HTTP/1.1 client over http.client that keeps what tests care about:
repeated headers in order, raw header bytes, and the local address used."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]  # lowercased names, in order
    body: bytes
    local_addr: str  # the client's ip:port, as Envoy sees the downstream

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name.lower()]

    def header(self, name: str) -> str | None:
        values = self.values(name)
        return values[0] if values else None

    def json(self):
        return json.loads(self.body)


def request(
    port: int,
    path: str = "/",
    method: str = "GET",
    headers: list[tuple[str, str | bytes]] | None = None,
    body: bytes | None = None,
    host: str = "127.0.0.1",
    timeout: float = 30,
) -> Response:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers or []:
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("content-length", str(len(body)))
        conn.endheaders(body)
        local = conn.sock.getsockname()
        resp = conn.getresponse()
        data = resp.read()
        # http.client decodes header bytes as latin-1; keep that (lossless).
        hdrs = [(k.lower(), v) for k, v in resp.getheaders()]
        return Response(resp.status, hdrs, data, f"{local[0]}:{local[1]}")
    finally:
        conn.close()


def upstream_view(resp: Response) -> dict:
    """The echo upstream's reflection of the request (from /headers or /anything)."""
    view = resp.json()
    view["raw"] = [(k, base64.b64decode(v)) for k, v in view.get("raw_headers", [])]
    return view


WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def websocket_echo(
    port: int, text: str, path: str = "/websocket", timeout: float = 10, headers: Sequence[tuple[str, str]] = ()
):
    """A WebSocket handshake over a raw socket (with `headers` added), then one
    masked text frame. Returns (status, headers, accept_ok, (opcode, payload))
    of what came back."""
    key = base64.b64encode(os.urandom(16))
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(
            b"GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n" % (path.encode(), key, extra)
        )
        raw = b""
        while b"\r\n\r\n" not in raw:
            got = sock.recv(4096)
            if not got:
                raise ConnectionError(f"closed during the handshake: {raw!r}")
            raw += got
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
        want = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID).digest()).decode()
        accept_ok = [v for k, v in headers if k == "sec-websocket-accept"] == [want]
        if status != 101:
            return status, headers, accept_ok, None
        payload, mask = text.encode(), os.urandom(4)
        assert len(payload) < 126
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7F):
            got = sock.recv(4096)
            if not got:
                raise ConnectionError(f"closed before the echoed frame: {rest!r}")
            rest += got
        return status, headers, accept_ok, (rest[0] & 0x0F, rest[2 : 2 + (rest[1] & 0x7F)])
    finally:
        sock.close()
