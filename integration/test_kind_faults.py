"""The SDK's panic barrier for every kind but the HTTP filter, through a real
Envoy 1.40: each kind's test-only fault filter (listener_fault_injection,
udp_fault_injection, ..., hc_fault_injection) panics on purpose, only with
DM_ENABLE_FAULT_INJECTION=1. Each panic is logged once and fails closed in the
way its kind allows (docs/CONTRACT.md: a connection closed, a datagram
dropped, a log line lost, a request answered 500 or 503, a check failed), and
the next client is served."""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import configs
import h2client
import kinds
import ports
import tls_upstream
from client import request
from harness import processes, servers

ADMIN = 19190
PHASES = {"listener_filter_new": 19191, "on_accept": 19192, "on_data": 19193}
UDP_PORT = 19194
ACCESS_LOG_PORT = 19195
FAULT_ENV = {"DM_ENABLE_FAULT_INJECTION": "1"}


def start_fault_envoy(logs_dir, path, config: dict, admin_port: int, base_id: int, name: str) -> processes.Envoy:
    """An Envoy of `config` (written to `path`) on the test build, with the
    fault-injection switch on: the test-only filters load there only."""
    path.write_text(json.dumps(config))
    return processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=admin_port,
        base_id=base_id,
        extra_env=FAULT_ENV,
        search_path=processes.TEST_LIB,
        name=name,
    )


@pytest.fixture(scope="module")
def fault_envoy(upstream, logs_dir, tmp_path_factory):
    listeners = [
        kinds.tcp_listener(
            port, [kinds.module_filter(kinds.LISTENER_FILTER_TYPE, "listener_fault_injection", {"phase": phase})]
        )
        for phase, port in PHASES.items()
    ]
    listeners.append(
        kinds.udp_listener(
            UDP_PORT,
            [
                kinds.module_filter(kinds.UDP_FILTER_TYPE, "udp_fault_injection"),
                kinds.module_filter(
                    kinds.UDP_FILTER_TYPE, "udp_dns_gateway", {"records": {"a.lab.test": ["10.0.0.1"]}}
                ),
            ],
        )
    )
    listeners.append(kinds.access_log_listener(ACCESS_LOG_PORT, "access_log_fault_injection", {"phase": "log"}))
    path = tmp_path_factory.mktemp("kind-faults") / "faults.json"
    envoy = start_fault_envoy(logs_dir, path, kinds.bootstrap(listeners, ADMIN), ADMIN, 12, "envoy-kind-faults")
    yield envoy
    code = envoy.stop()
    assert code == 0, f"envoy exited with {code}\n{envoy.log()[-3000:]}"


def panic_lines(envoy, kind: str, name: str, phase: str) -> list[str]:
    # The message follows on the next line: "panicked at <file>:<line>:\n<message>".
    needle = f"rust_module: {kind} '{name}' in {phase}: panicked:"
    lines = envoy.log().splitlines()
    return [
        line
        for i, line in enumerate(lines)
        if needle in line and f"fault injected in {phase}" in " ".join(lines[i : i + 2])
    ]


def wait_for_lines(envoy, kind, name, phase, n: int) -> list[str]:
    deadline = time.monotonic() + 5
    while len(lines := panic_lines(envoy, kind, name, phase)) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return lines


