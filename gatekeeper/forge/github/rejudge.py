"""Re-judging on GitHub: the open pull requests into a branch, the Gatekeeper workflow's runs
on a commit, and re-running one (the simple set-up's way to renew a job's check run)."""

from __future__ import annotations

from typing import Any

from gatekeeper.forge import ForgeUnavailable, GateRun, PullSummary
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path, segment
from gatekeeper.forge.github.pulls import _summary


class RejudgeMixin(GitHubClientBase):
    def open_pulls_into(self, repo: str, base: str, *, limit: int
                        ) -> tuple[PullSummary, ...]:
        items = self.paged(f"listing the open pull requests into {base}",
                           f"{repo_path(repo)}/pulls",
                           parameters={"state": "open", "base": base, "sort": "updated",
                                       "direction": "desc"},
                           limit=limit + 1)
        return tuple(_summary(item) for item in items)[:limit + 1]

    def gate_runs(self, repo: str, workflow: str, head_sha: str) -> tuple[GateRun, ...]:
        what = f"listing the runs of {workflow} on {head_sha[:12]}"
        _, data = self.request(
            what, "GET", f"{repo_path(repo)}/actions/workflows/{segment(workflow)}/runs",
            parameters={"head_sha": head_sha, "per_page": 100})
        runs = data.get("workflow_runs") if isinstance(data, dict) else None
        if not isinstance(runs, list):
            raise ForgeUnavailable(what, 200, "no workflow_runs list")
        found = [_run(item, what) for item in runs]
        # Newest first: GitHub lists them so, and the ids only grow.
        return tuple(sorted(found, key=lambda run: run.id, reverse=True))

    def rerun(self, repo: str, run_id: int) -> None:
        self.request(f"re-running workflow run {run_id}", "POST",
                     f"{repo_path(repo)}/actions/runs/{run_id:d}/rerun")


def _run(item: Any, what: str) -> GateRun:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int) \
            or not isinstance(item.get("head_sha"), str):
        raise ForgeUnavailable(what, 200, "a run without an id or head SHA")
    return GateRun(id=item["id"], event=str(item.get("event") or ""),
                   status=str(item.get("status") or ""), head_sha=item["head_sha"],
                   created_at=str(item.get("created_at") or ""))
