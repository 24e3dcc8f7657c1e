"""Every loopback port and Envoy base-id the lab, the tests, the soak and the
bench use, in one table, so two Envoys that run side by side never collide.

envoy.yaml is the source of the lab's own listeners; `LISTENERS` describes
them (test_listeners.py checks the two agree). Each other Envoy a test or the
bench starts gets its own base-id (Envoy's shared-memory name: two Envoys with
the same one refuse to start) and, where it has its own config, its own admin
port.
"""

from __future__ import annotations

# The echo upstream every cluster routes to.
UPSTREAM = 1234
# The TLS upstreams behind 1085/1086 (by certificate name), the Redis behind
# 1083 and the DNS resolver behind 1087/udp.
TLS_UPSTREAMS = {1235: "default.lab.test", 1236: "a.lab.test", 1237: "b.lab.test"}
REDIS = 6380
DNS_UPSTREAM = 1253
# The auth service behind callout_auth on 1088 (auth_server.py).
AUTH = 1238

# The lab's Envoy (envoy.yaml): its admin port, and its listeners.
ADMIN = 9901
LISTENERS = {
    1062: "Rust passthrough + access_logger -> access_logs/access_log_0.log",
    1063: "Rust passthrough + header_mutation",
    1064: "Go passthrough + header_mutation",
    1065: "C++ passthrough + header_mutation",
    1066: "baseline: router only, no module",
    1077: "Go passthrough + header_mutation_batched (the C batch; same config as 1064)",
    1067: "Rust random_auth (403 for about half, seeded)",
    1068: "Rust zero_copy_regex_waf (403 when the body matches curl|wget|exit$, 413 past 256 KiB)",
    1069: "Rust header_auth (401 without x-auth; presence mode)",
    1070: "Rust metrics (see /stats/prometheus on the admin port)",
    1071: "Rust delay (send do-delay: <ms>)",
    1072: "Rust header_mutation with a per-route override on /override",
    1073: "Rust passthrough + header_mutation as upstream filters",
    1074: "Rust passthrough + body_rewrite (Hello -> Howdy)",
    1075: "Go passthrough + body_rewrite (same config as 1074)",
    1076: "C++ passthrough + body_rewrite (same config as 1074)",
    # Network (L4) filters: TCP, not HTTP.
    1080: "tcp://localhost:1080   Rust network_echo: writes back every byte",
    1081: "tcp://localhost:1081   Rust network_rate_limiter: 2 connections at once, then tcp_proxy to echo",
    1082: "tcp://localhost:1082   Rust network_protocol_logger: a log line per connection, then tcp_proxy to echo",
    1083: "tcp://localhost:1083   Rust network_redis: refuses FLUSHALL, CONFIG, KEYS; tcp_proxy to Redis on 6380",
    # Listener filters and a UDP listener filter (Rust): the try column of README.
    1084: "Rust listener_ip_allowlist: 127.0.0.1 in, 127.0.0.2 closed (curl --interface 127.0.0.2 ...)",
    1085: "Rust listener_tls_detector: http -> echo, https -> TLS upstream (curl -k https://localhost:1085/)",
    1086: "Rust listener_sni_router: SNI a/b.lab.test -> their TLS upstreams, TLS passed through",
    1087: "Rust udp_dns_gateway: dig @127.0.0.1 -p 1087 a.lab.test; other names -> upstream resolver",
    # Dynamic metadata and filter state: Envoy's own access log prints them.
    1089: "Rust request_tagger + header_mutation (x-request-class) -> access_logs/request_tagger.log",
    # HTTP callouts: a filter that asks another cluster before letting a request on.
    1088: "Rust callout_auth: asks the auth service on 1238 (send x-auth-token: good)",
    # A listener of the bootstrap extension's: its tokens are re-read by lab_status.
    1091: "Rust header_auth, tokens from tokens/header_auth.txt (x-auth: lab-token), re-read every second",
    # early_header_mutation kind: before routing, on the connection manager.
    1120: "Rust early_forwarded_headers: x-forwarded-* dropped unless from 127.0.0.1 (curl --interface 127.0.0.2 ...)",
    # Where traffic goes: the routing kinds, to the named upstreams on 1260-1262.
    1100: "Rust lb_header_pin (load-balancing policy): x-pin-host: beta pins, else weights 1/2/7",
    1101: "Rust cs_canary_split (cluster specifier): 90% alpha, 10% beta; x-cluster: named_gamma overrides",
    # The cluster kind: hosts from a file the cluster re-reads, its own load balancer.
    1110: "Rust cluster_file_hosts: hosts from hosts/cluster_file_hosts.json (echo upstreams on 1270-1272)",
    # route_specifier kind: the route chosen after matching, per tenant.
    1102: "Rust rs_tenant_routes (route specifier): /t/acme/ or x-tenant: acme -> alpha, globex -> beta, else gamma",
    # upstream_http_tcp_bridge kind: HTTP in, RESP to the lab's Redis on 6380 out.
    1130: "Rust bridge_http_redis: curl localhost:1130/SET/k -d v; curl localhost:1130/GET/k (JSON replies)",
    # health_checker kind: a cluster's active health check.
    1111: "tcp://localhost:1111   Rust hc_redis_ping: redis-servers 6385-6387, PING each second; tcp_proxy to the healthy",
    # config_validator kind: a cluster from the lab's control plane, each CDS update judged first.
    1155: "Rust cv_platform_rules (xDS config validator): cv_backend from CDS on 1310; edit build/logs/xds/lab.json",
    # matcher kind: a virtual host's matching tree decided by the module.
    1145: "Rust mt_cidr_set (matcher): x-forwarded-for's last hop in 10/8, 192.168/16, fd00::/8 -> alpha, else beta",
    # matcher_data_input kind: a virtual host's matching tree on the module's value.
    1146: "Rust di_tenant (matching data input): /t/acme/ or x-tenant: acme -> alpha, globex -> beta, else 404",
    # header_formatter kind: header names' case towards an HTTP/1 upstream (raw_upstream.py on 1300).
    1147: "Rust hf_preserve_case (HTTP/1 header formatter): the upstream's body is the request head it got, case kept",
    1148: "no module: the same upstream without the formatter (names lowercase), for comparison",
    # formatter kind: Envoy's own file access log with a module's %COMMAND%.
    1140: "Rust fmt_header_hash: %KEYED_HASH(x-user-id)% in access_logs/header_hash.log (curl -H 'x-user-id: alice' ...)",
    # cert_validator kind: mutual TLS, the client's key pinned (integration/certs/cert_spki_pin/).
    1150: "https://localhost:1150   Rust cert_spki_pin: only the pinned client key (curl -k --cert pinned.crt --key pinned.key)",
    # tracer kind: tr_w3c_json on a connection manager's tracing provider.
    1156: "Rust tr_w3c_json: W3C traceparent continued to the upstream, spans -> access_logs/tr_w3c_json_0.log",
    # transport_socket kind: ts_frames between 1151 (plain in) and 1152 (frames in).
    1151: "tcp://localhost:1151   Rust ts_frames: tcp_proxy over framed bytes to 1152 (curl localhost:1151/headers)",
    1152: "tcp://localhost:1152   Rust ts_frames downstream: frames in, HTTP to echo; plaintext closed",
}
COMPARISON = [1062, 1063, 1064, 1065, 1066, 1077]  # Rust demo, Rust, Go, C++, baseline, Go batched
DEMOS = [1067, 1068, 1069, 1070, 1071, 1072, 1073]  # one Rust filter each
BODY = [1074, 1075, 1076]  # body_rewrite: Rust, Go, C++
# Every group of envoy.yaml's listeners; together they are LISTENERS.
NETWORK = [1080, 1081, 1082, 1083]  # network filters (TCP)
LISTENER_KINDS = [1084, 1085, 1086, 1087]  # listener filters, and UDP on 1087
METADATA = [1089]  # request_tagger: dynamic metadata and filter state
CALLOUT = [1088]  # HTTP callouts; they need the auth service (not in HTTP, the soak's set)
BOOTSTRAP = [1091]  # header_auth on lab_status's tokens file (401 without a token: not soaked)
# early_header_mutation kind
EARLY_HEADER_MUTATION = [1120]  # early_forwarded_headers
ROUTING = [1100, 1101, 1102]  # load-balancing policy, cluster and route specifiers (named upstreams: not soaked)
CLUSTER = [1110]  # the cluster kind: cluster_file_hosts (needs the three named upstreams)
# upstream_http_tcp_bridge kind
BRIDGE = [1130]  # bridge_http_redis (needs the Redis on 6380: not soaked)
# health_checker kind
HEALTH_CHECKER = [1111]  # hc_redis_ping (TCP; needs the three redis-servers of HEALTH_REDIS)
# config_validator kind
CONFIG_VALIDATOR = [1155]  # routes to cv_backend from the lab's control plane (XDS_SERVER: not soaked)
# matcher kind
MATCHER = [1145]  # mt_cidr_set (needs the named upstreams: not soaked)
# matcher_data_input kind
MATCHER_DATA_INPUT = [1146]  # di_tenant (needs the named upstreams: not soaked)
# header_formatter kind
HEADER_FORMATTER = [1147, 1148]  # hf_preserve_case and its baseline (need raw_upstream.py: not soaked)
# cert_validator kind
CERT_VALIDATOR = [1150]  # cert_spki_pin (HTTPS with a client certificate: not soaked)
# formatter kind
FORMATTER = [1140]  # fmt_header_hash in Envoy's file access log
# tracer kind
TRACER = [1156]  # tr_w3c_json (not soaked: every sampled request is a span line)
# transport_socket kind
TRANSPORT_SOCKET = [1151, 1152]  # ts_frames: 1151 speaks HTTP over frames; 1152 wants frames (not soaked)
GROUPS = {
    "comparison": COMPARISON,
    "demos": DEMOS,
    "body": BODY,
    "network": NETWORK,
    "listener": LISTENER_KINDS,
    "metadata": METADATA,
    "callout": CALLOUT,
    "bootstrap": BOOTSTRAP,
    # early_header_mutation kind
    "early_header_mutation": EARLY_HEADER_MUTATION,
    "routing": ROUTING,
    "cluster": CLUSTER,
    # upstream_http_tcp_bridge kind
    "upstream_http_tcp_bridge": BRIDGE,
    # health_checker kind
    "health_checker": HEALTH_CHECKER,
    # config_validator kind
    "config_validator": CONFIG_VALIDATOR,
    # matcher kind
    "matcher": MATCHER,
    # matcher_data_input kind
    "matcher_data_input": MATCHER_DATA_INPUT,
    # cert_validator kind
    "cert_validator": CERT_VALIDATOR,
    # header_formatter kind
    "header_formatter": HEADER_FORMATTER,
    # formatter kind
    "formatter": FORMATTER,
    # tracer kind
    "tracer": TRACER,
    # transport_socket kind
    "transport_socket": TRANSPORT_SOCKET,
}
# The listeners that speak HTTP (the soak sends to every one of them).
HTTP = COMPARISON + DEMOS + BODY + METADATA
# early_header_mutation kind
HTTP += EARLY_HEADER_MUTATION
# formatter kind
HTTP += FORMATTER

