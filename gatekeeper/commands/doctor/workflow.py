"""The Gatekeeper workflow on a branch: which events it listens to, how it reports."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from gatekeeper import Build
from gatekeeper.commands.doctor.results import CheckResult, quoted
from gatekeeper.constants import (
    HARDENED_STATUS_CONTEXT_FORMAT,
    PULL_REQUEST_TYPES,
    REVIEW_TYPES,
)
from gatekeeper.forge import FileFacts, RulesFacts

# Types a trigger listens to when the workflow names the event without `types:`.
_DEFAULT_TYPES: dict[str, tuple[str, ...]] = {
    "pull_request": ("opened", "synchronize", "reopened"),
    "pull_request_target": ("opened", "synchronize", "reopened"),
    "pull_request_review": ("submitted", "edited", "dismissed"),
    "merge_group": ("checks_requested",),
}
_HEAD_REF = re.compile(r"head|refs/pull|merge_commit_sha", re.IGNORECASE)


@dataclass(frozen=True)
class WorkflowFacts:
    """What the Gatekeeper workflow on the branch says about how the gate reports."""

    hardened: bool = False
    check_names: tuple[str, ...] = ()
    status_contexts: tuple[str, ...] = ()
    policy_path: str | None = None
    # The Gatekeeper actions its steps use, as written (``OWNER/REPO@REF``; no local ones).
    pins: tuple[str, ...] = ()


def gatekeeper_workflows(rules: RulesFacts) -> list[tuple[str, str]]:
    """(ruleset, path) of ``workflows`` rules (required workflows from a policy repository)
    that run Gatekeeper."""
    return [(rule.ruleset, path) for rule in rules.of_kind("workflows")
            for path in rule.workflow_paths if "gatekeeper" in path.lower()]


def _triggers(document: Mapping[Any, Any]) -> dict[str, tuple[str, ...]] | None:
    # YAML 1.1 reads a bare `on` key as the boolean true.
    raw = document.get("on", document.get(True))
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        raw = {event: None for event in raw if isinstance(event, str)}
    if not isinstance(raw, dict):
        return None
    triggers: dict[str, tuple[str, ...]] = {}
    for event, config in raw.items():
        if not isinstance(event, str):
            continue
        types = config.get("types") if isinstance(config, dict) else None
        if isinstance(types, str):
            types = [types]
        if isinstance(types, list):
            triggers[event] = tuple(str(t) for t in types)
        else:
            triggers[event] = _DEFAULT_TYPES.get(event, ())
    return triggers


def _missing(triggers: Mapping[str, tuple[str, ...]], event: str,
             wanted: Sequence[str]) -> str | None:
    if event not in triggers:
        return f"{event} ({', '.join(wanted)})"
    lacking = [t for t in wanted if t not in triggers[event]]
    return f"{event} types {', '.join(lacking)}" if lacking else None


def _is_gatekeeper_step(step: Mapping[str, Any]) -> bool:
    uses = step.get("uses")
    return isinstance(uses, str) and ("gatekeeper" in uses.lower() or uses.startswith("./"))


def workflow_facts(document: Mapping[Any, Any], triggers: Mapping[str, Any]) -> WorkflowFacts:
    workflow_name = document.get("name") if isinstance(document.get("name"), str) else None
    check_names: list[str] = []
    status_contexts: list[str] = []
    policy_path: str | None = None
    pins: list[str] = []
    jobs = document.get("jobs")
    for job_id, job in (jobs.items() if isinstance(jobs, dict) else ()):
        if not isinstance(job, dict):
            continue
        steps = [s for s in job.get("steps") or () if isinstance(s, dict)]
        ours = [s for s in steps if _is_gatekeeper_step(s)]
        if not ours:
            continue
        named = job.get("name")
        job_name = named if isinstance(named, str) else str(job_id)
        check_names.append(job_name)
        if workflow_name:
            check_names.append(f"{workflow_name} / {job_name}")
        for step in ours:
            uses = str(step.get("uses"))
            if not uses.startswith("./") and uses not in pins:
                pins.append(uses)
            inputs = _inputs(step)
            context = inputs.get("status-context")
            if isinstance(context, str) and context.strip() and "${{" not in context:
                status_contexts.append(context.strip())
            path = inputs.get("policy-path")
            if isinstance(path, str) and path.strip() and "${{" not in path:
                policy_path = path.strip()
    return WorkflowFacts(
        hardened="pull_request_target" in triggers,
        check_names=tuple(check_names),
        status_contexts=tuple(status_contexts),
        policy_path=policy_path,
        pins=tuple(pins),
    )


_PINNED_SHA = re.compile(r"@([0-9a-f]{40})$")


def pin_warnings(facts: WorkflowFacts, path: str, build: Build) -> tuple[str, ...]:
    """A warning for each Gatekeeper commit the workflow pins other than the one the
    running CLI was built from: its local decisions may then differ from CI's."""
    if build.commit is None:
        return ()
    warnings: list[str] = []
    for uses in facts.pins:
        pinned = _PINNED_SHA.search(uses)
        if pinned is not None and pinned.group(1) != build.commit:
            warnings.append(
                f"{path} pins {uses}, but this gatekeeper is {build.describe()}: its "
                "decisions may differ from CI's; install Gatekeeper at the pinned commit, "
                "or run `gatekeeper init --force` to pin this one")
    return tuple(warnings)


