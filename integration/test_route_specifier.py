"""rs_tenant_routes, the route specifier (librust_module.so), through the lab's
envoy.yaml with 4 workers: after 1102's route matches, the module gives each
request its tenant's route template, from the path (/t/acme/...) or else the
x-tenant header: acme to tenant_alpha (named_alpha), globex and initech to
tenant_beta (named_beta), anything else to the shared template (named_gamma).
The echo upstreams answer their own names; each template says its id in
x-route-template. The tenant's prefix is stripped upstream and x-tenant-id
tells the upstream the tenant (the client's own value never gets through).
The other fallbacks (404, the matched route as configured) run in an Envoy
built here. Clients: HTTP/1.1 (Python, a thread pool on keep-alive
connections) and HTTP/2 (h2client). Bad configs: `envoy --mode validate`, one
line each.

Timings here: the mixed 2,000-request run about 1 s, the whole file about 8 s."""

from __future__ import annotations

import http.client
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import h2client
import kinds
import ports
from client import request, upstream_view
from harness import processes, servers

PORT = 1102

# (path, headers) -> (the template, the upstream that answers).
ROUTED = [
    ("/t/acme/hello", {}, "tenant_alpha", b"alpha\n"),
    ("/t/globex/hello", {}, "tenant_beta", b"beta\n"),
    ("/t/initech", {}, "tenant_beta", b"beta\n"),
    ("/hello", {"x-tenant": "acme"}, "tenant_alpha", b"alpha\n"),
    ("/hello", {"x-tenant": "globex"}, "tenant_beta", b"beta\n"),
    # The path names the tenant: the header cannot move it.
    ("/t/acme/hello", {"x-tenant": "globex"}, "tenant_alpha", b"alpha\n"),
    # No listed tenant: the shared template (the lab's fallback).
    ("/hello", {}, "shared", b"gamma\n"),
    ("/t/nobody/hello", {"x-tenant": "acme"}, "shared", b"gamma\n"),
    ("/t/ACME/hello", {}, "shared", b"gamma\n"),
    ("/t/ac%6De/hello", {}, "shared", b"gamma\n"),
    ("/hello", {"x-tenant": "umbrella"}, "shared", b"gamma\n"),
]


@pytest.fixture(scope="module")
def lab(logs_dir, envoy):
    started = servers.start_named_upstreams(logs_dir, ports.NAMED_UPSTREAMS)
    yield envoy
    for proc in started.values():
        proc.stop()


def header(headers, name: str) -> str | None:
    return next((v for k, v in headers if k == name), None)


@pytest.mark.parametrize("path,headers,template,body", ROUTED)
def test_each_tenant_gets_its_route_over_http1_and_http2(lab, path, headers, template, body):
    resp = request(PORT, path, headers=list(headers.items()))
    assert (resp.status, resp.body, header(resp.headers, "x-route-template")) == (200, body, template)
    conn = h2client.H2Connection(PORT)
    try:
        status, got_headers, got = conn.request("GET", path, headers, None)
    finally:
        conn.close()
    assert (status, got, header(got_headers, "x-route-template")) == (200, body, template)


def test_the_prefix_is_stripped_and_the_upstream_told_the_tenant(lab):
    # The client's own x-tenant-id is replaced, never appended to.
    resp = request(PORT, "/t/initech/anything/x?q=1", headers=[("x-tenant-id", "acme")])
    view = upstream_view(resp)
    assert (view["path"], view["headers"]["x-tenant-id"]) == ("/anything/x?q=1", ["initech"])
    view = upstream_view(request(PORT, "/t/acme/anything"))
    assert (view["path"], view["headers"]["x-tenant-id"]) == ("/anything", ["acme"])
    # From the header: nothing to strip.
    view = upstream_view(request(PORT, "/anything/y", headers=[("x-tenant", "globex")]))
    assert (view["path"], view["headers"]["x-tenant-id"]) == ("/anything/y", ["globex"])


def test_the_fallback_takes_a_claimed_tenant_id_away(lab):
    resp = request(PORT, "/anything/z", headers=[("x-tenant-id", "acme")])
    assert header(resp.headers, "x-route-template") == "shared"
    assert "x-tenant-id" not in upstream_view(resp)["headers"]


def test_2000_mixed_requests_on_4_workers_each_reach_their_tenant(lab):
    # 8 keep-alive connections, spread over Envoy's 4 workers, 250 requests each.
    cases = [("/t/acme/hello", b"alpha\n"), ("/t/globex/hello", b"beta\n"), ("/other", b"gamma\n")]

    def run(worker: int) -> Counter:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        seen: Counter = Counter()
        try:
            for i in range(250):
                path, want = cases[(worker + i) % len(cases)]
                conn.request("GET", path)
                resp = conn.getresponse()
                got = resp.read()
                seen["ok" if (resp.status, got) == (200, want) else f"{path} {resp.status} {got!r}"] += 1
        finally:
            conn.close()
        return seen

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(run, range(8)), Counter())
    assert total == Counter({"ok": 2000}), total


