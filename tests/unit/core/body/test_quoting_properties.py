"""Properties: quoted material and inline code examples never change the decision, and
hostile patterns give a policy or a GatekeeperError, never another exception."""

from __future__ import annotations

import json
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from gatekeeper.core.body.contract import _markdown
from gatekeeper.core.model import ChangedPath, Decision
from gatekeeper.core.policy.patterns import compile_pattern_set
from gatekeeper.errors import GatekeeperError
from tests.support.fixtures import load_policy_text, run_evaluate
from tests.unit.core.test_properties import BODY, LINE, PATHS, SETTINGS

QUOTED_LINES = st.lists(LINE.map(lambda s: s.replace("\r", "").replace("\n", "")),
                        min_size=1, max_size=8)


def _blockquote(lines: list[str]) -> str:
    return "".join(f"> {line}\n" for line in lines)


def _details(lines: list[str], summary: str, gap: str) -> str:
    inner = "".join(f"{line}\n" for line in lines if "details" not in line.casefold())
    return f"<details>\n<summary>{summary}</summary>\n{gap}{inner}{gap}</details>\n"


def _markdown_summary_details(lines: list[str], summary: str) -> str:
    # <summary> with its words as Markdown in blocks of their own ("### Original prompt").
    inner = "".join(f"{line}\n" for line in lines if "details" not in line.casefold()
                    and "summary" not in line.casefold())
    return f"<details>\n<summary>\n\n{summary}\n\n</summary>\n\n{inner}\n</details>\n"


SUMMARIES = st.sampled_from(["Original prompt", "Quoted reply", "Previous description"])
QUOTE = st.one_of(
    QUOTED_LINES.map(_blockquote),
    st.builds(_details, QUOTED_LINES, SUMMARIES, st.sampled_from(["\n", ""])),
    st.builds(_markdown_summary_details, QUOTED_LINES,
              st.sampled_from(["Original prompt", "### Original prompt", "**Quoted reply**"])),
)
EXAMPLE = st.builds(
    lambda label, value: f"For example, write `{label}: {value}` in your body.\n",
    st.sampled_from(["Risk level", "risk_level", "Approval reference", "Rollback plan",
                     "Accountable owner"]),
    st.sampled_from(["RED", "GREEN", "@mallory", "SEC-1", "revert it"]),
)


def _summary(decision: Decision) -> tuple[object, ...]:
    return (decision.outcome, decision.computed_class, decision.declared_class,
            json.dumps(decision.contract, sort_keys=True),
            sorted((str(r.code), r.field or "") for r in decision.reasons))


def _closed(body: str) -> bool:
    """Text appended after the body starts a block of its own (no open fence or HTML) and
    is shown: an HTML comment left open hides everything after it on GitHub (the page's
    HTML ends inside the comment), as an open fence swallows it."""
    tokens = _markdown().parse(body + "\n\nSENTINEL\n")
    unclosed_comment = _OPEN_COMMENT.search(body) is not None
    return not unclosed_comment and any(
        t.type == "inline" and t.content == "SENTINEL" for t in tokens)


_OPEN_COMMENT = re.compile(r"<!--(?!.*?-->)", re.DOTALL)


@SETTINGS
@given(body=BODY, quote=QUOTE, paths=PATHS, at_start=st.booleans())
def test_adding_quoted_material_never_changes_the_decision(
        body: str, quote: str, paths: list[str | ChangedPath], at_start: bool) -> None:
    # Quoted material that is itself closed: an unclosed fence inside it would swallow the
    # rest of the body on GitHub too.
    assume(_closed(body) and _closed(quote))
    before = run_evaluate(body, paths)
    # A blank line keeps the quote apart from the body, as an author would leave it.
    after = run_evaluate(quote + "\n" + body if at_start else body + "\n\n" + quote, paths)
    assert _summary(after) == _summary(before)


LABELS = st.sampled_from(["**Rollback plan:**", "### Rollback plan", "- **Rollback plan:**",
                          "**Approval reference:**", "### Risk level", "Rollback plan:"])
