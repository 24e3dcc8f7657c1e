"""Symbols, checked on the built files with nm: every callback abi.h declares is
exported by the Envoy 1.40 binary, and every module exports every hook abi.h
declares for the extension kinds it implements (HTTP filters in all three;
network, listener and UDP listener filters, the access logger and the bootstrap
extension in the Rust module only). The Rust and C++ modules export
nothing else; the Go module exports only what Go's c-shared runtime forces
(see EXTRA_GO)."""

import functools
import re
import subprocess
from pathlib import Path

import pytest

from harness import processes

HEADER = (processes.ROOT / "abi" / "abi.h").read_text()
HOOKS = set(re.findall(r"\b(envoy_dynamic_module_on_\w+)\(", HEADER))
CALLBACKS = set(re.findall(r"\b(envoy_dynamic_module_callback_\w+)\(", HEADER))
MODULES = ["librust_module.so", "libgo_module.so", "libcpp_module.so"]


def kind_of(hook: str) -> str:
    """The extension kind a hook belongs to; program_init goes with HTTP."""
    for kind in ("network", "listener", "udp_listener"):
        if hook.startswith(f"envoy_dynamic_module_on_{kind}_filter_"):
            return kind
    if hook.startswith("envoy_dynamic_module_on_access_logger_"):
        return "access_logger"
    if hook.startswith("envoy_dynamic_module_on_bootstrap_extension_"):
        return "bootstrap"
    # early_header_mutation kind
    if hook.startswith("envoy_dynamic_module_on_early_header_mutation_"):
        return "early_header_mutation"
    # The load-balancing policy.
    if hook.startswith("envoy_dynamic_module_on_lb_"):
        return "lb"
    # The cluster specifier.
    if hook.startswith("envoy_dynamic_module_on_cluster_specifier_"):
        return "cluster_specifier"
    # upstream_http_tcp_bridge kind
    if hook.startswith("envoy_dynamic_module_on_upstream_http_tcp_bridge_"):
        return "upstream_http_tcp_bridge"
    # The cluster kind (its load balancer's hooks included; not the cluster specifier's).
    if hook.startswith("envoy_dynamic_module_on_cluster_") and "_cluster_specifier_" not in hook:
        return "cluster"
    # route_specifier kind
    if hook.startswith("envoy_dynamic_module_on_route_specifier_"):
        return "route_specifier"
    # health_checker kind
    if hook.startswith("envoy_dynamic_module_on_health_checker_"):
        return "health_checker"
    # config_validator kind
    if hook.startswith("envoy_dynamic_module_on_config_validator_"):
        return "config_validator"
    # matcher_data_input kind (before the matcher: its prefix contains the matcher's)
    if hook.startswith("envoy_dynamic_module_on_matcher_data_input_"):
        return "matcher_data_input"
    # matcher kind
    if hook.startswith("envoy_dynamic_module_on_matcher_"):
        return "matcher"
    # header_formatter kind
    if hook.startswith("envoy_dynamic_module_on_header_formatter_"):
        return "header_formatter"
    # formatter kind (not the HTTP/1 header formatter's header_formatter_*)
    if hook.startswith("envoy_dynamic_module_on_formatter_"):
        return "formatter"
    # stat_sink kind
    if hook.startswith("envoy_dynamic_module_on_stat_sink_"):
        return "stat_sink"
    # cert_validator kind
    if hook.startswith("envoy_dynamic_module_on_cert_validator_"):
        return "cert_validator"
    # tracer kind
    if hook.startswith("envoy_dynamic_module_on_tracer_"):
        return "tracer"
    # transport_socket kind
    if hook.startswith("envoy_dynamic_module_on_transport_socket_"):
        return "transport_socket"
    return "http"


HOOKS_BY_KIND: dict[str, set[str]] = {}
for _hook in HOOKS:
    HOOKS_BY_KIND.setdefault(kind_of(_hook), set()).add(_hook)