@pytest.mark.parametrize("phase", list(PHASES))
def test_a_listener_filter_panic_closes_that_connection_only(fault_envoy, phase):
    port = PHASES[phase]
    with socket.socket() as s:
        s.bind(("127.0.0.3", 0))
        s.connect(("127.0.0.1", port))
        s.settimeout(3)
        if phase == "on_data":
            s.sendall(b"FAULT")
        with contextlib.suppress(ConnectionResetError):
            assert s.recv(1) == b""
    lines = wait_for_lines(fault_envoy, "listener filter", "listener_fault_injection", phase, 1)
    assert len(lines) == 1 and "[error]" in lines[0], lines
    # Another client on the same listener is served.
    done = subprocess.run(
        ["curl", "-sS", "-m", "5", "--interface", "127.0.0.1", f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.stdout == "Hello from echo server\n", done
    assert fault_envoy.proc.poll() is None


def dns_query(name: str, qid: int) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", 1, 1)


def test_a_udp_filter_panic_drops_that_datagram_only(fault_envoy):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for i in range(2):
            # A query the gateway would answer, but with the id 0x4641 ("FA")
            # that makes the filter before it panic: fail closed means no answer.
            s.sendto(dns_query("a.lab.test", 0x4641), ("127.0.0.1", UDP_PORT))
            with pytest.raises(socket.timeout):
                s.recv(512)
            # The filter was rebuilt: the next datagram is answered.
            s.sendto(dns_query("a.lab.test", 0x100 + i), ("127.0.0.1", UDP_PORT))
            reply = s.recv(512)
            assert reply[:2] == struct.pack("!H", 0x100 + i) and reply.endswith(bytes([10, 0, 0, 1]))
    lines = wait_for_lines(fault_envoy, "UDP listener filter", "udp_fault_injection", "on_data", 2)
    assert len(lines) == 2, lines
    assert fault_envoy.proc.poll() is None


def logged_total() -> int:
    """The fault logger's count of requests it logged (absent until the first)."""
    found = kinds.stats("access_log_fault_injection_logged_total", admin_port=ADMIN)
    return sum(found.values())


def test_an_access_logger_panic_loses_that_line_only(fault_envoy):
    for i in range(2):
        before = logged_total()
        # The request is answered whatever its logger does afterwards.
        assert request(ACCESS_LOG_PORT, "/", headers=[("x-fault", "log")]).status == 200
        assert (
            len(wait_for_lines(fault_envoy, "access logger", "access_log_fault_injection", "access_logger_log", i + 1))
            == i + 1
        )
        assert logged_total() == before, "the panicking event is not counted"
        # The logger was rebuilt (or another worker's is used): the next request is logged.
        assert request(ACCESS_LOG_PORT, "/").status == 200
        processes.wait_until(lambda want=before + 1: logged_total() == want, 5, "the next request logged")
    lines = panic_lines(fault_envoy, "access logger", "access_log_fault_injection", "access_logger_log")
    assert len(lines) == 2 and all("[error]" in line for line in lines), lines
    assert fault_envoy.proc.poll() is None


@pytest.mark.parametrize(
    "kind,name,bootstrap",
    [
        ("listener filter", "listener_fault_injection", kinds.tcp_bootstrap),
        ("access logger", "access_log_fault_injection", kinds.access_log_bootstrap),
        # early_header_mutation kind
        ("early header mutation", "early_header_mutation_fault_injection", kinds.early_header_mutation_bootstrap),
    ],
)
def test_a_panicking_config_is_refused_with_one_line(tmp_path, kind, name, bootstrap):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {kind} '{name}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]
    assert "fault injected in config" in out


@pytest.mark.parametrize(
    "kind,name,bootstrap",
    [
        ("listener filter", "listener_fault_injection", kinds.tcp_bootstrap),
        ("UDP listener filter", "udp_fault_injection", kinds.udp_bootstrap),
        ("access logger", "access_log_fault_injection", kinds.access_log_bootstrap),
        # early_header_mutation kind
        ("early header mutation", "early_header_mutation_fault_injection", kinds.early_header_mutation_bootstrap),
    ],
)
def test_fault_filters_are_refused_without_the_switch(tmp_path, kind, name, bootstrap):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": "on_accept"} if "listener_" in name else {})))
    code, lines, out = kinds.refusal_lines(path, kind, name, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------- bootstrap extension

BOOTSTRAP_ADMIN = 19196  # its own Envoy, beside the one on ADMIN
# Every runtime phase of bootstrap_fault_injection, one extension each.
BOOTSTRAP_PHASES = [
    "bootstrap_extension_new",
    "on_server_initialized",
    "on_admin_request",
    "on_timer_fired",
    "on_drain_started",
    "on_shutdown",
]


def admin_get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_bootstrap_extension_panics_are_contained_and_exit_still_completes(upstream, logs_dir, tmp_path):
    config = kinds.bootstrap([], BOOTSTRAP_ADMIN)
    config["bootstrap_extensions"] = [
        kinds.bootstrap_extension("bootstrap_fault_injection", {"phase": p}, entry=f"fault_{p}")
        for p in BOOTSTRAP_PHASES
    ]
    envoy = start_fault_envoy(
        logs_dir, tmp_path / "bootstrap-faults.json", config, BOOTSTRAP_ADMIN, 14, "envoy-boot-faults"
    )
    stopped = False
    try:
        kind, name = "bootstrap extension", "bootstrap_fault_injection"
        # Started and ready although three hooks panicked on the way.
        for phase in ("bootstrap_extension_new", "on_server_initialized", "on_timer_fired"):
            assert len(wait_for_lines(envoy, kind, name, phase, 1)) == 1, (phase, envoy.log()[-3000:])
        # A panicking admin handler answers 500; its neighbours answer.
        status, body = admin_get(BOOTSTRAP_ADMIN, "/bootstrap_fault/on_admin_request")
        assert (status, body) == (500, b"dynamic module bootstrap extension failed\n")
        assert len(wait_for_lines(envoy, kind, name, "on_admin_request", 1)) == 1
        assert admin_get(BOOTSTRAP_ADMIN, "/bootstrap_fault/on_timer_fired") == (200, b"ok\n")
        # A graceful drain reaches drain_started.
        assert admin_get(BOOTSTRAP_ADMIN, "/drain_listeners?graceful", method="POST")[0] == 200
        assert len(wait_for_lines(envoy, kind, name, "on_drain_started", 1)) == 1, envoy.log()[-3000:]
        assert envoy.proc.poll() is None
        # on_shutdown panics, and Envoy is still told the module is done: it exits, 0.
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, kind, name, "on_shutdown")) == 1, envoy.log()[-3000:]
    finally:
        if not stopped:
            envoy.stop()


# The bootstrap extension's bad configs: each refused by `envoy --mode
# validate` with one line naming the extension and the problem.
BOOTSTRAP_BAD = [
    ("lab_status", "", "filter_config is empty; expected a JSON object"),
    ("lab_status", "[1]", "invalid type: expected a JSON object"),
    ("lab_status", '{"reload_interval_ms": 5}', "reload_interval_ms must be 100 to 3600000, got 5"),
    ("lab_status", '{"reload_interval_ms": "1000"}', "invalid type: string"),
    ("lab_status", '{"admin_path": "status"}', "admin_path must be"),
    ("lab_status", '{"flush_timeout_ms": 70000}', "flush_timeout_ms must be 0 to 60000"),
    ("lab_status", '{"reload": 1}', "unknown field `reload`"),
    ("no_such_extension", "{}", "unknown filter name; this module has: lab_status, bootstrap_fault_injection"),
    ("bootstrap_fault_injection", '{"phase": "on_shutdown"}', "test-only filter; set DM_ENABLE_FAULT_INJECTION=1"),
]


@pytest.mark.parametrize("name,raw,why", BOOTSTRAP_BAD, ids=[f"{n}:{r[:24]}" for n, r, _ in BOOTSTRAP_BAD])
def test_bad_bootstrap_extension_configs_are_refused_with_one_line(tmp_path, name, raw, why):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.extension_bootstrap(name, raw=raw)))
    code, lines, out = kinds.refusal_lines(path, "bootstrap extension", name, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert why in lines[0], lines[0]


def test_a_panicking_bootstrap_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.extension_bootstrap("bootstrap_fault_injection", {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = "rust_module: bootstrap extension 'bootstrap_fault_injection' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]
    assert "fault injected in config" in out


# ------------------------------------------------- early header mutation
# early_header_mutation kind: a panic in mutate runs the mutation's
# fail_closed and the rest of the chain, and the request is served; a panic in
# config_destroy (at exit) is logged and the exit still completes.


def upstream_headers(port: int, headers: list[tuple[str, str | bytes]]) -> dict[str, list[str]]:
    resp = request(port, "/headers", headers=headers)
    assert resp.status == 200, resp
    return json.loads(resp.body)["headers"]


def test_early_header_mutation_panics_fail_closed_and_exit_still_completes(upstream, logs_dir, tmp_path):
    listeners = ports.EARLY_HEADER_MUTATION_LISTENERS
    name = "early_header_mutation_fault_injection"
    # After the panicking one, a mutation that marks every request: it runs.
    after = kinds.early_header_mutation(
        "early_forwarded_headers", {"trusted": ["127.0.0.0/8"], "drop": ["x-unused"], "mark": "x-chain"}
    )
    config = kinds.bootstrap(
        [
            kinds.early_header_mutation_listener(
                listeners["fault"], [kinds.early_header_mutation(name, {"phase": "mutate"}), after]
            ),
            kinds.early_header_mutation_listener(
                listeners["destroy"], [kinds.early_header_mutation(name, {"phase": "config_destroy"})]
            ),
        ],
        ports.EARLY_HEADER_MUTATION_ADMIN,
    )
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "early-faults.json",
        config,
        ports.EARLY_HEADER_MUTATION_ADMIN,
        ports.BASE_ID["early_header_mutation_faults"],
        "envoy-early-faults",
    )
    stopped = False
    try:
        kind = "early header mutation"
        for i in range(2):
            seen = upstream_headers(listeners["fault"], [("x-fault", "mutate"), ("x-forwarded-for", "192.0.2.1")])
            assert "x-forwarded-for" not in seen and seen.get("x-fault-closed") == ["1"], seen
            assert seen.get("x-chain") == ["trusted"], seen
            assert len(wait_for_lines(envoy, kind, name, "mutate", i + 1)) == i + 1
            # The same configuration serves the next request untouched.
            seen = upstream_headers(listeners["fault"], [("x-forwarded-for", "192.0.2.1")])
            assert seen.get("x-forwarded-for") == ["192.0.2.1"] and "x-fault-closed" not in seen, seen
        assert upstream_headers(listeners["destroy"], [])["host"], "the other listener serves"
        assert envoy.proc.poll() is None
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, kind, name, "config destroy")) == 1, envoy.log()[-3000:]
        assert len(panic_lines(envoy, kind, name, "mutate")) == 2
    finally:
        if not stopped:
            envoy.stop()


# ------------------------------------------------- load-balancing policy (lb)

# Its own Envoy (ports.ROUTING_SCRATCH, ports.BASE_ID["routing_lb_faults"]): one
# listener and cluster per runtime phase of lb_fault_injection, each cluster
# the echo upstream, health-checked so that its hosts change once at start.
LB_ADMIN = 14010
LB_PHASES = {"lb_new": 14000, "choose_host": 14001, "on_host_membership_update": 14002, "lb_destroy": 14003}
LB_KIND, LB_NAME = "load balancer", "lb_fault_injection"


@pytest.fixture(scope="module")
def lb_fault_envoy(upstream, logs_dir, tmp_path_factory):
    config = kinds.bootstrap(
        [configs.listener(f"lb_{phase}", port, [], cluster=f"lb_{phase}") for phase, port in LB_PHASES.items()],
        LB_ADMIN,
    )
    config["static_resources"]["clusters"] += [
        kinds.lb_cluster(
            f"lb_{phase}",
            {servers.UPSTREAM_ADDR[1]: 1},
            kinds.lb_policy(LB_NAME, {"phase": phase}),
            health_check=True,
        )
        for phase in LB_PHASES
    ]
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path_factory.mktemp("lb-faults") / "lb-faults.json",
        config,
        LB_ADMIN,
        ports.BASE_ID["routing_lb_faults"],
        "envoy-lb-faults",
    )
    yield envoy
    envoy.stop()


