"""A sentinel behind every guard (docs/SECURITY.md): the guarding filters mark
each request they allow (dynamic metadata `lab.guard: {<filter>: allowed}`),
and envoy.yaml puts a built-in RBAC filter after each guard that denies every
request without that mark.

Each way a guard can silently stop guarding is run twice on 1069's listener
(header_auth), taken from envoy.yaml as it is: with the sentinel, an
unauthenticated request is denied; with the sentinel taken out (the open
configuration it replaces) the same request is served, which is the failure
the sentinel exists for, seen here every run."""

from __future__ import annotations

import copy
import functools
import hashlib
import http.server
import subprocess
import threading

import pytest

import client
import configs
import ports
from harness import processes

GUARDS = {  # envoy.yaml listener -> the guard filter the sentinel expects
    "rust_random_auth": "random_auth",
    "rust_zero_copy_regex_waf": "zero_copy_regex_waf",
    "rust_header_auth": "header_auth",
    "rust_header_auth_file": "header_auth",
    "rust_callout_auth": "callout_auth",
}
SENTINEL = "lab.guard_sentinel"
PORT = ports.SENTINEL_LISTENER
DENIED = (403, b"RBAC: access denied")
WRONG_SHA256 = hashlib.sha256(b"not the Rust module").hexdigest()


def hcm(listener: dict) -> dict:
    return listener["filter_chains"][0]["filters"][0]["typed_config"]


def guarded_listener(sentinel: bool) -> dict:
    """1069's listener from envoy.yaml on the test's port, with or without its sentinel."""
    listener = copy.deepcopy(
        next(l for l in configs.lab_config()["static_resources"]["listeners"] if l["name"] == "rust_header_auth")
    )
    listener["address"]["socket_address"].update(address="127.0.0.1", port_value=PORT)
    if not sentinel:
        hcm(listener)["http_filters"] = [f for f in hcm(listener)["http_filters"] if f["name"] != SENTINEL]
    return listener


def guard_filter(listener: dict) -> dict:
    return next(f for f in hcm(listener)["http_filters"] if f["name"] == "rust_header_auth")


def run(tmp_path, logs_dir, listener: dict, name: str, search=processes.BUILD_LIB, clusters=(), env=None):
    """Envoy with this one listener; returns (status, body) of an unauthenticated
    and of an authenticated GET."""
    config = configs.bootstrap([listener], ports.SENTINEL_ADMIN)
    config["static_resources"]["clusters"] += list(clusters)
    path = configs.write(tmp_path / f"{name}.json", config)
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        search_path=search,
        admin_port=ports.SENTINEL_ADMIN,
        base_id=ports.SENTINEL_BASE_ID,
        name=f"envoy-sentinel-{name}",
        extra_env=env,
    )
    try:
        anonymous = client.request(PORT)
        authenticated = client.request(PORT, headers=[("x-auth", "yes")])
        return (anonymous.status, anonymous.body), (authenticated.status, authenticated.body), envoy.log()
    finally:
        assert envoy.stop() == 0


def served(answer) -> bool:
    return answer[0] == 200 and answer[1] == b"Hello from echo server\n"


# ------------------------------------------------------------ the lab's own


def test_every_guard_in_envoy_yaml_has_its_sentinel_right_behind_it():
    listeners = {l["name"]: l for l in configs.lab_config()["static_resources"]["listeners"]}
    for name, guard in GUARDS.items():
        filters = hcm(listeners[name])["http_filters"]
        names = [f["name"] for f in filters]
        at = [i for i, f in enumerate(filters) if f.get("typed_config", {}).get("filter_name") == guard]
        assert len(at) == 1 and names[at[0] + 1] == SENTINEL, (name, names)
        (policy,) = filters[at[0] + 1]["typed_config"]["rules"]["policies"].values()
        (principal,) = policy["principals"]
        assert principal["metadata"]["filter"] == "lab.guard", name
        assert principal["metadata"]["path"] == [{"key": guard}], name


def test_intact_guard_with_sentinel_serves_what_it_allows(upstream, logs_dir, tmp_path):
    anonymous, authenticated, _ = run(tmp_path, logs_dir, guarded_listener(True), "intact")
    assert anonymous == (401, b"Unauthorized"), anonymous
    assert served(authenticated), authenticated


