"""`make new-filter NAME=<snake_case> KIND=<kind> [LANGS=rust,go,cpp]`: writes
a new filter's skeleton in each language's room, its registration, a unit
test against the fake Envoy, a config with one listener per language on free
ports of integration/ports.py's SCAFFOLDED range, and an integration test.

Bad input is refused with one line, before anything is written. Templates are
in scaffold/templates/<lang>/<kind>/ and scaffold/templates/lab/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
sys.path.insert(0, str(REPO / "integration"))
import ports  # noqa: E402

# Every kind the Rust core implements, and which of them each language's
# scaffold writes. A kind a language's SDK lacks is refused with one line.
KINDS = [
    "http",
    "network",
    "listener",
    "udp",
    "access_logger",
    "bootstrap",
    "early_header_mutation",
    "cluster_specifier",
    "route_specifier",
    "lb",
]
# Kinds of the Rust core with no template yet: refused, pointing at the
# filter to start from instead.
NOT_YET = {
    "cluster": "rust/filters/src/cluster/cluster_file_hosts.rs",
    "health_checker": "rust/filters/src/health_checker/hc_redis_ping.rs",
    "upstream_http_tcp_bridge": "rust/filters/src/upstream_http_tcp_bridge/bridge_http_redis.rs",
    # config_validator kind
    "config_validator": "rust/filters/src/config_validator/cv_platform_rules/mod.rs",
    "matcher": "rust/filters/src/matcher/mt_cidr_set.rs",
    "matcher_data_input": "rust/filters/src/matcher_data_input/di_tenant.rs",
    "header_formatter": "rust/filters/src/header_formatter/hf_preserve_case.rs",
    "formatter": "rust/filters/src/formatter/fmt_header_hash.rs",
    "stat_sink": "rust/filters/src/stat_sink/stats_statsd.rs",
    # tracer kind
    "tracer": "rust/filters/src/tracer/tr_w3c_json/mod.rs",
    # cert_validator kind
    "cert_validator": "rust/filters/src/cert_validator/cert_spki_pin/mod.rs",
    # transport_socket kind
    "transport_socket": "rust/filters/src/transport_socket/ts_frames/mod.rs",
}
LANGS = ["rust", "go", "cpp"]
SCAFFOLDED = {"rust": set(KINDS), "go": {"http"}, "cpp": {"http"}}
SDK_KINDS = {"rust": set(KINDS), "go": {"http"}, "cpp": {"http"}}
LISTENER_TEMPLATE = {kind: f"listener_{kind}.yaml" for kind in KINDS}
# Kinds that choose where a request goes: their config adds two upstreams, a
# and b (listeners of the same Envoy that answer with their name, on the two
# ports of the filter's block a Rust-only kind leaves free), the clusters of
# the named template, and the test that requests reach b.
ROUTED = {
    "early_header_mutation": "clusters_two.yaml",
    "cluster_specifier": "clusters_two.yaml",
    "route_specifier": "clusters_two.yaml",
    "lb": "clusters_lb.yaml",
}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class Refused(Exception):
    pass


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def existing_names(repo: Path) -> set[str]:
    """Every filter name registered in any language, and every scaffolded config."""
    names = set(re.findall(r'^\s*"([a-z0-9_]+)" =>', (repo / "rust/filters/src/lib.rs").read_text(), re.M))
    names |= set(re.findall(r'RegisterFilter\w*\("([a-z0-9_]+)"', (repo / "go/main.go").read_text()))
    names |= set(re.findall(r'\{"([a-z0-9_]+)", &', (repo / "cpp/filters/filters.cc").read_text()))
    names |= {p.stem for p in (repo / "integration/scaffolded").glob("*.yaml")}
    return names


def used_ports(repo: Path) -> set[int]:
    used = set()
    for config in (repo / "integration/scaffolded").glob("*.yaml"):
        used |= {int(p) for p in re.findall(r"port_value: (\d+)", config.read_text())}
    return used


def free_ports(repo: Path, count: int) -> list[int]:
    used = used_ports(repo)
    # Four ports per filter (three listeners and an admin port), so a filter's
    # ports stay together whatever languages it has.
    for start in range(ports.SCAFFOLDED.start, ports.SCAFFOLDED.stop - 3, 4):
        block = list(range(start, start + 4))
        if not used & set(block):
            return block[:count]
    raise Refused(f"no free ports left in integration/ports.py's SCAFFOLDED {ports.SCAFFOLDED}")


def check(repo: Path, name: str, kind: str, langs: list[str]):
    if not SNAKE.match(name):
        raise Refused(f"NAME={name!r} is not snake_case (lower-case letters, digits and single underscores)")
    if kind in NOT_YET:
        raise Refused(f"KIND={kind}: make new-filter has no template for it yet; start from a copy of {NOT_YET[kind]}")
    if kind not in KINDS:
        raise Refused(f"KIND={kind!r} is not a kind; one of {', '.join(KINDS)}")
    for lang in langs:
        if lang not in LANGS:
            raise Refused(f"LANGS has {lang!r}, not a language; any of {','.join(LANGS)}")
        if kind not in SDK_KINDS[lang]:
            raise Refused(f"KIND={kind}: the {lang} SDK implements {', '.join(sorted(SDK_KINDS[lang]))} only")
        if kind not in SCAFFOLDED[lang]:
            raise Refused(f"KIND={kind}: make new-filter does not scaffold {lang} {kind} filters yet")
    if not langs:
        raise Refused("LANGS is empty; any of rust,go,cpp")
    if name in existing_names(repo):
        raise Refused(f"NAME={name}: a filter of that name exists already")


def insert_after(path: Path, anchor: str, line: str):
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if anchor in text)
    lines.insert(at + 1, line + "\n")
    path.write_text("".join(lines))


def insert_at_end(path: Path, anchor: str, close: str, line: str):
    """Inserts `line` as the last entry of the list that opens on the line
    containing `anchor` and closes on the next line starting with `close`:
    error messages list a module's filters in table order, the newest last."""
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if anchor in text)
    at = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(close))
    lines.insert(at, line + "\n")
    path.write_text("".join(lines))