# Envoy Gateway (make gateway, integration/gateway/eg.py): its two Gateways'
# listeners and the file server of the Remote modules. Envoy Gateway v1.9.1
# also binds these itself, which is why make gateway runs in a network
# namespace of its own.
GATEWAY_LISTENERS = {"first": 10080, "second": 10090}
GATEWAY_MODULE_SERVER = 10100
GATEWAY_FIXED = (18000, 18002, 8081, 19003, 19001)

# A second copy of envoy.yaml beside the lab's: every port + SHIFT.
SHIFT = 10000

# Listener and admin ports of the small configs test_validate.py and
# test_faults.py build in code (configs.py).
SCRATCH_LISTENER = 19000
SCRATCH_ADMIN = 19001

# The bench's listeners (bench_config.py): (upstream route, direct-response
# route) per variant. The four from envoy.yaml keep their lab ports.
BENCH_LISTENERS = {
    "baseline": (1066, 1166),
    "rust_passthrough": (1080, 1180),
    "go_passthrough": (1081, 1181),
    "cpp_passthrough": (1082, 1182),
    "rust_header_mutation": (1063, 1163),
    "go_header_mutation": (1064, 1164),
    "go_header_mutation_batched": (1077, 1177),
    "cpp_header_mutation": (1065, 1165),
    "builtin_header_mutation": (1083, 1183),
    "lua_header_mutation": (1084, 1184),
    "wasm_header_mutation": (1093, 1193),
    "ext_proc_header_mutation": (1094, 1194),
    "rust_header_auth": (1095, 1195),
    "rust_header_auth_sentinel": (1096, 1196),
}
# The bench's ext_proc server (gRPC), and the Lua anchor of its body rows (the
# module body rows use envoy.yaml's own listeners, 1074-1076).
BENCH_EXT_PROC = 1239
BENCH_LUA_BODY = 1090
# The bench's price list (bench/price_list.py), 15000-15099: a listener per (language, op)
# at N and at 2N calls, in price_list.listeners()' order; its Envoy's --base-id
# is BASE_ID["bench_price"] (32-39 are the price list's).
BENCH_PRICE = range(15000, 15100)

