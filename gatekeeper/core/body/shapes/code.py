"""A code block right under a label with no value (a command, a script, its output)."""

from __future__ import annotations

from markdown_it.token import Token

from gatekeeper.core.body.walk import Walk, belongs, take_pending


def code_value(walk: Walk, token: Token, line: int) -> None:
    """A code block under a label with no value is its value; elsewhere it is an example."""
    if walk.pending is None or not belongs(walk):
        walk.pending = None
        return
    first = line + (1 if token.type == "fence" else 0)
    take_pending(walk, " ".join(token.content.split()), first)
