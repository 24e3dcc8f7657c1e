"""The conformance cases: what passthrough + header_mutation must do on a listener
configured like 1063, whatever language serves it. Each case takes the port and
raises AssertionError on any difference from docs/CONTRACT.md.

The header_mutation config is the one in envoy.yaml (anchor &header_mutation).
The cases that are about the traffic rather than the mutations (the protocol
matrix, early endings, bodiless statuses, big bodies and headers) also take a
`Shape`: what a request needs to get through another filter, and what that
filter's answers show (test_demo_matrix.py runs them through the Rust demos).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import h2client
import ports
from client import request, upstream_view, websocket_echo

SET, REPLACED = "set-by-module", "replaced-by-module"
UPSTREAM = f"127.0.0.1:{ports.UPSTREAM}"
# Against a container (LAB_EXTERNAL=1) Envoy sees the Docker proxy, not us.
EXTERNAL = os.environ.get("LAB_EXTERNAL") == "1"


def assert_downstream(resp):
    seen = resp.values("x-downstream-address")
    if EXTERNAL:
        assert len(seen) == 1 and re.fullmatch(r"[0-9.]+:\d+", seen[0]), resp.headers
    else:
        assert seen == [resp.local_addr], resp.headers


ATTRIBUTE_HEADERS = ("x-downstream-address", "x-upstream-address", "x-response-code")


def assert_response_mutated(resp, status: int):
    assert resp.values("x-response-set") == [SET], resp.headers
    assert resp.values("x-response-code") == [str(status)], resp.headers


def mutated_response(values: Callable[[str], list[str]], status: int):
    assert values("x-response-set") == [SET], values("x-response-set")
    assert values("x-response-code") == [str(status)], values("x-response-code")


def mutated_request(view: dict):
    headers = view["headers"]
    assert headers.get("x-request-set") == [SET], headers
    assert headers.get("x-request-replace") == [REPLACED], headers
    assert "x-request-remove" not in headers, headers


@dataclass(frozen=True)
class Shape:
    """A listener's filters as the traffic cases see them: `headers` are added
    to every request (an x-auth for header_auth), `response(values, status)`
    checks an answer's headers, `request(view)` the upstream's view of a request."""

    headers: tuple[tuple[str, str], ...] = ()
    response: Callable[[Callable[[str], list[str]], int], None] = mutated_response
    request: Callable[[dict], None] = mutated_request


# passthrough + header_mutation (1063/1064/1065), the default of every case:
# each request carries headers the mutations act on.
MUTATED_REQUEST = (("x-request-replace", "a"), ("x-request-replace", "b"), ("x-request-remove", "secret"))
MUTATION = Shape(headers=MUTATED_REQUEST)


def served(port, shape: Shape = MUTATION):
    """A plain GET answered as usual: the check after every early ending."""
    resp = request(port, "/", headers=list(shape.headers))
    assert resp.status == 200 and resp.body == b"Hello from echo server\n", (resp.status, resp.body[:200])
    shape.response(resp.values, 200)


def request_set(port):
    view = upstream_view(request(port, "/headers"))
    assert view["headers"].get("x-request-set") == [SET], view["headers"]


def request_replace(port):
    resp = request(port, "/headers", headers=[("x-request-replace", "a"), ("x-request-replace", "b")])
    assert upstream_view(resp)["headers"].get("x-request-replace") == [REPLACED]


def request_remove(port):
    resp = request(port, "/headers", headers=[("x-request-remove", "secret")])
    assert "x-request-remove" not in upstream_view(resp)["headers"]


def request_untouched_headers_pass(port):
    resp = request(port, "/headers", headers=[("x-other", "kept")])
    assert upstream_view(resp)["headers"].get("x-other") == ["kept"]


def response_set(port):
    resp = request(port, "/")
    assert resp.status == 200 and resp.body == b"Hello from echo server\n"
    assert resp.values("x-response-set") == [SET]


def response_replace(port):
    resp = request(port, "/response-headers?x-response-replace=a&x-response-replace=b")
    assert resp.values("x-response-replace") == [REPLACED], resp.headers


def response_remove(port):
    resp = request(port, "/response-headers?x-response-remove=gone&x-response-keep=kept")
    assert resp.values("x-response-remove") == [], resp.headers
    assert resp.values("x-response-keep") == ["kept"], resp.headers


def attribute_headers(port):
    resp = request(port, "/")
    assert_downstream(resp)
    assert resp.values("x-upstream-address") == [UPSTREAM], resp.headers
    assert resp.values("x-response-code") == ["200"], resp.headers


def attribute_response_code_404(port):
    resp = request(port, "/status/404")
    assert resp.status == 404
    assert_response_mutated(resp, 404)


def post_1mib_body_unchanged(port, shape: Shape = MUTATION):
    body = os.urandom(1 << 20)
    resp = request(port, "/anything", method="POST", body=body, headers=list(shape.headers))
    view = upstream_view(resp)
    assert view["body_length"] == len(body)
    assert view["body_sha256"] == hashlib.sha256(body).hexdigest()
    shape.request(view)
    shape.response(resp.values, 200)


def hundred_request_headers(port, shape: Shape = MUTATION):
    sent = [(f"x-h-{i}", f"value-{i}") for i in range(100)]
    view = upstream_view(request(port, "/headers", headers=[*shape.headers, *sent]))
    for name, value in sent:
        assert view["headers"].get(name) == [value], name
    shape.request(view)


def repeated_header_names(port):
    resp = request(port, "/headers", headers=[("x-multi", "one"), ("x-multi", "two"), ("x-multi", "three")])
    got = [v for k, v in upstream_view(resp)["raw"] if k == "x-multi"]
    # HTTP allows a proxy to fold repeats into one comma-joined line.
    assert b", ".join(got) == b"one, two, three" or got == [b"one", b"two", b"three"], got


def non_ascii_header_bytes(port):
    value = "café ÿ".encode() + bytes([0xFF, 0x80])
    resp = request(port, "/headers", headers=[("x-bytes", value)])
    got = [v for k, v in upstream_view(resp)["raw"] if k == "x-bytes"]
    assert got == [value], got


def head_request(port, shape: Shape = MUTATION):
    resp = request(port, "/", method="HEAD", headers=list(shape.headers))
    assert resp.status == 200 and resp.body == b""
    shape.response(resp.values, 200)


def no_content_204(port, shape: Shape = MUTATION):
    resp = request(port, "/status/204", headers=list(shape.headers))
    assert resp.status == 204 and resp.body == b""
    shape.response(resp.values, 204)


def concurrent_200(port):
    def one(i):
        resp = request(port, f"/headers?i={i}", headers=[("x-request-remove", "x")])
        view = upstream_view(resp)
        return (
            resp.status == 200
            and view["path"] == f"/headers?i={i}"
            and view["headers"].get("x-request-set") == [SET]
            and "x-request-remove" not in view["headers"]
            and resp.values("x-response-set") == [SET]
            and len(resp.values("x-downstream-address")) == 1
            and (EXTERNAL or resp.values("x-downstream-address") == [resp.local_addr])
        )

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(one, range(200)))
    assert all(results), f"{results.count(False)} of 200 concurrent requests were wrong"


# ------------------------------------------------------------ the protocol matrix
# The same mutations over other framings: HTTP/2 (prior knowledge), chunked
# HTTP/1.1, 100-continue, bodiless statuses, big headers, trailers, upgrades.


def assert_h2_response(resp, status: int, shape: Shape = MUTATION):
    assert resp.status == status, (resp.status, resp.body[:200])
    shape.response(resp.values, status)


def assert_body_arrived(view, body: bytes):
    assert view["body_length"] == len(body), view["body_length"]
    assert view["body_sha256"] == hashlib.sha256(body).hexdigest()


def h2_get(port, shape: Shape = MUTATION):
    resp = h2client.request(port, "/headers", method="GET", headers=list(shape.headers))
    assert_h2_response(resp, 200, shape)
    shape.request(json.loads(resp.body))


def h2_post_many_data_frames(port, shape: Shape = MUTATION):
    # 300 frames of uneven sizes (1 byte to 8 KiB), about 1.2 MiB in all.
    frames = [os.urandom(1 + (i * 7919) % 8192) for i in range(300)]
    resp = h2client.request(port, "/anything", frames=frames, headers=list(shape.headers))
    assert_h2_response(resp, 200, shape)
    view = json.loads(resp.body)
    shape.request(view)
    assert_body_arrived(view, b"".join(frames))


def h2_post_with_trailers(port, shape: Shape = MUTATION):
    frames = [os.urandom(16384) for _ in range(4)]
    resp = h2client.request(
        port, "/anything", frames=frames, trailers=[("x-client-trailer", "t")], headers=list(shape.headers)
    )
    assert_h2_response(resp, 200, shape)
    view = json.loads(resp.body)
    shape.request(view)
    assert_body_arrived(view, b"".join(frames))


def h2_post_empty_last_frame(port, shape: Shape = MUTATION):
    frames = [os.urandom(1000), os.urandom(2000)]
    resp = h2client.request(port, "/anything", frames=frames, empty_last_frame=True, headers=list(shape.headers))
    assert_h2_response(resp, 200, shape)
    view = json.loads(resp.body)
    shape.request(view)
    assert_body_arrived(view, b"".join(frames))


def curl(port, path, *args, data: bytes | None = None) -> tuple[list[str], dict[str, list[str]], bytes]:
    """curl with the response head written to stdout before the body: returns
    the status lines seen (1xx included), the last head's headers and the body."""
    out = subprocess.run(
        ["curl", "-sS", "--max-time", "20", "-D", "-", "-o", "/dev/stderr", *args, f"http://127.0.0.1:{port}{path}"]
        + (["--data-binary", "@-"] if data is not None else []),
        input=data,
        capture_output=True,
        check=True,
    )
    statuses: list[str] = []
    headers: dict[str, list[str]] = {}
    for line in out.stdout.decode("latin-1").split("\r\n"):
        if line.startswith("HTTP/"):
            statuses.append(line)
            headers = {}
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return statuses, headers, out.stderr


