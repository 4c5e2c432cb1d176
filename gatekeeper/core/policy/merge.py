"""An organisation's central policy, and a repository's own policy that may only tighten it.

The organisation keeps one policy in its policy repository; a repository's
``.github/gatekeeper.yml`` (from its base branch) is laid over it. What it may do:

* add paths to a class, or a class the central policy does not have (a path in two
  classes is in the higher one, so adding a path to RED raises it);
* require more fields, add placeholders, aliases and provenance evidence (agent
  accounts, AI tools, agent branch prefixes), add required checks: lists are merged,
  never replaced;
* narrow ``escalation_reviewers`` (to members of the central list, or to anyone's list
  when the central one is empty), narrow ``automation_accounts``, narrow an exemption the
  central policy grants (fewer authors, fewer paths);
* turn on what the central policy leaves off: ``require_escalation_approval``,
  ``agent_owner_must_approve``, ``case_insensitive``, an approvals repository.

Anything else loosens the central policy and is refused, each with the repository
file's key and line: a ``!`` pattern in a class the central policy defines (it could
take a path out of that class), a switch turned off that the central policy turns on,
another ``approval_reference_pattern`` or approvals repository, ``allow_local_diff``
where the central policy forbids it, an exemption the central policy does not grant, a
reviewer or automation account outside the central list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from gatekeeper.core.model import PolicyOrigin, RiskClass
from gatekeeper.core.policy.load import (
    DEFAULT_APPROVAL_PATTERN,
    Policy,
    PolicyDocument,
    policy_from_data,
    schema_default,
)
from gatekeeper.errors import GatekeeperError

# The repository's own policy file, when it has none under a central policy.
NO_LOCAL_POLICY = "none"

# Lists a repository may only add to, by section and key.
_ADDITIVE_PROVENANCE = ("agent_accounts", "ai_tools", "agent_branch_prefixes")


@dataclass(frozen=True)
class Loosening:
    """One key of a repository's policy that would loosen the central policy."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.key}: {self.message}"


class LooseningError(GatekeeperError):
    """The repository's policy loosens the central one: every refused key, each with its
    line. Shown as the first, with the count of the others."""

    def __init__(self, loosenings: Iterable[Loosening]):
        self.loosenings = tuple(loosenings)
        first = self.loosenings[0]
        more = len(self.loosenings) - 1
        suffix = f" (and {more} more key{'s' if more > 1 else ''} refused)" if more else ""
        super().__init__(f"{first.key}: {first.message}{suffix}", file=first.file,
                         line=first.line)


@dataclass(frozen=True)
class PatternSource:
    """Where a pattern of the effective policy was written: file and line."""

    file: str
    line: int | None


@dataclass(frozen=True)
class EffectivePolicy:
    policy: Policy
    # Each class's patterns, in the policy's order, with the file and line of each.
    pattern_sources: dict[RiskClass, list[PatternSource]]


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _fold(name: str) -> str:
    return name.strip().removeprefix("@").casefold()


def _union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