def test_an_lb_new_panic_gives_each_request_no_host_and_one_line(lb_fault_envoy):
    port = LB_PHASES["lb_new"]
    for _ in range(2):
        before = len(panic_lines(lb_fault_envoy, LB_KIND, LB_NAME, "lb_new"))
        assert request(port, "/").status == 503
        assert len(wait_for_lines(lb_fault_envoy, LB_KIND, LB_NAME, "lb_new", before + 1)) == before + 1
    # The other clusters' load balancers serve.
    assert request(LB_PHASES["choose_host"], "/").status == 200
    assert lb_fault_envoy.proc.poll() is None


def test_a_choose_host_panic_gives_that_request_no_host_only(lb_fault_envoy):
    port = LB_PHASES["choose_host"]
    for i in range(2):
        assert request(port, "/", headers=[("x-fault", "choose_host")]).status == 503
        assert len(wait_for_lines(lb_fault_envoy, LB_KIND, LB_NAME, "choose_host", i + 1)) == i + 1
        # Rebuilt: the next request on the same listener is served.
        resp = request(port, "/")
        assert (resp.status, resp.body) == (200, b"Hello from echo server\n")
    lines = panic_lines(lb_fault_envoy, LB_KIND, LB_NAME, "choose_host")
    assert len(lines) == 2 and all("[error]" in line for line in lines), lines


def test_a_membership_update_panic_is_logged_and_the_cluster_still_serves(lb_fault_envoy):
    # The health check's first pass changes the hosts on every worker.
    assert wait_for_lines(lb_fault_envoy, LB_KIND, LB_NAME, "on_host_membership_update", 1)
    for _ in range(5):
        assert request(LB_PHASES["on_host_membership_update"], "/").status == 200
    assert lb_fault_envoy.proc.poll() is None


def test_an_lb_destroy_panic_is_logged_and_envoy_exits_cleanly(lb_fault_envoy):
    assert request(LB_PHASES["lb_destroy"], "/").status == 200
    code = lb_fault_envoy.stop()
    assert code == 0, lb_fault_envoy.log()[-3000:]
    assert panic_lines(lb_fault_envoy, LB_KIND, LB_NAME, "lb_destroy"), lb_fault_envoy.log()[-3000:]


