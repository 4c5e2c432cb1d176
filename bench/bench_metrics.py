"""Benchmark `gatekeeper metrics` on 10,000 synthetic pull requests in the GitHub double.

Run by hand (not by the test suite):

    python bench/bench_metrics.py                  # 10,000 pull requests
    python bench/bench_metrics.py --strict         # exit 1 when a target is missed

Measures, on one double serving both GraphQL (the synthetic history of
tests/support/metrics_synth.py) and REST (the same history loaded into its state):

1. a full export on an empty cache, as a real process (`python -m gatekeeper metrics`):
   GraphQL requests (target: at most 2 per 100 pull requests), wall time, peak RSS;
2. a rerun with nothing new (target: at most 3 requests);
3. the naive REST approach on the same double: list the pull requests, then for each one
   its files, reviews and issue events, page by page; the request ratio against (1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gatekeeper.forge import ForgeUnavailable  # noqa: E402
from gatekeeper.forge.github import GitHubForge  # noqa: E402
from tests.support.github_double import FakeGitHub  # noqa: E402
from tests.support.metrics_synth import REPO, TOKEN, SynthGitHub, generate, seed_rest  # noqa: E402


def run_cli(fake: FakeGitHub, cache: Path, out: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env.update({"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.base_url})
    before = fake.count("POST", "^/graphql$")
    started = time.perf_counter()
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [sys.executable, "-m", "gatekeeper", "metrics", "--repo", REPO, "--format", "json",
         "--output", str(out), "--cache", str(cache)],
        env=env, capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"gatekeeper metrics failed:\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"requests": fake.count("POST", "^/graphql$") - before, "wall_s": wall,
            # ru_maxrss is the largest child so far (KiB on Linux)
            "peak_rss_mib": max(peak, usage_before) / 1024, "stderr": done.stderr.strip()}


def naive_rest(fake: FakeGitHub, base: str) -> dict[str, Any]:
    """What a script without GraphQL does: list, then three calls per pull request."""
    client = GitHubForge(TOKEN, fake.base_url)
    before = len(fake.requests)
    started = time.perf_counter()
    numbers: list[int] = []
    page = 1
    while True:
        _, data = client.request("listing", "GET", f"/repos/{REPO}/pulls", parameters={
            "state": "all", "base": base, "sort": "updated", "direction": "desc",
            "per_page": 100, "page": page})
        numbers += [item["number"] for item in data]
        if len(data) < 100:
            break
        page += 1
    missing_route = 0
    for number in numbers:
        for path in (f"/repos/{REPO}/pulls/{number}/files",
                     f"/repos/{REPO}/pulls/{number}/reviews",
                     f"/repos/{REPO}/issues/{number}/events"):
            page = 1
            while True:
                try:
                    _, data = client.request("reading", "GET", path,
                                             parameters={"per_page": 100, "page": page})
                except ForgeUnavailable:
                    missing_route += 1  # the double does not serve issue events
                    break
                if len(data) < 100:
                    break
                page += 1
    return {"requests": len(fake.requests) - before, "wall_s": time.perf_counter() - started,
            "pull_requests": len(numbers), "unanswered_events_requests": missing_route}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=50)
    parser.add_argument("--per-week", type=int, default=200)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    dataset = generate(seed=2026, weeks=args.weeks, per_week=args.per_week, rollout_week=8)
    on_main = sum(p.base == "main" for p in dataset.pulls)
    results: dict[str, Any] = {"pull_requests": len(dataset.pulls), "on_main": on_main}
    with tempfile.TemporaryDirectory() as scratch, FakeGitHub(check="off") as fake:
        fake.graphql_data = SynthGitHub(dataset).provider
        cache, out = Path(scratch) / "cache.sqlite", Path(scratch) / "metrics.json"
        results["full"] = run_cli(fake, cache, out)
        exported = json.loads(out.read_text())
        results["full"]["prs_counted"] = exported["totals"]["prs_total"]
        results["rerun"] = run_cli(fake, cache, out)
        results["cache_mib"] = cache.stat().st_size / 2**20
        if not args.skip_naive:
            seed_rest(fake, dataset)
            results["naive"] = naive_rest(fake, "main")
            results["ratio"] = results["naive"]["requests"] / results["full"]["requests"]

    budget = 2 * math.ceil(on_main / 100)
    full, rerun = results["full"], results["rerun"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"pull requests: {len(dataset.pulls):,} ({on_main:,} into main, "
          f"{full['prs_counted']:,} counted)")
    print(f"full export:  {full['requests']} GraphQL requests (budget {budget}: "
          f"{full['requests'] / on_main * 100:.2f} per 100 PRs), {full['wall_s']:.1f} s, "
          f"peak RSS {full['peak_rss_mib']:.0f} MiB")
    print(f"rerun:        {rerun['requests']} requests (budget 3), {rerun['wall_s']:.1f} s")
    print(f"cache file:   {results['cache_mib']:.1f} MiB")
    if "naive" in results:
        naive = results["naive"]
        print(f"naive REST:   {naive['requests']:,} requests for {naive['pull_requests']:,} "
              f"pull requests, {naive['wall_s']:.1f} s "
              f"({naive['unanswered_events_requests']:,} issue-events requests unanswered "
              f"by the double); ratio {results['ratio']:.0f}x")
    missed = full["requests"] > budget or rerun["requests"] > 3
    print("targets:", "MISSED" if missed else "met")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
