"""A seeded synthetic pull request history with known truth, served through the double.

``generate(seed, weeks, per_week)`` builds pull requests from *scenarios* (blocked then
fixed, RED with reviews at known times, bots, drafts, pre-rollout PRs to be replayed ...).
Each scenario states its truth when it is built (blocked? RED? review time in seconds?
saved?), and ``expected(...)`` aggregates that truth with its own arithmetic
(``fractions.Fraction``), never with ``gatekeeper.metrics``: the code under test is
checked against the construction, not against itself.

``SynthGitHub(dataset).provider`` is a ``FakeGitHub.graphql_data`` callable: the double
executes Gatekeeper's real queries against GitHub's schema over this data.
``seed_rest(fake, dataset)`` also loads it into the double's REST state (for the naive
REST baseline of the benchmark).
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import graphql

REPO = "acme/widgets"
START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday: ISO week 2026-W02
POLICY_EXTRA_RED = "infra/"  # RED in the repository's policy only, not in the default

# The repository's policy: the embedded default plus infra/ as RED (replay must use it).
def repository_policy() -> str:
    from gatekeeper import resources

    text = resources.text("default_policy.yml")
    marker = "      # Gatekeeper's own policy"
    assert marker in text
    return text.replace(marker, f"      - {POLICY_EXTRA_RED}\n{marker}", 1)


# --- bodies -------------------------------------------------------------------------------


def body(risk: str, *, owner: bool = True, escalation: bool = True,
         reviewer: str = "@acme/security") -> str:
    lines = [
        "## Summary", "A change.", "", "## Contract",
        f"- **Risk level:** {risk}",
        f"- **Accountable owner:** {'@alice' if owner else 'TBD'}",
        "- **Change origin:** agent",
        "- **Test evidence:** pytest -q: 12 passed",
    ]
    if escalation:
        lines += ["", "## Escalation", f"- **Escalation reviewer:** {reviewer}",
                  "- **Approval reference:** SEC-2291", "- **Rollback plan:** revert the PR"]
    return "\n".join(lines) + "\n"


GREEN_OK = body("GREEN", escalation=False)
GREEN_NO_OWNER = body("GREEN", owner=False, escalation=False)  # GK102
RED_OK = body("RED")
RED_NO_ESCALATION = body("RED", escalation=False)  # GK202


# --- the data ---------------------------------------------------------------------------


@dataclass
class Review:
    state: str
    at: datetime
    login: str
    bot: bool = False


@dataclass
class Pull:
    number: int
    scenario: str
    title: str
    body: str
    base: str
    author: str
    author_bot: bool
    created_at: datetime
    updated_at: datetime
    state: str  # OPEN, CLOSED, MERGED
    merged_at: datetime | None
    closed_at: datetime | None
    is_draft: bool
    files: list[str]
    events: list[tuple[str, datetime, str | None]]  # (__typename, at, label name)
    reviews: list[Review]
    edits: list[tuple[datetime, str]] = field(default_factory=list)
    # truth, stated by the scenario
    blocked: bool = False
    red: bool = False
    review_seconds: int | None = None
    replayed: bool = False
    saved: bool = False
    save_codes: tuple[str, ...] = ()

    @property
    def node_id(self) -> str:
        return base64.b64encode(f"PR_synthetic_{self.number}".encode()).decode()

    @property
    def counted(self) -> bool:
        return self.base == "main" and not self.is_draft

    @property
    def red_status(self) -> str | None:
        if not self.red:
            return None
        if self.review_seconds is not None:
            return "reviewed"
        return "pending" if self.state == "OPEN" else "closed_unreviewed"


@dataclass
class Dataset:
    pulls: list[Pull]
    rollout: datetime
    policy_text: str
    head_oid: str = "1" * 40

    def by_number(self) -> dict[int, Pull]:
        return {p.number: p for p in self.pulls}


def _t(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the generator ------------------------------------------------------------------------

HISTORY_SCENARIOS = (
    ("green_pass", 30), ("green_blocked_fixed", 10), ("green_blocked_closed", 4),
    ("red_pass", 8), ("red_saved", 6), ("red_blocked_open", 3), ("red_blocked_bypassed", 2),
    ("red_blocked_closed", 2), ("draft_block_only", 3), ("draft_red_at_ready", 3),
    ("draft_now", 4), ("draft_red_removed", 2), ("converted_later", 2), ("noisy_labels", 1),
)
REPLAY_SCENARIOS = (
    ("r_green_ok", 30), ("r_green_no_owner", 8), ("r_red_ok", 6), ("r_red_no_escalation", 4),
    ("r_under_declared_infra", 3), ("r_bot_empty", 3), ("draft_now", 2),
)
REVIEW_PLANS = ("approve", "changes", "dismissed", "bot_first", "before_trigger",
                "commented_only", "none", "approve", "approve", "changes")


class _Builder:
    def __init__(self, rng: random.Random, rollout: datetime):
        self.rng = rng
        self.rollout = rollout

    def delay(self, lo: int, hi: int) -> timedelta:
        return timedelta(seconds=self.rng.randint(lo, hi))

    def reviews_for(self, trigger: datetime, pull: Pull, *, many: bool = False) -> None:
        """Reviews around ``trigger`` per a random plan; sets the truth."""
        plan = self.rng.choice(REVIEW_PLANS)
        if plan == "before_trigger" and trigger - timedelta(seconds=20) < pull.created_at:
            plan = "approve"
        d = self.delay(600, 72 * 3600)
        human = f"rev{self.rng.randint(1, 9)}"
        reviews: list[Review] = []
        seconds: int | None = int(d.total_seconds())
        if many:
            reviews += [Review("APPROVED", trigger + timedelta(seconds=i + 1), "renovate", True)
                        for i in range(105)]
            plan = "approve"
        if plan in ("approve", "changes", "dismissed"):
            state = {"approve": "APPROVED", "changes": "CHANGES_REQUESTED",
                     "dismissed": "DISMISSED"}[plan]
            reviews.append(Review(state, trigger + d, human))
        elif plan == "bot_first":
            reviews += [Review("APPROVED", trigger + d / 2, "renovate", True),
                        Review("APPROVED", trigger + d, human)]
        elif plan == "before_trigger":
            reviews += [Review("APPROVED", trigger - timedelta(seconds=20), human),
                        Review("CHANGES_REQUESTED", trigger + d, human)]
        elif plan == "commented_only":
            reviews.append(Review("COMMENTED", trigger + d, human))
            seconds = None
        else:
            seconds = None
        # A later decisive review never changes the first one.
        if seconds is not None and self.rng.random() < 0.5:
            reviews.append(Review("APPROVED", trigger + d + self.delay(60, 3600), "rev0"))
        pull.reviews += reviews
        pull.review_seconds = seconds

    def close(self, pull: Pull, *, last: datetime, now: datetime, how: str | None = None
              ) -> None:
        choice = how or self.rng.choice(("MERGED", "MERGED", "MERGED", "CLOSED", "OPEN"))
        end = last + self.delay(3600, 5 * 24 * 3600)
        if choice == "OPEN" or end >= now:
            pull.closed_at = pull.merged_at = None
            pull.state, pull.updated_at = "OPEN", min(max(last, pull.created_at)
                                                      + self.delay(1, 600), now)
            return
        pull.state = choice
        pull.closed_at = end
        pull.merged_at = end if choice == "MERGED" else None
        pull.updated_at = end + self.delay(0, 120)


def _last(pull: Pull) -> datetime:
    times = [pull.created_at] + [at for _, at, _ in pull.events] + [r.at for r in pull.reviews]
    times += [at for at, _ in pull.edits]
    return max(times)


def generate(seed: int = 7, weeks: int = 14, per_week: int = 160,
             rollout_week: int = 4) -> Dataset:
    rng = random.Random(seed)
    rollout = START + timedelta(weeks=rollout_week, days=1, hours=9)
    now = START + timedelta(weeks=weeks)  # the end of the last week
    b = _Builder(rng, rollout)
    pulls: list[Pull] = []
    number = 0
    for week in range(weeks):
        for _ in range(per_week):
            number += 1
            created = START + timedelta(weeks=week) + b.delay(0, 7 * 24 * 3600 - 4 * 3600)
            if number == 1:
                created = START + timedelta(hours=1)
            pre = created < rollout
            table = REPLAY_SCENARIOS if pre else HISTORY_SCENARIOS
            names = [n for n, _ in table]
            scenario = rng.choices(names, weights=[w for _, w in table])[0]
            bot = rng.random() < 0.15
            pull = Pull(
                number=number, scenario=scenario, title=f"Change {number}: {scenario}",
                body=GREEN_OK, base="develop" if rng.random() < 0.06 else "main",
                author="dependabot" if bot else f"dev{rng.randint(1, 40)}", author_bot=bot,
                created_at=created, updated_at=created, state="OPEN", merged_at=None,
                closed_at=None, is_draft=False, files=["src/app/views.py"], events=[],
                reviews=[],
            )
            _apply(b, pull, scenario, now)
            pulls.append(pull)
    # The rollout: the first Gatekeeper label event of all, on a straddling PR opened
    # before it (history-sourced, though created before the rollout).
    straddler = next(p for p in pulls if p.scenario == "r_green_ok" and p.base == "main"
                     and p.created_at < rollout - timedelta(days=2))
    straddler.scenario = "straddler"
    straddler.replayed = False
    straddler.body = GREEN_NO_OWNER
    straddler.events = [("LabeledEvent", rollout, "gatekeeper:blocked")]
    straddler.blocked = True
    straddler.state, straddler.merged_at, straddler.closed_at = "OPEN", None, None
    straddler.updated_at = rollout
    straddler.reviews = []
    # Pull requests with many files, replayed: the RED file is past the first 100.
    big = [p for p in pulls if p.scenario == "r_green_ok" and p.base == "main"][:3]
    for pull in big:
        pull.scenario = "r_big_red"
        pull.files = [f"src/app/module_{i}.py" for i in range(150)]
        pull.files[120] = "src/billing/charge.py"
        pull.body = RED_OK
        pull.red = True
        trigger = pull.created_at
        pull.reviews = []
        b.reviews_for(trigger, pull)
        b.close(pull, last=_last(pull), now=now)
    for pull in pulls:
        assert pull.updated_at >= _last(pull) or pull.state == "OPEN", pull
        pull.updated_at = max(pull.updated_at, _last(pull))
        if any(e[2] and e[2].startswith("gatekeeper:") for e in pull.events):
            assert min(e[1] for e in pull.events if e[2] and e[2].startswith("gatekeeper:")) \
                >= rollout
    return Dataset(pulls=pulls, rollout=rollout, policy_text=repository_policy())


def _label(pull: Pull, label: str, at: datetime, on: bool = True) -> None:
    pull.events.append(("LabeledEvent" if on else "UnlabeledEvent", at, label))


def _apply(b: _Builder, pull: Pull, scenario: str, now: datetime) -> None:
    rng, c = b.rng, pull.created_at
    red_files = ["src/auth/session.py", "src/app/views.py"]
    if scenario == "draft_now":
        pull.is_draft = True
        if c >= b.rollout:
            _label(pull, "gatekeeper:blocked", c + b.delay(30, 600))
        pull.updated_at = _last(pull) + b.delay(1, 600)
        return
    if scenario.startswith("r_"):
        pull.replayed = True
        if scenario == "r_green_ok":
            pass
        elif scenario == "r_green_no_owner":
            pull.body, pull.blocked = GREEN_NO_OWNER, True
        elif scenario == "r_red_ok":
            pull.body, pull.files, pull.red = RED_OK, red_files, True
        elif scenario == "r_red_no_escalation":
            pull.body, pull.files, pull.red, pull.blocked = RED_NO_ESCALATION, red_files, \
                True, True
        elif scenario == "r_under_declared_infra":
            pull.body, pull.files = GREEN_OK, ["infra/network.py"]
            pull.red = pull.blocked = True
        elif scenario == "r_bot_empty":
            pull.body, pull.author, pull.author_bot = "", "dependabot", True
            pull.files, pull.blocked = ["package-lock.json"], True
        if pull.red:
            b.reviews_for(c, pull)
        b.close(pull, last=_last(pull), now=now)
        return

    # History scenarios (created after the rollout).
    t1 = c + b.delay(30, 900)
    if scenario == "green_pass":
        if rng.random() < 0.5:
            pull.reviews.append(Review("APPROVED", c + b.delay(600, 36000), "rev1"))
    elif scenario == "green_blocked_fixed":
        pull.body, pull.blocked = GREEN_OK, True
        _label(pull, "gatekeeper:blocked", t1)
        _label(pull, "gatekeeper:blocked", t1 + b.delay(600, 20000), on=False)
    elif scenario == "green_blocked_closed":
        pull.body, pull.blocked = GREEN_NO_OWNER, True
        _label(pull, "gatekeeper:blocked", t1)
        b.close(pull, last=_last(pull), now=now, how="CLOSED")
        return
    elif scenario in ("red_pass", "noisy_labels"):
        pull.body, pull.files, pull.red = RED_OK, red_files, True
        if scenario == "noisy_labels":
            for i in range(120):
                _label(pull, "needs-triage", c + timedelta(seconds=i + 1), on=i % 2 == 0)
            t1 = c + timedelta(seconds=200)
        _label(pull, "gatekeeper:red", t1)
        b.reviews_for(t1, pull, many=scenario == "noisy_labels")
    elif scenario in ("red_saved", "red_blocked_open", "red_blocked_bypassed",
                      "red_blocked_closed"):
        pull.files, pull.red, pull.blocked = red_files, True, True
        _label(pull, "gatekeeper:red", t1)
        _label(pull, "gatekeeper:blocked", t1)
        b.reviews_for(t1, pull)
        if scenario == "red_blocked_open":
            pull.body = RED_NO_ESCALATION
            pull.state = "OPEN"
            pull.updated_at = min(_last(pull) + b.delay(1, 60), now)
            return
        fixed = t1 + b.delay(600, 30000)
        if scenario == "red_blocked_bypassed":
            pull.body = RED_NO_ESCALATION
            b.close(pull, last=_last(pull), now=now, how="MERGED")
            return
        _label(pull, "gatekeeper:blocked", fixed, on=False)
        pull.body = RED_OK
        pull.edits = [(c, RED_NO_ESCALATION), (fixed - timedelta(seconds=30), RED_OK)]
        if scenario == "red_blocked_closed":
            b.close(pull, last=_last(pull), now=now, how="CLOSED")
            return
        b.close(pull, last=_last(pull), now=now, how="MERGED")
        if pull.state == "MERGED":
            pull.saved, pull.save_codes = True, ("GK202",)
        return
    elif scenario == "draft_block_only":
        ready = c + b.delay(3600, 7200)
        _label(pull, "gatekeeper:blocked", c + b.delay(10, 600))
        _label(pull, "gatekeeper:blocked", ready - timedelta(minutes=5), on=False)
        pull.events.append(("ReadyForReviewEvent", ready, None))
    elif scenario == "draft_red_at_ready":
        pull.files, pull.body, pull.red = red_files, RED_OK, True
        ready = c + b.delay(3600, 7200)
        _label(pull, "gatekeeper:red", c + b.delay(10, 600))
        pull.events.append(("ReadyForReviewEvent", ready, None))
        b.reviews_for(ready, pull)
    elif scenario == "draft_red_removed":
        ready = c + b.delay(3600, 7200)
        _label(pull, "gatekeeper:red", c + b.delay(10, 600))
        _label(pull, "gatekeeper:red", ready - timedelta(minutes=1), on=False)
        pull.events.append(("ReadyForReviewEvent", ready, None))
    elif scenario == "converted_later":
        pull.files, pull.body, pull.red = red_files, RED_OK, True
        _label(pull, "gatekeeper:red", t1)
        pull.events.append(("ConvertToDraftEvent", t1 + timedelta(hours=1), None))
        pull.events.append(("ReadyForReviewEvent", t1 + timedelta(hours=2), None))
        b.reviews_for(t1, pull)
    pull.events.sort(key=lambda e: e[1])
    b.close(pull, last=_last(pull), now=now)


# --- expected metrics, computed from the truth --------------------------------------------


def _iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _half_up(value: Fraction, places: int) -> float:
    scaled = value * 10**places
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return float(Fraction(rounded, 10**places))


def expected(dataset: Dataset) -> dict[str, Any]:
    """Per week (and in total): the metrics as the scenarios define them."""
    counted = [p for p in dataset.pulls if p.counted]
    weeks: dict[str, list[Pull]] = {}
    for pull in counted:
        weeks.setdefault(_iso_week(pull.created_at), []).append(pull)

    def row(pulls: Sequence[Pull]) -> dict[str, Any]:
        red = [p for p in pulls if p.red]
        times = sorted(p.review_seconds for p in red if p.review_seconds is not None)
        median: float | None = None
        if times:
            mid = len(times) // 2
            value = Fraction(times[mid - 1] + times[mid], 2) if len(times) % 2 == 0 \
                else Fraction(times[mid])
            median = _half_up(value / 3600, 2)
        # The 90th percentile, nearest rank: the smallest time with 90 % at or below it.
        p90 = next((_half_up(Fraction(t, 3600), 2) for i, t in enumerate(times, start=1)
                    if Fraction(i, len(times)) >= Fraction(9, 10)), None)
        blocked = sum(p.blocked for p in pulls)
        return {
            "prs_total": len(pulls),
            "prs_blocked_incomplete_contract": blocked,
            "incomplete_contract_block_rate":
                _half_up(Fraction(blocked, len(pulls)), 4) if pulls else None,
            "red_escalation_count": len(red),
            "red_reviewed": sum(p.red_status == "reviewed" for p in red),
            "red_pending_review": sum(p.red_status == "pending" for p in red),
            "red_closed_unreviewed": sum(p.red_status == "closed_unreviewed" for p in red),
            "median_red_review_time_hours": median,
            "p90_red_review_time_hours": p90,
            "replayed": sum(p.replayed for p in pulls),
            "bot_prs": sum(p.author_bot for p in pulls),
        }

    saved = sorted((p for p in counted if p.saved), key=lambda p: (p.merged_at, p.number))
    return {
        "weeks": {week: row(pulls) for week, pulls in sorted(weeks.items())},
        "totals": row(counted),
        "drafts_excluded": sum(p.is_draft for p in dataset.pulls if p.base == "main"),
        "save_log": [(p.number, p.save_codes) for p in saved],
    }


# --- serving it: GraphQL over the double ------------------------------------------------

def _connection(items: Sequence[Any], build: Callable[[Any], Any], *,
                first: int | None = None, after: str | None = None,
                last: int | None = None, **_: Any) -> dict[str, Any]:
    if last is not None and first is None and after is None and 0 <= last <= 100:
        items, first = items[max(len(items) - last, 0):], last  # the last ones, one page
    if first is None or not 0 <= first <= 100:
        raise graphql.GraphQLError("`first` or `last` must be given, at most 100")
    start = int(base64.b64decode(after).decode().removeprefix("cursor:")) + 1 if after else 0
    chunk = items[start:start + first]
    end = start + len(chunk) - 1
    return {
        "totalCount": len(items),
        "nodes": [build(item) for item in chunk],
        "pageInfo": {
            "hasNextPage": start + len(chunk) < len(items),
            "endCursor": base64.b64encode(f"cursor:{end}".encode()).decode() if chunk else None,
        },
    }


def _actor(login: str, bot: bool) -> dict[str, Any]:
    return {"__typename": "Bot" if bot else "User", "login": login}


_TYPE_NAMES = {"LabeledEvent": "LABELED_EVENT", "UnlabeledEvent": "UNLABELED_EVENT",
               "ReadyForReviewEvent": "READY_FOR_REVIEW_EVENT",
               "ConvertToDraftEvent": "CONVERT_TO_DRAFT_EVENT"}


class SynthGitHub:
    """The dataset as GitHub's GraphQL API shows it (see ``FakeGitHub.graphql_data``)."""

    def __init__(self, dataset: Dataset, root_url: str = "https://github.example",
                 repo: str = REPO):
        self.dataset = dataset
        self.root_url = root_url
        self.repo = repo
        self.by_id = {self.node_id(p): p for p in dataset.pulls}
        self.queries: list[str] = []

    def node_id(self, pull: Pull) -> str:
        """The pull request's node ID, unique across the repositories of a double."""
        if self.repo == REPO:
            return pull.node_id
        return base64.b64encode(f"PR_{self.repo}_{pull.number}".encode()).decode()

    def provider(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        self.queries.append(query)
        return {"repository": self._repository, "node": self._node, "nodes": self._nodes}

    def _repository(self, info: Any, owner: str, name: str, **_: Any) -> Any:
        if f"{owner}/{name}".casefold() != self.repo.casefold():
            return None
        ds = self.dataset

        def blob(info: Any, expression: str | None = None, **_: Any) -> Any:
            if expression != "HEAD:.github/gatekeeper.yml":
                return None
            return {"__typename": "Blob", "oid": hashlib.sha1(ds.policy_text.encode())
                    .hexdigest(), "text": ds.policy_text, "isBinary": False,
                    "isTruncated": False}

        def pulls(info: Any, baseRefName: str | None = None, orderBy: Any = None,
                  **page: Any) -> Any:
            chosen = [p for p in ds.pulls if baseRefName is None or p.base == baseRefName]
            assert orderBy == {"field": "UPDATED_AT", "direction": "DESC"}, orderBy
            chosen.sort(key=lambda p: (p.updated_at, p.number), reverse=True)
            return _connection(chosen, self._pull, **page)

        return {
            "nameWithOwner": self.repo, "url": f"{self.root_url}/{self.repo}",
            "defaultBranchRef": {"name": "main",
                                 "target": {"__typename": "Commit", "oid": ds.head_oid}},
            "object": blob, "pullRequests": pulls,
        }

    def _node(self, info: Any, id: str) -> Any:
        pull = self.by_id.get(id)
        return None if pull is None else self._pull(pull)

    def _nodes(self, info: Any, ids: list[str]) -> Any:
        return [self._node(info, i) for i in ids]

    def _pull(self, p: Pull) -> dict[str, Any]:
        def timeline(info: Any, itemTypes: list[str] | None = None, **page: Any) -> Any:
            items = [e for e in p.events if not itemTypes or _TYPE_NAMES[e[0]] in itemTypes]
            return _connection(items, lambda e: {
                "__typename": e[0], "createdAt": _t(e[1]),
                **({"label": {"name": e[2]}} if e[2] else {})}, **page)

        def reviews(info: Any, states: list[str] | None = None, **page: Any) -> Any:
            items = [r for r in p.reviews if not states or r.state in states]
            return _connection(items, lambda r: {
                "state": r.state, "submittedAt": _t(r.at), "author": _actor(r.login, r.bot)},
                **page)

        def files(info: Any, **page: Any) -> Any:
            return _connection(p.files, lambda f: {"path": f, "changeType": "MODIFIED"},
                               **page)

        def edits(info: Any, **page: Any) -> Any:
            newest_first = sorted(p.edits, key=lambda e: e[0], reverse=True)
            return _connection(newest_first, lambda e: {
                "editedAt": _t(e[0]), "deletedAt": None, "diff": e[1]}, **page)

        def commits(info: Any, **page: Any) -> Any:
            # One commit by the pull request's author; a bot's git identity links to no User.
            login = p.author + ("[bot]" if p.author_bot else "")
            person = {"__typename": "GitActor", "name": login,
                      "email": f"{login}@users.noreply.github.com",
                      "user": None if p.author_bot else {"__typename": "User",
                                                         "login": p.author}}
            return _connection([p], lambda _: {"__typename": "PullRequestCommit", "commit": {
                "__typename": "Commit", "oid": hashlib.sha1(f"c{p.number}".encode()).hexdigest(),
                "message": "change", "author": person, "committer": person}}, **page)

        return {
            "__typename": "PullRequest", "id": self.node_id(p), "number": p.number,
            "url": f"{self.root_url}/{self.repo}/pull/{p.number}", "title": p.title,
            "body": p.body, "state": p.state, "isDraft": p.is_draft,
            "createdAt": _t(p.created_at), "updatedAt": _t(p.updated_at),
            "mergedAt": _t(p.merged_at) if p.merged_at else None,
            "closedAt": _t(p.closed_at) if p.closed_at else None,
            "baseRefName": p.base, "headRefName": f"change-{p.number}",
            "changedFiles": len(p.files),
            "author": _actor(p.author, p.author_bot),
            "files": files, "timelineItems": timeline, "reviews": reviews, "commits": commits,
            "userContentEdits": edits,
        }


def touch(dataset: Dataset, number: int, at: datetime, **changes: Any) -> None:
    """Change a pull request the way GitHub would: its updatedAt moves to ``at``."""
    for i, pull in enumerate(dataset.pulls):
        if pull.number == number:
            dataset.pulls[i] = replace(pull, updated_at=at, **changes)
            return
    raise KeyError(number)


# --- REST state, for the naive baseline ---------------------------------------------------


def seed_rest(fake: Any, dataset: Dataset) -> None:
    """Load the dataset into the double's REST state (pulls, files, reviews)."""
    fake.add_repo(REPO)
    for p in dataset.pulls:
        sha = hashlib.sha1(f"head{p.number}".encode()).hexdigest()
        fake.add_pull(
            REPO, p.number, title=p.title, body=p.body, author=p.author + ("[bot]"
            if p.author_bot else ""), author_type="Bot" if p.author_bot else "User",
            head_sha=sha, base_sha="2" * 40, base_ref=p.base, files=p.files,
            draft=p.is_draft, state="open" if p.state == "OPEN" else "closed",
            created_at=p.created_at, updated_at=p.updated_at, closed_at=p.closed_at,
            merged_at=p.merged_at,
        )
        for r in p.reviews:
            fake.add_review(REPO, p.number, r.login + ("[bot]" if r.bot else ""), r.state,
                            sha, r.at, user_type="Bot" if r.bot else "User")


# --- running an export against the double ------------------------------------------------

TOKEN = "ghs_gatekeeperTestDoubleToken000000000000"


@dataclass
class RunResult:
    code: int
    text: str
    stderr: str
    graphql_requests: int
    sleeps: list[float]


def run_export(fake: Any, cache: Any, output_format: str = "json", *, page_size: int = 100,
               attempts: int = 6, graphql_url: str | None = None, **options: Any) -> RunResult:
    """``gatekeeper metrics`` in-process against the double (tiny backoff, no sleeping)."""
    import io

    from gatekeeper.commands.history_access import GitHubAccess
    from gatekeeper.commands.metrics import MetricsOptions
    from gatekeeper.commands.metrics import run as run_metrics
    from gatekeeper.history.fetch import RetrySettings

    sleeps: list[float] = []
    access = GitHubAccess(token=TOKEN, api_url=fake.base_url, graphql_url=graphql_url,
                          cache_path=cache, page_size=page_size,
                          retry=RetrySettings(attempts=attempts, backoff=0.001,
                                              secondary_wait=0.002, sleep=sleeps.append))
    before = fake.count("POST", "^/graphql$")
    stdout, stderr = io.StringIO(), io.StringIO()
    values: dict[str, Any] = {"repo": REPO, "since": None, "until": None, "bases": (),
                              "output_format": output_format, "output": None}
    values.update(options)
    code = run_metrics(MetricsOptions(**values), stdout, access=access, stderr=stderr)
    return RunResult(code, stdout.getvalue(), stderr.getvalue(),
                     fake.count("POST", "^/graphql$") - before, sleeps)
