"""Every GraphQL document Gatekeeper sends. Tests validate each one against GitHub's schema.

Page sizes are variables so one document serves full runs, reruns and smaller pages after
a timeout. Only the label, draft and review events the metrics use are asked for.
"""

from __future__ import annotations

from typing import Final

TIMELINE_TYPES: Final = (
    "[LABELED_EVENT, UNLABELED_EVENT, READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]"
)
REVIEW_STATES: Final = "[APPROVED, CHANGES_REQUESTED, DISMISSED]"

_FRAGMENTS: Final = f"""
fragment TimelinePage on PullRequestTimelineItemsConnection {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{
    __typename
    ... on LabeledEvent {{ createdAt label {{ name }} }}
    ... on UnlabeledEvent {{ createdAt label {{ name }} }}
    ... on ReadyForReviewEvent {{ createdAt }}
    ... on ConvertToDraftEvent {{ createdAt }}
  }}
}}

fragment ReviewPage on PullRequestReviewConnection {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{ state submittedAt author {{ __typename login }} }}
}}

fragment FilePage on PullRequestChangedFileConnection {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{ path changeType }}
}}

fragment PullFields on PullRequest {{
  id
  number
  url
  title
  body
  state
  isDraft
  createdAt
  updatedAt
  mergedAt
  closedAt
  baseRefName
  headRefName
  changedFiles
  author {{ __typename login }}
  files(first: $files) {{ ...FilePage }}
  timelineItems(first: $events, itemTypes: {TIMELINE_TYPES}) {{ ...TimelinePage }}
  reviews(first: $reviews, states: {REVIEW_STATES}) {{ ...ReviewPage }}
  commits(last: $commits) {{
    totalCount
    nodes {{ commit {{ oid message author {{ ...Person }} committer {{ ...Person }} }} }}
  }}
}}

fragment Person on GitActor {{
  name
  email
  user {{ login }}
}}
"""

REPOSITORY: Final = """
query GatekeeperRepository($owner: String!, $name: String!, $policy: String!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    url
    defaultBranchRef { name target { oid } }
    policy: object(expression: $policy) {
      __typename
      ... on Blob { oid text isBinary isTruncated }
    }
  }
}
"""

PULLS: Final = """
query GatekeeperPulls(
  $owner: String!, $name: String!, $base: String!, $first: Int!, $after: String,
  $files: Int!, $events: Int!, $reviews: Int!, $commits: Int!
) {
  repository(owner: $owner, name: $name) {
    pullRequests(
      baseRefName: $base, first: $first, after: $after,
      orderBy: {field: UPDATED_AT, direction: DESC}
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...PullFields }
    }
  }
}
""" + _FRAGMENTS

_FOLLOW_FIELDS: Final = {
    "timeline": f"timelineItems(first: 100, after: $a{{i}}, itemTypes: {TIMELINE_TYPES})"
                " {{ ...TimelinePage }}",
    "reviews": f"reviews(first: 100, after: $a{{i}}, states: {REVIEW_STATES})"
               " {{ ...ReviewPage }}",
    "files": "files(first: 100, after: $a{i}) {{ ...FilePage }}",
}
_FRAGMENT_OF: Final = {"timeline": "TimelinePage", "reviews": "ReviewPage", "files": "FilePage"}


def follow_up(kinds: list[str]) -> str:
    """One request reading the next page of several pull requests' connections:
    ``kinds[i]`` ("timeline", "reviews" or "files") of the pull request ``$id{i}`` from
    cursor ``$a{i}``. Answers come back as ``p0``, ``p1``, ..."""
    parameters = ", ".join(f"$id{i}: ID!, $a{i}: String" for i in range(len(kinds)))
    fields = "\n".join(
        f"  p{i}: node(id: $id{i}) {{ ... on PullRequest {{ "
        + _FOLLOW_FIELDS[kind].format(i=i) + " } }"
        for i, kind in enumerate(kinds)
    )
    used = {_FRAGMENT_OF[kind] for kind in kinds}
    fragments = [part for part in _FRAGMENTS.split("\nfragment ")[1:]
                 if part.split(" ", 1)[0] in used]
    return (f"query GatekeeperFollowUp({parameters}) {{\n{fields}\n}}\n"
            + "".join(f"\nfragment {part}" for part in fragments))


BODY_EDITS: Final = """
query GatekeeperBodyEdits($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on PullRequest {
      id
      updatedAt
      userContentEdits(first: 100) { nodes { editedAt deletedAt diff } }
    }
  }
}
"""

# Every document shape sent, for the tests (follow-ups are built per batch).
ALL: Final = {"REPOSITORY": REPOSITORY, "PULLS": PULLS, "BODY_EDITS": BODY_EDITS,
              "FOLLOW_UP_ONE": follow_up(["timeline"]),
              "FOLLOW_UP_MIXED": follow_up(["timeline", "reviews", "files"] * 9)}
