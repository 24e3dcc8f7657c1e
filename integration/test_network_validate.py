"""Bad network filter configs are refused by `envoy --mode validate` with one
log line naming the module, the filter and the problem; Envoy exits with an
error, never by a signal. The network half of test_validate.py's matrix."""

import re

import pytest

import configs
from harness import processes

# (id, filter_name, filter_config as a StringValue (None: absent), text the line must contain)
BAD = [
    ("echo_unknown_field", "network_echo", '{"reply": "x"}', "unknown field `reply`"),
    ("echo_not_json", "network_echo", "echo please", "expected a JSON object"),
    ("limiter_absent", "network_rate_limiter", None, "filter_config is empty"),
    ("limiter_zero", "network_rate_limiter", '{"max_connections": 0}', "max_connections must be 1 to 1000000, got 0"),
    ("limiter_negative", "network_rate_limiter", '{"max_connections": -2}', "got -2"),
    ("limiter_huge", "network_rate_limiter", '{"max_connections": 99999999999}', "got 99999999999"),
    ("limiter_string", "network_rate_limiter", '{"max_connections": "two"}', 'invalid type: string "two"'),
    ("limiter_missing", "network_rate_limiter", "{}", "missing field `max_connections`"),
    ("limiter_bad_prefix", "network_rate_limiter", '{"max_connections": 1, "stat_prefix": "a b"}', "stat_prefix"),
    (
        "limiter_ten_mib",
        "network_rate_limiter",
        '{"max_connections": 1, "x": "' + "a" * (10 << 20) + '"}',
        "bytes is over the 1048576-byte limit",
    ),
    ("logger_unknown_field", "network_protocol_logger", '{"level": "debug"}', "unknown field `level`"),
    ("logger_array", "network_protocol_logger", "[]", "expected a JSON object"),
    ("redis_bad_name", "network_redis", '{"denied_commands": ["FLUSH ALL"]}', "denied_commands[0]"),
    ("redis_empty_name", "network_redis", '{"denied_commands": [""]}', "is not a command name"),
    ("redis_not_a_list", "network_redis", '{"denied_commands": "KEYS"}', "invalid type"),
    ("redis_zero_bytes", "network_redis", '{"max_command_bytes": 0}', "max_command_bytes must be 1 to"),
    ("redis_huge_bytes", "network_redis", '{"max_command_bytes": 99999999999}', "got 99999999999"),
    ("redis_zero_args", "network_redis", '{"max_arguments": 0}', "max_arguments must be 1 to"),
    ("redis_unknown_field", "network_redis", '{"deny": ["KEYS"]}', "unknown field `deny`"),
    ("redis_nested_100k", "network_redis", '{"denied_commands": ' + "[" * 100_000 + "]" * 100_000 + "}", ""),
    (
        "unknown_network_filter",
        "network_nope",
        None,
        "unknown filter name; this module's network filters are: network_echo, network_rate_limiter",
    ),
]


def network_listener(filter_name: str, raw: str | None) -> dict:
    typed = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.dynamic_modules.v3.DynamicModuleNetworkFilter",
        "dynamic_module_config": {"name": "rust_module"},
        "filter_name": filter_name,
        "terminal_filter": True,
    }
    if raw is not None:
        typed["filter_config"] = {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": raw}
    return {
        "name": "bad",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": 19000}},
        "filter_chains": [{"filters": [{"name": filter_name, "typed_config": typed}]}],
    }


@pytest.mark.parametrize("case,filter_name,raw,expected", [pytest.param(*b, id=b[0]) for b in BAD])
def test_bad_network_config_is_refused(tmp_path, case, filter_name, raw, expected):
    path = configs.write(tmp_path / "bad.json", configs.bootstrap([network_listener(filter_name, raw)], 19001))
    code, out = processes.validate(path)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    prefix = f"rust_module: filter '{filter_name}'"
    lines = [line for line in out.splitlines() if prefix in line and "[error]" in line]
    assert len(lines) == 1, f"want one error line naming {prefix!r}\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
    assert re.search(r"(unknown filter name|invalid filter_config: \S)", lines[0]), lines[0]


@pytest.mark.parametrize(
    "filter_name,raw",
    [
        ("network_echo", None),
        ("network_protocol_logger", "{}"),
        ("network_rate_limiter", '{"max_connections": 3}'),
        ("network_redis", '{"denied_commands": ["KEYS"], "max_command_bytes": 4096}'),
    ],
)
def test_good_network_config_validates(tmp_path, filter_name, raw):
    path = configs.write(tmp_path / "good.json", configs.bootstrap([network_listener(filter_name, raw)], 19001))
    code, out = processes.validate(path)
    assert code == 0, out[-3000:]
