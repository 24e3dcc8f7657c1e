"""Fixtures: the echo upstream for the whole run, and a real Envoy per test module.

Set LAB_EXTERNAL=1 to test an already-running lab (e.g. the Docker container)
instead of starting processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import processes, servers

EXTERNAL = os.environ.get("LAB_EXTERNAL") == "1"


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def upstream(logs_dir):
    if EXTERNAL:
        yield None
        return
    proc = servers.start_upstream(logs_dir)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def envoy(upstream, logs_dir, request):
    """Envoy with the repository's own envoy.yaml and freshly built modules."""
    if EXTERNAL:
        yield None
        return
    # config_validator kind: the lab's control plane, so 1155 has its cluster.
    xds = servers.start_lab_xds(logs_dir / request.module.__name__)
    try:
        proc = processes.start_envoy(logs_dir, name=f"envoy-{request.module.__name__}")
        yield proc
        code = proc.stop()
    finally:
        xds.stop()
    assert code == 0, f"envoy exited with {code}\n{proc.log()[-3000:]}"


# --------------------------------------------------------- conformance table

_conformance: dict[str, dict[str, str]] = {}


def record_conformance(case: str, language: str, outcome: str):
    _conformance.setdefault(case, {})[language] = outcome


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    marker = item.get_closest_marker("conformance")
    if marker and report.when == "call":
        case, language = marker.args
        record_conformance(case, language, "pass" if report.passed else "FAIL")


def pytest_terminal_summary(terminalreporter):
    if not _conformance:
        return
    languages = sorted({lang for row in _conformance.values() for lang in row})
    width = max(len(c) for c in _conformance)
    tr = terminalreporter
    tr.section("conformance: one row per case, one column per language (or demo filter)")
    # A column per language or demo filter, as wide as its name.
    widths = {lang: max(6, len(lang)) for lang in languages}
    tr.write_line(f"{'case':<{width}}  " + "  ".join(f"{lang:<{widths[lang]}}" for lang in languages))
    for case, row in _conformance.items():
        cells = "  ".join(f"{row.get(lang, '-'):<{widths[lang]}}" for lang in languages)
        tr.write_line(f"{case:<{width}}  {cells}")
