"""The double's GitHub Actions: a workflow's runs on a commit, and re-running one.

Runs are seeded (``add_workflow_run``); a re-run (``POST .../actions/runs/{id}/rerun``)
answers as GitHub does, 201 with an empty object, starts the run's next attempt (status
``queued``) and is recorded in ``reruns``. Re-running a run that has not completed is
refused with 403, as GitHub refuses it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.support import github_contract
from tests.support.github_double.state import _DOCS, Json, _Fail, _github_error, _Response, _User

_MINIMAL_DROPPED = ("git_url", "ssh_url", "clone_url", "svn_url", "mirror_url", "homepage",
                    "language", "size", "default_branch")


@dataclass
class _Run:
    id: int
    workflow_id: int
    path: str
    head_sha: str
    head_branch: str
    event: str
    status: str
    conclusion: str | None
    created_at: str
    pull_numbers: tuple[int, ...] = ()
    attempt: int = 1
    reruns: list[str] = field(default_factory=list)


class ActionsDouble:
    def add_workflow_run(self, repo: str, *, head_sha: str, event: str = "pull_request",
                         path: str = ".github/workflows/gatekeeper.yml",
                         status: str = "completed", conclusion: str | None = "success",
                         head_branch: str = "feature", pulls: tuple[int, ...] = ()) -> int:
        """A run of the workflow at ``path`` (made if missing) on ``head_sha``; its id."""
        with self._lock:  # type: ignore[attr-defined]
            r = self._repo(repo)  # type: ignore[attr-defined]
            workflow = next((w for w in r.workflows if w["path"] == path), None)
            if workflow is None:
                workflow = {"id": next(self._ids), "name": path.rsplit("/", 1)[1],  # type: ignore[attr-defined]
                            "path": path, "state": "active", "created_at": self._now()}  # type: ignore[attr-defined]
                r.workflows.append(workflow)
            run = _Run(id=next(self._ids), workflow_id=workflow["id"], path=path,  # type: ignore[attr-defined]
                       head_sha=head_sha, head_branch=head_branch, event=event,
                       status=status, conclusion=conclusion if status == "completed" else None,
                       created_at=self._now(), pull_numbers=pulls)  # type: ignore[attr-defined]
            r.runs.append(run)
            return run.id

    def repo_event_payload(self, event: str, action: str, repo: str,
                           **extra: Any) -> dict[str, Any]:
        """GitHub's real example of an event about a repository rather than a pull request
        (``push`` with ``action=""``, ``issues``), its ``repository`` the double's;
        ``extra`` keys are set last."""
        payload = github_contract.load_webhook(event, action)
        with self._lock:  # type: ignore[attr-defined]
            payload["repository"] = self._repo_json(self._repo(repo), full=False)  # type: ignore[attr-defined]
        payload.update(extra)
        return payload

    def reruns(self, repo: str) -> list[int]:
        """The ids of the runs re-run, in order."""
        with self._lock:  # type: ignore[attr-defined]
            return [run.id for run in self._repo(repo).runs  # type: ignore[attr-defined]
                    for _ in run.reruns]

    def _run_json(self, repo: Any, run: _Run) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{repo.full_name}"  # type: ignore[attr-defined]
        html = f"{self.root_url}/{repo.full_name}"  # type: ignore[attr-defined]
        minimal = {k: v for k, v in self._repo_json(repo, full=False).items()  # type: ignore[attr-defined]
                   if k not in _MINIMAL_DROPPED}
        run_api = f"{api}/actions/runs/{run.id}"
        return {
            "id": run.id, "name": run.path.rsplit("/", 1)[1], "node_id": f"WFR_{run.id}",
            "check_suite_id": run.id + 1, "check_suite_node_id": f"CS_{run.id + 1}",
            "head_branch": run.head_branch, "head_sha": run.head_sha, "path": run.path,
            "display_title": "Gatekeeper", "run_number": run.id % 1000, "event": run.event,
            "status": run.status, "conclusion": run.conclusion,
            "workflow_id": run.workflow_id, "run_attempt": run.attempt,
            "url": run_api, "html_url": f"{html}/actions/runs/{run.id}",
            "pull_requests": [], "created_at": run.created_at, "updated_at": run.created_at,
            "run_started_at": run.created_at,
            "jobs_url": f"{run_api}/jobs", "logs_url": f"{run_api}/logs",
            "check_suite_url": f"{api}/check-suites/{run.id + 1}",
            "artifacts_url": f"{run_api}/artifacts", "cancel_url": f"{run_api}/cancel",
            "rerun_url": f"{run_api}/rerun", "previous_attempt_url": None,
            "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
            "head_commit": None, "repository": minimal, "head_repository": minimal,
        }

    def _list_workflow_runs(self, me: _User, params: Mapping[str, str],
                            query: Mapping[str, str], body: Json, *, rel: str,
                            **_: Any) -> _Response:
        repo = self._repo_of(params)  # type: ignore[attr-defined]
        wanted = unquote(params["workflow_id"])
        workflow = next((w for w in repo.workflows
                         if str(w["id"]) == wanted or w["path"].rsplit("/", 1)[1] == wanted),
                        None)
        if workflow is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/actions/workflow-runs"))
        runs = [run for run in repo.runs if run.workflow_id == workflow["id"]
                and query.get("head_sha", run.head_sha) == run.head_sha
                and query.get("event", run.event) == run.event]
        runs.sort(key=lambda run: run.id, reverse=True)
        chunk, headers = self._page(runs, query, rel)  # type: ignore[attr-defined]
        return _Response(200, {"total_count": len(runs),
                               "workflow_runs": [self._run_json(repo, run) for run in chunk]},
                         headers)

    def _rerun_workflow_run(self, me: _User, params: Mapping[str, str],
                            query: Mapping[str, str], body: Json, **_: Any) -> _Response:
        repo = self._repo_of(params)  # type: ignore[attr-defined]
        run = next((r for r in repo.runs if str(r.id) == params["run_id"]), None)
        if run is None:
            raise _Fail(_github_error(404, "Not Found", docs=f"{_DOCS}/actions/workflow-runs"))
        if run.status != "completed":
            raise _Fail(_github_error(403, "This workflow is already running",
                                      docs=f"{_DOCS}/actions/workflow-runs"))
        run.reruns.append(me.login)
        run.attempt += 1
        run.status, run.conclusion = "queued", None
        return _Response(201, {})
