"""A panic inside a network filter never reaches Envoy: it is logged once, the
connection is closed (no byte the filter did not vouch for passes), and the next
connection is served. The test-only network_fault_injection filter raises it on
demand; it is enabled only by DM_ENABLE_FAULT_INJECTION=1."""

import json
import socket

import pytest

import configs
from harness import processes

PHASES = ["new_filter", "new_connection", "read", "event"]
HOOK = {
    "new_filter": "network_filter_new",
    "new_connection": "on_new_connection",
    "read": "on_read",
    "event": "on_event",
}
ADMIN = 9921


def port_of(phase: str) -> int:
    return 22000 + PHASES.index(phase)


def listener(phase: str) -> dict:
    return {
        "name": f"fault_{phase}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port_of(phase)}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "network_fault_injection",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.dynamic_modules.v3.DynamicModuleNetworkFilter",
                            "dynamic_module_config": {"name": "rust_module"},
                            "filter_name": "network_fault_injection",
                            "terminal_filter": True,
                            "filter_config": {
                                "@type": "type.googleapis.com/google.protobuf.StringValue",
                                "value": json.dumps({"phase": phase}),
                            },
                        },
                    }
                ]
            }
        ],
    }


@pytest.fixture(scope="module")
def fault_envoy(logs_dir, tmp_path_factory):
    path = configs.write(
        tmp_path_factory.mktemp("netfaults") / "faults.json", configs.bootstrap([listener(p) for p in PHASES], ADMIN)
    )
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ADMIN,
        base_id=12,
        extra_env={"DM_ENABLE_FAULT_INJECTION": "1"},
        search_path=processes.TEST_LIB,
        name="envoy-netfaults",
    )
    yield envoy
    assert envoy.stop() == 0, envoy.log()[-3000:]


def panic_lines(envoy, phase):
    return [
        line
        for line in envoy.log().splitlines()
        if f"rust_module: filter 'network_fault_injection' in {HOOK[phase]}: panicked:" in line
    ]


def exchange(port: int, data: bytes, timeout: float = 3) -> bytes | None:
    """Sends data and half-closes; what came back, or None once Envoy closed
    the connection under us (reset, or not connected any more)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(timeout)
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            out = b""
            while chunk := s.recv(65536):
                out += chunk
            return out
        except (ConnectionResetError, BrokenPipeError, OSError) as e:
            if isinstance(e, socket.timeout):
                raise
            return None


@pytest.mark.parametrize("phase", PHASES)
def test_a_panic_closes_the_connection_and_envoy_keeps_serving(fault_envoy, phase):
    port = port_of(phase)
    got = exchange(port, b"hello inject-fault")
    if phase == "event":
        # The bytes were echoed before the close event panicked.
        assert got == b"hello inject-fault"
    else:
        assert not got, f"a failed filter let {got!r} through"
    processes.wait_until(lambda: len(panic_lines(fault_envoy, phase)) == 1, 5, "one panic line")
    assert fault_envoy.proc.poll() is None
    if phase in ("read", "event"):
        assert exchange(port, b"still here") == b"still here"
        assert len(panic_lines(fault_envoy, phase)) == 1
    assert processes.http_ok(ADMIN, "/ready")
