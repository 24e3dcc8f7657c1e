"""The Rust crates keep the shape the tree promises: no cycles between modules,
a shared SDK layer that names no kind, filters that import no other filter.

Rust compiles module cycles without a word, so nothing else would notice one.
This reads every `.rs` file's paths (`use` trees and `crate::`/`super::`/
`self::` paths in code), resolves each to the module file it names, and
checks the graph. Test modules (`#[cfg(test)] mod ...`) are left out: a unit
test may drive the fake that drives the code under test. `$crate` paths in
`macro_rules!` are left out too: they expand in the crate that calls the
macro (the one registration macro has an arm per kind by design).
"""

from __future__ import annotations

import re
from pathlib import Path

from test_import_cycles import find_cycle

ROOT = Path(__file__).resolve().parent.parent
CRATES = {name: ROOT / "rust" / name / "src" for name in ("abi", "sdk", "filters")}

Module = tuple[str, ...]

TEST_MODULE = re.compile(r"#\[cfg\((?:all\()?test\b[^\]]*\]\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+\w+\s*([{;])")
USE = re.compile(r"\buse\s+([^;]+);")
# A comment (group 1), or a string, raw-string, byte-string or char literal
# (a lifetime such as 'a is not one), whichever starts first.
TOKENS = re.compile(r"""(//[^\n]*|/\*.*?\*/)|b?r(#*)".*?"\2|b?"(?:\\.|[^"\\])*"|b?'(?:\\.|[^'\\])'""", re.S)
PATH = re.compile(r"(?<![\w$])(?:crate|super|self)(?:::\w+)+")


def module_of(src: Path, file: Path) -> Module:
    parts = file.relative_to(src).with_suffix("").parts
    return parts[:-1] if parts[-1] in ("lib", "mod", "main") else parts


def without_tests(text: str) -> str:
    """`text` without comments, with every literal emptied (so no brace or
    `//` inside one misleads), and without its `#[cfg(test)]` modules."""
    text = TOKENS.sub(lambda m: '""' if m.group(1) is None else "", text)
    while m := TEST_MODULE.search(text):
        end = m.end()
        if m.group(1) == "{":
            depth = 1
            while depth and end < len(text):
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
        text = text[: m.start()] + text[end:]
    return text


def split_top(list_text: str) -> list[str]:
    """The comma-separated items of a use-tree list, nested braces kept whole."""
    items, depth, current = [], 0, ""
    for c in list_text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += c
    return [item.strip() for item in items + [current] if item.strip()]


def expand(tree: str) -> list[str]:
    """`a::{b, c::{d, self}}` -> `a::b`, `a::c::d`, `a::c`."""
    tree = re.sub(r"\s+", " ", tree).strip()
    tree = re.sub(r" as \w+$", "", tree)
    if m := re.fullmatch(r"(.*?)::\{(.*)\}", tree):
        head = m.group(1)
        return [head if p == "self" else f"{head}::{p}" for item in split_top(m.group(2)) for p in expand(item)]
    return [tree.replace(" ", "")]


def paths_in(text: str) -> list[str]:
    return [p for tree in USE.findall(text) for p in expand(tree)] + PATH.findall(text)


def resolve(path: str, here: Module, modules: set[Module]) -> Module | None:
    """The module file a path names (its longest known prefix), or None for
    paths outside the crate."""
    segments = path.split("::")
    if segments[0] == "crate":
        base: Module = ()
        segments = segments[1:]
    elif segments[0] in ("super", "self"):
        # module_of names mod.rs by its folder, so `self` is `here` in both cases.
        base = here
        while segments and segments[0] in ("super", "self"):
            if segments[0] == "super":
                base = base[:-1]
            segments = segments[1:]
    else:
        return None
    full = base + tuple(segments)
    return next((full[:k] for k in range(len(full), -1, -1) if full[:k] in modules), None)


def module_graph(src: Path) -> dict[Module, set[Module]]:
    """Module -> the modules it uses, without edges to its own ancestors (a
    parent declares its children, so child -> parent is not a cycle)."""
    files = {module_of(src, f): f for f in sorted(src.rglob("*.rs"))}
    graph: dict[Module, set[Module]] = {}
    for module, file in files.items():
        targets = set()
        for path in paths_in(without_tests(file.read_text())):
            target = resolve(path, module, set(files))
            if target is not None and target != module[: len(target)]:
                targets.add(target)
        graph[module] = targets
    return graph


def named(graph: dict[Module, set[Module]]) -> dict[str, set[str]]:
    return {"::".join(k) or "crate": {"::".join(v) or "crate" for v in vs} for k, vs in graph.items()}


def kinds_of(graph: dict[Module, set[Module]]) -> set[str]:
    """The SDK's kind folders: top-level modules with modules of their own."""
    return {m[0] for m in graph if len(m) > 1}


def test_no_module_cycle_in_any_crate():
    for name, src in CRATES.items():
        cycle = find_cycle(named(module_graph(src)))
        assert cycle is None, f"rust/{name}: module cycle " + " -> ".join(cycle)


def test_the_shared_sdk_layer_names_no_kind():
    graph = module_graph(CRATES["sdk"])
    kinds = kinds_of(graph)
    assert {"http", "network", "listener", "udp", "access_logger", "bootstrap"} <= kinds
    shared = {m: ts for m, ts in graph.items() if not m or m[0] not in kinds}
    offenders = {
        "::".join(m) or "lib": sorted("::".join(t) for t in ts if t and t[0] in kinds) for m, ts in shared.items()
    }
    # lib.rs declares the kind modules; it is the crate's table of contents, not a layer.
    offenders.pop("lib", None)
    assert not {m: ts for m, ts in offenders.items() if ts}, offenders


def test_no_filter_imports_another_filter():
    graph = module_graph(CRATES["filters"])
    for module, targets in graph.items():
        if len(module) < 2 or module[0] == "shared":
            continue
        # module[:2] is the filter (a file, or the folder of a multi-file filter).
        others = sorted("::".join(t) for t in targets if len(t) >= 2 and t[0] != "shared" and t[:2] != module[:2])
        assert not others, f"{'::'.join(module)} imports {others}"


def test_a_cycle_and_a_test_module_are_told_apart(tmp_path):
    (tmp_path / "kind").mkdir()
    (tmp_path / "lib.rs").write_text("pub mod kind;\n")
    (tmp_path / "kind" / "mod.rs").write_text("pub mod body;\npub mod testing;\n")
    (tmp_path / "kind" / "body.rs").write_text(
        "use super::{self as k};\n#[cfg(test)]\nmod tests {\n    use crate::kind::testing::Fake;\n}\n"
    )
    (tmp_path / "kind" / "testing.rs").write_text("use crate::kind::{body::run};\n")
    assert find_cycle(named(module_graph(tmp_path))) is None
    (tmp_path / "kind" / "body.rs").write_text("pub fn f() { super::testing::Fake::new(); }\n")
    assert find_cycle(named(module_graph(tmp_path))) == ["kind::body", "kind::testing", "kind::body"]
