"""A small blocking HTTP/2 client (cleartext, prior knowledge) over the `h2`
library: one connection, one request at a time, bodies sent as the peer's flow
control allows. Enough for the soak to mix HTTP/2 with HTTP/1.1 on the lab's
listeners, which accept both (codec AUTO)."""

from __future__ import annotations

import socket

import h2.config
import h2.connection
import h2.events
import h2.exceptions


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
