"""``python -m gatekeeper`` and the ``gatekeeper`` console script.

``gatekeeper validate`` is short-lived and runs on every push and in editors: it turns the
cyclic garbage collector off (it frees nothing the process would not free on exit) and,
once the command has finished and its output is flushed, ends the process without the
interpreter's teardown of every module and object. The exit code is the command's own.
Every other command exits the ordinary way (they may hold caches, threads or files that
rely on it).
"""

from __future__ import annotations

import gc
import os
import sys

_FAST_COMMANDS = frozenset({"validate"})


def run() -> None:
    fast = len(sys.argv) > 1 and sys.argv[1] in _FAST_COMMANDS
    if fast:
        gc.disable()
    from gatekeeper.cli import main

    if not fast:
        main()
        return
    try:
        main()
    except SystemExit as exc:
        code = _exit_status(exc.code)
    else:
        code = 0
    _save_coverage()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        # A closed pipe or stream: let the interpreter report it as it always does.
        raise SystemExit(code) from None
    os._exit(code)


def _save_coverage() -> None:
    """Write coverage data when the test suite traces this process: ``os._exit`` skips the
    exit handler that would write it, and the fast path would go unmeasured."""
    coverage = sys.modules.get("coverage")
    current = coverage.Coverage.current() if coverage is not None else None
    if current is not None:
        current.stop()
        current.save()


def _exit_status(code: object) -> int:
    """What the interpreter would exit with for ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    run()