# Envoys started with their own config: their admin ports.
FAULTS_ADMIN = 9911
BENCH_ADMIN = 9931
BENCH_ANCHORS_ADMIN = 9941

# --base-id of every Envoy that may run beside another one.
BASE_ID = {
    "lab": 0,  # the lab and the per-module fixtures (one at a time)
    "faults": 11,
    "swap": 13,
    "random_auth_again": 21,  # the shifted copy, beside the lab
    "access_log": 23,
    "bench": 31,
    "bench_anchors": 41,
    "bench_price": 32,  # bench/run.py's price-list phase
    "soak": 51,
    "sigterm": 53,
    "body_cap": 74,  # test_body_rewrite's small-cap Envoy
    "callout": 88,  # test_callout_auth's failure listeners
    "updates": 130,  # test_updates: LDS from a file
    "hot_restart": 131,  # test_updates: two epochs share it, by design
    "upstream_failures": 140,  # test_upstream_failures: envoy.yaml
    "upstream_down": 141,  # test_upstream_failures: a cluster to a closed port
    "lab_status": 91,  # test_lab_status: the lab's config, stopped on purpose
    # early_header_mutation kind: test_kind_faults' Envoy of its faults
    "early_header_mutation_faults": 220,
    # The routing kinds' Envoys (ROUTING_BASE_ID, 200-209).
    "routing_lb_faults": 200,  # test_kind_faults: lb_fault_injection
    "routing_cs_faults": 201,  # test_kind_faults: cs_fault_injection
    # The cluster kind.
    "cluster": 210,  # test_cluster: cluster_file_hosts on its own hosts file
    "cluster_faults": 211,  # test_kind_faults: cluster_fault_injection, a cluster per hook
    # route_specifier kind (ROUTING_BASE_ID).
    "routing_rs": 202,  # test_route_specifier: rs_tenant_routes with other fallbacks
    "routing_rs_faults": 203,  # test_kind_faults: rs_fault_injection
    # upstream_http_tcp_bridge kind (230-234)
    "bridge": 230,  # test_upstream_http_tcp_bridge: side upstreams and bad configs
    "bridge_faults": 231,  # test_kind_faults: bridge_fault_injection, a cluster per hook
    # health_checker kind (212-215)
    "health_checker": 212,  # test_health_checker: hc_redis_ping on its own cluster
    "health_checker_faults": 213,  # test_kind_faults: hc_fault_injection, a cluster per hook
    # config_validator kind (255, 260; the tracer has 256-259)
    "config_validator": 255,  # test_config_validator: cv_platform_rules on xDS from XDS_SERVER
    "config_validator_faults": 260,  # test_kind_faults: cv_fault_injection, SotW and delta
    # matcher and matcher_data_input kinds (245-249)
    "matcher_faults": 245,  # test_kind_faults: mt_fault_injection and di_fault_injection
    # header_formatter kind
    # cert_validator kind (250-254)
    "cert_validator": 250,  # test_cert_validator: cert_spki_pin on certificates the test makes
    "cert_validator_faults": 251,  # test_kind_faults: cert_fault_injection, a listener per hook
    "header_formatter_faults": 246,  # test_kind_faults: hf_fault_injection, a listener per phase
    # formatter kind (240-244)
    "formatter_faults": 240,  # test_kind_faults: fmt_fault_injection, a listener per hook
    # stat_sink kind (240-244)
    "stat_sink": 241,  # test_stat_sink: stats_statsd to its collectors
    "stat_sink_faults": 242,  # test_kind_faults: stats_fault_injection, a sink per hook
    # tracer kind (256-259)
    "tracer": 256,  # test_tracer: tr_w3c_json's sampling ratio and size cap
    "tracer_faults": 257,  # test_kind_faults: tr_fault_injection, a panic per hook
    # transport_socket kind (261-265)
    "transport_socket": 261,  # test_transport_socket: ts_frames before a wire recorder, small frames
    "transport_socket_faults": 262,  # test_kind_faults: ts_fault_injection, a listener per hook
}

