"""Decide pass or block from the contract, the classification and the policy."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gatekeeper.core import suggest
from gatekeeper.core.authority.checks import exemption_commits, required_checks
from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.judge import Findings
from gatekeeper.core.authority.verify import verify
from gatekeeper.core.body.contract import parse_contract
from gatekeeper.core.body.reading import ReadProblem
from gatekeeper.core.digest import sha256
from gatekeeper.core.fields import BUILTIN, ESCALATION_FIELDS, FIELDS, label_for, normalized
from gatekeeper.core.model import (
    BodyProblem,
    Caveat,
    ChangedPath,
    Classification,
    Contract,
    Decision,
    Exemption,
    PolicyOrigin,
    Reason,
    RiskClass,
)
from gatekeeper.core.policy.classify import classify, normalize_path
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import Code, Family
from gatekeeper.core.schemas import validation_errors

_LISTED_PATHS = 5


def evaluate(
    body: str,
    changes: Sequence[ChangedPath],
    policy: Policy,
    *,
    contract_schema: dict[str, Any],
    evaluated_at: str,
    version: str,
    author: str | None = None,
    evidence: Evidence | None = None,
    caveats: Sequence[Caveat] = (),
) -> Decision:
    """The decision for one pull request. Pure: everything it needs is passed in.

    ``evidence`` carries what GitHub shows (reviews, commits, permissions, records, check
    runs). What a rule needs and the evidence lacks is a pending caveat, and the decision's
    ``needs`` say what to read; a local run, which reads nothing, is then ``pending``.
    ``caveats`` are what the caller already knows it could not check.
    """
    evidence = evidence or Evidence()
    if author and evidence.author is None:
        evidence = replace(evidence, author=author)
    author = evidence.author
    contract = parse_contract(
        body, aliases=policy.field_aliases, placeholders=policy.placeholders,
        approval_pattern=policy.approval_reference_pattern,
    )
    classification = classify(changes, policy)
    declared = _declared_class(contract)
    effective = _effective_class(declared, classification)
    decision_id = _decision_id(body, changes, policy.origin, author, version)

    found: list[Caveat] = list(caveats)
    checked = Findings()
    exemption = _exemption(changes, classification, policy, author)
    if exemption is not None:
        refused = exemption_commits(exemption.author, evidence, checked)
        if refused is not None:
            found.append(Caveat(check="exemption_refused", subject=exemption.name,
                                detail=f"exemption {exemption.name!r} does not apply: "
                                       f"{refused}"))
            exemption = None
    verified = verify(contract, effective, policy, evidence)
    if exemption is not None:
        # An exemption waives the contract, not the checks GitHub confirms.
        checked.extend(required_checks(policy.required_checks, evidence))
        reasons: list[Reason] = list(checked.reasons)
        exemptions: tuple[Exemption, ...] = (exemption,)
    else:
        reasons = _contract_reasons(contract, classification, declared, policy, contract_schema)
        exemptions = ()
        checked = verified.findings
        reasons += checked.reasons
    found += checked.pending

    reasons.sort(key=lambda r: (r.line is None, r.line or 0, r.code, r.field or ""))
    fixes = suggest.repairs(contract, reasons, declared=declared,
                            computed=classification.computed_class, policy=policy)
    suggested = suggest.suggest(
        contract, reasons, policy, effective=effective, author=author,
        origin=verified.provenance.origin.value) if suggest.fixable(reasons) else None
    return Decision(
        id=decision_id,
        kind="exempt" if exemption is not None else "judged",
        blocked=bool(reasons),
        computed_class=classification.computed_class,
        declared_class=declared,
        effective_class=effective,
        classification=classification,
        contract=normalized_contract(contract, effective, with_class=False),
        reasons=tuple(reasons),
        exemptions=exemptions,
        policy=policy.origin,
        gatekeeper_version=version,
        evaluated_at=evaluated_at,
        caveats=tuple(found),
        computed_origin=verified.provenance.origin.value,
        origin_evidence=tuple(s.what for s in verified.provenance.signals),
        needs=frozenset(checked.needs),
        suggested_contract=suggested,
        repairs=fixes,
    )


def settle_pending(decision: Decision) -> Decision:
    """A decision from the forge has no pending: what it could not verify blocks (GK915)."""
    waiting = decision.pending_checks()
    if not waiting:
        return decision
    extra = tuple(
        Reason(code=Code.GK915,
               message=f"could not verify {caveat.detail.removesuffix(' on GitHub')} on GitHub",
               fix="re-run the check; if it fails again, report it with the decision record")
        for caveat in waiting
    )
    kept = tuple(c for c in decision.caveats if not c.pending)
    return replace(decision, blocked=True, reasons=decision.reasons + extra, caveats=kept)


def could_not_evaluate(
    code: Code,
    message: str,
    fix: str,
    *,
    policy: PolicyOrigin,
    evaluated_at: str,
    version: str,
    identity: str = "",
) -> Decision:
    """A block for when Gatekeeper cannot judge the pull request (GK9xx): never a pass."""
    if code.family is not Family.COULD_NOT_EVALUATE:
        raise ValueError(f"{code} is not a could-not-evaluate code")
    digest = sha256(f"{code}\0{identity}\0{version}".encode()).hexdigest()[:16]
    return Decision(
        id=f"gk-{digest}",
        kind="could_not_evaluate",
        blocked=True,
        computed_class=RiskClass.GREEN,
        declared_class=None,
        effective_class=RiskClass.GREEN,
        classification=Classification(RiskClass.GREEN, ()),
        contract={},
        reasons=(Reason(code=code, message=message, fix=fix),),
        exemptions=(),
        policy=policy,
        gatekeeper_version=version,
        evaluated_at=evaluated_at,
    )


def _effective_class(declared: RiskClass | None, classification: Classification) -> RiskClass:
    """What the change really is: the higher of the declared and the computed class."""
    return max(declared or RiskClass.GREEN, classification.computed_class, key=lambda c: c.rank)


def _declared_class(contract: Contract) -> RiskClass | None:
    field = contract.fields.get("risk_level")
    if field is None or field.status != "filled":
        return None
    return RiskClass.parse(field.value)


def _decision_id(
    body: str,
    changes: Sequence[ChangedPath],
    origin: PolicyOrigin,
    author: str | None,
    version: str,
) -> str:
    digest = sha256()
    for part in (body, origin.source, origin.sha or "", author or "", version):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    if origin.central is not None:  # another central policy is another decision
        for part in (origin.central.source, origin.central.sha or ""):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    for change in changes:
        digest.update("\t".join(change.all_paths()).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return f"gk-{digest.hexdigest()[:16]}"


def _exemption(
    changes: Sequence[ChangedPath],
    classification: Classification,
    policy: Policy,
    author: str | None,
) -> Exemption | None:
    if author is None or not changes or classification.computed_class is RiskClass.RED:
        return None
    paths = [normalize_path(p) for change in changes for p in change.all_paths()]
    for rule in policy.exemptions:
        if author.casefold() not in {a.casefold() for a in rule.authors}:
            continue
        if all(rule.spec.match_file(path) for path in paths):
            return Exemption(name=rule.name, author=author, paths=tuple(paths))
    return None


def normalized_contract(contract: Contract, effective: RiskClass, *,
                        with_class: bool = True) -> dict[str, str]:
    """The contract as the JSON object that schemas/contract.schema.json describes.

    ``risk_class`` is Gatekeeper's, not the author's: the decision record leaves it out.
    """
    instance = {name: normalized(name, value) for name, value in contract.filled().items()}
    if with_class:
        instance["risk_class"] = effective.value
    return instance


def contract_schema_for(policy: Policy, base: dict[str, Any]) -> dict[str, Any]:
    """The contract schema with the policy's class requirements added."""
    schema = copy.deepcopy(base)
    ladder = [RiskClass.GREEN, RiskClass.AMBER, RiskClass.RED]
    for risk_class in ladder:
        required = policy.required_fields(risk_class)
        if not required:
            continue
        # A class's requirements hold for every class above it too.
        covered = [c.value for c in ladder if c.rank >= risk_class.rank]
        schema.setdefault("allOf", []).append({
            "if": {"properties": {"risk_class": {"enum": covered}}, "required": ["risk_class"]},
            "then": {"required": list(required)},
        })
    return schema


