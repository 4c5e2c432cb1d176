"""One GraphQL query for what an evaluation reads about a pull request.

The pull request, its first 100 changed files, its first 100 reviews, its labels, its last
100 comments, the base branch's tip and the policy file(s) at that very commit, and whether
the repository has the labels the action may add, come in one request, where REST took one
call each (and the policy path two). What GraphQL cannot
serve as REST does stays on REST:

- a renamed file's old path (``PullRequestChangedFile`` has none): a list with a rename
  is read from REST, page by page (a list without one continues over GraphQL, 100 files
  a page, ``files_query``);
- commits: a commit's author and committer in GraphQL link to a ``User`` only, so a bot
  account (``github-actions[bot]``) behind a commit would be lost;
- a collaborator's permission, the pull requests of a commit, approval records.

GraphQL names a bot ``dependabot`` where REST says ``dependabot[bot]``; logins are given
as REST gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gatekeeper.core.authority.facts import ReviewRecord
from gatekeeper.core.model import ChangedPath
from gatekeeper.forge import PullRequestInfo

PULL_FIELDS = """number title body url state isDraft changedFiles headRefOid headRefName
      baseRefOid baseRefName author { __typename login } commits(last: 1) { totalCount }
      headRepository { nameWithOwner }
      labels(first: 100) { totalCount nodes { name } }"""


FILES_PAGE = """files(first: 100{after}) {{
        totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ path changeType }}
      }}"""


def query(policy_paths: tuple[str, ...], *, full: bool, labels: tuple[str, ...] = ()) -> str:
    """The query text. ``full`` False: the pull request's own fields and labels only (a
    re-read before posting). ``labels``: repository labels whose existence is read too
    (so that making a missing one needs no read of its own)."""
    if not full:
        return ("query GatekeeperPullAgain($owner: String!, $name: String!, $number: Int!) {\n"
                "  repository(owner: $owner, name: $name) {\n"
                f"    pullRequest(number: $number) {{ {PULL_FIELDS} }}\n  }}\n}}\n")
    params = "".join(f", $p{i}: String!" for i in range(len(policy_paths)))
    params += "".join(f", $l{i}: String!" for i in range(len(labels)))
    blobs = "".join(
        f"\n            p{i}: file(path: $p{i}) {{ object {{ __typename "
        "... on Blob { text isBinary isTruncated } } }"
        for i in range(len(policy_paths)))
    repo_labels = "".join(f"\n    l{i}: label(name: $l{i}) {{ name }}"
                          for i in range(len(labels)))
    return f"""query GatekeeperPull($owner: String!, $name: String!, $number: Int!{params}) {{
  repository(owner: $owner, name: $name) {{{repo_labels}
    pullRequest(number: $number) {{
      {PULL_FIELDS}
      baseRef {{ target {{ __typename oid ... on Commit {{ oid{blobs} }} }} }}
      {FILES_PAGE.format(after="")}
      reviews(first: 100) {{
        totalCount pageInfo {{ hasNextPage }}
        nodes {{ author {{ __typename login }} state submittedAt commit {{ oid }} }}
      }}
      comments(last: 100) {{
        totalCount nodes {{ databaseId body author {{ __typename login }} }}
      }}
      baseChanges: timelineItems(first: 100,
          itemTypes: [BASE_REF_CHANGED_EVENT, AUTOMATIC_BASE_CHANGE_SUCCEEDED_EVENT]) {{
        totalCount nodes {{ __typename ... on BaseRefChangedEvent {{ createdAt }}
          ... on AutomaticBaseChangeSucceededEvent {{ createdAt }} }}
      }}
    }}
  }}
}}
"""


def files_query() -> str:
    """The next page of a pull request's files, with its head and base (a list is only
    one list when they stayed the same from page to page)."""
    return ("query GatekeeperFiles($owner: String!, $name: String!, $number: Int!, "
            "$after: String!) {\n  repository(owner: $owner, name: $name) {\n"
            "    pullRequest(number: $number) {\n      headRefOid baseRefOid\n      "
            + FILES_PAGE.format(after=", after: $after") + "\n    }\n  }\n}\n")


@dataclass(frozen=True)
class FilesPage:
    """One page of GraphQL's list of changed files."""

    paths: tuple[ChangedPath, ...]
    # a rename or copy is on the page: GraphQL does not give its old path
    renamed: bool
    # where the next page starts; None: this is the last page
    cursor: str | None


def files_page(connection: Any) -> FilesPage | None:
    """The page, or None when the connection is not one GitHub would send."""
    if not isinstance(connection, dict):
        return None
    page = connection.get("pageInfo")
    more = page.get("hasNextPage") if isinstance(page, dict) else None
    cursor = page.get("endCursor") if isinstance(page, dict) else None
    if not isinstance(more, bool) or (more and not isinstance(cursor, str)):
        return None
    nodes = _nodes(connection)
    if any(not isinstance(n.get("path"), str) or not n["path"] for n in nodes):
        return None
    return FilesPage(
        # GraphQL's files carry no patch, so a submodule bump (always MODIFIED; adding or
        # removing one changes .gitmodules too) cannot be told from a file: judge it as both.
        paths=tuple(ChangedPath(path=str(n["path"]),
                                may_be_folder=n.get("changeType") == "MODIFIED")
                    for n in nodes),
        renamed=any(n.get("changeType") in ("RENAMED", "COPIED") for n in nodes),
        cursor=str(cursor) if more else None)


@dataclass(frozen=True)
class StickyCandidate:
    id: int
    body: str
    author: str


