"""What the reader adds to markdown-it-py's parse, for this checkout or another one.

    python bench/compare_reader.py                # this checkout
    python bench/compare_reader.py /path/to/old   # another checkout of the repository
    python bench/compare_reader.py --ab /path/to/old /path/to/new --rounds 10

Prints the median of ``parse_contract()`` and of markdown-it-py's ``parse()`` on
``bench_reader.py``'s first body (65,536 characters), interleaved, and their difference;
then the median of the reader alone: ``parse_contract()`` on tokens parsed once beforehand,
steadier on a busy machine than the difference of two medians.

``--ab`` compares two checkouts on a machine whose load changes from minute to minute: it
runs one process per checkout and round, alternating (A then B, then B then A, and so on),
and prints for each checkout the median over the rounds of each round's median, and the
median of the per-round differences B minus A (each difference taken between two runs made
one after the other). The load average is printed before and after. Run by hand, not by the
test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def measure(checkout: str, runs: int) -> tuple[float, float, float]:
    """Median milliseconds of parse + read, of markdown-it-py's parse alone, and of the
    reader alone (the walk over tokens parsed once, before the runs)."""
    sys.path.insert(0, checkout)
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_reader

    import gatekeeper
    from gatekeeper.core.body import contract
    from gatekeeper.core.body.contract import parse_contract
    from gatekeeper.core.text.visible import markdown

    if not Path(gatekeeper.__file__).resolve().is_relative_to(Path(checkout).resolve()):
        raise SystemExit(f"gatekeeper was imported from {gatekeeper.__file__}, not {checkout}")
    body = bench_reader.validate_body()
    parse_contract(body)
    read: list[float] = []
    parse: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_contract(body)
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        markdown().parse(body)
        parse.append(time.perf_counter() - start)
    return (statistics.median(read) * 1e3, statistics.median(parse) * 1e3,
            _reader_alone(contract, body, runs))


def _reader_alone(contract: Any, body: str, runs: int) -> float:
    """The reader's own time: ``parse_contract()`` with each text's tokens parsed once
    beforehand (a steadier figure than a difference of two noisy medians)."""
    original = contract._markdown
    parser = original()
    parsed: dict[str, Any] = {}

    class Parsed:
        def parse(self, text: str) -> Any:
            if text not in parsed:
                parsed[text] = parser.parse(text)
            return parsed[text]

        def parseInline(self, text: str) -> Any:  # markdown-it-py's name
            return parser.parseInline(text)

    contract._markdown = Parsed
    try:
        contract.parse_contract(body)
        alone: list[float] = []
        for _ in range(runs):
            start = time.perf_counter()
            contract.parse_contract(body)
            alone.append(time.perf_counter() - start)
    finally:
        contract._markdown = original
    return statistics.median(alone) * 1e3


def _one(checkout: str, runs: int) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, __file__, checkout, "--runs", str(runs), "--json"],
        check=True, capture_output=True, text=True).stdout
    both, alone, reader = json.loads(out)
    return float(both), float(alone), float(reader)


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def ab(first: str, second: str, rounds: int, runs: int) -> None:
    print(f"load average before: {_load()}")
    results: dict[str, list[tuple[float, float, float]]] = {first: [], second: []}
    for index in range(rounds):
        order = (first, second) if index % 2 == 0 else (second, first)
        for checkout in order:
            results[checkout].append(_one(checkout, runs))
    print(f"load average after: {_load()}")
    for name, checkout in (("A", first), ("B", second)):
        both = [pair[0] for pair in results[checkout]]
        alone = [pair[1] for pair in results[checkout]]
        added = [a - b for a, b, _ in results[checkout]]
        reader = [pair[2] for pair in results[checkout]]
        print(f"{name} {checkout}: parse + read {statistics.median(both):.1f} ms "
              f"(rounds {min(both):.1f} to {max(both):.1f}), markdown-it alone "
              f"{statistics.median(alone):.1f} ms, the reader adds "
              f"{statistics.median(added):.1f} ms; the reader alone "
              f"{statistics.median(reader):.2f} ms (rounds {min(reader):.2f} to "
              f"{max(reader):.2f})")
    for index, what in ((0, "parse + read"), (2, "the reader alone")):
        difference = [b[index] - a[index]
                      for a, b in zip(results[first], results[second], strict=True)]
        print(f"B minus A, {what}, median of {rounds} rounds of {runs} runs: "
              f"{statistics.median(difference):+.2f} ms "
              f"(rounds {min(difference):+.2f} to {max(difference):+.2f})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", nargs="?", default=str(Path(__file__).parent.parent))
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--ab", nargs=2, metavar=("A", "B"), help="two checkouts to compare")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ab:
        ab(args.ab[0], args.ab[1], args.rounds, args.runs)
        return 0
    both, alone, reader = measure(args.checkout, args.runs)
    if args.json:
        print(json.dumps([both, alone, reader]))
        return 0
    print(f"{args.checkout}: parse + read {both:.1f} ms, markdown-it alone {alone:.1f} ms, "
          f"the reader adds {both - alone:.1f} ms; the reader alone {reader:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
