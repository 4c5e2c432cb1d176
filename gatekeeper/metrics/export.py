"""The exports: CSV (a row per week), JSON (schemas/metrics.schema.json) and Markdown
(the table, a Mermaid ``xychart-beta`` chart GitHub renders, and the save log)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gatekeeper.core.reasons import reason_words
from gatekeeper.history.records import format_time
from gatekeeper.metrics.breakdown import WeekRate
from gatekeeper.metrics.compute import WEEK_FIELDS, WeekRow, half_up
from gatekeeper.metrics.savelog import SaveEntry
from gatekeeper.metrics.weekly import Metrics
from gatekeeper.reporters.markdown import code, escape

FORMAT = "gatekeeper-metrics/1"


@dataclass(frozen=True)
class Report:
    repository: str
    repository_url: str
    bases: tuple[str, ...]
    as_of: str | None
    policy_source: str
    policy_sha: str | None
    rollout_source: str | None  # "option", "labels" or None (no rollout known)
    metrics: Metrics
    save_log: tuple[SaveEntry, ...]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime | None) -> str | None:
    return format_time(value) if value else None


def row_json(row: WeekRow) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in WEEK_FIELDS:
        value = getattr(row, name)
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, date):
            value = value.isoformat()
        data[name] = value
    return data


def to_json(report: Report) -> dict[str, Any]:
    m = report.metrics
    return {
        "format": FORMAT,
        "repository": report.repository,
        "base_branches": list(report.bases),
        "since": _day(m.since),
        "until": _day(m.until),
        "as_of": report.as_of,
        "rollout": _time(m.rollout),
        "rollout_source": report.rollout_source,
        "policy": {"source": report.policy_source, "sha": report.policy_sha},
        "drafts_excluded": m.drafts_excluded,
        "weeks": [row_json(row) for row in m.weeks],
        "totals": row_json(m.totals),
        "headline": headline_json(m),
        "by_origin": {name: [{"origin": row.week, "totals": {**row_json(row), "week": "total"}}
                             for row in rows] for name, rows in m.splits.items()},
        "save_log": [
            {
                "number": e.number, "url": e.url, "title": e.title,
                "merged_at": format_time(e.merged_at),
                "triggered_at": format_time(e.triggered_at),
                "blocked_at": format_time(e.blocked_at), "fixed_at": format_time(e.fixed_at),
                "trigger": e.trigger,
                "block_reasons": list(e.block_reasons) if e.block_reasons is not None else None,
                "block_reason_summaries": [reason_words(c) for c in e.block_reasons]
                if e.block_reasons is not None else None,
                "escalation_reviewer": e.escalation_reviewer,
                "reviewer": e.reviewer, "review_state": e.review_state,
                "outcome": e.outcome,
            }
            for e in report.save_log
        ],
    }


def _rate(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def headline_json(m: Metrics) -> dict[str, Any]:
    h = m.headline

    def week(found: WeekRate | None) -> dict[str, Any] | None:
        return None if found is None else {
            "week": found.week, "prs": found.total,
            "prs_blocked_incomplete_contract": found.blocked,
            "incomplete_contract_block_rate": _rate(found.rate)}

    change = h.change_points
    return {
        "incomplete_contract_block_rate": _rate(h.period.rate), "prs": h.period.total,
        "prs_blocked_incomplete_contract": h.period.blocked,
        "includes_replayed": h.includes_replayed, "replayed_left_out": h.replayed_left_out,
        "last_week": week(h.last_week), "previous_week": week(h.previous_week),
        "week_over_week_points": float(change) if change is not None else None,
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WEEK_FIELDS)
    for row in report.metrics.weeks:
        writer.writerow([_cell(getattr(row, name)) for name in WEEK_FIELDS])
    return out.getvalue()


# --- Markdown -------------------------------------------------------------------------


def rate_percent(row: WeekRow) -> Decimal | None:
    """The block rate in percent to one decimal, from the counts (not the rounded rate)."""
    if not row.prs_total:
        return None
    return half_up(Decimal(row.prs_blocked_incomplete_contract * 100) / row.prs_total, "0.1")


def percent(row: WeekRow) -> str:
    value = rate_percent(row)
    return "-" if value is None else f"{value} %"


def _hours(value: Decimal | None) -> str:
    return "-" if value is None else str(value)


TABLE_HEADER = ("| Week | PRs | Blocked (incomplete contract) | Block rate | RED | "
                "Median RED review (h) | p90 RED review (h) | RED pending review | "
                "RED closed unreviewed | Replayed | Bot PRs |")
REPLAYED_MARK = "†"


def table_row(row: WeekRow, *, label: str | None = None) -> str:
    name = label or row.week
    if row.replayed:
        name += f" {REPLAYED_MARK}"
    cells = [
        name, str(row.prs_total), str(row.prs_blocked_incomplete_contract),
        percent(row), str(row.red_escalation_count),
        _hours(row.median_red_review_time_hours), _hours(row.p90_red_review_time_hours),
        str(row.red_pending_review), str(row.red_closed_unreviewed), str(row.replayed),
        str(row.bot_prs),
    ]
    return "| " + " | ".join(cells) + " |"


def table(weeks: Sequence[WeekRow], totals: WeekRow) -> list[str]:
    lines = [TABLE_HEADER, "|" + " --- |" * 11]
    lines += [table_row(row) for row in weeks]
    lines.append(table_row(totals, label="**Total**"))
    if totals.replayed:
        lines += ["", f"{REPLAYED_MARK} includes replayed decisions: pull requests from "
                      "before the rollout, decided again from their current body and files "
                      "(a lower bound of what was blocked)."]
    return lines


def origin_table(name: str, rows: Sequence[WeekRow]) -> list[str]:
    lines = [f"### By change origin ({name})", "",
             "| Origin | PRs | Blocked (incomplete contract) | Block rate | RED | "
             "Median RED review (h) | p90 RED review (h) | Replayed |",
             "|" + " --- |" * 8]
    for row in rows:
        lines.append(f"| {row.week} | {row.prs_total} | {row.prs_blocked_incomplete_contract}"
                     f" | {percent(row)} | {row.red_escalation_count} | "
                     f"{_hours(row.median_red_review_time_hours)} | "
                     f"{_hours(row.p90_red_review_time_hours)} | {row.replayed} |")
    return lines


def _percent_of(rate: WeekRate) -> str:
    return "-" if rate.percent is None else f"{rate.percent} %"


def headline_lines(m: Metrics) -> list[str]:
    h = m.headline
    shown = _percent_of(h.period)
    source = ("every decision, replayed ones included" if h.includes_replayed else
              "decisions the action made" + (f"; {h.replayed_left_out} replayed left out, "
                                             "`--include-replayed` counts them"
                                             if h.replayed_left_out else ""))
    line = (f"**Incomplete-contract block rate: {shown}** ({h.period.blocked} of "
            f"{h.period.total} pull requests; {source})")
    if h.last_week is not None:
        line += f" · last week {h.last_week.week}: {_percent_of(h.last_week)}"
        change = h.change_points
        if change is not None and h.previous_week is not None:
            line += (f", {'+' if change > 0 else ''}{change} points on "
                     f"{h.previous_week.week}")
    return [line]


def chart(weeks: Sequence[WeekRow]) -> list[str]:
    """A Mermaid xychart-beta GitHub renders: the weekly block rate in percent (an empty
    week shows as 0)."""
    if not weeks:
        return ["No week to chart."]
    values = [rate_percent(row) or Decimal("0.0") for row in weeks]
    top = max(values, default=Decimal(0))
    ceiling = min(100, max(10, int((top + 9) // 10) * 10))
    labels = ", ".join(f'"{row.week}"' for row in weeks)
    return [
        "```mermaid",
        "xychart-beta",
        '    title "Incomplete-contract block rate per ISO week (%)"',
        f"    x-axis [{labels}]",
        f'    y-axis "Block rate (%)" 0 --> {ceiling}',
        f"    bar [{', '.join(str(v) for v in values)}]",
        "```",
    ]


def save_log_lines(entries: Sequence[SaveEntry]) -> list[str]:
    if not entries:
        return ["No RED pull request was blocked and then fixed before merging in this "
                "period."]
    lines = ["| Merged | Pull request | Trigger | Block reason | Escalation reviewer | "
             "Outcome |", "| --- | --- | --- | --- | --- | --- |"]
    for e in entries:
        if e.block_reasons is None:
            reasons = "not recorded (no edit history of the body)"
        elif not e.block_reasons:
            reasons = "not reproducible from the body (fixed by review or files)"
        else:
            reasons = ", ".join(reason_words(c) for c in e.block_reasons)  # our own words
        link = f"[#{e.number}]({e.url})" if e.url else f"#{e.number}"
        reviewer = code(e.escalation_reviewer) if e.escalation_reviewer else "-"
        lines.append(f"| {e.merged_at:%Y-%m-%d} | {link} {escape(e.title)} | "
                     f"{escape(e.trigger)} | {reasons} | {reviewer} | {escape(e.outcome)} |")
    return lines


def render_markdown(report: Report) -> str:
    m = report.metrics
    t = m.totals
    bases = ", ".join(code(b) for b in report.bases)
    if m.weeks:
        period = f"ISO weeks {m.weeks[0].week} to {m.weeks[-1].week}"
    else:
        period = "no pull requests in the period"
    rollout = {
        "option": f"rollout given as {_time(m.rollout)}",
        "labels": f"rollout (first Gatekeeper label) {_time(m.rollout)}",
    }.get(report.rollout_source or "", "no Gatekeeper label seen: every decision replayed")
    lines = [
        f"# Gatekeeper metrics: {escape(report.repository)}",
        "",
        f"Pull requests into {bases}, {period}, as of {report.as_of or 'no data'}. "
        f"Policy {code(report.policy_source)}"
        + (f" at {code(report.policy_sha[:12])}" if report.policy_sha else "")
        + f"; {rollout}.",
        "",
        *headline_lines(m),
        "",
        f"RED escalations: {t.red_escalation_count}, median review "
        f"{_hours(t.median_red_review_time_hours)}"
        f"{' h' if t.median_red_review_time_hours is not None else ''}, 90th percentile "
        f"{_hours(t.p90_red_review_time_hours)}"
        f"{' h' if t.p90_red_review_time_hours is not None else ''}, "
        f"{t.red_pending_review} pending "
        f"review, {t.red_closed_unreviewed} closed unreviewed · "
        f"{t.replayed} replayed · {m.drafts_excluded} drafts left out",
        "",
        *table(m.weeks, t),
        "",
        *[line for name, rows in m.splits.items() for line in [*origin_table(name, rows), ""]],
        *chart(m.weeks),
        "",
        "## Save log",
        "",
        "RED pull requests that Gatekeeper blocked and that were fixed before merging:",
        "",
        *save_log_lines(report.save_log),
        "",
        "Definitions: docs/metrics.md in the Gatekeeper repository.",
    ]
    return "\n".join(lines) + "\n"

