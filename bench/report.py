"""Turns results.json into report.md and chart.png (and the README's table)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = [
    "baseline",
    "rust_passthrough",
    "go_passthrough",
    "cpp_passthrough",
    "rust_header_mutation",
    "go_header_mutation",
    "cpp_header_mutation",
    "builtin_header_mutation",
    "lua_header_mutation",
]
COLORS = {
    "none": "#999999",
    "rust": "#b7410e",
    "go": "#00add8",
    "cpp": "#00599c",
    "builtin": "#6a3d9a",
    "lua": "#2c7fb8",
}


def instructions_table(results: dict) -> str:
    instr = results["instructions"]
    lines = [
        "| listener | filters | upstream route: instr/req | over baseline | direct route: instr/req "
        "| over baseline | spread (max) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    filters = {l["name"]: l["filters"] for l in results["listeners"]}
    for name in ORDER:
        up, direct = instr[name], instr[f"{name}_direct"]
        spread = max(up["spread_pct"], direct["spread_pct"])
        lines.append(
            f"| {name} | {filters[name]} | {up['median']:,.0f} | {up['over_baseline']:+,.0f} "
            f"| {direct['median']:,.0f} | {direct['over_baseline']:+,.0f} | {spread:.2f}% |"
        )
    return "\n".join(lines)


def load_table(results: dict) -> str:
    load = results["load"]
    lines = [
        "| listener | route | req/s median (min-max) | vs baseline | p50 ms | p99 ms | p99 vs baseline |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in ORDER:
        for suffix, route in (("", "upstream"), ("_direct", "direct")):
            r = load[name + suffix]
            lines.append(
                f"| {name} | {route} | {r['rps']['median']:,.0f} ({r['rps']['min']:,.0f}-{r['rps']['max']:,.0f}) "
                f"| {r['rps_ratio']['median']:.3f} ({r['rps_ratio']['min']:.2f}-{r['rps_ratio']['max']:.2f}) "
                f"| {r['p50_ms']['median']:.3f} | {r['p99_ms']['median']:.3f} | {r['p99_ms_ratio']['median']:.2f} |"
            )
    return "\n".join(lines)


def fixed_rate_table(results: dict) -> str:
    lines = ["| listener | target req/s | achieved | p50 ms | p90 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    for name in ORDER:
        r = results["fixed_rate"][name]
        lines.append(
            f"| {name} | {r['rate']} | {r['achieved_rps']:,.0f} | {r['p50_ms']:.3f} "
            f"| {r['p90_ms']:.3f} | {r['p99_ms']:.3f} |"
        )
    return "\n".join(lines)


def memory_table(results: dict) -> str:
    lines = ["| module loaded | idle RSS MiB | after load MiB |", "|---|---:|---:|"]
    for lang, r in results["memory"].items():
        lines.append(f"| {lang} | {r['idle_rss_kib'] / 1024:.1f} | {r['after_load_rss_kib'] / 1024:.1f} |")
    return "\n".join(lines)


def objects_table(results: dict) -> str:
    lines = ["| listener (direct route) | in the module .so | in Envoy | system libraries |", "|---|---:|---:|---:|"]
    for name in ORDER[1:]:
        objects = results["instructions"][f"{name}_direct"]["objects"]
        module = sum(v for k, v in objects.items() if k.endswith("_module.so"))
        lines.append(
            f"| {name} | {module:,.0f} | {objects.get('envoy', 0):,.0f} | {objects.get('system libraries', 0):,.0f} |"
        )
    return "\n".join(lines)


def targets_table(results: dict) -> str:
    lines = ["| target | value | limit | met |", "|---|---:|---:|---|"]
    for t in results["targets"]:
        verdict = "yes" if t["met"] else f"**no**, over by {t['over_by_pct']}%"
        lines.append(f"| {t['target']} | {t['value']:,} | {t['limit']:,} | {verdict} |")
    missed = [t for t in results["targets"] if not t["met"]]
    if any(t["target"].startswith("Go passthrough") for t in missed):
        objects = results["instructions"]["go_passthrough_direct"]["objects"]
        in_go = objects.get("libgo_module.so", 0)
        extra = results["instructions"]["go_passthrough_direct"]["over_baseline"]
        lines.append(
            f"\nGo passthrough misses its target: of its {extra:,.0f} instructions over baseline, "
            f"{in_go:,.0f} run inside libgo_module.so, where passthrough has no code of its own: that is the "
            f"Go runtime entering and leaving Go from Envoy's C++ thread (cgo's crosscall2/cgocallback), paid "
            f"for each hook that enters Go. The rest is the same Envoy-side work Rust and C++ cause."
        )
    return "\n".join(lines)


def reading(results: dict) -> str:
    """A few sentences computed from the numbers, so they stay true on every run."""
    d = {n[: -len("_direct")]: r["over_baseline"] for n, r in results["instructions"].items() if n.endswith("_direct")}
    hm = {lang: d[f"{lang}_header_mutation"] - d[f"{lang}_passthrough"] for lang in ("rust", "go", "cpp")}
    rps = {n: r["rps_ratio"]["median"] for n, r in results["load"].items()}
    spreads = [r["rps_ratio"]["max"] - r["rps_ratio"]["min"] for r in results["load"].values()]
    return "\n".join(
        [
            f"- A module that does nothing costs Rust {d['rust_passthrough']:,.0f}, C++ {d['cpp_passthrough']:,.0f} and "
            f"Go {d['go_passthrough']:,.0f} instructions per request. Envoy calls about eight hooks per stream; "
            f"entering Go from Envoy's C++ thread (cgo) costs far more than a call into Rust or C++, so the Go "
            f"module answers the hooks a filter does not implement in C (go/stream_hooks.c) and enters Go only "
            f"for the others (passthrough: creation and destruction).",
            f"- The header_mutation filter itself (its listener minus passthrough) costs Rust {hm['rust']:,.0f}, "
            f"C++ {hm['cpp']:,.0f}, Go {hm['go']:,.0f}; Envoy's built-in filter does the same mutations for "
            f"{d['builtin_header_mutation']:,.0f} ({hm['rust'] / d['builtin_header_mutation']:.2f}x for Rust). "
            f"Most of a module's cost is Envoy's side of the callbacks, not code in the .so (see the per-object table).",
            f"- Lua costs {d['lua_header_mutation']:,.0f} for the same job: "
            f"{d['lua_header_mutation'] / min(d[f'{l}_header_mutation'] for l in ('rust', 'cpp', 'go')):.1f}x the "
            f"cheapest module with its passthrough.",
            f"- Under load the request-rate ratios move by up to {max(spreads):.2f} between rounds on this shared "
            f"2-core machine (e.g. rust_header_mutation {rps['rust_header_mutation']:.2f}, "
            f"go_header_mutation {rps['go_header_mutation']:.2f} of the baseline, upstream route): differences of a "
            f"few percent in throughput are noise here; the instruction counts are the comparison to trust.",
        ]
    )


def chart(results: dict, path: Path):
    instr = results["instructions"]
    names = ORDER[1:]
    langs = {l["name"]: l["language"] for l in results["listeners"]}
    fig, ax = plt.subplots(figsize=(10, 5.5))
    y = range(len(names))
    up = [instr[n]["over_baseline"] for n in names]
    direct = [instr[f"{n}_direct"]["over_baseline"] for n in names]
    colors = [COLORS[langs[n]] for n in names]
    ax.barh([i - 0.2 for i in y], direct, height=0.38, color=colors, label="direct response (module cost alone)")
    ax.barh([i + 0.2 for i in y], up, height=0.38, color=colors, alpha=0.45, label="via echo upstream")
    for i, (d, u) in enumerate(zip(direct, up, strict=True)):
        ax.text(d, i - 0.2, f" {d:,.0f}", va="center", fontsize=8)
        ax.text(u, i + 0.2, f" {u:,.0f}", va="center", fontsize=8, alpha=0.7)
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlabel("instructions per request over the no-module baseline (callgrind, lower is better)")
    base = instr["baseline_direct"]["median"]
    ax.set_title(
        f"What a filter costs per request in Envoy {results['machine']['envoy'].split('/')[1]} "
        f"(baseline: {base:,.0f} instr/req direct)"
    )
    ax.set_xlim(0, max(direct + up) * 1.15)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict, out: Path):
    m, p = results["machine"], results["parameters"]
    instr = results["instructions"]
    worst = max(r["spread_pct"] for r in instr.values())
    text = f"""# Benchmark {results["created"]}