# Which kinds each module implements.
KINDS = {
    "librust_module.so": {
        "http",
        "network",
        "listener",
        "udp_listener",
        "access_logger",
        "bootstrap",
        # early_header_mutation kind
        "early_header_mutation",
        "lb",
        "cluster_specifier",
        "cluster",
        # route_specifier kind
        "route_specifier",
        # upstream_http_tcp_bridge kind
        "upstream_http_tcp_bridge",
        # health_checker kind
        "health_checker",
        # config_validator kind
        "config_validator",
        # matcher kind
        "matcher",
        # matcher_data_input kind
        "matcher_data_input",
        # header_formatter kind
        "header_formatter",
        # formatter kind
        # cert_validator kind
        "cert_validator",
        "formatter",
        # stat_sink kind
        "stat_sink",
        # tracer kind
        "tracer",
        # transport_socket kind
        "transport_socket",
    },
    "libgo_module.so": {"http"},
    "libcpp_module.so": {"http"},
}


# Hooks Envoy 1.40 looks up but does not require: only the Rust SDK has them.
RUST_ONLY = {"envoy_dynamic_module_on_http_filter_local_reply"}


def hooks_of(module: str) -> set[str]:
    hooks = set().union(*(HOOKS_BY_KIND[k] for k in KINDS[module]))
    return hooks if module == "librust_module.so" else hooks - RUST_ONLY


# What Go's c-shared runtime exports on its own, besides the hooks: cgo's call
# wrappers and runtime entry points (runtime/cgo), which the Go linker exports
# from every c-shared library, and the dm_go_* Go halves of the stream hooks
# that go/sdk/hooks.c calls (a Go function C calls must be //export-ed).
EXTRA_GO = re.compile(r"^(_cgo_\w+|_cgoexp_\w+|crosscall\w*|x_cgo_\w+|x_crosscall2_ptr|fatalf|dm_go_\w+)$")


