"""The lab: every listener of envoy.yaml with the servers behind them, composed
from the harness's layers (harness/processes.py, harness/servers.py), and its
command line: `python integration/lab.py up` (what `make up` runs) serves it in
the foreground until Ctrl-C. The tests start the parts they need from the
harness directly.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time

import ports
from harness import processes, servers

# Printed by `make up`; the tests read the same table.
LISTENERS = ports.LISTENERS
# How to reach the listeners that do not speak HTTP, for `make up`'s table.
LISTENER_SCHEMES = {1084: "tcp", 1085: "tcp+tls", 1086: "tls", 1087: "udp"}


def up() -> int:
    """`make up`: serve every listener in the foreground until Ctrl-C."""
    log_dir = processes.ROOT / "build" / "logs"
    # Whatever has started is stopped when up() leaves, however it leaves.
    with contextlib.ExitStack() as started:
        upstream = servers.start_upstream(log_dir)
        started.callback(upstream.stop)
        started.callback(servers.start_redis(log_dir).stop)
        for side in servers.start_side_upstreams(log_dir):
            started.callback(side.stop)
        started.callback(servers.start_auth_server(log_dir).stop)
        # health_checker kind: the redis-servers hc_redis_ping checks behind 1111.
        for port in ports.HEALTH_REDIS:
            started.callback(servers.start_redis(log_dir, port).stop)
        # Echo upstreams answering their own names: the routing kinds' and the cluster kind's.
        for names in (servers.NAMED_UPSTREAMS, servers.CLUSTER_UPSTREAMS):
            for named in servers.start_named_upstreams(log_dir, names).values():
                started.callback(named.stop)
        # config_validator kind: cv_backend over CDS, behind 1155.
        started.callback(servers.start_lab_xds(log_dir).stop)
        # header_formatter kind: the raw-socket upstream behind 1147 and 1148.
        started.callback(servers.start_raw_upstream(log_dir).stop)
        # From the repository root, so 1062's access log lands in ./access_logs.
        envoy = processes.start_envoy(log_dir, cwd=processes.ROOT)
        print(
            f"Envoy {processes.ENVOY_VERSION} is serving with {envoy.workers} workers (admin http://127.0.0.1:{processes.ADMIN_PORT}):"
        )
        for port, what in LISTENERS.items():
            # Rows that name their own address (tcp://...) print as they are.
            scheme = LISTENER_SCHEMES.get(port, "http")
            print(f"  {what}" if "://" in what else f"  {scheme}://localhost:{port}/   {what}")
        print(
            f"Upstream: echo on {servers.UPSTREAM_ADDR[0]}:{servers.UPSTREAM_ADDR[1]}; redis-server on "
            f"{servers.REDIS_ADDR[0]}:{servers.REDIS_ADDR[1]}"
        )
        tls = ", ".join(f"{name} on 127.0.0.1:{port}" for port, name in servers.TLS_UPSTREAMS.items())
        print(f"TLS upstreams: {tls} (certificates in {(log_dir / 'certs').relative_to(processes.ROOT)})")
        print(f"DNS upstream: {servers.DNS_UPSTREAM[0]}:{servers.DNS_UPSTREAM[1]}/udp (answers 192.0.2.53)")
        print(
            f"Auth service: {servers.AUTH_ADDR[0]}:{servers.AUTH_ADDR[1]} (x-auth-token: good -> 200, bad -> 403, slow -> timeout)"
        )
        routing = ", ".join(f"{name} on 127.0.0.1:{port}" for port, name in servers.NAMED_UPSTREAMS.items())
        print(f"Named upstreams (routing kinds, 1100-): {routing}, each answering its name")
        in_file = ", ".join(f"{name} on 127.0.0.1:{port}" for port, name in servers.CLUSTER_UPSTREAMS.items())
        print(f"Named upstreams (1110's hosts file, {processes.CLUSTER_HOSTS}): {in_file}")
        print(f"redis-servers checked by hc_redis_ping (1111): {', '.join(map(str, ports.HEALTH_REDIS))}")
        spec = (log_dir / "xds" / "lab.json").relative_to(processes.ROOT)
        print(
            f"xDS control plane (1155): 127.0.0.1:{ports.XDS_SERVER} serves cv_backend over CDS from {spec}; "
            "drop its connect_timeout_ms and cv_platform_rules refuses the update (the log says why)"
        )
        # cert_validator kind
        print(
            "Client certificates for 1150 (cert_spki_pin): integration/certs/cert_spki_pin/pinned.* get in, other.* not"
        )
        print(f"Logs: {envoy.log_path.relative_to(processes.ROOT)} and {upstream.log_path.relative_to(processes.ROOT)}")
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
