"""explain, run in process: the columns lined up on the longest path, each negation under
its path, and where a rule is when its line is not known."""

from __future__ import annotations

import io
from pathlib import Path

from gatekeeper.commands.explain import ExplainOptions, _where, run
from gatekeeper.constants import EMBEDDED_POLICY
from gatekeeper.core.model import RiskClass
from gatekeeper.core.policy.explain import Rule
from gatekeeper.local.policy_source import PolicyText

POLICY = """\
version: 1
classes:
  RED:
    paths: [".env*", "!.env.example"]
  AMBER:
    paths: ["*.example"]
"""


def test_paths_line_up_and_negations_follow_their_path(tmp_path: Path) -> None:
    policy = tmp_path / "gk.yml"
    policy.write_text(POLICY, encoding="utf-8")
    out = io.StringIO()
    code = run(ExplainOptions(paths=(".env", "config/.env.example", "x"), policy=str(policy),
                              cwd=tmp_path), out)
    assert code == 0
    assert out.getvalue().splitlines() == [
        f".env                 RED    pattern .env*  ({policy}:4)",
        f"config/.env.example  AMBER  pattern *.example  ({policy}:6)",
        f"{'':19}         not RED: !.env.example  ({policy}:4)",
        "x                    GREEN  no AMBER or RED pattern matches",
    ]


def test_no_paths_writes_nothing(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run(ExplainOptions(paths=(), cwd=tmp_path), out) == 0
    assert out.getvalue() == ""


def test_where_a_rule_is_with_and_without_its_line() -> None:
    file = PolicyText("gk.yml", "")
    embedded = PolicyText(EMBEDDED_POLICY, "")
    known, unknown = Rule(RiskClass.RED, "a/", 5), Rule(RiskClass.RED, "a/", None)
    assert _where(known, file) == "gk.yml:5"
    assert _where(unknown, file) == "gk.yml"
    assert _where(known, embedded) == "the embedded default policy, line 5"
    assert _where(unknown, embedded) == "the embedded default policy, line unknown"
