"""Config updates while serving, as production Envoys take them: listeners
re-read from a file (LDS over path_config_source) while a load runs, and a hot
restart (--restart-epoch) handing the traffic to a new process.

During each update the old and the new filter configs live side by side, then
the old one is destroyed; no request may fail and every response must carry
the mutation of one config or the other, never none.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time

import pytest

import configs
import ports
from client import request
from harness import processes

# The module and filter of each listener. Go's batched filter applies its
# batches in C when the route has no override, and enters Go when it has.
LANGUAGES = {
    "rust": ("rust_module", "header_mutation"),
    "go": ("go_module", "header_mutation"),
    "cpp": ("cpp_module", "header_mutation"),
    "go_batched": ("go_module", "header_mutation_batched"),
}
PORT = ports.UPDATES_LISTENERS
ADMIN = ports.UPDATES_ADMIN
WORKERS = 4


def listeners(version: int, access_logs) -> list[dict]:
    """One listener per language: passthrough + header_mutation stamping the
    config version on every response, with a per-route override on /route.
    Rust's also runs the access_logger into `access_logs`: each version's
    config opens the same file, as every listener update does."""
    out = []
    for lang, (module, filter_name) in LANGUAGES.items():
        rules = {"response_headers": [["x-config-version", f"v{version}"]]}
        hm = configs.module_filter(module, filter_name, rules)
        hm["name"] = "header_mutation"
        chain = [configs.module_filter(module, "passthrough"), hm]
        if lang == "rust":
            logger = {"dirname": str(access_logs), "num_workers": 1}
            chain.append(configs.module_filter(module, "access_logger", raw=json.dumps(logger)))
        lst = configs.listener(f"{lang}_updates", PORT[lang], chain)
        vhost = lst["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]
        vhost["routes"].insert(
            0,
            {
                "name": "route",
                "match": {"prefix": "/route"},
                "route": {"cluster": "echo"},
                "typed_per_filter_config": {
                    "header_mutation": {
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilterPerRoute",
                        "dynamic_module_config": {"name": module},
                        "per_route_config_name": "header_mutation",
                        "filter_config": {
                            "@type": "type.googleapis.com/google.protobuf.Struct",
                            "value": {"response_headers": [["x-config-version", f"route-v{version}"]]},
                        },
                    }
                },
            },
        )
        out.append(lst)
    return out


def write_lds(path, version: int):
    """Replaces the LDS file the way Envoy's file watcher expects: a rename."""
    access_logs = path.parent / "access_logs"
    access_logs.mkdir(exist_ok=True)
    resources = [
        {"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", **lst}
        for lst in listeners(version, access_logs)
    ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"resources": resources}))
    os.replace(tmp, path)


def bootstrap(lds_path) -> dict:
    config = configs.bootstrap([], ADMIN)
    del config["static_resources"]["listeners"]
    config["dynamic_resources"] = {
        "lds_config": {"path_config_source": {"path": str(lds_path)}, "resource_api_version": "V3"}
    }
    config["node"] = {"id": "updates", "cluster": "lab"}
    return config


