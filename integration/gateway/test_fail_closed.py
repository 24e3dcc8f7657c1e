"""Fail closed under the real Envoy Gateway (docs/SECURITY.md): the two
EnvoyPatchPolicies of deploy/standalone/resources/40-fail-closed.yaml put
nack_on_cache_miss on every module filter and a sentinel (RBAC on the guard's
mark) behind the guarded routes of the second Gateway, auth and auth-header*.

Each case adds a route auth-header-<case> whose guard is broken one way, and
checks that an unauthenticated request never gets a 200 there; the last test
removes the two patch policies (the open configuration they replace) and shows
the same breakages serving 200. `make gateway-status` (eg_status.py) is
checked at the end: a config the module refuses is drift, named with the
route and Envoy's reason; a good update clears it.

Shares the session's Envoy Gateway with test_gateway.py (this file runs first);
each test puts the resources back before it ends."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import subprocess
import time

import eg
import eg_status
import pytest

SECOND = eg.SECOND_PORT
XDS_TIMEOUT = 60
# The first delivery of a Remote module not in Envoy's cache: Envoy refuses
# the listener update, fetches in the background, and Envoy Gateway's next
# push of the same update is accepted. Measured here in a few seconds.
FIRST_DELIVERY_TIMEOUT = 60
# How long a broken route is watched for a 200 that must never come.
WATCH_SECONDS = 5
WRONG_SHA256 = hashlib.sha256(b"not the Rust module").hexdigest()
GUARD_CONFIG = {"header": "x-auth", "mode": "presence"}
DOWN_PORT = eg.MODULE_SERVER_PORT + 1  # nothing listens here until the test says so
UNAUTHORIZED = (401, b"Unauthorized")
DENIED = (403, b"RBAC: access denied")


def get(host, headers=None):
    status, _, body = eg.request(SECOND, host, "/", headers)
    return status, body


def guarded_route(docs, case: str, module: str, filter_name: str = "header_auth", config=None):
    """A copy of the auth-header route and its policy, as auth-header-<case>,
    guarded by `filter_name` from the allow-list entry `module`."""
    name = f"auth-header-{case}"
    route = copy.deepcopy(eg.find(docs, "HTTPRoute", "auth-header"))
    route["metadata"]["name"] = name
    route["spec"]["hostnames"] = [f"{name}.lab.test"]
    policy = copy.deepcopy(eg.find(docs, "EnvoyExtensionPolicy", "auth-header"))
    policy["metadata"]["name"] = name
    policy["spec"]["targetRefs"][0]["name"] = name
    policy["spec"]["dynamicModule"] = [
        {"name": module, "filterName": filter_name, "config": config if config is not None else GUARD_CONFIG}
    ]
    docs += [route, policy]
    return f"{name}.lab.test"


def add_module(docs, name: str, source: dict):
    eg.find(docs, "EnvoyProxy", "lab")["spec"]["dynamicModules"].append({"name": name, "source": source})


def remote(url: str, sha256: str) -> dict:
    return {"type": "Remote", "remote": {"url": url, "sha256": sha256}}


def never_served(host, seconds=WATCH_SECONDS, headers=None) -> list:
    """Every answer of the route for `seconds`; fails on the first 200."""
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = eg.request(SECOND, host, "/", headers, timeout=2)
        except OSError:
            status = None
        answers.append(status)
        assert status != 200, f"{host} served a request its guard never saw: {answers}"
        time.sleep(0.2)
    return answers


def wait_route_exists(host):
    """Until Envoy has the route (RDS): anything but 404 and no answer."""
    eg.wait_for_route(SECOND, host, lambda s, h: s != 404, XDS_TIMEOUT, f"{host} in Envoy")


@pytest.fixture
def saved(gateway):
    docs = copy.deepcopy(gateway.docs)
    yield docs
    gateway.apply(docs)
    eg.wait_for_route(SECOND, "auth-header.lab.test", lambda s, h: s == 401, XDS_TIMEOUT, "auth-header restored")


def stand_in(directory):
    """The stand-in guard of integration/standin_guard.c, compiled: it answers
    header_auth, guards nothing and marks nothing."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / "librust_module.so"
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            "-Wall",
            "-Werror",
            f"-I{eg.ROOT / 'abi'}",
            "-o",
            str(out),
            str(eg.ROOT / "integration" / "standin_guard.c"),
        ],
        check=True,
    )
    return out


