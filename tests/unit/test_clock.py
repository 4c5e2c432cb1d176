"""clock: the one wall-clock reading, as a UTC second."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from gatekeeper import clock


def test_now_is_utc_to_the_second_with_a_z() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = clock.now_utc()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp), stamp
    read = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= read <= after
