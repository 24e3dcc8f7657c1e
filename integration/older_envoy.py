"""What the harness does for an Envoy older than the config's conventions.

Envoy 1.37 hands a module a `google.protobuf.Struct` filter_config as the
Struct's protobuf wire bytes; 1.38 and later hand it over as JSON text (1.38
still sends the wire bytes for per-route configs). The modules parse JSON only,
so on 1.37 lab.py runs every config through `for_this_envoy`: each Struct
filter_config becomes a `StringValue` holding the same JSON, which every
supported Envoy passes verbatim. An operator on 1.37 writes the same
(docs/COMPAT.md). Nothing changes for 1.38 and later.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import subprocess
from pathlib import Path

import yaml

STRUCT = "type.googleapis.com/google.protobuf.Struct"
STRING = "type.googleapis.com/google.protobuf.StringValue"
# The first Envoy that passes a Struct filter_config as JSON text.
STRUCT_AS_JSON_SINCE = (1, 38, 0)


@functools.cache
def envoy_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"/(\d+)\.(\d+)\.(\d+)/", out)
    if not m:
        raise RuntimeError(f"{binary} --version: no version in {out!r}")
    return tuple(int(g) for g in m.groups())


def struct_configs_as_strings(node):
    """The config with every Struct `filter_config` turned into a StringValue of
    its JSON; returns (new config, how many were turned)."""
    count = 0

    def walk(n):
        nonlocal count
        if isinstance(n, dict):
            out = {}
            for k, v in n.items():
                if k == "filter_config" and isinstance(v, dict) and v.get("@type") == STRUCT:
                    count += 1
                    out[k] = {"@type": STRING, "value": json.dumps(v.get("value", {}), separators=(",", ":"))}
                else:
                    out[k] = walk(v)
            return out
        if isinstance(n, list):
            return [walk(v) for v in n]
        return n

    return walk(node), count


WORK = Path(__file__).resolve().parent.parent / "build" / "older_envoy"


def for_this_envoy(config: Path, binary: str) -> Path:
    """`config` as this Envoy needs it: itself from 1.38 on; on 1.37 a rewritten
    copy under build/older_envoy (only when it has a Struct filter_config)."""
    if envoy_version(binary) >= STRUCT_AS_JSON_SINCE:
        return config
    text = config.read_text()
    loaded = json.loads(text) if config.suffix == ".json" else yaml.safe_load(text)
    rewritten, count = struct_configs_as_strings(loaded)
    if not count:
        return config
    WORK.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha1(str(config.resolve()).encode()).hexdigest()[:12]
    out = WORK / f"{config.stem}-{tag}.json"
    out.write_text(json.dumps(rewritten, indent=1))
    return out
