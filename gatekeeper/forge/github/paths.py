"""REST paths built from text Gatekeeper does not control: payloads, bodies, names.

Every such value becomes exactly one path segment: reserved characters (``/ ? # %`` and
the rest) are percent-encoded, so a team slug such as ``sec?x=1`` or ``a/../b`` cannot
pick another endpoint. A segment that is empty or only dots (``.``, ``..``) cannot be sent as
one segment at all (HTTP clients resolve dot segments, and ``%2E`` is decoded back to a
dot before sending), so it is refused with ``UnsafeSegment`` (a ``ForgeUnavailable``)
instead of being sent.
"""

from __future__ import annotations

from urllib.parse import quote

from gatekeeper.forge import ForgeUnavailable


class UnsafeSegment(ForgeUnavailable):
    """A value that cannot be sent as one URL path segment: nothing is asked of GitHub,
    and whoever needed the answer fails closed as for any other unanswered request."""

    def __init__(self, detail: str):
        super().__init__("building an API path", None, detail)


def segment(value: str) -> str:
    """``value`` as one percent-encoded path segment."""
    if value.strip(".") == "":
        raise UnsafeSegment(f"{value!r} cannot be one segment of an API path")
    return quote(value, safe="")


def repo_name(repo: str) -> str:
    """``owner/name`` with each half one encoded segment (what PyGithub's ``get_repo`` takes)."""
    owner, slash, name = repo.partition("/")
    if not slash:
        raise UnsafeSegment(f"{repo!r} is not OWNER/REPO")
    return f"{segment(owner)}/{segment(name)}"


def repo_path(repo: str) -> str:
    """``/repos/{owner}/{repo}`` for ``owner/name``."""
    return f"/repos/{repo_name(repo)}"


def ref_path(ref: str) -> str:
    """A git ref (``feature/login``) as path segments, each one encoded: its slashes stay
    slashes, as GitHub's ``git/ref/{ref}`` expects, and nothing else can steer the path."""
    return "/".join(segment(part) for part in ref.split("/"))
