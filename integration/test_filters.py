"""Each Rust filter on its demo listener of envoy.yaml, through a real Envoy."""

import configs
import ports
from client import request, upstream_view
from harness import processes


def test_random_auth_is_deterministic_with_a_seed(envoy, tmp_path):
    statuses = [request(1067, "/").status for _ in range(60)]
    assert set(statuses) == {200, 403}, statuses
    forbidden = [r for r in (request(1067, "/") for _ in range(20)) if r.status == 403]
    assert forbidden and all(r.body == b"Access forbidden" for r in forbidden)
    # Same seed, same sequence: a second Envoy, fresh from the same config,
    # draws the same decisions in the same order.
    admin = ports.ADMIN + ports.SHIFT
    config = configs.write(tmp_path / "envoy-shifted.json", configs.shifted(configs.lab_config(), admin))
    again = processes.start_envoy(
        envoy.log_path.parent,
        base_id=ports.BASE_ID["random_auth_again"],
        name="envoy-random-again",
        admin_port=admin,
        config=config,
    )
    try:
        second = [request(1067 + ports.SHIFT, "/").status for _ in range(60)]
    finally:
        code = again.stop()
    assert code == 0, again.log()[-3000:]
    assert second == statuses


def test_metrics_show_on_prometheus(envoy):
    # Nothing else in this module's Envoy sends to 1070: the counts are exact.
    for path in ("/", "/status/404", "/status/503", "/status/503"):
        request(1070, path)

    def value(prefix):
        stats = request(processes.ADMIN_PORT, "/stats/prometheus").body.decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in stats.splitlines() if line.startswith(prefix))

    # Envoy merges histograms into the admin view at its stats flush (every 5 s).
    latency = 'envoy_dynamicmodulescustom_route_latency_ms_count{version="v1",route_name="rust_metrics"}'
    processes.wait_until(lambda: value(latency) >= 4, 15, "histogram merge")
    assert value(latency) == 4
    responses = 'envoy_dynamicmodulescustom_responses_total{version="v1",status_class="%s"}'
    assert value(responses % "2xx") == 1
    assert value(responses % "4xx") == 1
    assert value(responses % "5xx") == 2


def test_per_route_override(envoy):
    assert request(1072, "/override").values("x-route-rules") == ["override"]
    assert request(1072, "/").values("x-route-rules") == ["default"]


def test_upstream_filters_run_on_the_cluster(envoy):
    view = upstream_view(request(1073, "/headers"))
    assert view["headers"].get("x-upstream-filter") == ["rust_module"]
    # The downstream listeners' cluster has no upstream filters.
    assert "x-upstream-filter" not in upstream_view(request(1066, "/headers"))["headers"]
