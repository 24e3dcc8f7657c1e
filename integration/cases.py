"""The conformance cases: what passthrough + header_mutation must do on a listener
configured like 1063, whatever language serves it. Each case takes the port and
raises AssertionError on any difference from docs/CONTRACT.md.

The header_mutation config is the one in envoy.yaml (anchor &header_mutation).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor

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


def post_1mib_body_unchanged(port):
    body = os.urandom(1 << 20)
    resp = request(port, "/anything", method="POST", body=body)
    view = upstream_view(resp)
    assert view["body_length"] == len(body)
    assert view["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert view["headers"].get("x-request-set") == [SET]
    assert_response_mutated(resp, 200)


def hundred_request_headers(port):
    sent = [(f"x-h-{i}", f"value-{i}") for i in range(100)]
    view = upstream_view(request(port, "/headers", headers=sent))
    for name, value in sent:
        assert view["headers"].get(name) == [value], name
    assert view["headers"].get("x-request-set") == [SET]


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


def head_request(port):
    resp = request(port, "/", method="HEAD")
    assert resp.status == 200 and resp.body == b""
    assert_response_mutated(resp, 200)


def no_content_204(port):
    resp = request(port, "/status/204")
    assert resp.status == 204 and resp.body == b""
    assert_response_mutated(resp, 204)


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

MUTATED_REQUEST = [("x-request-replace", "a"), ("x-request-replace", "b"), ("x-request-remove", "secret")]


def assert_request_mutated(view):
    headers = view["headers"]
    assert headers.get("x-request-set") == [SET], headers
    assert headers.get("x-request-replace") == [REPLACED], headers
    assert "x-request-remove" not in headers, headers


def assert_h2_response_mutated(resp, status: int):
    assert resp.status == status, (resp.status, resp.body[:200])
    assert resp.values("x-response-set") == [SET], resp.headers
    assert resp.values("x-response-code") == [str(status)], resp.headers


def assert_body_arrived(view, body: bytes):
    assert view["body_length"] == len(body), view["body_length"]
    assert view["body_sha256"] == hashlib.sha256(body).hexdigest()


def h2_get(port):
    resp = h2client.request(port, "/headers", method="GET", headers=MUTATED_REQUEST)
    assert_h2_response_mutated(resp, 200)
    assert_request_mutated(json.loads(resp.body))


def h2_post_many_data_frames(port):
    # 300 frames of uneven sizes (1 byte to 8 KiB), about 1.2 MiB in all.
    frames = [os.urandom(1 + (i * 7919) % 8192) for i in range(300)]
    resp = h2client.request(port, "/anything", frames=frames, headers=MUTATED_REQUEST)
    assert_h2_response_mutated(resp, 200)
    view = json.loads(resp.body)
    assert_request_mutated(view)
    assert_body_arrived(view, b"".join(frames))


def h2_post_with_trailers(port):
    frames = [os.urandom(16384) for _ in range(4)]
    resp = h2client.request(
        port, "/anything", frames=frames, trailers=[("x-client-trailer", "t")], headers=MUTATED_REQUEST
    )
    assert_h2_response_mutated(resp, 200)
    view = json.loads(resp.body)
    assert_request_mutated(view)
    assert_body_arrived(view, b"".join(frames))


def h2_post_empty_last_frame(port):
    frames = [os.urandom(1000), os.urandom(2000)]
    resp = h2client.request(port, "/anything", frames=frames, empty_last_frame=True, headers=MUTATED_REQUEST)
    assert_h2_response_mutated(resp, 200)
    view = json.loads(resp.body)
    assert_request_mutated(view)
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
    statuses, headers = [], {}
    for line in out.stdout.decode("latin-1").split("\r\n"):
        if line.startswith("HTTP/"):
            statuses.append(line)
            headers = {}
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return statuses, headers, out.stderr


def http1_chunked_request_body(port):
    body = os.urandom(300_000)
    statuses, headers, out = curl(
        port,
        "/anything",
        "-H",
        "Transfer-Encoding: chunked",
        *sum((["-H", f"{k}: {v}"] for k, v in MUTATED_REQUEST), []),
        data=body,
    )
    assert statuses[-1].startswith("HTTP/1.1 200"), statuses
    assert headers.get("x-response-set") == [SET], headers
    view = json.loads(out)
    assert view["headers"].get("transfer-encoding") is None  # Go hides it; the body length says it was chunked
    assert_request_mutated(view)
    assert_body_arrived(view, body)


def http1_expect_100_continue(port):
    body = os.urandom(200_000)
    statuses, headers, out = curl(
        port, "/anything", "-H", "Expect: 100-continue", "--expect100-timeout", "10", data=body
    )
    assert statuses[0].startswith("HTTP/1.1 100"), statuses
    assert statuses[-1].startswith("HTTP/1.1 200"), statuses
    assert headers.get("x-response-set") == [SET], headers
    view = json.loads(out)
    assert view["headers"].get("x-request-set") == [SET], view["headers"]
    assert_body_arrived(view, body)


def not_modified_304(port):
    resp = request(port, "/status/304")
    assert resp.status == 304 and resp.body == b""
    assert_response_mutated(resp, 304)


def header_60kib(port):
    # Envoy's default limit is 60 KiB for the whole request head: a 59 KiB
    # value fits and arrives intact; a 61 KiB one is refused (431) by Envoy.
    value = os.urandom(59 * 1024 // 2).hex()
    resp = request(port, "/headers", headers=[("x-big", value)])
    assert resp.status == 200
    assert upstream_view(resp)["headers"].get("x-big") == [value]
    assert resp.values("x-response-set") == [SET]
    assert request(port, "/headers", headers=[("x-big", "a" * 61 * 1024)]).status == 431
    response_set(port)


def upstream_trailers_at_h2_client(port):
    resp = h2client.request(port, "/trailers", method="GET")
    assert_h2_response_mutated(resp, 200)
    assert resp.body == b"Hello from echo server\n"
    assert ("x-upstream-trailer", "sent-after-body") in resp.trailers, resp.trailers


def websocket_upgrade(port):
    status, headers, accept_ok, frame = websocket_echo(port, "hello through envoy")
    assert status == 101, headers
    assert accept_ok, headers
    assert [v for k, v in headers if k == "x-response-set"] == [SET], headers
    assert frame == (1, b"hello through envoy"), frame


# ----------------------------------------------------------------- early endings
# Each ends a stream early, then a plain request must still be served.


def client_aborts_mid_body(port):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /anything HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n")
            sock.sendall(os.urandom(100_000))
        h2client.abort_mid_body(port)
    post_1mib_body_unchanged(port)
    h2_post_many_data_frames(port)


def client_aborts_mid_response(port):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(b"GET /repeat?text=abcdefgh&count=1048576&chunk=65536 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    response_set(port)


def upstream_resets_503(port):
    resp = request(port, "/reset")
    assert resp.status == 503, (resp.status, resp.body)
    assert_response_mutated(resp, 503)
    response_set(port)


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
]
