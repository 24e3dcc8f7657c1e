"""`make gateway-status` reads Envoy's log, written by Envoy Gateway, for what
a module said when it refused a config. These checks need no Envoy."""

from __future__ import annotations

import eg_status

PID = 4242
MODULE_LINE = (
    f"[2026-12-07 10:00:00.000][{PID}][error][dynamic_modules] [sdk/src/config.rs:60] "
    "rust_module: filter 'header_auth': invalid filter_config: unknown field `no_such_field`"
)
FETCH_LINE = (
    f"[2026-12-07 10:00:00.100][{PID}][error][dynamic_modules] "
    "[source/extensions/dynamic_modules/background_fetch_manager.cc:59] "
    "Background fetch failed for SHA256 660cabea, reason: 0"
)
OTHER_ENVOY = MODULE_LINE.replace(f"[{PID}]", "[4343]").replace("no_such_field", "other_envoy")


def test_the_module_line_survives_envoy_retrying_a_fetch_after_it():
    # Seen in CI: a remote module's background fetch, left retrying by an
    # earlier check, logged after the module's reason and took its place.
    log = "\n".join([MODULE_LINE, FETCH_LINE, OTHER_ENVOY, FETCH_LINE])
    assert eg_status.module_errors(log, PID) == [
        "rust_module: filter 'header_auth': invalid filter_config: unknown field `no_such_field`"
    ]
