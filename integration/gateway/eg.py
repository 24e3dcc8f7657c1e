"""Envoy Gateway in standalone mode, in front of the lab's echo upstream.

Used by the gateway tests (as a library) and by `make gateway` (as
`python integration/gateway/eg.py up`). It renders deploy/standalone/ into a
fresh state directory under build/gateway/, serves build/lib over HTTP for the
Remote module sources, and runs Envoy Gateway, which starts one Envoy per
Gateway through func-e.

Envoy Gateway v1.9.1 binds fixed ports (xDS 18000 and 18002, health 8081,
Envoy readiness 19003, metrics 19001), so this refuses to run outside a
private network namespace: mk/gateway.mk creates one (`unshare --net`).
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import http.server
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import ports
from harness import processes, servers

HERE = Path(__file__).resolve().parent

ROOT = processes.ROOT
DEPLOY = ROOT / "deploy" / "standalone"
EG_BIN = ROOT / "build" / "gateway" / "bin" / "envoy-gateway"
STATE = ROOT / "build" / "gateway" / "state"

FIRST_PORT = ports.GATEWAY_LISTENERS["first"]
SECOND_PORT = ports.GATEWAY_LISTENERS["second"]
MODULE_SERVER_PORT = ports.GATEWAY_MODULE_SERVER
NAMESPACE = "envoy-gateway-system"
# Envoy Gateway's own fixed ports (v1.9.1), for the namespace check's message.
EG_FIXED_PORTS = ports.GATEWAY_FIXED

# host name -> (gateway port, what serves it); printed by `make gateway`.
ROUTES = {
    "rust.lab.test": (FIRST_PORT, "Rust header_mutation, module from a Local path"),
    "go.lab.test": (FIRST_PORT, "Go header_mutation, module from a Local path"),
    "cpp.lab.test": (FIRST_PORT, "C++ header_mutation, module from a Local path"),
    "plain.lab.test": (FIRST_PORT, "no policy: the router alone"),
    "remote-rust.lab.test": (SECOND_PORT, "Rust header_mutation, module fetched Remote (sha256 checked)"),
    "remote-go.lab.test": (SECOND_PORT, "Go header_mutation, fetched Remote"),
    "remote-cpp.lab.test": (SECOND_PORT, "C++ header_mutation, fetched Remote"),
    "auth.lab.test": (SECOND_PORT, "Rust random_auth (403 for about half, seeded), sentinel behind it"),
    "auth-header.lab.test": (SECOND_PORT, "Rust header_auth, fetched Remote: 401 without x-auth, sentinel behind it"),
}
# plain.lab.test is on the second Gateway too, where the Gateway's own policy
# adds x-gateway: second.


def in_private_netns() -> bool:
    """True in a network namespace with a loopback and nothing else, as
    `unshare --net` makes: nothing bound there reaches or blocks the machine."""
    lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]
    return [line.split(":", 1)[0].strip() for line in lines] == ["lo"]


def ports_free(ports) -> list[int]:
    """The ports among `ports` that something on 127.0.0.1 already listens on."""
    busy = []
    for port in ports:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def request(port: int, host: str, path: str = "/", headers: dict | None = None, timeout: float = 5):
    """One HTTP/1.1 request on a fresh connection; returns (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def try_request(port: int, host: str, path: str = "/"):
    try:
        return request(port, host, path, timeout=2)
    except OSError:
        return None, {}, b""


# ------------------------------------------------------------ module server


class ModuleServer:
    """build/lib over plain HTTP on loopback: the Remote module sources."""

    def __init__(self, directory: Path, port: int = MODULE_SERVER_PORT, log_path: Path | None = None):
        self.log_path = log_path
        self.requests: list[str] = []
        handler = functools.partial(self._Handler, self, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    class _Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, owner, *args, **kwargs):
            self.owner = owner
            super().__init__(*args, **kwargs)

        def log_message(self, fmt, *args):
            line = f"{self.address_string()} {fmt % args}"
            self.owner.requests.append(line)
            if self.owner.log_path:
                with open(self.owner.log_path, "a") as f:
                    f.write(line + "\n")

    def start(self) -> ModuleServer:
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def admin_get(address: str, path: str, timeout: float = 10) -> str:
    """GET `path` on an Envoy admin endpoint at `address` (host:port)."""
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


# ------------------------------------------------------------- resources


# The modules the Gateways load and the module server serves: the shipped build,
# or under `make gateway-test` the test build, whose Rust module also has the
# test-only fault-injection filters (the panicking-guard case).
MODULES_LIB = processes.TEST_LIB if os.environ.get("GATEWAY_TEST") == "1" else processes.BUILD_LIB


def template_values(module_server_url: str, lib: Path = MODULES_LIB) -> dict:
    return {
        "ENVOY_VERSION": processes.ENVOY_VERSION,
        "LIB": str(lib),
        "MODULE_SERVER": module_server_url,
        "SHA256_RUST": sha256_file(lib / "librust_module.so"),
        "SHA256_GO": sha256_file(lib / "libgo_module.so"),
        "SHA256_CPP": sha256_file(lib / "libcpp_module.so"),
        "FIRST_PORT": str(FIRST_PORT),
        "SECOND_PORT": str(SECOND_PORT),
        "UPSTREAM_PORT": str(servers.UPSTREAM_ADDR[1]),
    }


def render_resources(values: dict) -> list[dict]:
    """deploy/standalone/resources/*.yaml with the placeholders filled in, as documents."""
    docs: list[dict] = []
    for path in sorted((DEPLOY / "resources").glob("*.yaml")):
        text = string.Template(path.read_text()).substitute(values)
        docs.extend(d for d in yaml.safe_load_all(text) if d)
    return docs


def find(docs: list[dict], kind: str, name: str) -> dict:
    for d in docs:
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise KeyError(f"{kind}/{name}")


# ------------------------------------------------------------ NACK retries

# Envoy's rejection of a listener whose Remote module is not cached yet
# (nack_on_cache_miss), as Envoy Gateway logs it with the node's name.
NOT_CACHED = re.compile(
    r"Envoy rejected the last update for type type\.googleapis\.com/envoy\.config\.listener\.v3\.Listener "
    rf"on node {NAMESPACE}-(?P<gateway>[a-z0-9-]+?)-[0-9a-f]+ with .*Remote module not cached.*SHA256: (?P<sha>[0-9a-f]{{64}})"
)
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 8.0


class NackRetrier:
    """Sends a listener update Envoy refused for a Remote module not yet in
    its cache again, until Envoy accepts it (resources/40-fail-closed.yaml).

    Envoy Gateway v1.9 serves delta xDS and does not resend a rejected
    resource until it changes, so this bumps the `retry` value the Gateway's
    fail-closed EnvoyPatchPolicy writes into the listener's metadata: a new
    listener version. Backoff doubles from RETRY_FIRST_S to RETRY_MAX_S while
    Envoy keeps refusing for the same module (a wrong sha256 never lands), and
    starts again for another one."""

    def __init__(self, gateway: Gateway):
        self.gateway = gateway
        self.stop_event = threading.Event()
        self.retries: dict[str, int] = {}  # Gateway name -> bumps made
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> NackRetrier:
        self.thread.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.thread.join(5)

    def _run(self):
        seen = 0
        pending: dict[str, tuple[float, str]] = {}  # gateway -> (when, sha)
        delay: dict[str, tuple[float, str]] = {}  # gateway -> (current delay, sha)
        while not self.stop_event.wait(0.2):
            try:
                log = self.gateway.log()
            except OSError:
                continue
            for m in NOT_CACHED.finditer(log, seen):
                # A line half written does not match yet: it is read again next time.
                seen = m.end()
                gw, sha = m["gateway"], m["sha"]
                last, last_sha = delay.get(gw, (0.0, ""))
                wait = RETRY_FIRST_S if sha != last_sha else min(max(last * 2, RETRY_FIRST_S), RETRY_MAX_S)
                delay[gw] = (wait, sha)
                pending[gw] = (time.monotonic() + wait, sha)
            for gw, (when, _) in list(pending.items()):
                if time.monotonic() >= when:
                    del pending[gw]
                    self.gateway.bump_retry(gw)
                    self.retries[gw] = self.retries.get(gw, 0) + 1


# ------------------------------------------------------------ the gateway


@dataclass
class Gateway:
    """A running Envoy Gateway with its upstream and module server."""

    state: Path
    eg: processes.Process
    upstream: processes.Process
    modules: ModuleServer
    docs: list[dict]
    _generation: int = field(default=0)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    retrier: NackRetrier | None = None

    # -- resources

    def apply(self, docs: list[dict] | None = None):
        """Replaces the watched resources file by rename, so Envoy Gateway never reads half of it."""
        with self._lock:
            if docs is not None:
                self.docs = docs
            self._generation += 1
            tmp = self.state / f".resources-{self._generation}.yaml"
            tmp.write_text(yaml.safe_dump_all(self.docs, sort_keys=False))
            os.replace(tmp, self.state / "resources" / "resources.yaml")

    def bump_retry(self, gateway: str) -> bool:
        """A new version of the Gateway's listener with nothing else changed:
        the retry counter of its fail-closed EnvoyPatchPolicy, plus one."""
        with self._lock:
            for d in self.docs:
                if d["kind"] != "EnvoyPatchPolicy" or d["spec"]["targetRef"]["name"] != gateway:
                    continue
                for patch in d["spec"]["jsonPatches"]:
                    value = patch["operation"].get("value")
                    if patch["operation"].get("path") == "/metadata" and "lab.fail_closed" in str(value):
                        value["filter_metadata"]["lab.fail_closed"]["retry"] += 1
                        break
                else:
                    continue
                break
            else:
                return False
        self.apply()
        return True

    def find(self, kind: str, name: str) -> dict:
        return find(self.docs, kind, name)

    # -- processes

    def envoy_pids(self) -> list[int]:
        """The Envoy processes Envoy Gateway started (its children running the Envoy binary)."""
        return sorted(pid for pid, _ in envoy_processes() if parent_of(pid) == self.eg.proc.pid)

    def envoy_pid(self, gateway: str) -> int:
        """The Envoy serving the Gateway named `gateway` (its --service-cluster)."""
        for pid in self.envoy_pids():
            if cmdline(pid)[cmdline(pid).index("--service-cluster") + 1] == f"{NAMESPACE}/{gateway}":
                return pid
        raise LookupError(f"no Envoy for Gateway {gateway}")

    def admin(self, gateway: str, path: str) -> str:
        """GET on the admin endpoint of a Gateway's Envoy. Envoy Gateway has it
        listen on a random port and write the address to a file it names."""
        argv = cmdline(self.envoy_pid(gateway))
        address = Path(argv[argv.index("--admin-address-path") + 1]).read_text().strip()
        return admin_get(address, path)

    def stat(self, gateway: str, name: str) -> int:
        for line in self.admin(gateway, f"/stats?filter=^{re.escape(name)}$").splitlines():
            key, _, value = line.partition(": ")
            if key == name:
                return int(value)
        return 0

    def log(self) -> str:
        return self.eg.log()

    def statuses(self, kind: str, name: str) -> list[dict]:
        """Every status Envoy Gateway logged for kind/name, oldest first."""
        return parse_statuses(self.log(), kind, name)

    def stop(self) -> int:
        if self.retrier:
            self.retrier.stop()
        code = self.eg.stop(signal.SIGTERM, timeout=30)
        self.upstream.stop()
        self.modules.stop()
        return code


def parse_statuses(log: str, kind: str, name: str) -> list[dict]:
    """Every status Envoy Gateway logged for kind/name, oldest first.

    In standalone mode there is no API server to write status to: the file
    provider logs each one instead, as a line `Got new status for KIND`,
    the status as YAML, and a line of JSON fields holding the key."""
    out: list[dict] = []
    body: list[str] = []
    current: str | None = None
    for line in log.splitlines():
        if "Got new status for " in line:
            current, body = line.rsplit("Got new status for ", 1)[1].strip(), []
        elif current is not None and line.startswith("\t{"):
            if current == kind and f'"key": "{NAMESPACE}/{name}"' in line:
                out.append(yaml.safe_load("\n".join(body)) or {})
            current = None
        elif current is not None:
            body.append(line)
    return out


def envoy_processes() -> list[tuple[int, str]]:
    """(pid, exe) of every process whose executable is the project's Envoy binary."""
    target = os.path.realpath(processes.envoy_bin())
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            exe = os.readlink(f"/proc/{entry}/exe")
        except OSError:
            continue
        if exe == target:
            out.append((int(entry), exe))
    return out


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return int(stat.rsplit(")", 1)[1].split()[1])


def prepare_state(state: Path, values: dict) -> Path:
    """A fresh state directory: config, certificates, func-e's Envoy, resources."""
    if state.exists():
        shutil.rmtree(state)
    (state / "resources").mkdir(parents=True)
    config = state / "envoy-gateway.yaml"
    config.write_text(string.Template((DEPLOY / "envoy-gateway.yaml").read_text()).substitute(STATE=str(state)))
    # func-e skips its download when this file exists for the version the
    # EnvoyProxy names: the project's Envoy from PyPI takes its place.
    envoy = state / "data" / "envoy-versions" / processes.ENVOY_VERSION / "bin" / "envoy"
    envoy.parent.mkdir(parents=True)
    envoy.symlink_to(os.path.realpath(processes.envoy_bin()))
    # Envoy Gateway's xDS server and its Envoys talk mTLS: certificates first.
    done = subprocess.run(
        [str(EG_BIN), "certgen", "--local", "--config-home", str(state / "config")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"envoy-gateway certgen failed:\n{done.stdout}{done.stderr}")
    return config


def wait_for_route(port: int, host: str, want, timeout: float, what: str, proc: subprocess.Popen | None = None):
    """Polls a route until `want(status, headers)` holds."""
    last = None

    def ok():
        nonlocal last
        status, headers, _ = try_request(port, host)
        last = (status, headers)
        return status is not None and want(status, headers)

    try:
        processes.wait_until(ok, timeout, what, proc)
    except TimeoutError:
        raise TimeoutError(f"{what}: not seen after {timeout}s; last answer {last}") from None


def start(state: Path = STATE, docs_hook=None, ready_timeout: float = 120) -> Gateway:
    """Starts everything and waits until both Gateways serve their routes.

    `docs_hook(docs)` may edit the rendered resources before the first load."""
    if not EG_BIN.exists():
        raise RuntimeError(f"no Envoy Gateway at {EG_BIN.relative_to(ROOT)}: run `make gateway-bin`")
    if not in_private_netns():
        raise RuntimeError(
            "refusing to start: Envoy Gateway binds fixed ports "
            f"{', '.join(map(str, EG_FIXED_PORTS))}; run this inside a private network namespace "
            "(make gateway and make gateway-test create one)"
        )
    busy = ports_free((*EG_FIXED_PORTS, FIRST_PORT, SECOND_PORT, MODULE_SERVER_PORT))
    if busy:
        raise RuntimeError(f"ports already in use in this namespace: {busy}; is another make gateway running here?")
    logs = state.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    modules = ModuleServer(MODULES_LIB, log_path=logs / "module-server.log").start()
    upstream = None
    try:
        values = template_values(modules.url)
        config = prepare_state(state, values)
        docs = render_resources(values)
        if docs_hook:
            docs_hook(docs)
        upstream = servers.start_upstream(logs)
        env = dict(os.environ)
        # Envoy Gateway passes its environment on to the Envoys it starts: the
        # Go module needs cgocheck=0 (see the Makefile).
        env["GODEBUG"] = "cgocheck=0"
        # The gateway tests make a guard panic with the test-only
        # fault_injection filter, which refuses every config without this.
        if os.environ.get("GATEWAY_TEST") == "1":
            env["DM_ENABLE_FAULT_INJECTION"] = "1"
        # Envoy keeps every module it loads, Local or Remote, as
        # $TMPDIR/envoy_dynamic_module_<sha256>.so and skips the fetch when
        # that file exists: a fresh directory per run, so a Remote source is
        # really fetched and a stale copy never answers for it.
        (state / "tmp").mkdir()
        env["TMPDIR"] = str(state / "tmp")
        eg = processes.spawn(
            "envoy-gateway",
            [str(EG_BIN), "server", "--config-path", str(config)],
            logs / "envoy-gateway.log",
            env=env,
            cwd=state,
        )
        gw = Gateway(state, eg, upstream, modules, docs)
        gw.apply()
        gw.retrier = NackRetrier(gw).start()
        try:
            for host, (port, _) in ROUTES.items():
                wait_for_route(port, host, lambda s, h: s in (200, 401, 403), ready_timeout, f"{host}:{port}", eg.proc)
                ready_timeout = 30
        except BaseException as e:
            gw.stop()
            if isinstance(e, KeyboardInterrupt):
                raise
            raise RuntimeError(f"{e}\n--- envoy-gateway log (tail) ---\n{eg.log()[-6000:]}") from None
        return gw
    except BaseException:
        if upstream:
            upstream.stop()
        modules.stop()
        raise


def up() -> int:
    """`make gateway`: serve every route in the foreground until Ctrl-C."""

    # Ctrl-C or SIGTERM, at any point: set explicitly, since a shell may start
    # background jobs with SIGINT ignored.
    def interrupt(*_):
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, interrupt)
    try:
        gw = start()
    except KeyboardInterrupt:
        print("\nstopped while starting")
        return 130
    pids = gw.envoy_pids()
    # `make gateway-status` finds the namespace and the Envoys through this.
    pid_file = STATE.parent / "eg.pid"
    pid_file.write_text(f"{gw.eg.proc.pid}\n")
    try:
        me = os.getpid()
        print(f"Envoy Gateway is serving through {len(pids)} Envoys (PIDs {', '.join(map(str, pids))}):")
        for host, (port, what) in ROUTES.items():
            print(f"  curl -i -H 'Host: {host}' http://127.0.0.1:{port}/   {what}")
        print(
            f"  curl -i -H 'Host: plain.lab.test' http://127.0.0.1:{SECOND_PORT}/   "
            "the second Gateway's own policy: x-gateway: second"
        )
        print("These ports live in a private network namespace. From another shell:")
        print(f"  nsenter --net=/proc/{me}/ns/net curl -i -H 'Host: go.lab.test' http://127.0.0.1:{FIRST_PORT}/")
        print(
            "Resources (edit and save: Envoy Gateway reloads them): "
            f"{(gw.state / 'resources' / 'resources.yaml').relative_to(ROOT)}"
        )
        print(
            f"Logs: {gw.eg.log_path.relative_to(ROOT)} (Envoy Gateway and its Envoys), "
            f"{gw.upstream.log_path.relative_to(ROOT)}"
        )
        print("What Envoy runs beside what was asked, from another shell: make gateway-status")
        print("Ctrl-C stops everything.", flush=True)
        while gw.eg.proc.poll() is None:
            time.sleep(0.2)
        print(f"envoy-gateway exited by itself with {gw.eg.proc.returncode}; see its log")
    except KeyboardInterrupt:
        pass
    finally:
        pid_file.unlink(missing_ok=True)
        code = gw.stop()
        left = [pid for pid, _ in envoy_processes() if pid in pids]
        print(f"\nstopped (envoy-gateway exit code {code}; Envoys left running: {left or 'none'})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["up"]:
        sys.exit("usage: eg.py up")
    sys.exit(up())