# test_callout_auth.py's own Envoy: listeners whose callout_auth names a
# cluster that does not exist, one nothing listens for, and one with no hosts.
CALLOUT_LISTENERS = {"no_cluster": 19088, "down": 19089, "no_hosts": 19090}
CALLOUT_ADMIN = 19091
CALLOUT_DOWN = 19092  # nothing listens here

# Envoys test_updates.py starts: listeners per language, and the admin port.
UPDATES_LISTENERS = {"rust": 13063, "go": 13064, "cpp": 13065, "go_batched": 13077}
UPDATES_ADMIN = 13901
BODY_CAP_LISTENER = 11074
BODY_CAP_ADMIN = 11974
# test_upstream_failures.py's Envoy whose only cluster points at a closed port.
DOWN_LISTENER = 11070
DOWN_ADMIN = 11970

# test_sentinel.py's Envoys (one at a time): the guarded listener, the admin
# port, the loopback server a Remote module source is fetched from, base id.
SENTINEL_LISTENER = 12029
SENTINEL_ADMIN = 12929
SENTINEL_MODULE_SERVER = 12030
SENTINEL_BASE_ID = 29

# make new-filter's listeners (integration/scaffolded/<name>.yaml): four ports
# per filter, one listener per language and its admin port.
SCAFFOLDED = range(17000, 17900)

