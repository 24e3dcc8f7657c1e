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
import lab
import ports
from client import request

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # run.py imports the lab as `make bench` lets it: from PYTHONPATH.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(lab.ROOT / "integration"), str(HERE)]))
    subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--quick", "--out", str(out)], check=True, timeout=900, env=env
    )
    return out, json.loads((out / "results.json").read_text())


def test_quick_run_writes_the_three_files(quick_run):
    out, _ = quick_run
    assert (out / "report.md").read_text().startswith("# Benchmark")
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
        load = results["load"][name]
        for key in ("rps", "p50_ms", "p99_ms", "rps_ratio", "p50_ms_ratio", "p99_ms_ratio"):
            assert {"median", "min", "max", "values"} <= load[key].keys(), (name, key)
        assert load["rps"]["median"] > 0
    for name in (l.name for l in bench_config.LISTENERS if l.route == "upstream"):
        assert results["fixed_rate"][name]["p99_ms"] > 0
    assert set(results["memory"]) == {"none", "rust", "go", "cpp"}
    assert all(m["idle_rss_kib"] > 10_000 for m in results["memory"].values())
    assert results["instructions"]["baseline"]["over_baseline"] == 0
    assert len(results["targets"]) == 8 and all("met" in t for t in results["targets"])
    # Which Go runtime settings each phase measured under (issue 10 item 7).
    assert results["godebug"]["instructions"] == "cgocheck=0,asyncpreemptoff=1"
    assert set(results["godebug"]) == {"instructions", "load", "fixed_rate", "memory"}
    modules = [n for n in names if n.startswith(("rust_", "go_", "cpp_"))]
    for name in modules:  # each module's own code shows up in the breakdown
        language = name.split("_")[0]
        assert results["instructions"][name]["objects"].get(f"lib{language}_module.so", 0) > 0, name


def test_anchors_do_the_same_mutations_as_the_modules(tmp_path):
    config = tmp_path / "bench.json"
    config.write_text(json.dumps(bench_config.build(ports.BENCH_ANCHORS_ADMIN)))
    upstream = lab.start_upstream(tmp_path)
    envoy = lab.start_envoy(
        tmp_path,
        config=config,
        admin_port=ports.BENCH_ANCHORS_ADMIN,
        base_id=ports.BASE_ID["bench_anchors"],
        name="envoy-anchors",
    )
    try:

        def seen(port):
            resp = request(port, bench_config.REQUEST_PATH, headers=list(bench_config.REQUEST_HEADERS.items()))
            return {k: v for k, v in resp.headers if k.startswith("x-") and k != "x-envoy-upstream-service-time"}

        upstream_port, direct_port = ({name: p[i] for name, p in ports.BENCH_LISTENERS.items()} for i in (0, 1))
        module = seen(upstream_port["rust_header_mutation"])
        assert module["x-response-set"] == "set-by-module" and "x-response-remove" not in module
        builtin, lua = seen(upstream_port["builtin_header_mutation"]), seen(upstream_port["lua_header_mutation"])
        assert builtin.keys() == module.keys()
        assert {k: v for k, v in builtin.items() if k != "x-downstream-address"} == {
            k: v for k, v in module.items() if k != "x-downstream-address"
        }
        # Lua cannot read the upstream address in Envoy 1.40 (see bench_config.py).
        assert lua.keys() == module.keys() - {"x-upstream-address"}
        for name in ("rust_header_mutation", "builtin_header_mutation", "lua_header_mutation"):
            # direct-response twins carry the same work
            assert seen(direct_port[name])["x-response-set"] == "set-by-module"
    finally:
        code = envoy.stop()
        upstream.stop()
    assert code == 0, envoy.log()[-3000:]