# ------------------------------------------------------------ as shipped


def test_guarded_route_serves_what_its_guard_allows(gateway):
    assert get("auth-header.lab.test") == UNAUTHORIZED
    status, body = get("auth-header.lab.test", {"x-auth": "yes"})
    assert (status, body) == (200, b"Hello from echo server\n")
    # random_auth behind its sentinel still lets about half through.
    statuses = {get("auth.lab.test")[0] for _ in range(20)}
    assert statuses == {200, 403}, statuses


def test_the_patches_reach_envoy(gateway):
    dump = gateway.admin("second", "/config_dump?resource=dynamic_listeners")
    assert '"nack_on_cache_miss": true' in dump
    assert "lab.guard_sentinel" in dump
    statuses = eg.parse_statuses(gateway.log(), "EnvoyPatchPolicy", "fail-closed-second")
    conditions = {c["type"]: c["status"] for st in statuses[-1:] for a in st["ancestors"] for c in a["conditions"]}
    assert conditions.get("Programmed") == "True", statuses[-1:]


# ------------------------------------------------------------ Remote delivery


def test_wrong_sha256_on_a_guarded_route_is_never_served(gateway, saved):
    docs = copy.deepcopy(saved)
    rust = eg.find(docs, "EnvoyProxy", "lab")["spec"]["dynamicModules"]
    url = next(m for m in rust if m["name"] == "rust-remote")["source"]["remote"]["url"]
    add_module(docs, "rust-remote-bad", remote(url, WRONG_SHA256))
    host = guarded_route(docs, "badsha", "rust-remote-bad")
    rejected = gateway.stat("second", "listener_manager.lds.update_rejected")
    gateway.apply(docs)
    eg.processes.wait_until(
        lambda: gateway.stat("second", "listener_manager.lds.update_rejected") > rejected,
        XDS_TIMEOUT,
        "Envoy refusing the listener update (nack_on_cache_miss)",
    )
    wait_route_exists(host)
    never_served(host)
    assert get(host)[0] == DENIED[0], get(host)
    # The rest of the Gateway keeps serving (the previous listener).
    assert get("auth-header.lab.test") == UNAUTHORIZED
    # The right sha256 serves, as before.
    next(m for m in docs if m["kind"] == "EnvoyExtensionPolicy" and m["metadata"]["name"] == "auth-header-badsha")[
        "spec"
    ]["dynamicModule"][0]["name"] = "rust-remote"
    gateway.apply(docs)
    eg.wait_for_route(SECOND, host, lambda s, h: s == 401, XDS_TIMEOUT, f"{host} with the right sha256")
    assert get(host, {"x-auth": "yes"})[0] == 200


def test_module_server_down_then_first_delivery(gateway, saved, tmp_path):
    """A module whose server does not answer: the route is never served. Then
    the server comes up: the first delivery reaches service within
    FIRST_DELIVERY_TIMEOUT, with no change to the resources."""
    # A new sha256, so nothing in Envoy's cache answers for it: the Rust module
    # with trailing bytes (the loader ignores them).
    served_dir = tmp_path / "served"
    served_dir.mkdir()
    module = served_dir / "librust_guard.so"
    module.write_bytes((eg.MODULES_LIB / "librust_module.so").read_bytes() + b"\0" * 64)
    docs = copy.deepcopy(saved)
    add_module(
        docs, "rust-guard-late", remote(f"http://127.0.0.1:{DOWN_PORT}/librust_guard.so", eg.sha256_file(module))
    )
    host = guarded_route(docs, "late", "rust-guard-late")
    gateway.apply(docs)
    wait_route_exists(host)
    never_served(host)
    server = eg.ModuleServer(served_dir, port=DOWN_PORT).start()
    try:
        started = time.monotonic()
        eg.wait_for_route(SECOND, host, lambda s, h: s == 401, FIRST_DELIVERY_TIMEOUT, f"{host} once its server is up")
        took = time.monotonic() - started
        assert get(host, {"x-auth": "yes"})[0] == 200
        print(f"\nfirst delivery of a Remote module after its server came up: {took:.1f}s")
        assert any("GET /librust_guard.so " in r for r in server.requests), server.requests
    finally:
        server.stop()


