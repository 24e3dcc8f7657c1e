"""A scratch copy of the repository under build/scratch/<name>: the files git
tracks (and new ones it does not ignore), copied only when their content
differs, so the copy's own build outputs (build/, rust/target) stay and its
builds are incremental from one run to the next. Files a run adds or edits are
put back to the repository's version by the next copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def tracked(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p and (repo / p).is_file()]


# Build outputs of the copy, kept from one run to the next.
OUTPUTS = {"build", ".venv", "rust/target", "bench/contenders/wasm/target", "__pycache__", ".pytest_cache"}


def copy(repo: Path, name: str) -> Path:
    """Brings build/scratch/<name> to the repository's files (removing the ones
    a previous run added) and returns it."""
    root = repo / "build" / "scratch" / name
    keep = set(tracked(repo))
    for top, dirs, files in os.walk(root):
        rel_top = os.path.relpath(top, root)
        dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in OUTPUTS and d not in OUTPUTS]
        for f in files:
            rel = os.path.normpath(os.path.join(rel_top, f))
            if rel not in keep:
                os.unlink(os.path.join(top, f))
    for rel in keep:
        src, dst = repo / rel, root / rel
        data = src.read_bytes()
        if dst.is_file() and not dst.is_symlink() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_symlink():
            dst.unlink()
        shutil.copy2(src, dst)
    # A first copy starts from the repository's release build: Cargo reuses
    # the registry crates' outputs and rebuilds only the path crates.
    target = root / "rust" / "target"
    if not target.exists() and (repo / "rust" / "target" / "release").is_dir():
        target.mkdir(parents=True)
        subprocess.run(["cp", "-a", str(repo / "rust" / "target" / "release"), str(target)], check=True)
    # The repository's virtualenv (Envoy, the Python tools), shared.
    venv = root / ".venv"
    if not venv.exists():
        os.symlink(repo / ".venv", venv)
    return root
