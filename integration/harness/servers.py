"""Side servers: what the lab's listeners lead to, besides Envoy itself.

The echo upstream (Go, build/bin/echo-upstream) behind the HTTP listeners, a
real redis-server behind network_redis (1083), the TLS upstreams and the tiny
DNS resolver behind 1085-1087 (tls_upstream.py, dns_upstream.py), and the auth
service callout_auth asks on 1088 (auth_server.py). Each start_* refuses a port
something already serves (testing against a stray server would prove nothing
about this build), waits until its server answers, and returns the processes
for the caller to stop.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
from pathlib import Path

import ports
from harness.processes import ROOT, Process, http_ok, port_open, spawn, wait_until
from harness.xds_server import XdsServer

INTEGRATION = ROOT / "integration"
UPSTREAM_BIN = ROOT / "build" / "bin" / "echo-upstream"
UPSTREAM_ADDR = ("127.0.0.1", ports.UPSTREAM)
# The servers behind 1085-1087, started next to the echo upstream.
TLS_UPSTREAMS = ports.TLS_UPSTREAMS
DNS_UPSTREAM = ("127.0.0.1", ports.DNS_UPSTREAM)
# The auth service behind 1088 (callout_auth).
AUTH_ADDR = ("127.0.0.1", ports.AUTH)
# The redis-server behind 1083 (network_redis).
REDIS_ADDR = ("127.0.0.1", ports.REDIS)


def start_upstream(log_dir: Path) -> Process:
    if http_ok(UPSTREAM_ADDR[1], "/"):
        raise RuntimeError(f"something already serves {UPSTREAM_ADDR[0]}:{UPSTREAM_ADDR[1]}; stop it first")
    upstream = spawn("echo-upstream", [str(UPSTREAM_BIN)], log_dir / "upstream.log")
    wait_until(lambda: http_ok(UPSTREAM_ADDR[1], "/"), 10, "echo upstream", upstream.proc)
    return upstream


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
    specs = [f"{port}={name}" for port, name in TLS_UPSTREAMS.items()]
    tls = spawn(
        "tls-upstream",
        [sys.executable, str(INTEGRATION / "tls_upstream.py"), str(log_dir / "certs"), *specs],
        log_dir / "tls-upstream.log",
    )
    dns = spawn(
        "dns-upstream",
        [sys.executable, str(INTEGRATION / "dns_upstream.py"), DNS_UPSTREAM[0], str(DNS_UPSTREAM[1])],
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
    auth = spawn(
        "auth-server",
        [sys.executable, str(INTEGRATION / "auth_server.py"), AUTH_ADDR[0], str(AUTH_ADDR[1])],
        log_dir / "auth-server.log",
    )
    wait_until(lambda: port_open(AUTH_ADDR[1]), 10, "auth server", auth.proc)
    return auth


def redis_ping(addr=REDIS_ADDR) -> bool:
    try:
        with socket.create_connection(addr, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(log_dir: Path, port: int = REDIS_ADDR[1], extra: tuple[str, ...] = ()) -> Process:
    """A real redis-server (Debian's) with no persistence, on `port` (the one
    behind 1083 unless told), with `extra` arguments (e.g. --requirepass x)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is missing: run `make deps` (Debian package redis-server)")
    addr = (REDIS_ADDR[0], port)
    if port_open(port):
        raise RuntimeError(f"something already serves {addr[0]}:{addr[1]}; stop it first")
    argv = [
        binary,
        "--bind",
        addr[0],
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        str(log_dir),
        *extra,
    ]
    name, log = ("redis-server", "redis") if port == REDIS_ADDR[1] else (f"redis-{port}",) * 2
    proc = spawn(name, argv, log_dir / f"{log}.log")
    wait_until(lambda: port_open(port), 10, name, proc.proc)
    return proc


# Echo upstreams that answer every request with their own name: the routing
# kinds' (lb_header_pin on 1100, cs_canary_split on 1101: ports.NAMED_UPSTREAMS)
# and the cluster kind's (cluster_file_hosts on 1110: ports.CLUSTER_UPSTREAMS).
NAMED_UPSTREAMS = ports.NAMED_UPSTREAMS
CLUSTER_UPSTREAMS = ports.CLUSTER_UPSTREAMS


def start_named_upstreams(log_dir: Path, names: dict[int, str]) -> dict[str, Process]:
    """One echo upstream per (port, name), answering `name\n`; by name."""
    for port in names:
        if port_open(port):
            raise RuntimeError(f"something already listens on 127.0.0.1:{port}; stop it first")
    started: dict[str, Process] = {}
    try:
        for port, name in names.items():
            argv = [str(UPSTREAM_BIN), "-listen", f"127.0.0.1:{port}", "-text", name]
            started[name] = spawn(f"upstream-{name}-{port}", argv, log_dir / f"upstream-{name}-{port}.log")
        for port, name in names.items():
            wait_until(lambda p=port: http_ok(p, "/"), 10, f"upstream {name} on {port}", started[name].proc)
    except Exception:
        for proc in started.values():
            proc.stop()
        raise
    return started


# config_validator kind: the lab's control plane on ports.XDS_SERVER, serving
# the cluster cv_backend (behind 1155) over CDS from a spec file in log_dir;
# envoy.yaml's cv_platform_rules judges every version of it.
def write_lab_xds_spec(path: Path, connect_timeout_ms: int | None = 1000) -> Path:
    """cv_backend to the echo upstream; without connect_timeout_ms, a version
    cv_platform_rules refuses. No "version": the server versions it by its
    content, so an edit by hand is pushed."""
    cluster: dict = {"name": "cv_backend", "port": UPSTREAM_ADDR[1]}
    if connect_timeout_ms is not None:
        cluster["connect_timeout_ms"] = connect_timeout_ms
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"clusters": [cluster]}, indent=1) + "\n")
    tmp.replace(path)
    return path


def start_lab_xds(log_dir: Path) -> XdsServer:
    """The lab's control plane, in this process (stop() it)."""
    if port_open(ports.XDS_SERVER):
        raise RuntimeError(f"something already listens on 127.0.0.1:{ports.XDS_SERVER}; stop it first")
    return XdsServer(ports.XDS_SERVER, write_lab_xds_spec(log_dir / "xds" / "lab.json"))


# header_formatter kind: the raw-socket upstream behind 1147 and 1148.
RAW_UPSTREAM_ADDR = ("127.0.0.1", ports.RAW_UPSTREAM)


def start_raw_upstream(log_dir: Path) -> Process:
    """raw_upstream.py: keeps (in log_dir/raw-upstream.bytes) and echoes back
    the exact bytes of every request head it receives."""
    if port_open(RAW_UPSTREAM_ADDR[1]):
        raise RuntimeError(f"something already listens on 127.0.0.1:{RAW_UPSTREAM_ADDR[1]}; stop it first")
    argv = [sys.executable, str(INTEGRATION / "raw_upstream.py"), RAW_UPSTREAM_ADDR[0], str(RAW_UPSTREAM_ADDR[1])]
    raw = spawn("raw-upstream", [*argv, str(log_dir / "raw-upstream.bytes")], log_dir / "raw-upstream.log")
    wait_until(lambda: port_open(RAW_UPSTREAM_ADDR[1]), 10, "raw upstream", raw.proc)
    return raw
