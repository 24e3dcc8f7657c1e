"""Each Rust filter on its demo listener of envoy.yaml, through a real Envoy."""

import lab
from client import request, upstream_view


def test_random_auth_is_deterministic_with_a_seed(envoy):
    statuses = [request(1067, "/").status for _ in range(60)]
    assert set(statuses) == {200, 403}, statuses
    forbidden = [r for r in (request(1067, "/") for _ in range(20)) if r.status == 403]
    assert forbidden and all(r.body == b"Access forbidden" for r in forbidden)
    # Same seed, same sequence: a second Envoy, fresh from the same config,
    # draws the same decisions in the same order.
    again = lab.start_envoy(envoy.log_path.parent, base_id=21, name="envoy-random-again",
                            admin_port=lab.ADMIN_PORT + 1000,
                            config=_with_admin(envoy.log_path.parent, lab.ADMIN_PORT + 1000, drop_ports=True))
    try:
        second = [request(11067, "/").status for _ in range(60)]
    finally:
        again.stop()
    assert second == statuses


def _with_admin(dir_, admin_port, drop_ports=False):
    """envoy.yaml with another admin port and every listener port + 10000, so a
    second Envoy can run beside the first."""
    text = lab.ENVOY_YAML.read_text().replace("port_value: 9901", f"port_value: {admin_port}")
    if drop_ports:
        for port in range(1062, 1074):
            text = text.replace(f"port_value: {port} ", f"port_value: {port + 10000} ")
    path = dir_ / "envoy-shifted.yaml"
    path.write_text(text)
    return path


def test_metrics_show_on_prometheus(envoy):
    for path in ("/", "/status/404", "/status/503"):
        request(1070, path)

    def value(prefix):
        stats = request(lab.ADMIN_PORT, "/stats/prometheus").body.decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in stats.splitlines() if line.startswith(prefix))

    # Envoy merges histograms into the admin view at its stats flush (every 5 s).
    latency = 'envoy_dynamicmodulescustom_route_latency_ms_count{version="v1",route_name="rust_metrics"}'
    lab.wait_until(lambda: value(latency) >= 3, 15, "histogram merge")
    assert value('envoy_dynamicmodulescustom_responses_total{version="v1",status_class="2xx"}') >= 1
    assert value('envoy_dynamicmodulescustom_responses_total{version="v1",status_class="4xx"}') >= 1
    assert value('envoy_dynamicmodulescustom_responses_total{version="v1",status_class="5xx"}') >= 1


def test_per_route_override(envoy):
    assert request(1072, "/override").values("x-route-rules") == ["override"]
    assert request(1072, "/").values("x-route-rules") == ["default"]


def test_upstream_filters_run_on_the_cluster(envoy):
    view = upstream_view(request(1073, "/headers"))
    assert view["headers"].get("x-upstream-filter") == ["rust_module"]
    # The downstream listeners' cluster has no upstream filters.
    assert "x-upstream-filter" not in upstream_view(request(1066, "/headers"))["headers"]