VALUE = st.sampled_from(["revert; tried on staging", "SEC-2291", "RED", "TBD", "",
                         "**Release note:** none", "- [x] CI is green"])
HEAD = ("## Contract\n- **Risk level:** RED\n- **Accountable owner:** @dana\n"
        "- **Change origin:** human\n- **Test evidence:** pytest -q: 12 passed\n\n"
        "## Escalation\n- **Escalation reviewer:** @acme/security\n")


@SETTINGS
@given(label=LABELS, quote=QUOTE, value=VALUE, paths=PATHS)
def test_a_quote_between_a_label_and_what_follows_never_changes_the_decision(
        label: str, quote: str, value: str, paths: list[str | ChangedPath]) -> None:
    # A hint quoted under a label: the label still takes (or does not take) what follows.
    assume(_closed(quote))
    before = run_evaluate(f"{HEAD}\n{label}\n\n{value}\n", paths)
    after = run_evaluate(f"{HEAD}\n{label}\n\n{quote}\n{value}\n", paths)
    assert _summary(after) == _summary(before)


def _has_heading(text: str) -> bool:
    return any(token.type == "heading_open" for token in _markdown().parse(text))


@SETTINGS
@given(body=BODY, lines=QUOTED_LINES, paths=PATHS,
       heading=st.sampled_from(["## Original prompt", "### Prompt", "# Quoted from #812"]))
def test_a_section_headed_as_quoted_material_never_changes_the_decision(
        body: str, lines: list[str], paths: list[str | ChangedPath], heading: str) -> None:
    # The section runs to the next heading of its level or higher: its lines hold none.
    quoted = "".join(f"{line}\n" for line in lines)
    assume(_closed(body) and _closed(quoted) and not _has_heading(quoted))
    before = run_evaluate(body, paths)
    after = run_evaluate(f"{body}\n\n{heading}\n\n{quoted}", paths)
    assert _summary(after) == _summary(before)


@SETTINGS
@given(body=BODY, example=EXAMPLE, paths=PATHS)
def test_adding_an_inline_code_example_never_changes_the_decision(
        body: str, example: str, paths: list[str | ChangedPath]) -> None:
    before = run_evaluate(body, paths)
    after = run_evaluate(example + "\n" + body, paths)
    assert _summary(after) == _summary(before)


PATTERN = st.one_of(
    st.text(st.sampled_from(list("ab/*?[]!^-:\\ .#")), max_size=12),
    st.sampled_from(["[[:digit:]]*", "[[:nope:]]", "[a-", "\\", "foo/**/", "***", "!",
                     "[]]", "[!]", "a\\ ", "#x", "/", "**/", "[\\]]"]),
)


@SETTINGS
@given(patterns=st.lists(PATTERN, min_size=1, max_size=8),
       paths=st.lists(st.text(st.sampled_from(list("ab/.-:[]")), min_size=1, max_size=10),
                      max_size=5),
       folded=st.booleans())
def test_hostile_patterns_give_a_policy_or_a_clean_error(
        patterns: list[str], paths: list[str], folded: bool) -> None:
    items = "".join(f"      - {json.dumps(p)}\n" for p in patterns)
    text = (f"version: 1\nclasses:\n  RED:\n    case_insensitive: {str(folded).lower()}\n"
            f"    paths:\n{items}")
    try:
        policy = load_policy_text(text)
    except GatekeeperError as exc:
        assert exc.line is not None and exc.line >= 6
        return
    run_evaluate("Risk level: RED\n", paths, policy)
    matcher, problems = compile_pattern_set(patterns)
    assert problems == []
    for path in paths:
        matcher.check(path)


def test_an_open_comment_in_a_quote_hides_what_follows_as_github_does() -> None:
    # The example hypothesis found: the comment never closes, so on GitHub the label after
    # it is not shown at all; the reader does not take it as the author's either.
    hidden = ("<details>\n<summary>Original prompt</summary>\n<!--\n</details>\n"
              "\n- **Risk level:** GREEN\n")
    assert not _closed(hidden.split("\n\n")[0] + "\n")
    assert "risk_level" not in run_evaluate(hidden, []).contract
