"""Swap by renaming: put another language's module where Envoy looks for
libgo_module.so, start Envoy with the unchanged envoy.yaml, and the Go listener
(1064) still passes every conformance case - served by the stand-in, as the
module's own load line in Envoy's log proves."""

import shutil

import pytest

import lab
import ports
from cases import CASES


@pytest.mark.parametrize("stand_in", ["cpp", "rust"])
def test_a_renamed_module_serves_the_go_listener(upstream, logs_dir, tmp_path, stand_in):
    search = tmp_path / "lib"
    search.mkdir()
    for name in ("librust_module.so", "libcpp_module.so"):
        shutil.copy(lab.BUILD_LIB / name, search / name)
    # The three-line recipe of the README, in Python:
    shutil.copy(lab.BUILD_LIB / f"lib{stand_in}_module.so", search / "libgo_module.so")

    envoy = lab.start_envoy(logs_dir, search_path=search, base_id=ports.BASE_ID["swap"], name=f"envoy-swap-{stand_in}")
    try:
        log = envoy.log()
        assert "language=go" not in log, "the real Go module was loaded"
        # The stand-in logs its load twice: under its own name and as libgo_module.so.
        assert log.count(f"{stand_in}_module: loaded, language={stand_in}") == 2, log[-3000:]
        for case in CASES:
            case(1064)
    finally:
        assert envoy.stop() == 0