class _Checker:
    def __init__(self, central: PolicyDocument, local: PolicyDocument, schema: dict[str, Any]):
        self.central, self.local, self.schema = central, local, schema
        self.found: list[Loosening] = []

    def refuse(self, path: list[str | int], message: str) -> None:
        key = ""
        for part in path:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else part)
        self.found.append(Loosening(self.local.file, self.local.line(path), key, message))

    def switch(self, section: str, key: str) -> None:
        """A boolean the central policy turns on may not be turned off."""
        local = _section(self.local.data, section)
        if key not in local:
            return
        central = _section(self.central.data, section).get(
            key, schema_default(self.schema, section, key)
            if section in ("authority", "provenance") else False)
        if bool(central) and not bool(local[key]):
            self.refuse([section, key], f"the central policy ({self.central.file}) sets it to "
                        "true; a repository's policy may not turn it off")

    def run(self) -> list[Loosening]:
        self.classes()
        self.approval_pattern()
        self.fields()
        self.authority()
        self.provenance()
        self.exemptions()
        self.changed_files()
        return self.found

    def classes(self) -> None:
        central = _section(self.central.data, "classes")
        for name, rule in _section(self.local.data, "classes").items():
            central_rule = central.get(name)
            if not isinstance(central_rule, dict):
                continue  # a class of its own: nothing central to take paths from
            for index, pattern in enumerate(rule.get("paths") or []):
                if str(pattern).startswith("!"):
                    self.refuse(["classes", name, "paths", index],
                                f"{pattern!r} could take paths out of the central {name} "
                                "class; a repository's policy may only add paths")
            if (central_rule.get("case_insensitive") and "case_insensitive" in rule
                    and not rule["case_insensitive"]):
                self.refuse(["classes", name, "case_insensitive"],
                            f"the central {name} class matches ignoring case; a repository's "
                            "policy may not make it match less")

    def approval_pattern(self) -> None:
        if "approval_reference_pattern" not in self.local.data:
            return
        central = self.central.data.get("approval_reference_pattern", DEFAULT_APPROVAL_PATTERN)
        if self.local.data["approval_reference_pattern"] != central:
            self.refuse(["approval_reference_pattern"],
                        f"the central policy's pattern is {central!r}; a repository's policy "
                        "may not change it")

    def fields(self) -> None:
        central = _section(self.central.data, "fields")
        for name, spec in _section(self.local.data, "fields").items():
            description = spec.get("description") if isinstance(spec, dict) else None
            theirs = (central.get(name) or {}).get("description")
            if description is not None and theirs is not None and description != theirs:
                self.refuse(["fields", name, "description"],
                            "the central policy describes this field; a repository's policy "
                            "may add aliases, not redefine it")

    def authority(self) -> None:
        self.switch("authority", "require_escalation_approval")
        local = _section(self.local.data, "authority")
        central = _section(self.central.data, "authority")
        if "escalation_reviewers" in local:
            allowed = [str(r) for r in central.get("escalation_reviewers") or []]
            folded = {_fold(r) for r in allowed}
            mine = [str(r) for r in local["escalation_reviewers"] or []]
            if allowed and not mine:
                self.refuse(["authority", "escalation_reviewers"],
                            "an empty list lets anyone eligible escalate; the central policy "
                            f"allows only {', '.join(allowed)}")
            for index, reviewer in enumerate(mine):
                if allowed and _fold(reviewer) not in folded:
                    self.refuse(["authority", "escalation_reviewers", index],
                                f"{reviewer} is not among the central policy's escalation "
                                f"reviewers ({', '.join(allowed)}); a repository may only "
                                "narrow the list")
        if "approval_records" in local and central.get("approval_records") is not None \
                and local["approval_records"] != central["approval_records"]:
            self.refuse(["authority", "approval_records"],
                        "the central policy names the approvals repository and label; a "
                        "repository's policy may not name others")

    def provenance(self) -> None:
        self.switch("provenance", "agent_owner_must_approve")
        local = _section(self.local.data, "provenance")
        if "automation_accounts" not in local:
            return
        central = _section(self.central.data, "provenance").get(
            "automation_accounts", schema_default(self.schema, "provenance",
                                                  "automation_accounts"))
        allowed = {str(a).casefold() for a in central}
        for index, account in enumerate(local["automation_accounts"]):
            if str(account).casefold() not in allowed:
                self.refuse(["provenance", "automation_accounts", index],
                            f"{account} is not an automation account in the central policy; "
                            "its commits would stop counting as an agent's")

    def exemptions(self) -> None:
        granted = {str(e["name"]): e for e in self.central.data.get("exemptions") or []}
        for index, item in enumerate(self.local.data.get("exemptions") or []):
            central = granted.get(str(item["name"]))
            if central is None:
                self.refuse(["exemptions", index],
                            f"the central policy grants no exemption named {item['name']!r}; "
                            "a repository's policy may only narrow the central exemptions")
                continue
            for key in ("authors", "paths"):
                wider = [v for v in item[key] if v not in central[key]]
                if wider:
                    self.refuse(["exemptions", index, key, item[key].index(wider[0])],
                                f"{wider[0]!r} is not among the {key} of the central "
                                f"exemption {item['name']!r}; an exemption may only narrow")

    def changed_files(self) -> None:
        local = _section(self.local.data, "changed_files")
        central = _section(self.central.data, "changed_files")
        if local.get("allow_local_diff") and not central.get("allow_local_diff", False):
            self.refuse(["changed_files", "allow_local_diff"],
                        "the central policy blocks an incomplete file list (GK903); a "
                        "repository's policy may not allow a local diff instead")


def loosenings(central: PolicyDocument, local: PolicyDocument,
               schema: dict[str, Any]) -> list[Loosening]:
    """Every key of ``local`` that would loosen ``central``, in the file's order."""
    found = _Checker(central, local, schema).run()
    return sorted(found, key=lambda item: (item.line or 0, item.key))


