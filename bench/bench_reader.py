"""Time parsing plus reading of 65,536-character bodies (GitHub's limit).

Run by hand, not by the test suite:

    python bench/bench_reader.py --runs 15

    python bench/bench_reader.py --runs 15 --scaling   # and each shape at 16, 32, 64 KiB

Shapes: a realistic body (the template, prose, lists, tables, comments, code, quoted
details), a paragraph dense with labels (one "Label: value" line after another, empty
labels included), a line dense with inline code spans, and a long blockquote.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

from gatekeeper.core.body.contract import _markdown, parse_contract

SIZE = 65_536
TEMPLATE = """## Summary
Rotates the signing key. <!-- What changes and why. -->

## Contract
- **Risk level:** RED
- **Accountable owner:** @alice
- **Change origin:** agent
- **Test evidence:** pytest -q: 412 passed

## Escalation
- **Escalation reviewer:** @acme/security
- **Approval reference:** APR-2291
- **Rollback plan:** revert the PR; checked on staging

"""


def _fill(head: str, unit: str) -> str:
    body = head
    while len(body) < SIZE:
        body += unit
    return body[:SIZE]


def realistic() -> str:
    unit = ("Some prose about the change, with a [link](https://example.invalid) and "
            "`code`.\n\n- a list item\n- another, with **bold**\n\n| a | b |\n|---|---|\n"
            "| 1 | 2 |\n\n<!-- a hint -->\n```python\nprint('x')\n```\n\n<details>\n"
            "<summary>Original prompt</summary>\n\n> Risk level: GREEN\n\n</details>\n\n")
    return _fill(TEMPLATE, unit)


def dense_labels() -> str:
    unit = "Risk levl: RED\nAccountable owner:\nNotes: x\nRollback plan:\n"
    return _fill("", unit)


def dense_code_spans() -> str:
    return _fill("Test evidence: ", "`a` `b:c` ")


def long_quote() -> str:
    return _fill(TEMPLATE, "> Risk level: GREEN\n> Owner: @m\n")


def validate_body() -> str:
    """The body bench/bench_validate.py times: the contract, long prose, lists, code."""
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from bench_validate import build_body

    return build_body(random.Random(7))


SHAPES: dict[str, Callable[[], str]] = {
    "bench_validate's body": validate_body,
    "token-dense mix": realistic,
    "paragraph dense with labels": dense_labels,
    "line dense with code spans": dense_code_spans,
    "long blockquote": long_quote,
}


# Reading four times the text may take at most this many times as long (linear, with room
# for the machine's noise); a quadratic reader takes about 16 times as long.
MAX_SCALING = 6.0


def timed(body: str, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each run of parse + read, and of markdown-it-py's parse alone,
    interleaved so that both see the same machine load."""
    times, parse_only = [], []
    for _ in range(runs):
        start = time.perf_counter()
        _markdown().parse(body)
        parse_only.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        parse_contract(body)
        times.append((time.perf_counter() - start) * 1000)
    return times, parse_only


def scaling(runs: int) -> bool:
    """Each shape cut to 16, 32 and 64 KiB: the medians, and 64 KiB over 16 KiB. True when
    every shape stays within MAX_SCALING."""
    linear = True
    print(f"\n{'parse + read, median ms':30} {'16 KiB':>8} {'32 KiB':>8} {'64 KiB':>8} "
          f"{'64/16':>6} {'markdown-it alone, 64/16':>25}")
    for name, build in SHAPES.items():
        body = build()
        medians, alone = [], []
        for size in (SIZE // 4, SIZE // 2, SIZE):
            times, parse_only = timed(body[:size], runs)
            medians.append(statistics.median(times))
            alone.append(statistics.median(parse_only))
        ratio = medians[2] / medians[0]
        linear &= ratio <= MAX_SCALING
        print(f"{name:30} {medians[0]:>8.1f} {medians[1]:>8.1f} {medians[2]:>8.1f} "
              f"{ratio:>6.1f} {alone[2] / alone[0]:>25.1f}")
    return linear


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--target-ms", type=float, default=15.0)
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on a missed target (or, with --scaling, a shape that "
                             "takes more than MAX_SCALING times as long at four times the size)")
    parser.add_argument("--scaling", action="store_true", help="also time 16 and 32 KiB")
    args = parser.parse_args()
    parse_contract(TEMPLATE)  # warm up the parser
    missed = False
    print(f"{'shape':30} {'chars':>6} {'median ms':>9} {'min ms':>7} {'max ms':>7} "
          f"{'markdown-it alone, median ms':>29}")
    for name, build in SHAPES.items():
        body = build()
        times, parse_only = timed(body, args.runs)
        median = statistics.median(times)
        missed |= median > args.target_ms
        print(f"{name:30} {len(body):>6} {median:>9.1f} {min(times):>7.1f} "
              f"{max(times):>7.1f} {statistics.median(parse_only):>29.1f}")
    if args.scaling:
        missed |= not scaling(args.runs)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
