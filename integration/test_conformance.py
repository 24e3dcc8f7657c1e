"""One conformance suite for the three languages: every case of cases.py against
the Rust (1063), Go (1064) and C++ (1065) listeners. The terminal summary prints
the table: a row per case, a column per language; the columns must agree."""

import os

import pytest

import cases
from cases import CASES
from harness import servers

LANGUAGES = {"rust": 1063, "go": 1064, "cpp": 1065}

PARAMS = [
    pytest.param(case, port, marks=pytest.mark.conformance(case.__name__, lang), id=f"{case.__name__}-{lang}")
    for case in CASES
    for lang, port in LANGUAGES.items()
]


@pytest.mark.parametrize("case,port", PARAMS)
def test_conformance(envoy, case, port):
    case(port)


@pytest.mark.skipif(os.environ.get("LAB_EXTERNAL") == "1", reason="the upstream is not ours to stop")
@pytest.mark.parametrize(
    "port",
    [
        pytest.param(port, marks=pytest.mark.conformance("upstream_down_503", lang), id=lang)
        for lang, port in LANGUAGES.items()
    ],
)
def test_upstream_down_503(envoy, upstream, logs_dir, port):
    """The echo upstream stopped: Envoy answers 503 through the filters; started
    again, the same listener serves. The session's fixture stops the new one."""
    upstream.stop()
    try:
        resp = cases.request(port, "/")
        assert resp.status == 503, (resp.status, resp.body)
        cases.assert_response_mutated(resp, 503)
    finally:
        upstream.proc = servers.start_upstream(logs_dir).proc
    cases.response_set(port)
