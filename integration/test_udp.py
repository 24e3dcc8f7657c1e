"""udp_dns_gateway (librust_module.so) on 1087/udp through the lab's envoy.yaml
and a real Envoy 1.40, with dig (Debian bind9-dnsutils) as the client and a
tiny upstream resolver (integration/dns_upstream.py, answering 192.0.2.53)
started and stopped here: configured names are answered from the config,
other names go through udp_proxy to the resolver, malformed datagrams are
dropped with a counter and never crash Envoy. Bad configs are refused by
`envoy --mode validate` with one line."""

from __future__ import annotations

import json
import socket
import struct
import subprocess

import pytest

import kinds
from harness import servers


@pytest.fixture(scope="module")
def side(logs_dir):
    procs = servers.start_side_upstreams(logs_dir)
    yield procs
    for p in procs:
        p.stop()


@pytest.fixture(scope="module")
def lab_envoy(side, envoy):
    return envoy


def dig(*args: str) -> str:
    done = subprocess.run(
        ["dig", "@127.0.0.1", "-p", "1087", "+time=3", "+tries=1", *args], capture_output=True, text=True, timeout=15
    )
    assert done.returncode == 0, done
    return done.stdout


def query(name: str, qtype: int = 1, qid: int = 0x4242) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", qtype, 1)


def exchange(datagram: bytes, timeout: float = 1.0) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(datagram, ("127.0.0.1", 1087))
        try:
            return s.recv(65535)
        except TimeoutError:
            return None


def test_configured_names_are_answered_from_the_config(lab_envoy):
    before = kinds.counter("udp_dns_gateway_answered")
    assert dig("+short", "a.lab.test").split() == ["10.0.0.1"]
    assert sorted(dig("+short", "B.LAB.TEST").split()) == ["10.0.0.2", "10.0.0.3"]
    full = dig("a.lab.test")
    assert "status: NOERROR" in full and " aa " in full.split("flags:")[1].split(";")[0] + " ", full
    assert "a.lab.test.\t\t60\tIN\tA\t10.0.0.1" in full, full
    # Another type for one of our names: authoritative, no records.
    aaaa = dig("a.lab.test", "AAAA")
    assert "status: NOERROR" in aaaa and "ANSWER: 0" in aaaa, aaaa
    assert kinds.counter("udp_dns_gateway_answered") == before + 4


def test_other_names_are_forwarded_to_the_upstream_resolver(lab_envoy, side):
    before = kinds.counter("udp_dns_gateway_forwarded")
    assert dig("+short", "example.org").split() == ["192.0.2.53"]
    assert dig("+short", "c.lab.test").split() == ["192.0.2.53"]
    assert kinds.counter("udp_dns_gateway_forwarded") == before + 2
    assert "dns_upstream: answered" in side[1].log()


MALFORMED = {
    "empty": b"",
    "short_header": b"\x12\x34\x01\x00",
    "no_question": struct.pack("!HHHHHH", 1, 0x0100, 0, 0, 0, 0),
    "a_response": struct.pack("!HHHHHH", 1, 0x8180, 1, 0, 0, 0) + b"\x01a\x00\x00\x01\x00\x01",
    "compression_loop": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x01a\xc0\x0c\x00\x01\x00\x01",
    "pointer_to_itself": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01",
    "forward_pointer": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\xc0\x20\x00\x01\x00\x01" + b"\x00" * 30,
    "truncated_name": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x3fabc",
    "name_too_long": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    + (b"\x3f" + b"a" * 63) * 5
    + b"\x00\x00\x01\x00\x01",
    "reserved_label": struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x80\x00\x00\x01\x00\x01",
    "no_qtype": query("a.lab.test")[:-4],
    "garbage_4000_bytes": b"\xff" * 4000,
}


def test_malformed_datagrams_are_dropped_with_a_counter(lab_envoy):
    before = kinds.counter("udp_dns_gateway_malformed")
    for name, datagram in MALFORMED.items():
        assert exchange(datagram, timeout=0.3) is None, name
    assert kinds.counter("udp_dns_gateway_malformed") == before + len(MALFORMED)
    # Over the listener's max_rx_datagram_size (4096): Envoy drops it before
    # any filter, and counts it itself.
    dropped = "listener.0.0.0.0_1087.udp.downstream_rx_datagram_dropped"
    before_big = kinds.stats(dropped).get(dropped, 0)
    assert exchange(b"\xff" * 65000, timeout=0.3) is None
    assert kinds.stats(dropped)[dropped] == before_big + 1
    assert lab_envoy.proc.poll() is None
    # The gateway still answers, and memory did not grow with the garbage.
    rss = kinds.rss_kib(lab_envoy.proc.pid)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(2000):
            s.sendto(MALFORMED["compression_loop"], ("127.0.0.1", 1087))
    # A flood may overrun the socket's receive buffer (the kernel drops, not
    # Envoy), so the first query after it may be lost: ask up to three times.
    reply = next(filter(None, (exchange(query("a.lab.test", qid=0x7777)) for _ in range(3))), None)
    assert reply is not None and reply[:2] == b"\x77\x77" and reply.endswith(bytes([10, 0, 0, 1]))
    assert kinds.rss_kib(lab_envoy.proc.pid) - rss < 8 * 1024


# ----------------------------------------------------------------- bad configs

RECORDS = {"a.lab.test": ["10.0.0.1"]}
BAD = [
    ("records_missing", {"config": {"ttl": 5}}, "missing field `records`"),
    ("records_empty", {"config": {"records": {}}}, "records is empty"),
    ("no_addresses", {"config": {"records": {"a": []}}}, "1 to 8 addresses, got 0"),
    ("nine_addresses", {"config": {"records": {"a": ["10.0.0.1"] * 9}}}, "1 to 8 addresses, got 9"),
    ("ipv6_address", {"config": {"records": {"a": ["::1"]}}}, '"::1" is not an IPv4 address'),
    ("bad_name", {"config": {"records": {"a..b": ["10.0.0.1"]}}}, '"a..b" is not a valid host name'),
    ("twice", {"config": {"records": {"a": ["10.0.0.1"], "A.": ["10.0.0.2"]}}}, "listed twice"),
    ("ttl_too_big", {"config": {"records": RECORDS, "ttl": 100000}}, "ttl must be 0 to 86400"),
    ("ttl_negative", {"raw": '{"records": {"a": ["10.0.0.1"]}, "ttl": -1}'}, "-1"),
    ("unknown_field", {"config": {"records": RECORDS, "tll": 5}}, "unknown field `tll`"),
    ("absent", {}, "filter_config is empty"),
    ("not_json", {"raw": "a.lab.test=10.0.0.1"}, ""),
    ("unknown_udp_filter", {}, "unknown filter name; this module has: udp_dns_gateway"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_udp_filter_config_is_refused(tmp_path, case, kwargs, expected):
    filter_name = "no_such_udp_filter" if case == "unknown_udp_filter" else "udp_dns_gateway"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.udp_bootstrap(filter_name, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "UDP listener filter", filter_name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
    assert "unknown filter name" in lines[0] or "invalid filter_config: " in lines[0], lines[0]
