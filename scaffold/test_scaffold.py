"""`make test-scaffold`: make new-filter, checked in a scratch copy of the
repository (build/scratch/shared, the tutorial's; its builds are incremental).

Refuses bad input with one line and writes nothing; then scaffolds one filter
of every kind in every language it supports, lints the result as `make lint`
does, builds it, and runs the unit tests of the three modules (the generated ones among
them) and the generated integration tests, with the integration tests that
list a module's filters by name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import new_filter
import scratch

REPO = Path(__file__).resolve().parent.parent
RUST = ["--manifest-path", "rust/Cargo.toml"]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for top, dirs, files in os.walk(root):
        rel_top = os.path.relpath(top, root)
        dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in scratch.OUTPUTS]
        for f in files:
            st = os.stat(os.path.join(top, f))
            out[os.path.normpath(os.path.join(rel_top, f))] = (st.st_mtime_ns, st.st_size)
    return out


def run(root: Path, argv: list[str], what: str, **kw) -> subprocess.CompletedProcess:
    t = time.monotonic()
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, **kw)
    print(f"  {what:58} {time.monotonic() - t:6.1f}s", flush=True)
    if done.returncode != 0:
        raise SystemExit(
            f"test-scaffold: {what} failed ({done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
        )
    return done


BAD = [
    (["passthrough", "http"], "NAME=passthrough: a filter of that name exists already"),
    (["MyFilter", "http"], "NAME='MyFilter' is not snake_case"),
    (["my__filter", "http"], "is not snake_case"),
    (["my_filter", "websocket"], "KIND='websocket' is not a kind"),
    (["my_filter", "cluster"], "KIND=cluster: make new-filter has no template for it yet"),
    (["my_filter", "http", "rust,java"], "LANGS has 'java', not a language"),
    (["my_filter", "network", "go"], "KIND=network: the go SDK implements http only"),
    (["my_filter", "udp", "cpp"], "KIND=udp: the cpp SDK implements http only"),
]


def main() -> int:
    started = time.monotonic()
    root = scratch.copy(REPO, "shared")
    script = str(root / "scaffold" / "new_filter.py")
    before = snapshot(root)
    for args, why in BAD:
        done = subprocess.run([sys.executable, script, *args], cwd=root, capture_output=True, text=True)
        lines = (done.stdout + done.stderr).splitlines()
        if done.returncode == 0 or len(lines) != 1 or why not in lines[0]:
            raise SystemExit(f"test-scaffold: new-filter {' '.join(args)}: want one line with {why!r}, got {lines}")
        if snapshot(root) != before:
            raise SystemExit(f"test-scaffold: new-filter {' '.join(args)} was refused but wrote files")
    print(f"  {len(BAD)} bad inputs refused with one line, nothing written")

    made = []
    for lang in new_filter.LANGS:
        for kind in sorted(new_filter.SCAFFOLDED[lang]):
            made.append((f"probe_{kind}", kind))
    for name, kind in sorted(set(made)):
        langs = [lang for lang in new_filter.LANGS if kind in new_filter.SCAFFOLDED[lang]]
        run(root, [sys.executable, script, name, kind, ",".join(langs)], f"new-filter {name} {kind} {','.join(langs)}")

    run(root, ["cargo", "fmt", *RUST, "--all", "--check"], "cargo fmt --check")
    run(
        root,
        ["cargo", "clippy", "--locked", *RUST, "-p", "rust_module", "--all-targets", "--", "-D", "warnings"],
        "cargo clippy -p rust_module",
    )
    run(
        root,
        ["sh", "-c", 'out="$(gofmt -l go)"; [ -z "$out" ] || { echo "gofmt needed: $out"; exit 1; }'],
        "gofmt -l go",
    )
    run(root / "go", ["go", "vet", "."], "go vet")
    run(root, [".venv/bin/ruff", "check", "integration"], "ruff check integration")
    run(root, [".venv/bin/ruff", "format", "--check", "integration"], "ruff format --check integration")
    run(
        root,
        ["sh", "-c", "clang-format --dry-run --Werror cpp/filters/*.cc cpp/filters/*.h cpp/test/*.cc"],
        "clang-format --dry-run",
    )
    run(root, ["cargo", "test", "--locked", *RUST, "-p", "rust_module"], "cargo test -p rust_module")
    run(root / "go", ["go", "test", "-count=1", "."], "go test .")
    run(
        root,
        ["sh", "-c", "cmake -S cpp -B build/cpp -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build/cpp -j2"],
        "cmake --build build/cpp",
    )
    run(root, ["ctest", "--test-dir", "build/cpp", "--output-on-failure"], "ctest")
    run(root, ["make", "rust", "go", "cpp"], "make rust go cpp")
    # The generated tests, and every test_validate case that names a module's
    # filters (the refusal of an unknown name lists them all).
    tests = sorted(str(p.relative_to(root)) for p in (root / "integration").glob("test_probe_*.py"))
    tests += ["integration/test_validate.py::test_bad_config_is_refused", "-k", "probe or unknown_filter_name"]
    done = run(
        root, [".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], "pytest " + " ".join(tests)
    )
    print("  " + done.stdout.strip().splitlines()[-1])
    print(f"test-scaffold: passed in {time.monotonic() - started:.0f}s ({root})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