# ------------------------------------------------------------ the sentinel


def test_guard_swapped_by_renaming(gateway, saved, tmp_path):
    """A Local entry whose file is the stand-in, under the guard's name."""
    docs = copy.deepcopy(saved)
    path = stand_in(tmp_path / "swapped")
    add_module(docs, "rust-swapped", {"type": "Local", "local": {"path": str(path)}})
    host = guarded_route(docs, "swapped", "rust-swapped")
    gateway.apply(docs)
    eg.wait_for_route(SECOND, host, lambda s, h: s == 403, XDS_TIMEOUT, f"{host} denied by the sentinel")
    never_served(host)
    never_served(host, seconds=1, headers={"x-auth": "yes"})


def remove_guard_patch() -> dict:
    """An EnvoyPatchPolicy that deletes auth-header-removed's guard filter from
    the second Gateway's listener."""
    return {
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "EnvoyPatchPolicy",
        "metadata": {"name": "remove-guard", "namespace": eg.NAMESPACE},
        "spec": {
            "targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "second"},
            "type": "JSONPatch",
            "priority": 10,
            "jsonPatches": [
                {
                    "type": "type.googleapis.com/envoy.config.listener.v3.Listener",
                    "name": f"{eg.NAMESPACE}/second/http",
                    "operation": {
                        "op": "remove",
                        # Envoy Gateway names it <type>/<policy kind>/<ns>/<policy>/dynamic-module/<i>;
                        # the kind is empty in standalone mode.
                        "jsonPath": "..http_filters[?(@.name =~ '/envoy-gateway-system/auth-header-removed/')]",
                    },
                }
            ],
        },
    }


def test_guard_filter_removed_from_the_chain(gateway, saved):
    """Another patch deletes the guard's filter from the listener: the route
    still turns it on (by name, now nothing), and the sentinel denies."""
    docs = copy.deepcopy(saved)
    host = guarded_route(docs, "removed", "rust-remote")
    docs.append(remove_guard_patch())
    gateway.apply(docs)
    eg.wait_for_route(SECOND, host, lambda s, h: s == 403, XDS_TIMEOUT, f"{host} denied by the sentinel")
    dump = gateway.admin("second", "/config_dump?resource=dynamic_listeners")
    assert "/auth-header-removed/" not in dump, "the guard's filter is still in the listener"
    never_served(host)
    never_served(host, seconds=1, headers={"x-auth": "yes"})


def test_guard_panicking(gateway, saved):
    """The guard's place taken by the test-only fault_injection filter: a
    request with x-inject-fault makes it panic (the SDK answers 500); one
    without passes it unmarked, and the sentinel denies."""
    docs = copy.deepcopy(saved)
    host = guarded_route(docs, "panic", "rust-remote", "fault_injection", {"phase": "request_headers"})
    gateway.apply(docs)
    eg.wait_for_route(SECOND, host, lambda s, h: s == 403, XDS_TIMEOUT, f"{host} denied by the sentinel")
    for _ in range(5):
        status, _, _ = eg.request(SECOND, host, "/", {"x-inject-fault": "1", "x-auth": "yes"})
        assert status == 500, status
    never_served(host)


# ------------------------------------------------------------ drift