def _contract_reasons(
    contract: Contract,
    classification: Classification,
    declared: RiskClass | None,
    policy: Policy,
    base_schema: dict[str, Any],
) -> list[Reason]:
    reasons = [_problem_reason(problem) for problem in contract.problems]
    # A near-miss label is reported at its own line instead of "missing" at the heading.
    near_missed = {problem.field for problem in contract.problems
                   if isinstance(problem, ReadProblem) and problem.code is Code.GK107}
    computed = classification.computed_class
    effective = _effective_class(declared, classification)
    instance = normalized_contract(contract, effective)
    schema = contract_schema_for(policy, base_schema)

    missing_seen: set[str] = set()
    malformed_seen: set[str] = set()
    for error in validation_errors(schema, instance):
        if error.validator == "required":
            required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
            for name in required:
                if name in instance or name in missing_seen or name in near_missed:
                    continue
                missing_seen.add(name)
                from_class_rule = "then" in error.absolute_schema_path
                reasons.append(_missing_reason(contract, name, effective, from_class_rule, policy))
        elif error.absolute_path and str(error.absolute_path[0]) not in malformed_seen:
            name = str(error.absolute_path[0])
            malformed_seen.add(name)
            reasons.append(_malformed_reason(contract, name, policy))

    for spec in FIELDS:
        reference = instance.get(spec.name) if spec.kind == "reference" else None
        if (reference is not None and spec.name not in malformed_seen
                and not any(reason.code is Code.GK105 for reason in reasons)
                and not policy.approval_reference_pattern.fullmatch(reference)):
            # The policy's pattern is a Python regex matched in full, which JSON Schema's
            # `pattern` (a search, ECMA dialect) cannot express for every pattern.
            reasons.append(_malformed_reason(contract, spec.name, policy))
    if declared is not None and declared.rank < computed.rank:
        reasons.append(_under_declared(contract, declared, classification))
    return reasons


