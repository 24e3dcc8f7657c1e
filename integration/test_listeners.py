"""The lab's envoy.yaml through a real Envoy 1.40: every listener answers, the
modules load with the right ABI version, and only module listeners mutate."""

import subprocess

import configs
import ports
from cases import ATTRIBUTE_HEADERS
from client import request, upstream_view
from harness import processes

MODULE_HEADERS = ("x-response-set", "x-response-replace", *ATTRIBUTE_HEADERS)


def test_envoy_is_the_pinned_version(envoy):
    out = subprocess.run([processes.envoy_bin(), "--version"], capture_output=True, text=True).stdout
    assert f"/{processes.ENVOY_VERSION}/" in out


def test_every_module_loads_with_abi_v0_2_0(envoy):
    log = envoy.log()
    assert log.count("Dynamic module ABI version v0.2.0 matched.") == 3, log[-3000:]
    for module, language in (("rust_module", "rust"), ("go_module", "go"), ("cpp_module", "cpp")):
        assert f"{module}: loaded, language={language}" in log


def test_every_comparison_listener_answers_from_the_upstream(envoy):
    for port in range(1062, 1067):
        resp = request(port, "/uuid")
        assert resp.status == 200, port
        assert resp.body == b"Hello from echo server\n", port


def test_passthrough_and_baseline_change_nothing(envoy):
    for port in (1062, 1066):
        resp = request(port, "/response-headers?x-response-remove=kept", headers=[("x-request-remove", "kept")])
        for name in MODULE_HEADERS:
            assert resp.header(name) is None, (port, name)
        assert resp.values("x-response-remove") == ["kept"], port
        view = upstream_view(request(port, "/headers", headers=[("x-request-remove", "kept")]))
        assert view["headers"].get("x-request-remove") == ["kept"], port
        assert "x-request-set" not in view["headers"], port


def test_header_mutation_listener_differs_from_baseline(envoy):
    mutated, baseline = request(1063, "/"), request(1066, "/")
    assert mutated.header("x-response-set") == "set-by-module"
    assert baseline.header("x-response-set") is None


def test_the_port_table_matches_envoy_yaml():
    # ports.py describes envoy.yaml's listeners; the two must not drift apart.
    config = configs.lab_config()
    served = sorted(
        listener["address"]["socket_address"]["port_value"] for listener in config["static_resources"]["listeners"]
    )
    assert served == sorted(ports.LISTENERS) == sorted(sum(ports.GROUPS.values(), []))
    assert config["admin"]["address"]["socket_address"]["port_value"] == ports.ADMIN
    assert len(set(ports.BASE_ID.values())) == len(ports.BASE_ID), "two Envoys would share a base-id"


def test_envoy_runs_the_configured_number_of_workers(envoy):
    # LAB_WORKERS (default 4): the tests exercise several workers, as production does.
    stats = request(processes.ADMIN_PORT, "/stats?filter=^server.concurrency$").body.decode()
    assert stats.strip() == f"server.concurrency: {processes.WORKERS}", stats
