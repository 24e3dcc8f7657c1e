"""The benchmark's smoke test (part of `make test`): a --quick run produces every
number for every listener in the documented shape, and the anchors really do
the same work as the modules, so the comparison is fair."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bench_config
import ports
from client import request
from harness import processes, servers

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # run.py imports the lab as `make bench` lets it: from PYTHONPATH.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(processes.ROOT / "integration"), str(HERE)]))
    subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--quick", "--out", str(out)], check=True, timeout=900, env=env
    )
    return out, json.loads((out / "results.json").read_text())


def test_quick_run_writes_the_three_files(quick_run):
    out, _ = quick_run
    assert (out / "report.md").read_text().startswith("# Benchmark")
    assert "## Envoy's CPU time per request, by thread" in (out / "report.md").read_text()
    assert "`wrk:worker_N`" in (out / "report.md").read_text()
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_thread_split_groups_by_name_and_counts_new_threads():
    import run

    assert run.thread_group("wrk:worker_12\n") == "wrk:worker_N"
    assert run.thread_group("envoy") == "envoy"
    before = {1: ("envoy", 1_000), 2: ("wrk:worker_N", 5_000)}
    after = {1: ("envoy", 3_000), 2: ("wrk:worker_N", 9_000), 3: ("wrk:worker_N", 2_000)}
    # us per request over 2 requests: main 2,000 ns, workers 4,000 + 2,000 ns (one new).
    assert run.split_by_thread(before, after, 2) == {"envoy": 1.0, "wrk:worker_N": 3.0}


def test_every_listener_has_every_number(quick_run):
    _, results = quick_run
    names = [l.name for l in bench_config.LISTENERS]
    assert [l["name"] for l in results["listeners"]] == names
    for name in names:
        instr = results["instructions"][name]
        assert len(instr["per_request"]) == results["parameters"]["rounds"]
        assert instr["median"] > 50_000, name  # a real request through Envoy
        assert {"spread_pct", "over_baseline", "objects"} <= instr.keys()
        assert "envoy" in instr["objects"], name
        cpu = results["cpu"][name]
        for key in ("envoy_us", "envoy_stat_us", "total_us", "p50_ms", "p99_ms", "achieved_rps"):
            assert {"median", "min", "max", "values"} <= cpu[key].keys(), (name, key)
        assert cpu["envoy_us"]["median"] > 0 and cpu["p99_ms"]["median"] > 0, name
        assert sum(cpu["requests"]) > 0, name
        # The per-thread split: Envoy's worker ran the requests.
        assert cpu["threads_us"].get("wrk:worker_N", 0) > 0, (name, cpu["threads_us"])
    for name in ("ext_proc_header_mutation", "ext_proc_header_mutation_direct"):
        cpu = results["cpu"][name]  # the processor's own CPU time, and the sum
        assert cpu["processor_us"]["median"] > 0, name
        assert cpu["total_us"]["median"] == pytest.approx(cpu["envoy_us"]["median"] + cpu["processor_us"]["median"])
    assert set(results["memory"]) == {"none", "rust", "go", "cpp", "wasm", "ext_proc"}
    assert all(m["idle_rss_kib"] > 10_000 for m in results["memory"].values())
    assert results["memory"]["ext_proc"]["processor_rss_kib"] > 1_000
    body = [l["name"] for l in results["listeners"] if l["kind"] == "body"]
    assert {"rust_body_rewrite_64k", "go_body_rewrite_64k", "lua_body_rewrite_1m"} <= set(body)
    assert results["machine"]["wasm_runtime"] == "envoy.wasm.runtime.v8"
    assert results["instructions"]["baseline"]["over_baseline"] == 0
    assert len(results["targets"]) == 12 and all("met" in t for t in results["targets"])
    # Which Go runtime settings each phase measured under (issue 10 item 7).
    assert results["godebug"]["instructions"] == "cgocheck=0,asyncpreemptoff=1"
    assert set(results["godebug"]) == {"instructions", "cpu", "memory"}
    modules = [n for n in names if n.startswith(("rust_", "go_", "cpp_"))]
    for name in modules:  # each module's own code shows up in the breakdown
        language = name.split("_")[0]
        assert results["instructions"][name]["objects"].get(f"lib{language}_module.so", 0) > 0, name


def test_price_list_prices_every_op_in_every_language(quick_run):
    """The price phase measured every (language, op) at N and 2N calls (each
    filter was seen making its calls before that: measure_price_list refuses
    a listener whose hits differ), and the report has the table."""
    import price_list

    out, results = quick_run
    price = results["price_list"]
    n = price["calls"]
    assert set(price["per_request"]) == {l.name for l in price_list.listeners(n)}
    for name, values in price["per_request"].items():
        assert len(values) == price["rounds"] and min(values) > 50_000, name
    for op in price_list.OPS:
        languages = set(price_list.MODULE_LANGUAGES) | ({"lua"} if op in price_list.LUA_OPS else set())
        assert set(price["prices"][op]) == languages, op
    # Calls of a thousand instructions and more show even in a quick run's few requests.
    for op in ("header_set", "metadata_set", "filter_state_set"):
        for language, r in price["prices"][op].items():
            assert r["price"] > 500, (op, language, r)
    report = (out / "report.md").read_text()
    assert "## Price list of the ABI" in report and "| `log_disabled` |" in report


def test_price_is_the_difference_per_call():
    """(I(2N) - I(N)) / N per round; the median over rounds, and its spread."""
    import price_list

    measured = {l.name: [1000.0, 1010.0] for l in price_list.listeners(10)}
    measured["price_rust_header_get_20"] = [1500.0, 1530.0]  # 50 and 52 per call
    got = price_list.prices(measured, 10)["header_get"]["rust"]
    assert got["per_round"] == [50.0, 52.0] and got["price"] == 51.0
    assert got["spread_pct"] == pytest.approx(2 / 51 * 100)
    assert price_list.prices(measured, 10)["header_set"]["go"]["price"] == 0.0


def test_hits_are_read_from_the_header_or_the_body_line():
    import price_list

    assert price_list.hits_of(200, {"x-callback-price-hits": "7"}, b"") == 7
    assert price_list.hits_of(200, {}, b"Hello\nxxx\ncallback_price hits=12\n") == 12
    assert price_list.hits_of(200, {}, b"Hello") is None
    assert price_list.hits_of(500, {"x-callback-price-hits": "7"}, b"") is None


@pytest.fixture(scope="module")
def bench_envoy(tmp_path_factory):
    """The bench's config on its own Envoy, with the upstream and the ext_proc server."""
    tmp_path = tmp_path_factory.mktemp("anchors")
    config = tmp_path / "bench.json"
    config.write_text(json.dumps(bench_config.build(ports.BENCH_ANCHORS_ADMIN)))
    upstream = servers.start_upstream(tmp_path)
    processor = bench_config.start_ext_proc(
        tmp_path, bench_config.lab_header_mutation(bench_config.load_lab()), "ext_proc"
    )
    envoy = processes.start_envoy(
        tmp_path,
        config=config,
        admin_port=ports.BENCH_ANCHORS_ADMIN,
        base_id=ports.BASE_ID["bench_anchors"],
        name="envoy-anchors",
    )
    try:
        yield envoy
    finally:
        code = envoy.stop()
        processor.stop()
        upstream.stop()
    assert code == 0, envoy.log()[-3000:]