## Method
- Envoy `{m["envoy"]}`, one worker (`--concurrency 1`), the config in `bench-envoy.json`: envoy.yaml's
  listeners 1063-1066 plus passthrough-only listeners per language, Envoy's built-in `header_mutation`
  and a Lua filter doing the same mutations, each also with a direct-response route (no upstream).
- **Instructions** (deterministic): Envoy under `valgrind --tool=callgrind`, instrumentation on after
  {p["warmup"]} warm-up requests per listener; per listener {p["requests"]} requests on one keep-alive
  connection between `callgrind_control -z` and `-d`; {p["rounds"]} interleaved rounds. Spread = (max-min)/median
  over rounds; worst here **{worst:.3f}%**.
- **Load**: wrk (Debian, C, one thread, {p["connections"]} connections, {p["load_seconds"]} s) in
  {p["load_rounds"]} interleaved rounds; every ratio is against the baseline of the same round and route.
  wrk because it is a native closed-loop generator with latency percentiles and low overhead on 2 cores.
- **Fixed rate**: hey (Debian) at {p["rate"]} req/s for {p["rate_seconds"]} s per listener, upstream route.
- **Memory**: VmRSS of an Envoy loading one language's module (one listener), idle and after a load burst.
- Go runtime: `GODEBUG={results.get("godebug", {}).get("instructions", "?")}` under callgrind (Go's
  asynchronous preemption signals make valgrind 3.19 assert), `GODEBUG={results.get("godebug", {}).get("load", "?")}`
  for load, fixed rate and memory.
