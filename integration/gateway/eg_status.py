"""What runs versus what was asked: `make gateway-status`.

For each Gateway and each route with an EnvoyExtensionPolicy, prints the
dynamic module filters the Gateway's Envoy is actually running (from its admin
/config_dump: module, filter name, a hash of the filter config) beside what
the policies ask for and the status Envoy Gateway gave them, and flags:
- DRIFT: a route whose running filters differ from the asked ones, with the
  reason Envoy gave when it refused the update (the listener's or route
  configuration's error_state in the config dump);
- REJECTED: every update Envoy refused (`listener_manager.lds.update_rejected`,
  the RDS `update_rejected` counters, and the error_state details).

Envoy Gateway's own status cannot show either: it reports a policy Accepted
once it has translated it, whatever Envoy then does with the result.

Used by the gateway tests (as a library: `report(gateway)`), and by
`make gateway-status`, which runs `python integration/gateway/eg_status.py`
inside the network namespace of a running `make gateway` (the PID is in
build/gateway/eg.pid). Exit code 1 when there is drift.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import eg  # noqa: E402

DM_FILTER_PREFIX = "envoy.filters.http.dynamic_modules/"
DM_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter"
# EG names a route httproute/<namespace>/<name>/rule/<i>/match/<j>/<host>.
ROUTE_NAME = re.compile(r"^httproute/(?P<ns>[^/]+)/(?P<name>[^/]+)/")
# ... and a module filter envoy.filters.http.dynamic_modules/<kind>/<ns>/<policy>/dynamic-module/<i>
# (the policy kind is empty in standalone mode: .../dynamic_modules//<ns>/...).
FILTER_NAME = re.compile(r"/(?P<ns>[^/]+)/(?P<policy>[^/]+)/dynamic-module/(?P<index>\d+)$")


def config_hash(value) -> str:
    """A short hash of a filter config, the same for the same JSON whatever its
    key order or spacing: Envoy Gateway re-encodes what the policy holds."""
    if isinstance(value, (bytes, str)):
        try:
            value = json.loads(value)
        except ValueError:
            return "raw:" + hashlib.sha256(value if isinstance(value, bytes) else value.encode()).hexdigest()[:12]
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ModuleFilter:
    module: str  # the allow-list name (or the source, if no entry has it)
    filter_name: str
    config: str  # config_hash

    def __str__(self):
        return f"{self.module}/{self.filter_name} config#{self.config}"


@dataclass
class RouteStatus:
    gateway: str
    route: str  # the HTTPRoute's name
    asked: list[ModuleFilter]
    running: list[ModuleFilter]
    policy_status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return sorted(map(str, self.asked)) != sorted(map(str, self.running))


@dataclass
class GatewayStatus:
    gateway: str
    pid: int
    rejected: dict[str, int]
    errors: list[str]  # error_state details of listeners and route configurations
    routes: list[RouteStatus]


# ------------------------------------------------------------ what was asked


def allow_list(docs: list[dict]) -> dict[str, dict]:
    """The EnvoyProxy allow-list: name -> entry."""
    out = {}
    for d in docs:
        if d["kind"] == "EnvoyProxy":
            for entry in d["spec"].get("dynamicModules", []):
                out[entry["name"]] = entry
    return out


def source_key(source: dict) -> str:
    """Local path or Remote sha256: what identifies a module's bytes."""
    if source.get("remote"):
        return "sha256:" + source["remote"]["sha256"]
    if source.get("local"):
        return "path:" + source["local"]["path"]
    return "?"


def asked_filters(docs: list[dict]) -> dict[tuple[str, str], list[ModuleFilter]]:
    """(gateway, HTTPRoute) -> the module filters its policies ask for.

    A route's own policy takes precedence over its Gateway's (Envoy Gateway's
    rule); a route without one gets the Gateway's."""
    routes = {d["metadata"]["name"]: d for d in docs if d["kind"] == "HTTPRoute"}
    by_route: dict[str, list[ModuleFilter]] = {}
    by_gateway: dict[str, list[ModuleFilter]] = {}
    for d in docs:
        if d["kind"] != "EnvoyExtensionPolicy":
            continue
        filters = [
            ModuleFilter(dm["name"], dm.get("filterName", ""), config_hash(dm.get("config")))
            for dm in d["spec"].get("dynamicModule", [])
        ]
        for ref in d["spec"]["targetRefs"]:
            target = by_route if ref["kind"] == "HTTPRoute" else by_gateway
            target[ref["name"]] = filters
    out = {}
    for name, route in routes.items():
        for parent in route["spec"].get("parentRefs", []):
            gw = parent["name"]
            asked = by_route.get(name, by_gateway.get(gw))
            if asked is not None:
                out[(gw, name)] = asked
    return out