def field_values(fields: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    """The `values(name)` of a raw header list, for Shape.response."""
    return lambda name: [v for k, v in fields if k == name]


def curl_headers(shape: Shape) -> list[str]:
    return sum((["-H", f"{k}: {v}"] for k, v in shape.headers), [])


def http1_chunked_request_body(port, shape: Shape = MUTATION):
    body = os.urandom(300_000)
    statuses, headers, out = curl(
        port, "/anything", "-H", "Transfer-Encoding: chunked", *curl_headers(shape), data=body
    )
    assert statuses[-1].startswith("HTTP/1.1 200"), statuses
    shape.response(lambda name: headers.get(name, []), 200)
    view = json.loads(out)
    assert view["headers"].get("transfer-encoding") is None  # Go hides it; the body length says it was chunked
    shape.request(view)
    assert_body_arrived(view, body)


def http1_expect_100_continue(port, shape: Shape = MUTATION):
    body = os.urandom(200_000)
    statuses, headers, out = curl(
        port, "/anything", "-H", "Expect: 100-continue", "--expect100-timeout", "10", *curl_headers(shape), data=body
    )
    assert statuses[0].startswith("HTTP/1.1 100"), statuses
    assert statuses[-1].startswith("HTTP/1.1 200"), statuses
    shape.response(lambda name: headers.get(name, []), 200)
    view = json.loads(out)
    shape.request(view)
    assert_body_arrived(view, body)


def not_modified_304(port, shape: Shape = MUTATION):
    resp = request(port, "/status/304", headers=list(shape.headers))
    assert resp.status == 304 and resp.body == b""
    shape.response(resp.values, 304)


def header_60kib(port, shape: Shape = MUTATION):
    # Envoy's default limit is 60 KiB for the whole request head: a 59 KiB
    # value fits and arrives intact; a 61 KiB one is refused (431) by Envoy.
    value = os.urandom(59 * 1024 // 2).hex()
    resp = request(port, "/headers", headers=[*shape.headers, ("x-big", value)])
    assert resp.status == 200
    view = upstream_view(resp)
    assert view["headers"].get("x-big") == [value]
    shape.request(view)
    shape.response(resp.values, 200)
    assert request(port, "/headers", headers=[*shape.headers, ("x-big", "a" * 61 * 1024)]).status == 431
    served(port, shape)


def upstream_trailers_at_h2_client(port, shape: Shape = MUTATION):
    resp = h2client.request(port, "/trailers", method="GET", headers=list(shape.headers))
    assert_h2_response(resp, 200, shape)
    assert resp.body == b"Hello from echo server\n"
    assert ("x-upstream-trailer", "sent-after-body") in resp.trailers, resp.trailers


def websocket_upgrade(port, shape: Shape = MUTATION):
    status, headers, accept_ok, frame = websocket_echo(port, "hello through envoy", headers=shape.headers)
    assert status == 101, headers
    assert accept_ok, headers
    shape.response(field_values(headers), 101)
    assert frame == (1, b"hello through envoy"), frame


# ----------------------------------------------------------------- early endings
# Each ends a stream early, then a plain request must still be served.


def raw_head(shape: Shape) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in shape.headers).encode()


def client_aborts_mid_body(port, shape: Shape = MUTATION):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /anything HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n%s\r\n" % raw_head(shape)
            )
            sock.sendall(os.urandom(100_000))
        h2client.abort_mid_body(port)
    post_1mib_body_unchanged(port, shape)
    h2_post_many_data_frames(port, shape)


