"""The cluster kind through a real Envoy 1.40 with 4 workers: cluster_file_hosts
takes its hosts from a JSON file it re-reads every 50 ms here, and picks one
for every request with its own load balancer. Three echo upstreams answer
their own name, so each response says which host served it. HTTP/1.1 and
HTTP/2 clients over keep-alive connections; about 5 s in all.

Also the cluster half of the validate matrix: bad cluster configs are refused
by `envoy --mode validate` with one line naming module, kind, cluster and
problem."""

from __future__ import annotations

import collections
import http.client
import json
import threading
import time

import pytest

import configs
import kinds
import ports
from h2client import H2Connection
from harness import processes, servers

LISTENER = ports.CLUSTER_TEST_LISTENER
ADMIN = ports.CLUSTER_TEST_ADMIN
NAMES = ports.CLUSTER_UPSTREAMS  # port -> the name it answers
PORT_OF = {name: port for port, name in NAMES.items()}
CLUSTER_TYPE = "type.googleapis.com/envoy.extensions.clusters.dynamic_modules.v3.ClusterConfig"
POLL_MS = 50


def module_cluster(name: str, cluster_name: str, raw: str | None) -> dict:
    """A cluster of type envoy.clusters.dynamic_modules served by rust_module."""
    typed = {"@type": CLUSTER_TYPE, "dynamic_module_config": {"name": "rust_module"}, "cluster_name": cluster_name}
    if raw is not None:
        typed["cluster_config"] = {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": raw}
    return {
        "name": name,
        "connect_timeout": "1s",
        "lb_policy": "CLUSTER_PROVIDED",
        "cluster_type": {"name": "envoy.clusters.dynamic_modules", "typed_config": typed},
    }


def cluster_bootstrap(listeners: list[tuple[int, str]], clusters: list[dict], admin_port: int) -> dict:
    """HTTP listeners (port, cluster) beside the given clusters."""
    config = kinds.bootstrap(
        [configs.listener(f"http_{port}", port, [], cluster=c) for port, c in listeners], admin_port
    )
    config["static_resources"]["clusters"] += clusters
    return config


def write_hosts(path, hosts: dict[str, int]) -> None:
    """Replaces the hosts file at once (rename), as a careful operator would."""
    entries = [{"address": f"127.0.0.1:{PORT_OF[name]}", "weight": w} for name, w in hosts.items()]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"hosts": entries}))
    tmp.replace(path)


def admin_hosts() -> set[str]:
    """The names of the hosts Envoy's file_hosts cluster has (admin /clusters)."""
    return set(admin_weights())


def admin_weights() -> dict[str, int]:
    """Name -> weight of the hosts Envoy's file_hosts cluster has (admin /clusters)."""
    c = http.client.HTTPConnection("127.0.0.1", ADMIN, timeout=5)
    try:
        c.request("GET", "/clusters?format=json")
        data = json.loads(c.getresponse().read())
    finally:
        c.close()
    found = {}
    for cluster in data["cluster_statuses"]:
        if cluster["name"] == "file_hosts":
            for host in cluster.get("host_statuses", []):
                found[NAMES[host["address"]["socket_address"]["port_value"]]] = host.get("weight", 1)
    return found


def wait_for_hosts(want: set[str]) -> None:
    deadline = time.monotonic() + 5
    while admin_hosts() != want:
        assert time.monotonic() < deadline, f"cluster hosts {admin_hosts()} != {want}"
        time.sleep(0.02)


class Client:
    """One keep-alive connection, HTTP/1.1 or HTTP/2; get() returns (status, body)."""

    def __init__(self, h2: bool):
        self.h2 = (
            H2Connection(LISTENER, timeout=5) if h2 else http.client.HTTPConnection("127.0.0.1", LISTENER, timeout=5)
        )

    def get(self) -> tuple[int, str]:
        if isinstance(self.h2, H2Connection):
            status, _, body = self.h2.request("GET", "/", {}, None)
            return status, body.decode().strip()
        self.h2.request("GET", "/")
        r = self.h2.getresponse()
        return r.status, r.read().decode().strip()

    def close(self):
        self.h2.close()


