"""The lab_status bootstrap extension through a real Envoy 1.40 with the lab's
envoy.yaml (4 workers): GET /dynamic_modules on the admin port, live counts
that follow open streams and connections back to 0, 1091's tokens file edited
while Envoy runs, and access-log lines queued at shutdown that still reach the
disk."""

import json
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import configs
import ports
from client import request
from harness import processes, servers

DELAY, ECHO, TOKENS = 1071, 1080, 1091
# lab_status's timer: every second in envoy.yaml; a change must show within
# that plus scheduling slack.
RELOAD_WITHIN = 4.0


def status(admin: int = processes.ADMIN_PORT) -> dict:
    resp = request(admin, "/dynamic_modules")
    assert resp.status == 200, resp.body[:300]
    return json.loads(resp.body)


def filter_row(doc: dict, kind: str, name: str) -> dict:
    rows = [f for f in doc["filters"] if f["kind"] == kind and f["name"] == name]
    assert len(rows) == 1, (kind, name, doc["filters"])
    return rows[0]


def until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout}s")


def test_status_json_names_the_module_its_abi_and_every_filter(envoy):
    doc = status()
    assert doc["module"] == {"name": "rust_module", "language": "rust", "version": doc["module"]["version"]}
    assert doc["module"]["version"]
    assert doc["abi_version"] == "v0.2.0"
    kinds = {f["kind"] for f in doc["filters"]}
    assert kinds == {
        "http",
        "network",
        "listener",
        "udp_listener",
        "access_logger",
        "bootstrap",
        "early_header_mutation",
        "lb",
        "cluster_specifier",
        "cluster",
        # route_specifier kind
        "route_specifier",
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
        "formatter",
        # stat_sink kind
        "stat_sink",
        # cert_validator kind
        "cert_validator",
        # tracer kind
        "tracer",
        # transport_socket kind
        "transport_socket",
    }, kinds
    for row in doc["filters"]:
        # transport_socket kind: a filter's own counts, when it keeps any.
        assert set(row) - {"counters"} == {
            "kind",
            "name",
            "live_configs",
            "live_instances",
            "configs_created",
            "configs_destroyed",
            "instances_created",
            "instances_destroyed",
        }
        assert row["live_configs"] == row["configs_created"] - row["configs_destroyed"]
    # header_auth serves 1069 and 1091; one lab_status with its one extension.
    assert filter_row(doc, "http", "header_auth")["live_configs"] == 2
    # 1062's json_access_log: one configuration (Envoy makes a logger per thread from it).
    assert filter_row(doc, "access_logger", "json_access_log")["live_configs"] == 1
    lab_status = filter_row(doc, "bootstrap", "lab_status")
    assert (lab_status["live_configs"], lab_status["live_instances"]) == (1, 1)
    # The cluster kind: 1110's one cluster from its one configuration.
    file_hosts = filter_row(doc, "cluster", "cluster_file_hosts")
    assert (file_hosts["live_configs"], file_hosts["live_instances"]) == (1, 1), file_hosts
    files = doc["counters"]["header_auth_token_files"]
    assert [f["path"] for f in files] == ["tokens/header_auth.txt"], files
    assert doc["counters"]["access_log_pending_lines"] >= 0
    assert request(processes.ADMIN_PORT, "/dynamic_modules", method="POST").status == 405


def test_live_streams_go_up_while_open_and_back_to_zero(envoy):
    n = 8
    before = filter_row(status(), "http", "delay")
    assert before["live_instances"] == 0, before
    with ThreadPoolExecutor(n) as pool:
        slow = [pool.submit(request, DELAY, "/", headers=[("do-delay", "1500")]) for _ in range(n)]
        live = until(
            lambda: (r := filter_row(status(), "http", "delay"))["live_instances"] == n and r,
            5,
            f"{n} delayed streams live",
        )
        assert all(f.result().status == 200 for f in slow)
    assert live["instances_created"] - before["instances_created"] >= n
    until(lambda: filter_row(status(), "http", "delay")["live_instances"] == 0, 5, "delay streams back to 0")


def test_live_connections_go_up_while_open_and_back_to_zero(envoy):
    n = 12  # over 4 workers: the count is the sum of every worker's
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", ECHO), timeout=5)
            s.sendall(b"x")
            assert s.recv(1) == b"x"
            socks.append(s)
        assert filter_row(status(), "network", "network_echo")["live_instances"] == n
    finally:
        for s in socks:
            s.close()
    until(lambda: filter_row(status(), "network", "network_echo")["live_instances"] == 0, 5, "connections back to 0")


