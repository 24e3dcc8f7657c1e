"""The short form of `make compat`, in `make test`: the same three .so files
against every Envoy in ENVOY_VERSIONS (installed by `make compat-envoys`).

* abi/abi.h tells the truth: a callback without `@since` is exported by every
  supported Envoy, one with `@since Envoy X` by exactly those from X on (nm -D).
* No .so imports a callback that some supported Envoy lacks: Envoy resolves every
  undefined symbol at load, so one such import stops the whole module loading.
* Each module loads in each Envoy (`--mode validate`), and program_init's answer
  gets "ABI version ... matched" there, not the deprecation warning.
* On each older Envoy, the first conformance cases pass on each language's
  comparison listener (the whole table: `make compat`).
"""

import re
import subprocess

import pytest

import compat
from harness import processes

VERSIONS = compat.versions()
OLDER = [v for v in VERSIONS if v != processes.ENVOY_VERSION]
HEADER = (processes.ROOT / "abi" / "abi.h").read_text()
SHORT_CASES = 4


def key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def since_tags() -> dict[str, str]:
    """Callback name -> the version its `@since Envoy X` doc line names."""
    tags = {}
    for m in re.finditer(
        r"^ \* @since Envoy ([\d.]+).*?\*/\s*extern [^(]*?\b(envoy_dynamic_module_callback_\w+)\(", HEADER, re.S | re.M
    ):
        tags[m.group(2)] = m.group(1)
    return tags


DECLARED = set(re.findall(r"\b(envoy_dynamic_module_callback_\w+)\(", HEADER))
SINCE = since_tags()


def test_envoy_versions_lists_the_pinned_envoy():
    assert processes.ENVOY_VERSION in VERSIONS
    assert sorted(VERSIONS, key=key) == VERSIONS, "ENVOY_VERSIONS: oldest first"


@pytest.mark.parametrize("version", VERSIONS)
def test_each_supported_envoy_is_installed(version):
    out = subprocess.run([str(compat.envoy_path(version)), "--version"], capture_output=True, text=True)
    assert f"/{version}/" in out.stdout, out.stdout + out.stderr


def test_the_header_tags_the_version_dependent_callbacks():
    assert SINCE == {"envoy_dynamic_module_callback_log_v2": "1.40.0"}, SINCE


@pytest.mark.parametrize("version", VERSIONS)
def test_the_header_says_which_envoy_exports_each_callback(version):
    exported = compat.exported_callbacks(compat.envoy_path(version))
    for name in sorted(DECLARED):
        since = SINCE.get(name)
        should = since is None or key(version) >= key(since)
        assert (name in exported) == should, (
            f"{name}: abi/abi.h says {'@since ' + since if since else 'every supported Envoy'}, "
            f"but Envoy {version} {'lacks' if should else 'exports'} it"
        )


@pytest.mark.parametrize("language", compat.LANGUAGES)
@pytest.mark.parametrize("version", VERSIONS)
def test_no_module_imports_a_callback_this_envoy_lacks(language, version):
    so = processes.BUILD_LIB / f"lib{compat.LANGUAGES[language][0]}.so"
    missing = compat.missing_callbacks(so, compat.envoy_path(version))
    assert not missing, f"{so.name} has undefined references Envoy {version} does not export: {missing}"


@pytest.mark.parametrize("language", compat.LANGUAGES)
@pytest.mark.parametrize("version", VERSIONS)
def test_module_loads_and_its_abi_version_matches(tmp_path, version, language):
    envoy = compat.envoy_path(version)
    result = compat.load(envoy, language, tmp_path)
    assert result["ok"], result
    # Each module reports the ABI of the Envoy it finds, so each logs "matched".
    abi = "v0.2.0" if key(version) >= (1, 40, 0) else "v0.1.0"
    assert result["abi"] == f"{abi} matched", result


@pytest.mark.parametrize("language", compat.LANGUAGES)
@pytest.mark.parametrize("version", OLDER)
def test_first_conformance_cases_pass_on_older_envoy(upstream, tmp_path, version, language):
    from cases import CASES

    envoy = compat.envoy_path(version)
    result = compat.conformance(envoy, language, tmp_path, CASES[:SHORT_CASES])
    failed = {name: why for name, why in result["cases"].items() if why != "pass"}
    assert not failed, failed
    assert result["envoy_exit"] == 0, result
