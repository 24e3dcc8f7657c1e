"""Starting and stopping the lab: the echo upstream and a real Envoy.

Used by the tests (as a library) and by `make up` (as `python integration/lab.py up`).
Every process is started in its own process group and stopped on exit, pass or
fail, so nothing outlives the test run or the Ctrl-C.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import older_envoy
import ports

ROOT = Path(__file__).resolve().parent.parent
# LAB_ENVOY_YAML: another lab config (compat.py: envoy.yaml without what an
# older Envoy refuses).
ENVOY_YAML = Path(os.environ.get("LAB_ENVOY_YAML") or ROOT / "envoy.yaml")
BUILD_LIB = ROOT / "build" / "lib"
UPSTREAM_BIN = ROOT / "build" / "bin" / "echo-upstream"
ENVOY_VERSION = (ROOT / "ENVOY_VERSION").read_text().strip()
UPSTREAM_ADDR = ("127.0.0.1", ports.UPSTREAM)
ADMIN_PORT = ports.ADMIN
# Printed by `make up`; the tests read the same table.
LISTENERS = ports.LISTENERS
# Envoy's worker threads (--concurrency) for make up and the tests: several, as
# in production, so what depends on ordering or shared state is tested across
# workers. LAB_WORKERS changes it; the benchmark asks for 1 (see bench/run.py).
WORKERS = int(os.environ.get("LAB_WORKERS", "4"))
# How to reach the listeners that do not speak HTTP, for `make up`'s table.
LISTENER_SCHEMES = {1084: "tcp", 1085: "tcp+tls", 1086: "tls", 1087: "udp"}

# The servers behind 1085-1087, started next to the echo upstream.
TLS_UPSTREAMS = ports.TLS_UPSTREAMS
DNS_UPSTREAM = ("127.0.0.1", ports.DNS_UPSTREAM)
# The auth service behind 1088 (callout_auth).
AUTH_ADDR = ("127.0.0.1", ports.AUTH)


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


def start_upstream(log_dir: Path) -> Process:
    if http_ok(UPSTREAM_ADDR[1], "/"):
        # Testing against a stray server would prove nothing about this build.
        raise RuntimeError(f"something already serves {UPSTREAM_ADDR[0]}:{UPSTREAM_ADDR[1]}; stop it first")
    upstream = spawn("echo-upstream", [str(UPSTREAM_BIN)], log_dir / "upstream.log")
    wait_until(lambda: http_ok(UPSTREAM_ADDR[1], "/"), 10, "echo upstream", upstream.proc)
    return upstream


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def dns_answers(addr: tuple[str, int]) -> bool:
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05ready\x00\x00\x01\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        try:
            s.sendto(query, addr)
            return s.recv(512)[:2] == b"\x12\x34"
        except OSError:
            return False


def start_side_upstreams(log_dir: Path) -> list[Process]:
    """The TLS upstreams (certificates made with openssl under log_dir) and the
    tiny DNS resolver that the listener-filter and UDP listeners lead to."""
    for port in TLS_UPSTREAMS:
        if port_open(port):
            raise RuntimeError(f"something already listens on 127.0.0.1:{port}; stop it first")
    here = Path(__file__).resolve().parent
    specs = [f"{port}={name}" for port, name in TLS_UPSTREAMS.items()]
    tls = spawn(
        "tls-upstream",
        [sys.executable, str(here / "tls_upstream.py"), str(log_dir / "certs"), *specs],
        log_dir / "tls-upstream.log",
    )
    dns = spawn(
        "dns-upstream",
        [sys.executable, str(here / "dns_upstream.py"), DNS_UPSTREAM[0], str(DNS_UPSTREAM[1])],
        log_dir / "dns-upstream.log",
    )
    try:
        wait_until(lambda: all(port_open(p) for p in TLS_UPSTREAMS), 20, "TLS upstreams", tls.proc)
        wait_until(lambda: dns_answers(DNS_UPSTREAM), 10, "DNS upstream", dns.proc)
    except Exception:
        tls.stop()
        dns.stop()
        raise
    return [tls, dns]


def start_auth_server(log_dir: Path) -> Process:
    """The auth service callout_auth asks (auth_server.py)."""
    if port_open(AUTH_ADDR[1]):
        raise RuntimeError(f"something already listens on 127.0.0.1:{AUTH_ADDR[1]}; stop it first")
    here = Path(__file__).resolve().parent
    auth = spawn(
        "auth-server",
        [sys.executable, str(here / "auth_server.py"), AUTH_ADDR[0], str(AUTH_ADDR[1])],
        log_dir / "auth-server.log",
    )
    wait_until(lambda: port_open(AUTH_ADDR[1]), 10, "auth server", auth.proc)
    return auth


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
        *(extra_args or []),
    ]
    if cwd is None:
        cwd = log_dir / name
    (cwd / "access_logs").mkdir(parents=True, exist_ok=True)
    write_lab_tokens(cwd)
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


def up() -> int:
    """`make up`: serve every listener in the foreground until Ctrl-C."""
    log_dir = ROOT / "build" / "logs"
    # The Redis behind 1083 (network_redis).
    import redis_server  # noqa: PLC0415 (it imports this module)

    # Whatever has started is stopped when up() leaves, however it leaves.
    with contextlib.ExitStack() as started:
        upstream = start_upstream(log_dir)
        started.callback(upstream.stop)
        started.callback(redis_server.start(log_dir).stop)
        for side in start_side_upstreams(log_dir):
            started.callback(side.stop)
        started.callback(start_auth_server(log_dir).stop)
        # From the repository root, so 1062's access log lands in ./access_logs.
        envoy = start_envoy(log_dir, cwd=ROOT)
        print(f"Envoy {ENVOY_VERSION} is serving with {envoy.workers} workers (admin http://127.0.0.1:{ADMIN_PORT}):")
        for port, what in LISTENERS.items():
            # Rows that name their own address (tcp://...) print as they are.
            scheme = LISTENER_SCHEMES.get(port, "http")
            print(f"  {what}" if "://" in what else f"  {scheme}://localhost:{port}/   {what}")
        print(
            f"Upstream: echo on {UPSTREAM_ADDR[0]}:{UPSTREAM_ADDR[1]}; redis-server on "
            f"{redis_server.REDIS_ADDR[0]}:{redis_server.REDIS_ADDR[1]}"
        )
        tls = ", ".join(f"{name} on 127.0.0.1:{port}" for port, name in TLS_UPSTREAMS.items())
        print(f"TLS upstreams: {tls} (certificates in {(log_dir / 'certs').relative_to(ROOT)})")
        print(f"DNS upstream: {DNS_UPSTREAM[0]}:{DNS_UPSTREAM[1]}/udp (answers 192.0.2.53)")
        print(f"Auth service: {AUTH_ADDR[0]}:{AUTH_ADDR[1]} (x-auth-token: good -> 200, bad -> 403, slow -> timeout)")
        print(f"Logs: {envoy.log_path.relative_to(ROOT)} and {upstream.log_path.relative_to(ROOT)}")
        print("Ctrl-C stops everything.")
        stop = {"now": False}
        # Ctrl-C (SIGINT) or SIGTERM: leave the loop and stop everything. Set
        # explicitly, since a shell may start background jobs with SIGINT ignored.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.update(now=True))
        try:
            with open(envoy.log_path, errors="replace") as log:
                while not stop["now"] and envoy.proc.poll() is None:
                    line = log.readline()
                    if line:
                        sys.stdout.write(line)
                    else:
                        time.sleep(0.1)
        finally:
            code = envoy.stop()
            print(f"\nstopped (envoy exit code {code})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["up"]:
        sys.exit("usage: lab.py up")
    sys.exit(up())
