"""make bench: what each way of extending Envoy costs per request: a dynamic
module in Rust, Go or C++, Envoy's built-in header_mutation filter, Lua, a Wasm
filter (proxy-wasm on V8) and an external processor (ext_proc over gRPC), all
doing the same header_mutation; plus body rows (body_rewrite on 64 KiB and
1 MiB responses, beside a Lua anchor).

Phases, all against one generated Envoy config (bench_config.py):
  1. instructions  Envoy under callgrind, one worker; per listener N requests on
                   one keep-alive connection, counted exactly; every listener
                   measured in each of R interleaved rounds.
  2. cpu           Envoy natively, one worker, pinned; hey at a fixed rate well
                   below saturation; Envoy's (and the ext_proc server's) CPU
                   time per request served, and hey's latency, in interleaved
                   rounds.
  3. memory        RSS of an Envoy that loads one contender (or none), idle and
                   after a load burst.
Then results.json, report.md and chart.png under bench/results/<UTC time>/.
A run is published (bench/results/latest.*, the README) only if its
instruction spreads allow a ranking (refusals()); a header row whose CPU time
is too noisy to rank is published marked as such (cpu_noisy()).

It imports the lab from integration/: run it as `make bench`, which puts
integration/ and bench/ on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bench_config
import ports
import price_list
from bench_config import LISTENERS, REQUEST_HEADERS, REQUEST_PATH
from harness import processes, servers

HERE = Path(__file__).resolve().parent
ADMIN = ports.BENCH_ADMIN
BASE_ID = ports.BASE_ID["bench"]
# The Go runtime's settings per phase, recorded in results.json. Natively Go
# runs as in production (lab.py: cgocheck=0). Under callgrind, Go's
# asynchronous preemption signals (SIGURG into a thread inside runtime.cgocall)
# make valgrind 3.19 abort with "vgCallgrind_post_signal: Assertion 'sigNum ==
# vgCallgrind_current_state.sig' failed"; asyncpreemptoff=1 leaves only
# cooperative preemption, which Go code entered from Envoy's threads for one
# hook never waits on: the counts stay within 0.3% of a run that survived.
# One Envoy worker in every phase (the lab's tests use several): under
# callgrind a request's instructions are then those of one thread, counted
# exactly and repeatably, and the load and memory phases measure the same
# Envoy; with several workers, which thread takes a connection would add noise.
WORKERS = 1
GODEBUG_NATIVE = processes.GODEBUG
GODEBUG_CALLGRIND = f"{processes.GODEBUG},asyncpreemptoff=1"


# ------------------------------------------------------------------ helpers


class Progress:
    """One status line per step, with the time left estimated from the pace so
    far, for this phase and (adding the later phases' planned time) for the run."""

    def __init__(self, phase: str, total: int, later_s: float = 0.0):
        self.phase, self.total, self.done, self.started = phase, total, 0, time.monotonic()
        self.later_s = later_s

    def step(self, what: str):
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        print(
            f"[{self.phase} {self.done}/{self.total}] {what}  (~{left:.0f}s left in {self.phase}, "
            f"~{left + self.later_s:.0f}s in all)",
            flush=True,
        )


def planned_s(args, phase: str) -> float:
    """What the phases after the current one will take, from their parameters
    (hey runs for a fixed time; memory starts six Envoys with one burst each)."""
    cpu = args.cpu_rounds * len(LISTENERS) * (args.cpu_seconds + 0.3) + 5
    memory = 6 * (args.load_seconds + 2.5)
    # Measured here: about 1 s per listener and round (a dump each), and the start.
    price = 30 + 1.0 * len(price_list.listeners(args.price_calls)) * args.price_rounds
    if args.price_list:  # the price list alone
        return 0.0
    return {"instructions": price + cpu + memory, "price": cpu + memory, "cpu": memory, "memory": 0.0}[phase]


def run(argv: list[str], **kw) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def version_of(argv: list[str]) -> str:
    try:
        return run(argv).strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# Seconds a client waits for one response, and for callgrind's dump. A 1 MiB
# body row under callgrind, with Go's collector running in its window on a
# loaded machine, took over a minute for one response: the old 60 s
# stopped whole `make bench` runs with a TimeoutError. Ample, so a run ends
# on a real hang only.
CLIENT_TIMEOUT_S = 600
DUMP_TIMEOUT_S = 600


def keepalive_requests(port: int, n: int, conn: http.client.HTTPConnection | None = None, path: str = REQUEST_PATH):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
    for _ in range(n):
        conn.request("GET", path, headers=REQUEST_HEADERS)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"port {port} answered {resp.status}")
    return conn


