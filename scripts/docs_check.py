#!/usr/bin/env python3
"""Checks that the docs and the code comments still describe this tree.

    python3 scripts/docs_check.py          check, exit 1 with one line per problem
    python3 scripts/docs_check.py --fix    rewrite the line numbers of code links

What it checks:

- links: every relative link in README.md and docs/ points to a file or folder
  that exists, and every #anchor to a heading of the target (GitHub's rules:
  lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats);
- line links: a link to `file#L42` names its symbol, as the link text in
  backticks ([`run_phase`](...#L42)) or as the link's title
  ([hooks.rs:42](...#L42 "run_phase")); line 42 must be where that symbol is
  defined. --fix moves the number (and a `file:42` link text) to the line that
  defines it now, so a moved function is one command and a renamed one fails;
- comments: every path named as "mirrors X" or "see X" in the code exists;
- make: every target of the Makefile and mk/*.mk (.PHONY lists and rule
  names) is named in `make help`;
- ports: every port the docs name is a number in integration/ports.py;
- the README's map: every path it names exists, and every folder at the top
  of rust/, go/ and cpp/ is named in it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------- markdown

FENCE = re.compile(r"^\s*(```|~~~)")
# [text](target "title"): the text may hold one level of brackets.
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"([^\"]*)\")?\s*\)")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")
LINE_REF = re.compile(r"^L(\d+)(?:-L(\d+))?$")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line outside fenced code blocks."""
    out, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, line))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup and punctuation dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: Counter[str] = Counter()
    out = set()
    for _, line in prose_lines(path.read_text()):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            out.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
            seen[base] += 1
        out.update(HTML_ANCHOR.findall(line))
    return out


# The line that defines a symbol, by language.
def definition_patterns(path: Path, name: str) -> list[re.Pattern[str]]:
    n = re.escape(name)
    if path.suffix == ".rs":
        return [
            re.compile(rf"\b(fn|struct|enum|trait|type|const|static|mod|union)\s+{n}\b"),
            re.compile(rf"\bmacro_rules!\s*{n}\b"),
        ]
    if path.suffix == ".go":
        return [
            re.compile(rf"^func\s+(\([^)]*\)\s*)?{n}\s*[\[(]"),
            re.compile(rf"^\s*(type|var|const)?\s*{n}\s+(=|struct|interface|func|[\w*\[])"),
        ]
    # C and C++: a line outside a comment that opens the symbol's definition
    # (not a call inside a body: those are indented past the namespace level).
    return [re.compile(rf"^(?!\s*(//|\*|/\*))(\S.*[\s*&:]|){n}\s*(\(|=|\{{|\[)")]


def definition_lines(path: Path, name: str) -> list[int]:
    lines = path.read_text().splitlines()
    patterns = definition_patterns(path, name)
    return [i for i, line in enumerate(lines, 1) if any(p.search(line) for p in patterns)]


def symbol_of(text: str, title: str | None) -> str | None:
    """The symbol a line link names: its title, else a `code` link text."""
    if title:
        return title.strip()
    match = re.fullmatch(r"`([^`]+)`", text.strip())
    if match:
        name = match.group(1)
        # `config::create`, `HeaderMutation.OnRequestHeaders`, `ConfigNew()`
        return re.split(r"::|\.", name.rstrip("()!"))[-1]
    return None


def nearest_definition(found: list[int], old: int) -> list[int]:
    """A name defined twice (a trait's method and its impl): a link means the
    definition nearest to the line it pointed at. A tie stays ambiguous."""
    if len(found) < 2:
        return found
    by_distance = sorted(found, key=lambda n: abs(n - old))
    if abs(by_distance[0] - old) < abs(by_distance[1] - old):
        return by_distance[:1]
    return found


