"""Checks only meaningful against the Docker lab (`make docker-test` runs them
with LAB_EXTERNAL=1 after `docker-compose up`): the image loads all three
modules, and the access log reaches the host through the bind mount."""

import os
import subprocess
import time

import pytest

from client import request
from harness import processes

pytestmark = pytest.mark.skipif(os.environ.get("LAB_EXTERNAL") != "1", reason="needs the running Docker lab")

COMPOSE = ["docker-compose", "--env-file", str(processes.ROOT / "build" / "docker" / "compose.env"), "-p", "dmlab"]


def test_the_image_loads_every_module_with_abi_v0_2_0():
    logs = subprocess.run([*COMPOSE, "logs", "envoy"], capture_output=True, text=True, cwd=processes.ROOT).stdout
    assert logs.count("Dynamic module ABI version v0.2.0 matched.") == 3, logs[-2000:]
    for language in ("rust", "go", "cpp"):
        assert f"language={language}" in logs


def test_access_log_reaches_the_host():
    log = processes.ROOT / "access_logs" / "access_log_0.log"
    before = log.read_text().count("\n") if log.exists() else 0
    path = f"/uuid?docker-test={time.time()}"
    assert request(1062, path).status == 200
    processes.wait_until(lambda: log.exists() and path in log.read_text(), 10, "access log line on the host")
    assert log.read_text().count("\n") == before + 1


def test_demo_listeners_answer():
    assert request(1069, "/").status == 401
    assert request(1068, "/anything", "POST", body=b"curl").status == 403
