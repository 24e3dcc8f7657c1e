"""Starting and stopping the lab: the echo upstream and a real Envoy.

Used by the tests (as a library) and by `make up` (as `python integration/lab.py up`).
Every process is started in its own process group and stopped on exit, pass or
fail, so nothing outlives the test run or the Ctrl-C.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVOY_YAML = ROOT / "envoy.yaml"
BUILD_LIB = ROOT / "build" / "lib"
UPSTREAM_BIN = ROOT / "build" / "bin" / "echo-upstream"
ENVOY_VERSION = (ROOT / "ENVOY_VERSION").read_text().strip()
UPSTREAM_ADDR = ("127.0.0.1", 1234)
ADMIN_PORT = 9901

# The port table of envoy.yaml, printed by `make up` and used by the tests.
LISTENERS = {
    1062: "Rust passthrough + access_logger -> access_logs/access_log_0.log",
    1063: "Rust passthrough + header_mutation",
    1064: "Go passthrough + header_mutation",
    1065: "C++ passthrough + header_mutation",
    1066: "baseline: router only, no module",
    1067: "Rust random_auth (403 for about half, seeded)",
    1068: "Rust zero_copy_regex_waf (403 when the body matches curl|wget)",
    1069: "Rust header_auth (401 without x-auth)",
    1070: "Rust metrics (see /stats/prometheus on the admin port)",
    1071: "Rust delay (send do-delay: <ms>)",
    1072: "Rust header_mutation with a per-route override on /override",
    1073: "Rust passthrough + header_mutation as upstream filters",
    1074: "Rust passthrough + body_rewrite (Hello -> Howdy)",
    1075: "Go passthrough + body_rewrite (same config as 1074)",
    1076: "C++ passthrough + body_rewrite (same config as 1074)",
}


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
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


def spawn(name: str, argv: list[str], log_path: Path, env: dict | None = None, cwd: Path | None = None) -> Process:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    out = open(log_path, "wb")
    proc = subprocess.Popen(
        argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
    )
    out.close()
    return Process(name, proc, log_path)


def start_upstream(log_dir: Path) -> Process:
    if http_ok(UPSTREAM_ADDR[1], "/"):
        # Testing against a stray server would prove nothing about this build.
        raise RuntimeError(f"something already serves {UPSTREAM_ADDR[0]}:{UPSTREAM_ADDR[1]}; stop it first")
    upstream = spawn("echo-upstream", [str(UPSTREAM_BIN)], log_dir / "upstream.log")
    wait_until(lambda: http_ok(UPSTREAM_ADDR[1], "/"), 10, "echo upstream", upstream.proc)
    return upstream


def envoy_env(search_path: Path = BUILD_LIB, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["ENVOY_DYNAMIC_MODULES_SEARCH_PATH"] = str(search_path)
    # See the Makefile: the Go module never lends Envoy Go memory to keep.
    env["GODEBUG"] = "cgocheck=0"
    env.update(extra or {})
    return env


@dataclass
class Envoy(Process):
    admin_port: int = ADMIN_PORT
    config: Path = field(default=ENVOY_YAML)


def start_envoy(
    log_dir: Path,
    config: Path = ENVOY_YAML,
    search_path: Path = BUILD_LIB,
    admin_port: int = ADMIN_PORT,
    base_id: int = 0,
    extra_env: dict | None = None,
    extra_args: list[str] | None = None,
    name: str = "envoy",
    cwd: Path | None = None,
    wrapper: list[str] | None = None,
    ready_timeout: float = 20,
) -> Envoy:
    """Starts Envoy with one worker and waits on its admin /ready endpoint.
    `wrapper` goes before Envoy's argv (the benchmark runs it under valgrind).

    envoy.yaml's access logger writes to `access_logs/` under `cwd` (which must
    exist there); tests give each Envoy its own directory."""
    argv = [
        *(wrapper or []), envoy_bin(), "-c", str(config), "--concurrency", "1", "--base-id", str(base_id),
        "--log-level", "info", *(extra_args or []),
    ]
    if cwd is None:
        cwd = log_dir / name
    (cwd / "access_logs").mkdir(parents=True, exist_ok=True)
    p = spawn(name, argv, log_dir / f"{name}.log", envoy_env(search_path, extra_env), cwd)
    envoy = Envoy(p.name, p.proc, p.log_path, admin_port, config)
    try:
        wait_until(lambda: http_ok(admin_port, "/ready"), ready_timeout, "envoy /ready", envoy.proc)
    except Exception as e:
        envoy.stop()
        raise RuntimeError(f"{e}\n--- envoy log ---\n{envoy.log()[-4000:]}") from None
    return envoy


def validate(config: Path, search_path: Path = BUILD_LIB, extra_env: dict | None = None, cwd: Path | None = None):
    """Runs `envoy --mode validate`; returns (exit code, output)."""
    done = subprocess.run(
        [envoy_bin(), "--mode", "validate", "-c", str(config), "--log-level", "info"],
        env=envoy_env(search_path, extra_env), capture_output=True, timeout=60, cwd=cwd,
    )
    return done.returncode, (done.stdout + done.stderr).decode(errors="replace")


def up() -> int:
    """`make up`: serve every listener in the foreground until Ctrl-C."""
    log_dir = ROOT / "build" / "logs"
    upstream = start_upstream(log_dir)
    try:
        # From the repository root, so 1062's access log lands in ./access_logs.
        envoy = start_envoy(log_dir, cwd=ROOT)
    except Exception:
        upstream.stop()
        raise
    print(f"Envoy {ENVOY_VERSION} is serving (admin http://127.0.0.1:{ADMIN_PORT}):")
    for port, what in LISTENERS.items():
        print(f"  http://localhost:{port}/   {what}")
    print(f"Upstream: echo on {UPSTREAM_ADDR[0]}:{UPSTREAM_ADDR[1]}")
    print(f"Logs: {envoy.log_path.relative_to(ROOT)} and {upstream.log_path.relative_to(ROOT)}")
    print("Ctrl-C stops everything.")
    stop = {"now": False}
    # Ctrl-C (SIGINT) or SIGTERM: leave the loop and stop both processes. Set
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
        upstream.stop()
        print(f"\nstopped (envoy exit code {code})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["up"]:
        sys.exit("usage: lab.py up")
    sys.exit(up())
