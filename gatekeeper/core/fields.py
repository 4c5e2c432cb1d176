"""The contract's fields: their names, the labels authors write, and the template's hints."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from gatekeeper.core.text.normalize import display_orders, lookalikes_folded, says_nothing, visible

Section = Literal["contract", "escalation"]
# "always": every pull request; "red": a RED change (the schema's if/then); "optional".
Requirement = Literal["always", "red", "optional"]
# What a value is: one of the field's choices, one @handle (or @org/team), one reference
# token, or free text. Every kind but free text is a claim: the block and the prose must
# agree on it (GK106), and its value is one token read past quotes and asides.
Kind = Literal["enum", "handle", "reference", "text"]


@dataclass(frozen=True)
class FieldSpec:
    """One contract field. The contract schema's `required` list and RED rule, the pull
    request template and the field table in docs/contract.md are generated from these
    (scripts/gen_contract_docs.py; tests/docs/test_contract_docs.py fails on drift). The
    value rules themselves live in schemas/contract.schema.json."""

    name: str
    label: str
    aliases: tuple[str, ...]
    hint: str
    fix: str
    section: Section
    requirement: Requirement
    value_doc: str
    # The value rule in words, for GK103 ("one of GREEN, AMBER, RED").
    rule: str = ""
    # The accepted values of an enum field, as written in the normalized contract.
    choices: tuple[str, ...] = ()
    # Shapes of a value that is no answer for this field (regular expressions matched
    # against the whole visible value, any case): evidence of tests not yet run.
    non_answers: tuple[str, ...] = ()
    # Whether a ticked checklist under the field's heading (or nested in its label's item)
    # is its value: "- [x] pytest -q: 31 passed" as test evidence.
    checklist: bool = False
    kind: Kind = "text"

    @property
    def claim(self) -> bool:
        """A claim conflicts across the block and the prose when they differ (GK106)."""
        return self.kind != "text"

    @property
    def token(self) -> bool:
        """The value is one token: a handle or a reference, read past quotes and asides."""
        return self.kind in ("handle", "reference")


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "risk_level", "Risk level", ("risk", "risk class", "risk tier"),
        "GREEN, AMBER or RED",
        "declare GREEN, AMBER or RED; at least the class the changed paths fall in",
        "contract", "always",
        "`GREEN`, `AMBER` or `RED`, any case; at least the class the changed paths fall in",
        "one of GREEN, AMBER, RED", ("GREEN", "AMBER", "RED"),
        kind="enum",
    ),
    FieldSpec(
        "accountable_owner", "Accountable owner", ("owner",),
        "@handle of the person answerable for this change",
        "name the person answerable for this change as @handle",
        "contract", "always", "a GitHub handle: `@alice`",
        "one @handle (ASCII letters, digits and single hyphens)",
        kind="handle",
    ),
    FieldSpec(
        "change_origin", "Change origin", ("origin",),
        "human, ai-assisted or agent",
        "say who wrote the change: human, ai-assisted or agent",
        "contract", "always",
        "`human`, `ai-assisted` or `agent` (`AI assisted`, `ai_assisted` also read as "
        "`ai-assisted`)",
        "one of human, ai-assisted, agent", ("human", "ai-assisted", "agent"),
        kind="enum",
    ),
    FieldSpec(
        "test_evidence", "Test evidence",
        ("tests", "testing", "test plan", "testing done", "how did you test this change?",
         "how has this been tested?", "how was this tested?", "how was this PR tested?",
         "how were these changes tested?", "verification"),
        "command run and its result, or a link to the run",
        "give the command you ran and its result, or a link to the CI run",
        "contract", "always", "the command run and its result, or a link to the run",
        "at least 3 characters",
        non_answers=(
            # Tests not yet run: the promise of evidence, not evidence ("will run tests
            # after review", "tests to be run on staging"), as the value's opening words;
            # "pytest -q: 31 passed; e2e will be run after deploy" is evidence.
            r"(?:i |we )?(?:will|shall|am going to|are going to|going to|plan to|"
            r"planning to|about to|to be)\s+(?:\w+\s+)?(?:run|test|add|write|do|check|"
            r"verify|execute|update|tested|added|done|written|checked|verified|run)\b.*",
            r"(?:[\w/.-]+\s+){0,3}(?:to be|will be|yet to be|not yet|not) (?:run|tested|"
            r"added|done|written|checked|verified|executed)\b.*",
            r"(?:untested|no tests?(?: run| yet| needed)?|skipped|none run|"
            r"did ?n[o']t (?:run|test)\b.*|tests? skipped)",
        ),
        checklist=True,
    ),
    FieldSpec(
        "escalation_reviewer", "Escalation reviewer", ("escalation contact",),
        "@handle or @org/team",
        "name the reviewer who must approve a RED change, as @handle or @org/team",
        "escalation", "red", "`@handle` or `@org/team`",
        "one @handle or @org/team",
        kind="handle",
    ),
    FieldSpec(
        "approval_reference", "Approval reference", ("approval", "approval ref"),
        "e.g. APR-1234",
        "give the reference of the real approval, such as APR-1234",
        "escalation", "red",
        "a reference matching the policy's `approval_reference_pattern` (default "
        "`^[A-Z][A-Z0-9]+-\\d+$`, such as `APR-1234`)",
        "the policy's approval_reference_pattern, in ASCII",
        kind="reference",
    ),
    FieldSpec(
        "rollback_plan", "Rollback plan",
        ("rollback", "rollback instructions", "rollback notes", "rollback strategy",
         "revert plan"),
        "how to undo this change, and how it was checked",
        "say how to undo this change and how that was checked",
        "escalation", "red", "how to undo the change, and how that was checked",
        "at least 3 characters",
    ),
)

BUILTIN = {spec.name: spec for spec in FIELDS}
ESCALATION_FIELDS = tuple(spec.name for spec in FIELDS if spec.section == "escalation")


_LABEL_NOISE = re.compile(r"[*_`~\-?!.:\uff1a]+")


def normalize_label(text: str) -> str:
    """``**Risk_Level** :`` and ``risk level`` are the same label."""
    return " ".join(_LABEL_NOISE.sub(" ", text).split()).casefold()


def label_for(name: str) -> str:
    spec = BUILTIN.get(name)
    return spec.label if spec else name.replace("_", " ").capitalize()


def label_index(extra_aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map every accepted label (normalized) to its field name."""
    index: dict[str, str] = {}
    for spec in FIELDS:
        for label in (spec.name, spec.label, *spec.aliases):
            index[normalize_label(label)] = spec.name
    for name, aliases in extra_aliases.items():
        for label in (name, *aliases):
            index[normalize_label(label)] = name
    return index


