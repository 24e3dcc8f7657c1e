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
    "go_header_mutation_batched",
    "cpp_header_mutation",
    "builtin_header_mutation",
    "lua_header_mutation",
    "wasm_header_mutation",
    "ext_proc_header_mutation",
    # A guard alone and with its sentinel (docs/SECURITY.md).
    "rust_header_auth",
    "rust_header_auth_sentinel",
]
# The header_mutation contenders, one per way of extending Envoy.
CONTENDERS = [
    ("Rust dynamic module", "rust_header_mutation"),
    ("C++ dynamic module", "cpp_header_mutation"),
    ("Go dynamic module", "go_header_mutation"),
    ("Go dynamic module, C batch", "go_header_mutation_batched"),
    ("built-in header_mutation", "builtin_header_mutation"),
    ("Lua", "lua_header_mutation"),
    ("Wasm (proxy-wasm, V8)", "wasm_header_mutation"),
    ("ext_proc (Go gRPC server)", "ext_proc_header_mutation"),
]
COLORS = {
    "none": "#999999",
    "rust": "#b7410e",
    "go": "#00add8",
    "cpp": "#00599c",
    "builtin": "#6a3d9a",
    "lua": "#2c7fb8",
    "wasm": "#654ff0",
    "ext_proc": "#33a02c",
}


def cpu_cell(r: dict, key: str = "total_us") -> str:
    v = r[key]
    return f"{v['median']:.1f} ({v['min']:.1f}-{v['max']:.1f})"


def contenders_table(results: dict) -> str:
    """Every way of extending Envoy doing the same header_mutation, side by side."""
    instr, cpu = results["instructions"], results["cpu"]
    base = {"": cpu["baseline"]["envoy_us"]["median"], "_direct": cpu["baseline_direct"]["envoy_us"]["median"]}
    lines = [
        "| contender | instr/req over baseline, direct | over baseline, upstream | CPU us/req, upstream "
        "median (min-max) | over baseline | CPU us/req, direct | over baseline | p50 / p99 ms at the fixed rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| baseline (router only) | 0 ({instr['baseline_direct']['median']:,.0f} total) "
        f"| 0 ({instr['baseline']['median']:,.0f} total) | {cpu_cell(cpu['baseline'])} | 0 "
        f"| {cpu_cell(cpu['baseline_direct'])} | 0 | {cpu['baseline']['p50_ms']['median']:.2f} / "
        f"{cpu['baseline']['p99_ms']['median']:.2f} |",
    ]
    for label, name in CONTENDERS:
        up, direct = cpu[name], cpu[f"{name}_direct"]
        note = ""
        if "processor_us" in up:
            note = (
                f" (Envoy {up['envoy_us']['median']:.1f} + processor {up['processor_us']['median']:.1f}; "
                f"direct: Envoy {direct['envoy_us']['median']:.1f} + processor {direct['processor_us']['median']:.1f})"
            )
        lines.append(
            f"| {label} | {instr[f'{name}_direct']['over_baseline']:+,.0f} | {instr[name]['over_baseline']:+,.0f} "
            f"| {cpu_cell(up)}{note} | {up['total_us']['median'] - base['']:+.1f} | {cpu_cell(direct)} "
            f"| {direct['total_us']['median'] - base['_direct']:+.1f} "
            f"| {up['p50_ms']['median']:.2f} / {up['p99_ms']['median']:.2f} |"
        )
    return "\n".join(lines)


