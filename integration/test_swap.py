"""Swap by renaming: put another language's module where Envoy looks for
libgo_module.so, start Envoy with envoy.yaml unchanged, and the Go listeners
(1064 header_mutation, 1077 header_mutation_batched, 1075 body_rewrite) still
pass every conformance case - served by the stand-in, as the module's own load
line in Envoy's log proves. (The stand-ins answer header_mutation_batched with
their one header_mutation.)"""

import shutil

import pytest
import yaml

import configs
import ports
import test_body_rewrite
from cases import CASES
from harness import processes

# The stand-ins that have body_rewrite: both serve 1075 with its config. One
# without it could not (its config is refused, and Envoy with it), so it would
# get envoy.yaml without that listener.
HAS_BODY_REWRITE = {"rust", "cpp"}


def without_listeners(names: list[str], path):
    """envoy.yaml without some listeners, as JSON (anchors resolved)."""
    config = yaml.safe_load(processes.ENVOY_YAML.read_text())
    listeners = config["static_resources"]["listeners"]
    config["static_resources"]["listeners"] = [l for l in listeners if l["name"] not in names]
    assert len(config["static_resources"]["listeners"]) == len(listeners) - len(names), names
    return configs.write(path, config)


@pytest.mark.parametrize("stand_in", ["cpp", "rust"])
def test_a_renamed_module_serves_the_go_listeners(upstream, logs_dir, tmp_path, stand_in):
    search = tmp_path / "lib"
    search.mkdir()
    for name in ("librust_module.so", "libcpp_module.so"):
        shutil.copy(processes.BUILD_LIB / name, search / name)
    # The three-line recipe of the README, in Python:
    shutil.copy(processes.BUILD_LIB / f"lib{stand_in}_module.so", search / "libgo_module.so")

    body_rewrite = stand_in in HAS_BODY_REWRITE
    config = processes.ENVOY_YAML if body_rewrite else without_listeners(["go_body_rewrite"], tmp_path / "envoy.json")
    envoy = processes.start_envoy(
        logs_dir, config=config, search_path=search, base_id=ports.BASE_ID["swap"], name=f"envoy-swap-{stand_in}"
    )
    try:
        log = envoy.log()
        assert "language=go" not in log, "the real Go module was loaded"
        # The stand-in logs its load twice: under its own name and as libgo_module.so.
        assert log.count(f"{stand_in}_module: loaded, language={stand_in}") == 2, log[-3000:]
        for port in (1064, 1077):
            for case in CASES:
                case(port)
        if body_rewrite:
            for case in test_body_rewrite.CASES:
                case(envoy, "go")
    finally:
        assert envoy.stop() == 0
