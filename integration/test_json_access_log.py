"""json_access_log, the access logger extension on 1062, through a real Envoy:
the fields of a normal request, exactly one whole line per request under load
with the lab's workers, credentials redacted, and what only an access logger
can log: requests Envoy rejects (a header block over the listener's limit,
431; a malformed request, 400) with the reason, and a request whose client
left before its header block ended, which never reached an HTTP filter: it is
in the extension's file and not in the access_logger filter's. Both loggers
keep header bytes that are not UTF-8 exactly, over HTTP/1.1 and HTTP/2."""

import base64
import json
import signal
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import h2.config
import h2.connection
import h2.events

import ports
from client import request
from harness import processes

JSON_LOG = "json_access_log_0.log"
FILTER_LOG = "access_log_0.log"


def lines(path):
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "the last line is whole"
    return [json.loads(line) for line in text.splitlines()]


def start(logs_dir, cwd, name):
    return processes.start_envoy(logs_dir, base_id=ports.BASE_ID["access_log"], name=name, cwd=cwd)


def raw_exchange(data: bytes) -> bytes:
    """Sends raw bytes to 1062 and reads until Envoy closes."""
    with socket.create_connection(("127.0.0.1", 1062), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_a_request_is_one_line_with_its_fields(upstream, logs_dir, tmp_path):
    envoy = start(logs_dir, tmp_path, "envoy-json-fields")
    try:
        resp = request(
            1062,
            "/response-headers?set-cookie=session%3Dserver",
            headers=[("authorization", "Bearer client-secret"), ("cookie", "c=1"), ("x-visible", "kept")],
        )
        assert resp.status == 200
    finally:
        assert envoy.stop(signal.SIGTERM) == 0, envoy.log()[-3000:]
    raw = (tmp_path / "access_logs" / JSON_LOG).read_text()
    for secret in ("client-secret", "c=1", "session=server"):
        assert secret not in raw, raw
    [entry] = lines(tmp_path / "access_logs" / JSON_LOG)
    assert entry["method"] == "GET"
    assert entry["path"] == "/response-headers?set-cookie=session%3Dserver"
    assert entry["status"] == 200
    assert entry["response_code_details"] == "via_upstream"
    assert entry["protocol"] == "HTTP/1.1"
    assert entry["upstream_address"] == f"127.0.0.1:{ports.UPSTREAM}"
    assert entry["downstream_address"].startswith("127.0.0.1:")
    assert entry["response_flags"] == 0
    assert 0 < entry["duration_ms"] < 10_000
    assert entry["request_body_bytes"] == 0
    assert entry["response_body_bytes"] == len(resp.body)
    request_headers = dict(entry["request_headers"])
    assert request_headers["authorization"] == "[REDACTED]"
    assert request_headers["cookie"] == "[REDACTED]"
    assert request_headers["x-visible"] == "kept"
    assert dict(entry["response_headers"])["set-cookie"] == "[REDACTED]"


def test_exactly_one_whole_line_per_request_under_load(upstream, logs_dir, tmp_path):
    envoy = start(logs_dir, tmp_path, "envoy-json-load")
    n = 2000
    try:
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda i: request(1062, f"/uuid?i={i}").status, range(n)))
        assert statuses == [200] * n
        stats = request(processes.ADMIN_PORT, "/stats?filter=json_access_log_dropped").body.decode()
    finally:
        # SIGTERM right after the load: queued lines must still reach the file.
        assert envoy.stop(signal.SIGTERM) == 0, envoy.log()[-3000:]
    assert envoy.workers == processes.WORKERS == 4, "the lab's four workers, one logger each"
    entries = lines(tmp_path / "access_logs" / JSON_LOG)  # json.loads fails on a torn line
    assert len(entries) == n
    assert sorted(e["path"] for e in entries) == sorted(f"/uuid?i={i}" for i in range(n))
    assert stats.strip() == "dynamicmodulescustom.json_access_log_dropped_lines_total: 0", stats


