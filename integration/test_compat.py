"""The short form of `make compat`, in `make test`: the same three .so files
against every Envoy in ENVOY_VERSIONS (installed by `make compat-envoys`).

* abi/abi.h tells the truth: a callback without `@since` is exported by every
  supported Envoy, one with `@since Envoy X` by exactly those from X on (nm -D).
* No .so imports a callback that some supported Envoy lacks: Envoy resolves every
  undefined symbol at load, so one such import stops the whole module loading.
* Every callback abi/abi.h declares is exported by at least one listed Envoy.
* Each SDK's table of the callbacks it looks up at load (Rust since.rs, Go
  sdk/log.go, C++ sdk/log.cc), with the first release of each, agrees with
  what each Envoy exports.
* Each module loads in each Envoy (`--mode validate`), and program_init's answer
  gets "ABI version ... matched" there, not the deprecation warning (1.37
  loads only its exact SHA-256 and logs nothing).
* On each Envoy without a callback some Rust filter needs, that filter is
  refused at config time with one line naming it, the callback and the first
  release that has it, and the server does not start.
* On each older Envoy, the first conformance cases pass on each language's
  comparison listener (the whole table: `make compat`).
"""

import json
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
    assert SINCE["envoy_dynamic_module_callback_log_v2"] == "1.40.0", SINCE
    assert SINCE["envoy_dynamic_module_callback_network_filter_enable_half_close"] == "1.38.0", SINCE


def test_every_declared_callback_is_exported_by_some_listed_envoy():
    exported = set().union(*(compat.exported_callbacks(compat.envoy_path(v)) for v in VERSIONS))
    orphans = sorted(DECLARED - exported)
    assert not orphans, f"abi/abi.h declares callbacks no Envoy in ENVOY_VERSIONS exports: {orphans}"


# Each SDK's table of what it looks up at load: Rust `NAME = m::callback since "X"`,
# Go and C++ `{"callback", "X"}`.
SDK_TABLES = {
    "rust": (
        processes.ROOT / "rust" / "sdk" / "src" / "since.rs",
        r"(envoy_dynamic_module_callback_\w+)\s+since\s+\"([\d.]+)\"",
    ),
    "go": (processes.ROOT / "go" / "sdk" / "log.go", r'\{"(envoy_dynamic_module_callback_\w+)",\s*"([\d.]+)"\}'),
    "cpp": (processes.ROOT / "cpp" / "sdk" / "log.cc", r'\{"(envoy_dynamic_module_callback_\w+)",\s*"([\d.]+)"\}'),
}


def sdk_since(language: str) -> dict[str, str]:
    path, pattern = SDK_TABLES[language]
    return dict(re.findall(pattern, path.read_text()))


@pytest.mark.parametrize("language", SDK_TABLES)
def test_each_sdk_since_tag_agrees_with_the_binaries(language):
    tags = sdk_since(language)
    assert tags, f"no since table found in {SDK_TABLES[language][0]}"
    wrong = []
    for version in VERSIONS:
        exported = compat.exported_callbacks(compat.envoy_path(version))
        for name, since in tags.items():
            if (name in exported) != (key(version) >= key(since)):
                state = "exports" if name in exported else "lacks"
                wrong.append(f"{name} tagged {since}, but Envoy {version} {state} it")
    assert not wrong, wrong


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
    # Each module reports the ABI of the Envoy it finds, so each logs "matched";
    # 1.37 loads only its own SHA-256 and says nothing.
    if key(version) < (1, 38, 0):
        assert result["abi"] == compat.EXACT_1_37, result
        return
    abi = "v0.2.0" if key(version) >= (1, 40, 0) else "v0.1.0"
    assert result["abi"] == f"{abi} matched", result


# The Rust filters that need a callback some listed Envoy lacks, by the unit of
# compat.rust_units() that holds them: (unit, filter's line prefix, callback).
NEEDS = [
    ("1062 rust_demo", "access logger 'json_access_log'", "access_logger_get_attribute_string"),
    ("1080 network_echo", "filter 'network_echo'", "network_filter_enable_half_close"),
    ("bootstrap lab_status", "bootstrap extension 'lab_status'", "bootstrap_extension_register_admin_handler"),
]
UNITS = {label: config for label, _, config in compat.rust_units()}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("unit", "who", "callback"), NEEDS, ids=[n[0] for n in NEEDS])
def test_a_filter_needing_a_missing_callback_is_refused_in_one_line(tmp_path, version, unit, who, callback):
    name = f"envoy_dynamic_module_callback_{callback}"
    since = SINCE[name]
    path = tmp_path / "unit.json"
    path.write_text(json.dumps(UNITS[unit]))
    (tmp_path / "access_logs").mkdir()
    processes.write_lab_tokens(tmp_path)
    code, out = compat.init_only(compat.envoy_path(version), path, tmp_path)
    refusals = [line for line in compat.error_lines(out) if "rust_module:" in line]
    if key(version) >= key(since):
        assert not compat.error_lines(out), out[-3000:]
        return
    line = f"rust_module: {who}: needs {name}, which this Envoy does not export (Envoy {since} and later do)"
    assert len(refusals) == 1 and refusals[0].endswith(line), (refusals, line)
    assert "Failed to initialize dynamic module" in out


@pytest.mark.parametrize("language", compat.LANGUAGES)
@pytest.mark.parametrize("version", OLDER)
def test_first_conformance_cases_pass_on_older_envoy(upstream, tmp_path, version, language):
    from cases import CASES

    envoy = compat.envoy_path(version)
    result = compat.conformance(envoy, language, tmp_path, CASES[:SHORT_CASES])
    failed = {name: why for name, why in result["cases"].items() if why != "pass"}
    assert not failed, failed
    assert result["envoy_exit"] == 0, result
