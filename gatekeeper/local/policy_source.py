"""Find and load the policy: --policy FILE, .github/gatekeeper.yml, or the embedded default."""

from __future__ import annotations

from pathlib import Path

from gatekeeper import resources
from gatekeeper.constants import EMBEDDED_POLICY, POLICY_PATH
from gatekeeper.core.policy import Policy, parse_policy
from gatekeeper.local.files import read_text
from gatekeeper.local.git import top_level

MAX_POLICY_BYTES = 1024 * 1024


def load_policy(explicit: str | None, *, cwd: Path) -> Policy:
    if explicit is not None:
        name, text = read_text(explicit, what="policy", max_bytes=MAX_POLICY_BYTES)
        return parse_policy(text, file=name, schema=resources.schema("policy"))
    root = top_level(cwd) or cwd
    candidate = root / POLICY_PATH
    if candidate.is_file():
        name, text = read_text(str(candidate), what="policy", max_bytes=MAX_POLICY_BYTES)
        return parse_policy(text, file=name, schema=resources.schema("policy"))
    return default_policy()


def default_policy() -> Policy:
    return parse_policy(
        resources.text("default_policy.yml"),
        file=EMBEDDED_POLICY,
        schema=resources.schema("policy"),
    )
