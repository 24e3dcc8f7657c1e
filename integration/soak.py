"""Sustained load through one Envoy on the comparison listeners 1062-1066:
mixed GETs and POSTs with bodies from 0 to 1 MiB, 64 connections at once.

It counts what must not happen: an unexpected status, a body that arrived
changed, an Envoy restart, memory that keeps growing (RSS at the end against
RSS after the first tenth), and an access-log line lost or doubled on 1062.

`make soak` runs `python integration/soak.py --requests 100000` (per listener);
`make test` runs a shorter one from test_soak.py.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lab  # noqa: E402

PORTS = [1062, 1063, 1064, 1065, 1066]
MAX_BODY = 1 << 20


def body_size(rng: random.Random) -> int:
    """Half GETs; POST sizes log-uniform up to 1 MiB, so most bodies are small
    and some are large, as in real traffic."""
    if rng.random() < 0.5:
        return 0
    return min(MAX_BODY, int(2 ** rng.uniform(0, 20)))


@dataclass
class Tally:
    sent: Counter = field(default_factory=Counter)  # per port
    statuses: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, port: int, status: int, problem: str | None):
        with self.lock:
            self.sent[port] += 1
            self.statuses[status] += 1
            if problem and len(self.problems) < 20:
                self.problems.append(problem)


def worker(jobs: list[tuple[int, int, int]], tally: Tally, seed: int):
    rng = random.Random(seed)
    conns: dict[int, http.client.HTTPConnection] = {}
    for i, port, size in jobs:
        body = rng.randbytes(size) if size else None
        path = f"/anything/soak/{i}" if body else f"/headers?soak={i}"
        problem = None
        status = 0
        for attempt in (1, 2):  # a keep-alive connection the server closed is retried once
            conn = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conns[port] = conn
            try:
                conn.request("POST" if body else "GET", path, body=body)
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
                break
            except (http.client.HTTPException, OSError) as e:
                conn.close()
                conns.pop(port, None)
                if attempt == 2:
                    problem = f"{port} {path}: {e!r}"
        if status == 200 and body is not None:
            view = json.loads(data)
            if view["body_length"] != size or view["body_sha256"] != hashlib.sha256(body).hexdigest():
                problem = f"{port} {path}: body changed on the way"
        elif status != 200 and problem is None:
            problem = f"{port} {path}: status {status}"
        tally.add(port, status, problem)
    for conn in conns.values():
        conn.close()


def run(envoy: lab.Envoy, per_listener: int, concurrency: int = 64, seed: int = 1, log=print) -> dict:
    rng = random.Random(seed)
    jobs = [(i, PORTS[i % len(PORTS)], body_size(rng)) for i in range(per_listener * len(PORTS))]
    tally = Tally()
    started = time.monotonic()
    rss_first = None
    first_tenth = len(jobs) // 10
    # Jobs go out in order, in chunks, so "after the first tenth" is a real point in time.
    chunk = max(concurrency * 20, first_tenth)
    for start in range(0, len(jobs), chunk):
        part = jobs[start:start + chunk]
        threads = [threading.Thread(target=worker, args=(part[t::concurrency], tally, seed * 1000 + start + t))
                   for t in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done = start + len(part)
        if rss_first is None and done >= first_tenth:
            rss_first = rss_kib(envoy.proc.pid)
        log(f"[soak] {done}/{len(jobs)} requests, {time.monotonic() - started:.0f}s")
    rss_end = rss_kib(envoy.proc.pid)
    return {
        "requests": len(jobs),
        "per_listener": per_listener,
        "concurrency": concurrency,
        "seconds": round(time.monotonic() - started, 1),
        "sent_per_port": {str(p): tally.sent[p] for p in PORTS},
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "unexpected": sum(v for k, v in tally.statuses.items() if k != 200),
        "problems": tally.problems,
        "rss_kib_after_first_tenth": rss_first,
        "rss_kib_end": rss_end,
        "envoy_alive": envoy.proc.poll() is None,
    }


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def soak_and_stop(work: Path, per_listener: int, concurrency: int = 64, log=print, own_upstream=True) -> dict:
    """(Upstream and) Envoy up, soak, SIGTERM, then count the access log."""
    upstream = lab.start_upstream(work) if own_upstream else None
    try:
        envoy = lab.start_envoy(work, cwd=work, name="envoy-soak", base_id=51)
        try:
            summary = run(envoy, per_listener, concurrency, log=log)
        finally:
            summary_exit = envoy.stop(signal.SIGTERM)
    finally:
        if upstream:
            upstream.stop()
    lines = (work / "access_logs" / "access_log_0.log").read_text().splitlines()
    summary["envoy_exit_code"] = summary_exit
    summary["access_log_lines"] = len(lines)
    summary["access_log_lines_that_parse"] = sum(1 for line in lines if json.loads(line)["path"])
    summary["access_log_lost_or_extra"] = len(lines) - summary["sent_per_port"]["1062"]
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000, help="requests per listener")
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    work = lab.ROOT / "build" / "soak"
    if work.exists():
        for old in (work / "access_logs").glob("*.log"):
            old.unlink()
    work.mkdir(parents=True, exist_ok=True)
    summary = soak_and_stop(work, args.requests, args.concurrency)
    (work / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    ok = (summary["unexpected"] == 0 and not summary["problems"] and summary["envoy_exit_code"] == 0
          and summary["access_log_lost_or_extra"] == 0
          and summary["rss_kib_end"] <= 1.10 * summary["rss_kib_after_first_tenth"])
    print("soak passed" if ok else "soak FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