# ------------------------------------------------------------ four ways to lose a guard


def standin_lib(tmp_path):
    """A search path where librust_module.so is the stand-in of standin_guard.c:
    it loads, answers the filter name header_auth, guards nothing and marks nothing."""
    search = tmp_path / "standin"
    search.mkdir()
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            "-Wall",
            "-Werror",
            f"-I{processes.ROOT / 'abi'}",
            "-o",
            str(search / "librust_module.so"),
            str(processes.ROOT / "integration" / "standin_guard.c"),
        ],
        check=True,
    )
    return search


@pytest.mark.parametrize("sentinel", [True, False], ids=["sentinel", "open"])
def test_guard_so_swapped_by_renaming(upstream, logs_dir, tmp_path, sentinel):
    anonymous, authenticated, _ = run(
        tmp_path, logs_dir, guarded_listener(sentinel), f"swapped-{sentinel}", search=standin_lib(tmp_path)
    )
    if sentinel:
        assert anonymous == DENIED and authenticated == DENIED, (anonymous, authenticated)
    else:
        assert served(anonymous), anonymous  # the open configuration: fails open


@pytest.mark.parametrize("sentinel", [True, False], ids=["sentinel", "open"])
def test_guard_filter_removed_from_the_chain(upstream, logs_dir, tmp_path, sentinel):
    listener = guarded_listener(sentinel)
    hcm(listener)["http_filters"].remove(guard_filter(listener))
    anonymous, authenticated, _ = run(tmp_path, logs_dir, listener, f"removed-{sentinel}")
    if sentinel:
        assert anonymous == DENIED and authenticated == DENIED, (anonymous, authenticated)
    else:
        assert served(anonymous), anonymous


class ModuleServer:
    """build/lib over HTTP on loopback, for a Remote module source."""

    def __init__(self):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(processes.BUILD_LIB))
        handler.log_message = lambda *a: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", ports.SENTINEL_MODULE_SERVER), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


MODULES_CLUSTER = {
    "name": "modules",
    "type": "STATIC",
    "connect_timeout": "1s",
    "load_assignment": {
        "cluster_name": "modules",
        "endpoints": [
            {
                "lb_endpoints": [
                    {
                        "endpoint": {
                            "address": {
                                "socket_address": {"address": "127.0.0.1", "port_value": ports.SENTINEL_MODULE_SERVER}
                            }
                        }
                    }
                ]
            }
        ],
    },
}


@pytest.mark.parametrize("sentinel", [True, False], ids=["sentinel", "open"])
def test_guard_module_fails_to_load_and_envoy_serves_anyway(upstream, logs_dir, tmp_path, sentinel):
    """A Remote module source whose sha256 does not match the file: Envoy 1.40
    fetches it, refuses the bytes, and starts the listener without the filter."""
    listener = remote_guard(guarded_listener(sentinel), nack=None)
    server = ModuleServer()
    try:
        anonymous, authenticated, log = run(
            tmp_path,
            logs_dir,
            listener,
            f"remote-{sentinel}",
            clusters=[MODULES_CLUSTER],
            env={"TMPDIR": str(tmp_path)},
        )
    finally:
        server.close()
    assert "module will not be loaded" in log, log[-3000:]
    if sentinel:
        assert anonymous == DENIED and authenticated == DENIED, (anonymous, authenticated)
    else:
        assert served(anonymous), anonymous


