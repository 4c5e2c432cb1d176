"""Generate what the field registry (gatekeeper/core/fields.py) decides elsewhere:

- the `required` list and the RED `if`/`then` rule of schemas/contract.schema.json,
- the field table and the template shown in docs/contract.md (between their markers),
- the sticky comment shown in docs/contract.md for examples/red-missing-escalation.md.

    python scripts/gen_contract_docs.py          # rewrite both
    python scripts/gen_contract_docs.py --check  # exit 1 when either is out of date

The pull request template is rendered from the same registry at run time
(`gatekeeper.core.fields.pull_request_template`). tests/docs/test_contract_docs.py fails
when these files drift from the registry.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gatekeeper import resources  # noqa: E402
from gatekeeper.core import fields  # noqa: E402
from gatekeeper.core.decide import evaluate  # noqa: E402
from gatekeeper.core.model import ChangedPath  # noqa: E402
from gatekeeper.local.policy_source import default_policy  # noqa: E402
from gatekeeper.reporters.markdown import comment  # noqa: E402

SCHEMA = ROOT / "schemas" / "contract.schema.json"
DOC = ROOT / "docs" / "contract.md"
START, END = "<!-- fields-table:start -->", "<!-- fields-table:end -->"
TEMPLATE_START, TEMPLATE_END = "<!-- template:start -->", "<!-- template:end -->"
COMMENT_START, COMMENT_END = "<!-- comment:start -->", "<!-- comment:end -->"
EXAMPLE = ROOT / "examples" / "red-missing-escalation"
CLASS_FIELD = "risk_class"


def schema_text(current: str) -> str:
    schema: dict[str, Any] = json.loads(current)
    schema["required"] = [*fields.required_fields("always"), CLASS_FIELD]
    red_rule = {
        "if": {"properties": {CLASS_FIELD: {"const": "RED"}}, "required": [CLASS_FIELD]},
        "then": {"required": fields.required_fields("red")},
    }
    others = [rule for rule in schema.get("allOf", []) if rule.get("if") != red_rule["if"]]
    schema["allOf"] = [red_rule, *others]
    missing = [spec.name for spec in fields.FIELDS if spec.name not in schema["properties"]]
    if missing:
        raise SystemExit(f"{SCHEMA}: no property for the registry's field(s) {missing}")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _between(text: str, start: str, end: str, content: str) -> str:
    before, found_start, rest = text.partition(start)
    _, found_end, after = rest.partition(end)
    if not found_start or not found_end:
        raise SystemExit(f"{DOC}: the {start} ... {end} markers are missing")
    return f"{before}{start}\n{content}{end}{after}"


def comment_example() -> str:
    """The sticky comment for the example body, as the action would write it."""
    body = EXAMPLE.with_suffix(".md").read_text(encoding="utf-8")
    paths = EXAMPLE.with_suffix(".files").read_text(encoding="utf-8").split()
    decision = evaluate(body, [ChangedPath(p) for p in paths], default_policy(),
                        contract_schema=resources.schema("contract"),
                        evaluated_at="2026-11-21T00:00:00Z", version="docs")
    # The id is a digest that changes with Gatekeeper's hashing; the page shows a stand-in.
    return comment(decision).replace(decision.id, "gk-" + "0" * 16)


def doc_text(current: str) -> str:
    text = _between(current, START, END, fields.docs_table())
    template = f"```markdown\n{fields.pull_request_template()}```\n"
    text = _between(text, TEMPLATE_START, TEMPLATE_END, template)
    return _between(text, COMMENT_START, COMMENT_END, comment_example())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift")
    args = parser.parse_args(argv)
    stale = []
    for path, render in ((SCHEMA, schema_text), (DOC, doc_text)):
        current = path.read_text(encoding="utf-8")
        wanted = render(current)
        if current == wanted:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(map(str, stale))}; run "
              "`python scripts/gen_contract_docs.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
