"""`gatekeeper action`: the required check, as run by the composite action.

Reads the event, evaluates the pull request as GitHub shows it now (its head read from the
API, the policy at the base branch's tip, every other open pull request on the same head;
a merge group as a whole), reports through annotations, the job summary and step outputs,
then keeps the sticky comment, the labels and (hardened mode) the commit status in step:
`pending` on the head when the run starts, the verdict on the commit that was judged.
Anything that goes wrong blocks.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from gatekeeper import BUILD
from gatekeeper.constants import (
    EXIT_BLOCKED,
    EXIT_PASS,
    LABEL_STYLES,
    MANAGED_LABELS,
    REJUDGE_LIMIT,
)
from gatekeeper.core.decide import could_not_evaluate
from gatekeeper.core.model import ChangedPath, Decision, PolicyOrigin
from gatekeeper.core.policy.merge import parse_reference
from gatekeeper.core.publishing import PublishPlan, publish_plan
from gatekeeper.core.reasons import Code
from gatekeeper.errors import GatekeeperError
from gatekeeper.forge import (
    Forge,
    ForgeUnavailable,
    PullRequestInfo,
    PushEvent,
    RecordEvent,
)
from gatekeeper.forge.files_cache import FilesCache
from gatekeeper.forge.github.runner import (
    REJUDGE_EVENTS,
    ActionInputs,
    RunnerContext,
    Target,
    read_context,
    rejudge_event_of,
    target_of,
)
from gatekeeper.live.central_policy import PolicyRepositoryReader, read_central
from gatekeeper.live.evaluation import (
    CentralPolicy,
    LiveResult,
    LocalDiff,
    confirm_head,
    evaluate_live,
    policy_in_force,
)
from gatekeeper.live.merge_group import evaluate_merge_group, pulls_of_run
from gatekeeper.live.rejudge import Selection, after_push, after_record_change, rerun_gate
from gatekeeper.local import git
from gatekeeper.local.policy_source import candidate_paths, central_from_file
from gatekeeper.reporters import ReportContext, runner_files
from gatekeeper.reporters.github import annotation, report_github
from gatekeeper.reporters.markdown import comment
from gatekeeper.writes import write_json_atomically

PENDING_DESCRIPTION = "evaluating: a run that never finishes leaves this pending"
# The events whose runs may use the changed-file cache (GATEKEEPER_FILES_CACHE): their
# workflow is the base branch's, and the job's cache is the base branch's, which only
# workflows of the base or default branch write. On `pull_request`, `pull_request_review`
# and `merge_group` the workflow comes with the pull request's own commits, which could
# put a list of their choosing in the cache: there it is ignored (docs/security.md).
FILES_CACHE_EVENTS = frozenset({"pull_request_target", "workflow_run"})


@dataclass(frozen=True)
class ActionOptions:
    environ: Mapping[str, str]
    now: str


def run(options: ActionOptions, out: TextIO) -> int:
    """Exit code: 0 pass, 1 blocked; a payload it cannot use raises GatekeeperError (2)."""
    from gatekeeper.forge.github import GitHubForge

    context = read_context(options.environ)
    # The small urllib3 client (PyGithub is not installed with the action), the policy
    # and the labels it may make read with the pull request, and changed-file lists kept
    # where the workflow says, on the events whose cache a pull request cannot write.
    cache = options.environ.get("GATEKEEPER_FILES_CACHE", "").strip()
    trusted_cache = cache and context.event_name in FILES_CACHE_EVENTS
    forge = GitHubForge(context.token, context.api_url, light=True, snapshot_reads=True,
                        policy_paths=candidate_paths(context.inputs.policy_path),
                        label_names=MANAGED_LABELS if context.inputs.labels else (),
                        files_cache=FilesCache(Path(cache)) if trusted_cache else None,
                        graphql_url=options.environ.get("GITHUB_GRAPHQL_URL"))
    central = central_policy(forge, context.inputs)
    if context.event_name in REJUDGE_EVENTS:
        return rejudge(forge, context, out, now=options.now, central=central)
    target = target_of(context)
    if target.run is not None:
        return judge_workflow_run(forge, context, target, out, now=options.now,
                                  central=central)
    return judge(forge, context, target, out, now=options.now, central=central)


def central_policy(forge: PolicyRepositoryReader, inputs: ActionInputs) -> CentralPolicy | None:
    """The organisation policy the workflow names (input ``org-policy``), read once for
    the run: from the folder the runner fetched the policy repository into
    (``org-policy-root``; then ``org-policy`` must name the commit), else through the API
    with the run's token. What cannot be read is kept as the reason every pull request
    blocks (GK901), never skipped."""
    name = inputs.org_policy
    if not name:
        if inputs.org_policy_root:
            return CentralPolicy("(org-policy not set)", None, "org-policy-root is set but "
                                 "org-policy does not name the policy file")
        return None
    reference = parse_reference(name)
    if reference is None:
        return CentralPolicy(name, None, "org-policy takes OWNER/REPO[:PATH][@REF]")
    try:
        if inputs.org_policy_root:
            if not reference.pinned:
                return CentralPolicy(name, None, "with org-policy-root, org-policy must end "
                                     "in @ the full commit SHA the runner fetched")
            document = central_from_file(str(Path(inputs.org_policy_root) / reference.path),
                                         reference=reference)
        else:
            document = read_central(forge, reference)
    except (ForgeUnavailable, GatekeeperError) as exc:
        return CentralPolicy(name, None, str(exc))
    return CentralPolicy(name, document)


def judge_workflow_run(forge: Forge, context: RunnerContext, target: Target, out: TextIO, *,
                       now: str, central: CentralPolicy | None = None) -> int:
    """The hardened re-evaluation (after a review was submitted or dismissed): every open
    pull request the triggering run was about, each judged afresh from the API."""
    assert target.run is not None
    try:
        numbers = pulls_of_run(forge, target.repo, target.run)
    except ForgeUnavailable as exc:
        out.write(annotation("error", Code.GK904, f"could not find the pull request: {exc}"))
        return EXIT_BLOCKED
    if not numbers:
        raise GatekeeperError("the workflow_run names no open pull request (by number, head "
                              "commit or head branch) to re-evaluate")
    return max(judge(forge, context, replace(target, number=number), out, now=now,
                     central=central)
               for number in numbers)


def rejudge(forge: Forge, context: RunnerContext, out: TextIO, *, now: str,
            central: CentralPolicy | None = None) -> int:
    """A push to a branch or a change to an approval record: the open pull requests it
    concerns are judged again (hardened: here, posting each one's status; simple: by
    re-running each one's gate run). Exit 1 when one could not be, naming it (GK911);
    a pull request judged blocked is that pull request's red, not this run's."""
    event = rejudge_event_of(context)
    if not isinstance(event, PushEvent) and central is not None and central.document is None:
        out.write(annotation("error", Code.GK911, "not judged again: the organisation policy "
                             f"{central.name} could not be read: {central.error}"))
        return EXIT_BLOCKED
    try:
        selection = _selection(forge, context, event, central)
    except ForgeUnavailable as exc:
        out.write(annotation("error", Code.GK911, f"not judged again: {exc}"))
        return EXIT_BLOCKED
    out.write(f"Re-judging {len(selection.numbers)} pull request(s): {selection.why}: "
              f"{', '.join(f'#{n}' for n in selection.numbers) or 'none'}\n")
    problems = [f"more than {REJUDGE_LIMIT} pull requests: {selection.why}; "
                "re-run the Gatekeeper check of the others"] if selection.beyond else []
    for number in selection.numbers:
        try:
            if context.inputs.posts_status:
                problem = _judge_again(forge, context, number, out, now=now, central=central)
            else:
                problem = _rerun_again(forge, context, number,
                                       selection.open_heads.get(number), out)
        except ForgeUnavailable as exc:
            problem = str(exc)
        if problem:
            problems.append(f"#{number}: {problem}")
    for problem in problems:
        out.write(annotation("error", Code.GK911, f"not judged again: {problem}"))
    return EXIT_BLOCKED if problems else EXIT_PASS


def _selection(forge: Forge, context: RunnerContext, event: PushEvent | RecordEvent,
               central: CentralPolicy | None) -> Selection:
    """The pull requests a push or a change to an issue concerns. For an issue, the policy
    on the default branch says whether it is an approval record here."""
    repo = context.repository
    if isinstance(event, PushEvent):
        return after_push(forge, repo, event, limit=REJUDGE_LIMIT)
    tip = forge.branch_head(repo, event.default_branch)
    origin = PolicyOrigin(source=context.inputs.policy_path, ref=event.default_branch, sha=tip)
    policy = policy_in_force(forge, repo, context.inputs.policy_path, origin,
                             central.document if central is not None else None)
    return after_record_change(event, policy, repo, context.server_url, limit=REJUDGE_LIMIT)


def _judge_again(forge: Forge, context: RunnerContext, number: int, out: TextIO, *,
                 now: str, central: CentralPolicy | None) -> str:
    """The hardened set-up: judge the pull request here and post its status."""
    info = forge.pull_request(context.repository, number)
    if not info.is_open:
        return ""
    target = Target(repo=context.repository, number=number, status_sha=None,
                    is_merge_group=False, base_ref=info.base_ref)
    if not _verdict(forge, context, target, out, now=now, central=central).status_ok:
        return "its commit status could not be posted"
    return ""


def _rerun_again(forge: Forge, context: RunnerContext, number: int, head: str | None,
                 out: TextIO) -> str:
    """The simple set-up: re-run the gate's newest run on the pull request's head."""
    if head is None:
        info = forge.pull_request(context.repository, number)
        if not info.is_open:
            return ""
        head = info.head_sha
    outcome = rerun_gate(forge, context.repository, number, head,
                         context.inputs.gate_workflow)
    if not outcome.problem:
        out.write(f"#{number}: re-ran its gate run {outcome.run_id}\n")
    return outcome.problem


@dataclass(frozen=True)
class _Verdict:
    decision: Decision
    status_ok: bool


def judge(forge: Forge, context: RunnerContext, target: Target, out: TextIO, *,
          now: str, central: CentralPolicy | None = None) -> int:
    verdict = _verdict(forge, context, target, out, now=now, central=central)
    return EXIT_BLOCKED if verdict.decision.blocked or not verdict.status_ok else EXIT_PASS


def _verdict(forge: Forge, context: RunnerContext, target: Target, out: TextIO, *,
             now: str, central: CentralPolicy | None) -> _Verdict:
    status = _Statuses(forge, context, target, out)
    try:
        result = _evaluate(forge, context, target, status, now=now, central=central)
    except Exception as exc:  # a bug must block, never pass
        out.write(annotation("error", Code.GK999, f"internal error: {exc!r}"))
        traceback.print_exc()
        decision = could_not_evaluate(
            Code.GK999, f"Gatekeeper failed while evaluating: {type(exc).__name__}: {exc}",
            "re-run the check; if it fails again, report this Gatekeeper bug",
            policy=PolicyOrigin(source=context.inputs.policy_path), evaluated_at=now,
            version=BUILD.describe(), identity=f"{target.repo}#{target.number}",
        )
        result = LiveResult(decision, None, None, sha=status.pending_sha or target.status_sha)
    decision, pull = result.decision, result.pull_request

    decision_file = context.temp_dir / f"decision-{decision.id}.json"
    write_json_atomically(decision_file, decision.to_record())
    report_github(decision, ReportContext(out=out, environ=context.environ))
    runner_files.set_outputs(context.environ, {"decision-file": str(decision_file)})

    plan = publish_plan(decision)
    branch = pull.base_ref if pull is not None and not target.is_merge_group else target.base_ref
    if not result.held_by:
        status.post(result.sha, branch, plan.status_state, plan.status_description)
    # else: an outsider's pull request on an insider's commit: that commit's verdict is the
    # insider's, and this run posts nothing on it, in either direction.
    # A run that judged nothing current (the head moved) leaves the comment and labels to
    # the run for the new head, which may already have written them.
    stale = any(r.code is Code.GK905 for r in decision.reasons)
    if pull is not None and not target.is_merge_group and not stale:
        _update_pull_request(forge, context, pull, decision, plan, out)
    return _Verdict(decision, status.ok)


def _evaluate(forge: Forge, context: RunnerContext, target: Target, status: _Statuses, *,
              now: str, central: CentralPolicy | None) -> LiveResult:
    policy_path, local_diff = context.inputs.policy_path, _local_diff(context)
    if target.group is not None:
        assert target.number is not None
        status.pending(target.group.head_sha, target.group.base_ref)
        return evaluate_merge_group(forge, target.repo, target.number, target.group,
                                    policy_path=policy_path, evaluated_at=now,
                                    local_diff=local_diff, central=central)
    assert target.number is not None
    result = evaluate_live(
        forge, target.repo, target.number, policy_path=policy_path, evaluated_at=now,
        local_diff=local_diff, event_sha=target.status_sha,
        started=lambda info: status.pending(info.head_sha, info.base_ref), central=central,
    )
    # The last read before a pass is posted: the head judged must still be the head.
    return confirm_head(forge, result, evaluated_at=now)


def _local_diff(context: RunnerContext) -> LocalDiff:
    workspace = context.workspace

    def diff(base: str, head: str) -> list[ChangedPath]:
        if workspace is None:
            raise GatekeeperError("no workspace to diff in")
        return git.changed_paths(f"{base}...{head}", cwd=workspace)

    return diff


class _Statuses:
    """The commit statuses of one run (hardened mode): `pending` on the head as soon as it
    is known, then the verdict on the commit that was judged, under a context that names
    the base branch. A status that cannot be posted fails the job (GK906)."""

    def __init__(self, forge: Forge, context: RunnerContext, target: Target, out: TextIO):
        self._forge, self._context, self._target, self._out = forge, context, target, out
        self.pending_sha: str | None = None
        self.ok = True

    def pending(self, sha: str, branch: str) -> None:
        if self._send(sha, branch, "pending", PENDING_DESCRIPTION):
            self.pending_sha = sha

    def post(self, sha: str | None, branch: str, state: str, description: str) -> None:
        if sha is None:
            if self._context.inputs.status_context_for(branch):
                self.ok = False
                self._out.write(annotation("error", Code.GK906, "no commit to post the "
                                           "status on: the pull request could not be read"))
            return
        self._send(sha, branch, state, description)

    def _send(self, sha: str, branch: str, state: str, description: str) -> bool:
        status_context = self._context.inputs.status_context_for(branch)
        if not status_context:
            return False
        try:
            self._forge.post_status(self._target.repo, sha, state=state,
                                    context=status_context, description=description,
                                    target_url=self._context.run_url)
        except ForgeUnavailable as exc:
            self.ok = False
            self._out.write(annotation("error", Code.GK906,
                                       f"could not post the commit status: {exc}"))
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
            # A label is made (with its colour) only when it is about to be added.
            for name in sorted(forge.labels_to_add(pull, set(plan.labels))):
                color, description = LABEL_STYLES[name]
                forge.ensure_label(pull.repo, name, color=color, description=description)
            forge.sync_labels(pull, set(plan.labels), set(MANAGED_LABELS))
        except ForgeUnavailable as exc:
            out.write(annotation("warning", "Gatekeeper labels", f"not updated: {exc}"))
