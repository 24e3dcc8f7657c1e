"""Processes: starting, waiting for and stopping Envoy and any other child.

Every process is started in its own process group and stopped by its owner
(a test fixture, or `make up`), pass or fail, so nothing outlives the test run
or the Ctrl-C. This layer knows no side server and no listener.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import older_envoy
import ports

ROOT = Path(__file__).resolve().parent.parent.parent
# LAB_ENVOY_YAML: another lab config (compat.py: envoy.yaml without what an
# older Envoy refuses).
ENVOY_YAML = Path(os.environ.get("LAB_ENVOY_YAML") or ROOT / "envoy.yaml")
BUILD_LIB = ROOT / "build" / "lib"
# The test build of the modules (`make test-lib`): the Rust one with its test-only
# fault-injection filters, the Go and C++ ones as shipped. Only tests of those
# filters load it.
TEST_LIB = ROOT / "build" / "test-lib"
ENVOY_VERSION = (ROOT / "ENVOY_VERSION").read_text().strip()
ADMIN_PORT = ports.ADMIN
# Envoy's worker threads (--concurrency) for make up and the tests: several, as
# in production, so what depends on ordering or shared state is tested across
# workers. LAB_WORKERS changes it; the benchmark asks for 1 (see bench/run.py).
WORKERS = int(os.environ.get("LAB_WORKERS", "4"))
# How often Envoy writes its file access logs out (--file-flush-interval-msec;
# Envoy's default is 10 s): a line shows in the lab's logs, and to a test, within
# a second of its request.
FILE_FLUSH_MS = 1000


def envoy_bin() -> str:
    path = os.environ.get("ENVOY_BIN") or str(ROOT / ".venv" / "bin" / f"envoy-{ENVOY_VERSION}")
    if not Path(path).exists():
        raise RuntimeError(f"no Envoy at {path}: run `make venv`")
    return path


def wait_until(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    """Polls `predicate` until true; fails early if `proc` died meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError(f"{what}: not ready after {timeout}s")


def http_ok(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", path)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Process:
    """A child process in its own group, with its output in a file."""

    name: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


def spawn(name: str, argv: list[str], log_path: Path, env: dict | None = None, cwd: Path | None = None) -> Process:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    return Process(name, proc, log_path)


# See the Makefile: the Go module never lends Envoy Go memory to keep, so the
# production cgocheck=0 only skips a check that would find nothing.
# LAB_GODEBUG chooses another for a whole run; test_cgocheck.py passes
# cgocheck=1 to its own Envoy to show that claim holds.
GODEBUG = os.environ.get("LAB_GODEBUG", "cgocheck=0")


def envoy_env(search_path: Path = BUILD_LIB, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["ENVOY_DYNAMIC_MODULES_SEARCH_PATH"] = str(search_path)
    env["GODEBUG"] = GODEBUG
    env.update(extra or {})
    return env


@dataclass
class Envoy(Process):
    admin_port: int = ADMIN_PORT
    config: Path = field(default=ENVOY_YAML)
    workers: int = WORKERS


# 1091's header_auth reads its tokens from this file under Envoy's working
# directory; lab_status re-reads it every second.
LAB_TOKENS = Path("tokens") / "header_auth.txt"
LAB_TOKEN = "lab-token"


def write_lab_tokens(cwd: Path) -> Path:
    """Writes 1091's tokens file with the one lab token, unless it exists."""
    path = cwd / LAB_TOKENS
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# one token per line; lab_status re-reads this file every second\n{LAB_TOKEN}\n")
    return path


# The cluster kind: 1110's cluster_file_hosts reads its hosts from this file
# under Envoy's working directory, every 200 ms.
CLUSTER_HOSTS = Path("hosts") / "cluster_file_hosts.json"


def write_cluster_hosts(cwd: Path) -> Path:
    """Writes 1110's hosts file (the three named echo upstreams), unless it exists."""
    path = cwd / CLUSTER_HOSTS
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        hosts = [{"address": f"127.0.0.1:{port}"} for port in ports.CLUSTER_UPSTREAMS]
        path.write_text(json.dumps({"hosts": hosts}, indent=1) + "\n")
    return path


def start_envoy(
    log_dir: Path,
    config: Path = ENVOY_YAML,
    search_path: Path = BUILD_LIB,
    admin_port: int = ADMIN_PORT,
    base_id: int = ports.BASE_ID["lab"],
    extra_env: dict | None = None,
    extra_args: list[str] | None = None,
    name: str = "envoy",
    cwd: Path | None = None,
    wrapper: list[str] | None = None,
    ready_timeout: float = 20,
    workers: int | None = None,
) -> Envoy:
    """Starts Envoy with `workers` worker threads (default WORKERS) and waits on
    its admin /ready endpoint.
    `wrapper` goes before Envoy's argv (the benchmark runs it under valgrind).

    envoy.yaml's access logger writes to `access_logs/` under `cwd` (which must
    exist there); tests give each Envoy its own directory."""
    # Envoy 1.37: Struct filter_configs as StringValues (older_envoy.py).
    config = older_envoy.for_this_envoy(Path(config), envoy_bin())
    argv = [
        *(wrapper or []),
        envoy_bin(),
        "-c",
        str(config),
        "--concurrency",
        str(WORKERS if workers is None else workers),
        "--base-id",
        str(base_id),
        "--log-level",
        "info",
        "--file-flush-interval-msec",
        str(FILE_FLUSH_MS),
        *(extra_args or []),
    ]
    if cwd is None:
        cwd = log_dir / name
    (cwd / "access_logs").mkdir(parents=True, exist_ok=True)
    write_lab_tokens(cwd)
    write_cluster_hosts(cwd)
    p = spawn(name, argv, log_dir / f"{name}.log", envoy_env(search_path, extra_env), cwd)
    envoy = Envoy(p.name, p.proc, p.log_path, admin_port, config, WORKERS if workers is None else workers)
    try:
        wait_until(lambda: http_ok(admin_port, "/ready"), ready_timeout, "envoy /ready", envoy.proc)
    except Exception as e:
        envoy.stop()
        raise RuntimeError(f"{e}\n--- envoy log ---\n{envoy.log()[-4000:]}") from None
    return envoy


def validate(config: Path, search_path: Path = BUILD_LIB, extra_env: dict | None = None, cwd: Path | None = None):
    """Runs `envoy --mode validate`; returns (exit code, output)."""
    config = older_envoy.for_this_envoy(Path(config), envoy_bin())
    done = subprocess.run(
        [envoy_bin(), "--mode", "validate", "-c", str(config), "--log-level", "info"],
        env=envoy_env(search_path, extra_env),
        capture_output=True,
        timeout=60,
        cwd=cwd,
    )
    return done.returncode, (done.stdout + done.stderr).decode(errors="replace")
