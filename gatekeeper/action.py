"""`gatekeeper action`: the required check, as run by the composite action.

Reads the event, evaluates the pull request as GitHub shows it now, reports through
annotations, the job summary and step outputs, then keeps the sticky comment, the labels
and (hardened mode) the commit status in step. Anything that goes wrong blocks.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import TextIO

from gatekeeper import __version__
from gatekeeper.adapters import actions_env, git
from gatekeeper.adapters.github import GitHubClient, GitHubUnavailable, PullRequestInfo
from gatekeeper.adapters.runner import RunnerContext, Target, read_context, target_of
from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin, RiskClass
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.live import LocalDiff, evaluate_live
from gatekeeper.reporters import ReportContext
from gatekeeper.reporters.github import annotation, report_github
from gatekeeper.reporters.markdown import comment
from gatekeeper.writes import write_json_atomically

LABEL_RED = "gatekeeper:red"
LABEL_BLOCKED = "gatekeeper:blocked"


def run_action(environ: Mapping[str, str], out: TextIO, *, now: str) -> int:
    """Exit code: 0 pass, 1 blocked, 2 when not run on a supported event."""
    context = read_context(environ)
    target = target_of(context)
    client = GitHubClient(context.token, context.api_url)
    try:
        result = evaluate_live(
            client, target.repo, target.number,
            policy_path=context.inputs.policy_path, evaluated_at=now,
            local_diff=_local_diff(context),
        )
        decision, pull = result.decision, result.pull_request
    except Exception as exc:  # a bug must block, never pass
        out.write(annotation("error", Code.GK999, f"internal error: {exc!r}"))
        traceback.print_exc()
        decision = could_not_evaluate(
            Code.GK999, f"Gatekeeper failed while evaluating: {type(exc).__name__}: {exc}",
            "re-run the check; if it fails again, report this Gatekeeper bug",
            policy=PolicyOrigin(source=context.inputs.policy_path), evaluated_at=now,
            version=__version__, identity=f"{target.repo}#{target.number}",
        )
        pull = None

    decision_file = context.temp_dir / f"decision-{decision.id}.json"
    write_json_atomically(decision_file, decision.to_record())
    report_github(decision, ReportContext(out=out, environ=environ))
    actions_env.set_outputs(environ, {"decision-file": str(decision_file)})

    ok = _post_status(client, context, target, decision, out)
    if pull is not None and not target.is_merge_group:
        _update_pull_request(client, context, pull, decision, out)
    return 1 if decision.blocked or not ok else 0


def _local_diff(context: RunnerContext) -> LocalDiff:
    workspace = context.workspace

    def diff(base: str, head: str) -> list[ChangedPath]:
        if workspace is None:
            raise GatekeeperError("no workspace to diff in")
        return git.changed_paths(f"{base}...{head}", cwd=workspace)

    return diff


def _post_status(client: GitHubClient, context: RunnerContext, target: Target,
                 decision: Decision, out: TextIO) -> bool:
    status_context = context.inputs.status_context
    if not status_context:
        return True
    if decision.blocked:
        first = decision.reasons[0] if decision.reasons else None
        description = f"blocked: {first.code} {first.message}" if first else "blocked"
    else:
        description = f"passed: class {decision.computed_class}"
    try:
        client.post_status(target.repo, target.status_sha,
                           state="failure" if decision.blocked else "success",
                           context=status_context, description=description,
                           target_url=context.run_url)
    except GitHubUnavailable as exc:
        out.write(annotation("error", Code.GK906, f"could not post the commit status: {exc}"))
        return False
    return True


def _update_pull_request(client: GitHubClient, context: RunnerContext, pull: PullRequestInfo,
                         decision: Decision, out: TextIO) -> None:
    # Comments and labels help authors; a read-only token (a fork's) must not fail the check.
    if context.inputs.comment:
        try:
            author = context.inputs.comment_author
            if decision.blocked or client.has_sticky_comment(pull, author):
                client.upsert_sticky_comment(
                    pull, comment(decision, run_url=context.run_url), author)
        except GitHubUnavailable as exc:
            out.write(annotation("warning", "Gatekeeper comment", f"not updated: {exc}"))
    if context.inputs.labels and decision.kind != "could_not_evaluate":
        # Labels are the recorded history metrics read; a GK9xx block knows neither the
        # class nor the contract, so it leaves them as the last real evaluation set them.
        wanted = set()
        if decision.computed_class is RiskClass.RED:
            wanted.add(LABEL_RED)
        if decision.blocked:
            wanted.add(LABEL_BLOCKED)
        try:
            client.sync_labels(pull, wanted, {LABEL_RED, LABEL_BLOCKED})
        except GitHubUnavailable as exc:
            out.write(annotation("warning", "Gatekeeper labels", f"not updated: {exc}"))

