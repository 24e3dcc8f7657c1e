"""The conformance cases: what passthrough + header_mutation must do on a listener
configured like 1063, whatever language serves it. Each case takes the port and
raises AssertionError on any difference from docs/CONTRACT.md.

The header_mutation config is the one in envoy.yaml (anchor &header_mutation).
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor

import ports
from client import request, upstream_view

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
]