# make new-module's project: its Envoy's listener and admin port.
NEW_MODULE = (17990, 17991)

# docs/TUTORIAL.md's Envoy (build/team_gate.yaml): its listener and admin port.
TUTORIAL = (17992, 17993)

# early_header_mutation kind (test_early_header_mutation.py and
# test_kind_faults.py): Envoys built in code use 14200-14299, base-ids 220-229.
EARLY_HEADER_MUTATION_LISTENERS = {"fault": 14201, "destroy": 14202}
EARLY_HEADER_MUTATION_ADMIN = 14290
# The routing kinds (load-balancing policy, cluster and route specifiers):
# echo upstreams that answer their own name (servers.start_named_upstreams),
# the lab's listeners 1100-1109, and the Envoys test_routing_*.py build in code
# (listeners and admin ports in ROUTING_SCRATCH, base-ids in ROUTING_BASE_ID).
NAMED_UPSTREAMS = {1260: "alpha", 1261: "beta", 1262: "gamma"}
ROUTING_SCRATCH = range(14000, 14100)
ROUTING_BASE_ID = range(200, 210)
# The cluster kind: the three echo upstreams that answer their own name, behind
# cluster_file_hosts (the lab's hosts file and test_cluster.py's); the Envoys
# test_cluster.py and test_kind_faults.py build in code.
CLUSTER_UPSTREAMS = {1270: "alpha", 1271: "beta", 1272: "gamma"}
CLUSTER_TEST_LISTENER = 14100
CLUSTER_TEST_ADMIN = 14101
CLUSTER_FAULT_LISTENERS = range(14110, 14119)  # one per cluster hook that runs filter code
CLUSTER_FAULT_ADMIN = 14120
# route_specifier kind: the Envoys test_route_specifier.py and test_kind_faults.py
# build in code (in ROUTING_SCRATCH; 14020-14021 are the cluster specifier's).
RS_TEST_LISTENERS = {"no_route": 14030, "pass_through": 14031}
RS_TEST_ADMIN = 14032
RS_FAULT_LISTENER = 14040
RS_FAULT_ADMIN = 14041
# upstream_http_tcp_bridge kind: test_upstream_http_tcp_bridge.py's side
# upstreams (raw sockets: nothing listening, silent, a reply in many small
# writes, not RESP, closed mid-reply), the Envoys it and test_kind_faults.py
# build in code (listeners and admin ports in BRIDGE_SCRATCH), and the
# redis-servers a test may start of its own (6390-6394).
BRIDGE_SIDE = {"closed": 1290, "silent": 1291, "trickle": 1292, "garbage": 1293, "cut": 1294}
BRIDGE_SCRATCH = range(14300, 14350)
BRIDGE_REDIS = range(6390, 6395)
# health_checker kind: the redis-servers hc_redis_ping checks (the lab's
# cluster hc_redis behind 1111, and test_health_checker.py's), the side servers
# of its tests (1273-1279: one that never answers, one that answers garbage),
# and the Envoys test_health_checker.py and test_kind_faults.py build in code.
HEALTH_REDIS = [6385, 6386, 6387]
HEALTH_REDIS_AUTH = 6388  # requires a password: answers PING with -NOAUTH
HEALTH_SILENT = 1273  # accepts and never answers
HEALTH_GARBAGE = 1274  # answers every connection with bytes that are not RESP
HEALTH_TEST_LISTENER = 14130
HEALTH_TEST_ADMIN = 14131
HEALTH_FAULT_LISTENERS = range(14140, 14145)  # one per hook of hc_fault_injection
HEALTH_FAULT_ADMIN = 14149
# config_validator kind: the xDS control plane (harness/xds_server.py) the
# tests and the lab serve listeners and clusters from (side ports 1310, 1312,
# 1313, 1315, 1316), the echo upstreams a cluster update moves between, and the
# Envoys test_config_validator.py and test_kind_faults.py build in code
# (14550-14559).
XDS_SERVER = 1310  # the lab's: cv_backend (behind 1155) over CDS
XDS_TEST_SERVER = 1315  # test_config_validator's, and test_kind_faults' state-of-the-world one
XDS_DELTA_SERVER = 1316  # test_kind_faults' delta one
XDS_UPSTREAMS = {1312: "old", 1313: "new"}
CV_TEST_ADMIN = 14550
CV_TEST_LISTENER = 14551
CV_FAULT_ADMIN = {"sotw": 14552, "delta": 14555}
CV_FAULT_LISTENERS = {"sotw": 14553, "delta": 14554}
# matcher and matcher_data_input kinds: lab listeners 1145-1149, side servers
# 1300-1304, the Envoys test_matcher.py and test_kind_faults.py build in code
# (14450-14499), base-ids 245-249.
MATCHER_FAULT_LISTENERS = {
    "matcher": 14450,  # mt_fault_injection, on_error NO_MATCH (the default)
    "matcher_on_error_match": 14451,  # the same, on_error MATCH
    "data_input": 14452,  # di_fault_injection
    "matcher_destroy": 14453,  # mt_fault_injection panicking in config destroy
    "data_input_destroy": 14454,  # di_fault_injection panicking in config destroy
}
MATCHER_FAULT_ADMIN = 14459
# header_formatter kind: the raw-socket upstream behind 1147 and 1148
# (raw_upstream.py), and the Envoy test_kind_faults.py builds in code.
RAW_UPSTREAM = 1300
HEADER_FORMATTER_FAULT_LISTENERS = {
    "header_formatter_new": 14470,
    "process_key": 14471,
    "format": 14472,
    "header_formatter_destroy": 14473,
    "config_destroy": 14474,
}
HEADER_FORMATTER_FAULT_ADMIN = 14479
# formatter kind (observe2: lab listeners 1140-1144, side servers 1295-1299,
# Envoys built in code 14400-14449, base-ids 240-244): the Envoy
# test_kind_faults.py builds for fmt_fault_injection, a listener per hook.
FORMATTER_FAULT_LISTENERS = range(14400, 14405)
FORMATTER_FAULT_ADMIN = 14449
# cert_validator kind: the TLS upstreams test_cert_validator.py and
# test_kind_faults.py start (one whose key is pinned, one of the same CA whose
# key is not, one behind a fault), and the Envoys they build in code
# (14500-14549).
CERT_UPSTREAMS = {"pinned": 1305, "other": 1306}
CERT_FAULT_UPSTREAM = 1307  # test_kind_faults: the TLS upstream of the verify-mode fault
CERT_TEST_LISTENERS = {"downstream": 14500, "upstream_pinned": 14501, "upstream_other": 14502}
CERT_TEST_ADMIN = 14509
CERT_FAULT_LISTENERS = range(14520, 14525)  # one per hook of cert_fault_injection
CERT_FAULT_ADMIN = 14529
# stat_sink kind: where envoy.yaml's stats_statsd sends (UDP; nothing listens
# unless you do), the statsd collectors test_stat_sink.py starts, and the
# Envoys it and test_kind_faults.py build in code.
STATSD_LAB = 1295
STATSD_COLLECTORS = {"main": 1296, "small": 1297}
STAT_SINK_LISTENER = 14410
STAT_SINK_ADMIN = 14411
STAT_SINK_FAULT_LISTENER = 14420
STAT_SINK_FAULT_ADMIN = 14421
# tracer kind: the Envoys test_tracer.py and test_kind_faults.py build in code
# (14560-14599; side servers 1311-1314 are reserved for it, unused so far).
TRACER_TEST_LISTENERS = {"unsampled": 14560, "capped": 14561}
TRACER_TEST_ADMIN = 14569
TRACER_FAULT_LISTENER = 14570
TRACER_FAULT_ADMIN = 14579
# transport_socket kind: lab listeners 1151-1154, side servers 1317-1319 (the
# wire recorder test_transport_socket.py puts behind a framed cluster), and the
# Envoys test_transport_socket.py and test_kind_faults.py build in code
# (14600-14649), base-ids 261-265.
TS_RECORDER = 1317  # raw TCP: records the framed bytes it gets, answers with frames
TS_PLAIN_ECHO = 1318  # raw TCP echo behind the 7-byte-frame pair: half-closes when the client does
TS_TEST_LISTENERS = {"to_recorder": 14600, "small_in": 14601, "small": 14602}
TS_TEST_ADMIN = 14609
TS_FAULT_LISTENERS = range(14610, 14630)  # a pair (plain in, framed) per hook of ts_fault_injection
TS_FAULT_ADMIN = 14649
