"""errors: one line, FILE:LINE: message, with whatever part of the place is known."""

from __future__ import annotations

import pytest

from gatekeeper.errors import GatekeeperError


@pytest.mark.parametrize(("file", "line", "shown"), [
    ("policy.yml", 12, "policy.yml:12: bad key"),
    ("policy.yml", 0, "policy.yml:0: bad key"),
    ("policy.yml", None, "policy.yml: bad key"),
    (None, 12, "bad key"),  # a line without a file says nothing
    (None, None, "bad key"),
    ("", 3, "bad key"),
])
def test_the_place_is_shown_as_far_as_it_is_known(file: str | None, line: int | None,
                                                  shown: str) -> None:
    assert str(GatekeeperError("bad key", file=file, line=line)) == shown


def test_the_parts_stay_readable_apart() -> None:
    error = GatekeeperError("bad key", file="a.yml", line=4)
    assert (error.message, error.file, error.line) == ("bad key", "a.yml", 4)
    assert error.args == ("bad key",)
    with pytest.raises(GatekeeperError, match=r"^a\.yml:4: bad key$"):
        raise error
