"""Benchmark `gatekeeper validate` on a maximum-size pull request. Run by hand:

    python bench/bench_validate.py [--runs 15] [--strict]

Builds a 65,536-character body (the contract plus long prose and code), 3,000 changed
paths (repository-like, some RED, some renames) and a 300-pattern policy, then measures:

1. in-process evaluate() with the policy already parsed (target <= 50 ms), and policy
   parse + evaluate;
2. the whole `python -m gatekeeper validate` process against the import floor (a process
   that only imports click, PyYAML, jsonschema, markdown-it-py and re2), median of
   --runs runs each, interleaved: a small PR at most 1.0x the floor, the maximum-size PR
   at most 1.3x (`python -c pass` is shown for reference);
3. policy compilation (the patterns of every class, compiled for matching) at 300 and
   3,000 patterns: at most 80 ms at 3,000, and linear;
4. that PyGithub (`github`) and `requests` are never imported on this path
   (`python -X importtime`), and the top import-time costs.

Exit 1 when (3) fails, or with --strict when a time target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu  # noqa: E402  (bench/ is on sys.path when run)

from gatekeeper import __version__, resources  # noqa: E402
from gatekeeper.core.decide import evaluate  # noqa: E402
from gatekeeper.core.model import Decision, RiskClass  # noqa: E402
from gatekeeper.core.policy.load import Policy, compile_patterns, parse_policy  # noqa: E402
from gatekeeper.local.files import MAX_BODY_CHARS, parse_changed_lines  # noqa: E402

EVALUATE_TARGET_MS = 50.0
SMALL_TARGET_RATIO = 1.0
MAX_TARGET_RATIO = 1.3
COMPILE_TARGET_MS = 80.0
FLOOR_CODE = "import click, yaml, jsonschema, markdown_it, re2"
FORBIDDEN = ("github", "requests")

CONTRACT = """\
## Summary
Move session tokens behind the new key service and add rate limiting to the login
endpoint. This is the maximum-size benchmark body: the contract, then long notes.

## Contract
- **Risk level:** RED
- **Accountable owner:** @bob
- **Change origin:** ai-assisted
- **Test evidence:** `pytest -q`: 4,112 passed; run https://ci.example.com/runs/8812

## Escalation
- **Escalation reviewer:** @acme/security
- **Approval reference:** SEC-2291
- **Rollback plan:** revert the PR; the key service is behind `use_kms_tokens`, switched
  off and on again on staging on 2026-11-20

