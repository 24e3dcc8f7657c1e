"""One conformance suite for the three languages: every case of cases.py against
the Rust (1063), Go (1064) and C++ (1065) listeners. The terminal summary prints
the table: a row per case, a column per language; the columns must agree."""

import pytest

from cases import CASES

LANGUAGES = {"rust": 1063, "go": 1064, "cpp": 1065}

PARAMS = [
    pytest.param(case, port, marks=pytest.mark.conformance(case.__name__, lang), id=f"{case.__name__}-{lang}")
    for case in CASES
    for lang, port in LANGUAGES.items()
]


@pytest.mark.parametrize("case,port", PARAMS)
def test_conformance(envoy, case, port):
    case(port)
