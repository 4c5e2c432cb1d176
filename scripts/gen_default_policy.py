"""Build gatekeeper/default_policy.json from gatekeeper/default_policy.yml.

    python scripts/gen_default_policy.py          # rewrite default_policy.json
    python scripts/gen_default_policy.py --check  # exit 1 when it is out of date

The YAML file is the embedded default policy, the one that is read, documented and
written by `gatekeeper init`. The JSON file is its build: the same data, validated here
against schemas/policy.schema.json, with the sha256 of the YAML text that the decision
record names. `gatekeeper validate` reads the JSON, so the common local run never loads
the YAML parser nor validates an unchanged policy again.
tests/unit/core/policy/test_default_policy_build.py fails when the two drift.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "gatekeeper" / "default_policy.yml"
OUTPUT = ROOT / "gatekeeper" / "default_policy.json"

sys.path.insert(0, str(ROOT))
from gatekeeper import resources  # noqa: E402
from gatekeeper.core.schemas import validation_errors  # noqa: E402
from gatekeeper.core.text import yamltext  # noqa: E402
from gatekeeper.writes import refresh_generated  # noqa: E402


def render(source: str) -> str:
    """The JSON build of the policy YAML ``source``; ValueError when it is not valid."""
    data, _ = yamltext.load(source, file=SOURCE.name)
    errors = validation_errors(resources.schema("policy"), data)
    if errors:
        raise ValueError(f"{SOURCE.name} does not match the policy schema: {errors[0].message}")
    built = {
        "source": SOURCE.name,
        "source_sha256": hashlib.sha256(source.encode()).hexdigest(),
        "policy": data,
    }
    return json.dumps(built, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    return refresh_generated(OUTPUT, render(SOURCE.read_text(encoding="utf-8")),
                             check=args.check, root=ROOT,
                             command="python scripts/gen_default_policy.py")


if __name__ == "__main__":
    raise SystemExit(main())
