"""The policy: which paths are AMBER or RED, what each class requires, who is exempt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gatekeeper.core.digest import sha256
from gatekeeper.core.model import PolicyOrigin, RiskClass
from gatekeeper.core.policy.messages import error_path, plain
from gatekeeper.core.policy.patterns import PatternSet, compile_pattern_set
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
from gatekeeper.core.schemas import validation_errors
from gatekeeper.errors import GatekeeperError

if TYPE_CHECKING:
    import yaml

DEFAULT_APPROVAL_PATTERN = r"^[A-Z][A-Z0-9]+-\d+$"


@dataclass(frozen=True)
class ClassRule:
    patterns: tuple[str, ...]
    require: tuple[str, ...]
    spec: PatternSet
    case_insensitive: bool = False


@dataclass(frozen=True)
class ExemptionRule:
    name: str
    authors: tuple[str, ...]
    paths: tuple[str, ...]
    spec: PatternSet


@dataclass(frozen=True)
class ApprovalRecords:
    repository: str
    label: str


@dataclass(frozen=True)
class Policy:
    classes: dict[RiskClass, ClassRule]
    approval_reference_pattern: re.Pattern[str]
    approval_reference_raw: str
    field_aliases: dict[str, tuple[str, ...]]
    field_descriptions: dict[str, str]
    placeholders: tuple[str, ...]
    require_escalation_approval: bool
    exemptions: tuple[ExemptionRule, ...]
    allow_local_diff: bool
    origin: PolicyOrigin
    provenance: ProvenanceRules
    escalation_reviewers: tuple[str, ...] = ()
    approval_records: ApprovalRecords | None = None
    required_checks: tuple[str, ...] = ()

    def required_fields(self, risk_class: RiskClass) -> tuple[str, ...]:
        rule = self.classes.get(risk_class)
        return rule.require if rule else ()


def compile_patterns(
    patterns: list[str],
    *,
    file: str,
    line: int | None,
    lines: list[int | None] | None = None,
    case_insensitive: bool = False,
) -> PatternSet:
    """The one entry point that compiles a pattern list (git's .gitignore semantics).

    ``lines`` gives each pattern's own line in ``file``; a malformed pattern is an error
    that names its line (``line``, the list's, when its own is unknown).
    """
    pattern_set, problems = compile_pattern_set(patterns, case_insensitive=case_insensitive)
    if problems:
        index, problem = problems[0]
        where = lines[index] if lines and index < len(lines) else None
        raise GatekeeperError(f"invalid path pattern {patterns[index]!r}: {problem}",
                              file=file, line=where or line)
    return pattern_set


def _line(node: yaml.Node | None, path: list[str | int]) -> int | None:
    # Only a policy read from YAML has nodes to point into. The embedded default comes
    # from its JSON build (``policy_from_data``), which never loads the YAML parser.
    if node is None:
        return None
    from gatekeeper.core.text import yamltext

    return yamltext.line_of(node, path)


def _item_lines(node: yaml.Node | None, path: list[str | int], count: int) -> list[int | None]:
    return [_line(node, [*path, index]) for index in range(count)]


@dataclass(frozen=True)
class PolicyDocument:
    """A policy file read and validated against the schema: its data, where it came from,
    and its YAML nodes, which give the line of any key (None for data not read from YAML)."""

    data: dict[str, Any]
    file: str
    origin: PolicyOrigin
    node: yaml.Node | None = None

    def line(self, path: list[str | int]) -> int | None:
        return _line(self.node, path)


def parse_policy(
    text: str,
    *,
    file: str,
    schema: dict[str, Any],
    origin: PolicyOrigin | None = None,
) -> Policy:
    """Parse and validate policy YAML. Raises GatekeeperError naming ``file`` and the line."""
    document = read_policy_document(text, file=file, schema=schema, origin=origin)
    return policy_from_data(document.data, file=file, schema=schema, origin=document.origin,
                            node=document.node)


def read_policy_document(
    text: str,
    *,
    file: str,
    schema: dict[str, Any],
    origin: PolicyOrigin | None = None,
) -> PolicyDocument:
    """Parse policy YAML and validate it against the schema, keeping its nodes for lines.
    Raises GatekeeperError naming ``file`` and the line."""
    from gatekeeper.core.text import yamltext

    data, node = yamltext.load(text, file=file)
    if data is None:
        raise GatekeeperError("policy is empty; it needs at least `version: 1`", file=file, line=1)
    errors = validation_errors(schema, data)
    if errors:
        located = [(_line(node, error_path(e)), e) for e in errors]
        line, first = min(located, key=lambda pair: pair[0] or 0)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise GatekeeperError(f"{plain(first)}{more}", file=file, line=line)

    if origin is None:
        origin = PolicyOrigin(source=file, sha=sha256(text.encode()).hexdigest())
    return PolicyDocument(data=data, file=file, origin=origin, node=node)


def policy_from_data(
    data: dict[str, Any],
    *,
    file: str,
    schema: dict[str, Any],
    origin: PolicyOrigin,
    node: yaml.Node | None = None,
) -> Policy:
    """The policy of already validated data; ``node``, when the data came from YAML, gives
    the lines that errors (a malformed pattern, say) name."""
    classes: dict[RiskClass, ClassRule] = {}
    for name, rule in (data.get("classes") or {}).items():
        patterns = [str(p) for p in rule.get("paths", [])]
        line = _line(node, ["classes", name, "paths"])
        folded = bool(rule.get("case_insensitive", False))
        classes[RiskClass(name)] = ClassRule(
            patterns=tuple(patterns),
            require=tuple(rule.get("require", [])),
            spec=compile_patterns(
                patterns, file=file, line=line, case_insensitive=folded,
                lines=_item_lines(node, ["classes", name, "paths"], len(patterns)),
            ),
            case_insensitive=folded,
        )

    raw_pattern = data.get("approval_reference_pattern", DEFAULT_APPROVAL_PATTERN)
    try:
        # ASCII only: Python's \d and \w would accept fullwidth or Arabic-Indic digits.
        approval_pattern = re.compile(raw_pattern, re.ASCII)
    except re.error as exc:
        raise GatekeeperError(
            f"approval_reference_pattern is not a valid regular expression: {exc}",
            file=file, line=_line(node, ["approval_reference_pattern"]),
        ) from None

    fields = data.get("fields") or {}
    exemptions = tuple(
        ExemptionRule(
            name=item["name"],
            authors=tuple(item["authors"]),
            paths=tuple(item["paths"]),
            spec=compile_patterns(
                item["paths"], file=file,
                line=_line(node, ["exemptions", index, "paths"]),
                lines=_item_lines(node, ["exemptions", index, "paths"], len(item["paths"])),
            ),
        )
        for index, item in enumerate(data.get("exemptions") or [])
    )
    authority = data.get("authority") or {}
    records = authority.get("approval_records")
    return Policy(
        classes=classes,
        approval_reference_pattern=approval_pattern,
        approval_reference_raw=raw_pattern,
        field_aliases={k: tuple(v.get("aliases", [])) for k, v in fields.items()},
        field_descriptions={k: v["description"] for k, v in fields.items() if "description" in v},
        placeholders=tuple(data.get("placeholders") or ()),
        require_escalation_approval=bool(authority.get(
            "require_escalation_approval",
            schema_default(schema, "authority", "require_escalation_approval"))),
        exemptions=exemptions,
        allow_local_diff=bool((data.get("changed_files") or {}).get("allow_local_diff", False)),
        origin=origin,
        provenance=_provenance(data.get("provenance") or {}, schema),
        escalation_reviewers=tuple(authority.get("escalation_reviewers") or ()),
        approval_records=(ApprovalRecords(records["repository"], records["label"])
                          if records else None),
        required_checks=tuple((data.get("test_evidence") or {}).get("require_checks") or ()),
    )


def schema_default(schema: dict[str, Any], section: str, key: str) -> Any:
    """A key's default, from the schema: the one place defaults are written down."""
    return schema["properties"][section]["properties"][key]["default"]


def _provenance(section: dict[str, Any], schema: dict[str, Any]) -> ProvenanceRules:
    def listed(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in section.get(key, schema_default(schema, "provenance", key)))

    return ProvenanceRules(
        agent_accounts=listed("agent_accounts"),
        automation_accounts=listed("automation_accounts"),
        agent_git_identities=listed("agent_git_identities"),
        ai_tools=listed("ai_tools"),
        agent_branch_prefixes=listed("agent_branch_prefixes"),
        agent_owner_must_approve=bool(section.get(
            "agent_owner_must_approve",
            schema_default(schema, "provenance", "agent_owner_must_approve"))),
    )
