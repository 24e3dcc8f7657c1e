"""A tiny HTTP/1.1 client over http.client that keeps what tests care about:
repeated headers in order, raw header bytes, and the local address used."""

from __future__ import annotations

import base64
import http.client
import json
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