def test_a_panicking_lb_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.lb_bootstrap(LB_NAME, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {LB_KIND} '{LB_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]
    assert "fault injected in config" in out


def test_the_lb_fault_policy_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.lb_bootstrap(LB_NAME, {"phase": "choose_host"})))
    code, lines, out = kinds.refusal_lines(path, LB_KIND, LB_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------- cluster specifier

# Its own Envoy: cs_fault_injection sends every request to the echo upstream,
# and panics for one carrying x-fault: select.
CS_PORT, CS_ADMIN = 14020, 14021
CS_KIND, CS_NAME = "cluster specifier", "cs_fault_injection"


def test_a_cluster_specifier_panic_answers_that_request_503_only(upstream, logs_dir, tmp_path):
    listener = kinds.cluster_specifier_listener(CS_PORT, CS_NAME, {"cluster": "echo"})
    config = kinds.bootstrap([listener], CS_ADMIN)
    envoy = start_fault_envoy(
        logs_dir, tmp_path / "cs-faults.json", config, CS_ADMIN, ports.BASE_ID["routing_cs_faults"], "envoy-cs-faults"
    )
    try:
        for i in range(2):
            assert request(CS_PORT, "/", headers=[("x-fault", "select")]).status == 503
            assert len(wait_for_lines(envoy, CS_KIND, CS_NAME, "select", i + 1)) == i + 1
            resp = request(CS_PORT, "/")
            assert (resp.status, resp.body) == (200, b"Hello from echo server\n")
        lines = panic_lines(envoy, CS_KIND, CS_NAME, "select")
        assert len(lines) == 2 and all("[error]" in line for line in lines), lines
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


def test_a_panicking_cluster_specifier_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.cluster_specifier_bootstrap(CS_NAME, {"cluster": "echo", "phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {CS_KIND} '{CS_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_cluster_specifier_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.cluster_specifier_bootstrap(CS_NAME, {"cluster": "echo"})))
    code, lines, out = kinds.refusal_lines(path, CS_KIND, CS_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------------------ cluster

CLUSTER_TYPE = "type.googleapis.com/envoy.extensions.clusters.dynamic_modules.v3.ClusterConfig"
# Every hook of cluster_fault_injection that runs filter code, a cluster and a listener each.
CLUSTER_PHASES = dict(
    zip(
        [
            "cluster_new",
            "cluster_init",
            "cluster_scheduled",
            "cluster_lb_new",
            "cluster_lb_choose_host",
            "cluster_lb_on_host_membership_update",
            "cluster_server_initialized",
            "cluster_drain_started",
            "cluster_shutdown",
        ],
        ports.CLUSTER_FAULT_LISTENERS,
        strict=True,
    )
)


def fault_cluster(phase: str, hosts: list[str]) -> dict:
    raw = json.dumps({"phase": phase, "hosts": hosts})
    return {
        "name": f"fault_{phase}",
        "connect_timeout": "1s",
        "lb_policy": "CLUSTER_PROVIDED",
        "cluster_type": {
            "name": "envoy.clusters.dynamic_modules",
            "typed_config": {
                "@type": CLUSTER_TYPE,
                "dynamic_module_config": {"name": "rust_module"},
                "cluster_name": "cluster_fault_injection",
                "cluster_config": {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": raw},
            },
        },
    }


def statuses(port: int, n: int) -> collections.Counter:
    """n GETs on one keep-alive connection: their statuses."""
    seen: collections.Counter = collections.Counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for _ in range(n):
        conn.request("GET", "/")
        r = conn.getresponse()
        r.read()
        seen[r.status] += 1
        if r.getheader("connection") == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.close()
    return seen


def test_cluster_panics_are_contained_and_exit_still_completes(logs_dir, tmp_path):
    named = servers.start_named_upstreams(logs_dir, ports.CLUSTER_UPSTREAMS)
    hosts = [f"127.0.0.1:{port}" for port in ports.CLUSTER_UPSTREAMS]
    listeners = [configs.listener(f"fault_{p}", port, [], cluster=f"fault_{p}") for p, port in CLUSTER_PHASES.items()]
    config = kinds.bootstrap(listeners, ports.CLUSTER_FAULT_ADMIN)
    config["static_resources"]["clusters"] += [fault_cluster(p, hosts) for p in CLUSTER_PHASES]
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "cluster-faults.json",
        config,
        ports.CLUSTER_FAULT_ADMIN,
        ports.BASE_ID["cluster_faults"],
        "envoy-cluster-faults",
    )
    stopped = False
    try:
        kind, name = "cluster", "cluster_fault_injection"
        # Started and ready although these panicked on the way; each logged once.
        for phase in ("cluster_new", "cluster_init", "cluster_scheduled", "cluster_server_initialized"):
            assert len(wait_for_lines(envoy, kind, name, phase, 1)) == 1, (phase, envoy.log()[-3000:])
        # No cluster behind it: no host, every request 503, nothing else hurt.
        assert statuses(CLUSTER_PHASES["cluster_new"], 4) == {503: 4}
        # init and scheduled panicked after their first host: it serves.
        for phase in ("cluster_init", "cluster_scheduled", "cluster_server_initialized"):
            assert statuses(CLUSTER_PHASES[phase], 8) == {200: 8}, phase
        # The first load balancer panicked while built: rebuilt, no request lost.
        assert statuses(CLUSTER_PHASES["cluster_lb_new"], 8) == {200: 8}
        assert len(panic_lines(envoy, kind, name, "cluster_lb_new")) == 1
        # Each load balancer's membership update panicked (one per worker, and
        # the main thread's): logged, rebuilt, served.
        updates = wait_for_lines(envoy, kind, name, "cluster_lb_on_host_membership_update", 1)
        assert 1 <= len(updates) <= processes.WORKERS + 1, updates
        assert statuses(CLUSTER_PHASES["cluster_lb_on_host_membership_update"], 8) == {200: 8}
        # Every other choice panics: that request only is 503, one line each.
        seen = statuses(CLUSTER_PHASES["cluster_lb_choose_host"], 10)
        assert seen == {503: 5, 200: 5}, seen
        assert len(wait_for_lines(envoy, kind, name, "cluster_lb_choose_host", 5)) == 5
        # A graceful drain reaches drain_started.
        assert admin_get(ports.CLUSTER_FAULT_ADMIN, "/drain_listeners?graceful", method="POST")[0] == 200
        assert len(wait_for_lines(envoy, kind, name, "cluster_drain_started", 1)) == 1, envoy.log()[-3000:]
        assert envoy.proc.poll() is None
        # cluster_shutdown panics, and Envoy is still told the cluster is done: it exits, 0.
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, kind, name, "cluster_shutdown")) == 1, envoy.log()[-3000:]
    finally:
        if not stopped:
            envoy.stop()
        for proc in named.values():
            proc.stop()


def test_a_panicking_cluster_config_is_refused_and_the_switch_is_needed(tmp_path):
    config = kinds.bootstrap([], 19001)
    config["static_resources"]["clusters"].append(fault_cluster("cluster_new", ["127.0.0.1:1"]))
    path = tmp_path / "off.json"
    path.write_text(json.dumps(config))
    code, lines, out = kinds.refusal_lines(path, "cluster", "cluster_fault_injection", processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------ route_specifier kind

# Its own Envoy (ports.RS_FAULT_*): rs_fault_injection selects the template
# "main" (the echo upstream) for every request; x-fault: on_route panics in
# on_route, x-fault: route_destroy gets a route whose destruction panics.
RS_KIND, RS_NAME = "route specifier", "rs_fault_injection"


def test_a_route_specifier_panic_gets_the_failure_policy_for_that_request_only(upstream, logs_dir, tmp_path):
    listener = kinds.route_specifier_listener(
        ports.RS_FAULT_LISTENER, RS_NAME, {"template": "main"}, templates={"main": "echo"}, failure_policy="NO_ROUTE"
    )
    config = kinds.bootstrap([listener], ports.RS_FAULT_ADMIN)
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "rs-faults.json",
        config,
        ports.RS_FAULT_ADMIN,
        ports.BASE_ID["routing_rs_faults"],
        "envoy-rs-faults",
    )
    port = ports.RS_FAULT_LISTENER
    try:
        for i in range(2):
            # NO_ROUTE: the panicking request is answered 404, nothing goes upstream.
            assert request(port, "/", headers=[("x-fault", "on_route")]).status == 404
            assert len(wait_for_lines(envoy, RS_KIND, RS_NAME, "on_route", i + 1)) == i + 1
            resp = request(port, "/")
            assert (resp.status, resp.body) == (200, b"Hello from echo server\n")
        lines = panic_lines(envoy, RS_KIND, RS_NAME, "on_route")
        assert len(lines) == 2 and all("[error]" in line for line in lines), lines
        # The route that carries the module's number is destroyed after its
        # request; that hook's panic is logged once and the request was served.
        resp = request(port, "/", headers=[("x-fault", "route_destroy")])
        assert (resp.status, resp.body) == (200, b"Hello from echo server\n")
        lines = wait_for_lines(envoy, RS_KIND, RS_NAME, "route_destroy", 1)
        assert len(lines) == 1 and "[error]" in lines[0], envoy.log()[-3000:]
        assert request(port, "/").status == 200
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


def test_a_panicking_route_specifier_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    config = kinds.route_specifier_bootstrap(
        RS_NAME, {"template": "main", "phase": "config"}, templates={"main": "echo"}
    )
    path.write_text(json.dumps(config))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {RS_KIND} '{RS_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_route_specifier_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(
        json.dumps(kinds.route_specifier_bootstrap(RS_NAME, {"template": "main"}, templates={"main": "echo"}))
    )
    code, lines, out = kinds.refusal_lines(path, RS_KIND, RS_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------ upstream_http_tcp_bridge kind

# Its own Envoy: a listener and a bridge_fault_injection cluster per phase, to
# the echo upstream (the bridge writes a line there and answers with what
# comes back); a request with x-fault: PHASE panics in that hook. "new" and
# "config" panic in every bridge and every configuration of their cluster.
BRIDGE_KIND, BRIDGE_NAME = "upstream HTTP-TCP bridge", "bridge_fault_injection"
BRIDGE_PHASES = ["encode_headers", "encode_data", "encode_trailers", "on_upstream_data"]
BRIDGE_PORT, BRIDGE_NEW_PORT, BRIDGE_CONFIG_PORT = 14320, 14321, 14322
BRIDGE_ADMIN = 14348
FAILED = (500, b"dynamic module filter failed\n")


def bridge_fault_request(phase: str | None) -> tuple[int, bytes]:
    """One request that reaches `phase` (over HTTP/2 for the trailers)."""
    if phase == "encode_trailers":
        h2 = h2client.request(BRIDGE_PORT, "/", frames=[b"body"], trailers=[("x-t", "1")], headers=[("x-fault", phase)])
        return h2.status, h2.body
    headers: list[tuple[str, str | bytes]] = [("x-fault", phase)] if phase else []
    resp = request(BRIDGE_PORT, "/", method="POST", body=b"body", headers=headers)
    return resp.status, resp.body


def test_a_bridge_panic_in_each_hook_answers_that_request_500_only(upstream, logs_dir, tmp_path):
    clusters = [
        (BRIDGE_PORT, kinds.bridge_cluster("bridge_faults", servers.UPSTREAM_ADDR[1], BRIDGE_NAME, {})),
        (BRIDGE_NEW_PORT, kinds.bridge_cluster("bridge_new", servers.UPSTREAM_ADDR[1], BRIDGE_NAME, {"phase": "new"})),
        (
            BRIDGE_CONFIG_PORT,
            kinds.bridge_cluster("bridge_config", servers.UPSTREAM_ADDR[1], BRIDGE_NAME, {"phase": "config"}),
        ),
    ]
    config = kinds.bridge_bootstrap(clusters, BRIDGE_ADMIN)
    envoy = start_fault_envoy(
        logs_dir, tmp_path / "bridge-faults.json", config, BRIDGE_ADMIN, ports.BASE_ID["bridge_faults"], "envoy-bridge"
    )
    try:
        for phase in BRIDGE_PHASES:
            for i in range(2):
                assert bridge_fault_request(phase) == FAILED, phase
                assert len(wait_for_lines(envoy, BRIDGE_KIND, BRIDGE_NAME, phase, i + 1)) == i + 1, phase
                status, body = bridge_fault_request(None)
                assert status == 200 and body.startswith(b"HTTP/1.1 400"), (phase, status, body)
        new = "upstream_http_tcp_bridge_new"
        for i in range(2):
            resp = request(BRIDGE_NEW_PORT, "/")
            assert (resp.status, resp.body) == FAILED
            assert len(wait_for_lines(envoy, BRIDGE_KIND, BRIDGE_NAME, new, i + 1)) == i + 1
        # A panicking constructor is a refused configuration: Envoy's 503, one line per try.
        for _ in range(2):
            assert request(BRIDGE_CONFIG_PORT, "/").status == 503
        needle = f"rust_module: {BRIDGE_KIND} '{BRIDGE_NAME}' config creation: panicked:"
        assert sum(needle in line for line in envoy.log().splitlines()) == 2, envoy.log()[-3000:]
        assert bridge_fault_request(None)[0] == 200
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


# ------------------------------------------------------------ health_checker

HC_KIND, HC_NAME = "health checker", "hc_fault_injection"
# Every runtime hook of hc_fault_injection, a cluster each (one host: the echo upstream).
HC_PHASES = ["session_new", "session_on_interval", "session_on_timeout", "session_destroy"]


def hc_fault_bootstrap(phases: list[str]) -> dict:
    config = kinds.bootstrap([], ports.HEALTH_FAULT_ADMIN)
    config["static_resources"]["clusters"] += [
        kinds.health_checked_cluster(
            f"hc_{phase}",
            [servers.UPSTREAM_ADDR[1]],
            kinds.health_check(HC_NAME, {"phase": phase}, interval=0.2, timeout=0.3, unhealthy=1, healthy=1),
        )
        for phase in phases
    ]
    return config


def test_health_checker_panics_fail_that_check_and_the_host_recovers(upstream, logs_dir, tmp_path):
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "hc-faults.json",
        hc_fault_bootstrap(HC_PHASES),
        ports.HEALTH_FAULT_ADMIN,
        ports.BASE_ID["health_checker_faults"],
        "envoy-hc-faults",
    )
    try:
        for phase in HC_PHASES[:3]:
            assert wait_for_lines(envoy, HC_KIND, HC_NAME, phase, 1), phase
        # Each fault fired once; the rebuilt session's checks pass.
        deadline = time.monotonic() + 5
        while not all(
            kinds.health_flags(ports.HEALTH_FAULT_ADMIN, f"hc_{p}") == {servers.UPSTREAM_ADDR[1]: "healthy"}
            for p in HC_PHASES
        ):
            assert time.monotonic() < deadline, [
                kinds.health_flags(ports.HEALTH_FAULT_ADMIN, f"hc_{p}") for p in HC_PHASES
            ]
            time.sleep(0.05)
        for phase in HC_PHASES[:3]:
            lines = panic_lines(envoy, HC_KIND, HC_NAME, phase)
            assert len(lines) == 1 and "[error]" in lines[0], (phase, lines)
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]
    assert len(panic_lines(envoy, HC_KIND, HC_NAME, "session_destroy")) == 1, envoy.log()[-3000:]