def client_aborts_mid_response(port, shape: Shape = MUTATION):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(
                b"GET /repeat?text=abcdefgh&count=1048576&chunk=65536 HTTP/1.1\r\nHost: localhost\r\n%s\r\n"
                % raw_head(shape)
            )
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    served(port, shape)


def upstream_resets_503(port, shape: Shape = MUTATION):
    resp = request(port, "/reset", headers=list(shape.headers))
    assert resp.status == 503, (resp.status, resp.body)
    shape.response(resp.values, 503)
    served(port, shape)


# What /reset-mid-body promises (Content-Length) and sends before it closes.
MID_BODY_PROMISED, MID_BODY_SENT = 1 << 20, 65536


def read_until_closed(sock) -> bytes:
    data = bytearray()
    while got := sock.recv(65536):
        data += got
    return bytes(data)


def cut_short_http1(port, headers=()) -> tuple[list[tuple[str, str]], bytes]:
    """GET /reset-mid-body over HTTP/1.1: a 200 head, then Envoy closes the
    connection before the body is complete (short of its Content-Length, or
    without the last chunk). Returns the head's headers and the body bytes seen."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers).encode()
        sock.sendall(b"GET /reset-mid-body HTTP/1.1\r\nHost: localhost\r\n%s\r\n" % extra)
        raw = read_until_closed(sock)
    head, sep, body = raw.partition(b"\r\n\r\n")
    assert sep and head.startswith(b"HTTP/1.1 200"), raw[:300]
    fields = [
        (k.strip().lower(), v.strip())
        for k, _, v in (line.partition(":") for line in head.decode("latin-1").split("\r\n")[1:])
    ]
    length = [v for k, v in fields if k == "content-length"]
    if length:
        assert len(body) < int(length[0]), (len(body), length)
        return fields, body
    assert ("transfer-encoding", "chunked") in fields, fields
    assert not body.endswith(b"0\r\n\r\n"), body[-20:]
    return fields, dechunk_prefix(body)


def cut_short_http1_concurrently(port, n: int, headers=()) -> list[tuple[list[tuple[str, str]], bytes]]:
    """cut_short_http1 on n connections at once. Envoy holds each cut
    connection open for its delayed_close_timeout (1 s) before the close the
    client waits for: side by side, n cuts take that second once."""
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: cut_short_http1(port, headers), range(n)))


def dechunk_prefix(data: bytes) -> bytes:
    """The payload of a chunked body that may stop anywhere."""
    out = bytearray()
    while True:
        line, sep, rest = data.partition(b"\r\n")
        size = int(line.split(b";")[0] or b"0", 16) if sep else 0
        out += rest[:size]
        if size == 0 or len(rest) < size + 2:
            return bytes(out)
        data = rest[size + 2 :]


def cut_short_http2(port, headers=()):
    """The same over HTTP/2: the 200 and some DATA, then RST_STREAM, never END_STREAM."""
    resp = h2client.request(port, "/reset-mid-body", method="GET", headers=list(headers))
    assert resp.status == 200 and resp.reset is not None, (resp.status, resp.reset, len(resp.body))
    assert len(resp.body) <= MID_BODY_SENT, len(resp.body)
    return resp


def upstream_resets_mid_body(port, shape: Shape = MUTATION):
    for fields, body in cut_short_http1_concurrently(port, 3, shape.headers):
        shape.response(field_values(fields), 200)
        assert len(body) <= MID_BODY_SENT and b"Hello from echo server\n".startswith(body[:23]), body[:50]
    for _ in range(3):
        resp = cut_short_http2(port, shape.headers)
        assert_h2_response(resp, 200, shape)
    served(port, shape)


CASES = [
    request_set,
    request_replace,
    request_remove,
    request_untouched_headers_pass,
    response_set,
    response_replace,
    response_remove,
    attribute_headers,
    attribute_response_code_404,
    post_1mib_body_unchanged,
    hundred_request_headers,
    repeated_header_names,
    non_ascii_header_bytes,
    head_request,
    no_content_204,
    concurrent_200,
    h2_get,
    h2_post_many_data_frames,
    h2_post_with_trailers,
    h2_post_empty_last_frame,
    http1_chunked_request_body,
    http1_expect_100_continue,
    not_modified_304,
    header_60kib,
    upstream_trailers_at_h2_client,
    websocket_upgrade,
    client_aborts_mid_body,
    client_aborts_mid_response,
    upstream_resets_503,
    upstream_resets_mid_body,
]
