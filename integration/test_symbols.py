"""Symbols, checked on the built files with nm: every callback abi.h declares is
exported by the Envoy 1.40 binary; every module exports every HTTP-filter hook
abi.h declares, and librust_module.so also every hook of the other kinds it
implements (listener and UDP listener filters). The Rust and C++ modules export
nothing else; the Go module exports only what Go's c-shared runtime forces
(see EXTRA_GO)."""

import re
import subprocess

import pytest

import lab

HEADER = (lab.ROOT / "abi" / "abi.h").read_text()
HOOKS = set(re.findall(r"\b(envoy_dynamic_module_on_\w+)\(", HEADER))
# The hooks of each kind besides the HTTP filter, by name prefix; only the Rust
# module implements these kinds.
RUST_ONLY_KINDS = {
    "listener filter": "envoy_dynamic_module_on_listener_filter_",
    "UDP listener filter": "envoy_dynamic_module_on_udp_listener_filter_",
}
KIND_HOOKS = {kind: {h for h in HOOKS if h.startswith(prefix)} for kind, prefix in RUST_ONLY_KINDS.items()}
HTTP_HOOKS = HOOKS - set().union(*KIND_HOOKS.values())
CALLBACKS = set(re.findall(r"\b(envoy_dynamic_module_callback_\w+)\(", HEADER))
MODULES = ["librust_module.so", "libgo_module.so", "libcpp_module.so"]

# What Go's c-shared runtime exports on its own, besides the hooks: cgo's call
# wrappers and runtime entry points (runtime/cgo), which the Go linker exports
# from every c-shared library, and the dm_go_* Go halves of the stream hooks
# that go/stream_hooks.c calls (a Go function C calls must be //export-ed).
EXTRA_GO = re.compile(r"^(_cgo_\w+|_cgoexp_\w+|crosscall\w*|x_cgo_\w+|x_crosscall2_ptr|fatalf|dm_go_\w+)$")


def defined_symbols(path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def test_header_declares_the_hooks():
    # The 21 every HTTP-filter module needs, and the two per-route hooks.
    assert len(HTTP_HOOKS) == 23, sorted(HTTP_HOOKS)
    assert "envoy_dynamic_module_on_program_init" in HTTP_HOOKS
    # The eleven Envoy 1.40 resolves for a listener filter, five for a UDP one.
    assert len(KIND_HOOKS["listener filter"]) == 11, sorted(KIND_HOOKS["listener filter"])
    assert len(KIND_HOOKS["UDP listener filter"]) == 5, sorted(KIND_HOOKS["UDP listener filter"])


def test_envoy_looks_up_every_declared_hook():
    # Envoy resolves hooks by name at run time, so they are strings in its binary.
    strings = subprocess.run(["strings", lab.envoy_bin()], capture_output=True, text=True, check=True).stdout
    known = set(re.findall(r"\benvoy_dynamic_module_on_\w+", strings))
    assert not HOOKS - known, f"declared in abi.h but never looked up by Envoy: {sorted(HOOKS - known)}"


def test_envoy_exports_every_declared_callback():
    exported = defined_symbols(lab.envoy_bin())
    missing = CALLBACKS - exported
    assert CALLBACKS and not missing, f"declared in abi.h but not exported by Envoy {lab.ENVOY_VERSION}: {missing}"


@pytest.mark.parametrize("module", MODULES)
def test_module_exports_every_http_hook(module):
    exported = defined_symbols(lab.BUILD_LIB / module)
    assert HTTP_HOOKS <= exported, f"{module} lacks {sorted(HTTP_HOOKS - exported)}"


@pytest.mark.parametrize("kind", sorted(RUST_ONLY_KINDS))
def test_rust_module_exports_every_hook_of_its_other_kinds(kind):
    exported = defined_symbols(lab.BUILD_LIB / "librust_module.so")
    assert KIND_HOOKS[kind] <= exported, f"librust_module.so lacks {sorted(KIND_HOOKS[kind] - exported)}"


def test_rust_module_exports_nothing_else():
    extra = {s for s in defined_symbols(lab.BUILD_LIB / "librust_module.so") if s not in HOOKS}
    assert not extra, f"librust_module.so also exports {sorted(extra)}"


def test_cpp_module_exports_nothing_else():
    extra = {s for s in defined_symbols(lab.BUILD_LIB / "libcpp_module.so") if s not in HTTP_HOOKS}
    assert not extra, f"libcpp_module.so also exports {sorted(extra)}"


def test_go_module_exports_only_runtime_extras():
    extra = {s for s in defined_symbols(lab.BUILD_LIB / "libgo_module.so") if s not in HTTP_HOOKS}
    unexpected = {s for s in extra if not EXTRA_GO.match(s)}
    assert not unexpected, f"libgo_module.so also exports {sorted(unexpected)}"
