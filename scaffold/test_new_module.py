"""`make test-new-module`: make new-module in a temporary folder for each
language, then the project's own `make test` (its unit test, then Envoy with
the module). Bad input is refused with one line, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = str(REPO / "scaffold" / "new_module.py")


def main() -> int:
    started = time.monotonic()
    # Cargo's outputs for the Rust project persist here: its dependencies build once.
    env = {**os.environ, "CARGO_TARGET_DIR": str(REPO / "build/scratch/module-target"), "CARGO_NET_OFFLINE": "true"}
    with tempfile.TemporaryDirectory(prefix="new-module-") as tmp:
        taken = Path(tmp, "taken")
        taken.mkdir()
        (taken / "file").write_text("")
        for args, why in [
            ([str(Path(tmp, "a")), "java"], "LANG='java' is not a language"),
            ([str(taken), "go"], "exists and is not empty"),
            ([str(REPO / "build" / "inside"), "go"], "is inside the repository"),
        ]:
            done = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)
            lines = (done.stdout + done.stderr).splitlines()
            if done.returncode == 0 or len(lines) != 1 or why not in lines[0]:
                raise SystemExit(f"test-new-module: {args}: want one line with {why!r}, got {lines}")
            if Path(args[0]).exists() and args[0] != str(taken):
                raise SystemExit(f"test-new-module: {args} was refused but wrote {args[0]}")
        print("  3 bad inputs refused with one line, nothing written")
        for lang in ["rust", "go", "cpp"]:
            t = time.monotonic()
            project = Path(tmp, f"hello_{lang}")
            subprocess.run([sys.executable, SCRIPT, str(project), lang], check=True, capture_output=True)
            done = subprocess.run(["make", "test"], cwd=project, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(
                    f"test-new-module: {lang}: make test failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
                )
            seen = [line for line in done.stdout.splitlines() if line.startswith("envoy: x-hello")]
            if not seen:
                raise SystemExit(f"test-new-module: {lang}: make test passed without Envoy's answer:\n{done.stdout}")
            print(f"  {lang}: {seen[0]:50} {time.monotonic() - t:6.1f}s", flush=True)
    print(f"test-new-module: passed in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