def test_requests_envoy_rejects_are_logged_with_why(upstream, logs_dir, tmp_path):
    envoy = start(logs_dir, tmp_path, "envoy-json-rejected")
    try:
        # 70 KiB of header: over the default max_request_headers_kb (60).
        too_big = raw_exchange(b"GET /too-big HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 70_000 + b"\r\n\r\n")
        assert too_big.startswith(b"HTTP/1.1 431"), too_big[:200]
        malformed = raw_exchange(b"GET /bad HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n")
        assert malformed.startswith(b"HTTP/1.1 400"), malformed[:200]
    finally:
        assert envoy.stop(signal.SIGTERM) == 0, envoy.log()[-3000:]
    entries = lines(tmp_path / "access_logs" / JSON_LOG)
    by_status = {e["status"]: e for e in entries}
    assert set(by_status) == {400, 431}, entries
    assert by_status[431]["response_code_details"] == "http1.headers_too_large"
    assert by_status[400]["response_code_details"] == "http1.codec_error"
    # Envoy never parsed these requests: no method, path or request headers.
    assert all(e["method"] is None and e["request_headers"] == [] for e in entries), entries


# Envoy 1.40 builds the HTTP filter chain to send its local reply, so the
# access_logger filter sees the 431 and the 400 above too. A request whose
# client goes away before its header block ends never gets a filter chain:
# only an access logger hears of it.
def test_a_request_abandoned_before_the_filters_is_only_in_the_extensions_file(upstream, logs_dir, tmp_path):
    envoy = start(logs_dir, tmp_path, "envoy-json-abandoned")
    try:
        assert request(1062, "/before").status == 200
        with socket.create_connection(("127.0.0.1", 1062), timeout=10) as s:
            s.sendall(b"GET /abandoned HTTP/1.1\r\nhost: x\r\nx-half: yes\r\n")
            time.sleep(0.3)  # Envoy has begun the request
        assert request(1062, "/after").status == 200
        # The line is written after Envoy reads the close, not before.
        processes.wait_until(
            lambda: len((tmp_path / "access_logs" / JSON_LOG).read_text().splitlines()) >= 3, 5, "3 lines"
        )
    finally:
        assert envoy.stop(signal.SIGTERM) == 0, envoy.log()[-3000:]
    extension = lines(tmp_path / "access_logs" / JSON_LOG)
    filter_ = lines(tmp_path / "access_logs" / FILTER_LOG)
    assert sorted(e["path"] for e in filter_) == ["/after", "/before"], filter_
    abandoned = [e for e in extension if e["path"] not in ("/before", "/after")]
    assert len(extension) == 3 and len(abandoned) == 1, extension
    [e] = abandoned
    assert e["status"] is None
    assert e["response_code_details"] == "downstream_remote_disconnect", e
    assert e["response_flags"] != 0, e


# Bytes 0x80-0xFF are legal in a header value (HTTP's obs-text) and need not
# be UTF-8. Both loggers on 1062 (the access_logger filter and this
# extension) must keep them exactly, in request and response headers: as
# {"text", "base64"} (logged_bytes.rs).
RAW_VALUE = b"caf\xe9 \xff\xfe"


def logged_bytes(value) -> bytes:
    """A header name or value from a line, as the bytes Envoy saw."""
    if isinstance(value, str):
        return value.encode()
    assert set(value) == {"text", "base64"}, value
    assert value["text"] == RAW_VALUE.decode(errors="replace"), value
    return base64.b64decode(value["base64"], validate=True)


def h2_request_with_raw_header(port: int, path: str, value: bytes) -> int:
    """One cleartext HTTP/2 GET carrying `x-raw: value`; returns the status."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        conn.initiate_connection()
        headers = [(b":method", b"GET"), (b":path", path.encode()), (b":scheme", b"http"), (b":authority", b"x")]
        conn.send_headers(1, [*headers, (b"x-raw", value)], end_stream=True)
        s.sendall(conn.data_to_send())
        while True:
            data = s.recv(65536)
            assert data, "Envoy closed the connection"
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    return int(dict(event.headers)[b":status"])
            s.sendall(conn.data_to_send())


def test_header_bytes_that_are_not_utf8_are_kept_exactly(upstream, logs_dir, tmp_path):
    # The upstream answers with the same bytes in x-raw-back (its /response-headers).
    back = "/response-headers?x-raw-back=" + urllib.parse.quote_from_bytes(RAW_VALUE)
    h1_path, h2_path = back + "&via=h1", back + "&via=h2"
    envoy = start(logs_dir, tmp_path, "envoy-json-bytes")
    try:
        h1 = raw_exchange(
            b"GET "
            + h1_path.encode()
            + b" HTTP/1.1\r\nhost: x\r\nx-raw: "
            + RAW_VALUE
            + b"\r\nconnection: close\r\n\r\n"
        )
        assert h1.startswith(b"HTTP/1.1 200"), h1[:200]
        assert b"\r\nx-raw-back: " + RAW_VALUE + b"\r\n" in h1, h1[:400]
        assert h2_request_with_raw_header(1062, h2_path, RAW_VALUE) == 200
    finally:
        assert envoy.stop(signal.SIGTERM) == 0, envoy.log()[-3000:]
    for name in (JSON_LOG, FILTER_LOG):
        raw = (tmp_path / "access_logs" / name).read_bytes()
        raw.decode()  # a line is UTF-8 whatever the client sent
        by_path = {e["path"]: e for e in lines(tmp_path / "access_logs" / name)}
        assert set(by_path) == {h1_path, h2_path}, (name, by_path)
        for path, entry in by_path.items():
            request_headers = {logged_bytes(k): logged_bytes(v) for k, v in entry["request_headers"]}
            assert request_headers[b"x-raw"] == RAW_VALUE, (name, path, entry["request_headers"])
            response_headers = {logged_bytes(k): logged_bytes(v) for k, v in entry["response_headers"]}
            assert response_headers[b"x-raw-back"] == RAW_VALUE, (name, path, entry["response_headers"])