def code(token: str) -> int:
    return request(TOKENS, "/", headers=[("x-auth", token)]).status


def test_tokens_file_edited_while_envoy_runs(envoy):
    path = envoy.log_path.parent / envoy.name / processes.LAB_TOKENS
    original = path.read_text()
    try:
        assert (code(processes.LAB_TOKEN), code("rotated-token")) == (200, 401)
        assert request(TOKENS, "/").status == 401
        path.write_text("# rotated\nrotated-token\n")
        until(lambda: code("rotated-token") == 200, RELOAD_WITHIN, "the new token accepted")
        assert code(processes.LAB_TOKEN) == 401
        # A missing file keeps the set it had, and says so once.
        path.unlink()
        time.sleep(2.5)
        assert (code("rotated-token"), code(processes.LAB_TOKEN)) == (200, 401)
        warned = [line for line in envoy.log().splitlines() if "keeping the previous 1 tokens" in line]
        assert len(warned) == 1, warned
        assert "[warning]" in warned[0] and "tokens/header_auth.txt" in warned[0], warned[0]
        (row,) = status()["counters"]["header_auth_token_files"]
        assert row["failing"] and row["tokens"] == 1, row
    finally:
        path.write_text(original)
    until(lambda: code(processes.LAB_TOKEN) == 200, RELOAD_WITHIN, "the lab token back")


def test_shutdown_flushes_queued_access_log_lines(upstream, logs_dir, tmp_path):
    # The lab's config on shifted ports, in its own directory, so its
    # access_logs/ holds this test's lines only.
    admin = ports.ADMIN + ports.SHIFT
    config = configs.write(tmp_path / "envoy-shifted.json", configs.shifted(configs.lab_config(), admin))
    envoy = processes.start_envoy(
        logs_dir,
        config=config,
        admin_port=admin,
        base_id=ports.BASE_ID["lab_status"],
        name="envoy-lab-status-stop",
        cwd=tmp_path,
        # A slow disk: 1 ms a line, so lines are still queued at SIGTERM.
        extra_env={"DM_ENABLE_FAULT_INJECTION": "1", "DM_ACCESS_LOG_WRITE_DELAY_MS": "1"},
        # The slow disk is a test knob of the test build only.
        search_path=processes.TEST_LIB,
    )
    n, done = 2000, []
    try:

        def one(i):
            assert request(1062 + ports.SHIFT, f"/uuid?i={i}").status == 200
            done.append(i)

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(one, range(n)))
        queued = status(admin)["counters"]["access_log_pending_lines"]
    finally:
        # At once: whatever the writer has not written yet is still queued.
        code = envoy.stop(signal.SIGTERM)
    assert code == 0, envoy.log()[-3000:]
    log = envoy.log()
    flushed = [line for line in log.splitlines() if "lab_status: shutdown: access logs flushed" in line]
    assert len(flushed) == 1, log[-3000:]
    assert "still queued" not in log
    # The writer was behind when the shutdown came: the flush had work to do.
    assert queued > 0 and "(0 lines were queued)" not in flushed[0], (queued, flushed[0])
    text = (tmp_path / "access_logs" / "access_log_0.log").read_text()
    paths = sorted(json.loads(line)["path"] for line in text.splitlines())
    print(f"shutdown: {n} requests, {queued} lines queued at the last status, {flushed[0].split('] ')[-1]}")
    assert paths == sorted(f"/uuid?i={i}" for i in range(n))


def test_a_status_request_during_traffic_never_blocks_the_workers(envoy):
    # The admin handler reads atomics only: traffic and status requests side by side.
    stop = threading.Event()
    errors = []

    def traffic():
        while not stop.is_set():
            if request(1063, "/").status != 200:
                errors.append("non-200")

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(50):
            doc = status()
            assert filter_row(doc, "http", "header_mutation")["live_instances"] >= 0
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors


# early_header_mutation kind
def test_early_header_mutation_counts_one_config_and_every_request(envoy):
    # 1120's one configuration serves every worker; each mutate counts as an
    # instance made and gone (there is no per-request object to keep alive).
    before = filter_row(status(), "early_header_mutation", "early_forwarded_headers")
    assert before["live_configs"] == 1, before
    for _ in range(5):
        assert request(1120, "/").status == 200
    after = filter_row(status(), "early_header_mutation", "early_forwarded_headers")
    assert after["instances_created"] - before["instances_created"] == 5, (before, after)
    assert after["live_instances"] == 0, after


def test_the_load_balancing_policy_is_listed_with_its_load_balancers(envoy):
    # The cluster `named` (1100): one configuration, and a load balancer per
    # worker and one on the main thread, all alive.
    row = filter_row(status(), "lb", "lb_header_pin")
    assert row["live_configs"] == 1, row
    assert row["live_instances"] == processes.WORKERS + 1, row


