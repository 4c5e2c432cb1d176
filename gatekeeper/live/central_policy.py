"""An organisation's central policy, read from its policy repository through the forge.

``OWNER/REPO[:PATH][@REF]``: the file at a full commit SHA as given, else at the tip of the
branch named (the repository's default branch when none is). A missing file is an error,
never an empty policy: a required workflow that names a policy that is not there must
not pass quietly.
"""

from __future__ import annotations

from typing import Protocol

from gatekeeper import resources
from gatekeeper.core.model import PolicyOrigin
from gatekeeper.core.policy.load import PolicyDocument, read_policy_document
from gatekeeper.core.policy.merge import CentralReference
from gatekeeper.forge import ForgeUnavailable


class PolicyRepositoryReader(Protocol):
    def default_branch(self, repo: str) -> str: ...

    def branch_head(self, repo: str, branch: str) -> str: ...

    def file_at(self, repo: str, path: str, ref: str) -> str | None: ...


def read_central(forge: PolicyRepositoryReader, reference: CentralReference) -> PolicyDocument:
    """The central policy's document. Raises ForgeUnavailable when GitHub does not answer
    (or the file is not there), GatekeeperError when the policy is invalid."""
    if reference.pinned:
        assert reference.ref is not None
        branch, sha = reference.ref, reference.ref
    else:
        branch = reference.ref or forge.default_branch(reference.repo)
        sha = forge.branch_head(reference.repo, branch)
    text = forge.file_at(reference.repo, reference.path, sha)
    if text is None:
        raise ForgeUnavailable(f"reading the organisation policy {reference}", 404,
                               f"no file {reference.path} in {reference.repo} at {sha[:12]}")
    return read_policy_document(
        text, file=f"{reference.source}@{sha[:12]}", schema=resources.schema("policy"),
        origin=PolicyOrigin(source=reference.source, ref=branch, sha=sha))
