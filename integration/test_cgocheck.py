"""The Go column under the runtime's pointer checks. Production runs the Go
module with GODEBUG=cgocheck=0 (see the Makefile), which go/sdk/memory.go says
only skips a check that would find nothing. Here an Envoy of its own runs the
same module with cgocheck=1: every conformance case on 1064 and every
body_rewrite case on 1075 must still pass, and no hook may have panicked (a
cgo pointer violation is a Go panic, which the SDK's barrier would log)."""

from __future__ import annotations

from pathlib import Path

import pytest

import test_body_rewrite
from cases import CASES
from harness import processes

GODEBUG = "cgocheck=1"


@pytest.fixture(scope="module")
def envoy(upstream, logs_dir):
    proc = processes.start_envoy(logs_dir, name="envoy-cgocheck", extra_env={"GODEBUG": GODEBUG})
    yield proc
    code = proc.stop()
    log = proc.log()
    assert code == 0, f"envoy exited with {code}\n{log[-3000:]}"
    assert "panicked" not in log and "cgo argument" not in log, log[-3000:]


def test_envoy_runs_with_cgocheck_1(envoy):
    # The runtime reads GODEBUG from the environment Envoy was started with.
    environ = Path(f"/proc/{envoy.proc.pid}/environ").read_bytes().split(b"\0")
    assert f"GODEBUG={GODEBUG}".encode() in environ


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_conformance_go(envoy, case):
    case(1064)


@pytest.mark.parametrize("case", test_body_rewrite.CASES, ids=[c.__name__ for c in test_body_rewrite.CASES])
def test_body_rewrite_go(envoy, case):
    case(envoy, "go")
