"""body_rewrite through a real Envoy, one column per language: the same config
(envoy.yaml's &body_rewrite: Hello -> Howdy in responses, secret -> [redacted]
in request bodies) must give the same bytes on every port, however the body is
cut into chunks or frames."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess

import pytest

import cases
import configs
import older_envoy
import ports
from client import request
from harness import processes

PORTS = {"rust": 1074, "go": 1075, "cpp": 1076}
LANGUAGES = list(PORTS)


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "--max-time", "30", *args], capture_output=True, check=True)


def cell(case):
    """Parametrizes a test over the languages, as conformance-table cells."""
    return pytest.mark.parametrize(
        "language", [pytest.param(lang, marks=pytest.mark.conformance(case, lang)) for lang in LANGUAGES]
    )


@cell("body_rewrite_small_response")
def test_small_response_is_rewritten_and_loses_its_length(envoy, language):
    resp = request(PORTS[language], "/")
    assert (resp.status, resp.body) == (200, b"Howdy from echo server\n")
    assert resp.header("content-length") is None
    assert resp.header("transfer-encoding") == "chunked"


@cell("body_rewrite_split_matches")
def test_matches_split_across_chunks(envoy, language):
    # 7-byte writes cut "Hello" at every offset in turn.
    resp = request(PORTS[language], "/repeat?text=Hello&count=3000&chunk=7")
    assert resp.body == b"Howdy" * 3000


@cell("body_rewrite_one_byte_chunks")
def test_one_byte_chunks(envoy, language):
    resp = request(PORTS[language], "/repeat?text=xHello&count=200&chunk=1")
    assert resp.body == b"xHowdy" * 200


@cell("body_rewrite_prefix_at_the_end")
def test_a_partial_match_at_the_very_end_is_flushed(envoy, language):
    # The held-back "Hel" / "secre" could start a match until the body ends.
    assert request(PORTS[language], "/repeat?text=HelloHel&count=1&chunk=3").body == b"HowdyHel"
    assert request(PORTS[language], "/echo", "POST", body=b"a secre").body == b"a secre"


@cell("body_rewrite_two_mib")
def test_two_mib_body(envoy, language):
    count = (2 << 20) // 6
    resp = request(PORTS[language], f"/repeat?text=Hello%20&count={count}&chunk=65536")
    assert len(resp.body) == 6 * count
    assert resp.body == b"Howdy " * count


@cell("body_rewrite_request_body")
def test_request_body_is_rewritten_before_the_upstream(envoy, language):
    resp = request(PORTS[language], "/echo", "POST", body=b"my secret, Hello")
    # The request rule ran on the way up, the response rule on the way down.
    assert resp.body == b"my [redacted], Howdy"


@cell("body_rewrite_chunked_request")
def test_chunked_http1_request(envoy, language):
    out = curl(
        "-H", "Transfer-Encoding: chunked", "--data-binary", "secret" * 1000, f"http://127.0.0.1:{PORTS[language]}/echo"
    )
    assert out.stdout == b"[redacted]" * 1000


@cell("body_rewrite_http2")
def test_http2_frames_both_ways(envoy, language):
    body = b"secret Hello " * 20000  # about 260 KiB: many DATA frames each way
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "--max-time",
            "30",
            "--http2-prior-knowledge",
            "--data-binary",
            "@-",
            f"http://127.0.0.1:{PORTS[language]}/echo",
        ],
        input=body,
        capture_output=True,
        check=True,
    )
    assert out.stdout == b"[redacted] Howdy " * 20000


def h2_post_with_trailers(port: int, path: str, chunks: list[bytes]) -> tuple[int, bytes]:
    """POST over cleartext HTTP/2 whose body is `chunks` (one DATA frame each)
    and ends with trailers, so no body hook sees end of stream."""
    h2 = pytest.importorskip("h2.connection")
    events = pytest.importorskip("h2.events")
    conn = h2.H2Connection()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        conn.initiate_connection()
        conn.send_headers(
            1, [(":method", "POST"), (":path", path), (":scheme", "http"), (":authority", f"127.0.0.1:{port}")]
        )
        for chunk in chunks:
            conn.send_data(1, chunk)
        conn.send_headers(1, [("x-trailer", "done")], end_stream=True)
        sock.sendall(conn.data_to_send())
        status, body, ended = 0, b"", False
        while not ended:
            data = sock.recv(65536)
            assert data, "connection closed before the stream ended"
            for event in conn.receive_data(data):
                if isinstance(event, events.ResponseReceived):
                    status = int(dict(event.headers)[b":status"])
                elif isinstance(event, events.DataReceived):
                    body += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, 1)
                elif isinstance(event, (events.StreamEnded, events.StreamReset)):
                    ended = True
            sock.sendall(conn.data_to_send())
    return status, body


@cell("body_rewrite_request_ends_with_trailers")
def test_a_request_ending_with_trailers_flushes_before_them(envoy, language):
    # "secre" is held back when the trailers arrive: it must reach the
    # upstream, before them; the split "sec|ret" is still replaced.
    status, body = h2_post_with_trailers(PORTS[language], "/echo", [b"a sec", b"ret and Hel", b"lo secre"])
    assert (status, body) == (200, b"a [redacted] and Howdy secre")


@cell("body_rewrite_compressed_untouched")
def test_compressed_response_passes_untouched(envoy, language):
    resp = request(PORTS[language], "/gzip")
    assert resp.header("content-encoding") == "gzip"
    assert gzip.decompress(resp.body) == b"Hello from echo server\n"


@cell("body_rewrite_head_and_204")
def test_head_and_204_are_untouched(envoy, language):
    head = request(PORTS[language], "/", "HEAD")
    assert (head.status, head.body, head.header("content-length")) == (200, b"", "23")
    assert request(PORTS[language], "/status/204").status == 204


@cell("body_rewrite_upstream_resets_mid_body")
def test_upstream_resets_mid_body(envoy, language):
    """The upstream closes after 64 KiB of a promised 1 MiB: what was rewritten
    so far reaches the client, the response is cut short (no last chunk over
    HTTP/1.1, RST_STREAM over HTTP/2), and the next request is served."""
    port = PORTS[language]
    for _, body in cases.cut_short_http1_concurrently(port, 3):
        assert b"Hello" not in body and len(body) <= cases.MID_BODY_SENT, body[:60]
        assert b"Howdy from echo server\n".startswith(body[:23]), body[:60]
    for _ in range(3):
        resp = cases.cut_short_http2(port)
        assert b"Hello" not in resp.body, resp.body[:60]
    assert request(port, "/").body == b"Howdy from echo server\n"


# The cases above, for test_swap.py: each takes (envoy, language) and reads the
# port from PORTS, so a stand-in module can be checked on the Go port.
CASES = [
    test_small_response_is_rewritten_and_loses_its_length,
    test_matches_split_across_chunks,
    test_one_byte_chunks,
    test_a_partial_match_at_the_very_end_is_flushed,
    test_two_mib_body,
    test_request_body_is_rewritten_before_the_upstream,
    test_chunked_http1_request,
    test_http2_frames_both_ways,
    test_a_request_ending_with_trailers_flushes_before_them,
    test_compressed_response_passes_untouched,
    test_head_and_204_are_untouched,
    test_upstream_resets_mid_body,
]


# ------------------------------------------------------------- the buffer cap

MODULES = {"rust": "rust_module", "go": "go_module", "cpp": "cpp_module"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("on_overflow", ["pass", "fail"])
def test_past_max_buffer_bytes(upstream, logs_dir, language, on_overflow):
    """A small cap on an Envoy of its own: past it the rest passes untouched (and
    is counted), or the request fails with the module's own 413."""
    config = {
        "request": [["a", "b"]],
        "response": [["Hello", "Howdy"]],
        "max_buffer_bytes": 64,
        "on_overflow": on_overflow,
    }
    port, admin = ports.BODY_CAP_LISTENER, ports.BODY_CAP_ADMIN
    filt = configs.module_filter(MODULES[language], "body_rewrite", raw=json.dumps(config))
    path = configs.write(
        logs_dir / f"body-cap-{language}-{on_overflow}.json",
        configs.bootstrap([configs.listener("cap", port, [filt])], admin),
    )
    # cgocheck=1 (Go's default, which the lab turns off): the Go runtime checks
    # that no Go pointer reaches Envoy in Go memory, e.g. the counter's labels.
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=admin,
        base_id=ports.BASE_ID["body_cap"],
        name=f"envoy-body-cap-{language}-{on_overflow}",
        extra_env={"GODEBUG": "cgocheck=1"},
    )
    try:
        resp = request(port, "/echo", "POST", body=b"a" * 100)
        if on_overflow == "pass":
            # The chunk that crosses the cap, and all after it, pass as sent.
            assert (resp.status, resp.body) == (200, b"a" * 100)
            stats = request(admin, "/stats/prometheus").body.decode()
            # Envoy 1.37's Prometheus output drops the envoy_dynamicmodulescustom_
            # prefix of module metrics (docs/COMPAT.md).
            old = older_envoy.envoy_version(processes.envoy_bin()) < (1, 38, 0)
            prefix = "" if old else "envoy_dynamicmodulescustom_"
            counter = f'{prefix}body_rewrite_overflow_total{{direction="request"}} 1'
            assert counter in stats, stats[-2000:]
            assert "body_rewrite: request body over max_buffer_bytes (64)" in envoy.log()
        else:
            assert resp.status == 413
            assert resp.body == b"body_rewrite: request body over max_buffer_bytes\n"
    finally:
        assert envoy.stop() == 0


