"""Pull request records as the metrics need them, parsed from GitHub's GraphQL answers.

A record keeps only what the metrics, the save log and replay use. It round-trips through
JSON (the cache stores it that way). Label events are reduced to Gatekeeper's own labels,
translated to ``red+``/``red-``/``blocked+``/``blocked-``; draft state changes are kept as
``ready``/``draft``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from gatekeeper.constants import LABEL_BLOCKED, LABEL_RED
from gatekeeper.core.authority.facts import CommitRecord, Person

LABEL_KINDS: Final = {LABEL_RED: "red", LABEL_BLOCKED: "blocked"}
DECISIVE_REVIEW_STATES: Final = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


def parse_time(text: str) -> datetime:
    """GitHub's ``2026-01-05T10:00:00Z`` (any ISO-8601 with an offset) as an aware UTC time."""
    value = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """The one timestamp format stored and compared: ``YYYY-MM-DDTHH:MM:SSZ`` in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_time(text: str) -> str:
    return format_time(parse_time(text))


@dataclass(frozen=True)
class TimelineEvent:
    """``red+``, ``red-``, ``blocked+``, ``blocked-``, ``ready`` or ``draft``, at a time."""

    kind: str
    at: str


@dataclass(frozen=True)
class ReviewEvent:
    state: str
    submitted_at: str
    author: str | None
    author_is_bot: bool


@dataclass(frozen=True)
class ChangedFile:
    path: str
    change_type: str


@dataclass(frozen=True)
class PullRecord:
    id: str
    number: int
    url: str
    title: str
    body: str
    state: str  # OPEN, CLOSED or MERGED
    is_draft: bool
    created_at: str
    updated_at: str
    merged_at: str | None
    closed_at: str | None
    base: str
    author: str | None
    author_is_bot: bool
    changed_files: int
    files: tuple[ChangedFile, ...]
    files_complete: bool
    events: tuple[TimelineEvent, ...]
    reviews: tuple[ReviewEvent, ...]
    # Connections with more pages to read: ("timeline" | "reviews" | "files", cursor).
    more: tuple[tuple[str, str], ...] = ()
    head_ref: str = ""
    # The last COMMITS_READ commits (None: a record cached before commits were read).
    commits: tuple[CommitRecord, ...] | None = None

    @property
    def pending(self) -> bool:
        """Label events or reviews not read to the end yet (the metrics need both)."""
        return any(kind in ("timeline", "reviews") for kind, _ in self.more)

    @property
    def has_gatekeeper_history(self) -> bool:
        return any(e.kind.startswith(("red", "blocked")) for e in self.events)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "number": self.number, "url": self.url, "title": self.title,
            "body": self.body, "state": self.state, "is_draft": self.is_draft,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "merged_at": self.merged_at, "closed_at": self.closed_at, "base": self.base,
            "author": self.author, "author_is_bot": self.author_is_bot,
            "changed_files": self.changed_files,
            "files": [[f.path, f.change_type] for f in self.files],
            "files_complete": self.files_complete,
            "events": [[e.kind, e.at] for e in self.events],
            "reviews": [[r.state, r.submitted_at, r.author, r.author_is_bot]
                        for r in self.reviews],
            "more": [list(item) for item in self.more],
            "head_ref": self.head_ref,
            "commits": None if self.commits is None else [
                [c.sha, c.message, *_person_json(c.author), *_person_json(c.committer)]
                for c in self.commits],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PullRecord:
        return cls(
            id=data["id"], number=data["number"], url=data["url"], title=data["title"],
            body=data["body"], state=data["state"], is_draft=data["is_draft"],
            created_at=data["created_at"], updated_at=data["updated_at"],
            merged_at=data["merged_at"], closed_at=data["closed_at"], base=data["base"],
            author=data["author"], author_is_bot=data["author_is_bot"],
            changed_files=data["changed_files"],
            files=tuple(ChangedFile(path, kind) for path, kind in data["files"]),
            files_complete=data["files_complete"],
            events=tuple(TimelineEvent(kind, at) for kind, at in data["events"]),
            reviews=tuple(ReviewEvent(state, at, author, bool(bot))
                          for state, at, author, bot in data["reviews"]),
            more=tuple((str(kind), str(cursor)) for kind, cursor in data.get("more", [])),
            head_ref=str(data.get("head_ref") or ""),
            commits=None if data.get("commits") is None else tuple(
                CommitRecord(sha=c[0], message=c[1], author=Person(c[2], c[3], c[4]),
                             committer=Person(c[5], c[6], c[7]))
                for c in data["commits"]),
        )


# How many of a pull request's commits the history reads (its last ones): enough for
# the change origin's evidence on all but the longest pull requests.
COMMITS_READ: Final = 50


def _person_json(person: Person) -> list[str | None]:
    return [person.name, person.email, person.login]


def _git_actor(node: Any) -> Person:
    if not isinstance(node, dict):
        return Person(name="", email="")
    user = node.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return Person(name=str(node.get("name") or ""), email=str(node.get("email") or ""),
                  login=str(login) if login else None)


def parse_commits(connection: Any) -> tuple[CommitRecord, ...]:
    found = []
    for node in nodes_of(connection):
        commit = node.get("commit") if isinstance(node, dict) else None
        if isinstance(commit, dict):
            found.append(CommitRecord(sha=str(commit.get("oid") or ""),
                                      message=str(commit.get("message") or ""),
                                      author=_git_actor(commit.get("author")),
                                      committer=_git_actor(commit.get("committer"))))
    return tuple(found)


def _actor(node: Any) -> tuple[str | None, bool]:
    """(login, is a bot). A deleted account (GitHub's ``ghost``, null here) is a person."""
    if not isinstance(node, dict):
        return None, False
    login = node.get("login")
    return (str(login) if login is not None else None), node.get("__typename") == "Bot"


def parse_timeline(nodes: list[Any]) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        typename = node.get("__typename")
        at = node.get("createdAt")
        if not isinstance(at, str):
            continue
        if typename in ("LabeledEvent", "UnlabeledEvent"):
            label = node.get("label") or {}
            kind = LABEL_KINDS.get(str(label.get("name", "")).casefold())
            if kind is not None:
                sign = "+" if typename == "LabeledEvent" else "-"
                events.append(TimelineEvent(kind + sign, normalize_time(at)))
        elif typename == "ReadyForReviewEvent":
            events.append(TimelineEvent("ready", normalize_time(at)))
        elif typename == "ConvertToDraftEvent":
            events.append(TimelineEvent("draft", normalize_time(at)))
    return events


def parse_reviews(nodes: list[Any]) -> list[ReviewEvent]:
    reviews: list[ReviewEvent] = []
    for node in nodes:
        if not isinstance(node, dict) or not isinstance(node.get("submittedAt"), str):
            continue  # a pending review has not been submitted
        login, bot = _actor(node.get("author"))
        reviews.append(ReviewEvent(str(node.get("state")), normalize_time(node["submittedAt"]),
                                   login, bot))
    return reviews


def parse_files(nodes: list[Any]) -> list[ChangedFile]:
    return [ChangedFile(str(n["path"]), str(n.get("changeType", "MODIFIED")))
            for n in nodes if isinstance(n, dict) and isinstance(n.get("path"), str)]


def nodes_of(connection: Any) -> list[Any]:
    if not isinstance(connection, dict):
        return []
    nodes = connection.get("nodes")
    return list(nodes) if isinstance(nodes, list) else []


def next_cursor(connection: Any) -> str | None:
    """The cursor to read the next page of a connection from, or None at its end."""
    if not isinstance(connection, dict):
        return None
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage") and info.get("endCursor"):
        return str(info["endCursor"])
    return None


CONNECTIONS: Final = {"timeline": "timelineItems", "reviews": "reviews", "files": "files"}


def parse_pull(node: dict[str, Any]) -> PullRecord:
    """A record from the ``PullFields`` fragment. Connections with more pages are listed
    in ``more``; ``history`` reads them later, in batches."""
    login, bot = _actor(node.get("author"))
    files = parse_files(nodes_of(node.get("files")))
    changed = int(node.get("changedFiles") or 0)
    more = tuple((kind, cursor) for kind, field in CONNECTIONS.items()
                 if (cursor := next_cursor(node.get(field))) is not None)
    more_files = any(kind == "files" for kind, _ in more)
    return PullRecord(
        id=str(node["id"]),
        number=int(node["number"]),
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        state=str(node.get("state") or "OPEN"),
        is_draft=bool(node.get("isDraft")),
        created_at=normalize_time(node["createdAt"]),
        updated_at=normalize_time(node["updatedAt"]),
        merged_at=normalize_time(node["mergedAt"]) if node.get("mergedAt") else None,
        closed_at=normalize_time(node["closedAt"]) if node.get("closedAt") else None,
        base=str(node.get("baseRefName") or ""),
        author=login,
        author_is_bot=bot,
        changed_files=changed,
        files=tuple(files),
        files_complete=not more_files and len(files) >= changed,
        events=tuple(parse_timeline(nodes_of(node.get("timelineItems")))),
        reviews=tuple(parse_reviews(nodes_of(node.get("reviews")))),
        more=more,
        head_ref=str(node.get("headRefName") or ""),
        commits=parse_commits(node.get("commits")) if "commits" in node else None,
    )