def spread(n: int, clients: int = 8) -> collections.Counter:
    """n requests over `clients` connections (half HTTP/2) in parallel: who answered."""
    seen: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def run(i: int):
        c = Client(h2=i % 2 == 1)
        try:
            for _ in range(n // clients):
                status, body = c.get()
                with lock:
                    seen[body if status == 200 else f"status {status}"] += 1
        finally:
            c.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


@pytest.fixture(scope="module")
def named_upstreams(logs_dir):
    started = servers.start_named_upstreams(logs_dir, ports.CLUSTER_UPSTREAMS)
    yield started
    for proc in started.values():
        proc.stop()


@pytest.fixture(scope="module")
def hosts_file(tmp_path_factory):
    return tmp_path_factory.mktemp("cluster") / "hosts.json"


@pytest.fixture(scope="module")
def cluster_envoy(named_upstreams, hosts_file, logs_dir, tmp_path_factory):
    write_hosts(hosts_file, {"alpha": 1, "beta": 1})
    raw = json.dumps({"path": str(hosts_file), "poll_ms": POLL_MS})
    config = cluster_bootstrap(
        [(LISTENER, "file_hosts")], [module_cluster("file_hosts", "cluster_file_hosts", raw)], ADMIN
    )
    path = tmp_path_factory.mktemp("cluster-envoy") / "cluster.json"
    path.write_text(json.dumps(config))
    envoy = processes.start_envoy(
        logs_dir, config=path, admin_port=ADMIN, base_id=ports.BASE_ID["cluster"], name="envoy-cluster"
    )
    yield envoy
    code = envoy.stop()
    assert code == 0, f"envoy exited with {code}\n{envoy.log()[-3000:]}"


def test_traffic_reaches_exactly_the_hosts_in_the_file(cluster_envoy, hosts_file):
    wait_for_hosts({"alpha", "beta"})
    seen = spread(400)
    assert set(seen) == {"alpha", "beta"}, seen
    # A host added with weight 2: its share, within the spread of 4 workers'
    # round robins (each exact over its own requests).
    write_hosts(hosts_file, {"alpha": 1, "beta": 1, "gamma": 2})
    wait_for_hosts({"alpha", "beta", "gamma"})
    seen = spread(800)
    assert set(seen) == {"alpha", "beta", "gamma"}, seen
    assert abs(seen["gamma"] / 800 - 0.5) < 0.05, seen
    # Re-weighted: now alpha has 3 of every 5.
    write_hosts(hosts_file, {"alpha": 3, "beta": 1, "gamma": 1})
    deadline = time.monotonic() + 5
    while (seen := spread(400))["alpha"] < 0.55 * 400:
        assert time.monotonic() < deadline, seen
    assert abs(seen["alpha"] / 400 - 0.6) < 0.05, seen


def test_a_host_removed_under_load_gets_no_new_requests_and_none_fails(cluster_envoy, hosts_file):
    write_hosts(hosts_file, {"alpha": 1, "beta": 1, "gamma": 1})
    # Settled, weights included: the previous test's re-weighting (a remove and
    # an add of the same address) must not still be on its way to the workers.
    deadline = time.monotonic() + 5
    while admin_weights() != {"alpha": 1, "beta": 1, "gamma": 1}:
        assert time.monotonic() < deadline, admin_weights()
        time.sleep(0.02)
    time.sleep(0.3)
    results: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load(i: int):
        c = Client(h2=i % 2 == 1)
        try:
            while not stop.is_set():
                started = time.monotonic()
                status, body = c.get()
                with lock:
                    results.append((started, status, body))
        finally:
            c.close()

    threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    write_hosts(hosts_file, {"alpha": 1, "beta": 1})
    wait_for_hosts({"alpha", "beta"})
    gone_at = time.monotonic()
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    # Envoy 1.40's module cluster load balancer reads the cluster's own host
    # set (the main thread's) from the workers, not each worker's copy
    # (callback_cluster_lb_get_healthy_host_count in its abi_impl.cc): a pick
    # made while the main thread rebuilds that set can find it empty, and that
    # request gets Envoy's "no healthy upstream" 503. Seen on a loaded 2-core
    # machine in about one run in three; any other failure, or such a 503 away
    # from the update, fails the test.
    racing = [r for r in results if r[1] == 503 and r[2] == "no healthy upstream" and abs(r[0] - gone_at) < 1.0]
    failed = [r for r in results if r[1] != 200 and r not in racing]
    assert not failed and len(racing) <= 2, (failed[:5], racing)
    before = [r for r in results if r[0] < gone_at]
    after = [r for r in results if r[0] > gone_at + 0.05]
    assert any(b == "gamma" for _, _, b in before), "gamma served before its removal"
    assert after and not [r for r in after if r[2] == "gamma"], collections.Counter(b for _, _, b in after)


def test_an_empty_or_invalid_file_keeps_the_hosts_and_logs_one_line(cluster_envoy, hosts_file):
    write_hosts(hosts_file, {"alpha": 1, "gamma": 1})
    wait_for_hosts({"alpha", "gamma"})
    needle = "cluster_file_hosts: " + str(hosts_file)
    before = [line for line in cluster_envoy.log().splitlines() if needle in line and "keeping the 2 hosts" in line]
    for bad in ["", '{"hosts": [{"address": "127.0.0.1:1270"', '{"hosts": [{"address": "nowhere:1"}]}']:
        # Replaced at once, as write_hosts does: a file rewritten in place can be
        # polled half-written, one more bad version (and log line) than intended.
        tmp = hosts_file.with_suffix(".tmp")
        tmp.write_text(bad)
        tmp.replace(hosts_file)
        time.sleep(4 * POLL_MS / 1000)
        assert admin_hosts() == {"alpha", "gamma"}
        assert set(spread(40, clients=4)) == {"alpha", "gamma"}
    lines = [line for line in cluster_envoy.log().splitlines() if needle in line and "keeping the 2 hosts" in line]
    new = lines[len(before) :]
    assert len(new) == 3, new
    assert "the file is empty" in new[0] and "invalid JSON" in new[1] and "is not ip:port" in new[2], new
    assert all("[warning]" in line for line in new), new
    # A good file again is followed at once.
    write_hosts(hosts_file, {"beta": 1})
    wait_for_hosts({"beta"})
    assert set(spread(40, clients=4)) == {"beta"}


# (id, cluster_name, cluster_config (None: absent), text the line must contain)
BAD = [
    ("absent", "cluster_file_hosts", None, "filter_config is empty"),
    ("not_json", "cluster_file_hosts", "hosts.json", "expected a JSON object"),
    ("no_path", "cluster_file_hosts", "{}", "missing field `path`"),
    ("empty_path", "cluster_file_hosts", '{"path": ""}', "path must name the hosts file"),
    ("poll_too_fast", "cluster_file_hosts", '{"path": "h.json", "poll_ms": 1}', "poll_ms must be 20 to 60000, got 1"),
    ("poll_string", "cluster_file_hosts", '{"path": "h.json", "poll_ms": "1s"}', 'invalid type: string "1s"'),
    ("unknown_field", "cluster_file_hosts", '{"path": "h.json", "every": 1}', "unknown field `every`"),
    ("unknown_cluster", "cluster_nope", None, "unknown filter name; this module has: cluster_file_hosts"),
]


@pytest.mark.parametrize("case,cluster_name,raw,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_cluster_config_is_refused(tmp_path, case, cluster_name, raw, expected):
    config = cluster_bootstrap([(ports.SCRATCH_LISTENER, "bad")], [module_cluster("bad", cluster_name, raw)], 19001)
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(config))
    code, lines, out = kinds.refusal_lines(path, "cluster", cluster_name)
    assert code != 0 and code < 128, out[-2000:]
    assert len(lines) == 1 and expected in lines[0], out[-2000:]


def test_good_cluster_config_validates(tmp_path):
    raw = json.dumps({"path": "hosts.json"})
    config = cluster_bootstrap(
        [(ports.SCRATCH_LISTENER, "good")], [module_cluster("good", "cluster_file_hosts", raw)], 19001
    )
    path = tmp_path / "good.json"
    path.write_text(json.dumps(config))
    code, out = processes.validate(path)
    assert code == 0, out[-2000:]
