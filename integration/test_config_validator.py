"""cv_platform_rules, the xDS config validator (librust_module.so), through a
real Envoy with 4 workers whose listeners (LDS) and clusters (CDS) come from
a control plane over gRPC (harness/xds_server.py, serving a spec file the
tests rewrite, as a control plane pushes what its store holds). Envoy runs
config validators on gRPC subscriptions only, not on path_config_source.

The rules: every cluster sets a connect_timeout of at most 5 s, every
listener logs (an access log in its HTTP connection manager). A bad update
is refused whole: the old config keeps serving real requests, the admin
counts the rejection (update_rejected) and keeps the old version, the
control plane gets a NACK, and Envoy's log says why in one line naming the
module, the validator, the resource and the rule. A good update after it is
taken. Delta xDS too. Bad validator configs: `envoy --mode validate`, one
line each (the validate matrix's config validator rows).

Timings here: the whole file about 6 s."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

import kinds
import ports
from client import request
from harness import processes, servers
from harness.xds_server import XdsServer

CDS, LDS = kinds.XDS_TYPES["cds"], kinds.XDS_TYPES["lds"]
RULES = {
    "clusters": {"require_connect_timeout": True, "max_connect_timeout_ms": 5000},
    "listeners": {"require_access_log": True},
}
OLD, NEW = list(ports.XDS_UPSTREAMS)
PORT = ports.CV_TEST_LISTENER
ADMIN = ports.CV_TEST_ADMIN


class Spec:
    """The control plane's store: a file the server re-reads when it changes."""

    def __init__(self, path, access_log):
        self.path = path
        self.access_log = str(access_log)
        self.version = 0

    def write(self, cluster_port: int, timeout_ms: int | None = 1000, logged: bool = True) -> str:
        self.version += 1
        cluster = {"name": "backend", "port": cluster_port}
        if timeout_ms is not None:
            cluster["connect_timeout_ms"] = timeout_ms
        listener = {"name": "cv", "port": PORT, "cluster": "backend"}
        if logged:
            listener["access_log"] = self.access_log
        spec = {"version": f"v{self.version}", "clusters": [cluster], "listeners": [listener]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(spec))
        os.replace(tmp, self.path)
        return f"v{self.version}"


@pytest.fixture(scope="module")
def upstreams(logs_dir):
    started = servers.start_named_upstreams(logs_dir, ports.XDS_UPSTREAMS)
    yield
    for proc in started.values():
        proc.stop()


@pytest.fixture(scope="module")
def plane(upstreams, logs_dir, tmp_path_factory):
    """(envoy, server, spec): Envoy on version v1 (backend -> the "old" upstream)."""
    cwd = tmp_path_factory.mktemp("config-validator")
    spec = Spec(cwd / "xds.json", cwd / "access.log")
    spec.write(OLD)
    server = XdsServer(ports.XDS_TEST_SERVER, spec.path)
    config = kinds.xds_bootstrap(ADMIN, ports.XDS_TEST_SERVER, "cv_platform_rules", RULES)
    path = cwd / "envoy.json"
    path.write_text(json.dumps(config))
    envoy = processes.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=ports.BASE_ID["config_validator"], name="envoy-cv", cwd=cwd
    )
    try:
        processes.wait_until(lambda: serving(b"old\n"), 10, "listener cv on the old upstream", envoy.proc)
        yield envoy, server, spec
    finally:
        envoy.stop()
        server.stop()


def serving(body: bytes, n: int = 1) -> bool:
    try:
        return all(request(PORT, "/", timeout=2).body == body for _ in range(n))
    except OSError:
        return False


def stat(name: str) -> int:
    return kinds.stats(name, ADMIN).get(name, 0)


def wait_reply(server: XdsServer, type_url: str, version: str, nack: bool):
    """Until Envoy answered `version` of `type_url` (a NACK if `nack`)."""

    def answered():
        if nack:
            return any(r.type_url == type_url for r in server.nacks()[seen:])
        return version in server.acked(type_url)

    seen = len(server.nacks()) if nack else 0
    processes.wait_until(answered, 10, f"Envoy's {'NACK' if nack else 'ACK'} of {version} for {type_url}")
    return server.nacks()[-1] if nack else None


def rejection_lines(envoy, type_url: str) -> list[str]:
    return [line for line in envoy.log().splitlines() if "rejected" in line and type_url in line]


def test_the_first_config_is_served_on_4_workers(plane):
    envoy, server, _ = plane
    assert envoy.workers == 4
    assert serving(b"old\n", n=20)
    assert server.acked(CDS) and server.acked(LDS)
    assert server.nacks() == []