def defined_symbols(path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def test_header_declares_the_hooks():
    # The 21 every HTTP-filter module needs, the two per-route hooks, and the
    # optional local_reply.
    assert len(HOOKS_BY_KIND["http"]) == 24, sorted(HOOKS_BY_KIND["http"])
    assert "envoy_dynamic_module_on_program_init" in HOOKS
    # Every network filter hook Envoy 1.40 looks up; the eleven it resolves
    # for a listener filter, the five for a UDP listener filter.
    assert len(HOOKS_BY_KIND["network"]) == 13, sorted(HOOKS_BY_KIND["network"])
    assert len(HOOKS_BY_KIND["listener"]) == 11, sorted(HOOKS_BY_KIND["listener"])
    assert len(HOOKS_BY_KIND["udp_listener"]) == 5, sorted(HOOKS_BY_KIND["udp_listener"])
    # The six an access logger config resolves.
    assert len(HOOKS_BY_KIND["access_logger"]) == 6, sorted(HOOKS_BY_KIND["access_logger"])
    # Envoy 1.40 refuses a bootstrap extension whose module lacks any of these 17.
    assert len(HOOKS_BY_KIND["bootstrap"]) == 17, sorted(HOOKS_BY_KIND["bootstrap"])
    # early_header_mutation kind: config_new, config_destroy, mutate.
    assert len(HOOKS_BY_KIND["early_header_mutation"]) == 3, sorted(HOOKS_BY_KIND["early_header_mutation"])
    # The cluster: 17 of the 18 cluster hooks 1.40 looks up (worker_timer_fired,
    # optional and unused, is not declared: no public header of its signature was found).
    assert len(HOOKS_BY_KIND["cluster"]) == 17, sorted(HOOKS_BY_KIND["cluster"])


def test_envoy_looks_up_every_declared_hook():
    # Hook names are strings in the binary (it looks them up with dlsym).
    binary = Path(processes.envoy_bin()).read_bytes()
    missing = {h for h in HOOKS if h.encode() + b"\0" not in binary}
    assert not missing, f"declared in abi.h but never looked up by Envoy {processes.ENVOY_VERSION}: {missing}"


def test_envoy_exports_every_declared_callback():
    exported = defined_symbols(processes.envoy_bin())
    missing = CALLBACKS - exported
    assert CALLBACKS and not missing, (
        f"declared in abi.h but not exported by Envoy {processes.ENVOY_VERSION}: {missing}"
    )


@pytest.mark.parametrize("module", MODULES)
def test_module_exports_every_hook(module):
    exported = defined_symbols(processes.BUILD_LIB / module)
    want = hooks_of(module)
    assert want <= exported, f"{module} lacks {sorted(want - exported)}"


@pytest.mark.parametrize("module", ["librust_module.so", "libcpp_module.so"])
def test_module_exports_nothing_else(module):
    extra = {s for s in defined_symbols(processes.BUILD_LIB / module) if s not in hooks_of(module)}
    assert not extra, f"{module} also exports {sorted(extra)}"


def test_go_module_exports_only_runtime_extras():
    extra = {
        s for s in defined_symbols(processes.BUILD_LIB / "libgo_module.so") if s not in hooks_of("libgo_module.so")
    }
    unexpected = {s for s in extra if not EXTRA_GO.match(s)}
    assert not unexpected, f"libgo_module.so also exports {sorted(unexpected)}"


# The test-only filters (they panic on demand): in the test build only.
TEST_ONLY_FILTERS = [
    "fault_injection",
    "network_fault_injection",
    "listener_fault_injection",
    "udp_fault_injection",
    "access_log_fault_injection",
    "bootstrap_fault_injection",
    # early_header_mutation kind
    "early_header_mutation_fault_injection",
    "lb_fault_injection",
    "cs_fault_injection",
    "cluster_fault_injection",
    # route_specifier kind
    "rs_fault_injection",
    # upstream_http_tcp_bridge kind
    "bridge_fault_injection",
    # health_checker kind
    "hc_fault_injection",
    # config_validator kind
    "cv_fault_injection",
    # matcher kind
    "mt_fault_injection",
    # matcher_data_input kind
    "di_fault_injection",
    # header_formatter kind
    # cert_validator kind
    "cert_fault_injection",
    "hf_fault_injection",
    # formatter kind
    "fmt_fault_injection",
    # stat_sink kind
    "stats_fault_injection",
    # tracer kind
    "tr_fault_injection",
    # transport_socket kind
    "ts_fault_injection",
]


def fault_filters_in(so: Path) -> list[str]:
    """The test-only filter names the file holds as a whole word: in a name
    table, a log string or a symbol (Rust symbols spell their module path)."""
    data = so.read_bytes()
    return [n for n in TEST_ONLY_FILTERS if re.search(rb"(?<![A-Za-z_])" + n.encode() + rb"(?![A-Za-z_])", data)]


def test_the_shipped_rust_module_has_no_test_only_filter():
    assert fault_filters_in(processes.BUILD_LIB / "librust_module.so") == []


def test_the_test_build_has_every_test_only_filter():
    # Without this the check above could pass on a search that finds nothing.
    assert fault_filters_in(processes.TEST_LIB / "librust_module.so") == TEST_ONLY_FILTERS


@functools.cache
def all_hooks_in_binary() -> frozenset[str]:
    """Every envoy_dynamic_module_on_* name in Envoy's binary, read once for
    every kind's check (one pass over the binary instead of one per kind)."""
    binary = Path(processes.envoy_bin()).read_bytes()
    return frozenset(m.decode() for m in re.findall(rb"(?<![A-Za-z_])envoy_dynamic_module_on_\w+", binary))


def hooks_in_binary(prefix: str) -> set[str]:
    """The envoy_dynamic_module_on_{prefix}* names Envoy's binary looks up."""
    return {h for h in all_hooks_in_binary() if h.startswith("envoy_dynamic_module_on_" + prefix)}


def test_header_declares_every_lb_hook_the_binary_looks_up():
    assert HOOKS_BY_KIND["lb"] == hooks_in_binary("lb_"), sorted(HOOKS_BY_KIND["lb"] ^ hooks_in_binary("lb_"))
    assert len(HOOKS_BY_KIND["lb"]) == 6


def test_header_declares_every_cluster_specifier_hook_the_binary_looks_up():
    found = hooks_in_binary("cluster_specifier_")
    assert HOOKS_BY_KIND["cluster_specifier"] == found, sorted(HOOKS_BY_KIND["cluster_specifier"] ^ found)
    assert len(found) == 3


# route_specifier kind
def test_header_declares_every_route_specifier_hook_the_binary_looks_up():
    found = hooks_in_binary("route_specifier_")
    assert HOOKS_BY_KIND["route_specifier"] == found, sorted(HOOKS_BY_KIND["route_specifier"] ^ found)
    assert len(found) == 4


# upstream_http_tcp_bridge kind
def test_header_declares_every_upstream_http_tcp_bridge_hook_the_binary_looks_up():
    found = hooks_in_binary("upstream_http_tcp_bridge_")
    assert HOOKS_BY_KIND["upstream_http_tcp_bridge"] == found, sorted(HOOKS_BY_KIND["upstream_http_tcp_bridge"] ^ found)
    assert len(found) == 8


def test_every_upstream_http_tcp_bridge_callback_is_exported_by_the_binary():
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_upstream_http_tcp_bridge_")}
    out = subprocess.run(["nm", "-D", "--defined-only", processes.envoy_bin()], capture_output=True, text=True).stdout
    exported = set(re.findall(r"\b(envoy_dynamic_module_callback_upstream_http_tcp_bridge_\w+)$", out, re.M))
    assert declared == exported, sorted(declared ^ exported)
    assert len(declared) == 12


# health_checker kind
def test_header_declares_every_health_checker_hook_the_binary_looks_up():
    found = hooks_in_binary("health_checker_")
    assert HOOKS_BY_KIND["health_checker"] == found, sorted(HOOKS_BY_KIND["health_checker"] ^ found)
    assert len(found) == 6
    # Its eight callbacks, every one exported by this Envoy (and @since 1.39 in abi.h).
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_health_checker_")}
    assert len(declared) == 8 and declared <= defined_symbols(processes.envoy_bin()), sorted(declared)


# config_validator kind
def test_header_declares_every_config_validator_hook_the_binary_looks_up():
    # The SDK Envoy links in also holds the names run together in one string:
    # only whole names count.
    found = {h for h in hooks_in_binary("config_validator_") if h.count("envoy_dynamic_module_on_") == 1}
    assert HOOKS_BY_KIND["config_validator"] == found, sorted(HOOKS_BY_KIND["config_validator"] ^ found)
    assert len(found) == 4
    # Its two callbacks, both exported by this Envoy (and @since 1.40 in abi.h).
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_config_validator_")}
    assert len(declared) == 2 and declared <= defined_symbols(processes.envoy_bin()), sorted(declared)


# matcher kind
def test_header_declares_every_matcher_hook_the_binary_looks_up():
    found = hooks_in_binary("matcher_") - hooks_in_binary("matcher_data_input_")
    assert HOOKS_BY_KIND["matcher"] == found, sorted(HOOKS_BY_KIND["matcher"] ^ found)
    assert len(found) == 3
    # Its four callbacks, every one exported by this Envoy (@since 1.38 or 1.40 in abi.h).
    declared = {
        c
        for c in CALLBACKS
        if c.startswith("envoy_dynamic_module_callback_matcher_") and "_matcher_data_input_" not in c
    }
    assert len(declared) == 4 and declared <= defined_symbols(processes.envoy_bin()), sorted(declared)


# matcher_data_input kind
def test_header_declares_every_matcher_data_input_hook_the_binary_looks_up():
    found = hooks_in_binary("matcher_data_input_")
    assert HOOKS_BY_KIND["matcher_data_input"] == found, sorted(HOOKS_BY_KIND["matcher_data_input"] ^ found)
    assert len(found) == 3
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_matcher_data_input_")}
    assert len(declared) == 2 and declared <= defined_symbols(processes.envoy_bin()), sorted(declared)


# header_formatter kind
def test_header_declares_every_header_formatter_hook_the_binary_looks_up():
    # The binary also holds each name behind a `hickory_dns_static_` prefix (its
    # built-in Hickory module's copies): only the plain names are looked up.
    found = hooks_in_binary("header_formatter_")
    assert HOOKS_BY_KIND["header_formatter"] == found, sorted(HOOKS_BY_KIND["header_formatter"] ^ found)
    assert len(found) == 6
    # Envoy 1.40 exports no callback for this kind.
    exported = defined_symbols(processes.envoy_bin())
    assert not {c for c in exported if c.startswith("envoy_dynamic_module_callback_header_formatter_")}
    assert not {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_header_formatter_")}


# formatter kind
def test_header_declares_every_formatter_hook_the_binary_looks_up():
    found = hooks_in_binary("formatter_")
    assert HOOKS_BY_KIND["formatter"] == found, sorted(HOOKS_BY_KIND["formatter"] ^ found)
    assert len(found) == 5
    # Its nine callbacks, every one exported by this Envoy (and @since 1.39 in abi.h).
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_formatter_")}
    out = subprocess.run(["nm", "-D", "--defined-only", processes.envoy_bin()], capture_output=True, text=True).stdout
    exported = set(re.findall(r"\b(envoy_dynamic_module_callback_formatter_\w+)$", out, re.M))
    assert declared == exported, sorted(declared ^ exported)
    assert len(declared) == 9


# stat_sink kind
def test_header_declares_every_stat_sink_hook_the_binary_looks_up():
    found = hooks_in_binary("stat_sink_")
    assert HOOKS_BY_KIND["stat_sink"] == found, sorted(HOOKS_BY_KIND["stat_sink"] ^ found)


# cert_validator kind
def test_header_declares_every_cert_validator_hook_the_binary_looks_up():
    found = hooks_in_binary("cert_validator_")
    assert HOOKS_BY_KIND["cert_validator"] == found, sorted(HOOKS_BY_KIND["cert_validator"] ^ found)
    assert len(found) == 5
    # Its three callbacks, every one exported by this Envoy (and @since 1.38 in abi.h).
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_cert_validator_")}
    assert len(declared) == 3 and declared <= defined_symbols(processes.envoy_bin()), sorted(declared)
    assert len(found) == 5
    # Its 27 callbacks, every one exported by this Envoy (@since 1.39 or 1.40 in abi.h).
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_stat_sink_")}
    out = subprocess.run(["nm", "-D", "--defined-only", processes.envoy_bin()], capture_output=True, text=True).stdout
    exported = set(re.findall(r"\b(envoy_dynamic_module_callback_stat_sink_\w+)$", out, re.M))
    assert declared == exported, sorted(declared ^ exported)
    assert len(declared) == 27


# tracer kind: 17 hooks in 1.40 (1.38 and 1.39 lack span_reserve_tags), and
# the 13 callbacks the ABI declares, every one exported by the binary.
def test_header_declares_every_tracer_hook_the_binary_looks_up():
    found = hooks_in_binary("tracer_")
    assert HOOKS_BY_KIND["tracer"] == found, sorted(HOOKS_BY_KIND["tracer"] ^ found)
    assert len(found) == 17


def test_the_binary_exports_every_tracer_callback():
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_tracer_")}
    out = subprocess.run(
        ["nm", "-D", "--defined-only", processes.envoy_bin()], capture_output=True, text=True, check=True
    )
    exported = {line.split()[-1] for line in out.stdout.splitlines() if "_callback_tracer_" in line}
    assert declared == exported, sorted(declared ^ exported)
    assert len(declared) == 13


# transport_socket kind: 13 hooks in 1.39 and 1.40, and the 20 callbacks 1.40
# exports (1.39 has 15 of them and six others 1.40 dropped), every one
# declared by abi.h.
def test_header_declares_every_transport_socket_hook_the_binary_looks_up():
    found = hooks_in_binary("transport_socket_")
    assert HOOKS_BY_KIND["transport_socket"] == found, sorted(HOOKS_BY_KIND["transport_socket"] ^ found)
    assert len(found) == 13


def test_the_binary_exports_every_transport_socket_callback():
    declared = {c for c in CALLBACKS if c.startswith("envoy_dynamic_module_callback_transport_socket_")}
    out = subprocess.run(
        ["nm", "-D", "--defined-only", processes.envoy_bin()], capture_output=True, text=True, check=True
    )
    exported = {line.split()[-1] for line in out.stdout.splitlines() if "_callback_transport_socket_" in line}
    assert declared == exported, sorted(declared ^ exported)
    assert len(declared) == 20
