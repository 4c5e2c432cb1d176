"""The rules that need GitHub's facts, for one pull request: escalation approval, approval
record, change origin, an agent's accountable owner, required checks.

``verify`` applies each rule the policy and the change call for, to whatever ``Evidence``
holds. What it cannot judge yet is pending (a caveat, and the ``Need`` to read it).
"""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.core.authority import checks, records
from gatekeeper.core.authority import judge as authority
from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.judge import COMMITS_CHECK, Findings, Need
from gatekeeper.core.authority.provenance import Origin, Provenance, compute_origin
from gatekeeper.core.model import Contract, Reason, RiskClass
from gatekeeper.core.policy.load import Policy
from gatekeeper.core.reasons import Code


@dataclass(frozen=True)
class Verified:
    findings: Findings
    provenance: Provenance


def _filled(contract: Contract, name: str) -> tuple[str, int] | None:
    field = contract.fields.get(name)
    if field is None or field.status != "filled":
        return None
    return field.value.strip(), field.line


def verify(contract: Contract, effective: RiskClass, policy: Policy,
           evidence: Evidence) -> Verified:
    findings = Findings()
    rules = policy.provenance
    provenance = compute_origin(evidence, rules)

    declared_origin = _filled(contract, "change_origin")
    declared = Origin.parse(declared_origin[0]) if declared_origin else None
    if declared is not None and declared_origin is not None:
        findings.reasons += _origin_reasons(declared, declared_origin[1], provenance)
        if not provenance.commits_read and declared is not Origin.AGENT:
            findings.wait(COMMITS_CHECK, "commit authors and trailers on GitHub (or pass "
                          "--diff to read them from git)", None, Need("commits"))
    origin = max(declared or Origin.HUMAN, provenance.origin, key=lambda o: o.rank)

    owner = _filled(contract, "accountable_owner")
    if origin is Origin.AGENT and owner is not None:
        findings.extend(authority.owner_is_answerable(
            owner[0], evidence, rules, must_approve=rules.agent_owner_must_approve,
            line=owner[1]))

    if effective is RiskClass.RED:
        reviewer = _filled(contract, "escalation_reviewer")
        if reviewer is not None:
            listed = authority.listed_reviewer(reviewer[0], policy.escalation_reviewers,
                                               line=reviewer[1])
            findings.reasons += listed
            if policy.require_escalation_approval and not listed:
                findings.extend(authority.escalation_approval(
                    reviewer[0], evidence, rules, line=reviewer[1],
                    agent_owner=owner[0] if owner and origin is Origin.AGENT else None))
        reference = _filled(contract, "approval_reference")
        kept = policy.approval_records
        if (kept is not None and reference is not None
                and policy.approval_reference_pattern.fullmatch(reference[0])):
            findings.extend(records.approval_record(
                reference[0], kept.repository, kept.label, evidence, rules,
                line=reference[1]))

    if policy.required_checks:
        found = checks.required_checks(policy.required_checks, evidence)
        line = _filled(contract, "test_evidence")
        for reason in found.reasons:
            findings.reasons.append(Reason(code=reason.code, message=reason.message,
                                           fix=reason.fix, field=reason.field,
                                           line=line[1] if line else None))
        findings.pending += [c for c in found.pending if c not in findings.pending]
        findings.needs |= found.needs
    return Verified(findings=findings, provenance=provenance)


def _origin_reasons(declared: Origin, line: int, provenance: Provenance) -> list[Reason]:
    if declared.rank >= provenance.origin.rank:
        return []
    signal = provenance.strongest()
    shown = signal.what if signal else "the evidence"
    others = len(provenance.signals) - 1
    more = f" (and {others} more signal{'s' if others != 1 else ''})" if others > 0 else ""
    return [Reason(
        code=Code.GK204,
        message=f"declared change origin {declared} but {shown}{more}: the change is at "
                f"least {provenance.origin}",
        field="change_origin", line=line,
        fix=f"declare Change origin: {provenance.origin}"
            + (" and name a human accountable owner with write access"
               if provenance.origin is Origin.AGENT else ""),
    )]