def test_a_panicking_health_checker_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.health_checker_bootstrap(HC_NAME, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {HC_KIND} '{HC_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_health_checker_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.health_checker_bootstrap(HC_NAME, {"phase": "session_new"})))
    code, lines, out = kinds.refusal_lines(path, HC_KIND, HC_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------ config_validator kind

# Two Envoys (ports.CV_FAULT_*), one taking LDS and CDS over state-of-the-world
# gRPC, one over delta gRPC, each from its own control plane, cv_fault_injection
# judging every update: an update holding a resource named panic-validate
# panics in validate (validate_delta); the delta Envoy's validators also panic
# when Envoy destroys them, at exit.
CV_KIND, CV_NAME = "config validator", "cv_fault_injection"


def cv_spec(path, port: int, version: str, extra_cluster: str | None = None):
    clusters = [{"name": "backend", "port": ports.UPSTREAM, "connect_timeout_ms": 1000}]
    if extra_cluster:
        clusters.append({"name": extra_cluster, "port": ports.UPSTREAM, "connect_timeout_ms": 1000})
    spec = {
        "version": version,
        "clusters": clusters,
        "listeners": [{"name": "cvf", "port": port, "cluster": "backend"}],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(spec))
    tmp.replace(path)


@pytest.mark.parametrize("mode", ["sotw", "delta"])
def test_a_config_validator_panic_refuses_that_update_only(upstream, logs_dir, tmp_path, mode):
    from harness.xds_server import XdsServer

    delta = mode == "delta"
    port, admin = ports.CV_FAULT_LISTENERS[mode], ports.CV_FAULT_ADMIN[mode]
    xds_port = ports.XDS_DELTA_SERVER if delta else ports.XDS_TEST_SERVER
    spec = tmp_path / "xds.json"
    cv_spec(spec, port, "v1")
    server = XdsServer(xds_port, spec)
    config = kinds.xds_bootstrap(admin, xds_port, CV_NAME, {"phase": "destroy"} if delta else {}, delta=delta)
    phase = "validate_delta" if delta else "validate"
    cds = kinds.XDS_TYPES["cds"]
    try:
        envoy = start_fault_envoy(
            logs_dir,
            tmp_path / "cv-faults.json",
            config,
            admin,
            ports.BASE_ID["config_validator_faults"] + delta,
            f"envoy-cv-faults-{mode}",
        )
        try:
            processes.wait_until(lambda: processes.http_ok(port, "/"), 10, f"listener cvf on {port}", envoy.proc)
            for i in range(2):
                cv_spec(spec, port, f"v{2 + 2 * i}", extra_cluster="panic-validate")
                processes.wait_until(lambda n=i + 1: len(server.nacks()) == n, 10, "Envoy's NACK")
                assert f"'{CV_NAME}' panicked in {phase}; the update is refused" in server.nacks()[-1].error
                assert len(wait_for_lines(envoy, CV_KIND, CV_NAME, phase, i + 1)) == i + 1
                assert request(port, "/").status == 200
                # The next update is judged afresh, and taken.
                cv_spec(spec, port, f"v{3 + 2 * i}")
                processes.wait_until(lambda v=f"v{3 + 2 * i}": v in server.acked(cds), 10, "Envoy's ACK")
            assert kinds.stats("cds.update_rejected", admin)["cluster_manager.cds.update_rejected"] == 2
            assert envoy.proc.poll() is None
        finally:
            code = envoy.stop()
        assert code == 0, envoy.log()[-3000:]
        if delta:
            # One validator per config source (LDS, CDS), each destroyed at exit.
            lines = panic_lines(envoy, CV_KIND, CV_NAME, "config destroy")
            assert len(lines) == 2, envoy.log()[-3000:]
    finally:
        server.stop()


def test_a_panicking_config_validator_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.config_validator_bootstrap(CV_NAME, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {CV_KIND} '{CV_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_config_validator_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.config_validator_bootstrap(CV_NAME, {})))
    code, lines, out = kinds.refusal_lines(path, CV_KIND, CV_NAME, processes.TEST_LIB)


# ------------------------------------------------ matcher and matcher_data_input
# matcher kind: a panic in match is an error, which Envoy 1.40 hands to the
# config's on_error (NO_MATCH: the tree's on_no_match, here a 404; MATCH: the
# entry's on_match). matcher_data_input kind: a panic in get is no data, so the
# tree's on_no_match. A panic in either config's destroy (at exit) is logged
# once and the exit completes.

MT_NAME, DI_NAME = "mt_fault_injection", "di_fault_injection"
MT_KIND, DI_KIND = "matcher", "matcher data input"


def routed(port: int, headers: list[tuple[str, str | bytes]]) -> tuple[int, str | None]:
    resp = request(port, "/", headers=headers)
    return resp.status, dict(resp.headers).get("x-lab-route")


def test_matcher_and_data_input_panics_answer_that_request_from_the_tree(upstream, logs_dir, tmp_path):
    listeners = ports.MATCHER_FAULT_LISTENERS
    config = kinds.bootstrap(
        [
            kinds.matcher_listener(listeners["matcher"], MT_NAME, {"phase": "match"}),
            kinds.matcher_listener(listeners["matcher_on_error_match"], MT_NAME, {"phase": "match"}, on_error="MATCH"),
            kinds.data_input_listener(listeners["data_input"], DI_NAME, {"phase": "get"}),
            kinds.matcher_listener(listeners["matcher_destroy"], MT_NAME, {"phase": "config_destroy"}),
            kinds.data_input_listener(listeners["data_input_destroy"], DI_NAME, {"phase": "config_destroy"}),
        ],
        ports.MATCHER_FAULT_ADMIN,
    )
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "matcher-faults.json",
        config,
        ports.MATCHER_FAULT_ADMIN,
        ports.BASE_ID["matcher_faults"],
        "envoy-matcher-faults",
    )
    stopped = False
    try:
        for i in range(2):
            # on_error NO_MATCH: the panicking request gets on_no_match (404).
            assert routed(listeners["matcher"], [("x-fault", "match"), ("x-match", "yes")]) == (404, "no_match")
            # on_error MATCH: it gets on_match, even without x-match.
            assert routed(listeners["matcher_on_error_match"], [("x-fault", "match")]) == (200, "matched")
            assert len(wait_for_lines(envoy, MT_KIND, MT_NAME, "match", 2 * (i + 1))) == 2 * (i + 1)
            # The data input: no data, so on_no_match (404).
            assert routed(listeners["data_input"], [("x-fault", "get"), ("x-value", "acme")]) == (404, "no_match")
            assert len(wait_for_lines(envoy, DI_KIND, DI_NAME, "get", i + 1)) == i + 1
            # The same configurations answer the next request.
            assert routed(listeners["matcher"], [("x-match", "yes")]) == (200, "matched")
            assert routed(listeners["matcher_on_error_match"], []) == (404, "no_match")
            assert routed(listeners["data_input"], [("x-value", "acme")]) == (200, "acme")
        assert routed(listeners["matcher_destroy"], [("x-match", "yes")]) == (200, "matched")
        assert routed(listeners["data_input_destroy"], [("x-value", "acme")]) == (200, "acme")
        assert envoy.proc.poll() is None
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, MT_KIND, MT_NAME, "config destroy")) == 1, envoy.log()[-3000:]
        assert len(panic_lines(envoy, DI_KIND, DI_NAME, "config destroy")) == 1, envoy.log()[-3000:]
        assert len(panic_lines(envoy, MT_KIND, MT_NAME, "match")) == 4
        assert len(panic_lines(envoy, DI_KIND, DI_NAME, "get")) == 2
    finally:
        if not stopped:
            envoy.stop()


