"""An organisation's weekly numbers: per repository and in total, in one run or from shards.

A shard (``metrics --org ORG --shard K/N``) holds, for each of its repositories, every pull
request's raw facts (not its weekly rows): medians and percentiles of the whole
organisation cannot be computed from per-shard medians, so ``metrics merge`` recomputes
everything from the facts with the same functions one run uses, and the export is exactly
the single run's. Which shard a repository belongs to depends on its name alone (a hash),
so a repository created between two shard jobs never moves another one.

Pure: no I/O.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from gatekeeper.errors import GatekeeperError
from gatekeeper.history.records import format_time
from gatekeeper.metrics import export
from gatekeeper.metrics.compute import WEEK_FIELDS, PullFacts, WeekRow
from gatekeeper.metrics.savelog import SaveEntry
from gatekeeper.metrics.weekly import Metrics, from_facts
from gatekeeper.reporters.markdown import code, escape

FORMAT = "gatekeeper-org-metrics/1"
SHARD_FORMAT = "gatekeeper-org-metrics-shard/1"
TOTAL = "total"


@dataclass(frozen=True)
class Window:
    """What every shard of one export must agree on."""

    organization: str
    since: date | None
    until: date | None
    include_replayed: bool

    def to_json(self) -> dict[str, Any]:
        return {"organization": self.organization,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "include_replayed": self.include_replayed}


@dataclass(frozen=True)
class RepositoryPart:
    """One repository's share: its metadata and its pull requests' raw facts."""

    repository: str
    repository_url: str
    bases: tuple[str, ...]
    as_of: str | None
    policy_source: str
    policy_sha: str | None
    rollout: datetime | None
    rollout_source: str | None
    drafts_excluded: int
    facts: tuple[PullFacts, ...]
    save_log: tuple[SaveEntry, ...]


def shard_of(repository: str, count: int) -> int:
    """The shard (1 to ``count``) a repository belongs to, from its name alone."""
    digest = hashlib.sha256(repository.casefold().encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise GatekeeperError(f"--shard takes K/N with 1 <= K <= N, not {text!r}")
    return int(index), int(count)


def part_of(report: export.Report) -> RepositoryPart:
    m = report.metrics
    return RepositoryPart(
        repository=report.repository, repository_url=report.repository_url,
        bases=report.bases, as_of=report.as_of, policy_source=report.policy_source,
        policy_sha=report.policy_sha, rollout=m.rollout, rollout_source=report.rollout_source,
        drafts_excluded=m.drafts_excluded, facts=m.facts, save_log=report.save_log)


def _metrics(facts: Iterable[PullFacts], drafts: int, rollout: datetime | None,
             window: Window) -> Metrics:
    return from_facts(facts, drafts_excluded=drafts, rollout=rollout, since=window.since,
                      until=window.until, include_replayed=window.include_replayed)


def report_of(part: RepositoryPart, window: Window) -> export.Report:
    return export.Report(
        repository=part.repository, repository_url=part.repository_url, bases=part.bases,
        as_of=part.as_of, policy_source=part.policy_source, policy_sha=part.policy_sha,
        rollout_source=part.rollout_source,
        metrics=_metrics(part.facts, part.drafts_excluded, part.rollout, window),
        save_log=part.save_log)


@dataclass(frozen=True)
class OrgReport:
    window: Window
    repositories: tuple[export.Report, ...]
    total: Metrics
    save_log: tuple[tuple[str, SaveEntry], ...]  # (repository, entry), across repositories


def org_report(window: Window, parts: Iterable[RepositoryPart]) -> OrgReport:
    """The export of one run, whichever way its parts arrived (in name order)."""
    ordered = sorted(parts, key=lambda p: p.repository.casefold())
    names = [p.repository.casefold() for p in ordered]
    if len(set(names)) != len(names):
        raise GatekeeperError("a repository appears twice among the parts")
    reports = tuple(report_of(part, window) for part in ordered)
    total = _metrics([f for p in ordered for f in p.facts],
                     sum(p.drafts_excluded for p in ordered), None, window)
    saved = sorted(((p.repository, e) for p in ordered for e in p.save_log),
                   key=lambda item: (item[1].merged_at, item[0].casefold(), item[1].number))
    return OrgReport(window, reports, total, tuple(saved))


# --- the raw facts as JSON, losslessly ---------------------------------------------------------


def _value_to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()  # exact, microseconds and offset included
    if isinstance(value, tuple):
        return list(value)
    return value


_TIMES = {f.name for f in fields(PullFacts) if "datetime" in str(f.type)}
_SAVE_TIMES = {f.name for f in fields(SaveEntry) if "datetime" in str(f.type)}


def _facts_from_json(data: dict[str, Any]) -> PullFacts:
    values: dict[str, Any] = {
        name: (datetime.fromisoformat(v) if name in _TIMES and v is not None else v)
        for name, v in data.items()}
    values["replay_codes"] = tuple(values.get("replay_codes") or ())
    return PullFacts(**values)


def _entry_from_json(data: dict[str, Any]) -> SaveEntry:
    values: dict[str, Any] = {
        name: (datetime.fromisoformat(v) if name in _SAVE_TIMES and v is not None else v)
        for name, v in data.items()}
    if values.get("block_reasons") is not None:
        values["block_reasons"] = tuple(values["block_reasons"])
    return SaveEntry(**values)


def part_to_json(part: RepositoryPart) -> dict[str, Any]:
    return {
        "repository": part.repository, "repository_url": part.repository_url,
        "bases": list(part.bases), "as_of": part.as_of, "policy_source": part.policy_source,
        "policy_sha": part.policy_sha,
        "rollout": part.rollout.isoformat() if part.rollout else None,
        "rollout_source": part.rollout_source, "drafts_excluded": part.drafts_excluded,
        "facts": [{f.name: _value_to_json(getattr(fact, f.name)) for f in fields(PullFacts)}
                  for fact in part.facts],
        "save_log": [{f.name: _value_to_json(getattr(e, f.name)) for f in fields(SaveEntry)}
                     for e in part.save_log],
    }


def part_from_json(data: dict[str, Any]) -> RepositoryPart:
    return RepositoryPart(
        repository=data["repository"], repository_url=data["repository_url"],
        bases=tuple(data["bases"]), as_of=data["as_of"], policy_source=data["policy_source"],
        policy_sha=data["policy_sha"],
        rollout=datetime.fromisoformat(data["rollout"]) if data["rollout"] else None,
        rollout_source=data["rollout_source"], drafts_excluded=data["drafts_excluded"],
        facts=tuple(_facts_from_json(f) for f in data["facts"]),
        save_log=tuple(_entry_from_json(e) for e in data["save_log"]))


def shard_json(window: Window, shard: tuple[int, int], parts: Sequence[RepositoryPart],
               repositories: Sequence[str]) -> str:
    """A shard's export: its repositories' raw facts, and every repository of the
    organisation listed (so that a merge can tell a missing shard from an empty one)."""
    return json.dumps({
        "format": SHARD_FORMAT, **window.to_json(), "shard": f"{shard[0]}/{shard[1]}",
        "organization_repositories": sorted(repositories, key=str.casefold),
        "repositories": [part_to_json(p) for p in sorted(parts,
                                                         key=lambda p: p.repository.casefold())],
    }, indent=1, ensure_ascii=False) + "\n"


def merge_shards(texts: Sequence[tuple[str, str]]) -> tuple[Window, list[RepositoryPart]]:
    """(name, text) of every shard of one export, in any order: the window they share and
    every repository's part. Refuses a missing, repeated or foreign shard, and a
    repository in the wrong shard: a merge never quietly counts less than one run."""
    seen: dict[int, str] = {}
    window: Window | None = None
    count: int | None = None
    listing: list[str] | None = None
    parts: list[RepositoryPart] = []
    for name, text in texts:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise GatekeeperError(f"not JSON: {exc}", file=name) from None
        if not isinstance(data, dict) or data.get("format") != SHARD_FORMAT:
            raise GatekeeperError(f"not a shard of `gatekeeper metrics --org --shard` "
                                  f"(format {SHARD_FORMAT})", file=name)
        index, total = parse_shard(str(data.get("shard", "")))
        this = Window(data["organization"],
                      date.fromisoformat(data["since"]) if data["since"] else None,
                      date.fromisoformat(data["until"]) if data["until"] else None,
                      bool(data["include_replayed"]))
        if window is None:
            window, count, listing = this, total, list(data["organization_repositories"])
        elif this != window or total != count \
                or list(data["organization_repositories"]) != listing:
            raise GatekeeperError(f"shard {index}/{total} is of another export (organisation, "
                                  f"period, options or repository list differ from "
                                  f"{next(iter(seen.values()))})", file=name)
        if index in seen:
            raise GatekeeperError(f"shard {index}/{total} given twice (also {seen[index]})",
                                  file=name)
        seen[index] = name
        for item in data["repositories"]:
            part = part_from_json(item)
            if shard_of(part.repository, total) != index:
                raise GatekeeperError(f"{part.repository} does not belong to shard "
                                      f"{index}/{total}", file=name)
            parts.append(part)
    if window is None or count is None or listing is None:
        raise GatekeeperError("give the shard files to merge")
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise GatekeeperError(f"shards {', '.join(f'{k}/{count}' for k in missing)} "
                              "missing: the merge would count less than one run")
    present = {p.repository.casefold() for p in parts}
    absent = [r for r in listing if r.casefold() not in present]
    if absent:
        shown = ", ".join(absent[:5]) + (", ..." if len(absent) > 5 else "")
        raise GatekeeperError(f"{len(absent)} repositories of the organisation are in no "
                              f"shard ({shown})")
    return window, parts


# --- the organisation's export -------------------------------------------------------------------


def to_json(report: OrgReport) -> dict[str, Any]:
    total = report.total
    return {
        "format": FORMAT, **report.window.to_json(),
        "repositories": [export.to_json(r) for r in report.repositories],
        "total": {
            "drafts_excluded": total.drafts_excluded,
            "weeks": [export.row_json(row) for row in total.weeks],
            "totals": export.row_json(total.totals),
            "headline": export.headline_json(total),
            "by_origin": {name: [{"origin": row.week,
                                  "totals": {**export.row_json(row), "week": "total"}}
                                 for row in rows] for name, rows in total.splits.items()},
        },
        "save_log": [{"repository": name, "number": e.number, "url": e.url, "title": e.title,
                      "merged_at": format_time(e.merged_at), "outcome": e.outcome}
                     for name, e in report.save_log],
    }


def render_json(report: OrgReport) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def render_csv(report: OrgReport) -> str:
    """One row per repository and week, then the organisation's weeks as ``total``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("repository", *WEEK_FIELDS))

    def rows(name: str, weeks: Sequence[WeekRow]) -> None:
        for row in weeks:
            writer.writerow([name, *(export._cell(getattr(row, f)) for f in WEEK_FIELDS)])

    for repo in report.repositories:
        rows(repo.repository, repo.metrics.weeks)
    rows(TOTAL, report.total.weeks)
    return out.getvalue()


