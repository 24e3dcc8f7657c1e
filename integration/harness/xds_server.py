"""A small xDS control plane for the config validator: it serves the clusters
and listeners of a JSON spec file (xds_resources.from_spec) over gRPC, and
pushes them again whenever the file changes, as production control planes
push an update. Envoy runs config validators on gRPC subscriptions only (a
path_config_source has none), hence a server and not a file.

State of the world (StreamClusters, StreamListeners, StreamAggregatedResources)
and delta (DeltaClusters, DeltaListeners) over cleartext HTTP/2 (the h2
package). Every reply Envoy sends back is kept: an ACK names the version it
took, a NACK carries Envoy's reason (`nacks`). Tests and the lab run it in
their own process (a thread per connection).
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import h2.config
import h2.connection
import h2.events

from harness import xds_resources as res

SOTW = {"StreamClusters", "StreamListeners", "StreamAggregatedResources"}
DELTA = {"DeltaClusters", "DeltaListeners", "DeltaAggregatedResources"}


# ---------------------------------------------------------------- wire reading


def read_fields(data: bytes):
    """(number, value) of each field; value an int or bytes. Enough for the
    requests Envoy sends (no fixed-width fields among the ones read)."""
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        kind = key & 7
        if kind == 0:
            value, i = read_varint(data, i)
            yield key >> 3, value
        elif kind == 2:
            n, i = read_varint(data, i)
            yield key >> 3, data[i : i + n]
            i += n
        elif kind == 1:
            i += 8
        elif kind == 5:
            i += 4
        else:
            raise ValueError(f"wire type {kind}")


def read_varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


@dataclass
class Reply:
    """What Envoy answered to one response: an ACK, or a NACK with its reason."""

    type_url: str
    nonce: str
    version: str
    error: str | None


def parse_request(msg: bytes, delta: bool) -> tuple[str, Reply]:
    """(type_url, reply) of a DiscoveryRequest (type_url 4, version_info 1,
    response_nonce 5, error_detail 6) or a DeltaDiscoveryRequest (type_url 2,
    response_nonce 6, error_detail 7); error_detail is a google.rpc.Status
    (message 2)."""
    f_type, f_nonce, f_error = (2, 6, 7) if delta else (4, 5, 6)
    type_url = nonce = version = ""
    error = None
    for number, value in read_fields(msg):
        if number == f_type:
            type_url = bytes(value).decode()
        elif number == f_nonce:
            nonce = bytes(value).decode()
        elif number == 1 and not delta:
            version = bytes(value).decode()
        elif number == f_error:
            error = next((bytes(v).decode(errors="replace") for n, v in read_fields(value) if n == 2), "")
    return type_url, Reply(type_url, nonce, version, error)


def response(type_url: str, version: str, nonce: str, resources: list[tuple[str, bytes]], delta: bool) -> bytes:
    """A DiscoveryResponse (version_info 1, resources 2, type_url 4, nonce 5)
    or a DeltaDiscoveryResponse (system_version_info 1, resources 2 of
    Resource{version 1, resource 2, name 3}, type_url 4, nonce 5)."""
    out = res.field(1, version)
    for name, body in resources:
        wrapped = res.any_(type_url, body)
        out += res.field(2, res.field(1, version) + res.field(2, wrapped) + res.field(3, name) if delta else wrapped)
    return out + res.field(4, type_url) + res.field(5, nonce)


def grpc_frame(msg: bytes) -> bytes:
    return b"\0" + struct.pack(">I", len(msg)) + msg


# ---------------------------------------------------------------- the server


class XdsServer:
    """Serves `spec_path` on 127.0.0.1:`port` until stop()."""

    def __init__(self, port: int, spec_path: Path):
        self.port = port
        self.spec_path = Path(spec_path)
        self.lock = threading.Lock()
        self.replies: list[Reply] = []
        self.nonce = 0
        self.versions: dict[str, str] = {}  # nonce -> the version it carried
        self.stopping = threading.Event()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    # What tests read.
    def nacks(self) -> list[Reply]:
        with self.lock:
            return [r for r in self.replies if r.error is not None]

    def acked(self, type_url: str) -> list[str]:
        """The versions of `type_url` Envoy took, in order."""
        with self.lock:
            return [r.version for r in self.replies if r.type_url == type_url and r.error is None and r.nonce]

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=2)
        self.sock.close()

    # The spec, re-read at every turn of a connection's loop (a few bytes).
    def _spec(self) -> tuple[str, dict]:
        try:
            text = self.spec_path.read_text()
            spec = json.loads(text)
        except (OSError, ValueError):
            return "", {}
        # A spec without "version" (one edited by hand) is versioned by its content.
        stamp = hashlib.sha256(text.encode()).hexdigest()[:12]
        return str(spec.get("version", stamp)), res.from_spec(spec)

    def _next_nonce(self) -> str:
        with self.lock:
            self.nonce += 1
            return str(self.nonce)

    def _accept(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket):
        h2c = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        h2c.initiate_connection()
        conn.sendall(h2c.data_to_send())
        conn.settimeout(0.05)
        streams: dict[int, dict] = {}  # stream id -> {delta, type_url, sent version, buffer}
        try:
            while not self.stopping.is_set():
                try:
                    data = conn.recv(65536)
                    if not data:
                        return
                except TimeoutError:
                    data = b""
                for event in h2c.receive_data(data) if data else []:
                    self._event(h2c, event, streams)
                version, resources = self._spec()
                for sid, st in streams.items():
                    if st["type_url"] and version and st["sent"] != version:
                        self._send(h2c, sid, st, version, resources)
                out = h2c.data_to_send()
                if out:
                    conn.sendall(out)
        except (OSError, h2.exceptions.ProtocolError):
            return
        finally:
            conn.close()

    def _event(self, h2c, event, streams):
        if isinstance(event, h2.events.RequestReceived):
            path = dict(event.headers).get(":path", "")
            method = path.rsplit("/", 1)[-1]
            if method not in SOTW | DELTA:
                h2c.send_headers(
                    event.stream_id,
                    [(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "12")],
                    end_stream=True,
                )
                return
            streams[event.stream_id] = {"delta": method in DELTA, "type_url": "", "sent": None, "buf": b""}
            h2c.send_headers(event.stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        elif isinstance(event, h2.events.DataReceived):
            h2c.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            st = streams.get(event.stream_id)
            if st is None:
                return
            st["buf"] += event.data
            while len(st["buf"]) >= 5:
                n = struct.unpack(">I", st["buf"][1:5])[0]
                if len(st["buf"]) < 5 + n:
                    break
                msg, st["buf"] = st["buf"][5 : 5 + n], st["buf"][5 + n :]
                type_url, reply = parse_request(msg, st["delta"])
                st["type_url"] = st["type_url"] or type_url
                if reply.nonce:
                    with self.lock:
                        if st["delta"]:  # a delta request names no version: its nonce's
                            reply.version = self.versions.get(reply.nonce, "")
                        self.replies.append(reply)
        elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
            streams.pop(event.stream_id, None)

    def _send(self, h2c, sid: int, st: dict, version: str, resources: dict):
        nonce = self._next_nonce()
        with self.lock:
            self.versions[nonce] = version
        body = response(st["type_url"], version, nonce, resources.get(st["type_url"], []), st["delta"])
        h2c.send_data(sid, grpc_frame(body))
        st["sent"] = version