@pytest.mark.parametrize("sentinel", [True, False], ids=["sentinel", "open"])
def test_guard_panicking(upstream, logs_dir, tmp_path, sentinel):
    """The guard's place taken by the test-only fault_injection filter, which
    panics in the request headers hook of a request carrying x-inject-fault:
    the SDK's barrier already answers 500, so this one is closed with or
    without the sentinel; the sentinel is the second lock."""
    listener = guarded_listener(sentinel)
    typed = guard_filter(listener)["typed_config"]
    typed["filter_name"] = "fault_injection"
    typed["filter_config"] = {
        "@type": "type.googleapis.com/google.protobuf.StringValue",
        "value": '{"phase": "request_headers"}',
    }
    config = configs.bootstrap([listener], ports.SENTINEL_ADMIN)
    path = configs.write(tmp_path / "panic.json", config)
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ports.SENTINEL_ADMIN,
        base_id=ports.SENTINEL_BASE_ID,
        name=f"envoy-sentinel-panic-{sentinel}",
        search_path=processes.TEST_LIB,
        extra_env={"DM_ENABLE_FAULT_INJECTION": "1"},
    )
    try:
        for headers in ([("x-inject-fault", "1")], [("x-inject-fault", "1"), ("x-auth", "yes")]):
            answer = client.request(PORT, headers=headers)
            assert answer.status != 200 and answer.status >= 400, (answer.status, answer.body)
        # Without a fault, fault_injection lets the request through unmarked
        # (it is no guard): only the sentinel stops it.
        calm = client.request(PORT)
        if sentinel:
            assert (calm.status, calm.body) == DENIED
        else:
            assert served((calm.status, calm.body))
    finally:
        assert envoy.stop() == 0


def test_guard_module_file_missing_refuses_the_config(tmp_path):
    """A Local module file that is not there: Envoy refuses the whole config
    (at startup it does not start; by xDS it rejects the update), so nothing
    serves the route without its guard."""
    listener = guarded_listener(True)
    guard_filter(listener)["typed_config"]["dynamic_module_config"] = {"name": "no_such_guard"}
    path = configs.write(tmp_path / "missing.json", configs.bootstrap([listener], ports.SENTINEL_ADMIN))
    code, out = processes.validate(path)
    assert code != 0, out[-2000:]
    assert "libno_such_guard.so not found in any search path" in out, out[-2000:]


def test_every_test_docs_security_names_exists():
    """docs/SECURITY.md points each case at tests by file::name: each must exist."""
    import re

    text = (processes.ROOT / "docs" / "SECURITY.md").read_text()
    refs = re.findall(r"`((?:integration|go)/[\w/]+\.(?:py|go))::(\w+)`", text)
    # `::name` after a first full reference continues the same file.
    for match in re.finditer(r"`((?:integration|go)/[\w/]+\.(?:py|go))::\w+`((?:, `::\w+`)+)", text):
        refs += [(match[1], name) for name in re.findall(r"`::(\w+)`", match[2])]
    assert len(refs) > 15, refs
    for path, name in refs:
        source = (processes.ROOT / path).read_text()
        assert re.search(rf"^(?:def|func) {name}\(", source, re.M), f"{path}::{name} named in docs/SECURITY.md"


def remote_guard(listener: dict, nack: bool | None, field: str = "nack_on_cache_miss") -> dict:
    """The guard loaded from a Remote source with the wrong sha256, with or without nack_on_cache_miss."""
    source: dict[str, object] = {
        "module": {
            "remote": {
                "http_uri": {
                    "uri": f"http://127.0.0.1:{ports.SENTINEL_MODULE_SERVER}/librust_module.so",
                    "cluster": "modules",
                    "timeout": "5s",
                },
                "sha256": WRONG_SHA256,
            }
        }
    }
    if nack is not None:
        source[field] = nack
    guard_filter(listener)["typed_config"]["dynamic_module_config"] = source
    return listener


def test_nack_on_cache_miss_refuses_a_guard_not_in_the_cache(tmp_path):
    """Envoy 1.40 knows DynamicModuleConfig.nack_on_cache_miss (a misspelt
    field is refused as unknown) and with it refuses a config whose Remote
    module is not cached, instead of starting without the filter: at startup
    Envoy does not start; by xDS the update is rejected (the Envoy Gateway
    tests, test_fail_closed.py)."""
    for field, want in (
        ("nack_on_cache_miss", "Remote module not cached; background fetch in progress"),
        ("nack_on_cache_miss_typo", "field: 'nack_on_cache_miss_typo'"),
    ):
        config = configs.bootstrap([remote_guard(guarded_listener(True), True, field)], ports.SENTINEL_ADMIN)
        config["static_resources"]["clusters"].append(MODULES_CLUSTER)
        code, out = processes.validate(
            configs.write(tmp_path / f"{field}.json", config), extra_env={"TMPDIR": str(tmp_path)}
        )
        # Protobuf's parse errors vary their spacing on purpose: compare words.
        assert code != 0 and want in " ".join(out.split()), out[-2000:]