@pytest.mark.parametrize(
    "kind,name,bootstrap",
    [(MT_KIND, MT_NAME, kinds.matcher_bootstrap), (DI_KIND, DI_NAME, kinds.data_input_bootstrap)],
)
def test_a_panicking_matcher_or_data_input_config_is_refused_with_one_line(tmp_path, kind, name, bootstrap):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {kind} '{name}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


@pytest.mark.parametrize(
    "kind,name,bootstrap,phase",
    [(MT_KIND, MT_NAME, kinds.matcher_bootstrap, "match"), (DI_KIND, DI_NAME, kinds.data_input_bootstrap, "get")],
)
def test_the_matcher_fault_filters_are_refused_without_the_switch(tmp_path, kind, name, bootstrap, phase):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(bootstrap(name, {"phase": phase})))
    code, lines, out = kinds.refusal_lines(path, kind, name, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------------ header_formatter
# header_formatter kind: a panic in header_formatter_new leaves that message
# without a formatter, one in process_key or format silences that message's
# formatter: either way the names keep Envoy's lowercase, nothing is dropped,
# the request is served and the next message is formatted again. A panic in a
# formatter's or the config's destroy is logged once.

HF_NAME, HF_KIND = "hf_fault_injection", "header formatter"


def raw_upstream_saw(port: int, fault: bool) -> bytes:
    """The request head raw_upstream.py got for a GET carrying X-Keep (and X-Fault)."""
    lines = ["GET / HTTP/1.1", "Host: lab", "X-Keep: 1", *(["X-Fault: 1"] if fault else []), "Connection: close"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
    return data.split(b"\r\n\r\n", 1)[1]


def test_header_formatter_panics_keep_envoys_case_for_that_message_only(upstream, logs_dir, tmp_path):
    listeners = ports.HEADER_FORMATTER_FAULT_LISTENERS
    config = kinds.bootstrap(
        [
            kinds.header_formatter_listener(port, kinds.stateful_formatter(HF_NAME, {"phase": phase}), cluster="raw")
            for phase, port in listeners.items()
        ],
        ports.HEADER_FORMATTER_FAULT_ADMIN,
    )
    config["static_resources"]["clusters"].append(kinds._cluster("raw", ports.RAW_UPSTREAM))
    raw = servers.start_raw_upstream(logs_dir)
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "header-formatter-faults.json",
        config,
        ports.HEADER_FORMATTER_FAULT_ADMIN,
        ports.BASE_ID["header_formatter_faults"],
        "envoy-header-formatter-faults",
    )
    stopped = False
    try:
        # Every message's formatter panics at birth: no formatter, lowercase.
        for i in range(2):
            assert b"\r\nx-keep: 1" in raw_upstream_saw(listeners["header_formatter_new"], fault=False)
            assert len(wait_for_lines(envoy, HF_KIND, HF_NAME, "header_formatter_new", i + 1)) == i + 1
        for phase in ("process_key", "format"):
            port = listeners[phase]
            for i in range(2):
                saw = raw_upstream_saw(port, fault=True)
                assert b"\r\nx-keep: 1" in saw and b"\r\nx-fault: 1" in saw, (phase, saw)
                assert len(wait_for_lines(envoy, HF_KIND, HF_NAME, phase, i + 1)) == i + 1, phase
                # The next message is formatted again.
                assert b"\r\nX-Keep: 1" in raw_upstream_saw(port, fault=False), phase
        # A formatter whose destruction panics did its work first.
        port = listeners["header_formatter_destroy"]
        assert b"\r\nX-Keep: 1" in raw_upstream_saw(port, fault=True)
        assert len(wait_for_lines(envoy, HF_KIND, HF_NAME, "header_formatter_destroy", 1)) == 1
        assert b"\r\nX-Keep: 1" in raw_upstream_saw(listeners["config_destroy"], fault=False)
        assert envoy.proc.poll() is None
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, HF_KIND, HF_NAME, "config destroy")) == 1, envoy.log()[-3000:]
        for phase, n in [("process_key", 2), ("format", 2), ("header_formatter_destroy", 1)]:
            assert len(panic_lines(envoy, HF_KIND, HF_NAME, phase)) == n, phase
    finally:
        if not stopped:
            envoy.stop()
        raw.stop()


def test_a_panicking_header_formatter_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.header_formatter_bootstrap(HF_NAME, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {HF_KIND} '{HF_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_header_formatter_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.header_formatter_bootstrap(HF_NAME, {"phase": "format"})))
    code, lines, out = kinds.refusal_lines(path, HF_KIND, HF_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------------- formatter kind
# A panic in format is logged once and gives the line no value (`-`): the
# request is served and logged, and so is the next one. A panic in parse or in
# config creation refuses the format string; panics in provider destroy and
# config destroy (at exit) are logged once each and the exit completes.
FMT_KIND, FMT_NAME = "formatter", "fmt_fault_injection"
FMT_LISTENERS = dict(
    zip(["format", "provider_destroy", "config_destroy"], ports.FORMATTER_FAULT_LISTENERS, strict=False)
)


def test_formatter_panics_lose_the_value_not_the_line(upstream, logs_dir, tmp_path):
    logs = {phase: tmp_path / f"{phase}.log" for phase in FMT_LISTENERS}
    config = kinds.bootstrap(
        [
            kinds.formatter_listener(
                port, [kinds.formatter(FMT_NAME, {"phase": phase})], "%FAULT% %REQ(:PATH)%\n", str(logs[phase])
            )
            for phase, port in FMT_LISTENERS.items()
        ],
        ports.FORMATTER_FAULT_ADMIN,
    )
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "formatter-faults.json",
        config,
        ports.FORMATTER_FAULT_ADMIN,
        ports.BASE_ID["formatter_faults"],
        "envoy-formatter-faults",
    )
    stopped = False
    try:
        port = FMT_LISTENERS["format"]
        for i in range(2):
            assert request(port, f"/boom-{i}", headers=[("x-fault", "format")]).status == 200
            assert len(wait_for_lines(envoy, FMT_KIND, FMT_NAME, "format", i + 1)) == i + 1
            assert request(port, f"/fine-{i}").status == 200
        for phase in ("provider_destroy", "config_destroy"):
            assert request(FMT_LISTENERS[phase], "/").status == 200
        urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{ports.FORMATTER_FAULT_ADMIN}/reopen_logs", method="POST"),
            timeout=5,
        ).read()
        processes.wait_until(lambda: len(logs["format"].read_text().splitlines()) == 4, 5, "four lines")
        assert logs["format"].read_text().splitlines() == ["- /boom-0", "ok /fine-0", "- /boom-1", "ok /fine-1"]
        assert envoy.proc.poll() is None
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, FMT_KIND, FMT_NAME, "provider destroy")) == 1, envoy.log()[-3000:]
        assert len(panic_lines(envoy, FMT_KIND, FMT_NAME, "config destroy")) == 1, envoy.log()[-3000:]
        assert len(panic_lines(envoy, FMT_KIND, FMT_NAME, "format")) == 2
    finally:
        if not stopped:
            envoy.stop()


