"""`make new-module DIR=<path> LANG=<rust|go|cpp>`: a standalone project
outside the repository that builds a module (one HTTP filter, `hello`) against
this repository's SDK, with a Makefile whose `make test` runs its unit test and
then Envoy with the module. Templates: scaffold/templates/module/.

Bad input is refused with one line, before anything is written.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates" / "module"
sys.path.insert(0, str(REPO / "integration"))
import ports  # noqa: E402

LANGS = ["rust", "go", "cpp"]


class Refused(Exception):
    pass


def create(target: Path, lang: str) -> list[Path]:
    if lang not in LANGS:
        raise Refused(f"LANG={lang!r} is not a language; one of {', '.join(LANGS)}")
    target = target.resolve()
    if target == REPO or REPO in target.parents:
        raise Refused(f"DIR={target} is inside the repository; choose a folder outside it")
    if target.exists() and any(target.iterdir()):
        raise Refused(f"DIR={target} exists and is not empty")
    module = re.sub(r"[^a-z0-9_]", "_", target.name.lower()).strip("_")
    if not re.match(r"^[a-z][a-z0-9_]*$", module):
        raise Refused(f"DIR={target}: its name gives no module name (letters, digits, underscores)")
    version = (REPO / "ENVOY_VERSION").read_text().strip()
    listener, admin = ports.NEW_MODULE
    values = {
        "module": module,
        "repo": str(REPO),
        "envoy_version": version,
        "envoy_bin": str(REPO / ".venv" / "bin" / f"envoy-{version}"),
        "port": str(listener),
        "admin": str(admin),
    }
    written = []
    sources = [(p, p.relative_to(TEMPLATES / lang)) for p in (TEMPLATES / lang).rglob("*") if p.is_file()]
    sources += [(TEMPLATES / "envoy.yaml", Path("envoy.yaml")), (TEMPLATES / "envoy-test.sh", Path("envoy-test.sh"))]
    for src, rel in sources:
        text = src.read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
        shutil.copymode(src, dest)
        written.append(dest)
    os.chmod(target / "envoy-test.sh", 0o755)
    (target / ".gitignore").write_text("/build/\n/target/\n")
    if lang == "rust":
        # The repository's lock file: the same versions of the SDK's dependencies.
        shutil.copy(REPO / "rust" / "Cargo.lock", target / "Cargo.lock")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1]:
        print("new-module: usage: make new-module DIR=<path> LANG=<rust|go|cpp>", file=sys.stderr)
        return 2
    try:
        written = create(Path(argv[1]), argv[2])
    except Refused as e:
        print(f"new-module: {e}", file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    print(f"new-module: {argv[2]} module in {root} ({len(written)} files); cd there and run make test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