def test_the_cluster_specifier_is_listed_with_its_configuration(envoy):
    # 1101's route: one configuration, shared by every worker (no instances).
    row = filter_row(status(), "cluster_specifier", "cs_canary_split")
    assert (row["live_configs"], row["live_instances"]) == (1, 0), row


# route_specifier kind
def test_the_route_specifier_is_listed_with_its_configuration(envoy):
    # 1102's route: one configuration, shared by every worker (no instances),
    # alive after requests of every kind of decision.
    for path in ["/t/acme/", "/t/globex/", "/"]:
        request(1102, path)
    row = filter_row(status(), "route_specifier", "rs_tenant_routes")
    assert (row["live_configs"], row["live_instances"], row["configs_created"]) == (1, 0, 1), row


# upstream_http_tcp_bridge kind
def test_the_bridge_is_listed_with_a_configuration_per_worker_and_a_bridge_per_request(envoy, logs_dir):
    # 1130's cluster: Envoy makes the configuration on each worker at its first
    # request there, and a bridge per request, gone when the request is.
    before = filter_row(status(), "upstream_http_tcp_bridge", "bridge_http_redis")
    redis = servers.start_redis(logs_dir)
    try:
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: request(1130, "/GET/lab_status:none").status, range(20)))
    finally:
        redis.stop()
    assert statuses == [404] * 20
    row = filter_row(status(), "upstream_http_tcp_bridge", "bridge_http_redis")
    assert 1 <= row["live_configs"] <= processes.WORKERS, row
    assert row["instances_created"] - before["instances_created"] == 20, (before, row)
    assert row["live_instances"] == 0, row


# health_checker kind
def test_the_health_checker_is_listed_with_a_session_per_host(envoy):
    # The cluster hc_redis (1111): one configuration, and a session for each
    # of its three hosts, alive whether the hosts answer or not.
    row = filter_row(status(), "health_checker", "hc_redis_ping")
    assert (row["live_configs"], row["live_instances"]) == (1, len(ports.HEALTH_REDIS)), row


# config_validator kind
def test_the_config_validator_is_listed_with_a_validation_per_update(envoy):
    # envoy.yaml's CDS (from the lab's control plane): one configuration; each
    # update it judges counts as an instance, made and released in the call.
    processes.wait_until(lambda: request(1155, "/").status == 200, 10, "1155 through cv_backend")
    row = filter_row(status(), "config_validator", "cv_platform_rules")
    assert (row["live_configs"], row["live_instances"]) == (1, 0), row
    assert row["instances_created"] >= 1 and row["instances_created"] == row["instances_destroyed"], row


# matcher kind
def test_the_matcher_is_listed_with_a_configuration_per_virtual_host(envoy, logs_dir):
    # 1145's two virtual hosts: a configuration each, shared by every worker;
    # each evaluation counts as an instance made and gone.
    before = filter_row(status(), "matcher", "mt_cidr_set")
    for xff in ["10.0.0.1", "8.8.8.8", "nonsense"]:
        request(1145, "/", headers=[("x-forwarded-for", xff)])
    row = filter_row(status(), "matcher", "mt_cidr_set")
    assert (row["live_configs"], row["configs_created"], row["live_instances"]) == (2, 2, 0), row
    assert row["instances_created"] >= before["instances_created"] + 3, (before, row)


# matcher_data_input kind
def test_the_data_input_is_listed_with_its_configuration(envoy):
    before = filter_row(status(), "matcher_data_input", "di_tenant")
    for path in ["/t/acme/", "/t/nobody/"]:
        request(1146, path)
    row = filter_row(status(), "matcher_data_input", "di_tenant")
    assert (row["live_configs"], row["configs_created"], row["live_instances"]) == (1, 1, 0), row
    # At least one evaluation per request (Envoy may evaluate a tree more than
    # once per request: seen here for the request that matches nothing).
    assert row["instances_created"] >= before["instances_created"] + 2, (before, row)


# header_formatter kind
def test_the_header_formatter_is_listed_with_a_formatter_per_message(envoy, logs_dir):
    # 1147's formatter is named twice (the listener and the cluster): two
    # configurations; a formatter per HTTP/1 message, gone with it.
    raw = servers.start_raw_upstream(logs_dir)
    try:
        before = filter_row(status(), "header_formatter", "hf_preserve_case")
        for _ in range(3):
            assert request(1147, "/", headers=[("X-Legacy-Token", "t")]).status == 200
    finally:
        raw.stop()
    row = filter_row(status(), "header_formatter", "hf_preserve_case")
    assert (row["live_configs"], row["configs_created"]) == (2, 2), row
    # At least the three requests and their three responses (the upstream
    # codec formats the response): each formatter gone when its message is.
    assert row["instances_created"] >= before["instances_created"] + 6, (before, row)
    assert row["live_instances"] == 0, row