class Load:
    """Requests on fresh connections to every port, from a few threads, until
    stopped; every outcome is kept (no retries)."""

    def __init__(self, paths=("/", "/route")):
        self.paths = paths
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.seen: dict[tuple[int, str], set[str]] = {}
        self.failures: list[str] = []
        self.count = 0
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(3)]

    def run(self, i: int):
        n = 0
        while not self.stop.is_set():
            port = list(PORT.values())[n % len(PORT)]
            path = self.paths[(n // len(PORT) + i) % len(self.paths)]
            n += 1
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                version = resp.getheader("x-config-version")
                conn.close()
                outcome = f"{resp.status}" if resp.status != 200 else None
                if resp.status == 200 and version is None:
                    outcome = "200 without x-config-version"
            except OSError as e:
                outcome, version = f"{type(e).__name__}: {e}", None
            with self.lock:
                self.count += 1
                if outcome:
                    self.failures.append(f"{port}{path}: {outcome}")
                else:
                    assert version is not None  # outcome says so otherwise
                    self.seen.setdefault((port, path), set()).add(version)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(30)


def versions(port: int, path: str) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.getheader("x-config-version")
    finally:
        conn.close()


@pytest.fixture
def lds_envoy(upstream, logs_dir):
    lds = logs_dir / "lds.json"
    write_lds(lds, 1)
    config = configs.write(logs_dir / "updates-bootstrap.json", bootstrap(lds))
    envoy = processes.start_envoy(
        logs_dir,
        config=config,
        admin_port=ADMIN,
        base_id=ports.BASE_ID["updates"],
        name="envoy-updates",
        workers=WORKERS,
    )
    for port in PORT.values():
        processes.wait_until(lambda p=port: processes.http_ok(p, "/"), 10, f"listener {port}")
    yield envoy, lds
    assert envoy.stop() == 0, envoy.log()[-3000:]


def test_listener_updates_under_load_lose_no_request(lds_envoy):
    envoy, lds = lds_envoy
    with Load() as load:
        for version in range(2, 7):
            write_lds(lds, version)
            for port in PORT.values():
                processes.wait_until(lambda p=port, v=version: versions(p, "/") == f"v{v}", 15, f"v{version} on {port}")
                processes.wait_until(
                    lambda p=port, v=version: versions(p, "/route") == f"route-v{v}", 15, f"route-v{version} on {port}"
                )
            time.sleep(0.2)  # let the old configs drain and be destroyed under load
    assert load.count > 300, load.count
    assert not load.failures, load.failures[:20]
    for (port, path), seen in load.seen.items():
        prefix = "route-v" if path == "/route" else "v"
        assert seen <= {f"{prefix}{v}" for v in range(1, 7)}, (port, path, seen)
        assert len(seen) >= 2, (port, path, seen)  # the load did span updates
    log = envoy.log()
    assert "panicked" not in log and "critical" not in log, log[-3000:]
    # Every request Envoy completed on the Rust listener has exactly one whole
    # line, across the six configs that shared the file.
    stats = request(ADMIN, "/stats?filter=^http.rust_updates.downstream_rq_completed$").body.decode()
    completed = int(stats.split(":")[1])
    assert envoy.stop() == 0, envoy.log()[-3000:]
    lines = (lds.parent / "access_logs" / "access_log_0.log").read_text().splitlines()
    assert len(lines) == completed, (len(lines), completed)
    for line in lines:
        json.loads(line)  # a torn line would not parse


def test_hot_restart_hands_over_without_failures(upstream, logs_dir):
    lds = logs_dir / "hot-lds.json"
    write_lds(lds, 1)
    config = configs.write(logs_dir / "hot-bootstrap.json", bootstrap(lds))
    args = ["--drain-time-s", "1", "--parent-shutdown-time-s", "3"]
    first = processes.start_envoy(
        logs_dir,
        config=config,
        admin_port=ADMIN,
        base_id=ports.BASE_ID["hot_restart"],
        name="envoy-hot-0",
        workers=2,
        extra_args=[*args, "--restart-epoch", "0"],
    )
    try:
        for port in PORT.values():
            processes.wait_until(lambda p=port: processes.http_ok(p, "/"), 10, f"listener {port}")
        with Load(paths=("/",)) as load:
            time.sleep(0.5)
            write_lds(lds, 2)  # the new epoch reads the new file
            second = processes.start_envoy(
                logs_dir,
                config=config,
                admin_port=ADMIN,
                base_id=ports.BASE_ID["hot_restart"],
                name="envoy-hot-1",
                workers=2,
                extra_args=[*args, "--restart-epoch", "1"],
            )
            processes.wait_until(lambda: first.proc.poll() is not None, 20, "the old epoch exits")
            for port in PORT.values():
                processes.wait_until(lambda p=port: versions(p, "/") == "v2", 10, f"v2 on {port}")
            time.sleep(0.3)
        assert first.proc.returncode == 0, first.log()[-3000:]
        assert load.count > 100, load.count
        assert not load.failures, load.failures[:20]
        assert second.stop() == 0, second.log()[-3000:]
    finally:
        first.stop()
