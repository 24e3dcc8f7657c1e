"""A real redis-server (Debian's) on 127.0.0.1:6380 for the network_redis
listener (1083): started in its own process group with no persistence, and
stopped by the caller (the tests' fixture, or `make up`)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import lab
import ports

REDIS_ADDR = ("127.0.0.1", ports.REDIS)


def ping(addr=REDIS_ADDR) -> bool:
    try:
        with socket.create_connection(addr, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start(log_dir: Path) -> lab.Process:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is missing: run `make deps` (Debian package redis-server)")
    if ping():
        # Testing against a stray server would prove nothing about this build.
        raise RuntimeError(f"something already serves {REDIS_ADDR[0]}:{REDIS_ADDR[1]}; stop it first")
    argv = [
        binary,
        "--bind",
        REDIS_ADDR[0],
        "--port",
        str(REDIS_ADDR[1]),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        str(log_dir),
    ]
    proc = lab.spawn("redis-server", argv, log_dir / "redis.log")
    lab.wait_until(ping, 10, "redis-server", proc.proc)
    return proc