def _inputs(step: Mapping[str, Any]) -> dict[str, Any]:
    inputs = step.get("with")
    return inputs if isinstance(inputs, dict) else {}


def _checks_out_pull_request(document: Mapping[Any, Any]) -> bool:
    jobs = document.get("jobs")
    for job in (jobs.values() if isinstance(jobs, dict) else ()):
        for step in (job.get("steps") or () if isinstance(job, dict) else ()):
            if not isinstance(step, dict):
                continue
            uses = step.get("uses")
            if isinstance(uses, str) and uses.startswith("actions/checkout") \
                    and _HEAD_REF.search(str(_inputs(step).get("ref") or "")):
                return True
    return False


def check_workflow(file: FileFacts, path: str, branch: str,
                   rules: RulesFacts | None = None) -> tuple[CheckResult, WorkflowFacts]:
    name = "workflow"
    required = gatekeeper_workflows(rules or RulesFacts())
    if file.error:
        return CheckResult(name, False, file.error,
                           "re-run with a token that can read the repository's contents",
                           unread=True), \
            WorkflowFacts()
    text = file.text
    if text is None:
        if required:
            ruleset, workflow = required[0]
            return CheckResult(name, True, f"no {path} on {branch}; {ruleset} runs "
                                           f"{workflow} from its policy repository"), \
                WorkflowFacts()
        return CheckResult(name, False, f"no {path} on {branch}",
                           f"run `gatekeeper init` and merge {path} into {branch}"), \
            WorkflowFacts()
    init_fix = (f"use the `on:` block that `gatekeeper init` writes (`gatekeeper init --force` "
                f"rewrites {path}), or docs/examples/gatekeeper-hardened.yml for the hardened "
                "set-up")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        return CheckResult(name, False, f"{path}{line} on {branch} is not valid YAML",
                           init_fix), WorkflowFacts()
    triggers = _triggers(document) if isinstance(document, dict) else None
    if not isinstance(document, dict) or triggers is None:
        return CheckResult(name, False, f"{path} on {branch} has no `on:` triggers",
                           init_fix), WorkflowFacts()

    facts = workflow_facts(document, triggers)
    if not facts.check_names:
        return CheckResult(name, False, f"no step in {path} on {branch} uses the Gatekeeper "
                                        "action", init_fix), facts
    if facts.hardened:
        gaps = [m for m in (_missing(triggers, "pull_request_target", PULL_REQUEST_TYPES),)
                if m]
        if _checks_out_pull_request(document):
            return CheckResult(
                name, False,
                f"{path} on {branch} checks out the pull request's code under "
                "pull_request_target, where it runs with a write token",
                "remove the checkout of the pull request's head; the action needs no checkout",
            ), facts
        # Without `status-context:` the hardened mode posts the default one, naming the
        # base branch.
        contexts = tuple(c.replace("{branch}", branch) for c in facts.status_contexts) or (
            HARDENED_STATUS_CONTEXT_FORMAT.format(branch=branch),)
        mode = "hardened: pull_request_target, commit status " + quoted(contexts)
    else:
        gaps = [m for m in (
            _missing(triggers, "pull_request", PULL_REQUEST_TYPES),
            _missing(triggers, "pull_request_review", REVIEW_TYPES),
            _missing(triggers, "merge_group", ("checks_requested",)),
        ) if m]
        mode = "pull_request, pull_request_review, merge_group"
    if gaps:
        return CheckResult(name, False, f"{path} on {branch} does not listen to "
                                        f"{'; '.join(gaps)}", init_fix), facts
    return CheckResult(name, True, f"{path} on {branch} listens to every event the gate needs "
                                   f"({mode})"), facts
