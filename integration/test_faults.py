"""A panic (Rust, Go) or exception (C++) inside a filter never reaches Envoy: it
is logged once and the stream fails closed as docs/CONTRACT.md says, and Envoy
keeps serving. The test-only fault_injection filter raises it on demand; it is
enabled only by DM_ENABLE_FAULT_INJECTION=1, which the shipped config lacks."""

import http.client

import pytest

import configs
import ports
from client import request
from harness import processes

MODULES = {"rust": "rust_module", "go": "go_module", "cpp": "cpp_module"}
PHASES = ["request_headers", "request_body", "response_headers", "response_body", "stream_complete"]
FAIL_BODY = b"dynamic module filter failed\n"
ADMIN = ports.FAULTS_ADMIN
# The Rust-only phases, on ports after the per-language table.
LOCAL_REPLY_PORT = 21000 + 10 * len(MODULES)


# Only the Rust SDK starts HTTP callouts: its done hook panics after a callout
# to the echo cluster, with the stream stopped waiting for it.
CALLOUT_PHASE = "http_callout_done"
CALLOUT_PORT = LOCAL_REPLY_PORT + 1


def port_of(language: str, phase: str) -> int:
    return 21000 + 10 * list(MODULES).index(language) + PHASES.index(phase)


@pytest.fixture(scope="module")
def fault_envoy(upstream, logs_dir, tmp_path_factory):
    listeners = [
        configs.listener(
            f"{lang}_{phase}",
            port_of(lang, phase),
            [configs.module_filter(module, "fault_injection", {"phase": phase})],
        )
        for lang, module in MODULES.items()
        for phase in PHASES
    ] + [
        configs.listener(
            f"rust_{CALLOUT_PHASE}",
            CALLOUT_PORT,
            [configs.module_filter("rust_module", "fault_injection", {"phase": CALLOUT_PHASE})],
        )
    ]
    # Rust only (the other SDKs lack the hook): a panic in on_local_reply, on a
    # route Envoy answers itself.
    listeners.append(
        configs.listener(
            "rust_local_reply",
            LOCAL_REPLY_PORT,
            [configs.module_filter("rust_module", "fault_injection", {"phase": "local_reply"})],
            direct_response=True,
        )
    )
    path = configs.write(tmp_path_factory.mktemp("faults") / "faults.json", configs.bootstrap(listeners, ADMIN))
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ADMIN,
        base_id=ports.BASE_ID["faults"],
        extra_env={"DM_ENABLE_FAULT_INJECTION": "1"},
        search_path=processes.TEST_LIB,
        name="envoy-faults",
    )
    yield envoy
    assert envoy.stop() == 0, envoy.log()[-3000:]


def panic_lines(envoy, module, phase):
    return [
        line
        for line in envoy.log().splitlines()
        if f"{module}: filter 'fault_injection' in on_{phase}: panicked:" in line
    ]


@pytest.mark.parametrize("language", MODULES)
@pytest.mark.parametrize("phase", PHASES)
def test_fault_fails_closed_and_envoy_keeps_serving(fault_envoy, language, phase):
    port = port_of(language, phase)
    resp = request(port, "/anything", method="POST", body=b"x" * 1024, headers=[("x-inject-fault", "1")])
    if phase in ("request_headers", "request_body", "response_headers"):
        assert (resp.status, resp.body) == (500, FAIL_BODY), (resp.status, resp.body)
    else:
        # Headers are already downstream: the response completes unfiltered.
        assert resp.status == 200, (resp.status, resp.body)
    processes.wait_until(lambda: panic_lines(fault_envoy, MODULES[language], phase), 5, "panic log line")
    assert len(panic_lines(fault_envoy, MODULES[language], phase)) == 1
    # Envoy is alive and serving: the next request on the same listener succeeds.
    after = request(port, "/anything", method="POST", body=b"x" * 1024)
    assert after.status == 200, (after.status, after.body)
    assert fault_envoy.proc.poll() is None
    assert processes.http_ok(ADMIN, "/ready")


def test_local_reply_panic_resets_the_stream_and_envoy_keeps_serving(fault_envoy):
    # Fails closed: the client gets a reset, not the reply the hook was told of.
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        request(LOCAL_REPLY_PORT, "/", headers=[("x-inject-fault", "1")])
    processes.wait_until(lambda: panic_lines(fault_envoy, "rust_module", "local_reply"), 5, "panic log line")
    assert len(panic_lines(fault_envoy, "rust_module", "local_reply")) == 1
    after = request(LOCAL_REPLY_PORT, "/")
    assert (after.status, after.body) == (200, b"direct\n")


def test_a_panic_in_the_callout_done_hook_fails_the_waiting_stream_closed(fault_envoy):
    resp = request(CALLOUT_PORT, "/anything", method="POST", body=b"x" * 1024, headers=[("x-inject-fault", "1")])
    assert (resp.status, resp.body) == (500, FAIL_BODY), (resp.status, resp.body)
    processes.wait_until(lambda: panic_lines(fault_envoy, "rust_module", CALLOUT_PHASE), 5, "panic log line")
    assert len(panic_lines(fault_envoy, "rust_module", CALLOUT_PHASE)) == 1
    after = request(CALLOUT_PORT, "/anything", method="POST", body=b"x" * 1024)
    assert after.status == 200, (after.status, after.body)
    assert fault_envoy.proc.poll() is None


@pytest.mark.parametrize("language", MODULES)
def test_panic_while_creating_the_config_refuses_it(tmp_path, language):
    module = MODULES[language]
    path = configs.write(
        tmp_path / "c.json",
        configs.bootstrap(
            [
                configs.listener(
                    "c", ports.SCRATCH_LISTENER, [configs.module_filter(module, "fault_injection", {"phase": "config"})]
                )
            ],
            ports.SCRATCH_ADMIN,
        ),
    )
    code, out = processes.validate(path, processes.TEST_LIB, extra_env={"DM_ENABLE_FAULT_INJECTION": "1"})
    assert code > 0, out[-2000:]
    assert f"{module}: filter 'fault_injection' config creation: panicked:" in out, out[-3000:]