def test_a_cluster_without_connect_timeout_is_refused_and_the_old_one_serves(plane):
    envoy, server, spec = plane
    before = (stat("cluster_manager.cds.update_rejected"), stat("cluster_manager.cds.update_success"))
    version = spec.write(NEW, timeout_ms=None)
    nack = wait_reply(server, CDS, version, nack=True)
    why = "rust_module: config validator 'cv_platform_rules': cluster 'backend' has no connect_timeout"
    assert why in nack.error and "rule clusters.require_connect_timeout" in nack.error, nack
    # Real requests still reach the old upstream, on every worker.
    assert serving(b"old\n", n=40)
    assert stat("cluster_manager.cds.update_rejected") == before[0] + 1
    assert stat("cluster_manager.cds.update_success") == before[1]
    assert (
        json.load(urllib.request.urlopen(f"http://127.0.0.1:{ADMIN}/config_dump?resource=dynamic_active_clusters"))[
            "configs"
        ][0]["version_info"]
        != version
    )
    lines = rejection_lines(envoy, CDS)
    assert len(lines) == 1 and why in lines[0], lines


def test_a_connect_timeout_over_the_limit_is_refused(plane):
    _, server, spec = plane
    version = spec.write(NEW, timeout_ms=30_000)
    nack = wait_reply(server, CDS, version, nack=True)
    assert "connect_timeout is 30000 ms, over the 5000 ms allowed" in nack.error, nack
    assert serving(b"old\n", n=10)


def test_a_listener_without_access_log_is_refused_and_the_old_one_serves(plane):
    envoy, server, spec = plane
    rejected = stat("listener_manager.lds.update_rejected")
    version = spec.write(OLD, logged=False)
    nack = wait_reply(server, LDS, version, nack=True)
    why = "rust_module: config validator 'cv_platform_rules': listener 'cv' has no access log"
    assert why in nack.error and "rule listeners.require_access_log" in nack.error, nack
    assert stat("listener_manager.lds.update_rejected") == rejected + 1
    assert serving(b"old\n", n=20)
    lines = rejection_lines(envoy, LDS)
    assert len(lines) == 1 and why in lines[0], lines


def test_a_good_update_after_refusals_is_taken(plane):
    _, server, spec = plane
    version = spec.write(NEW, timeout_ms=2000)
    wait_reply(server, CDS, version, nack=False)
    processes.wait_until(lambda: serving(b"new\n"), 10, "backend on the new upstream")
    assert serving(b"new\n", n=20)


def test_the_lab_serves_1155_and_refuses_a_bad_cds_update(envoy, logs_dir):
    # envoy.yaml as `make up` serves it: cv_backend from the lab's control
    # plane (conftest starts it beside the lab's Envoy, as lab.py does).
    processes.wait_until(lambda: request(1155, "/").status == 200, 10, "1155 through cv_backend")
    spec = logs_dir / "test_config_validator" / "xds" / "lab.json"
    servers.write_lab_xds_spec(spec, connect_timeout_ms=None)
    rejected = "cluster_manager.cds.update_rejected"
    processes.wait_until(lambda: kinds.stats(rejected).get(rejected) == 1, 10, "the lab's CDS update rejected")
    assert all(request(1155, "/").body == b"Hello from echo server\n" for _ in range(10))
    lines = rejection_lines(envoy, CDS)
    assert len(lines) == 1 and "cluster 'cv_backend' has no connect_timeout" in lines[0], lines


# The validate matrix's config validator rows: (case, config (raw JSON), what the line says).
BAD_CONFIGS = [
    ("no_rule", "{}", "no rule is on"),
    ("unknown_field", '{"clusters": {"require_timeout": true}}', "unknown field `require_timeout`"),
    ("max_zero", '{"clusters": {"max_connect_timeout_ms": 0}}', "max_connect_timeout_ms: 1 to 3600000, got 0"),
    ("not_json", "require_access_log", "expected a JSON object"),
]


@pytest.mark.parametrize("case,raw,why", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_validator_configs_are_refused_with_one_line(tmp_path, case, raw, why):
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(kinds.config_validator_bootstrap("cv_platform_rules", raw=raw)))
    code, lines, out = kinds.refusal_lines(path, "config validator", "cv_platform_rules")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and why in lines[0], lines or out[-2000:]


def test_an_unknown_config_validator_name_is_refused_with_one_line(tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(kinds.config_validator_bootstrap("cv_nope")))
    code, lines, out = kinds.refusal_lines(path, "config validator", "cv_nope")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and "unknown filter name" in lines[0] and "cv_platform_rules" in lines[0], lines


def test_a_good_config_validator_config_validates(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(kinds.config_validator_bootstrap("cv_platform_rules", RULES)))
    code, out = processes.validate(path)
    assert code == 0, out[-2000:]