def _line_for(contract: Contract, name: str) -> int | None:
    field = contract.fields.get(name)
    if field is not None:
        return field.line
    section = "escalation" if name in ESCALATION_FIELDS else "contract"
    return contract.section_lines.get(section) or contract.section_lines.get("contract")


def _fix_for(name: str, policy: Policy) -> str:
    spec = BUILTIN.get(name)
    if spec is not None:
        return spec.fix
    described = policy.field_descriptions.get(name)
    hint = f" — {described}" if described else ""
    return f"add a {label_for(name)}: line with a real value{hint}"


def _missing_reason(
    contract: Contract, name: str, effective: RiskClass, from_class_rule: bool, policy: Policy,
) -> Reason:
    field = contract.fields.get(name)
    label = label_for(name)
    if field is not None and field.status == "placeholder":
        state = f"is a placeholder ({field.value!r})"
    elif field is not None:
        state = "is left empty"
    else:
        state = "is missing"
    if from_class_rule and name in ESCALATION_FIELDS and effective is RiskClass.RED:
        code = Code.GK202
        message = f"RED change: {label} {state}; a RED change needs escalation"
    elif from_class_rule:
        code = Code.GK203
        message = f"{label} {state}; the policy requires it for {effective} changes"
    elif field is not None and field.status == "placeholder":
        code, message = Code.GK102, f"{label} {state}"
    else:
        code, message = Code.GK101, f"{label} {state}"
    line = _line_for(contract, name)
    if name in contract.outside:
        message += f"; {contract.outside[name]}"
    elif field is None and line is None:
        section = "Escalation" if name in ESCALATION_FIELDS else "Contract"
        message += f" (add a '- **{label}:** ...' line under a '## {section}' heading)"
    return Reason(code=code, message=message, field=name, line=line,
                  fix=_fix_for(name, policy))


def _malformed_reason(contract: Contract, name: str, policy: Policy) -> Reason:
    field = contract.fields.get(name)
    value = field.value if field else ""
    label = label_for(name)
    spec = BUILTIN.get(name)
    if spec is not None and spec.kind == "reference":
        return Reason(
            code=Code.GK105,
            message=f"{label} {value!r} does not match the policy's pattern "
                    f"{policy.approval_reference_raw}",
            field=name, line=_line_for(contract, name),
            fix="give the reference of a real approval in the policy's format, such as APR-1234",
        )
    rule = f": it must be {spec.rule}" if spec is not None and spec.rule else " is not valid"
    message = f"{label} {value!r}{rule}"
    return Reason(code=Code.GK103, message=message, field=name,
                  line=_line_for(contract, name), fix=_fix_for(name, policy))




def _fix_of(code: Code) -> str:
    if code.fix is None:  # a body problem's code always says its fix (core/reasons.py)
        raise AssertionError(f"{code} has no fix")
    return code.fix


def _problem_reason(problem: BodyProblem) -> Reason:
    if isinstance(problem, ReadProblem):
        return Reason(code=problem.code, message=problem.message, line=problem.line,
                      field=problem.field, fix=_fix_of(problem.code))
    return Reason(code=Code.GK104, message=problem.message, line=problem.line,
                  fix=_fix_of(Code.GK104))


def _under_declared(
    contract: Contract, declared: RiskClass, classification: Classification,
) -> Reason:
    computed = classification.computed_class
    culprits = classification.paths_in(computed)
    listed = ", ".join(f"{m.shown} ({m.pattern})" for m in culprits[:_LISTED_PATHS])
    more = f" and {len(culprits) - _LISTED_PATHS} more" if len(culprits) > _LISTED_PATHS else ""
    return Reason(
        code=Code.GK201,
        message=f"declared {declared} but the change is {computed}: {listed}{more}",
        field="risk_level",
        line=_line_for(contract, "risk_level"),
        fix=f"declare Risk level: {computed}"
            + (" and fill in the Escalation section" if computed is RiskClass.RED else ""),
    )

