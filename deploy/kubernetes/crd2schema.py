#!/usr/bin/env python3
"""CustomResourceDefinitions -> JSON Schema files for kubeconform, offline.

    crd2schema.py OUT_DIR CRD.yaml...

Writes OUT_DIR/<group>/<kind>_<version>.json (lowercase kind) for every served
version, for kubeconform's
`-schema-location 'OUT_DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'`.

A CRD's openAPIV3Schema is nearly JSON Schema; what differs is translated:
- `nullable: true` becomes a `"null"` alternative of the type;
- `x-kubernetes-int-or-string` becomes integer-or-string;
- every object that lists its properties gets `additionalProperties: false`
  unless it says `x-kubernetes-preserve-unknown-fields`, so a misspelled field
  fails (the API server would prune it silently).
What cannot be translated is counted and printed: the CEL rules
(`x-kubernetes-validations`) need an API server and are not checked here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


class Counts:
    cel_rules = 0


def convert(node, counts: Counts):
    if isinstance(node, list):
        return [convert(n, counts) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "x-kubernetes-validations":
            counts.cel_rules += len(value)
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: convert(v, counts) for k, v in value.items()}
        else:
            out[key] = convert(value, counts)
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    preserve = out.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in out and not preserve and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    counts = Counts()
    written = 0
    for path in argv[2:]:
        for doc in yaml.safe_load_all(Path(path).read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            group, kind = spec["group"], spec["names"]["kind"].lower()
            for version in spec["versions"]:
                if not version.get("served", True):
                    continue
                schema = convert(version["schema"]["openAPIV3Schema"], counts)
                target = out_dir / group / f"{kind}_{version['name']}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema, indent=1, sort_keys=True))
                written += 1
    print(f"crd2schema: {written} schemas in {out_dir}; "
          f"{counts.cel_rules} CEL rules (x-kubernetes-validations) not checkable offline, left out")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
