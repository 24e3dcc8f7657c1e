"""Bad filter configs are refused by `envoy --mode validate` with one log line
that names the module, the filter and the problem, in every language where the
filter exists. Envoy exits with an error, never by a signal.

Configs are strict in all three languages: unknown fields are refused (a typo
must not silently disable a mutation). See docs/CONTRACT.md."""

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
    ("not_json", "header_mutation", {"raw": "request_headers = x"}, ""),
    ("json_array", "header_mutation", {"raw": "[]"}, ""),
    ("invalid_utf8", "header_mutation", {"raw_bytes": b'{"request_headers": [["x-a", "\xff\xfe"]]}'}, ""),
    ("ten_mib", "header_mutation", {"raw": '{"request_headers": [["x-a", "' + "a" * (10 << 20) + '"]]}'},
     "bytes is over the 1048576-byte limit"),
    ("nested_100k", "header_mutation", {"raw": '{"request_headers": ' + "[" * 100_000 + "]" * 100_000 + "}"}, ""),
    ("null_pair", "header_mutation", {"raw": '{"request_headers": [null]}'}, ""),
    ("number_value", "header_mutation", {"raw": '{"request_headers": [["x-a", 5]]}'}, ""),
]

# The filters only the Rust module has.
BAD_RUST = [
    ("workers_zero", "access_logger", {"raw": '{"dirname": "/tmp", "num_workers": 0}'}, "num_workers must be 1 to 64"),
    ("workers_negative", "access_logger", {"raw": '{"dirname": "/tmp", "num_workers": -1}'}, "-1"),
    ("workers_not_a_number", "access_logger", {"raw": '{"dirname": "/tmp", "num_workers": "two"}'}, "two"),
    ("dir_missing", "access_logger", {"raw": '{"dirname": "/nonexistent/logs"}'},
     "cannot open /nonexistent/logs/access_log_0.log"),
    ("dir_unwritable", "access_logger", {"raw": '{"dirname": "/proc"}'}, "cannot open /proc/access_log_0.log"),
    ("dir_is_a_file", "access_logger", {"raw": '{"dirname": "/etc/hostname"}'}, "cannot open /etc/hostname/"),
    ("regex_unclosed", "zero_copy_regex_waf", {"raw": "(curl"}, "invalid regex"),
    ("regex_empty", "zero_copy_regex_waf", {}, "expected a regex"),
    ("regex_zero_limit", "zero_copy_regex_waf", {"raw": '{"pattern": "curl", "max_body_bytes": 0}'},
     "max_body_bytes must be positive"),
    ("probability_above_one", "random_auth", {"raw": '{"probability": 1.5}'}, "within 0 and 1"),
    ("probability_negative", "random_auth", {"raw": '{"probability": -0.1}'}, "within 0 and 1"),
    ("seed_negative", "random_auth", {"raw": '{"seed": -1}'}, "-1"),
    ("delay_zero", "delay", {"raw": '{"max_delay_ms": 0}'}, "max_delay_ms must be 1 to 60000"),
    ("delay_negative", "delay", {"raw": '{"max_delay_ms": -5}'}, "-5"),
    ("metrics_no_version", "metrics", {"raw": "{}"}, "version"),
    ("metrics_empty_version", "metrics", {"raw": '{"version": ""}'}, "version must not be empty"),
    ("auth_bad_header", "header_auth", {"raw": "bad header"}, "not a valid HTTP token"),
    ("auth_empty", "header_auth", {}, "filter_config is empty"),
    ("auth_no_mode", "header_auth", {"config": {"header": "x-auth"}}, "missing field `mode`"),
    ("auth_values_missing", "header_auth", {"config": {"header": "x-auth", "mode": "values"}},
     '"mode": "values" needs a non-empty "values" list'),
    ("auth_values_empty", "header_auth", {"config": {"header": "x-auth", "mode": "values", "values": [""]}},
     "values[0] is empty"),
    ("auth_presence_with_values", "header_auth",
     {"config": {"header": "x-auth", "mode": "presence", "values": ["a"]}}, '"values" is set but "mode" is "presence"'),
    ("regex_dfa_too_large", "zero_copy_regex_waf", {"raw": "a[ab]{20}x"},
     "patterns must compile to a DFA of at most 4194304 bytes"),
    ("delay_concurrent_zero", "delay", {"raw": '{"max_delay_ms": 10, "max_concurrent": 0}'},
     "max_concurrent must be 1 to 1000000, got 0"),
    ("log_queue_zero", "access_logger", {"raw": '{"dirname": "/tmp", "queue_lines": 0}'},
     "queue_lines must be 1 to 1048576, got 0"),
    ("log_redact_bad_name", "access_logger", {"raw": '{"dirname": "/tmp", "redact_headers": ["bad name"]}'},
     'redact_headers[0]: header name "bad name" is not a valid HTTP token'),
]


CASES = [pytest.param(lang, *b, id=f"{b[0]}-{lang}") for b in BAD for lang in MODULES] + [
    pytest.param("rust", *b, id=f"{b[0]}-rust") for b in BAD_RUST]


@pytest.mark.parametrize("language,case,filter_name,kwargs,expected", CASES)
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
