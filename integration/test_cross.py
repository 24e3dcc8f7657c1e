"""`make cross ARCH=arm64`: the three modules built for aarch64 Linux, checked
without running them (this machine is x86_64):

* each .so is an ELF shared object for machine AArch64 (e_machine 183);
* it exports exactly the hooks (`envoy_dynamic_module_on_*`) of the x86_64 build;
* its undefined symbols are callbacks every Envoy in ENVOY_VERSIONS exports,
  plus versioned symbols of the C runtime (glibc, libgcc_s, and libstdc++ for
  C++) or weak ones, and it needs no shared library beyond those.

Skipped unless CROSS_LIB names the output directory (mk/cross.mk sets it).
"""

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import compat
from harness import processes

CROSS_LIB = os.environ.get("CROSS_LIB")
GNU = os.environ.get("CROSS_GNU", "aarch64-linux-gnu")
MODULES = ["rust_module", "go_module", "cpp_module"]
EM_AARCH64 = 183
# The runtime libraries a module may need, and the version tags of theirs.
RUNTIME_LIBS = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6", "ld-linux-aarch64.so.1"}
RUNTIME_VERSIONS = ("GLIBC_", "GCC_", "GLIBCXX_", "CXXABI_")

pytestmark = pytest.mark.skipif(not CROSS_LIB, reason="make cross sets CROSS_LIB")


def tool(name: str) -> str:
    """The cross binutils' tool when installed, else the host's."""
    return shutil.which(f"{GNU}-{name}") or name


def symbols(so: Path, *args: str) -> list[tuple[str, str]]:
    """(type letter, name@version) of `nm -D` lines."""
    out = subprocess.run([tool("nm"), "-D", *args, str(so)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        rows.append((parts[-2], parts[-1]))
    return rows


def hooks(so: Path) -> set[str]:
    return {n for _, n in symbols(so, "--defined-only") if n.startswith("envoy_dynamic_module_on_")}


def needed(so: Path) -> set[str]:
    out = subprocess.run([tool("readelf"), "-d", str(so)], capture_output=True, text=True, check=True).stdout
    return {line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line}


@pytest.fixture(scope="module")
def every_envoy_exports() -> set[str]:
    sets = [compat.exported_callbacks(compat.envoy_path(v)) for v in compat.versions()]
    return set.intersection(*sets)


@pytest.mark.parametrize("module", MODULES)
def test_is_an_aarch64_shared_object(module):
    head = (Path(CROSS_LIB) / f"lib{module}.so").read_bytes()[:20]
    assert head[:4] == b"\x7fELF" and head[4] == 2, "not a 64-bit ELF"
    e_type, e_machine = struct.unpack("<HH", head[16:20])
    assert e_type == 3, f"ELF type {e_type}, not a shared object (3)"
    assert e_machine == EM_AARCH64, f"ELF machine {e_machine}, not AArch64 ({EM_AARCH64})"


@pytest.mark.parametrize("module", MODULES)
def test_exports_the_same_hooks_as_the_x86_64_build(module):
    cross = hooks(Path(CROSS_LIB) / f"lib{module}.so")
    host = hooks(processes.BUILD_LIB / f"lib{module}.so")
    assert cross == host, {"only arm64": sorted(cross - host), "only x86_64": sorted(host - cross)}


@pytest.mark.parametrize("module", MODULES)
def test_imports_only_envoy_callbacks_and_the_c_runtime(module, every_envoy_exports):
    so = Path(CROSS_LIB) / f"lib{module}.so"
    bad = []
    for kind, name in symbols(so, "--undefined-only"):
        bare, _, version = name.partition("@")
        if bare.startswith("envoy_"):
            if bare not in every_envoy_exports:
                bad.append(f"{bare} (not exported by every Envoy in ENVOY_VERSIONS)")
        elif kind in ("w", "v"):
            continue
        elif not version.lstrip("@").startswith(RUNTIME_VERSIONS):
            bad.append(f"{name} (not a versioned C runtime symbol)")
    assert not bad, bad
    assert needed(so) <= RUNTIME_LIBS, needed(so) - RUNTIME_LIBS