def check_markdown(fix: bool) -> list[str]:
    problems: list[str] = []
    for md in markdown_files():
        text = md.read_text()
        rel = md.relative_to(ROOT)
        new_lines = text.splitlines(keepends=True)
        changed = False
        for number, line in prose_lines(text):
            for match in LINK.finditer(line):
                link_text, target, title = match.groups()
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, mailto:, ...
                    continue
                where = f"{rel}:{number}"
                path_part, _, anchor = target.partition("#")
                dest = md if not path_part else (md.parent / path_part).resolve()
                if not dest.exists():
                    problems.append(f"{where}: link to {target}: no such file")
                    continue
                if not anchor:
                    continue
                if dest.suffix == ".md":
                    if anchor not in anchors(dest):
                        problems.append(f"{where}: link to {target}: no heading with anchor #{anchor}")
                    continue
                lref = LINE_REF.match(anchor)
                if not lref or dest.is_dir():
                    problems.append(f"{where}: link to {target}: only #L<n> anchors into code")
                    continue
                symbol = symbol_of(link_text, title)
                if symbol is None:
                    problems.append(
                        f'{where}: line link {target} names no symbol: give it `symbol` as text or a "symbol" title'
                    )
                    continue
                found = definition_lines(dest, symbol)
                old = int(lref.group(1))
                if old in found:
                    continue
                found = nearest_definition(found, old)
                if len(found) != 1:
                    what = "nothing" if not found else f"lines {found}"
                    problems.append(f"{where}: {target}: `{symbol}` is defined at {what} in {path_part}")
                    continue
                if not fix:
                    problems.append(f"{where}: {target}: `{symbol}` is at line {found[0]} now (make docs fixes it)")
                    continue
                new_target = f"{path_part}#L{found[0]}"
                new_text = re.sub(rf":{old}$", f":{found[0]}", link_text)
                old_link = match.group(0)
                new_link = old_link.replace(f"]({target}", f"]({new_target}", 1).replace(
                    f"[{link_text}]", f"[{new_text}]", 1
                )
                new_lines[number - 1] = new_lines[number - 1].replace(old_link, new_link, 1)
                changed = True
                print(f"{where}: {symbol}: line {old} -> {found[0]}")
        if changed:
            md.write_text("".join(new_lines))
    return problems


# --------------------------------------------------------- the README's map

MAP_HEADING = "## The map"
MAPPED_TREES = ["rust", "go", "cpp"]


def check_map() -> list[str]:
    """Every path the README's map names exists, and every folder at the top of
    rust/, go/ and cpp/ that git tracks is named there."""
    lines = (ROOT / "README.md").read_text().splitlines()
    if MAP_HEADING not in lines:
        return [f"README.md: no '{MAP_HEADING}' section"]
    start = lines.index(MAP_HEADING)
    block, fenced = [], False
    for line in lines[start + 1 :]:
        if FENCE.match(line):
            if fenced:
                break
            fenced = True
        elif fenced:
            block.append(line)
    problems, named = [], set()
    for line in block:
        if line[:1].isspace():
            continue  # a description carried on from the line above
        first = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        for token in (t.strip() for t in first.split(",")):
            path = token.rstrip("/")
            named.add(path)
            if not (ROOT / path).exists():
                problems.append(f"README.md map: {token} does not exist")
    tracked = subprocess.run(["git", "ls-files", *MAPPED_TREES], cwd=ROOT, capture_output=True, text=True).stdout
    folders = {"/".join(p.split("/")[:2]) for p in tracked.splitlines() if p.count("/") >= 2}
    problems += [f"README.md map: {f}/ is not named" for f in sorted(folders - named)]
    return problems


# ------------------------------------------------------------ code comments

COMMENT_DIRS = ["rust", "go", "cpp", "integration", "bench", "mk"]
SOURCE_SUFFIXES = {".rs", ".go", ".c", ".cc", ".h", ".py", ".mk", ".sh", ".toml", ".cmake"}
# "mirrors rust/sdk/src/http/hooks.rs", "see `docs/CONTRACT.md`", "Mirrors hooks.rs's
# config half and rust/sdk/src/config.rs": every path of the clause after the word.
SEE = re.compile(r"\b(?:[Mm]irrors|[Ss]ee)\s+(.*?)(?:\.\s|;|$)")
PATH = re.compile(
    r"(?<![\w/.:-])((?:[\w.-]+/)*[\w-]+\.(?:rs|go|c|cc|h|py|md|mk|sh|toml|yaml|json)"
    r"|(?:[\w.-]+/)+[\w.-]*)(?=[`'\s,.;:)]|$)"
)
SKIP_PARTS = {"target", "corpus", "testdata", "node_modules", ".venv"}


