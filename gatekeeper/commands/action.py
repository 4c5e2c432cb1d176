"""`gatekeeper action`: the required check, as run by the composite action.

Reads the event, evaluates the pull request as GitHub shows it now, reports through
annotations, the job summary and step outputs, then keeps the sticky comment, the labels
and (hardened mode) the commit status in step. Anything that goes wrong blocks.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from gatekeeper import __version__
from gatekeeper.constants import EXIT_BLOCKED, EXIT_PASS, LABEL_STYLES, MANAGED_LABELS
from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.publishing import PublishPlan, publish_plan
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.evaluation import LocalDiff, evaluate_live
from gatekeeper.forge import Forge, ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.runner import RunnerContext, Target, read_context, target_of
from gatekeeper.local import git
from gatekeeper.reporters import ReportContext, runner_files
from gatekeeper.reporters.github import annotation, report_github
from gatekeeper.reporters.markdown import comment
from gatekeeper.writes import write_json_atomically


@dataclass(frozen=True)
class ActionOptions:
    environ: Mapping[str, str]
    now: str


def run(options: ActionOptions, out: TextIO) -> int:
    """Exit code: 0 pass, 1 blocked; a payload it cannot use raises GatekeeperError (2)."""
    from gatekeeper.forge.github import GitHubForge

    context = read_context(options.environ)
    target = target_of(context)
    return judge(GitHubForge(context.token, context.api_url), context, target, out,
                 now=options.now)


def judge(forge: Forge, context: RunnerContext, target: Target, out: TextIO, *,
          now: str) -> int:
    try:
        result = evaluate_live(
            forge, target.repo, target.number,
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
    report_github(decision, ReportContext(out=out, environ=context.environ))
    runner_files.set_outputs(context.environ, {"decision-file": str(decision_file)})

    plan = publish_plan(decision)
    ok = _post_status(forge, context, target, plan, out)
    if pull is not None and not target.is_merge_group:
        _update_pull_request(forge, context, pull, decision, plan, out)
    return EXIT_BLOCKED if decision.blocked or not ok else EXIT_PASS


def _local_diff(context: RunnerContext) -> LocalDiff:
    workspace = context.workspace

    def diff(base: str, head: str) -> list[ChangedPath]:
        if workspace is None:
            raise GatekeeperError("no workspace to diff in")
        return git.changed_paths(f"{base}...{head}", cwd=workspace)

    return diff


def _post_status(forge: Forge, context: RunnerContext, target: Target, plan: PublishPlan,
                 out: TextIO) -> bool:
    status_context = context.inputs.status_context
    if not status_context:
        return True
    try:
        forge.post_status(target.repo, target.status_sha, state=plan.status_state,
                          context=status_context, description=plan.status_description,
                          target_url=context.run_url)
    except ForgeUnavailable as exc:
        out.write(annotation("error", Code.GK906, f"could not post the commit status: {exc}"))
        return False
    return True


def _update_pull_request(forge: Forge, context: RunnerContext, pull: PullRequestInfo,
                         decision: Decision, plan: PublishPlan, out: TextIO) -> None:
    # Comments and labels help authors; a read-only token (a fork's) must not fail the check.
    if context.inputs.comment:
        author = context.inputs.comment_author
        try:
            if plan.comment == "write" or forge.has_sticky_comment(pull, author):
                forge.upsert_sticky_comment(
                    pull, comment(decision, run_url=context.run_url), author)
        except ForgeUnavailable as exc:
            out.write(annotation("warning", "Gatekeeper comment", f"not updated: {exc}"))
    if context.inputs.labels and plan.labels is not None:
        try:
            for name in sorted(plan.labels):
                color, description = LABEL_STYLES[name]
                forge.ensure_label(pull.repo, name, color=color, description=description)
            forge.sync_labels(pull, set(plan.labels), set(MANAGED_LABELS))
        except ForgeUnavailable as exc:
            out.write(annotation("warning", "Gatekeeper labels", f"not updated: {exc}"))
