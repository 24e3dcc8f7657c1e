"""A tiny upstream DNS resolver for udp_dns_gateway's forwarded queries: it
answers every A query with 192.0.2.53 (TTL 5) and any other type with an
empty NOERROR, and counts what it answered on stderr. Queries with compressed
or malformed questions get no answer.

    python dns_upstream.py 127.0.0.1 1253

Started and stopped by lab.py (tests and `make up`); loopback only.
"""

from __future__ import annotations

import signal
import socket
import struct
import sys

ANSWER_ADDRESS = bytes([192, 0, 2, 53])


def answer(query: bytes) -> bytes | None:
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qdcount < 1:
        return None
    at = 12
    while True:
        if at >= len(query):
            return None
        n = query[at]
        if n == 0:
            at += 1
            break
        if n & 0xC0:
            return None
        at += 1 + n
    if at + 4 > len(query):
        return None
    question = query[12 : at + 4]
    qtype = struct.unpack("!H", query[at : at + 2])[0]
    records = b""
    if qtype == 1:
        records = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 5, 4) + ANSWER_ADDRESS
    rd = flags & 0x0100
    header = struct.pack("!HHHHHH", qid, 0x8080 | rd, 1, 1 if records else 0, 0, 0)
    return header + question + records


def main(host: str, port: int) -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"dns_upstream: answering on {host}:{port}", flush=True)
    answered = 0
    while True:
        data, peer = sock.recvfrom(65535)
        reply = answer(data)
        if reply is not None:
            sock.sendto(reply, peer)
            answered += 1
            print(f"dns_upstream: answered {answered}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
