"""Bad filter configs are refused by `envoy --mode validate` with one log line
that names the module, the filter and the problem, in every language. Envoy
exits with an error, never by a signal."""

import re

import pytest

import configs
import lab

MODULES = {"rust": "rust_module", "go": "go_module", "cpp": "cpp_module"}

# (id, filter_name, config kwargs for configs.module_filter, text the line must contain)
BAD = [
    ("malformed_json", "header_mutation", {"raw": '{"request_headers": [["a", "b"]'}, ""),
    ("wrong_type", "header_mutation", {"config": {"request_headers": "x-a"}}, ""),
    ("pair_of_one", "header_mutation", {"config": {"request_headers": [["x-a"]]}}, ""),
    ("unknown_field", "header_mutation", {"config": {"request_headerz": []}}, "request_headerz"),
    ("empty_config", "header_mutation", {}, "filter_config is empty"),
    ("bad_header_name", "header_mutation", {"config": {"request_headers": [["bad name", "v"]]}},
     'request_headers[0]: header name "bad name" is not a valid HTTP token'),
    ("crlf_in_value", "header_mutation", {"config": {"response_headers": [["x-a", "v\r\nx-evil: 1"]]}},
     "response_headers[0]: header value"),
    ("empty_value", "header_mutation", {"config": {"response_headers": [["x-a", ""]]}},
     "response_headers[0]: header value is empty"),
    ("pseudo_header", "header_mutation", {"config": {"remove_request_headers": [":authority"]}},
     'remove_request_headers[0]: ":authority" is a pseudo-header'),
    ("passthrough_settings", "passthrough", {"config": {"anything": 1}}, "anything"),
    ("fault_injection_disabled", "fault_injection", {"config": {"phase": "request_headers"}},
     "test-only filter; set DM_ENABLE_FAULT_INJECTION=1"),
    ("unknown_filter_name", "no_such_filter", {}, "unknown filter name; this module has: passthrough, header_mutation"),
]


@pytest.mark.parametrize("language", MODULES)
@pytest.mark.parametrize("case,filter_name,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_refused(tmp_path, language, case, filter_name, kwargs, expected):
    module = MODULES[language]
    path = configs.write(tmp_path / "bad.json", configs.bootstrap(
        [configs.listener("bad", 19000, [configs.module_filter(module, filter_name, **kwargs)])], 19001))
    code, out = lab.validate(path)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    prefix = f"{module}: filter '{filter_name}'"
    lines = [line for line in out.splitlines() if prefix in line and "[error]" in line]
    assert len(lines) == 1, f"want one error line naming {prefix!r}\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
    # The line says what is wrong, not just that something is.
    assert re.search(r"(unknown filter name|invalid filter_config: \S)", lines[0]), lines[0]


def test_the_lab_config_validates(upstream, tmp_path):
    (tmp_path / "access_logs").mkdir()
    code, out = lab.validate(lab.ENVOY_YAML, cwd=tmp_path)
    assert code == 0, out[-3000:]