def test_status_shows_a_refused_config_as_drift_and_a_good_update_clears_it(gateway, saved):
    docs = copy.deepcopy(saved)
    before = {r.route: r for g in eg_status.report(gateway) for r in g.routes}
    assert not any(r.drift for r in before.values()), eg_status.render(eg_status.report(gateway))
    eg.find(docs, "EnvoyExtensionPolicy", "auth-header")["spec"]["dynamicModule"][0]["config"] = {
        "header": "x-auth",
        "mode": "presence",
        "no_such_field": True,
    }
    rejected = gateway.stat("second", "listener_manager.lds.update_rejected")
    gateway.apply(docs)
    eg.processes.wait_until(
        lambda: gateway.stat("second", "listener_manager.lds.update_rejected") > rejected,
        XDS_TIMEOUT,
        "Envoy refusing the update",
    )
    # Envoy's log reaches Envoy Gateway's through a pipe: the module's line
    # may land a moment after the counter moved.
    # The assertions below print the report if it never comes.
    with contextlib.suppress(TimeoutError):
        eg.processes.wait_until(
            lambda: "no_such_field" in eg_status.render(eg_status.report(gateway)),
            XDS_TIMEOUT,
            "the module's reason in the status",
        )
    report = eg_status.report(gateway)
    text = eg_status.render(report)
    print("\n" + text)
    drift = [r for g in report for r in g.routes if r.drift]
    assert [r.route for r in drift] == ["auth-header"], text
    assert "DRIFT on route auth-header" in text and "no_such_field" in text, text
    assert "REJECTED listener_manager.lds.update_rejected" in text, text
    # The route still runs the previous config, and still guards.
    assert get("auth-header.lab.test") == UNAUTHORIZED
    gateway.apply(copy.deepcopy(saved))

    def cleared():
        return not any(r.drift for g in eg_status.report(gateway) for r in g.routes)

    eg.processes.wait_until(cleared, XDS_TIMEOUT, "the drift cleared by a good update")
    assert "DRIFT" not in eg_status.render(eg_status.report(gateway))


# ------------------------------------------------------------ the open configuration


def test_without_the_patches_the_same_breakages_serve(gateway, saved, tmp_path):
    """The open configuration 40-fail-closed.yaml replaces: every breakage
    above, on the same routes, serves an unauthenticated request (a 200 from
    the upstream). This is what each check of this file sees without the two
    fail-closed patch policies."""
    docs = [d for d in copy.deepcopy(saved) if not d["metadata"]["name"].startswith("fail-closed-")]
    rust = eg.find(docs, "EnvoyProxy", "lab")["spec"]["dynamicModules"]
    url = next(m for m in rust if m["name"] == "rust-remote")["source"]["remote"]["url"]
    add_module(docs, "rust-remote-bad", remote(url, WRONG_SHA256))
    hosts = [guarded_route(docs, "badsha", "rust-remote-bad")]
    late = tmp_path / "late.so"
    late.write_bytes((eg.MODULES_LIB / "librust_module.so").read_bytes() + b"\1" * 64)
    add_module(docs, "rust-guard-down", remote(f"http://127.0.0.1:{DOWN_PORT}/librust_guard.so", eg.sha256_file(late)))
    hosts.append(guarded_route(docs, "down", "rust-guard-down"))
    add_module(docs, "rust-swapped", {"type": "Local", "local": {"path": str(stand_in(tmp_path / "swapped"))}})
    hosts.append(guarded_route(docs, "swapped", "rust-swapped"))
    hosts.append(guarded_route(docs, "removed", "rust-remote"))
    docs.append(remove_guard_patch())
    hosts.append(guarded_route(docs, "panic", "rust-remote", "fault_injection", {"phase": "request_headers"}))
    gateway.apply(docs)
    for host in hosts:
        eg.wait_for_route(SECOND, host, lambda s, h: s == 200, XDS_TIMEOUT, f"{host} served (fails open)")