def requests_for(listener, n: int) -> int:
    """Requests per callgrind round: a body row moves 64 KiB or 1 MiB per
    request, so it needs (and gets) fewer to be counted just as exactly."""
    if listener.kind != "body":
        return n
    return max(2, n // (5 if listener.name.endswith("_64k") else 50))


def spread_pct(values: list[float]) -> float:
    med = statistics.median(values)
    return 0.0 if med == 0 else (max(values) - min(values)) / med * 100


def iqr_pct(values: list[float]) -> float:
    """Interquartile range over the median, in percent: the CPU phase's spread.
    One round disturbed by another process on Envoy's core moves max-min (also
    recorded) but not this."""
    if len(values) < 2:
        return 0.0
    q1, med, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return 0.0 if med == 0 else (q3 - q1) / med * 100


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


# -------------------------------------------------------------- callgrind


def dump_costs(path: Path) -> tuple[int, dict[str, int]]:
    """Total Ir of one callgrind dump, and its self cost per object file."""
    names: dict[str, str] = {}
    by_object: dict[str, int] = {}
    current = "?"
    skip_next = False
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("summary:"):
            total = int(line.split()[1])
        elif line.startswith(("ob=", "cob=")):
            # Object names are compressed: "(id) name" the first time an id
            # appears (on either kind of line), "(id)" after that.
            key, _, rest = line.partition("=")
            m = re.match(r"\((\d+)\)(?: (.*))?", rest)
            if m and m.group(2):
                names[m.group(1)] = m.group(2)
            if key == "ob":
                current = names.get(m.group(1), "?") if m else rest
        elif line.startswith("calls="):
            skip_next = True  # the next cost line is the call's inclusive cost
        elif line[:1].isdigit() or line[:1] in "+-*":
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            if len(parts) >= 2:
                by_object[current] = by_object.get(current, 0) + int(parts[1])
    return total, by_object


def object_group(path: str) -> str:
    name = Path(path).name
    if name.endswith("_module.so"):
        return name
    if name in ("???", "?", ""):
        return "JIT / anonymous code"  # V8's generated code for the Wasm filter
    if "envoy" in name:
        return "envoy"
    return "system libraries"


def selected(args) -> list:
    """The listeners this run measures: all, or those --only names (the
    baselines always, so every row keeps its 'over baseline')."""
    if not args.only:
        return LISTENERS
    wanted = set(args.only.split(","))
    return [
        l
        for l in LISTENERS
        if l.name.startswith("baseline") or l.name in wanted or l.name.removesuffix("_direct") in wanted
    ]


def measure_instructions(args, config: Path, out: Path) -> dict:
    cg_dir = out / "callgrind"
    cg_dir.mkdir(parents=True, exist_ok=True)
    wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={cg_dir}/cg.%p"]
    print("[instructions] starting Envoy under callgrind (about 10 s)...", flush=True)
    envoy = processes.start_envoy(
        out,
        workers=WORKERS,
        config=config,
        admin_port=ADMIN,
        base_id=BASE_ID,
        name="envoy-callgrind",
        wrapper=wrapper,
        ready_timeout=180,
        extra_env={"GODEBUG": GODEBUG_CALLGRIND},
    )
    pid = str(envoy.proc.pid)
    listeners = selected(args)
    results: dict[str, dict[str, Any]] = {l.name: {"per_request": [], "objects": {}} for l in listeners}
    try:
        run(["callgrind_control", "-i", "on", pid])
        for listener in listeners:  # warm every path: pools, caches, lazy init
            keepalive_requests(listener.port, requests_for(listener, args.warmup), path=listener.path).close()
        for listener in listeners:
            if requests_for(listener, args.requests) != args.requests:
                print(
                    f"[instructions] {listener.name}: {requests_for(listener, args.requests)} requests per round"
                    f" (a body row; {args.requests} for the header rows)",
                    flush=True,
                )
        progress = Progress("instructions", args.rounds * len(listeners), planned_s(args, "instructions"))
        for rnd in range(args.rounds):
            for listener in listeners:
                n = requests_for(listener, args.requests)
                conn = keepalive_requests(listener.port, 1, path=listener.path)  # connected, warm
                run(["callgrind_control", "-z", pid])
                keepalive_requests(listener.port, n, conn, path=listener.path)
                before = set(cg_dir.iterdir())
                run(["callgrind_control", "-d", f"{listener.name}-r{rnd}", pid])
                conn.close()
                dump = lab_wait_new_file(cg_dir, before)
                total, objects = dump_costs(dump)
                results[listener.name]["per_request"].append(total / n)
                results[listener.name]["requests"] = n
                if rnd == args.rounds - 1:
                    grouped: dict[str, float] = {}
                    for obj, ir in objects.items():
                        key = object_group(obj)
                        grouped[key] = grouped.get(key, 0) + ir / n
                    results[listener.name]["objects"] = grouped
                if not args.keep_dumps:
                    dump.unlink()  # dumps are large; the numbers are kept
                progress.step(f"round {rnd + 1} {listener.name}: {total / n:,.0f} instr/request")
    finally:
        envoy.stop()
    by_route = {r: results[f"baseline{'' if r == 'upstream' else '_direct'}"] for r in ("upstream", "direct")}
    for listener in listeners:
        r = results[listener.name]
        r["median"] = statistics.median(r["per_request"])
        r["spread_pct"] = spread_pct(r["per_request"])
        base = statistics.median(by_route[listener.route]["per_request"])
        r["over_baseline"] = r["median"] - base
    return results


def lab_wait_new_file(directory: Path, before: set) -> Path:
    deadline = time.monotonic() + DUMP_TIMEOUT_S
    while time.monotonic() < deadline:
        new = [p for p in directory.iterdir() if p not in before]
        if new:
            path = new[0]
            # callgrind writes the file, then the totals line last.
            if "totals:" in path.read_text(errors="replace")[-200:]:
                return path
        time.sleep(0.05)
    raise TimeoutError("callgrind dump did not appear")


# ---------------------------------------------------------- the price list


def price_request(
    port: int, conn: http.client.HTTPConnection | None = None
) -> tuple[http.client.HTTPConnection, int | None]:
    """One request to a price listener on a keep-alive connection; the hits its
    filter reported."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
    conn.request("GET", REQUEST_PATH, headers=REQUEST_HEADERS)
    resp = conn.getresponse()
    body = resp.read()
    return conn, price_list.hits_of(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)


# Warm-up requests per price listener: its first request makes what Envoy and
# the filter make once (the hits check needs one); the rest count nothing new.
PRICE_WARMUP = 3


def measure_price_list(args, out: Path) -> dict:
    """The price list's Envoy under callgrind, measured as measure_instructions
    does (interleaved rounds, a dump per listener and round), after a check that
    every filter makes its N calls."""
    cg_dir = out / "callgrind-price"
    cg_dir.mkdir(parents=True, exist_ok=True)
    config = out / "price-envoy.json"
    languages = args.price_languages.split(",") if args.price_languages else None
    config.write_text(json.dumps(price_list.build(ADMIN, args.price_calls, languages), indent=1))
    # A dump per thread: the price is the worker's (see worker_dump).
    wrapper = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--separate-threads=yes",
        f"--callgrind-out-file={cg_dir}/cg.%p",
    ]
    print("[price] starting the price list's Envoy under callgrind (about 15 s)...", flush=True)
    envoy = processes.start_envoy(
        out,
        workers=WORKERS,
        config=config,
        admin_port=ADMIN,
        base_id=ports.BASE_ID["bench_price"],
        name="envoy-price",
        wrapper=wrapper,
        ready_timeout=180,
        extra_env={"GODEBUG": GODEBUG_CALLGRIND},
    )
    pid = str(envoy.proc.pid)
    listeners = price_list.listeners(args.price_calls, languages)
    measured: dict[str, list[float]] = {l.name: [] for l in listeners}
    # One keep-alive connection per listener, opened and warmed here and kept:
    # a dump zeroes callgrind's counters, so each listener's window is just its
    # requests, from the previous dump to its own (one callgrind_control per
    # listener; the -z before a round only clears what came before it).
    conns: dict[str, http.client.HTTPConnection] = {}
    try:
        run(["callgrind_control", "-i", "on", pid])
        for l in listeners:  # warm every path, and see each filter make its calls
            conn: http.client.HTTPConnection | None = None
            for _ in range(PRICE_WARMUP):
                conn, hits = price_request(l.port, conn)
                if hits != price_list.expected_hits(l):
                    raise RuntimeError(f"{l.name}: the filter reported {hits} of its {l.calls} calls done")
            assert conn is not None
            conns[l.name] = conn
        progress = Progress("price", args.price_rounds * len(listeners), planned_s(args, "price"))
        for rnd in range(args.price_rounds):
            run(["callgrind_control", "-z", pid])
            for l in listeners:
                for _ in range(args.price_requests):
                    price_request(l.port, conns[l.name])
                before = set(cg_dir.iterdir())
                run(["callgrind_control", "-d", f"{l.name}-r{rnd}", pid])
                total = worker_dump(cg_dir, before, args.keep_dumps)
                measured[l.name].append(total / args.price_requests)
                progress.step(f"round {rnd + 1} {l.name}: {total / args.price_requests:,.0f} instr/request")
    finally:
        for c in conns.values():
            c.close()
        envoy.stop()
    return {
        "calls": args.price_calls,
        "requests": args.price_requests,
        "rounds": args.price_rounds,
        "per_request": measured,
        "prices": price_list.prices(measured, args.price_calls),
    }


def worker_dump(directory: Path, before: set, keep: bool) -> int:
    """The instructions of Envoy's worker thread in the dump just asked for:
    of the per-thread files it wrote, the one with the most. The worker runs
    the requests and the filters' calls; the other threads' timers (the main
    thread's, the watchdogs') fire by the clock, so they would add to the
    longer 2N window and not to the N one. Go's runtime threads are left out
    with them: a callback that allocates nothing gives them no work."""
    deadline = time.monotonic() + DUMP_TIMEOUT_S
    settled: dict[Path, int] = {}
    while time.monotonic() < deadline:
        new = [p for p in directory.iterdir() if p not in before]
        done = [p for p in new if "totals:" in p.read_text(errors="replace")[-200:]]
        if done and len(done) == len(new) and len(done) == len(settled):
            break  # no file appeared or finished since the last look
        settled = {p: 0 for p in done}
        time.sleep(0.05)
    else:
        raise TimeoutError("callgrind dump did not appear")
    totals = {p: dump_costs(p)[0] for p in settled}
    if not keep:
        for p in settled:
            p.unlink()
    return max(totals.values())


def print_price_list(price: dict):
    print(f"price per call, instructions (N={price['calls']} vs {2 * price['calls']} calls; spread over rounds)")
    print(f"{'op':20}" + "".join(f"{lang:>18}" for lang in price_list.LANGUAGES))
    for op in price_list.OPS:
        row = price["prices"].get(op, {})
        cells = [
            f"{row[lang]['price']:>10,.0f} ({row[lang]['spread_pct']:.1f}%)" if lang in row else "-"
            for lang in price_list.LANGUAGES
        ]
        print(f"{op:20}" + "".join(f"{c:>18}" for c in cells))


# -------------------------------------------------------------------- load


def found(pattern: str, text: str) -> re.Match[str]:
    """The first match of pattern in a tool's output; a tool whose output lacks
    it fails the run with the output's end, instead of an AttributeError."""
    m = re.search(pattern, text)
    if m is None:
        raise RuntimeError(f"no {pattern!r} in:\n{text[-1500:]}")
    return m


def parse_duration_ms(text: str) -> float:
    m = found(r"^([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value if unit == "ms" else value * 1000


def wrk(port: int, seconds: float, connections: int) -> dict:
    headers = sum((["-H", f"{k}: {v}"] for k, v in REQUEST_HEADERS.items()), [])
    out = run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *headers,
            f"http://127.0.0.1:{port}{REQUEST_PATH}",
        ]
    )
    rps = float(found(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"port {port}: {errors.group(1)} non-2xx responses under load")
    return {"rps": rps, "p50_ms": parse_duration_ms(lat["50"]), "p99_ms": parse_duration_ms(lat["99"])}


PIN, pin = bench_config.PIN, bench_config.pin

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> dict:
    """A process's CPU time so far: utime+stime from /proc/<pid>/stat (clock
    ticks, all threads, exited ones included) and the sum of its threads'
    /proc/<pid>/task/*/schedstat run time (nanoseconds): the same quantity,
    counted exactly instead of sampled at each tick."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    ns = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):  # a thread that exited meanwhile
            ns += int((task / "schedstat").read_text().split()[0])
    return {"stat": ticks / CLK_TCK, "schedstat": ns / 1e9}


def thread_group(comm: str) -> str:
    """A thread's group in the per-thread split, by the name /proc gives it
    (comm, 15 characters at most): Envoy names its threads (wrk:worker_0, the
    watchdogs dog:..., grpc_global_tim...); the Go runtime's own threads
    (sysmon, the collector's workers, the scavenger) are unnamed and inherit
    the name of the thread that started them, Envoy's main thread
    (envoy-<version>) at module load. A trailing number is folded to N, so a
    group is one kind of thread."""
    return re.sub(r"\d+$", "N", comm.strip()) or "?"


def thread_cpu_ns(pid: int) -> dict[int, tuple[str, int]]:
    """Every live thread's name and schedstat run time (ns), by thread id."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):  # a thread that exited meanwhile
            tid = int(task.name)
            # The main thread apart: threads it starts without naming them (the
            # Go runtime's) carry its name, and are then that group alone.
            group = "main thread" if tid == pid else thread_group((task / "comm").read_text())
            threads[tid] = (group, int((task / "schedstat").read_text().split()[0]))
    return threads


def split_by_thread(before: dict, after: dict, requests: int) -> dict[str, float]:
    """CPU us per request of each thread group over a round. A thread started
    during the round counts from zero; one that ended is missing from `after`
    (its time is in the process's total, not in the split)."""
    groups: dict[str, float] = {}
    for tid, (group, ns) in after.items():
        delta = ns - before.get(tid, (group, 0))[1]
        if delta > 0:
            groups[group] = groups.get(group, 0.0) + delta / 1e3 / requests
    return groups


def hey(listener, seconds: float) -> dict:
    """hey at the listener's fixed rate: 4 workers with keep-alive
    connections, each at rate/4 requests per second."""
    workers = 4 if listener.rate >= 4 else 1
    headers = sum((["-H", f"{k}: {v}"] for k, v in REQUEST_HEADERS.items()), [])
    text = run(
        [
            *pin("client"),
            "hey",
            "-z",
            f"{seconds}s",
            "-c",
            str(workers),
            "-q",
            str(max(1, listener.rate // workers)),
            *headers,
            f"http://127.0.0.1:{listener.port}{listener.path}",
        ]
    )
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", text)}
    if set(codes) - {200} or "Error distribution" in text:
        raise RuntimeError(f"{listener.name}: not every answer was a 200: {codes}\n{text[-1500:]}")
    pct = {p: float(v) * 1000 for p, v in re.findall(r"(\d+)% in ([\d.]+) secs", text)}
    if not pct.get("99"):  # hey leaves out a percentile it has too few samples for
        pct["99"] = float(found(r"Slowest:\s+([\d.]+) secs", text).group(1)) * 1000
    achieved = float(found(r"Requests/sec:\s+([\d.]+)", text).group(1))
    return {"requests": codes.get(200, 0), "achieved_rps": achieved, "p50_ms": pct.get("50"), "p99_ms": pct.get("99")}


def measure_cpu(args, config: Path, out: Path, processor: processes.Process | None) -> dict:
    """CPU time per request at a fixed rate well below saturation: Envoy's (and
    the ext_proc server's) CPU time over a round divided by the requests served
    in it; every listener once per round, rounds interleaved."""
    envoy = processes.start_envoy(
        out, config=config, admin_port=ADMIN, base_id=BASE_ID, name="envoy-cpu", workers=WORKERS, wrapper=pin("envoy")
    )
    rounds: list[dict] = []
    try:
        for listener in LISTENERS:  # warm-up: connections, pools, V8, Lua states
            keepalive_requests(listener.port, requests_for(listener, 20), path=listener.path).close()
        progress = Progress("cpu", args.cpu_rounds * len(LISTENERS), planned_s(args, "cpu"))
        for rnd in range(args.cpu_rounds):
            this = {}
            for listener in LISTENERS:  # A B C ... A B C ...: drift hits all alike
                uses_processor = processor is not None and listener.language == "ext_proc"
                t0 = thread_cpu_ns(envoy.proc.pid)
                e0 = cpu_seconds(envoy.proc.pid)
                p0 = cpu_seconds(processor.proc.pid) if processor is not None and uses_processor else None
                r = hey(listener, args.cpu_seconds)
                e1 = cpu_seconds(envoy.proc.pid)
                t1 = thread_cpu_ns(envoy.proc.pid)
                n = max(1, r["requests"])
                r["threads_us"] = split_by_thread(t0, t1, n)
                r["envoy_us"] = (e1["schedstat"] - e0["schedstat"]) / n * 1e6
                r["envoy_stat_us"] = (e1["stat"] - e0["stat"]) / n * 1e6
                if uses_processor:
                    assert processor is not None and p0 is not None
                    p1 = cpu_seconds(processor.proc.pid)
                    r["processor_us"] = (p1["schedstat"] - p0["schedstat"]) / n * 1e6
                    r["processor_stat_us"] = (p1["stat"] - p0["stat"]) / n * 1e6
                r["total_us"] = r["envoy_us"] + r.get("processor_us", 0.0)
                this[listener.name] = r
                extra = f" + processor {r['processor_us']:.1f} us" if uses_processor else ""
                progress.step(
                    f"round {rnd + 1} {listener.name}: Envoy {r['envoy_us']:.1f} us/request{extra}, "
                    f"p99 {r['p99_ms']:.2f} ms"
                )
            rounds.append(this)
    finally:
        envoy.stop()
    results = {}
    for listener in LISTENERS:
        r = {"rate": listener.rate, "requests": [rd[listener.name]["requests"] for rd in rounds]}
        keys = ["envoy_us", "envoy_stat_us", "total_us", "p50_ms", "p99_ms", "achieved_rps"]
        if "processor_us" in rounds[0][listener.name]:
            keys += ["processor_us", "processor_stat_us"]
        for key in keys:
            r[key] = summary([rd[listener.name][key] for rd in rounds])
        r["spread_pct"] = iqr_pct(r["total_us"]["values"])
        r["minmax_pct"] = spread_pct(r["total_us"]["values"])
        # Envoy's CPU time per request by thread group, median over rounds (a
        # group absent from a round counts 0 there).
        groups = sorted({g for rd in rounds for g in rd[listener.name].get("threads_us", {})})
        r["threads_us"] = {
            g: statistics.median(rd[listener.name].get("threads_us", {}).get(g, 0.0) for rd in rounds) for g in groups
        }
        results[listener.name] = r
    return results


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure_memory(args, out: Path, processor: processes.Process | None) -> dict:
    full = bench_config.build(ADMIN)
    results = {}
    languages = ("none", "rust", "go", "cpp", "wasm", "ext_proc")
    progress = Progress("memory", len(languages))
    for language in languages:
        wanted = "baseline" if language == "none" else f"{language}_header_mutation"
        config = dict(full)
        config["static_resources"] = dict(full["static_resources"])
        config["static_resources"]["listeners"] = [
            l for l in full["static_resources"]["listeners"] if l["name"] == wanted
        ]
        path = out / f"memory-{language}.json"
        path.write_text(json.dumps(config))
        envoy = processes.start_envoy(
            out, config=path, admin_port=ADMIN, base_id=BASE_ID, name=f"envoy-mem-{language}", workers=WORKERS
        )
        try:
            time.sleep(1)
            idle = rss_kib(envoy.proc.pid)
            port = next(l.port for l in LISTENERS if l.name == wanted)
            wrk(port, args.load_seconds, args.connections)
            loaded = rss_kib(envoy.proc.pid)
        finally:
            envoy.stop()
        results[language] = {"idle_rss_kib": idle, "after_load_rss_kib": loaded}
        if language == "ext_proc" and processor is not None:
            results[language]["processor_rss_kib"] = rss_kib(processor.proc.pid)
        progress.step(f"{language}: idle {idle / 1024:.1f} MiB, after load {loaded / 1024:.1f} MiB")
    return results


# ----------------------------------------------------------------- targets


def targets(instr: dict) -> list[dict]:
    """Issue targets, judged on the direct-response route (module cost alone).
    A language's header_mutation cost is its passthrough+header_mutation
    listener minus its passthrough listener: the filter itself."""
    d = {name[: -len("_direct")]: r["over_baseline"] for name, r in instr.items() if name.endswith("_direct")}
    u = {name: r["over_baseline"] for name, r in instr.items() if f"{name}_direct" in instr}

    def hm(lang, suffix=""):
        return d[f"{lang}_header_mutation{suffix}"] - d[f"{lang}_passthrough"]

    rows = [
        ("Rust passthrough <= C++ passthrough (issue #28)", d["rust_passthrough"], d["cpp_passthrough"]),
        ("Rust passthrough <= C++, upstream route", u["rust_passthrough"], u["cpp_passthrough"]),
        ("Rust passthrough+header_mutation <= C++ (issue #28)", d["rust_header_mutation"], d["cpp_header_mutation"]),
        (
            "Rust passthrough+header_mutation <= C++, upstream route",
            u["rust_header_mutation"],
            u["cpp_header_mutation"],
        ),
        ("Rust header_mutation <= 1.3x built-in", hm("rust"), 1.3 * d["builtin_header_mutation"]),
        ("C++ header_mutation <= 1.3x built-in", hm("cpp"), 1.3 * d["builtin_header_mutation"]),
        ("Go passthrough <= 1.5x C++", d["go_passthrough"], 1.5 * d["cpp_passthrough"]),
        ("Go header_mutation_batched <= 1.2x C++ (issue #13)", hm("go", "_batched"), 1.2 * hm("cpp")),
        # The plain filter a reader would write: shown against the same limit,
        # not held to it (what the batch buys is the difference).
        ("Go header_mutation (plain) vs 1.2x C++, shown", hm("go"), 1.2 * hm("cpp")),
    ]
    for lang in ("rust", "go", "cpp"):
        rows.append(
            (f"{lang} passthrough+header_mutation under Lua", d[f"{lang}_header_mutation"], d["lua_header_mutation"])
        )
    return [
        {
            "target": t,
            "value": round(v),
            "limit": round(limit),
            "met": v <= limit,
            "over_by_pct": round((v / limit - 1) * 100, 1) if limit > 0 and v > limit else 0.0,
        }
        for t, v, limit in rows
    ]


# -------------------------------------------------------------------- main

# A run is published only if it can rank. Instruction counts of the header
# rows repeat within a fraction of a percent; a spread of 1% means something
# else ran inside Envoy. The body rows are held to their own limits, because
# part of their count is placed by things other than the request: Lua's
# collector, and Envoy's reads of a chunked 1 MiB stream, which follow arrival
# timing, fall unevenly into the measured windows. Callgrind counts that real
# cost wherever it lands. Lua's header rows too: its incremental collector runs
# every so many allocations, which moved them by 0.8% to 1.5% between rounds in
# runs here, while every other header row stayed under 0.5%. Go's body rows are
# held to issue #28's 10%: they make no garbage once warm (go/body_rewrite.go's
# scratchFree), so the collector no longer runs in their windows; when it did
# (a sync.Pool, which the collector empties), a round cost up to 20 times the
# others.
INSTR_SPREAD_MAX = 1.0
LUA_SPREAD_MAX = 2.5
BODY_SPREAD_MAX = 5.0
BODY_GO_SPREAD_MAX = 10.0
# CPU time per request is sampled on a shared machine: with a spread
# (interquartile range over rounds, of the median: one round hit by another
# process must not decide) over 25%, two contenders 15% apart could swap
# places, so a header row past it is marked noisy in the report and its CPU
# time ranks nothing. It no longer stops a run from being published: on this
# 2-core VM, quiet, the same row moved between 50 and 77 us per request from
# one 2 s window to the next (bimodal, whatever else the host ran), so three
# runs in four were refused for it while their instruction counts, which
# rank, repeated within 0.5%. The body rows' CPU time (a few dozen 1 MiB
# requests a round) is reported with its spread and not held to it.
CPU_SPREAD_MAX = 25.0
# Go's CPU rows are reported with their spread and not held to it: the time
# the Go runtime spends on its own threads (sysmon taking back the P a hook
# left bound to Envoy's worker, docs/BENCHMARK.md) follows the traffic's timing,
# so it moves more between 2 s rounds than a filter's own work (41 to 84 us
# per request for the same passthrough in one quiet run here, while every
# other header row stayed near 10%).
GO_CPU_SPREAD_MAX = None


def refusals(results: dict) -> list[str]:
    """Why this run cannot rank: an instruction spread at or over its limit."""
    out = []
    kinds = {l["name"]: (l["kind"], l["language"]) for l in results["listeners"]}
    for name, r in results["instructions"].items():
        kind, language = kinds[name]
        if kind == "headers":
            limit: float | None = LUA_SPREAD_MAX if language == "lua" else INSTR_SPREAD_MAX
        else:
            limit = BODY_GO_SPREAD_MAX if language == "go" else BODY_SPREAD_MAX
        if limit is not None and r["spread_pct"] >= limit:
            out.append(f"instruction-count spread {r['spread_pct']:.2f}% ({name}) is not under {limit}%")
    return out


def cpu_noisy(results: dict) -> list[str]:
    """The header rows whose CPU time is too noisy to rank (spread over the limit)."""
    if results["parameters"]["cpu_rounds"] < 2:
        return []
    kinds = {l["name"]: (l["kind"], l["language"]) for l in results["listeners"]}
    out = []
    for name, r in results["cpu"].items():
        kind, language = kinds[name]
        limit: float | None = GO_CPU_SPREAD_MAX if language == "go" else CPU_SPREAD_MAX
        if kind == "headers" and limit is not None and r["spread_pct"] > limit:
            out.append(name)
    return out


def go_module_version(module: str) -> str:
    """The version bench/contenders/ext_proc/go.mod pins."""
    for line in (HERE / "contenders" / "ext_proc" / "go.mod").read_text().splitlines():
        parts = line.split()
        if module in parts:
            return parts[parts.index(module) + 1]
    return "unknown"


def machine(args) -> dict:
    return {
        "cores": os.cpu_count(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "kernel": platform.release(),
        "envoy": version_of([processes.envoy_bin(), "--version"]).split("version: ")[-1],
        "rustc": version_of(["rustc", "--version"]),
        "go": version_of(["go", "version"]),
        "g++": version_of(["g++", "--version"]),
        "valgrind": version_of(["valgrind", "--version"]),
        "wrk": version_of(["wrk", "--version"]) if shutil.which("wrk") else "missing",
        "build_profiles": {
            "rust": "release (thin LTO, codegen-units=1, panic=unwind)",
            "go": "go build -buildmode=c-shared (default optimisation)",
            "cpp": "CMake Release (-O3), -fvisibility=hidden",
            "wasm": "cargo --release --target wasm32-wasip1 (fat LTO, opt-level 3, codegen-units=1, panic=abort)",
            "ext_proc": "go build (default optimisation)",
        },
        "proxy_wasm": "0.2.5",
        "wasm_build": "cargo build --release --target wasm32-wasip1",
        "wasm_runtime": "envoy.wasm.runtime.v8",
        "go_control_plane": go_module_version("github.com/envoyproxy/go-control-plane/envoy"),
    }


def print_instructions(instructions: dict, out: Path, price: dict | None = None) -> int:
    """--instructions-only: the table, and the numbers in results.json."""
    results: dict[str, Any] = {"schema": 1, "instructions": instructions}
    if price is not None:
        results["price_list"] = price
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"{'listener':36} {'instr/req':>12} {'over baseline':>14} {'in the .so':>11} {'spread':>8}")
    for name, r in instructions.items():
        module = sum(v for k, v in r["objects"].items() if k.endswith("_module.so"))
        print(
            f"{name:36} {r['median']:>12,.0f} {r['over_baseline']:>+14,.0f} {module:>11,.0f} {r['spread_pct']:>7.2f}%"
        )
    print(f"results: {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500, help="requests per listener per callgrind round")
    parser.add_argument("--rounds", type=int, default=2, help="callgrind rounds (each listener once per round)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--cpu-rounds", type=int, default=9, help="CPU-phase rounds (each listener once per round)")
    parser.add_argument("--cpu-seconds", type=int, default=2, help="seconds per listener per CPU round")
    parser.add_argument("--load-seconds", type=int, default=2, help="memory phase: wrk burst before the loaded RSS")
    parser.add_argument("--connections", type=int, default=16, help="memory phase: wrk connections")
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny N, one round of each")
    parser.add_argument(
        "--only",
        help="comma-separated listener names (each also with its _direct twin;"
        " the baselines always): instructions of a subset, for work on one contender",
    )
    parser.add_argument(
        "--instructions-only",
        action="store_true",
        help="skip the CPU and memory phases (their numbers depend on the machine's load);"
        " prints the instruction table, writes results.json, no report",
    )
    parser.add_argument(
        "--keep-dumps",
        action="store_true",
        help="keep the callgrind dumps (results dir/callgrind) for callgrind_annotate",
    )
    parser.add_argument(
        "--price-list",
        action="store_true",
        help="only the price list of the ABI (bench/price_list.py): prints its table, writes results.json;"
        " without this switch it runs after the instruction phase, unless --only names a subset",
    )
    parser.add_argument(
        "--price-calls", type=int, default=price_list.CALLS, help="price list: N (its listeners make N and 2N calls)"
    )
    parser.add_argument("--price-requests", type=int, default=20, help="price list: requests per listener and round")
    parser.add_argument("--price-rounds", type=int, default=3, help="price list: interleaved callgrind rounds")
    parser.add_argument(
        "--price-languages", help="price list: comma-separated languages (default all), for work on one of them"
    )
    parser.add_argument("--out", type=Path, help="results directory (default bench/results/<UTC time>)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds, args.warmup = 20, 1, 5
        args.cpu_rounds, args.cpu_seconds, args.load_seconds = 1, 1, 1
        args.price_requests, args.price_rounds, args.price_calls = 5, 1, 20
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (args.out or HERE / "results" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = out / "bench-envoy.json"
    config.write_text(json.dumps(bench_config.build(ADMIN), indent=1))

    # A `kill` (a CI timeout, a second shell) exits through the finally blocks
    # below, which stop Envoy, the upstream and ext_proc: left running, they
    # hold the ports the next run needs.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    started = time.monotonic()
    if args.price_list:  # no upstream, no ext_proc: the price listeners answer directly
        alone = measure_price_list(args, out)
        (out / "results.json").write_text(json.dumps({"schema": 1, "price_list": alone}, indent=1))
        print_price_list(alone)
        print(f"results: {out}")
        return 0
    upstream = servers.start_upstream(out)
    processor = None
    price: dict | None = None
    try:
        processor = bench_config.start_ext_proc(
            out, bench_config.lab_header_mutation(bench_config.load_lab()), "ext_proc"
        )
        instructions = measure_instructions(args, config, out)
        if not args.only:
            price = measure_price_list(args, out)
        if args.instructions_only:
            if price is not None:
                print_price_list(price)
            return print_instructions(instructions, out, price)
        cpu = measure_cpu(args, config, out, processor)
        memory = measure_memory(args, out, processor)
    finally:
        if processor is not None:
            processor.stop()
        upstream.stop()

    results = {
        "schema": 1,
        "created": stamp,
        "duration_s": round(time.monotonic() - started, 1),
        "machine": machine(args),
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "envoy_workers": WORKERS,
        # GODEBUG of the Envoy each phase measured (the Go module runs under it).
        "godebug": {
            "instructions": GODEBUG_CALLGRIND,
            "cpu": GODEBUG_NATIVE,
            "memory": GODEBUG_NATIVE,
        },
        "pinning": {"envoy": PIN.get("envoy"), "client": PIN.get("client")} if PIN else None,
        "body": {
            "text": bench_config.BODY_TEXT,
            "chunk": bench_config.BODY_CHUNK,
            "missing": bench_config.BODY_MISSING,
        },
        "thresholds": {
            "instructions_spread_pct": INSTR_SPREAD_MAX,
            "lua_instructions_spread_pct": LUA_SPREAD_MAX,
            "body_instructions_spread_pct": BODY_SPREAD_MAX,
            "go_body_instructions_spread_pct": BODY_GO_SPREAD_MAX,
            "cpu_spread_pct": CPU_SPREAD_MAX,
            "go_cpu_spread_pct": GO_CPU_SPREAD_MAX,
        },
        "listeners": [vars(l) for l in LISTENERS],
        "instructions": instructions,
        "price_list": price,
        "cpu": cpu,
        "memory": memory,
        "targets": targets(instructions),
    }
    noisy = cpu_noisy(results)
    results["cpu_noisy"] = noisy
    (out / "results.json").write_text(json.dumps(results, indent=1))
    import report  # matplotlib is imported only once there is something to draw

    report.write(results, out)
    print((out / "report.md").read_text())
    for name in noisy:
        spread = cpu[name]["spread_pct"]
        print(f"noisy: CPU-per-request spread {spread:.1f}% ({name}) is over {CPU_SPREAD_MAX}%: shown, not ranked")
    refused = refusals(results)
    if refused:
        for why in refused:
            print(f"not published: {why}")
        print("run again (on a quieter machine)")
        return 1
    if not args.quick and args.out is None:
        report.publish(results, out, HERE.parent)
    print(f"results: {out.relative_to(HERE.parent) if out.is_relative_to(HERE.parent) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
