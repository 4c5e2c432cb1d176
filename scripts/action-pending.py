"""Post `pending` on the commit a hardened run is about to judge, before anything else.

The action's first step, with the runner's Python and the standard library only: it runs
before the locked install, so a run cancelled, crashed or timed out while installing
leaves `pending` on the head, never an older `success`. `pending` never lets a merge
through, so the commit and base branch are taken from the event payload here; the
evaluation reads the pull request from the API and posts the verdict on what it judged.

Nothing to do without a status context (the simple set-up), nor for a pull request from a
fork: its head may be an insider's commit, whose status only the evaluation may touch. A
failure to post is a warning: the evaluation step posts `pending` again, and blocks if it
cannot post at all.
"""

from __future__ import annotations

import os
import sys

# Only os and sys (both built in) load before it is known that there is a status to post:
# every other module here is compiled from source on each run (bytecode is read only from
# this job's own prefix), which costs a third of a second for urllib.request alone.


def targets(event_name: str, event: dict[str, object]) -> list[tuple[str, str]]:
    """(head SHA, base branch) of what this run will judge."""
    import re

    sha_shape = re.compile(r"^[0-9a-f]{40}$")

    def field(obj: object, *keys: str) -> str:
        for key in keys:
            obj = obj.get(key) if isinstance(obj, dict) else None
        return obj if isinstance(obj, str) else ""

    if event_name in ("pull_request", "pull_request_target", "pull_request_review"):
        head_repo = field(event, "pull_request", "head", "repo", "full_name").casefold()
        base_repo = field(event, "pull_request", "base", "repo", "full_name").casefold()
        if not head_repo or head_repo != base_repo:
            # A fork's pull request may sit on a commit an insider's pull request holds;
            # only the evaluation, which knows who may write, decides whether this run
            # posts on it at all (GK909). Nothing is posted early.
            return []
        found = [(field(event, "pull_request", "head", "sha"),
                  field(event, "pull_request", "base", "ref"))]
    elif event_name == "merge_group":
        found = [(field(event, "merge_group", "head_sha"),
                  field(event, "merge_group", "base_ref").removeprefix("refs/heads/"))]
    elif event_name == "workflow_run":
        run = event.get("workflow_run")
        pulls = run.get("pull_requests") if isinstance(run, dict) else None
        found = [(field(p, "head", "sha"), field(p, "base", "ref"))
                 for p in (pulls if isinstance(pulls, list) else [])]
    else:
        found = []
    return [(sha, branch) for sha, branch in found if sha_shape.match(sha) and branch]


def main(environ: dict[str, str]) -> int:
    context = environ.get("GATEKEEPER_STATUS_CONTEXT", "").strip()
    hardened = environ.get("GATEKEEPER_HARDENED", "").strip().lower() == "true"
    if not context and not hardened:
        return 0  # the simple set-up: the job itself is the check
    import json
    import urllib.error
    import urllib.request
    from pathlib import Path
    from urllib.parse import quote

    if not context:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from gatekeeper.constants import HARDENED_STATUS_CONTEXT_FORMAT

        context = HARDENED_STATUS_CONTEXT_FORMAT
    try:
        event = json.loads(Path(environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
    except (KeyError, OSError, ValueError) as exc:
        print(f"::warning title=Gatekeeper::pending not posted: no event payload ({exc})")
        return 0
    owner, _, name = environ.get("GITHUB_REPOSITORY", "").partition("/")
    api = environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    run_id = environ.get("GITHUB_RUN_ID", "")
    for sha, branch in targets(environ.get("GITHUB_EVENT_NAME", ""), event):
        body = {"state": "pending", "context": context.replace("{branch}", branch),
                "description": "Gatekeeper is evaluating this commit"}
        if run_id:
            body["target_url"] = f"{server}/{owner}/{name}/actions/runs/{run_id}"
        request = urllib.request.Request(
            f"{api}/repos/{quote(owner, safe='')}/{quote(name, safe='')}/statuses/{sha}",
            data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {environ.get('GITHUB_TOKEN', '')}",
                     "Accept": "application/vnd.github+json",
                     "Content-Type": "application/json", "User-Agent": "gatekeeper"})
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, OSError) as exc:
            print(f"::warning title=Gatekeeper::pending not posted on {sha[:12]}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