def policy_status(statuses: list[dict]) -> str:
    """The latest status Envoy Gateway gave a policy, as `Type=Status (Reason)`."""
    if not statuses:
        return "no status logged"
    conditions = [c for a in statuses[-1].get("ancestors", []) for c in a.get("conditions", [])]
    return ", ".join(sorted({f"{c['type']}={c['status']} ({c.get('reason', '')})" for c in conditions})) or "none"


# ------------------------------------------------------------ what runs


def unpack_any(value: dict) -> dict:
    return {k: v for k, v in value.items() if k != "@type"}


def running_filters(dump: dict, sources: dict[str, str]) -> tuple[dict[str, list[ModuleFilter]], list[str]]:
    """From one Envoy's config dump: HTTPRoute name -> the module filters its
    routes turn on (in the running listener and route configuration), and the
    error_state details of every refused listener or route configuration."""
    hcm_filters: dict[str, ModuleFilter] = {}
    errors = []
    route_configs = {}
    for section in dump["configs"]:
        kind = section.get("@type", "")
        if kind.endswith("ListenersConfigDump"):
            for dl in section.get("dynamic_listeners", []):
                if dl.get("error_state"):
                    name = dl.get("name") or dl["error_state"].get("failed_configuration", {}).get("name", "?")
                    errors.append(f"listener {name}: {dl['error_state'].get('details', '').strip()}")
                listener = (dl.get("active_state") or {}).get("listener")
                if not listener:
                    continue
                for chain in listener.get("filter_chains", []) + [listener.get("default_filter_chain") or {}]:
                    for nf in chain.get("filters", []):
                        for hf in nf.get("typed_config", {}).get("http_filters", []):
                            tc = hf.get("typed_config", {})
                            if tc.get("@type") != DM_FILTER_TYPE:
                                continue
                            module = tc.get("dynamic_module_config", {})
                            src = module.get("module", {})
                            if src.get("remote"):
                                key = "sha256:" + src["remote"].get("sha256", "")
                            elif src.get("local"):
                                key = "path:" + src["local"].get("filename", "")
                            else:
                                key = "name:" + module.get("name", "")
                            config = tc.get("filter_config", {})
                            config = config.get("value", unpack_any(config)) if config else None
                            hcm_filters[hf["name"]] = ModuleFilter(
                                sources.get(key, key), tc.get("filter_name", ""), config_hash(config)
                            )
        elif kind.endswith("RoutesConfigDump"):
            for rc in section.get("dynamic_route_configs", []):
                config = rc.get("route_config", {})
                if rc.get("error_state"):
                    errors.append(
                        f"route configuration {config.get('name', '?')}: {rc['error_state'].get('details', '').strip()}"
                    )
                if config:
                    route_configs[config.get("name")] = config
    by_route: dict[str, list[ModuleFilter]] = {}
    for rc in route_configs.values():
        for vh in rc.get("virtual_hosts", []):
            for route in vh.get("routes", []):
                m = ROUTE_NAME.match(route.get("name", ""))
                if not m:
                    continue
                on = [
                    hcm_filters[name]
                    for name in route.get("typed_per_filter_config", {})
                    if name.startswith(DM_FILTER_PREFIX) and name in hcm_filters
                ]
                missing = [
                    name
                    for name in route.get("typed_per_filter_config", {})
                    if name.startswith(DM_FILTER_PREFIX) and name not in hcm_filters
                ]
                for name in missing:
                    # The route turns on a filter the running listener does not
                    # have: Envoy skips it (the route fails open without a sentinel).
                    f = FILTER_NAME.search(name)
                    on.append(ModuleFilter("(not in the running listener)", name if not f else f["policy"], "-"))
                by_route.setdefault(m["name"], []).extend(on)
    return {k: sorted(set(v), key=str) for k, v in by_route.items()}, list(dict.fromkeys(errors))


# ------------------------------------------------------------ the report


def rejected_counters(stats_text: str) -> dict[str, int]:
    out = {}
    for line in stats_text.splitlines():
        key, _, value = line.partition(": ")
        if key.endswith("update_rejected") and (key.startswith("listener_manager.lds.") or ".rds." in key):
            out[key] = int(value)
    return out


def module_errors(log: str, pid: int) -> list[str]:
    """The error lines a module logged in the Envoy with this PID (Envoy logs
    to Envoy Gateway's log, each line with its thread id: the main thread's
    id is the PID). A refused config's own reason is there, not in the
    config dump. Envoy's own lines on that logger (a remote module's
    background fetch retrying, say) carry a location in Envoy's source tree
    and are left out: they come at any time and would hide the module's."""
    out = []
    for line in log.splitlines():
        if f"][{pid}][error][dynamic_modules]" in line:
            where_and_what = line.split("][dynamic_modules] ", 1)[-1]
            if where_and_what.startswith("[source/"):
                continue
            out.append(line.split("] ", 3)[-1].strip())
    return out


