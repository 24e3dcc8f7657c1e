"""The network (L4) filters of librust_module.so on 1080-1083, through the real
Envoy with real clients: Python sockets, curl, openssl s_client, redis-cli and
a real redis-server (started and stopped here) behind network_redis."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from harness import processes, servers

ECHO, LIMITER, LOGGER, REDIS = 1080, 1081, 1082, 1083
LIMIT = 2  # max_connections of 1081 in envoy.yaml


@pytest.fixture(scope="module")
def redis(logs_dir):
    proc = servers.start_redis(logs_dir)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def net_envoy(redis, envoy):
    return envoy


def stats() -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{processes.ADMIN_PORT}/stats", timeout=5) as r:
        out = {}
        for line in r.read().decode().splitlines():
            name, _, value = line.partition(": ")
            if value.strip().lstrip("-").isdigit():
                out[name] = int(value)
        return out


def stat(name: str) -> int:
    return stats().get(f"dynamicmodulescustom.{name}", 0)


def envoy_alive(envoy):
    assert envoy.proc.poll() is None, envoy.log()[-3000:]
    assert processes.http_ok(processes.ADMIN_PORT, "/ready")


def rss_kib(envoy) -> int:
    for line in Path(f"/proc/{envoy.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def read_all(sock: socket.socket, timeout: float = 10) -> bytes:
    sock.settimeout(timeout)
    chunks: list[bytes] = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def closed_at_once(sock: socket.socket, timeout: float = 2) -> bool:
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


# ------------------------------------------------------------- network_echo


def test_echo_one_byte(net_envoy):
    with socket.create_connection(("127.0.0.1", ECHO)) as s:
        s.sendall(b"x")
        s.settimeout(5)
        assert s.recv(10) == b"x"


def test_echo_one_mib_then_half_close(net_envoy):
    payload = bytes(range(256)) * 4096  # 1 MiB
    with socket.create_connection(("127.0.0.1", ECHO)) as s:

        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)

        t = threading.Thread(target=send)
        t.start()
        got = read_all(s)  # until the echoed half-close
        t.join()
    assert len(got) == len(payload) and got == payload


def test_echo_half_close_returns_everything_then_eof(net_envoy):
    with socket.create_connection(("127.0.0.1", ECHO)) as s:
        s.sendall(b"last words")
        s.shutdown(socket.SHUT_WR)
        assert read_all(s, 5) == b"last words"


def test_echo_a_silent_connection_gets_nothing_and_hurts_nobody(net_envoy):
    silent = [socket.create_connection(("127.0.0.1", ECHO)) for _ in range(20)]
    try:
        silent[0].settimeout(0.5)
        with pytest.raises(socket.timeout):
            silent[0].recv(1)
        with socket.create_connection(("127.0.0.1", ECHO)) as s:
            s.sendall(b"ping")
            s.settimeout(5)
            assert s.recv(10) == b"ping"
    finally:
        for s in silent:
            s.close()
    envoy_alive(net_envoy)


def kernel_buffer_max(name: str) -> int:
    """The most the kernel lets one TCP socket buffer (net.ipv4.tcp_rmem or
    tcp_wmem, third field): receive windows autotune up to it."""
    return int(Path(f"/proc/sys/net/ipv4/{name}").read_text().split()[2])


def test_echo_a_client_that_never_reads_cannot_grow_envoy(net_envoy):
    """Flow control: a client that only sends is stopped by TCP, not buffered
    by Envoy (measured here: 5 to 28 MiB accepted, most of it in Envoy's
    autotuned receive buffer; RSS +3 to 6 MiB)."""
    before = rss_kib(net_envoy)
    s = socket.create_connection(("127.0.0.1", ECHO))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    s.setblocking(False)
    sent, chunk, deadline = 0, b"z" * 65536, time.monotonic() + 3
    while time.monotonic() < deadline and sent < 256 << 20:
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    grown = rss_kib(net_envoy) - before
    s.close()
    # What may hold the bytes: the client's two buffers (the kernel doubles
    # what is asked), Envoy's socket buffers as far as this kernel autotunes
    # them, and Envoy's 1 MiB read and write limits. Under load the receive
    # window grows further than on an idle machine: the bound is the kernel's.
    bound = 4 * 65536 + kernel_buffer_max("tcp_rmem") + kernel_buffer_max("tcp_wmem") + (2 << 20)
    assert sent < bound, f"Envoy's side accepted {sent} bytes (bound {bound}) from a client that never read"
    assert grown < 16 << 10, f"Envoy grew {grown} KiB"
    envoy_alive(net_envoy)


# ----------------------------------------------------- network_rate_limiter


def http_get_via(sock: socket.socket) -> bytes:
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return read_all(sock, 5)


def wait_stat(name: str, want: int, timeout: float = 5):
    processes.wait_until(lambda: stat(name) == want, timeout, f"{name} == {want} (is {stat(name)})")


def test_rate_limiter_closes_the_one_over_the_limit_at_once(net_envoy):
    rejected = stat("network_rate_limiter.rejected")
    held = [socket.create_connection(("127.0.0.1", LIMITER)) for _ in range(LIMIT)]
    try:
        wait_stat("network_rate_limiter.active", LIMIT)
        extra = socket.create_connection(("127.0.0.1", LIMITER))
        assert closed_at_once(extra), "the N+1th connection stayed open"
        extra.close()
        assert stat("network_rate_limiter.rejected") == rejected + 1
        # The admitted ones work.
        assert http_get_via(held[0]).startswith(b"HTTP/1.1 200")
    finally:
        for s in held:
            s.close()
    # Closing gives the slots back: the count after closes.
    wait_stat("network_rate_limiter.active", 0)
    with socket.create_connection(("127.0.0.1", LIMITER)) as s:
        assert http_get_via(s).startswith(b"HTTP/1.1 200")


def test_rate_limiter_under_concurrent_clients(net_envoy):
    wait_stat("network_rate_limiter.active", 0)
    rejected = stat("network_rate_limiter.rejected")
    n = 12
    start = threading.Barrier(n)
    socks, outcomes = [None] * n, [None] * n

    def client(i):
        start.wait()
        s = socket.create_connection(("127.0.0.1", LIMITER))
        socks[i] = s
        outcomes[i] = "closed" if closed_at_once(s, 1.5) else "open"

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert outcomes.count("open") == LIMIT, outcomes
        assert stat("network_rate_limiter.rejected") == rejected + n - LIMIT
        assert stat("network_rate_limiter.active") == LIMIT
    finally:
        for s in socks:
            s.close()
    wait_stat("network_rate_limiter.active", 0)


# -------------------------------------------------- network_protocol_logger

LINE = re.compile(
    r"network_protocol_logger: connection=\d+ peer=(\S+) protocol=(\S+) "
    r"bytes_in=(\d+) bytes_out=(\d+) duration_ms=(\d+) closed_by=(\S+)"
)


def logger_lines(envoy) -> list[re.Match]:
    return [m for m in map(LINE.search, envoy.log().splitlines()) if m]


def new_logger_line(envoy, seen: int) -> re.Match:
    processes.wait_until(lambda: len(logger_lines(envoy)) > seen, 5, "a protocol logger line")
    lines = logger_lines(envoy)
    assert len(lines) == seen + 1, [m.group(0) for m in lines[seen:]]
    return lines[-1]


def test_protocol_logger_curl_is_http1(net_envoy):
    # A fixed client port below the kernel's ephemeral range (32768-60999), so no
    # other connection of the suite can hold it.
    seen = len(logger_lines(net_envoy))
    out = subprocess.run(
        ["curl", "-s", "--local-port", "31082", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{LOGGER}/"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert out.stdout == "200"
    m = new_logger_line(net_envoy, seen)
    assert m.group(1) == "127.0.0.1:31082"
    assert m.group(2) == "http1"
    assert int(m.group(3)) > 40 and int(m.group(4)) > 100
    assert int(m.group(5)) < 5000


def test_protocol_logger_http2_preface(net_envoy):
    seen = len(logger_lines(net_envoy))
    subprocess.run(
        ["curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null", f"http://127.0.0.1:{LOGGER}/"],
        capture_output=True,
        timeout=10,
    )
    assert new_logger_line(net_envoy, seen).group(2) == "http2"


def test_protocol_logger_openssl_is_tls(net_envoy):
    seen = len(logger_lines(net_envoy))
    subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{LOGGER}", "-servername", "example.com"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=10,
    )
    m = new_logger_line(net_envoy, seen)
    assert m.group(2) == "tls"
    assert int(m.group(3)) > 100  # a ClientHello


def test_protocol_logger_redis_cli_is_resp(net_envoy):
    seen = len(logger_lines(net_envoy))
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(LOGGER), "PING"], capture_output=True, timeout=10)
    assert new_logger_line(net_envoy, seen).group(2) == "resp"


def test_protocol_logger_nothing_sent_is_none(net_envoy):
    seen = len(logger_lines(net_envoy))
    s = socket.create_connection(("127.0.0.1", LOGGER))
    time.sleep(0.2)
    s.close()
    m = new_logger_line(net_envoy, seen)
    # (No end of stream reaches filters for a FIN with no byte before it: Envoy
    # reports the close as its own, so closed_by says envoy here.)
    assert (m.group(2), m.group(3), m.group(4)) == ("none", "0", "0")


# ------------------------------------------------------------ network_redis


def cli(*args: str, port: int = REDIS) -> str:
    out = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args], capture_output=True, text=True, timeout=10
    )
    return (out.stdout + out.stderr).strip()


def commandstats() -> str:
    return cli("INFO", "commandstats", port=servers.REDIS_ADDR[1])


def test_redis_cli_through_the_filter(net_envoy):
    assert cli("SET", "greeting", "hello") == "OK"
    assert cli("GET", "greeting") == "hello"
    assert cli("INCR", "n") == "1"


def test_redis_refused_commands_answer_an_error_and_never_reach_redis(net_envoy):
    assert cli("SET", "keep", "me") == "OK"
    for command in (["FLUSHALL"], ["flushall", "ASYNC"], ["CONFIG", "GET", "*"], ["keys", "*"]):
        out = cli(*command)
        assert f"network_redis: command '{command[0].upper()}' is not allowed" in out, out
    stats_text = commandstats()
    for name in ("flushall", "config", "keys"):
        assert f"cmdstat_{name}:" not in stats_text, stats_text
    assert cli("GET", "keep") == "me"


def encode(*args: bytes) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def read_replies(sock: socket.socket, n: int) -> list[bytes]:
    """n RESP2 replies of the simple kinds these tests get, split as lines."""
    buf = b""
    sock.settimeout(5)
    replies: list[bytes] = []
    while len(replies) < n:
        while True:
            if buf.startswith((b"+", b"-", b":")) and b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                replies.append(line)
                break
            if buf.startswith(b"$") and b"\r\n" in buf:
                head, rest = buf.split(b"\r\n", 1)
                size = int(head[1:])
                if size < 0:
                    replies.append(head)
                    buf = rest
                    break
                if len(rest) >= size + 2:
                    replies.append(rest[:size])
                    buf = rest[size + 2 :]
                    break
            data = sock.recv(65536)
            assert data, f"closed after {replies}"
            buf += data
    return replies


def test_redis_pipeline_split_across_reads_keeps_its_order(net_envoy):
    before = {n: stat(f"network_redis.commands.{n}") for n in ("set", "get", "incr", "flushall", "keys")}
    refused = stat("network_redis.refused")
    pipeline = (
        encode(b"SET", b"p", b"1")
        + encode(b"GET", b"p")
        + encode(b"FLUSHALL")
        + encode(b"GET", b"p")
        + encode(b"KEYS", b"*")
        + encode(b"INCR", b"p")
    )
    with socket.create_connection(("127.0.0.1", REDIS)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(pipeline), 3):  # 3 bytes per write: every command split
            s.sendall(pipeline[i : i + 3])
            time.sleep(0.002)
        replies = read_replies(s, 6)
    assert replies == [
        b"+OK",
        b"1",
        b"-ERR network_redis: command 'FLUSHALL' is not allowed",
        b"1",
        b"-ERR network_redis: command 'KEYS' is not allowed",
        b":2",
    ], replies
    for name, extra in (("set", 1), ("get", 2), ("incr", 1), ("flushall", 1), ("keys", 1)):
        assert stat(f"network_redis.commands.{name}") == before[name] + extra, name
    assert stat("network_redis.refused") == refused + 2


def test_redis_big_values_pass_whole(net_envoy):
    value = b"v" * (512 << 10)
    with socket.create_connection(("127.0.0.1", REDIS)) as s:
        s.sendall(encode(b"SET", b"big", value) + encode(b"STRLEN", b"big"))
        assert read_replies(s, 2) == [b"+OK", b":%d" % len(value)]


@pytest.mark.parametrize(
    "bad",
    [
        b"*1\r\n$99999999999\r\n",  # a bulk length far over max_command_bytes
        b"*99999999999999\r\n",  # an argument count over the limit
        b"*2\r\n$3\r\nGET\r\n:1\r\n",  # not a bulk string
        b"*1\r\n$-7\r\n",
    ],
)
def test_redis_absurd_input_gets_an_error_and_a_close(net_envoy, bad):
    errors = stat("network_redis.protocol_errors")
    with socket.create_connection(("127.0.0.1", REDIS)) as s:
        s.sendall(bad)
        got = read_all(s, 5)
    assert got.startswith(b"-ERR Protocol error: "), got
    assert stat("network_redis.protocol_errors") == errors + 1
    envoy_alive(net_envoy)


def test_redis_an_unfinished_command_is_bounded(net_envoy):
    """A client that declares a huge command and dribbles it in is cut off at
    max_command_bytes (1 MiB), not buffered."""
    before = rss_kib(net_envoy)
    with socket.create_connection(("127.0.0.1", REDIS)) as s:
        s.sendall(b"x" * (70 << 10))  # an inline line longer than Redis allows
        got = read_all(s, 5)
    assert got.startswith(b"-ERR Protocol error: too big inline request"), got
    assert rss_kib(net_envoy) - before < 16 << 10
    envoy_alive(net_envoy)


def test_redis_silent_connections_hold_nothing(net_envoy):
    silent = [socket.create_connection(("127.0.0.1", REDIS)) for _ in range(20)]
    time.sleep(0.2)
    for s in silent:
        s.close()
    assert cli("PING") == "PONG"
    envoy_alive(net_envoy)


def test_clients_are_installed():
    for tool in ("redis-server", "redis-cli", "openssl", "curl"):
        assert shutil.which(tool), f"{tool} missing: make deps installs it"