def seen(port):
    resp = request(port, bench_config.REQUEST_PATH, headers=list(bench_config.REQUEST_HEADERS.items()))
    assert resp.status == 200, (port, resp.status)
    return {k: v for k, v in resp.headers if k.startswith("x-") and k != "x-envoy-upstream-service-time"}


UPSTREAM_PORT, DIRECT_PORT = ({name: p[i] for name, p in ports.BENCH_LISTENERS.items()} for i in (0, 1))
# Every contender that claims the modules' full header_mutation, attribute headers included.
FULL = ["rust", "go", "cpp", "builtin", "wasm", "ext_proc"]


def without_port(headers: dict) -> dict:
    """x-downstream-address carries the client's own port, which differs per connection."""
    out = dict(headers)
    if "x-downstream-address" in out:
        out["x-downstream-address"] = out["x-downstream-address"].rsplit(":", 1)[0]
    return out


@pytest.mark.parametrize("route", ["upstream", "direct"])
def test_every_contender_does_the_same_mutations(bench_envoy, route):
    port = UPSTREAM_PORT if route == "upstream" else DIRECT_PORT
    module = seen(port["rust_header_mutation"])
    assert module["x-response-set"] == "set-by-module" and "x-response-remove" not in module
    assert module["x-response-code"] == "200" and module["x-downstream-address"].startswith("127.0.0.1:")
    if route == "upstream":
        assert module["x-upstream-address"] == f"127.0.0.1:{ports.UPSTREAM}"
    for contender in FULL:
        got = seen(port[f"{contender}_header_mutation"])
        assert without_port(got) == without_port(module), contender
    # Lua cannot read the upstream address in Envoy 1.40 (see bench_config.py).
    lua = without_port(seen(port["lua_header_mutation"]))
    assert lua == {k: v for k, v in without_port(module).items() if k != "x-upstream-address"}


def test_body_rows_do_the_same_rewrite(bench_envoy):
    """Every body row's listener, the Lua anchor included, returns the reference
    replace of the upstream's body."""
    for size, length in bench_config.BODY_SIZES.items():
        expected = (bench_config.BODY_TEXT * (length // len(bench_config.BODY_TEXT))).replace("Hello", "Howdy")
        for lang, port in bench_config.BODY_PORTS.items():
            resp = request(port, bench_config.body_path(size))
            assert resp.status == 200, (lang, size, resp.status)
            assert resp.body.decode() == expected, (lang, size, len(resp.body))


def test_guard_rows_let_the_bench_requests_through(bench_envoy):
    """The guard rows (header_auth alone, and with its sentinel) serve every
    bench request, so they price the allowed path; one without the header the
    guard keys on is refused by the guard itself."""
    for name in ("rust_header_auth", "rust_header_auth_sentinel"):
        for port in (UPSTREAM_PORT[name], DIRECT_PORT[name]):
            seen(port)
            assert request(port, bench_config.REQUEST_PATH).status == 401, name