@pytest.mark.parametrize("phase,needle", [("config", "config creation: panicked:"), ("parse", "in parse: panicked:")])
def test_a_panicking_formatter_config_or_parse_is_refused_with_one_line(tmp_path, phase, needle):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.formatter_bootstrap(FMT_NAME, {"phase": phase}, format="%FAULT%\n")))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {FMT_KIND} '{FMT_NAME}' {needle}"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]
    assert f"fault injected in {phase}" in out


def test_the_formatter_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.formatter_bootstrap(FMT_NAME, {"phase": "format"}, format="%FAULT%\n")))
    code, lines, out = kinds.refusal_lines(path, FMT_KIND, FMT_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# -------------------------------------------------------------- stat_sink kind
# A panic in flush or in on_histogram_complete is logged once each time and
# loses that flush or sample: Envoy serves, its stats and the next flush go on.
# A panic in config creation refuses the bootstrap; one in config destroy (at
# exit) is logged and the exit completes.
SINK_KIND, SINK_NAME = "stats sink", "stats_fault_injection"


def test_stats_sink_panics_lose_a_flush_or_a_sample_only(upstream, logs_dir, tmp_path):
    port, admin = ports.STAT_SINK_FAULT_LISTENER, ports.STAT_SINK_FAULT_ADMIN
    sinks = [kinds.stat_sink(SINK_NAME, {"phase": p}) for p in ("flush", "on_histogram_complete", "config_destroy")]
    config = kinds.stat_sink_bootstrap(sinks, [configs.listener("sink_faults", port, [])], admin, "0.2s")
    envoy = start_fault_envoy(
        logs_dir, tmp_path / "sink-faults.json", config, admin, ports.BASE_ID["stat_sink_faults"], "envoy-sink-faults"
    )
    stopped = False
    try:
        for i in range(3):
            assert request(port, f"/{i}").status == 200
        # Each sample panicked once (a request records several histograms).
        assert len(wait_for_lines(envoy, SINK_KIND, SINK_NAME, "on_histogram_complete", 3)) >= 3
        # Flushes keep coming, each panicking once: the next one is not stopped.
        first = len(wait_for_lines(envoy, SINK_KIND, SINK_NAME, "flush", 1))
        assert len(wait_for_lines(envoy, SINK_KIND, SINK_NAME, "flush", first + 2)) >= first + 2
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}/stats?filter=server.concurrency", timeout=5) as r:
            assert b"server.concurrency: 4" in r.read()
        assert envoy.proc.poll() is None
        code = envoy.stop(timeout=10)
        stopped = True
        assert code == 0, envoy.log()[-3000:]
        assert len(panic_lines(envoy, SINK_KIND, SINK_NAME, "config destroy")) == 1, envoy.log()[-3000:]
    finally:
        if not stopped:
            envoy.stop()


def test_a_panicking_stats_sink_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.stat_sink_bootstrap([kinds.stat_sink(SINK_NAME, {"phase": "config"})])))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {SINK_KIND} '{SINK_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_stats_sink_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.stat_sink_bootstrap([kinds.stat_sink(SINK_NAME, {"phase": "flush"})])))
    code, lines, out = kinds.refusal_lines(path, SINK_KIND, SINK_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ----------------------------------------------------------------- tracer kind

# Its own Envoy (ports.TRACER_FAULT_*): every request is traced by
# tr_fault_injection, whose spans panic in the hook named by x-fault; a
# healthy span injects x-fault-tracer: ok into the upstream request.
TRACER_KIND, TRACER_NAME = "tracer", "tr_fault_injection"
TRACER_HOOKS = ["start_span", "span_spawn_child", "span_inject_context", "span_set_tag", "span_finish", "span_destroy"]


def traced_upstream_headers(port: int, headers: list[tuple[str, str | bytes]]) -> dict:
    """The headers the echo upstream saw (its /headers reflection)."""
    resp = request(port, "/headers", headers=headers)
    assert resp.status == 200, resp
    return resp.json()["headers"]


def test_a_tracer_panic_in_each_hook_leaves_that_request_served_untraced(upstream, logs_dir, tmp_path):
    config = kinds.bootstrap(
        [kinds.tracer_listener(ports.TRACER_FAULT_LISTENER, TRACER_NAME, {})], ports.TRACER_FAULT_ADMIN
    )
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "tracer-faults.json",
        config,
        ports.TRACER_FAULT_ADMIN,
        ports.BASE_ID["tracer_faults"],
        "envoy-tracer-faults",
    )
    port = ports.TRACER_FAULT_LISTENER
    try:
        for hook in TRACER_HOOKS:
            seen = traced_upstream_headers(port, [("x-fault", hook)])
            # A panic before the upstream call (no span, no child, the span
            # dropped at its first tag, a failed inject) injects nothing; the
            # request is served all the same.
            injected = hook in ("span_finish", "span_destroy")
            assert ("x-fault-tracer" in seen) == injected, (hook, seen)
            lines = wait_for_lines(envoy, TRACER_KIND, TRACER_NAME, hook, 1)
            assert len(lines) == 1 and "[error]" in lines[0], (hook, envoy.log()[-3000:])
            healthy = traced_upstream_headers(port, [])
            assert healthy["x-fault-tracer"] == ["ok"]
        time.sleep(0.2)
        for hook in TRACER_HOOKS:
            assert len(panic_lines(envoy, TRACER_KIND, TRACER_NAME, hook)) == 1, hook
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]


