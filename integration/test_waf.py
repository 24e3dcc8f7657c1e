"""zero_copy_regex_waf on 1068 (pattern `curl|wget|exit$`, max_body_bytes
256 KiB), through a real Envoy: every way a request body can end, over
HTTP/1.1 and HTTP/2, and the module's own 413."""

import pytest

import h2client
from client import request

PORT = 1068
FORBIDDEN = b"Access forbidden"
MODULE_413 = b"zero_copy_regex_waf: request body over max_body_bytes\n"
LIMIT = 256 * 1024


def test_clean_bodies_pass_and_matches_are_refused(envoy):
    assert request(PORT, "/anything", "POST", body=b"a" * 1000).status == 200
    for word in (b"curl", b"wget"):
        resp = request(PORT, "/anything", "POST", body=b"hello " + word + b" there")
        assert (resp.status, resp.body) == (403, FORBIDDEN), word


def test_a_match_across_chunks_of_a_large_body(envoy):
    # 250 KiB arrives in many slices; the only match straddles the 128 KiB mark.
    body = bytearray(b"a" * (250 * 1024))
    at = 128 * 1024 - 2
    body[at : at + 4] = b"curl"
    assert request(PORT, "/anything", "POST", body=bytes(body)).status == 403
    assert request(PORT, "/anything", "POST", body=b"a" * (250 * 1024)).status == 200


def test_a_match_in_the_last_byte_and_the_end_anchor(envoy):
    assert request(PORT, "/anything", "POST", body=b"I use cur" + b"l").status == 403
    assert request(PORT, "/anything", "POST", body=b"then exit").status == 403
    assert request(PORT, "/anything", "POST", body=b"exit, then more").status == 200


# The bypass issue 10 reproduced: trailers end the request, so no body hook sees
# end_of_stream, and the old module never finished its scan.
@pytest.mark.parametrize(
    "frames",
    [[b"I use curl"], [b"I use cur", b"l"], [b"c", b"u", b"r", b"l"]],
    ids=["one-frame", "split-last-byte", "one-byte-frames"],
)
def test_http2_body_ending_in_a_match_then_trailers_is_refused(envoy, frames):
    resp = h2client.request(PORT, "/anything", frames=frames, trailers=[("x-trailer", "t")])
    assert (resp.status, resp.body) == (403, FORBIDDEN)


def test_http2_end_anchor_with_trailers_and_with_an_empty_last_frame(envoy):
    assert h2client.request(PORT, "/anything", frames=[b"then ", b"exit"], trailers=[("x-t", "1")]).status == 403
    assert h2client.request(PORT, "/anything", frames=[b"then exit"], empty_last_frame=True).status == 403
    assert h2client.request(PORT, "/anything", frames=[b"then exit"]).status == 403
    for ending in ({"trailers": [("x-t", "1")]}, {"empty_last_frame": True}, {}):
        clean = h2client.request(PORT, "/anything", frames=[b"exit ", b"later"], **ending)
        assert clean.status == 200, ending


def test_http2_clean_body_with_trailers_reaches_the_upstream_whole(envoy):
    body = b"x" * 100_000
    frames = [body[i : i + 7000] for i in range(0, len(body), 7000)]
    resp = h2client.request(PORT, "/anything", frames=frames, trailers=[("x-t", "1")])
    assert resp.status == 200
    assert b'"body_length":100000' in resp.body.replace(b" ", b""), resp.body[:300]


def test_http1_chunked_bodies(envoy):
    assert h2client.chunked_request(PORT, [b"I use cu", b"rl"])[0] == 403
    assert h2client.chunked_request(PORT, [b"then ex", b"i", b"t"])[0] == 403
    assert h2client.chunked_request(PORT, [b"a" * 5000] * 10)[0] == 200


def test_the_module_enforces_max_body_bytes_itself(envoy):
    # Envoy's own buffer limit is 1 MiB and answers "Payload Too Large"; the
    # module's limit is 256 KiB and its 413 names the filter.
    over = b"a" * (LIMIT + 1)
    resp = request(PORT, "/anything", "POST", body=over)
    assert (resp.status, resp.body) == (413, MODULE_413)
    resp = h2client.request(PORT, "/anything", frames=[over[:100_000], over[100_000:]], trailers=[("x-t", "1")])
    assert (resp.status, resp.body) == (413, MODULE_413)
    assert request(PORT, "/anything", "POST", body=b"a" * LIMIT).status == 200