@dataclass(frozen=True)
class PullSnapshot:
    """What one query read. A part is None when the query could not give all of it."""

    info: PullRequestInfo
    labels: frozenset[str] | None
    files: tuple[ChangedPath, ...] | None = None
    # the first page of files as the query read it (``files`` is set when it is all)
    first_files: FilesPage | None = None
    reviews: tuple[ReviewRecord, ...] | None = None
    comments: tuple[StickyCandidate, ...] | None = None
    base_tip: str | None = None
    # when the base branch was changed, sorted (None: not all of them were read)
    base_changes: tuple[str, ...] | None = None
    # path -> text at base_tip (None: no such file); only the paths the query read
    policy: dict[str, str | None] | None = None
    # a policy path whose blob GraphQL would not give as text (too large, binary)
    policy_unread: bool = False


def login_of(actor: Any) -> tuple[str, bool]:
    """(login as REST gives it, is a bot) of a GraphQL Actor."""
    if not isinstance(actor, dict):
        return "", False
    login = str(actor.get("login") or "")
    bot = actor.get("__typename") == "Bot" or login.endswith("[bot]")
    if bot and login and not login.endswith("[bot]"):
        login += "[bot]"
    return login, bot


def _nodes(connection: Any) -> list[dict[str, Any]]:
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    return [n for n in nodes or () if isinstance(n, dict)]


def _complete(connection: Any) -> bool:
    if not isinstance(connection, dict):
        return False
    page = connection.get("pageInfo") or {}
    total = connection.get("totalCount")
    return page.get("hasNextPage") is False or (
        isinstance(total, int) and total <= len(_nodes(connection)))


def parse(repo: str, pull: dict[str, Any], policy_paths: tuple[str, ...]) -> PullSnapshot:
    author, author_bot = login_of(pull.get("author"))
    head, base = pull.get("headRefOid"), pull.get("baseRefOid")
    if not isinstance(head, str) or not isinstance(base, str) or \
            not isinstance(pull.get("number"), int):
        raise ValueError("the pull request has no number, head or base commit")
    info = PullRequestInfo(
        repo=repo, number=int(pull["number"]), title=str(pull.get("title") or ""),
        body=str(pull.get("body") or ""), author=author, head_sha=head,
        head_ref=str(pull.get("headRefName") or ""), base_sha=base,
        base_ref=str(pull.get("baseRefName") or ""),
        changed_files=int(pull.get("changedFiles") or 0), draft=bool(pull.get("isDraft")),
        html_url=str(pull.get("url") or ""), author_is_bot=author_bot,
        commits=int((pull.get("commits") or {}).get("totalCount") or 0),
        head_repo=str((pull.get("headRepository") or {}).get("nameWithOwner") or ""),
        is_open=pull.get("state") in (None, "OPEN"),
    )
    labels_conn = pull.get("labels")
    labels = frozenset(str(n.get("name", "")) for n in _nodes(labels_conn)) \
        if _complete(labels_conn) else None
    snapshot = PullSnapshot(info=info, labels=labels)
    if "files" not in pull:
        return snapshot

    # A rename's old path is not in GraphQL's list: such a list is read from REST.
    first = files_page(pull.get("files"))
    files = first.paths if first is not None and first.cursor is None and \
        not first.renamed else None

    reviews_conn = pull.get("reviews")
    reviews: tuple[ReviewRecord, ...] | None = None
    if _complete(reviews_conn):
        found = []
        for node in _nodes(reviews_conn):
            login, bot = login_of(node.get("author"))
            commit = node.get("commit")
            found.append(ReviewRecord(
                login=login, state=str(node.get("state") or ""),
                commit_id=str(commit["oid"]) if isinstance(commit, dict) and
                commit.get("oid") else None, is_bot=bot,
                submitted_at=str(node["submittedAt"]) if node.get("submittedAt") else None))
        reviews = tuple(found)

    comments_conn = pull.get("comments")
    comments = None
    if _complete(comments_conn):
        comments = tuple(
            StickyCandidate(id=int(n["databaseId"]), body=str(n.get("body") or ""),
                            author=login_of(n.get("author"))[0])
            for n in _nodes(comments_conn) if isinstance(n.get("databaseId"), int))

    changes_conn = pull.get("baseChanges")
    base_changes: tuple[str, ...] | None = None
    if _complete(changes_conn):
        times = [n.get("createdAt") for n in _nodes(changes_conn)]
        # A base change with no time cannot be ordered against an approval: read it from
        # REST, which fails closed on it.
        if all(isinstance(at, str) and at for at in times):
            base_changes = tuple(sorted(str(at) for at in times))

    target = (pull.get("baseRef") or {}).get("target") or {}
    tip = target.get("oid") if isinstance(target, dict) else None
    policy: dict[str, str | None] | None = None
    unread = False
    if isinstance(tip, str) and tip:
        policy = {}
        for index, path in enumerate(policy_paths):
            entry = target.get(f"p{index}")
            blob = entry.get("object") if isinstance(entry, dict) else None
            if entry is None:
                policy[path] = None
            elif not isinstance(blob, dict) or blob.get("__typename") != "Blob" or \
                    blob.get("isBinary") or blob.get("isTruncated") or \
                    not isinstance(blob.get("text"), str):
                unread = True  # read from REST, which says what is wrong with it
            else:
                policy[path] = blob["text"]
    return PullSnapshot(info=info, labels=labels, files=files, first_files=first,
                        reviews=reviews, base_changes=base_changes,
                        comments=comments, base_tip=tip if isinstance(tip, str) else None,
                        policy=policy, policy_unread=unread)