def merged_data(central: dict[str, Any], local: dict[str, Any],
                schema: dict[str, Any]) -> dict[str, Any]:
    """The central policy with a repository's tightening laid over it. Assumes
    ``loosenings`` found nothing: what it refuses is not handled here."""
    merged: dict[str, Any] = {"version": 1}
    classes: dict[str, Any] = {}
    for name in _union(_section(central, "classes"), _section(local, "classes")):
        theirs = _section(central, "classes").get(name) or {}
        mine = _section(local, "classes").get(name) or {}
        classes[name] = {
            "paths": [*(theirs.get("paths") or []), *(mine.get("paths") or [])],
            "require": _union(theirs.get("require") or [], mine.get("require") or []),
            "case_insensitive": bool(theirs.get("case_insensitive")
                                     or mine.get("case_insensitive")),
        }
    merged["classes"] = classes
    merged["approval_reference_pattern"] = central.get("approval_reference_pattern",
                                                       DEFAULT_APPROVAL_PATTERN)
    fields: dict[str, Any] = {}
    for name in _union(_section(central, "fields"), _section(local, "fields")):
        theirs = _section(central, "fields").get(name) or {}
        mine = _section(local, "fields").get(name) or {}
        spec: dict[str, Any] = {"aliases": _union(theirs.get("aliases") or [],
                                                  mine.get("aliases") or [])}
        description = theirs.get("description", mine.get("description"))
        if description is not None:
            spec["description"] = description
        fields[name] = spec
    merged["fields"] = fields
    merged["placeholders"] = _union(central.get("placeholders") or [],
                                    local.get("placeholders") or [])

    def setting(section: str, key: str) -> Any:
        return _section(central, section).get(key, schema_default(schema, section, key))

    authority_c, authority_l = _section(central, "authority"), _section(local, "authority")
    authority: dict[str, Any] = {
        "require_escalation_approval": bool(
            setting("authority", "require_escalation_approval")
            or authority_l.get("require_escalation_approval", False)),
        "escalation_reviewers": list(authority_l.get("escalation_reviewers")
                                     or authority_c.get("escalation_reviewers") or []),
    }
    records = authority_c.get("approval_records") or authority_l.get("approval_records")
    if records:
        authority["approval_records"] = records
    merged["authority"] = authority

    provenance_l = _section(local, "provenance")
    provenance: dict[str, Any] = {
        key: _union(setting("provenance", key), provenance_l.get(key) or [])
        for key in _ADDITIVE_PROVENANCE
    }
    provenance["automation_accounts"] = list(provenance_l.get(
        "automation_accounts", setting("provenance", "automation_accounts")))
    provenance["agent_owner_must_approve"] = bool(
        setting("provenance", "agent_owner_must_approve")
        or provenance_l.get("agent_owner_must_approve", False))
    merged["provenance"] = provenance

    merged["test_evidence"] = {"require_checks": _union(
        _section(central, "test_evidence").get("require_checks") or [],
        _section(local, "test_evidence").get("require_checks") or [])}
    narrowed = {str(e["name"]): e for e in local.get("exemptions") or []}
    merged["exemptions"] = [narrowed.get(str(e["name"]), e)
                            for e in central.get("exemptions") or []]
    merged["changed_files"] = {"allow_local_diff": bool(
        _section(central, "changed_files").get("allow_local_diff", False)
        and _section(local, "changed_files").get("allow_local_diff", True))}
    return merged


def _sources(document: PolicyDocument, name: str) -> list[PatternSource]:
    rule = _section(document.data, "classes").get(name) or {}
    return [PatternSource(document.file, document.line(["classes", name, "paths", index]))
            for index in range(len(rule.get("paths") or []))]


def effective_policy(central: PolicyDocument, local: PolicyDocument | None,
                     schema: dict[str, Any], *, local_origin: PolicyOrigin) -> EffectivePolicy:
    """The policy in force: ``central`` tightened by ``local`` (None: the repository has
    no policy file). Raises LooseningError naming every refused key of ``local``.
    ``local_origin`` names the repository's file (or its absence) in the decision."""
    origin = replace(local_origin, central=central.origin)
    for document in (central, local):  # a malformed pattern is named in its own file
        if document is not None:
            policy_from_data(document.data, file=document.file, schema=schema,
                             origin=document.origin, node=document.node)
    if local is None:
        data = merged_data(central.data, {}, schema)
    else:
        refused = loosenings(central, local, schema)
        if refused:
            raise LooseningError(refused)
        data = merged_data(central.data, local.data, schema)
    policy = policy_from_data(data, file=central.file, schema=schema, origin=origin)
    sources = {
        RiskClass(name): [*_sources(central, name),
                          *(_sources(local, name) if local is not None else [])]
        for name in data["classes"]
    }
    return EffectivePolicy(policy, sources)


# --- naming the central policy: OWNER/REPO[:PATH][@REF] --------------------------------------

CENTRAL_POLICY_PATH = "gatekeeper.yml"
_REFERENCE = re.compile(
    r"^(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+)"
    r"(?::(?P<path>[^@:]+))?(?:@(?P<ref>[^@\s]+))?$")
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class CentralReference:
    """Where the central policy lives: a file of the policy repository at a ref (None:
    its default branch)."""

    repo: str
    path: str = CENTRAL_POLICY_PATH
    ref: str | None = None

    @property
    def pinned(self) -> bool:
        return self.ref is not None and bool(_FULL_SHA.match(self.ref))

    @property
    def source(self) -> str:
        return f"{self.repo}:{self.path}"

    def __str__(self) -> str:
        return f"{self.source}{'@' + self.ref if self.ref else ''}"


def parse_reference(text: str) -> CentralReference | None:
    """``OWNER/REPO[:PATH][@REF]``; None when ``text`` is not of that form."""
    match = _REFERENCE.match(text.strip())
    if match is None or match.group("repo").split("/")[1].strip(".") == "":
        return None
    path = (match.group("path") or CENTRAL_POLICY_PATH).strip("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return CentralReference(match.group("repo"), path, match.group("ref"))