- Machine: {m["cores"]} cores, {m["cpu"]}, Linux {m["kernel"]}; {m["rustc"]}; {m["go"]}; {m["g++"]}.
  Builds: Rust {m["build_profiles"]["rust"]}; Go {m["build_profiles"]["go"]}; C++ {m["build_profiles"]["cpp"]}.
- Run time {results["duration_s"]} s. Reproduce: `make bench`.

## Reading
{reading(results)}

## Instructions per request
{instructions_table(results)}

Where the instructions go (direct route, self cost per object, instructions per request):

{objects_table(results)}

## Targets
Judged on the direct route. A language's header_mutation cost is its passthrough+header_mutation
listener minus its passthrough listener.

{targets_table(results)}

## Under load
{load_table(results)}

## Fixed rate
{fixed_rate_table(results)}

## Memory
{memory_table(results)}
"""
    (out / "report.md").write_text(text)
    chart(results, out / "chart.png")


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def publish(results: dict, out: Path, root: Path):
    """Copies a full run's report and chart to bench/results/latest.* (committed)
    and puts its instruction table into the README between the bench markers."""
    latest = root / "bench" / "results"
    (latest / "latest.md").write_text((out / "report.md").read_text())
    (latest / "latest.png").write_bytes((out / "chart.png").read_bytes())
    readme = root / "README.md"
    text = readme.read_text()
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        block = (
            f"{README_START}\nFrom `make bench` on {results['created']} ({results['machine']['cores']} cores, "
            f"Envoy {results['machine']['envoy'].split('/')[1]}); full report: "
            f"[bench/results/latest.md](bench/results/latest.md).\n\n{instructions_table(results)}\n\n"
            f"![instructions per request over baseline](bench/results/latest.png)\n{README_END}"
        )
        readme.write_text(head + block + tail)


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    write(json.loads((directory / "results.json").read_text()), directory)
