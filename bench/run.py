"""make bench: what a dynamic module costs per request, per language, beside
Envoy's built-in header_mutation filter and Lua doing the same job.

Phases, all against one generated Envoy config (bench_config.py):
  1. instructions  Envoy under callgrind, one worker; per listener N requests on
                   one keep-alive connection, counted exactly; every listener
                   measured in each of R interleaved rounds.
  2. load          Envoy natively, one worker; wrk closed-loop rounds interleaved
                   over all listeners; ratios to the baseline of the same round.
  3. fixed rate    hey at a fixed request rate; latency percentiles.
  4. memory        RSS of an Envoy that loads one language's module (or none),
                   idle and after a load burst.
Then results.json, report.md and chart.png under bench/results/<UTC time>/.

It imports the lab from integration/: run it as `make bench`, which puts
integration/ and bench/ on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import bench_config
import lab
import ports
from bench_config import LISTENERS, REQUEST_HEADERS, REQUEST_PATH

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
GODEBUG_NATIVE = lab.GODEBUG
GODEBUG_CALLGRIND = f"{lab.GODEBUG},asyncpreemptoff=1"


# ------------------------------------------------------------------ helpers


class Progress:
    """One status line per step, with the time left estimated from the pace so far."""

    def __init__(self, phase: str, total: int):
        self.phase, self.total, self.done, self.started = phase, total, 0, time.monotonic()

    def step(self, what: str):
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        print(f"[{self.phase} {self.done}/{self.total}] {what}  (~{left:.0f}s left)", flush=True)


def run(argv: list[str], **kw) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def version_of(argv: list[str]) -> str:
    try:
        return run(argv).strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def keepalive_requests(port: int, n: int, conn: http.client.HTTPConnection | None = None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(n):
        conn.request("GET", REQUEST_PATH, headers=REQUEST_HEADERS)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"port {port} answered {resp.status}")
    return conn


def spread_pct(values: list[float]) -> float:
    med = statistics.median(values)
    return 0.0 if med == 0 else (max(values) - min(values)) / med * 100


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
    if "envoy" in name:
        return "envoy"
    return "system libraries"


def measure_instructions(args, config: Path, out: Path) -> dict:
    cg_dir = out / "callgrind"
    cg_dir.mkdir(parents=True, exist_ok=True)
    wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={cg_dir}/cg.%p"]
    print("[instructions] starting Envoy under callgrind (about 10 s)...", flush=True)
    envoy = lab.start_envoy(
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
    results = {l.name: {"per_request": [], "objects": {}} for l in LISTENERS}
    try:
        run(["callgrind_control", "-i", "on", pid])
        for listener in LISTENERS:  # warm every path: pools, caches, lazy init
            keepalive_requests(listener.port, args.warmup).close()
        progress = Progress("instructions", args.rounds * len(LISTENERS))
        for rnd in range(args.rounds):
            for listener in LISTENERS:
                conn = keepalive_requests(listener.port, 1)  # connected, warm
                run(["callgrind_control", "-z", pid])
                keepalive_requests(listener.port, args.requests, conn)
                before = set(cg_dir.iterdir())
                run(["callgrind_control", "-d", f"{listener.name}-r{rnd}", pid])
                conn.close()
                dump = lab_wait_new_file(cg_dir, before)
                total, objects = dump_costs(dump)
                results[listener.name]["per_request"].append(total / args.requests)
                if rnd == args.rounds - 1:
                    grouped: dict[str, float] = {}
                    for obj, ir in objects.items():
                        key = object_group(obj)
                        grouped[key] = grouped.get(key, 0) + ir / args.requests
                    results[listener.name]["objects"] = grouped
                dump.unlink()  # dumps are large; the numbers are kept
                progress.step(f"round {rnd + 1} {listener.name}: {total / args.requests:,.0f} instr/request")
    finally:
        envoy.stop()
    by_route = {l.route: results[f"baseline{'' if l.route == 'upstream' else '_direct'}"] for l in LISTENERS}
    for listener in LISTENERS:
        r = results[listener.name]
        r["median"] = statistics.median(r["per_request"])
        r["spread_pct"] = spread_pct(r["per_request"])
        base = statistics.median(by_route[listener.route]["per_request"])
        r["over_baseline"] = r["median"] - base
    return results


def lab_wait_new_file(directory: Path, before: set) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        new = [p for p in directory.iterdir() if p not in before]
        if new:
            path = new[0]
            # callgrind writes the file, then the totals line last.
            if "totals:" in path.read_text(errors="replace")[-200:]:
                return path
        time.sleep(0.05)
    raise TimeoutError("callgrind dump did not appear")


# -------------------------------------------------------------------- load


def parse_duration_ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
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
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"port {port}: {errors.group(1)} non-2xx responses under load")
    return {"rps": rps, "p50_ms": parse_duration_ms(lat["50"]), "p99_ms": parse_duration_ms(lat["99"])}


def measure_load(args, config: Path, out: Path) -> dict:
    envoy = lab.start_envoy(out, config=config, admin_port=ADMIN, base_id=BASE_ID, name="envoy-load", workers=WORKERS)
    rounds: list[dict] = []
    try:
        for listener in LISTENERS:
            wrk(listener.port, 1, args.connections)  # warm-up
        progress = Progress("load", args.load_rounds * len(LISTENERS))
        for rnd in range(args.load_rounds):
            this = {}
            for listener in LISTENERS:  # A B C ... A B C ...: drift hits all alike
                this[listener.name] = wrk(listener.port, args.load_seconds, args.connections)
                progress.step(f"round {rnd + 1} {listener.name}: {this[listener.name]['rps']:,.0f} req/s")
            rounds.append(this)
    finally:
        envoy.stop()
    results = {}
    for listener in LISTENERS:
        base = "baseline" if listener.route == "upstream" else "baseline_direct"
        r = {}
        for key in ("rps", "p50_ms", "p99_ms"):
            values = [rd[listener.name][key] for rd in rounds]
            ratios = [rd[listener.name][key] / rd[base][key] for rd in rounds]
            r[key] = summary(values)
            r[f"{key}_ratio"] = summary(ratios)
        results[listener.name] = r
    return results


def measure_fixed_rate(args, config: Path, out: Path) -> dict:
    envoy = lab.start_envoy(out, config=config, admin_port=ADMIN, base_id=BASE_ID, name="envoy-rate", workers=WORKERS)
    results = {}
    workers = 4
    targets = [l for l in LISTENERS if l.route == "upstream"]
    progress = Progress("fixed rate", len(targets))
    try:
        for listener in targets:
            headers = sum((["-H", f"{k}: {v}"] for k, v in REQUEST_HEADERS.items()), [])
            text = run(
                [
                    "hey",
                    "-z",
                    f"{args.rate_seconds}s",
                    "-c",
                    str(workers),
                    "-q",
                    str(args.rate // workers),
                    *headers,
                    f"http://127.0.0.1:{listener.port}{REQUEST_PATH}",
                ]
            )
            pct = {p: float(v) * 1000 for p, v in re.findall(r"(\d+)% in ([\d.]+) secs", text)}
            achieved = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
            results[listener.name] = {
                "rate": args.rate,
                "achieved_rps": achieved,
                "p50_ms": pct.get("50"),
                "p90_ms": pct.get("90"),
                "p99_ms": pct.get("99"),
            }
            progress.step(f"{listener.name}: p50 {pct.get('50', 0):.3f} ms p99 {pct.get('99', 0):.3f} ms")
    finally:
        envoy.stop()
    return results


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure_memory(args, out: Path) -> dict:
    full = bench_config.build(ADMIN)
    results = {}
    for language in ("none", "rust", "go", "cpp"):
        wanted = "baseline" if language == "none" else f"{language}_header_mutation"
        config = dict(full)
        config["static_resources"] = dict(full["static_resources"])
        config["static_resources"]["listeners"] = [
            l for l in full["static_resources"]["listeners"] if l["name"] == wanted
        ]
        path = out / f"memory-{language}.json"
        path.write_text(json.dumps(config))
        envoy = lab.start_envoy(
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
        print(f"[memory] {language}: idle {idle / 1024:.1f} MiB, after load {loaded / 1024:.1f} MiB", flush=True)
    return results


# ----------------------------------------------------------------- targets


def targets(instr: dict) -> list[dict]:
    """Issue targets, judged on the direct-response route (module cost alone).
    A language's header_mutation cost is its passthrough+header_mutation
    listener minus its passthrough listener: the filter itself."""
    d = {name[: -len("_direct")]: r["over_baseline"] for name, r in instr.items() if name.endswith("_direct")}

    def hm(lang):
        return d[f"{lang}_header_mutation"] - d[f"{lang}_passthrough"]

    rows = [
        ("Rust passthrough within 5% of C++ passthrough", d["rust_passthrough"], 1.05 * d["cpp_passthrough"]),
        ("Rust header_mutation <= 1.3x built-in", hm("rust"), 1.3 * d["builtin_header_mutation"]),
        ("C++ header_mutation <= 1.3x built-in", hm("cpp"), 1.3 * d["builtin_header_mutation"]),
        ("Go passthrough <= 1.5x C++", d["go_passthrough"], 1.5 * d["cpp_passthrough"]),
        ("Go header_mutation <= 1.5x C++", hm("go"), 1.5 * hm("cpp")),
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
        "envoy": version_of([lab.envoy_bin(), "--version"]).split("version: ")[-1],
        "rustc": version_of(["rustc", "--version"]),
        "go": version_of(["go", "version"]),
        "g++": version_of(["g++", "--version"]),
        "valgrind": version_of(["valgrind", "--version"]),
        "wrk": version_of(["wrk", "--version"]) if shutil.which("wrk") else "missing",
        "build_profiles": {
            "rust": "release (thin LTO, codegen-units=1, panic=unwind)",
            "go": "go build -buildmode=c-shared (default optimisation)",
            "cpp": "CMake Release (-O3), -fvisibility=hidden",
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500, help="requests per listener per callgrind round")
    parser.add_argument("--rounds", type=int, default=2, help="callgrind rounds (each listener once per round)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--load-rounds", type=int, default=5)
    parser.add_argument("--load-seconds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=1000, help="fixed-rate mode: requests per second")
    parser.add_argument("--rate-seconds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny N, one round of each")
    parser.add_argument("--out", type=Path, help="results directory (default bench/results/<UTC time>)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds, args.warmup = 20, 1, 5
        args.load_rounds, args.load_seconds, args.rate_seconds, args.rate = 1, 1, 1, 200
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (args.out or HERE / "results" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = out / "bench-envoy.json"
    config.write_text(json.dumps(bench_config.build(ADMIN), indent=1))

    started = time.monotonic()
    upstream = lab.start_upstream(out)
    try:
        instructions = measure_instructions(args, config, out)
        load = measure_load(args, config, out)
        fixed = measure_fixed_rate(args, config, out)
        memory = measure_memory(args, out)
    finally:
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
            "load": GODEBUG_NATIVE,
            "fixed_rate": GODEBUG_NATIVE,
            "memory": GODEBUG_NATIVE,
        },
        "listeners": [vars(l) for l in LISTENERS],
        "instructions": instructions,
        "load": load,
        "fixed_rate": fixed,
        "memory": memory,
        "targets": targets(instructions),
    }
    (out / "results.json").write_text(json.dumps(results, indent=1))
    import report  # matplotlib is imported only once there is something to draw

    report.write(results, out)
    print((out / "report.md").read_text())
    worst = max(r["spread_pct"] for r in instructions.values())
    if worst >= 1.0:
        # Instruction counts repeat within a fraction of a percent; a wider
        # spread means something else ran inside Envoy. Do not publish it.
        print(f"instruction-count spread {worst:.2f}% is not under 1%: not published; run again")
        return 1
    if not args.quick and args.out is None:
        report.publish(results, out, HERE.parent)
    print(f"results: {out.relative_to(HERE.parent) if out.is_relative_to(HERE.parent) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