# ------------------------------------------------------------------ refusals

# (id, config, text the one refusal line must contain), the same in every
# language; the JSON library's own wording may differ, so only the entry and
# the problem are compared where a library speaks.
BAD = [
    ("empty_from", '{"response": [["", "x"]]}', "response[0]: from must not be empty"),
    ("pair_of_one", '{"request": [["a", "b"], ["c"]]}', "invalid length 1"),
    ("no_rules", "{}", "no rules: give request or response replacements"),
    ("buffer_zero", '{"response": [["a", "b"]], "max_buffer_bytes": 0}', "max_buffer_bytes must be 1 to 67108864"),
    (
        "buffer_over",
        '{"response": [["a", "b"]], "max_buffer_bytes": 67108865}',
        "max_buffer_bytes must be 1 to 67108864",
    ),
    ("bad_overflow", '{"response": [["a", "b"]], "on_overflow": "drop"}', "unknown variant"),
    ("unknown_field", '{"response": [["a", "b"]], "extra": 1}', "unknown field"),
    ("long_from", '{"response": [["' + "x" * 257 + '", "b"]]}', "response[0]: from is over 256 bytes"),
    ("long_to", '{"response": [["a", "' + "x" * 4097 + '"]]}', "response[0]: to is over 4096 bytes"),
    ("many_rules", '{"request": [' + ",".join(['["a", "b"]'] * 33) + "]}", "request: 33 rules is over the limit of 32"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case,config,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_refused_naming_the_entry(tmp_path, language, case, config, expected):
    module = MODULES[language]
    path = configs.write(
        tmp_path / "bad.json",
        configs.bootstrap(
            [configs.listener("bad", 19000, [configs.module_filter(module, "body_rewrite", raw=config)])], 19001
        ),
    )
    code, out = processes.validate(path)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    prefix = f"{module}: filter 'body_rewrite': invalid filter_config: "
    lines = [line for line in out.splitlines() if prefix in line and "[error]" in line]
    assert len(lines) == 1 and expected in lines[0], out[-3000:]