# Values that stand in for an answer, compared after normalize.visible(), casefolded, with
# surrounding punctuation and spaces removed ("t.b.d." -> "tbd", "NONE!" -> "none").
PLACEHOLDERS: tuple[str, ...] = (
    "tbd", "tba", "tbc", "todo", "fixme", "na", "n/a", "n.a.", "none", "nil", "null",
    "nothing", "xxx", "placeholder", "same", "same as above", "see above", "see below",
    "pending", "unknown", "later", "wip", "to do", "to be done", "to be decided",
    "to be confirmed", "not applicable", "not yet", "coming soon", "fill in", "fill me in",
    "your handle", "handle", "@handle", "@", "@username", "@user", "apr-xxxx", "apr-0000",
    "to be added", "will add later", "add later", "none yet", "not needed", "not required",
    "see description", "see the description", "ditto", "same as description",
    "@tbd", "@todo", "@your-handle", "@yourhandle", "@someone", "@me", "@owner",
    # Answers to a yes/no question the field does not ask, and pointers to elsewhere.
    "yes", "no", "y", "n", "done", "ok", "okay", "sure", "etc", "ask me", "ask",
    "true", "false", "idk", "not sure", "dunno", "lgtm", "looks good", "trust me",
    "to be written", "to be defined", "to follow", "see ticket", "see the ticket",
    "see jira", "see issue", "see the issue", "see linked issue", "see the linked issue",
    "see pr", "see link", "see comments", "see docs", "see commit", "see commits",
    # The same in other languages authors write in.
    "folgt", "kommt noch", "siehe ticket", "siehe oben", "offen", "à définir", "à venir",
    "à compléter", "voir ticket", "pendiente", "por definir", "por hacer", "a definir",
    "em breve", "da definire", "待定", "未定", "なし", "无",
)
_PLACEHOLDER_SHAPES = re.compile(
    r"""^(?:
        <[^<>]*>            # <your handle>
      | \[[^\[\]]*\]        # [fill me in]
      | x{3,}               # xxx, xxxx
      | (?:tbd|todo|fixme|n/a)\b.*   # TODO: add tests; N/A - docs only
      | lorem\ ipsum\b.*    # filler text
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


# Labels real templates use for other things than the contract: after an empty field
# label, a line such as "Release note: see below" starts its own item, never the value.
OTHER_TEMPLATE_LABELS = frozenset({
    "release note", "release notes", "reviewer", "reviewers", "fixes", "closes", "resolves",
    "related issue", "related issues", "related", "issue", "issues", "ticket", "jira",
    "special notes", "notes", "screenshots", "checklist", "changelog", "breaking change",
    "breaking changes", "documentation", "docs", "dependencies", "type of change",
    "description", "summary", "motivation", "context", "kind", "area", "labels",
})


def _key(text: str) -> str:
    """Letters, digits, ``@`` and ``/`` of ``text``, casefolded, accents and lookalike
    letters folded: ``t.b.d.``, ``TBD`` with a Cyrillic T and ``TBD`` have one key; letters of
    every script are kept, so a plan written in Russian is not an empty key."""
    folded = unicodedata.normalize("NFKD", lookalikes_folded(text).casefold())
    return "".join(char for char in folded if char.isalnum() or char in "@/")


_PLACEHOLDER_KEYS = frozenset(_key(p) for p in PLACEHOLDERS)
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
_NON_ANSWERS = {spec.name: re.compile("|".join(f"(?:{shape})" for shape in spec.non_answers),
                                      re.IGNORECASE)
                for spec in FIELDS if spec.non_answers}


# A template's note on a field ("_(REQUIRED)_", "(optional)"), standing where the value goes.
_TEMPLATE_NOTE = re.compile(
    r"^\(\s*(?:required|optional|mandatory|if (?:applicable|any|needed|relevant))\b[^()]*\)$",
    re.IGNORECASE)


def _hint_keys(spec: FieldSpec) -> frozenset[str]:
    """The hint and, for free-text and handle fields, each of its parts: "@org/team" and
    "how to undo this change" are the template's words, not an answer."""
    keys = {_key(spec.hint)}
    if not spec.choices:
        for part in _HINT_PARTS.split(spec.hint):
            keys.add(_key(part))  # "and how it was checked"
            keys.add(_key(_HINT_JOIN.sub("", part.strip())))  # "how it was checked"
    return frozenset(keys - {""})


# (Not an example after "e.g.": "APR-1234" has the shape of a real reference.)
_HINT_PARTS = re.compile(r",|\bor\b")
_HINT_JOIN = re.compile(r"^(?:and|or)\s+")
_HINT_KEYS = {spec.name: _hint_keys(spec) for spec in FIELDS}


def is_template_note(value: str) -> bool:
    """A note the template puts where a value goes: the author's value may follow it."""
    return bool(_TEMPLATE_NOTE.match(visible(value).strip("*_`\"' ").strip()))


def is_placeholder(value: str, *, field: str, extra: tuple[str, ...] = ()) -> bool:
    """True when ``value``, in any order a reader may see it in, stands in for an answer."""
    return any(_stands_in(shown, field=field, extra=extra) for shown in display_orders(value))


def _stands_in(value: str, *, field: str, extra: tuple[str, ...]) -> bool:
    """True when ``value`` stands in for an answer rather than giving one.

    ``value`` is compared as a reader sees it (normalize.visible): a value with no letter
    or digit (a run of dashes, ``···``, ``?``), a listed placeholder in any case and
    punctuation
    (``t.b.d.``, ``NONE!``), or the template's own hint text are all placeholders.
    """
    # An emoji shortcode renders as a picture, not words: ":shrug:" says nothing.
    bare = _SHORTCODE.sub(" ", lookalikes_folded(visible(value)))
    bare = bare.strip("*_`\"' ").strip()
    if says_nothing(bare) or _PLACEHOLDER_SHAPES.match(bare) or _TEMPLATE_NOTE.match(bare):
        return True
    non_answer = _NON_ANSWERS.get(field)
    if non_answer is not None and non_answer.fullmatch(bare.rstrip(".!")):
        return True
    key = _key(bare)
    if not key or key in _PLACEHOLDER_KEYS or key in {_key(p) for p in extra}:
        return True
    spec = BUILTIN.get(field)
    return spec is not None and key in _HINT_KEYS.get(spec.name, ())


def normalized(name: str, value: str) -> str:
    """A value as the normalized contract writes it: an enum value as its choice (``red``
    -> ``RED``, ``AI assisted`` -> ``ai-assisted``), anything else as written."""
    spec = BUILTIN.get(name)
    if spec is None or spec.kind != "enum":
        return value
    folded = "-".join(value.strip().casefold().replace("_", " ").replace("-", " ").split())
    for choice in spec.choices:
        if folded == choice.casefold():
            return choice
    return value.strip()


def required_fields(requirement: Requirement) -> list[str]:
    """The fields the contract schema must require always, or for a RED change."""
    return [spec.name for spec in FIELDS if spec.requirement == requirement]


_SECTION_TITLES: dict[Section, tuple[str, str | None]] = {
    "contract": ("Contract", None),
    "escalation": ("Escalation", "Required when the risk level is RED."),
}


def section_of(name: str) -> Section:
    """The section a field belongs in; a policy's own fields go in the Contract section."""
    spec = BUILTIN.get(name)
    return spec.section if spec else "contract"


def section_title(section: Section) -> str:
    return _SECTION_TITLES[section][0]


def template_section(section: Section) -> str:
    """One section of the pull request template: its heading, a hint, a line per field."""
    title, hint = _SECTION_TITLES[section]
    lines = [f"## {title}"]
    if hint:
        lines.append(f"<!-- {hint} -->")
    lines += [f"- **{spec.label}:** <!-- {spec.hint} -->"
              for spec in FIELDS if spec.section == section]
    return "\n".join(lines) + "\n"


def pull_request_template() -> str:
    """The template `gatekeeper init` writes to .github/pull_request_template.md."""
    summary = "## Summary\n<!-- What changes and why. -->\n"
    return "\n".join([summary, template_section("contract"), template_section("escalation")])


_REQUIREMENT_DOC: dict[Requirement, str] = {
    "always": "always", "red": "when the change is RED", "optional": "no",
}


def docs_table() -> str:
    """The field table of docs/contract.md."""
    rows = ["| field | label in the body (and accepted aliases) | value | required |",
            "|---|---|---|---|"]
    for spec in FIELDS:
        aliases = ", ".join(alias.capitalize() if alias.islower() else alias
                            for alias in spec.aliases)
        label = f"{spec.label} ({aliases})" if aliases else spec.label
        rows.append(f"| `{spec.name}` | {label} | {spec.value_doc} | "
                    f"{_REQUIREMENT_DOC[spec.requirement]} |")
    return "\n".join(rows) + "\n"
