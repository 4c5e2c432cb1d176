"""What the reader adds to markdown-it-py's parse, for this checkout or another one.

    python bench/compare_reader.py                # this checkout
    python bench/compare_reader.py /path/to/old   # another checkout of the repository

Prints the median of ``parse_contract()`` and of markdown-it-py's ``parse()`` on
``bench_reader.py``'s first body (65,536 characters), interleaved, and their difference.
Run two checkouts one after the other, in the same minute, to compare readers. Run by hand,
not by the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", nargs="?", default=str(Path(__file__).parent.parent))
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    sys.path.insert(0, args.checkout)
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_reader

    from gatekeeper.core.body.contract import parse_contract
    from gatekeeper.core.text.visible import markdown

    body = bench_reader.validate_body()
    parse_contract(body)
    read: list[float] = []
    parse: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        parse_contract(body)
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        markdown().parse(body)
        parse.append(time.perf_counter() - start)
    both, alone = statistics.median(read) * 1e3, statistics.median(parse) * 1e3
    print(f"{args.checkout}: parse + read {both:.1f} ms, markdown-it alone {alone:.1f} ms, "
          f"the reader adds {both - alone:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