def test_a_panicking_tracer_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.tracer_bootstrap(TRACER_NAME, {"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {TRACER_KIND} '{TRACER_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_tracer_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(kinds.tracer_bootstrap(TRACER_NAME, {})))
    code, lines, out = kinds.refusal_lines(path, TRACER_KIND, TRACER_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------------ cert_validator

CERT_KIND, CERT_NAME = "cert validator", "cert_fault_injection"
# Every runtime hook of cert_fault_injection, a mutual-TLS listener each
# (ports.CERT_FAULT_LISTENERS); config_destroy panics at exit.
CERT_PHASES = {
    "do_verify_cert_chain": 14520,
    "get_ssl_verify_mode": 14521,
    "update_digest": 14522,
    "config_destroy": 14523,
}
assert set(CERT_PHASES.values()) <= set(ports.CERT_FAULT_LISTENERS)
CERT_TLS12 = ("--tls-max", "1.2")  # the alert arrives inside the handshake (test_cert_validator.py)


def cert_get(port: int, pki, cert: str | None) -> tuple[int, str]:
    """One GET by curl with pki's certificate `cert` (or none): exit code and stderr."""
    argv = ["curl", "-sSk", *CERT_TLS12, f"https://127.0.0.1:{port}/"]
    if cert is not None:
        argv[1:1] = ["--cert", str(pki[cert].with_suffix(".crt")), "--key", str(pki[cert].with_suffix(".key"))]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    return done.returncode, done.stderr


def test_cert_validator_panics_fail_closed_and_exit_still_completes(logs_dir, tmp_path):
    pki = kinds.make_pki(tmp_path)
    listeners = [
        kinds.mtls_listener(
            port, pki, kinds.validation_context(CERT_NAME, {"phase": phase}), require_client_certificate=False
        )
        for phase, port in CERT_PHASES.items()
        if phase != "get_ssl_verify_mode"
    ]
    # The verify mode matters where Envoy is the TLS client: plain HTTP in,
    # TLS to a side server whose chain the fault filter judges.
    mode_port = CERT_PHASES["get_ssl_verify_mode"]
    listeners.append(kinds.http_listener_to(mode_port, "cert_fault_mode"))
    config = kinds.bootstrap(listeners, ports.CERT_FAULT_ADMIN)
    config["static_resources"]["clusters"].append(
        kinds.tls_cluster(
            "cert_fault_mode",
            ports.CERT_FAULT_UPSTREAM,
            kinds.validation_context(CERT_NAME, {"phase": "get_ssl_verify_mode"}),
        )
    )
    side = tls_upstream.serve(
        ports.CERT_FAULT_UPSTREAM, "other", pki["other"].with_suffix(".crt"), pki["other"].with_suffix(".key")
    )
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "cert-faults.json",
        config,
        ports.CERT_FAULT_ADMIN,
        ports.BASE_ID["cert_validator_faults"],
        "envoy-cert-faults",
    )
    try:
        # A panic while judging refuses that handshake (internal_error) only.
        port = CERT_PHASES["do_verify_cert_chain"]
        code, said = cert_get(port, pki, "other")
        assert code != 0 and "alert internal error" in said, (code, said)
        assert len(wait_for_lines(envoy, CERT_KIND, CERT_NAME, "do_verify_cert_chain", 1)) == 1
        assert cert_get(port, pki, "other") == (0, "")
        # get_ssl_verify_mode and update_digest run while Envoy builds a TLS
        # context: logged once each, and Envoy serves.
        assert cert_get(CERT_PHASES["update_digest"], pki, "pinned") == (0, "")
        # The verify mode's fallback still has the upstream's chain judged
        # (and refused by this filter): 503, not the upstream's answer.
        resp = request(mode_port, "/")
        assert resp.status == 503, resp.body
        for phase in ("get_ssl_verify_mode", "update_digest"):
            lines = wait_for_lines(envoy, CERT_KIND, CERT_NAME, phase, 1)
            assert len(lines) == 1 and "[error]" in lines[0], (phase, lines)
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
        side.shutdown()
        side.server_close()
    assert code == 0, envoy.log()[-3000:]
    assert len(panic_lines(envoy, CERT_KIND, CERT_NAME, "config destroy")) == 1, envoy.log()[-3000:]


def cert_fault_bootstrap(config) -> dict:
    """No listener, one cluster whose TLS context names cert_fault_injection (for validate)."""
    bootstrap = kinds.bootstrap([])
    tls = {
        "@type": kinds.TLS + "UpstreamTlsContext",
        "common_tls_context": {"validation_context": kinds.validation_context(CERT_NAME, config)},
    }
    cluster = kinds.health_checked_cluster("cert_scratch", [servers.UPSTREAM_ADDR[1]], {})
    del cluster["health_checks"]
    cluster["transport_socket"] = {"name": "envoy.transport_sockets.tls", "typed_config": tls}
    bootstrap["static_resources"]["clusters"].append(cluster)
    return bootstrap


def test_a_panicking_cert_validator_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cert_fault_bootstrap({"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {CERT_KIND} '{CERT_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_cert_validator_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(cert_fault_bootstrap({"phase": "do_verify_cert_chain"})))
    code, lines, out = kinds.refusal_lines(path, CERT_KIND, CERT_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]


# ------------------------------------------------------- transport_socket kind

TS_KIND, TS_NAME = "transport socket", "ts_fault_injection"
# A listener per hook of ts_fault_injection (ports.TS_FAULT_LISTENERS): its
# filter chain's socket panics in that hook, and so does the socket of the
# cluster it proxies to (the echo upstream, plain HTTP through both sockets):
# each config's first fault is logged once, that connection is closed, the
# next ones pass. 1.40 calls on_connected on both sockets (the listener's
# too); transport_socket_destroy and config_destroy panic at the latest at exit.
TS_PHASES = [
    "transport_socket_new",
    "set_callbacks",
    "on_connected",
    "do_read",
    "do_write",
    "close",
    "get_protocol",
    "get_failure_reason",
    "can_flush_close",
    "transport_socket_destroy",
    "config_destroy",
]
TS_PORTS = dict(zip(TS_PHASES, ports.TS_FAULT_LISTENERS[: len(TS_PHASES)], strict=True))


def ts_fault_socket(phase: str) -> dict:
    return kinds.transport_socket(TS_NAME, {"phase": phase})


def ts_get(port: int) -> int | None:
    """One GET through the listener: the status, None when the connection failed."""
    try:
        return request(port, "/", timeout=3).status
    except (OSError, http.client.HTTPException):
        return None


def test_a_transport_socket_panic_in_each_hook_closes_that_connection_only(upstream, logs_dir, tmp_path):
    listeners, clusters = [], []
    for phase, port in TS_PORTS.items():
        listeners.append(kinds.framed_listener(port, ts_fault_socket(phase), f"ts_fault_{phase}"))
        clusters.append(kinds.framed_cluster(f"ts_fault_{phase}", servers.UPSTREAM_ADDR[1], ts_fault_socket(phase)))
    config = kinds.bootstrap(listeners, ports.TS_FAULT_ADMIN)
    config["static_resources"]["clusters"] += clusters
    envoy = start_fault_envoy(
        logs_dir,
        tmp_path / "ts-faults.json",
        config,
        ports.TS_FAULT_ADMIN,
        ports.BASE_ID["transport_socket_faults"],
        "envoy-ts-faults",
    )
    reached, failed = {}, {}
    try:
        for phase, port in TS_PORTS.items():
            # At most one failed connection per panic (each config's first
            # fault), then every connection passes.
            statuses = [ts_get(port) for _ in range(5)]
            failed[phase] = statuses.count(None)
            assert statuses[failed[phase] :] == [200] * (5 - failed[phase]), (phase, statuses, envoy.log()[-3000:])
            reached[phase] = len(panic_lines(envoy, TS_KIND, TS_NAME, phase))
            assert failed[phase] <= reached[phase], (phase, statuses, reached)
        assert envoy.proc.poll() is None
    finally:
        code = envoy.stop()
    assert code == 0, envoy.log()[-3000:]
    # Each config panics once at most: the listener's and the cluster's.
    for phase in TS_PHASES[:-2]:
        lines = panic_lines(envoy, TS_KIND, TS_NAME, phase)
        assert len(lines) <= 2 and all("[error]" in line for line in lines), (phase, lines)
    # Before or during the bytes: that connection fails. After them (close,
    # the failure reason Envoy asks for when the connection ends): it has
    # already passed. Envoy 1.40 asked neither get_protocol nor
    # can_flush_close for these connections (tcp_proxy and HTTP/1.1).
    for phase in ("transport_socket_new", "set_callbacks", "on_connected", "do_read", "do_write"):
        assert reached[phase] == 2 and failed[phase] >= 1, (phase, reached, failed)
    for phase in ("close", "get_failure_reason"):
        assert reached[phase] == 2 and failed[phase] == 0, (phase, reached, failed)
    assert len(panic_lines(envoy, TS_KIND, TS_NAME, "transport_socket_destroy")) == 2
    destroy = f"rust_module: {TS_KIND} '{TS_NAME}' in factory config destroy: panicked:"
    assert sum(destroy in line for line in envoy.log().splitlines()) == 2, envoy.log()[-3000:]


def ts_fault_bootstrap(config) -> dict:
    """One listener whose filter chain names ts_fault_injection (for validate)."""
    return kinds.bootstrap([kinds.framed_listener(19000, kinds.transport_socket(TS_NAME, config), "echo")])


def test_a_panicking_transport_socket_config_is_refused_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(ts_fault_bootstrap({"phase": "config"})))
    code, out = processes.validate(path, processes.TEST_LIB, extra_env=FAULT_ENV)
    assert code > 0, out[-2000:]
    needle = f"rust_module: {TS_KIND} '{TS_NAME}' config creation: panicked:"
    assert sum(needle in line for line in out.splitlines()) == 1, out[-3000:]


def test_the_transport_socket_fault_filter_is_refused_without_the_switch(tmp_path):
    path = tmp_path / "off.json"
    path.write_text(json.dumps(ts_fault_bootstrap({"phase": "do_read"})))
    code, lines, out = kinds.refusal_lines(path, TS_KIND, TS_NAME, processes.TEST_LIB)
    assert code > 0 and len(lines) == 1, out[-3000:]
    assert "test-only filter; set DM_ENABLE_FAULT_INJECTION=1" in lines[0]
