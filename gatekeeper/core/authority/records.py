"""Approval records: a reference that resolves to an issue in the approvals repository,
labelled by an eligible account, naming this pull request."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gatekeeper.core.authority.evidence import Evidence
from gatekeeper.core.authority.judge import (
    RECORD_CHECK,
    Findings,
    Need,
    Refusal,
    eligibility,
)
from gatekeeper.core.model import Reason
from gatekeeper.core.policy.provenance_rules import ProvenanceRules
from gatekeeper.core.reasons import Code
from gatekeeper.core.text.visible import visible_text

if TYPE_CHECKING:
    from gatekeeper.core.authority.facts import PullRequestRef


def names_pull_request(title: str, body: str, pull: PullRequestRef, *,
                       same_repository: bool) -> bool:
    """Whether an approval record names the pull request where a reader sees it: in its
    title or the rendered body, not in an HTML comment, code or a quote. The reference
    must be whole: ``acme/app#7`` is not ``notacme/app#7`` nor ``acme/app#70``."""
    repo = re.escape(pull.repo)
    targets = [rf"(?<![\w.-]){repo}#{pull.number}"]
    if pull.url:
        base = re.escape(pull.url.rstrip("/").rsplit("/pull/", 1)[0])
        targets.append(rf"{base}/(?:pull|issues)/{pull.number}")
    if same_repository:
        targets.append(rf"(?<![\w/#&]){'#'}{pull.number}")
    pattern = re.compile(rf"(?:{'|'.join(targets)})(?![\w])", re.IGNORECASE)
    return pattern.search(f"{title}\n{visible_text(body)}") is not None


def named_pull_numbers(texts: tuple[str, ...], repo: str, server_url: str) -> frozenset[int]:
    """The numbers of ``repo``'s pull requests that ``texts`` (a record's title and body,
    now and before an edit) may name, in the shapes ``names_pull_request`` accepts, shown
    or not: re-judging one too many costs a run, one too few keeps a stale verdict."""
    name = re.escape(repo)
    site = re.escape(server_url.rstrip("/"))
    pattern = re.compile(
        rf"(?:(?<![\w.-]){name}#|{site}/{name}/(?:pull|issues)/|(?<![\w/#&])#)(\d+)(?![\w])",
        re.IGNORECASE)
    return frozenset(int(match.group(1)) for text in texts for match in pattern.finditer(text)
                     if len(match.group(1)) <= 9)


_RECORD_NUMBER = re.compile(r"(\d+)$", re.ASCII)


def approval_record(reference: str, repository: str, label: str, evidence: Evidence,
                    rules: ProvenanceRules, *, line: int | None) -> Findings:
    """The reference resolves to an issue in the approvals repository that carries the
    label, applied by an eligible account, and names this pull request."""
    findings = Findings()
    fix = (f"open an issue in {repository} that names this pull request, and have someone "
           f"with write access there (not an author of this pull request) apply the "
           f"'{label}' label; give that issue's number as the reference")
    number = _RECORD_NUMBER.search(reference)
    if number is None:
        findings.reasons.append(Reason(
            code=Code.GK308, message=f"approval reference {reference!r} names no issue number "
                                     f"in {repository}",
            field="approval_reference", line=line, fix=fix))
        return findings
    record = evidence.approval_records.get(reference)
    if record is None:
        findings.wait(RECORD_CHECK, f"approval record {reference} in {repository} on GitHub",
                      reference, Need("approval_record", reference, repository,
                                      number=int(number.group(1)), label=label))
        return findings
    where = f"{repository}#{record.number}"

    def refuse(code: Code, message: str) -> Findings:
        findings.reasons.append(Reason(code=code, message=message, field="approval_reference",
                                       line=line, fix=fix))
        return findings

    if not record.exists:
        return refuse(Code.GK308, f"approval reference {reference} resolves to nothing: "
                                  f"{where} does not exist")
    if record.is_pull_request:
        return refuse(Code.GK308, f"approval reference {reference} resolves to {where}, a pull "
                                  "request, not an approval record")
    if not record.labelled:
        return refuse(Code.GK309, f"approval record {where} does not carry the '{label}' label")
    if not record.mentions_pull_request:
        pr = evidence.pull_request.short if evidence.pull_request else "this pull request"
        return refuse(Code.GK310, f"approval record {where} is for another change: it does "
                                  f"not name {pr}")
    if record.labelled_by is None:
        return refuse(Code.GK311, f"GitHub does not show who applied '{label}' to {where}")
    verdict = eligibility(record.labelled_by, is_bot=record.labelled_by_bot, repo=repository,
                          evidence=evidence, rules=rules, findings=findings,
                          wait_detail=f"@{record.labelled_by}'s write permission on "
                                      f"{repository} on GitHub")
    if isinstance(verdict, Refusal):
        return refuse(Code.GK311, f"the '{label}' label on {where} does not count: "
                                  f"{verdict.why}")
    return findings
