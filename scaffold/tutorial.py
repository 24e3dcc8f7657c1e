"""Runs docs/TUTORIAL.md: applies its steps, in order, to a scratch copy of
the repository and checks the output they show.

Step blocks (fenced, marked in the info string):

  ```LANG file=PATH                     write PATH with the block
  ```LANG append=PATH                   append the block to PATH
  ```LANG insert=PATH after="TEXT"      insert the block after the first line containing TEXT
  ```sh step                            run the block with bash -e; it must succeed
  ```sh step background                 start the block in the background (like a second terminal)
  ```console step [retry]               `$ command` lines, each followed by lines its output must
                                        contain, in order (retry: for up to 30 s)
  <!-- step: stop -->                   stop the background command (the reader's Ctrl-C)

Any other block is prose. Usage: python scaffold/tutorial.py [TUTORIAL.md]
(make test-tutorial runs it inside a private network namespace).
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import scratch

REPO = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(\S*)(.*)$")
STOP = "<!-- step: stop -->"


def steps(markdown: str):
    """(line number, info words, body) of every step, in order."""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == STOP:
            yield i + 1, ["stop"], ""
            i += 1
            continue
        m = FENCE.match(line)
        if not m:
            i += 1
            continue
        start = i
        i += 1
        body = []
        while i < len(lines) and lines[i] != "```":
            body.append(lines[i])
            i += 1
        i += 1
        words = shlex.split(m.group(2))
        if any(w == "step" or "=" in w for w in words):
            yield start + 1, [m.group(1), *words], "\n".join(body) + "\n"


def options(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if "=" in w)


class Runner:
    def __init__(self, root: Path):
        self.root = root
        self.background: subprocess.Popen | None = None

    def stop(self):
        if self.background is not None:
            os.killpg(self.background.pid, signal.SIGINT)
            try:
                self.background.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.background.pid, signal.SIGKILL)
                self.background.wait()
            self.background = None

    def run(self, at: int, words: list[str], body: str):
        opts = options(words)
        if words[0] == "stop":
            self.stop()
        elif "file" in opts:
            path = self.root / opts["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body)
        elif "append" in opts:
            with open(self.root / opts["append"], "a") as f:
                f.write(body)
        elif "insert" in opts:
            path = self.root / opts["insert"]
            text = path.read_text().splitlines(keepends=True)
            anchor = opts["after"]
            hits = [n for n, line in enumerate(text) if anchor in line]
            if not hits:
                raise StepFailed(at, f"{opts['insert']} has no line containing {anchor!r}")
            text.insert(hits[0] + 1, body)
            path.write_text("".join(text))
        elif words[0] == "sh" and "background" in words:
            # The child keeps its own copy of the file descriptor.
            with open(self.root / "build" / f"tutorial-background-{at}.log", "w") as log:
                self.background = subprocess.Popen(
                    ["bash", "-c", body],
                    cwd=self.root,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        elif words[0] == "sh":
            done = subprocess.run(["bash", "-e", "-c", body], cwd=self.root, capture_output=True, text=True)
            if done.returncode != 0:
                raise StepFailed(at, f"exit status {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        elif words[0] == "console":
            self.console(at, body, retry="retry" in words)
        else:
            raise StepFailed(at, f"unknown step {words}")

    def console(self, at: int, body: str, retry: bool):
        commands: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip():
                commands[-1][1].append(line)
        for command, expected in commands:
            deadline = time.monotonic() + (30 if retry else 0)
            while True:
                done = subprocess.run(["bash", "-c", command], cwd=self.root, capture_output=True, text=True)
                missing = unmet(done.stdout + done.stderr, expected)
                if missing is None:
                    break
                if time.monotonic() > deadline:
                    raise StepFailed(
                        at,
                        f"$ {command}\nexpected a line containing {missing!r}; got:\n"
                        f"{(done.stdout + done.stderr)[-3000:]}",
                    )
                time.sleep(0.5)


def unmet(output: str, expected: list[str]) -> str | None:
    """The first expected line the output lacks (in order), or None."""
    lines = output.replace("\r\n", "\n").splitlines()
    at = 0
    for want in expected:
        while at < len(lines) and want not in lines[at]:
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


class StepFailed(Exception):
    def __init__(self, at: int, why: str):
        super().__init__(f"TUTORIAL.md line {at}: {why}")


def main() -> int:
    tutorial = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "TUTORIAL.md"
    all_steps = list(steps(tutorial.read_text()))
    root = scratch.copy(REPO, "shared")
    runner = Runner(root)
    started = time.monotonic()
    try:
        for at, words, body in all_steps:
            t = time.monotonic()
            runner.run(at, words, body)
            print(f"  line {at:4} {' '.join(words)[:60]:60} {time.monotonic() - t:6.1f}s", flush=True)
    except StepFailed as e:
        print(f"tutorial: {e}", file=sys.stderr)
        return 1
    finally:
        runner.stop()
    print(f"tutorial: {len(all_steps)} steps passed in {time.monotonic() - started:.0f}s ({root})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
