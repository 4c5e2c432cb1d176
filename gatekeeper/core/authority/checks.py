"""Facts about the commits and checks of a pull request that rules rest on: required checks
passed on the head, and an exemption's account made every commit."""

from __future__ import annotations

from gatekeeper.core.authority.evidence import (
    Evidence,
)
from gatekeeper.core.authority.judge import (
    CHECK_RUNS_CHECK,
    COMMITS_CHECK,
    Findings,
    Need,
)
from gatekeeper.core.authority.provenance import (
    GITHUB_WEB_COMMITTER,
    login_of,
)
from gatekeeper.core.model import Reason
from gatekeeper.core.reasons import Code


def required_checks(names: tuple[str, ...], evidence: Evidence) -> Findings:
    """Test evidence GitHub confirms: each named check concluded ``success`` on the head."""
    findings = Findings()
    for name in names:
        runs = evidence.check_runs.get(name)
        if runs is None:
            findings.wait(CHECK_RUNS_CHECK, f"check '{name}' on GitHub", name,
                          Need("check_runs", name))
            continue
        latest = runs[0] if runs else None
        if latest is None:
            state = "has not run on the head commit"
        elif latest.status != "completed":
            state = f"is {latest.status.replace('_', ' ')} on the head commit"
        elif latest.conclusion != "success":
            state = f"concluded {latest.conclusion or 'without a conclusion'} on the head commit"
        else:
            continue
        findings.reasons.append(Reason(
            code=Code.GK108, message=f"required check '{name}' {state}",
            field="test_evidence",
            fix=f"make '{name}' pass on the head commit, then re-run Gatekeeper"))
    return findings


def exemption_commits(account: str, evidence: Evidence, findings: Findings) -> str | None:
    """Why an exemption for ``account`` does not hold (``None``: every commit is its own).

    A commit is the account's when GitHub links its author to the account, its committer
    is the account or GitHub itself, and GitHub verified its signature: git's author line
    is whatever the pusher wrote, a signature is not. While GitHub has not been asked
    (commits unread, or read locally without signatures) the exemption stands
    provisionally, as a pending check."""
    if evidence.commits is None:
        findings.wait(COMMITS_CHECK, f"that every commit is @{account}'s, on GitHub", None,
                      Need("commits"))
        return None
    wanted = account.casefold()
    for commit in evidence.commits:
        local = commit.verified is None
        # Locally git knows no accounts: a no-reply address is the best there is.
        author = login_of(commit.author) if local else commit.author.login
        committer = login_of(commit.committer) if local else commit.committer.login
        if (author or "").casefold() != wanted:
            shown = f"@{author}" if author else (commit.author.email or commit.author.name)
            return f"commit {commit.sha[:12]} was authored by {shown}, not @{account}"
        if (committer or "").casefold() not in (wanted, GITHUB_WEB_COMMITTER):
            shown = f"@{committer}" if committer else (commit.committer.email or "someone")
            return f"commit {commit.sha[:12]} was committed by {shown}, not @{account}"
        if commit.verified is False:
            return (f"commit {commit.sha[:12]} is not signed (GitHub does not verify it), so "
                    f"nothing shows @{account} made it")
    if any(commit.verified is None for commit in evidence.commits):
        findings.wait(COMMITS_CHECK, f"that GitHub verified @{account}'s commit signatures",
                      None)
    return None