"""


def build_body(rng: random.Random) -> str:
    parts = [CONTRACT, "## Design notes\n\n"]
    words = ["token", "session", "key", "rotation", "limiter", "bucket", "request", "latency",
             "replica", "shard", "migration", "rollback", "staging", "canary", "header",
             "cookie", "secret", "service"]
    section = 0
    while sum(map(len, parts)) < MAX_BODY_CHARS:
        section += 1
        parts.append(f"### Step {section}\n\n")
        for _ in range(3):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(12, 30)))
            parts.append(f"{sentence.capitalize()}. Risk: low; owner: see above.\n")
        parts.append("\n- first, " + " ".join(rng.choices(words, k=10)) +
                     "\n- then `" + rng.choice(words) + "()` <!-- note -->\n\n")
        parts.append("```python\n" + "".join(
            f"def {rng.choice(words)}_{n}(x):\n    return x * {n}  # {rng.choice(words)}\n"
            for n in range(rng.randint(3, 8))) + "```\n\n")
    body = "".join(parts)[:MAX_BODY_CHARS]
    assert len(body) == MAX_BODY_CHARS
    return body


def build_paths(rng: random.Random, count: int = 3000) -> str:
    areas = ["api", "web", "worker", "billing", "search", "users", "auth", "reports", "admin",
             "notifications", "inventory", "shipping", "checkout", "analytics", "core"]
    layers = ["models", "views", "services", "handlers", "utils", "schemas", "clients"]
    lines: list[str] = []
    seen: set[str] = set()
    while len(lines) < count:
        kind = rng.random()
        area, layer = rng.choice(areas), rng.choice(layers)
        if kind < 0.55:
            path = f"src/{area}/{layer}/{rng.choice(layers)}_{rng.randint(1, 400)}.py"
        elif kind < 0.8:
            path = f"tests/{area}/test_{layer}_{rng.randint(1, 400)}.py"
        elif kind < 0.88:
            path = f"docs/{area}/{layer}-{rng.randint(1, 90)}.md"
        elif kind < 0.92:
            path = f"web/src/components/{area.capitalize()}{rng.randint(1, 99)}.tsx"
        elif kind < 0.95:
            path = f"db/migrations/{rng.randint(1, 9999):04d}_{area}_{layer}.py"
        elif kind < 0.97:
            path = f"infra/{area}/{rng.choice(['main', 'vars', 'outputs'])}.tf"
        else:
            path = f"src/{area}/config/settings_{rng.randint(1, 50)}.yaml"
        if path in seen:
            continue
        seen.add(path)
        if rng.random() < 0.03:
            lines.append(f"R0{rng.randint(50, 99)}\tsrc/legacy/{area}/{Path(path).name}\t{path}")
        else:
            lines.append(f"{rng.choice('MMMMAD')}\t{path}")
    return "\n".join(lines) + "\n"


def build_policy(rng: random.Random, total: int = 300) -> str:
    base = resources.text("default_policy.yml")
    existing = sum(1 for line in base.splitlines() if line.strip().startswith("- "))
    extra = []
    for n in range(total - existing):
        shape = n % 5
        if shape == 0:
            extra.append(f"      - \"services/team{n}/**/secrets/\"")
        elif shape == 1:
            extra.append(f"      - \"/ops/runbooks/critical-{n}.md\"")
        elif shape == 2:
            extra.append(f"      - \"*.vault{n}\"")
        elif shape == 3:
            extra.append(f"      - \"lib/**/hsm_{n}_*.go\"")
        else:
            extra.append(f"      - \"!docs/public/team{n}/\"")
    marker = "      # Gatekeeper's own policy"
    policy = base.replace(marker, "\n".join(extra) + "\n" + marker)
    count = sum(1 for line in policy.splitlines() if line.strip().startswith("- \"")
                or line.strip().startswith("- "))
    assert count == total, count
    return policy


def synthetic_patterns(count: int) -> list[str]:
    """``count`` distinct patterns of the shapes policies use: folders below ``**``,
    anchored files, suffixes, ``**`` in the middle, negations."""
    shapes = ("services/team{n}/**/secrets/", "/ops/runbooks/critical-{n}.md", "*.vault{n}",
              "lib/**/hsm_{n}_*.go", "!docs/public/team{n}/")
    return [shapes[n % len(shapes)].format(n=n) for n in range(count)]


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


# As a user runs it: bytecode is written once and then reused.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False, env=CHILD_ENV)
    return (time.perf_counter() - start) * 1000


def import_times(command: list[str], cwd: Path) -> tuple[set[str], list[tuple[int, int, str]]]:
    """Modules imported by ``command`` and (cumulative us, self us, name) per import."""
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=cwd,
                          capture_output=True, text=True, check=False, env=CHILD_ENV)
    modules: set[str] = set()
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.split(":", 1)[1].split("|")
        modules.add(name.strip())
        rows.append((int(cumulative_us), int(self_us), name.strip()))
    return modules, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="process runs each (>= 15)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    runs = max(args.runs, 15)

    rng = random.Random(2026)
    body, listing, policy_text = build_body(rng), build_paths(rng), build_policy(rng)
    changes = parse_changed_lines(listing, file="changed.txt")
    schema = resources.schema("policy")
    contract_schema = resources.schema("contract")

    def parse() -> Policy:
        return parse_policy(policy_text, file="policy.yml", schema=schema)

    policy = parse()
    patterns = sum(len(rule.patterns) for rule in policy.classes.values())

    def run_evaluate(current: Policy = policy) -> Decision:
        return evaluate(body, changes, current, contract_schema=contract_schema,
                        evaluated_at="2026-11-21T00:00:00Z", version=__version__)

    compile_ms: dict[int, list[float]] = {}
    for count in (300, 3000):
        lines = synthetic_patterns(count)
        compile_ms[count] = timed(
            lambda lines=lines: compile_patterns(lines, file="bench", line=None), 15)

    decision = run_evaluate()
    red = len(decision.classification.paths_in(RiskClass.RED))
    outcome = decision.outcome
    evaluate_ms = timed(run_evaluate, 30)
    parse_and_evaluate_ms = timed(lambda: run_evaluate(parse()), 15)

    results_ok = True
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "body.md").write_text(body, encoding="utf-8")
        (work / "changed.txt").write_text(listing, encoding="utf-8")
        (work / "policy.yml").write_text(policy_text, encoding="utf-8")
        arguments = ["validate", "body.md", "--changed-files", "changed.txt",
                     "--policy", "policy.yml"]
        validate = [sys.executable, "-m", "gatekeeper", *arguments]
        script = Path(sys.executable).parent / "gatekeeper"
        console = [str(script), *arguments] if script.exists() else validate
        baseline = [sys.executable, "-c", "pass"]
        floor = [sys.executable, "-c", FLOOR_CODE]
        (work / "small.md").write_text(CONTRACT, encoding="utf-8")
        small = [sys.executable, "-m", "gatekeeper", "validate", "small.md", "src/auth/a.py"]
        commands = {"floor": floor, "small": small, "max": validate, "console": console,
                    "pass": baseline}
        for command in commands.values():
            wall(command, work)  # warm the disk cache and the bytecode
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                samples[name].append(wall(command, work))
        modules, rows = import_times(validate, work)

    forbidden = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)
    median = {name: statistics.median(values) for name, values in samples.items()}
    small_ratio = median["small"] / median["floor"]
    max_ratio = median["max"] / median["floor"]
    console_ratio = median["console"] / median["floor"]
    evaluate_median = statistics.median(evaluate_ms)
    compile_medians = {count: statistics.median(values) for count, values in compile_ms.items()}
    growth = compile_medians[3000] / compile_medians[300]

    print(f"gatekeeper {__version__}, Python {platform.python_version()} "
          f"({platform.python_implementation()}), {platform.platform()}")
    print(f"CPU: {cpu()}, {os.cpu_count()} cores")
    print(f"body {len(body):,} chars; {len(changes):,} changed paths "
          f"({sum(1 for c in changes if c.old_path):,} renames); "
          f"{patterns} policy patterns; "
          f"decision {outcome}, {red} RED paths")
    print()

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    def row(label: str, values: list[float], target: str) -> str:
        return (f"| {label} | {statistics.median(values):.1f} ms | {min(values):.1f} ms | "
                f"{max(values):.1f} ms | {target} |")

    met = evaluate_median <= EVALUATE_TARGET_MS
    small_met = small_ratio <= SMALL_TARGET_RATIO
    max_met = max_ratio <= MAX_TARGET_RATIO
    compile_met = compile_medians[3000] <= COMPILE_TARGET_MS
    print("| measurement | median | min | max | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    print(row("evaluate(), policy parsed (30 runs)", evaluate_ms,
              f"<= {EVALUATE_TARGET_MS:.0f} ms: {verdict(met)}"))
    print(row("parse policy + evaluate() (15 runs)", parse_and_evaluate_ms, ""))
    print(row("policy compilation, 300 patterns (15 runs)", compile_ms[300], ""))
    print(row("policy compilation, 3,000 patterns (15 runs)", compile_ms[3000],
              f"<= {COMPILE_TARGET_MS:.0f} ms: {verdict(compile_met)}; "
              f"{growth:.1f}x the 300-pattern time for 10x the patterns"))
    print(row(f"`python -c pass` ({runs} runs)", samples["pass"], "reference"))
    print(row(f"import floor: `python -c \"{FLOOR_CODE}\"` ({runs} runs)", samples["floor"],
              "1.00x"))
    print(row(f"small PR: `python -m gatekeeper validate small.md src/auth/a.py` ({runs} runs)",
              samples["small"],
              f"<= {SMALL_TARGET_RATIO}x floor: {small_ratio:.2f}x {verdict(small_met)}"))
    print(row(f"maximum PR: `python -m gatekeeper validate ...` ({runs} runs)", samples["max"],
              f"<= {MAX_TARGET_RATIO}x floor: {max_ratio:.2f}x {verdict(max_met)}"))
    print(row(f"maximum PR, `gatekeeper validate ...` console script ({runs} runs)",
              samples["console"], f"{console_ratio:.2f}x floor"))
    print()
    print("Top import-time costs (cumulative, `-X importtime`):")
    print()
    print("| module | cumulative | self |")
    print("| --- | ---: | ---: |")
    top_level = sorted((r for r in rows if "." not in r[2] or r[2].startswith("gatekeeper.")),
                       reverse=True)[:15]
    for cumulative, own, name in top_level:
        print(f"| {name} | {cumulative / 1000:.1f} ms | {own / 1000:.1f} ms |")
    print()
    if forbidden:
        print(f"FAIL: imported on the validate path: {', '.join(forbidden)}")
        results_ok = False
    else:
        print(f"ok: none of {', '.join(FORBIDDEN)} imported on the validate path "
              f"({len(modules)} modules imported)")
    if args.strict and not (met and small_met and max_met and compile_met):
        results_ok = False
    return 0 if results_ok else 1


if __name__ == "__main__":
    sys.exit(main())