def collect(docs: list[dict], envoys: dict[str, tuple[int, str]], statuses, log: str = "") -> list[GatewayStatus]:
    """`envoys`: Gateway name -> (Envoy PID, admin address); `statuses(name)`:
    the statuses Envoy Gateway logged for EnvoyExtensionPolicy `name`; `log`:
    Envoy Gateway's log, where its Envoys write theirs."""
    sources = {source_key(entry["source"]): name for name, entry in allow_list(docs).items()}
    asked = asked_filters(docs)
    policy_of = {}
    for d in docs:
        if d["kind"] == "EnvoyExtensionPolicy":
            for ref in d["spec"]["targetRefs"]:
                policy_of[ref["name"]] = d["metadata"]["name"]
    out = []
    for gw, (pid, address) in sorted(envoys.items()):
        dump = json.loads(eg.admin_get(address, "/config_dump"))
        running, errors = running_filters(dump, sources)
        rejected = rejected_counters(eg.admin_get(address, "/stats?filter=update_rejected"))
        routes = []
        for (g, route), want in sorted(asked.items()):
            if g != gw:
                continue
            policy = policy_of.get(route, policy_of.get(gw, "?"))
            rs = RouteStatus(gw, route, want, running.get(route, []), f"{policy}: {policy_status(statuses(policy))}")
            if rs.drift:
                rs.reasons = list(errors) or ["no refusal recorded: the update may not have reached Envoy yet"]
                if errors:
                    rs.reasons += [f"module said: {line}" for line in module_errors(log, pid)[-1:]]
            routes.append(rs)
        out.append(GatewayStatus(gw, pid, rejected, errors, routes))
    return out


def render(report: list[GatewayStatus]) -> str:
    lines = []
    for g in report:
        total = sum(g.rejected.values())
        lines.append(f"Gateway {g.gateway} (Envoy PID {g.pid}): {total} rejected update(s)")
        for key, value in sorted(g.rejected.items()):
            if value:
                lines.append(f"  REJECTED {key} = {value}")
        for err in g.errors:
            lines.append(f"  REJECTED {err}")
        for r in g.routes:
            lines.append(f"  route {r.route}  [policy {r.policy_status}]")
            lines.append(f"    asked:   {', '.join(map(str, r.asked)) or '-'}")
            lines.append(f"    running: {', '.join(map(str, r.running)) or '-'}")
            if r.drift:
                for reason in r.reasons:
                    lines.append(f"    DRIFT on route {r.route}: {reason}")
    return "\n".join(lines)


def report(gateway: eg.Gateway) -> list[GatewayStatus]:
    """The report for a running eg.Gateway (the tests)."""
    envoys = {}
    for pid in gateway.envoy_pids():
        argv = eg.cmdline(pid)
        name = argv[argv.index("--service-cluster") + 1].split("/", 1)[1]
        envoys[name] = (pid, Path(argv[argv.index("--admin-address-path") + 1]).read_text().strip())
    log = gateway.log()
    return collect(gateway.docs, envoys, lambda policy: eg.parse_statuses(log, "EnvoyExtensionPolicy", policy), log)


def main() -> int:
    """`make gateway-status`, inside the namespace of a running `make gateway`."""
    pid_file = eg.STATE.parent / "eg.pid"
    if not pid_file.exists():
        print("no running `make gateway` (no build/gateway/eg.pid)", file=sys.stderr)
        return 2
    eg_pid = int(pid_file.read_text())
    envoys = {}
    for pid, _ in eg.envoy_processes():
        if eg.parent_of(pid) != eg_pid:
            continue
        argv = eg.cmdline(pid)
        name = argv[argv.index("--service-cluster") + 1].split("/", 1)[1]
        envoys[name] = (pid, Path(argv[argv.index("--admin-address-path") + 1]).read_text().strip())
    if not envoys:
        print(f"Envoy Gateway (PID {eg_pid}) runs no Envoy", file=sys.stderr)
        return 2
    docs = [d for d in yaml.safe_load_all((eg.STATE / "resources" / "resources.yaml").read_text()) if d]
    log = (eg.STATE.parent / "logs" / "envoy-gateway.log").read_text(errors="replace")
    out = collect(docs, envoys, lambda policy: eg.parse_statuses(log, "EnvoyExtensionPolicy", policy), log)
    print(render(out))
    return 1 if any(r.drift for g in out for r in g.routes) else 0


if __name__ == "__main__":
    os.chdir(eg.ROOT)
    sys.exit(main())