def instructions_table(results: dict) -> str:
    instr = results["instructions"]
    lines = [
        "| listener | filters | upstream route: instr/req | over baseline | direct route: instr/req "
        "| over baseline | spread (max) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    filters = {l["name"]: l["filters"] for l in results["listeners"]}
    for name in ORDER:  # the body rows have their own table
        up, direct = instr[name], instr[f"{name}_direct"]
        spread = max(up["spread_pct"], direct["spread_pct"])
        lines.append(
            f"| {name} | {filters[name]} | {up['median']:,.0f} | {up['over_baseline']:+,.0f} "
            f"| {direct['median']:,.0f} | {direct['over_baseline']:+,.0f} | {spread:.2f}% |"
        )
    return "\n".join(lines)


def cpu_table(results: dict) -> str:
    lines = [
        "| listener | route | req/s (target / achieved) | Envoy CPU us/req median (min-max) | processor us/req "
        "| sum | spread (IQR / max-min) | Envoy, from /proc/pid/stat | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    noisy = set(results.get("cpu_noisy", []))
    for name in ORDER:
        for suffix, route in (("", "upstream"), ("_direct", "direct")):
            r = results["cpu"][name + suffix]
            proc = cpu_cell(r, "processor_us") if "processor_us" in r else "-"
            mark = " **noisy**" if name + suffix in noisy else ""
            lines.append(
                f"| {name} | {route} | {r['rate']} / {r['achieved_rps']['median']:,.0f} | {cpu_cell(r, 'envoy_us')} "
                f"| {proc} | {r['total_us']['median']:.1f} | {r['spread_pct']:.1f}%{mark} / {r.get('minmax_pct', 0):.0f}% "
                f"| {r['envoy_stat_us']['median']:.1f} | {r['p50_ms']['median']:.2f} | {r['p99_ms']['median']:.2f} |"
            )
    return "\n".join(lines)


def threads_table(results: dict) -> str:
    """Envoy's CPU time per request split by thread (median over rounds): the
    worker runs the filters; whatever else the modules' runtimes do (the Go
    runtime's sysmon, collector and scavenger threads, unnamed, carry the name
    of the thread that started them) shows in the other columns."""
    cpu = results["cpu"]
    totals: dict[str, float] = {}
    for r in cpu.values():
        for group, us in r.get("threads_us", {}).items():
            totals[group] = totals.get(group, 0.0) + us
    if not totals:
        return "(no per-thread numbers in this run)"
    shown = sorted(totals, key=lambda g: -totals[g])[:6]
    lines = [
        "| listener | " + " | ".join(f"`{g}`" for g in shown) + " | other threads | sum of threads | Envoy total |",
        "|---|" + "---:|" * (len(shown) + 3),
    ]
    for name, r in cpu.items():
        split = r.get("threads_us", {})
        other = sum(us for g, us in split.items() if g not in shown)
        cells = " | ".join(f"{split.get(g, 0.0):.1f}" for g in shown)
        lines.append(f"| {name} | {cells} | {other:.1f} | {sum(split.values()):.1f} | {r['envoy_us']['median']:.1f} |")
    return "\n".join(lines)


def body_table(results: dict) -> str:
    names = [l["name"] for l in results["listeners"] if l.get("kind") == "body"]
    if not names:
        return "No body rows in this run."
    instr, cpu = results["instructions"], results["cpu"]
    lines = [
        "| listener | response | instr/req | spread | CPU us/req median (min-max) | CPU spread | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        size = "64 KiB" if name.endswith("_64k") else "1 MiB"
        i, c = instr[name], cpu[name]
        lines.append(
            f"| {name} | {size} | {i['median']:,.0f} | {i['spread_pct']:.2f}% | {cpu_cell(c, 'envoy_us')} "
            f"| {c['spread_pct']:.1f}% | {c['p50_ms']['median']:.2f} | {c['p99_ms']['median']:.2f} |"
        )
    missing = results.get("body", {}).get("missing", [])
    if missing:
        lines.append(
            f"\nNo row for {', '.join(missing)}: envoy.yaml has no body_rewrite listener for "
            f"{'that language' if len(missing) == 1 else 'those languages'} in this tree."
        )
    return "\n".join(lines)


def memory_table(results: dict) -> str:
    lines = [
        "| contender loaded | Envoy idle RSS MiB | Envoy after load MiB | processor RSS MiB |",
        "|---|---:|---:|---:|",
    ]
    for lang, r in results["memory"].items():
        proc = f"{r['processor_rss_kib'] / 1024:.1f}" if "processor_rss_kib" in r else "-"
        lines.append(f"| {lang} | {r['idle_rss_kib'] / 1024:.1f} | {r['after_load_rss_kib'] / 1024:.1f} | {proc} |")
    return "\n".join(lines)


def objects_table(results: dict) -> str:
    lines = [
        "| listener (direct route) | in the module .so | in Envoy (V8 and Lua are linked in) | JIT code | system libraries |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ORDER[1:]:
        objects = results["instructions"][f"{name}_direct"]["objects"]
        module = sum(v for k, v in objects.items() if k.endswith("_module.so"))
        lines.append(
            f"| {name} | {module:,.0f} | {objects.get('envoy', 0):,.0f} | {objects.get('JIT / anonymous code', 0):,.0f} "
            f"| {objects.get('system libraries', 0):,.0f} |"
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
    batched = d["go_header_mutation_batched"] - d["go_passthrough"]
    cpu = results["cpu"]
    base = cpu["baseline"]["total_us"]["median"]
    over = {label: cpu[name]["total_us"]["median"] - base for label, name in CONTENDERS}
    ranked = sorted(over, key=over.__getitem__)
    ep = cpu["ext_proc_header_mutation"]
    lines = [
        f"- A module that does nothing costs Rust {d['rust_passthrough']:,.0f}, C++ {d['cpp_passthrough']:,.0f} and "
        f"Go {d['go_passthrough']:,.0f} instructions per request; the Go module answers the hooks a filter does not "
        f"implement in C (go/sdk/hooks.c) and enters Go only for the others.",
        f"- The header_mutation filter itself (its listener minus passthrough) costs Rust {hm['rust']:,.0f}, "
        f"C++ {hm['cpp']:,.0f}, Go {hm['go']:,.0f} ({hm['go'] / hm['cpp']:.2f}x C++: a cgo crossing per header "
        f"change, and the Go runtime's own threads), Go batched {batched:,.0f} ({batched / hm['cpp']:.2f}x C++: on a "
        f"route without an override its batches run in the hooks' C half and the request never enters Go); "
        f"Envoy's built-in filter does the same for {d['builtin_header_mutation']:,.0f} "
        f"({hm['rust'] / d['builtin_header_mutation']:.2f}x for Rust).",
        f"- Instructions over baseline with passthrough included, direct route: Rust {d['rust_header_mutation']:,.0f}, "
        f"C++ {d['cpp_header_mutation']:,.0f}, Go {d['go_header_mutation']:,.0f}, built-in "
        f"{d['builtin_header_mutation']:,.0f}, Lua {d['lua_header_mutation']:,.0f}, Wasm {d['wasm_header_mutation']:,.0f}, "
        f"ext_proc {d['ext_proc_header_mutation']:,.0f} in Envoy alone (plus the processor's own CPU).",
        f"- CPU time per request at {cpu['baseline']['rate']} req/s (upstream route, over the baseline's "
        f"{base:.1f} us), cheapest first: " + ", ".join(f"{k} {over[k]:+.1f} us" for k in ranked) + ". "
        f"ext_proc costs Envoy {ep['envoy_us']['median']:.1f} us and its processor {ep['processor_us']['median']:.1f} us "
        f"per request: the gRPC round trip on both sides, twice per request.",
    ]
    go_cpu = {n: cpu[n]["total_us"]["median"] - base for n in ("go_header_mutation_batched", "go_header_mutation")}
    cpp_cpu = cpu["cpp_header_mutation"]["total_us"]["median"] - base
    # A ratio of two differences is only as good as the baseline under both:
    # C++'s cost must stand clear of the baseline's own interquartile range.
    base_iqr = cpu["baseline"]["spread_pct"] / 100 * base
    why = (
        "What plain Go spends beyond C++ runs on the Go runtime's own threads (the per-thread table): sysmon "
        "taking back the P each hook leaves bound to Envoy's worker, which no module setting prevents "
        "(docs/BENCHMARK.md); the batched filter never enters Go."
    )
    if cpp_cpu > base_iqr:
        lines.append(
            f"- Go's CPU time over the baseline against C++'s, upstream route (issue #28: at most 1.5x): batched "
            f"{go_cpu['go_header_mutation_batched'] / cpp_cpu:.2f}x, plain {go_cpu['go_header_mutation'] / cpp_cpu:.2f}x "
            f"(C++ {cpp_cpu:+.1f} us, the baseline's spread {base_iqr:.1f} us). {why}"
        )
    else:
        lines.append(
            f"- Go's CPU time over the baseline against C++'s (issue #28: at most 1.5x) is not decided by this run: "
            f"C++'s {cpp_cpu:+.1f} us over the baseline is within the baseline's own spread ({base_iqr:.1f} us); "
            f"over the baseline, batched Go {go_cpu['go_header_mutation_batched']:+.1f} us, plain "
            f"{go_cpu['go_header_mutation']:+.1f} us. {why}"
        )
    body = [l["name"] for l in results["listeners"] if l.get("kind") == "body"]
    if body:
        instr = results["instructions"]
        for size, label in (("64k", "64 KiB"), ("1m", "1 MiB")):
            rows = {n.split("_")[0]: instr[n] for n in body if n.endswith(f"_{size}")}
            if "rust" not in rows:
                continue
            rust = rows["rust"]["median"]
            parts = []
            for lang, r in rows.items():
                # A row whose rounds disagree (something else ran in one
                # window and not the other) shows its range, not a median.
                low, high = min(r["per_request"]), max(r["per_request"])
                if r["spread_pct"] > 5:
                    parts.append(
                        f"{lang} {low / 1e6:.2f}M-{high / 1e6:.2f}M ({low / rust:.2f}x-{high / rust:.2f}x Rust, "
                        f"rounds {r['spread_pct']:.0f}% apart)"
                    )
                else:
                    parts.append(f"{lang} {r['median'] / 1e6:.2f}M ({r['median'] / rust:.2f}x Rust)")
            lines.append(
                f"- Rewriting a {label} response (instructions per request, Envoy included): " + ", ".join(parts) + "."
            )
        lines.append(
            "- The body rows are where the language shows: every chunk crosses the ABI (read in place, drained, "
            "the rewrite appended), Go pays a cgo crossing for each of those and builds its output in "
            "Go memory it keeps from stream to stream, so it leaves no garbage. Lua is the anchor: it buffers the whole body and runs "
            "string.gsub once, where the modules stream it holding back only what a split match needs."
        )
    lines.append(
        "- CPU time is sampled on a shared 2-core machine: where two contenders' medians are closer than "
        "their spreads, the CPU column does not rank them; the instruction counts do."
    )
    return "\n".join(lines)


def price_cell(row: dict, lang: str) -> str:
    if lang not in row:
        return "-"
    r = row[lang]
    return f"{r['price']:,.0f} ({r['spread_pct']:.1f}%)"


def price_table(results: dict) -> str:
    """op x language: instructions per call, with the spread over rounds."""
    import price_list

    price = results.get("price_list")
    if not price:
        return "Not measured in this run (`--only` skips it; `--price-list` runs it alone)."
    lines = [
        "| op | what each call does | Rust | Go | C++ | Lua |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for op in price_list.OPS:
        row = price["prices"].get(op, {})
        cells = " | ".join(price_cell(row, lang) for lang in price_list.LANGUAGES)
        lines.append(f"| `{op}` | {price_list.DOES[op]} | {cells} |")
    return "\n".join(lines)


def price_method(results: dict) -> str:
    """The price list's method and reading, written from the numbers."""
    import price_list

    price = results.get("price_list")
    if not price:
        return ""
    table = price["prices"]
    n = price["calls"]

    def of(lang: str) -> dict[str, float]:
        return {op: row[lang]["price"] for op, row in table.items() if lang in row}

    rust, go, cpp, lua = (of(lang) for lang in price_list.LANGUAGES)
    shared = [op for op in price_list.OPS if op in rust and op in go and op in cpp]
    worst = max((r["spread_pct"] for row in table.values() for l, r in row.items() if l != "lua"), default=0.0)
    worst_lua = max((row["lua"]["spread_pct"] for row in table.values() if "lua" in row), default=0.0)
    text = (
        f'Each language\'s bench-only filter `callback_price` (config `{{"op": ..., "calls": N}}`) makes one '
        f"callback N times per request and otherwise passes it through; the Lua anchor is a Lua filter doing the "
        f"same operation the same number of times. Every (language, op) has two listeners, {n} and {2 * n} calls, "
        f"on a direct-response route of the price list's own Envoy (`price-envoy.json`, one worker, under "
        f"callgrind as above). Per listener {price['requests']} requests on one keep-alive connection between "
        f"`callgrind_control -z` and `-d`, {price['rounds']} interleaved rounds, after a check that every filter "
        f"reports its {n} or {2 * n} calls done. Counted: the instructions of Envoy's worker thread "
        f"(`--separate-threads=yes`), which runs the requests and the calls; the other threads' timers fire by "
        f"the clock and would land in the longer window only. Price per call = (I({2 * n}) - I({n})) / {n}, I "
        f"being instructions per request: the rest of the request, the module's own per-stream work and the "
        f"filter's constant work cancel. Spread = (max-min)/median of the per-round prices; worst module here "
        f"{worst:.1f}%: the windows' other work moves by a few hundred instructions per request between rounds, "
        f"a few instructions per call at N={n}, which is large only beside the cheapest calls. Lua's worst "
        f"{worst_lua:.1f}%: its collector runs every so many allocations, in some windows and not others."
    )
    notes = []
    if shared:
        extra = sorted(shared, key=lambda op: go[op] - rust[op])
        mid, low, high = extra[len(extra) // 2], extra[0], extra[-1]
        notes.append(
            f"Go pays {go[mid] - rust[mid]:,.0f} instructions more than Rust for the median op "
            f"(from {go[low] - rust[low]:+,.0f} on `{low}` to {go[high] - rust[high]:+,.0f} on `{high}`): the cgo "
            f"crossing each call makes. Rust and C++ are within "
            f"{max(abs(rust[op] - cpp[op]) for op in shared):,.0f} instructions of each other on every op."
        )
        cheap = min(shared, key=rust.__getitem__)
        dear = max(shared, key=rust.__getitem__)
        notes.append(
            f"In Rust the cheapest call is `{cheap}` ({rust[cheap]:,.0f}), the dearest `{dear}` ({rust[dear]:,.0f}): "
            f"what Envoy does behind the call, not the crossing, sets the price."
        )
    with_lua = [op for op in price_list.OPS if op in lua and op in rust]
    if with_lua:
        ratios = sorted(lua[op] / rust[op] for op in with_lua if rust[op] > 0)
        notes.append(
            f"Lua, for the {len(with_lua)} ops it has, costs {ratios[0]:.1f}x to {ratios[-1]:.1f}x Rust per call."
        )
    return text + "\n\n" + "\n".join(f"- {note}" for note in notes)


def chart(results: dict, path: Path):
    """One chart, every contender: instructions (left) and CPU time (right) over the baseline."""
    instr, cpu = results["instructions"], results["cpu"]
    names = ORDER[1:]
    langs = {l["name"]: l["language"] for l in results["listeners"]}
    colors = [COLORS[langs[n]] for n in names]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(14, 6), sharey=True)
    y = list(range(len(names)))
    up = [instr[n]["over_baseline"] for n in names]
    direct = [instr[f"{n}_direct"]["over_baseline"] for n in names]
    ax.barh([i - 0.2 for i in y], direct, height=0.38, color=colors, label="direct response")
    ax.barh([i + 0.2 for i in y], up, height=0.38, color=colors, alpha=0.45, label="via echo upstream")
    for i, (dv, uv) in enumerate(zip(direct, up, strict=True)):
        ax.text(dv, i - 0.2, f" {dv:,.0f}", va="center", fontsize=7)
        ax.text(uv, i + 0.2, f" {uv:,.0f}", va="center", fontsize=7, alpha=0.7)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("instructions per request over baseline (callgrind; Envoy only)")
    ax.set_xlim(0, max(direct + up) * 1.2)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)

    base = cpu["baseline"]["envoy_us"]["median"]
    env = [cpu[n]["envoy_us"]["median"] - base for n in names]
    proc = [cpu[n]["processor_us"]["median"] if "processor_us" in cpu[n] else 0 for n in names]
    lo = [cpu[n]["total_us"]["median"] - cpu[n]["total_us"]["min"] for n in names]
    hi = [cpu[n]["total_us"]["max"] - cpu[n]["total_us"]["median"] for n in names]
    bx.barh(y, env, color=colors, label="Envoy")
    bx.barh(y, proc, left=env, color=colors, alpha=0.4, hatch="//", label="ext_proc server")
    tot = [e + p for e, p in zip(env, proc, strict=True)]
    bx.errorbar(tot, y, xerr=[lo, hi], fmt="none", ecolor="black", capsize=3, lw=0.8)
    for i, t in enumerate(tot):
        bx.text(max(t, 0) + hi[i], i, f" {t:+.1f}", va="center", fontsize=7)
    bx.axvline(0, color="black", lw=0.6)
    bx.set_xlabel(
        f"CPU us per request over baseline ({base:.1f} us) at {cpu['baseline']['rate']} req/s, upstream route"
    )
    bx.set_xlim(min(0, min(tot) - max(lo)) * 1.2, max(t + h for t, h in zip(tot, hi, strict=True)) * 1.2)
    bx.legend(loc="upper right", fontsize=8)
    bx.grid(axis="x", alpha=0.3)
    fig.suptitle(
        f"What each way of extending Envoy {results['machine']['envoy'].split('/')[1]} costs per request "
        f"(same header_mutation; bars: medians, whiskers: min-max over rounds)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict, out: Path):
    m, p = results["machine"], results["parameters"]
    instr = results["instructions"]
    worst = max(r["spread_pct"] for r in instr.values())
    kinds = {l["name"]: (l["kind"], l["language"]) for l in results["listeners"]}
    worst_cpu = max(
        r["spread_pct"] for n, r in results["cpu"].items() if kinds[n][0] == "headers" and kinds[n][1] != "go"
    )
    worst_go_cpu = max(
        (r["spread_pct"] for n, r in results["cpu"].items() if kinds[n][0] == "headers" and kinds[n][1] == "go"),
        default=0,
    )
    worst = max(r["spread_pct"] for n, r in instr.items() if kinds[n][0] == "headers")
    worst_body = max(
        (r["spread_pct"] for n, r in instr.items() if kinds[n][0] == "body" and kinds[n][1] != "go"), default=0
    )
    worst_go_body = max((r["spread_pct"] for n, r in instr.items() if kinds[n] == ("body", "go")), default=0.0)
    th = results["thresholds"]
    pin = results.get("pinning")
    pinned = (
        f"Envoy pinned to core {pin['envoy']} and hey and the ext_proc server to core {pin['client']} (`taskset -c`)"
        if pin
        else "nothing pinned (one core, or no taskset)"
    )
    body = results.get("body", {})
    text = f"""# Benchmark {results["created"]}

## Method
- Envoy `{m["envoy"]}`, one worker (`--concurrency 1`), the config in `bench-envoy.json`: envoy.yaml's
  listeners 1063-1066, passthrough-only listeners per language, Envoy's built-in `header_mutation`, a Lua
  filter, a Wasm filter and ext_proc doing the same mutations, each also with a direct-response route
  (no upstream); envoy.yaml's body_rewrite listeners and a Lua anchor for the body rows.
- **Contenders.** Wasm: `bench/contenders/wasm`, Rust on proxy-wasm {m.get("proxy_wasm", "?")}, built
  `{m.get("wasm_build", "?")}`, run by `envoy.filters.http.wasm` on runtime `{m.get("wasm_runtime", "?")}`.
  ext_proc: `bench/contenders/ext_proc`, Go on go-control-plane/envoy {m.get("go_control_plane", "?")},
  reached over gRPC (HTTP/2, loopback), request and response headers SEND, bodies NONE, trailers SKIP,
  attributes source.address, upstream.address, response.code. Both set every header the modules set.
  Lua cannot read the upstream address in Envoy 1.40: its anchor sets two of the three attribute headers.
- **Instructions** (deterministic): Envoy under `valgrind --tool=callgrind`, instrumentation on after
  {p["warmup"]} warm-up requests per listener; per listener {p["requests"]} requests (body rows: a tenth for
  64 KiB, a hundredth for 1 MiB) on one keep-alive connection between `callgrind_control -z` and `-d`;
  {p["rounds"]} interleaved rounds. Spread = (max-min)/median over rounds; worst here **{worst:.3f}%**
  (a run is refused at {th["instructions_spread_pct"]}%; Lua's header rows at
  {th.get("lua_instructions_spread_pct", "?")}%, for its incremental collector). The body rows have their own limits: worst
  **{worst_body:.2f}%** held to {th.get("body_instructions_spread_pct", "?")}%, Go's worst **{worst_go_body:.2f}%**
  {"reported, not held to a limit" if th.get("go_body_instructions_spread_pct") is None else "held to " + str(th.get("go_body_instructions_spread_pct")) + "%"}: part of their count is placed by things other
  than the request (Lua's collector; Envoy's reads of a chunked 1 MiB stream, which follow
  arrival timing), and callgrind counts that real cost wherever it falls. Go's body rows make no
  garbage once warm, so its collector stays out of their windows. Only Envoy runs under
  callgrind: the ext_proc server's cost is its CPU time, below.
- **CPU time per request** (replaces requests/s, whose ratios swung 0.35-2.57 between rounds here):
  hey at a fixed rate well below saturation ({p.get("cpu_rounds")} interleaved rounds of {p.get("cpu_seconds")} s per
  listener; header listeners at their rate in the table, body rows 200 req/s for 64 KiB and 20 for 1 MiB),
  4 keep-alive connections; Envoy's CPU time over the round divided by the 200 (OK) responses hey counted.
  CPU time is the sum of the threads' `/proc/<pid>/task/*/schedstat` run time (nanoseconds); the
  utime+stime of `/proc/<pid>/stat` (10 ms ticks) is shown beside it as a check. For ext_proc the
  server's own CPU time is measured the same way and added. {pinned}. Spread = interquartile
  range over rounds / median of the sum (max-min is in the table too: one round disturbed by another
  process on this shared machine moves it); worst header row here **{worst_cpu:.1f}%**, Go's **{worst_go_cpu:.1f}%** (a header row
  over {th["cpu_spread_pct"]}% is marked **noisy**: with more, contenders 15% apart could swap places, so its CPU
  time ranks nothing; {len(results.get("cpu_noisy", []))} here. The body rows' and Go's CPU spread are shown, not held to it: the Go
  runtime's sysmon wakes with the traffic's timing). Rank by instructions; read CPU time as the cost in time.
- **Latency**: hey's own p50/p99 at that fixed rate (median over rounds).
- **Memory**: VmRSS of an Envoy loading one contender (one listener), idle and after a wrk burst; for
  ext_proc also the server's RSS.
- **Body rows**: GET /repeat on the echo upstream: "{body.get("text", "?").strip()}" (16 bytes) repeated to 64 KiB or
  1 MiB, flushed every {body.get("chunk", "?")} bytes, through passthrough + body_rewrite (Hello -> Howdy). The anchor is
  **Lua** (`string.gsub` on the whole buffered body); the built-in filters have no replace.
- Go runtime: `GODEBUG={results["godebug"]["instructions"]}` under callgrind (Go's asynchronous
  preemption signals make valgrind 3.19 assert), `GODEBUG={results["godebug"]["cpu"]}` for CPU time,
  latency and memory.
- Machine: {m["cores"]} cores, {m["cpu"]}, Linux {m["kernel"]}; {m["rustc"]}; {m["go"]}; {m["g++"]}.
  Builds: Rust {m["build_profiles"]["rust"]}; Go {m["build_profiles"]["go"]}; C++ {m["build_profiles"]["cpp"]};
  Wasm {m["build_profiles"].get("wasm", "?")}; ext_proc {m["build_profiles"].get("ext_proc", "?")}.
- Run time {results["duration_s"]} s. Reproduce: `make bench`. Raw numbers: `results.json`.

## Reading
{reading(results)}

## Every contender
The same header_mutation work (sets, removes, three attribute headers) done each way.

{contenders_table(results)}

## Instructions per request
{instructions_table(results)}

Where the instructions go (direct route, self cost per object, instructions per request):

{objects_table(results)}

## Targets
Judged on the direct route. A language's header_mutation cost is its passthrough+header_mutation
listener minus its passthrough listener.

{targets_table(results)}

## CPU time per request at a fixed rate
{cpu_table(results)}

## Envoy's CPU time per request, by thread
Microseconds per request, median over rounds, from each thread's `/proc/<pid>/task/<tid>/schedstat`,
grouped by its name in `comm` (a trailing number folded to N). Envoy names its threads; the Go
runtime's own threads (sysmon, the collector, the scavenger) are unnamed and carry the name of the
thread that started them: Envoy's main thread (`envoy-<version>`, the Go runtime starts at module
load), shown apart from the main thread itself, so that column is Go's time outside the request. The sum of threads can fall short of Envoy's total by threads that
ended during a round.

{threads_table(results)}

## Body rows (body_rewrite, Hello -> Howdy)
{body_table(results)}

## Memory
{memory_table(results)}

## Price list of the ABI
Instructions per call of each common callback (median over rounds, spread in brackets).

{price_table(results)}

{price_method(results)}
"""
    (out / "report.md").write_text(text)
    chart(results, out / "chart.png")


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def publish(results: dict, out: Path, root: Path):
    """Copies a full run's report, chart and raw results to bench/results/latest.*
    (committed) and puts the contenders table into the README between the bench markers."""
    latest = root / "bench" / "results"
    (latest / "latest.md").write_text((out / "report.md").read_text())
    (latest / "latest.png").write_bytes((out / "chart.png").read_bytes())
    (latest / "latest.json").write_text((out / "results.json").read_text())
    readme = root / "README.md"
    text = readme.read_text()
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        block = (
            f"{README_START}\nFrom `make bench` on {results['created']} ({results['machine']['cores']} cores, "
            f"Envoy {results['machine']['envoy'].split('/')[1]}); full report with method and spreads: "
            f"[bench/results/latest.md](bench/results/latest.md), raw numbers: "
            f"[bench/results/latest.json](bench/results/latest.json).\n\n{contenders_table(results)}\n\n"
            f"What it shows:\n\n{reading(results)}\n\n"
            f"Body rows (rewriting a 64 KiB and a 1 MiB response; Lua is the anchor):\n\n{body_table(results)}\n\n"
            f"![instructions and CPU time per request over baseline](bench/results/latest.png)\n{README_END}"
        )
        readme.write_text(head + block + tail)


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    write(json.loads((directory / "results.json").read_text()), directory)