# formatter kind
def test_the_formatter_is_listed_with_a_provider_per_command(envoy):
    # 1140's access log: one configuration, and a provider for each of its two
    # %KEYED_HASH(...)% commands, for as long as the listener lives; a request
    # formats with them and makes no new one.
    row = filter_row(status(), "formatter", "fmt_header_hash")
    assert (row["live_configs"], row["live_instances"]) == (1, 2), row
    assert request(1140, "/", headers=[("x-user-id", "alice")]).status == 200
    after = filter_row(status(), "formatter", "fmt_header_hash")
    assert (after["live_configs"], after["live_instances"], after["instances_created"]) == (1, 2, 2), after


# stat_sink kind
def test_the_stats_sink_is_listed_and_counts_its_flushes(envoy):
    # envoy.yaml's one stats_statsd: one configuration; each flush (every
    # second there) counts as an instance made and gone.
    before = filter_row(status(), "stat_sink", "stats_statsd")
    assert before["live_configs"] == 1 and before["live_instances"] == 0, before
    after = until(
        lambda: (
            (row := filter_row(status(), "stat_sink", "stats_statsd"))["instances_created"]
            > before["instances_created"]
            and row
        ),
        5,
        "a flush",
    )
    assert after["live_configs"] == 1 and after["instances_destroyed"] == after["instances_created"], after


# tracer kind
def test_the_tracer_is_listed_with_a_span_per_traced_request_and_child(envoy):
    # 1156's connection manager: one configuration; each request makes a span
    # and a child span for its upstream call, both gone with the request.
    before = filter_row(status(), "tracer", "tr_w3c_json")
    for _ in range(5):
        assert request(1156, "/").status == 200
    after = filter_row(status(), "tracer", "tr_w3c_json")
    assert after["live_configs"] == 1, after
    assert after["instances_created"] - before["instances_created"] == 10, (before, after)
    assert after["live_instances"] == 0, after


# cert_validator kind
def test_the_cert_validator_counts_each_judged_chain(envoy):
    # 1150's TLS context: one configuration; each handshake's judgement is an
    # instance, made and gone within it (the lab's committed client keys).
    certs = processes.ROOT / "integration" / "certs" / "cert_spki_pin"
    before = filter_row(status(), "cert_validator", "cert_spki_pin")
    codes = []
    for name in ("pinned", "other"):
        argv = ["curl", "-sSk", "--tls-max", "1.2", "--cert", str(certs / f"{name}.crt")]
        argv += ["--key", str(certs / f"{name}.key"), "https://127.0.0.1:1150/uuid"]
        codes.append(subprocess.run(argv, capture_output=True, timeout=10).returncode)
    assert codes[0] == 0 and codes[1] != 0, codes
    row = filter_row(status(), "cert_validator", "cert_spki_pin")
    assert row["live_configs"] == 1, row
    assert row["instances_created"] - before["instances_created"] == 2, (before, row)
    assert row["live_instances"] == 0, row


# transport_socket kind
def test_ts_frames_counts_its_sockets_frames_and_refusals(envoy):
    # Two configurations (1152's filter chain and the cluster ts_frames_link);
    # each connection through 1151 is two sockets (one per end), gone after.
    before = filter_row(status(), "transport_socket", "ts_frames")
    sent = b"x" * 40000
    assert request(1151, "/echo", method="POST", body=sent).body == sent
    with socket.create_connection(("127.0.0.1", 1152), timeout=3) as s:
        s.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert s.recv(10) == b""
    row = until(
        lambda: (r := filter_row(status(), "transport_socket", "ts_frames"))["live_instances"] == 0 and r,
        5,
        "sockets released",
    )
    assert row["live_configs"] == 2, row
    assert row["instances_created"] - before["instances_created"] == 3, (before, row)
    grew = {k: row["counters"][k] - before.get("counters", {}).get(k, 0) for k in row["counters"]}
    # 40000 bytes at 16384 a frame: 3 frames each way across the link, plus
    # the request head and the response.
    assert grew["refused"] == 1, grew
    assert grew["bytes_in"] == grew["bytes_out"] > 2 * len(sent), grew
    assert grew["frames_in"] == grew["frames_out"] >= 6, grew
