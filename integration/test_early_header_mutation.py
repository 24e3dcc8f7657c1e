"""early_forwarded_headers (librust_module.so, the early header mutation kind)
on 1120 through the lab's envoy.yaml and a real Envoy 1.40 with 4 workers:
a client outside 127.0.0.1/32 loses its x-forwarded-*, forwarded and
x-real-ip headers before routing (the route and the upstream never see them),
a trusted client keeps them, every request is marked in x-edge-client, over
HTTP/1.1 and HTTP/2. Bad configs are refused by `envoy --mode validate` with
one line."""

from __future__ import annotations

import json
import subprocess

import pytest

import kinds

PORT = 1120
TRUSTED, UNTRUSTED = "127.0.0.1", "127.0.0.2"
FORWARDING = [
    ("x-forwarded-for", "203.0.113.9"),
    ("x-forwarded-proto", "https"),
    ("x-forwarded-host", "bank.example"),
    ("forwarded", "for=203.0.113.9"),
    ("x-real-ip", "203.0.113.9"),
    ("x-edge-client", "trusted"),
    ("x-keep", "kept"),
]
PROTOCOLS = {"http1": ["--http1.1"], "h2": ["--http2-prior-knowledge"]}


def upstream_saw(source: str, protocol: str, headers=FORWARDING) -> dict[str, list[str]]:
    """The request headers the echo upstream received for a GET /headers sent
    from `source` (curl binds it; loopback answers on all of 127/8)."""
    argv = ["curl", "-sS", "-m", "5", "--interface", source, *PROTOCOLS[protocol]]
    for name, value in headers:
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run([*argv, f"http://127.0.0.1:{PORT}/headers"], capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done
    return json.loads(done.stdout)["headers"]


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_an_untrusted_client_loses_its_forwarding_headers_before_routing(envoy, protocol):
    seen = upstream_saw(UNTRUSTED, protocol)
    for name in ("x-forwarded-host", "forwarded", "x-real-ip"):
        assert name not in seen, (name, seen)
    # Envoy itself adds x-forwarded-proto after the mutation (the scheme the
    # client really used), and no x-forwarded-for (use_remote_address is off).
    assert seen.get("x-forwarded-proto") == ["http"], seen
    assert "x-forwarded-for" not in seen, seen
    # The route saw the mutated headers: the x-forwarded-for route was not taken.
    assert seen["x-lab-route"] == ["direct"], seen
    assert seen["x-edge-client"] == ["untrusted"], seen
    assert seen["x-keep"] == ["kept"], seen


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_a_trusted_client_keeps_them(envoy, protocol):
    seen = upstream_saw(TRUSTED, protocol)
    assert seen["x-forwarded-for"] == ["203.0.113.9"], seen
    assert seen["x-forwarded-proto"] == ["https"], seen
    assert seen["x-forwarded-host"] == ["bank.example"], seen
    assert seen["forwarded"] == ["for=203.0.113.9"], seen
    assert seen["x-lab-route"] == ["forwarded"], seen
    assert seen["x-edge-client"] == ["trusted"], seen


def test_the_mark_cannot_be_forged_and_every_worker_drops(envoy):
    # 40 connections spread over the 4 workers: each one drops and marks.
    for _ in range(40):
        seen = upstream_saw(UNTRUSTED, "h2", [("x-forwarded-for", "1.2.3.4"), ("x-edge-client", "trusted")])
        assert seen["x-edge-client"] == ["untrusted"] and "x-forwarded-for" not in seen, seen


# ----------------------------------------------------------------- bad configs

BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_json", {"raw": "trusted=10.0.0.0/8"}, "expected a JSON object"),
    ("trusted_missing", {"config": {"mark": "x-edge"}}, "missing field `trusted`"),
    ("host_bits", {"config": {"trusted": ["10.0.0.1/8"]}}, 'did you mean "10.0.0.0/8"'),
    ("not_cidr", {"config": {"trusted": ["ten"]}}, "is not an IP address or CIDR"),
    ("drop_empty", {"config": {"trusted": [], "drop": []}}, "drop must list 1 to 64 names, got 0"),
    ("drop_star", {"config": {"trusted": [], "drop": ["x-*-for"]}}, "`*` may only end a name"),
    ("drop_pseudo", {"config": {"trusted": [], "drop": [":authority"]}}, "is a pseudo-header"),
    ("drop_host", {"config": {"trusted": [], "drop": ["host"]}}, '"host" cannot be dropped'),
    ("mark_dropped", {"config": {"trusted": [], "mark": "x-forwarded-mark"}}, "is one of drop"),
    ("unknown_field", {"config": {"trusted": [], "trust": []}}, "unknown field `trust`"),
    ("unknown_name", {}, "unknown filter name; this module has: early_forwarded_headers"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_early_header_mutation_config_is_refused(tmp_path, case, kwargs, expected):
    name = "no_such_mutation" if case == "unknown_name" else "early_forwarded_headers"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.early_header_mutation_bootstrap(name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "early header mutation", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
