"""The few xDS resources the config validator's tests serve, written as
protobuf wire bytes by hand (the lab has no protobuf library and needs none:
Envoy decodes what this writes, so a wrong field number fails a test).

Field numbers are those of Envoy's v3 API; each message has one function.
"""

from __future__ import annotations

CLUSTER_TYPE = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
LISTENER_TYPE = "type.googleapis.com/envoy.config.listener.v3.Listener"
HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
FILE_LOG_TYPE = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog"


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, value: bytes | str) -> bytes:
    """A length-delimited field (a string, bytes or a message)."""
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def uint(number: int, value: int) -> bytes:
    """A varint field (omitted at 0, as proto3 writes it)."""
    return varint(number << 3) + varint(value) if value else b""


def any_(type_url: str, value: bytes) -> bytes:
    """google.protobuf.Any: type_url 1, value 2."""
    return field(1, type_url) + field(2, value)


def duration_ms(ms: int) -> bytes:
    """google.protobuf.Duration: seconds 1, nanos 2."""
    return uint(1, ms // 1000) + uint(2, (ms % 1000) * 1_000_000)


def socket_address(port: int) -> bytes:
    """core.v3.Address{socket_address 1: SocketAddress{address 2, port_value 3}}."""
    return field(1, field(2, "127.0.0.1") + uint(3, port))


def cluster(name: str, port: int, connect_timeout_ms: int | None) -> bytes:
    """cluster.v3.Cluster, STATIC (type 2 at its default 0), one endpoint:
    name 1, connect_timeout 4, load_assignment 33 (ClusterLoadAssignment:
    cluster_name 1, endpoints 2 -> LocalityLbEndpoints.lb_endpoints 2 ->
    LbEndpoint.endpoint 1 -> Endpoint.address 1)."""
    endpoint = field(1, field(1, socket_address(port)))
    assignment = field(1, name) + field(2, field(2, endpoint))
    out = field(1, name)
    if connect_timeout_ms is not None:
        out += field(4, duration_ms(connect_timeout_ms))
    return out + field(33, assignment)


def listener(name: str, port: int, cluster_name: str, access_log: str | None) -> bytes:
    """listener.v3.Listener (name 1, address 2, filter_chains 3) with one HTTP
    connection manager (stat_prefix 2, route_config 4, http_filters 5,
    access_log 13) routing every path to `cluster_name`; with a file access
    log (AccessLog: name 1, typed_config 4; FileAccessLog.path 1) or none."""
    route = field(1, field(1, "/")) + field(2, field(1, cluster_name))  # Route: match 1 {prefix 1}, route 2 {cluster 1}
    vhost = field(1, "all") + field(2, "*") + field(3, route)  # VirtualHost: name 1, domains 2, routes 3
    route_config = field(1, f"{name}_routes") + field(2, vhost)  # RouteConfiguration: name 1, virtual_hosts 2
    router = field(1, "envoy.filters.http.router") + field(4, any_(ROUTER_TYPE, b""))
    hcm = field(2, name) + field(4, route_config) + field(5, router)
    if access_log is not None:
        hcm += field(13, field(1, "envoy.access_loggers.file") + field(4, any_(FILE_LOG_TYPE, field(1, access_log))))
    network_filter = field(1, "envoy.filters.network.http_connection_manager") + field(4, any_(HCM_TYPE, hcm))
    return field(1, name) + field(2, socket_address(port)) + field(3, field(3, network_filter))


def from_spec(spec: dict) -> dict[str, list[tuple[str, bytes]]]:
    """The resources of a spec file, by type URL, as (name, wire bytes):
    {"clusters": [{"name", "port", "connect_timeout_ms"?}],
     "listeners": [{"name", "port", "cluster", "access_log"?}]}."""
    clusters = [
        (c["name"], cluster(c["name"], c["port"], c.get("connect_timeout_ms"))) for c in spec.get("clusters", [])
    ]
    listeners = [
        (x["name"], listener(x["name"], x["port"], x["cluster"], x.get("access_log")))
        for x in spec.get("listeners", [])
    ]
    return {CLUSTER_TYPE: clusters, LISTENER_TYPE: listeners}
