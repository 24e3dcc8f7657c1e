"""The gateway tests run only from `make gateway-test`, which builds Envoy
Gateway and gives them a network namespace of their own; `make integration`
(pytest on integration/) skips this directory."""

from __future__ import annotations

import os

import eg
import pytest


def pytest_ignore_collect(collection_path, config):
    if os.environ.get("GATEWAY_TEST") != "1":
        return True
    return None


@pytest.fixture(scope="session")
def gateway():
    gw = eg.start()
    yield gw
    gw.stop()