# ------------------------------------------- the other fallbacks, in code

NAMED = {"named_alpha": 1260, "named_beta": 1261}


@pytest.fixture(scope="module")
def fallbacks(upstream, lab, logs_dir, tmp_path_factory):
    """An Envoy of two listeners: fallback no_route, and pass_through (the
    route's own cluster, echo)."""
    config = {"tenants": {"acme": "tenant_alpha"}}
    templates = {"tenant_alpha": "named_alpha"}
    listeners = [
        kinds.route_specifier_listener(
            port, "rs_tenant_routes", {**config, "fallback": fallback}, templates=templates, cluster="echo"
        )
        for fallback, port in ports.RS_TEST_LISTENERS.items()
    ]
    bootstrap = kinds.bootstrap(listeners, ports.RS_TEST_ADMIN)
    bootstrap["static_resources"]["clusters"] += [kinds._cluster(name, port) for name, port in NAMED.items()]
    path = tmp_path_factory.mktemp("route-specifier") / "fallbacks.json"
    path.write_text(json.dumps(bootstrap))
    proc = processes.start_envoy(
        logs_dir, config=path, admin_port=ports.RS_TEST_ADMIN, base_id=ports.BASE_ID["routing_rs"], name="envoy-rs"
    )
    yield proc
    assert proc.stop() == 0, proc.log()[-3000:]


def test_fallback_no_route_answers_404_and_sends_nothing_upstream(fallbacks):
    port = ports.RS_TEST_LISTENERS["no_route"]
    assert request(port, "/t/acme/").body == b"alpha\n"
    before = kinds.stats("cluster.echo.upstream_rq_total", ports.RS_TEST_ADMIN)
    for path, headers in [("/", []), ("/t/nobody/", []), ("/x", [("x-tenant", "globex")])]:
        assert request(port, path, headers=headers).status == 404
    assert kinds.stats("cluster.echo.upstream_rq_total", ports.RS_TEST_ADMIN) == before


def test_fallback_pass_through_keeps_the_matched_route(fallbacks):
    port = ports.RS_TEST_LISTENERS["pass_through"]
    assert request(port, "/t/acme/").body == b"alpha\n"
    resp = request(port, "/t/nobody/")
    assert (resp.status, resp.body) == (200, b"Hello from echo server\n")
    assert header(resp.headers, "x-route-template") is None


# ----------------------------------------------------------------- bad configs

TEMPLATES = {"alpha": "echo", "beta": "echo"}
BAD = [
    ("absent", {}, "filter_config is empty"),
    ("not_object", {"raw": "[]"}, "expected a JSON object"),
    ("no_tenants", {"config": {"fallback": "no_route"}}, "missing field `tenants`"),
    ("empty", {"config": {"tenants": {}}}, "tenants: 1 to 10000 tenants, got 0"),
    (
        "undeclared",
        {"config": {"tenants": {"acme": "delta"}}},
        'tenant "acme" names route template "delta", which the route specifier does not declare '
        "(route_templates: alpha, beta)",
    ),
    ("bad_tenant", {"config": {"tenants": {"Acme": "alpha"}}}, '"Acme" is not a tenant id'),
    (
        "bad_fallback_template",
        {"config": {"tenants": {"acme": "alpha"}, "fallback": {"template": "omega"}}},
        'fallback names route template "omega"',
    ),
    ("bad_fallback", {"config": {"tenants": {"acme": "alpha"}, "fallback": "drop"}}, "unknown variant `drop`"),
    (
        "bad_template",
        {"config": {"tenants": {"acme": "alpha"}, "path_template": "/t/{id}/"}},
        'path_template "/t/{id}/": has no {tenant}',
    ),
    (
        "both_off",
        {"config": {"tenants": {"acme": "alpha"}, "path_template": "", "header": ""}},
        "path_template and header are both off",
    ),
    (
        "bad_header",
        {"config": {"tenants": {"acme": "alpha"}, "header": "a b"}},
        'header name "a b" is not a valid HTTP token',
    ),
    ("unknown_field", {"config": {"tenants": {"acme": "alpha"}, "tenant": 1}}, "unknown field `tenant`"),
    ("unknown_specifier", {"config": {}}, "unknown filter name; this module has: rs_tenant_routes"),
]


@pytest.mark.parametrize("case,kwargs,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_route_specifier_config_is_refused_with_one_line(tmp_path, case, kwargs, expected):
    name = "no_such_specifier" if case == "unknown_specifier" else "rs_tenant_routes"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(kinds.route_specifier_bootstrap(name, templates=TEMPLATES, **kwargs)))
    code, lines, out = kinds.refusal_lines(path, "route specifier", name)
    assert code > 0, f"expected a refusal (exit > 0, no signal), got {code}\n{out[-2000:]}"
    assert len(lines) == 1, f"want one error line\n{out[-3000:]}"
    assert expected in lines[0], lines[0]