def render_markdown(report: OrgReport) -> str:
    total = report.total
    t = total.totals
    lines = [
        f"# Gatekeeper metrics: the {escape(report.window.organization)} organisation",
        "",
        f"{len(report.repositories)} repositories"
        + (f", ISO weeks {total.weeks[0].week} to {total.weeks[-1].week}" if total.weeks
           else ", no pull requests in the period") + ".",
        "",
        *export.headline_lines(total),
        "",
        f"RED escalations: {t.red_escalation_count}, median review "
        f"{export._hours(t.median_red_review_time_hours)} h, 90th percentile "
        f"{export._hours(t.p90_red_review_time_hours)} h, {t.red_pending_review} pending "
        f"review, {t.red_closed_unreviewed} closed unreviewed",
        "",
        "## By repository",
        "",
        export.TABLE_HEADER.replace("| Week |", "| Repository |"),
        "|" + " --- |" * 11,
        *[export.table_row(r.metrics.totals, label=f"{code(r.repository)}")
          for r in report.repositories],
        export.table_row(t, label="**Total**"),
        "",
        "## The organisation, week by week",
        "",
        *export.table(total.weeks, t),
        "",
        *[line for name, rows in total.splits.items()
          for line in [*export.origin_table(name, rows), ""]],
        *export.chart(total.weeks),
        "",
        "## Save log",
        "",
    ]
    if not report.save_log:
        lines.append("No RED pull request was blocked and then fixed before merging in this "
                     "period.")
    else:
        lines += ["| Merged | Repository | Pull request | Outcome |", "| --- | --- | --- | --- |"]
        for name, e in report.save_log:
            link = f"[#{e.number}]({e.url})" if e.url else f"#{e.number}"
            lines.append(f"| {e.merged_at:%Y-%m-%d} | {code(name)} | {link} "
                         f"{escape(e.title)} | {escape(e.outcome)} |")
    lines += ["", "Definitions: docs/metrics.md in the Gatekeeper repository."]
    return "\n".join(lines) + "\n"