def insert_sorted(path: Path, prefix: str, line: str, attribute: str = "#["):
    """Inserts `line` among the consecutive lines starting with `prefix`, in
    order (as rustfmt and clang-format keep them); a line's attributes
    (`attribute` lines right above it) stay with it."""
    lines = path.read_text().splitlines(keepends=True)
    block = [i for i, text in enumerate(lines) if text.startswith(prefix)]
    at = next((i for i in block if lines[i].rstrip("\n") > line), block[-1] + 1)
    while at > 0 and lines[at - 1].startswith(attribute):
        at -= 1
    lines.insert(at, line + "\n")
    path.write_text("".join(lines))


def write(path: Path, text: str, written: list[Path]):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    written.append(path)


def run_formatter(argv: list[str]):
    if shutil.which(argv[0]):
        subprocess.run(argv, check=True)


def scaffold(repo: Path, name: str, kind: str, langs: list[str]) -> list[Path]:
    check(repo, name, kind, langs)
    if kind in ROUTED and len(langs) != 1:
        raise Refused(f"KIND={kind}: one language at a time (its upstreams take the block's other ports)")
    block = free_ports(repo, 4)
    listener_ports = dict(zip(langs, block[: len(langs)], strict=True))
    admin = block[3]
    values = {
        "name": name,
        "NAME": name.upper(),
        "Camel": camel(name),
        "header": "x-" + name.replace("_", "-"),
        "admin": str(admin),
        "listener_ports": repr(listener_ports),
    }
    written: list[Path] = []
    t = TEMPLATES
    if "rust" in langs:
        src = repo / "rust/filters/src" / kind
        write(src / f"{name}.rs", render(t / "rust" / kind / "filter.rs", values), written)
        insert_sorted(src / "mod.rs", "pub mod ", f"pub mod {name};")
        insert_at_end(
            repo / "rust/filters/src/lib.rs",
            f"    {kind}: [",
            "]",
            f'        "{name}" => {kind}::{name}::{camel(name)}Config::new,',
        )
        run_formatter(["rustfmt", "--edition", "2021", str(src / f"{name}.rs")])
    if "go" in langs:
        write(repo / f"go/{name}.go", render(t / "go" / kind / "filter.go", values), written)
        write(repo / f"go/{name}_test.go", render(t / "go" / kind / "filter_test.go", values), written)
        main_go = repo / "go/main.go"
        lines = main_go.read_text().splitlines(keepends=True)
        last = max(i for i, text in enumerate(lines) if "sdk.RegisterFilter" in text)
        lines.insert(last + 1, f'\tsdk.RegisterFilter("{name}", New{camel(name)}Config)\n')
        main_go.write_text("".join(lines))
        # main.go too: a registration line inserted into an aligned block of
        # trailing comments needs the block realigned.
        run_formatter(["gofmt", "-w", *(str(p) for p in written if p.suffix == ".go"), str(main_go)])
    if "cpp" in langs:
        cpp = repo / "cpp"
        for template, dest in [
            ("filter.h", f"filters/{name}.h"),
            ("filter.cc", f"filters/{name}.cc"),
            ("filter_test.cc", f"test/{name}_test.cc"),
        ]:
            write(cpp / dest, render(t / "cpp" / kind / template, values), written)
        filters = cpp / "filters/filters.cc"
        insert_sorted(filters, '#include "', f'#include "{name}.h"', attribute="\0")
        entry = f'    {{"{name}", &{camel(name)}Config::New}},'
        insert_at_end(filters, "constexpr sdk::NamedFilter kFilters[] = {", "};", entry)
        insert_after(cpp / "CMakeLists.txt", "  filters/passthrough.cc", f"  filters/{name}.cc")
        insert_after(cpp / "CMakeLists.txt", "  test/passthrough_test.cc", f"  test/{name}_test.cc")
        run_formatter(["clang-format", "-i", *(str(p) for p in written if p.suffix in (".h", ".cc"))])
    listeners = "".join(
        render(t / "lab" / LISTENER_TEMPLATE[kind], {**values, "lang": lang, "port": str(port)})
        for lang, port in listener_ports.items()
    )
    config = t / "lab" / f"config_{kind}.yaml"
    test = t / "lab" / f"test_{kind}.py.tmpl"
    if kind in ROUTED:
        config, test = t / "lab/config_routed.yaml", t / "lab/test_routed.py.tmpl"
        upstreams = dict(zip(["a", "b"], block[1:3], strict=True))
        values |= {f"upstream_{which}": str(port) for which, port in upstreams.items()}
        values["upstreams"] = "".join(
            render(t / "lab/upstream.yaml", {**values, "which": which, "port": str(port)})
            for which, port in upstreams.items()
        ).rstrip("\n")
        values["clusters"] = render(t / "lab" / ROUTED[kind], {**values, "lang": langs[0]}).rstrip("\n")
    write(
        repo / f"integration/scaffolded/{name}.yaml",
        render(config if config.exists() else t / "lab/config.yaml", {**values, "listeners": listeners.rstrip("\n")}),
        written,
    )
    write(repo / f"integration/test_{name}.py", render(test, values), written)
    ruff = repo / ".venv/bin/ruff"
    if ruff.exists():
        subprocess.run([str(ruff), "format", "--quiet", str(written[-1])], check=True)
    return written


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print("usage: new_filter.py NAME KIND [LANGS]", file=sys.stderr)
        return 2
    name, kind = argv[1], argv[2]
    langs = [lang for lang in (argv[3] if len(argv) == 4 else "rust,go,cpp").split(",") if lang]
    if kind != "http" and len(argv) == 3:
        langs = ["rust"]  # Go and C++ implement HTTP only: a Rust filter by default.
    try:
        written = scaffold(REPO, name, kind, langs)
    except Refused as e:
        print(f"new-filter: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(f"  wrote {path.relative_to(REPO)}")
    print(f"new-filter: {kind} filter {name!r} in {','.join(langs)}; registered; run make test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