def source_files() -> list[Path]:
    files = [ROOT / "Makefile"]
    for top in COMMENT_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix in SOURCE_SUFFIXES and not SKIP_PARTS & set(path.parts):
                files.append(path)
    return files


def resolves(source: Path, named: str) -> bool:
    named = named.rstrip("/")
    top = ROOT / source.relative_to(ROOT).parts[0]
    for base in (ROOT, source.parent, top if top.is_dir() else ROOT):
        if (base / named).exists():
            return True
    if "/" not in named:  # a bare file name: anywhere in the same language's tree
        return any(top.rglob(named)) if top.is_dir() else False
    return False


def check_comments() -> list[str]:
    problems = []
    for path in source_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for clause in SEE.finditer(line):
                for match in PATH.finditer(clause.group(1)):
                    named = match.group(1)
                    if named.startswith(("http", "www.")) or "{" in named:
                        continue
                    if not resolves(path, named):
                        problems.append(f"{path.relative_to(ROOT)}:{number}: names {named}, which does not exist")
    return problems


# --------------------------------------------------------------------- make

MAKEFILES = ["Makefile", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "mk").glob("*.mk"))]
RULE = re.compile(r"^([A-Za-z0-9][\w-]*)\s*:(?!=)")


def make_targets() -> set[str]:
    targets = set()
    for name in MAKEFILES:
        text = (ROOT / name).read_text().replace("\\\n", " ")
        for line in text.splitlines():
            if line.startswith(".PHONY:"):
                targets.update(line.split(":", 1)[1].split())
            match = RULE.match(line)
            if match:
                targets.add(match.group(1))
    return {t for t in targets if "$" not in t and "%" not in t}


def check_help() -> list[str]:
    out = subprocess.run(["make", "-s", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        return [f"make help failed: {out.stderr.strip()}"]
    named = set(re.findall(r"[\w-]+", out.stdout))
    return [f"make help: no line for `make {t}`" for t in sorted(make_targets()) if t not in named]


# -------------------------------------------------------------------- ports

# Where prose names a port: host:port, a listener or port word before it,
# 1087/udp, dig's -p, and a table row that starts with it.
PORT_FORMS = [
    re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\]):(\d{2,5})\b"),
    re.compile(r"\b(?:ports?|listeners?|on)\s+(\d{4,5})(?:\s*[-–]\s*(\d{4,5}))?\b(?!-\d)"),
    re.compile(r"\b(\d{4,5})/(?:udp|tcp)\b"),
    re.compile(r"\s-p\s+(\d{2,5})\b"),
    re.compile(r"^\|\s*(\d{4,5})(?:/udp)?\s*\|"),
    re.compile(r"\((\d{4,5})(?:\s*[-–]\s*(\d{4,5}))?\)"),
]


def check_ports() -> list[str]:
    """Ports from 32768 up are the kernel's ephemeral range (a client's side in
    sample output), never one the lab fixes."""
    known = {int(n) for n in re.findall(r"\b\d{2,5}\b", (ROOT / "integration/ports.py").read_text())}
    problems = []
    for md in markdown_files():
        for number, line in enumerate(md.read_text().splitlines(), 1):
            for form in PORT_FORMS:
                for match in form.finditer(line):
                    for group in match.groups():
                        if group and int(group) < 32768 and int(group) not in known:
                            problems.append(
                                f"{md.relative_to(ROOT)}:{number}: port {group} is not in integration/ports.py"
                            )
    return sorted(set(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the line numbers of code links from their symbols")
    args = parser.parse_args()
    problems = check_markdown(args.fix) + check_map() + check_comments() + check_help() + check_ports()
    for problem in problems:
        print(problem)
    if problems:
        print(f"docs-check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("docs-check: links, line links, comments, make help and ports all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
