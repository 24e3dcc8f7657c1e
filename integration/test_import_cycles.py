"""No import cycles among the Python modules of integration/ and bench/.

The harness is split by layer (harness/processes.py <- harness/servers.py <-
lab.py), and the tests, the soak and the bench sit on top of it. A module
that imported one above it would make a cycle, which Python only half
tolerates (names missing while the first module is still loading). This reads
every module's imports with ast, at any depth (an import inside a function
counts too: that is how the last cycle hid), and fails on any cycle it finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The folders pytest puts on sys.path (pyproject.toml's pythonpath), plus the
# gateway tests' own folder: a module is named as those folders import it.
SEARCH_PATH = [ROOT / "integration", ROOT / "bench", ROOT / "integration" / "gateway"]


def module_names(search_path: list[Path]) -> dict[str, Path]:
    """Every module and package under the search path, by its import name."""
    names: dict[str, Path] = {}
    for base in search_path:
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(base).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            # Subfolders that are not packages are not importable as such.
            if not all((base.joinpath(*parts[:i]) / "__init__.py").exists() for i in range(1, len(parts))):
                continue
            if parts and parts[-1] != "conftest":
                names.setdefault(".".join(parts), path)
    return names


def imports_of(path: Path, names: dict[str, Path]) -> set[str]:
    """The modules of `names` that `path` imports, anywhere in its body."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from harness import processes` imports the submodule when there is one.
            candidates = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in candidates:
            # `import harness.servers` also imports the package `harness`.
            parts = name.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in names)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def import_graph(search_path: list[Path]) -> dict[str, set[str]]:
    names = module_names(search_path)
    return {name: imports_of(path, names) - {name} for name, path in names.items()}


def test_the_harness_has_its_layers():
    graph = import_graph(SEARCH_PATH)
    assert {"harness.processes", "harness.servers", "lab"} <= graph.keys()
    assert graph["harness.processes"] & {"harness.servers", "lab"} == set()
    assert "lab" not in graph["harness.servers"]


def test_no_import_cycle():
    cycle = find_cycle(import_graph(SEARCH_PATH))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_a_cycle_is_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
