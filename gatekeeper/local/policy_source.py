"""Find and load the policy: --policy FILE, .github/gatekeeper.yml (or .yaml), or the
embedded default; under an organisation's central policy (--org-policy), the central
policy tightened by the repository's own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper import resources
from gatekeeper.constants import EMBEDDED_POLICY, POLICY_PATH, POLICY_PATHS
from gatekeeper.core.digest import sha256
from gatekeeper.core.model import PolicyOrigin
from gatekeeper.core.policy.load import (
    Policy,
    PolicyDocument,
    parse_policy,
    policy_from_data,
    read_policy_document,
)
from gatekeeper.errors import GatekeeperError
from gatekeeper.local.files import read_text
from gatekeeper.local.git import top_level

if TYPE_CHECKING:
    from gatekeeper.core.policy.merge import CentralReference, EffectivePolicy

MAX_POLICY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PolicyText:
    """A policy's text and the name errors and decisions give it."""

    name: str
    text: str

    @property
    def embedded(self) -> bool:
        return self.name == EMBEDDED_POLICY


def candidate_paths(path: str) -> tuple[str, ...]:
    """The paths a policy is looked for at: the default path and its ``.yaml`` twin, or a
    path the user chose, alone."""
    return POLICY_PATHS if path == POLICY_PATH else (path,)


def the_one_policy(found: Mapping[str, str | None], *, where: str) -> tuple[str, str] | None:
    """(path, text) of the one policy file found among the candidates, None when there is
    none; both ``.yml`` and ``.yaml`` present is an error that names both."""
    present = [(path, text) for path, text in found.items() if text is not None]
    if len(present) > 1:
        names = " and ".join(path for path, _ in present)
        raise GatekeeperError(f"{where} has both {names}; keep one policy file and delete "
                              "the other")
    return present[0] if present else None


def policy_text(explicit: str | None, *, cwd: Path) -> PolicyText:
    """The policy's text: ``--policy FILE``, the file at the git top level, or the
    embedded default."""
    if explicit is not None:
        return PolicyText(*read_text(explicit, what="policy", max_bytes=MAX_POLICY_BYTES))
    root = top_level(cwd) or cwd
    found = {path: str(root / path) if (root / path).is_file() else None
             for path in POLICY_PATHS}
    chosen = the_one_policy(found, where=str(root))
    if chosen is None:
        return PolicyText(EMBEDDED_POLICY, resources.text("default_policy.yml"))
    return PolicyText(*read_text(chosen[1], what="policy", max_bytes=MAX_POLICY_BYTES))


def load_policy(explicit: str | None, *, cwd: Path) -> Policy:
    found = policy_text(explicit, cwd=cwd)
    if found.embedded:
        return default_policy()
    return parse_policy(found.text, file=found.name, schema=resources.schema("policy"))


def default_policy() -> Policy:
    """The embedded default, read from its JSON build (``default_policy.json``, made from
    ``default_policy.yml`` and validated by ``scripts/gen_default_policy.py``): no YAML
    parser to load and no schema check to repeat. A build that is not of the YAML beside
    it (edited and not yet rebuilt) is not used: the YAML is parsed as any policy is."""
    source = resources.text("default_policy.yml")
    sha = sha256(source.encode()).hexdigest()
    built = resources.json_data("default_policy.json")
    if built.get("source_sha256") != sha:
        return parse_policy(source, file=EMBEDDED_POLICY, schema=resources.schema("policy"))
    return policy_from_data(
        built["policy"],
        file=EMBEDDED_POLICY,
        schema=resources.schema("policy"),
        origin=PolicyOrigin(source=EMBEDDED_POLICY, sha=sha),
    )


# --- an organisation's central policy, and the repository's policy laid over it --------------


def central_from_file(path: str, *, reference: CentralReference | None = None) -> PolicyDocument:
    """The central policy from a local file. ``reference``: the policy repository's file
    this is a copy of (the action's ``org-policy-root``), named in the decision instead."""
    name, text = read_text(path, what="organisation policy", max_bytes=MAX_POLICY_BYTES)
    digest = sha256(text.encode()).hexdigest()
    origin = (PolicyOrigin(source=reference.source, ref=reference.ref,
                           sha=reference.ref if reference.pinned else digest)
              if reference is not None else PolicyOrigin(source=name, sha=digest))
    return read_policy_document(text, file=name, schema=resources.schema("policy"),
                                origin=origin)


def local_document(explicit: str | None, *, cwd: Path) -> tuple[PolicyText, PolicyDocument | None]:
    """The repository's own policy (``--policy FILE`` or the file at the git top level),
    None when it has none: under a central policy, no embedded default applies."""
    found = policy_text(explicit, cwd=cwd)
    if found.embedded:
        return found, None
    return found, read_policy_document(found.text, file=found.name,
                                       schema=resources.schema("policy"))


def load_effective(explicit: str | None, *, cwd: Path,
                   central: PolicyDocument) -> EffectivePolicy:
    """The central policy tightened by the repository's own; LooseningError (exit 2) names
    every key that would loosen it."""
    # Laying one policy over another is for --org-policy only: a run without it (most
    # runs) never loads the merge.
    from gatekeeper.core.policy.merge import NO_LOCAL_POLICY, effective_policy

    _, local = local_document(explicit, cwd=cwd)
    origin = local.origin if local is not None else PolicyOrigin(source=NO_LOCAL_POLICY)
    return effective_policy(central, local, resources.schema("policy"), local_origin=origin)
